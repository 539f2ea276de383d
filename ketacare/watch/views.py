"""The safety watch's pages: the clinic's watch list (checks overdue and due within a week,
positive results waiting for a prescriber; one audited read naming the patients shown), a check
recorded as the course's protocol asks it, a prescriber's review and a result marked entered in
error. A refusal shows the page again with what was typed."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ketacare import clinical
from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.core import audit
from ketacare.core.forms import apply_errors
from ketacare.patients.models import Patient
from ketacare.patients.services import entry_mark_error, patient_chart_read
from ketacare.treatment.models import TreatmentCourse
from ketacare.treatment.queries import course_for
from ketacare.watch import queries, services
from ketacare.watch.forms import CheckForm, ErrorForm, ReviewForm
from ketacare.watch.models import WatchResult

LIST_OBJECT = "safety_watch"


@staff_view(Perm.WATCH_VIEW)
def watch_list(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    watched = queries.courses_watched(clinic, clinic.today())
    shown = [w.course.patient.public_id for w in watched]
    read = audit.list_read_entry(LIST_OBJECT, clinic, shown, via="web")
    audit.record_now(read, request.actor)
    context = {
        "watched": watched,
        "can_record": request.actor.can(Perm.WATCH_RECORD, clinic),
        "can_review": request.actor.can(Perm.WATCH_REVIEW, clinic),
    }
    return render(request, "watch/list.html", context)


@staff_view(Perm.WATCH_RECORD)
def record(request: StaffRequest, course_id: uuid.UUID, check: str) -> HttpResponse:
    if check not in clinical.WATCH_KINDS:
        raise Http404("No such check.")
    course = course_for(request.actor, course_id, Perm.WATCH_RECORD)
    _read(request, course.patient)
    try:
        asked = services.recordable(course, check)
    except ValidationError as error:
        context = {"course": course, "patient": course.patient, "problems": error.messages}
        return render(request, "watch/not_now.html", context, status=409)
    form = CheckForm(request.POST or None, check=asked)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.watch_record(
                actor=request.actor,
                course=course,
                kind=check,
                done_at=data["done_at"],
                answers=form.answers(),
                value=data.get("value"),
                note=data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            outcome = "positive: the prescriber is told" if result.positive else "not positive"
            messages.success(request, f"{asked.title} recorded, {outcome}.")
            return redirect("patients:chart", patient_id=course.patient.public_id)
    context = {
        "form": form,
        "check": asked,
        "course": course,
        "patient": course.patient,
        "rise": _rise(course, asked) if check == "blood_pressure" else None,
    }
    return render(request, "watch/record.html", context)


def _read(request: StaffRequest, patient: Patient) -> None:
    """A page showing one patient's watch: read as their chart is, so it shows under who
    viewed the record."""
    patient_chart_read(actor=request.actor, patient=patient, via="safety_watch")


def _rise(course: TreatmentCourse, check: clinical.WatchCheck) -> float | None:
    return clinical.sbp_rise(queries.pre_dose_sbp(course), check.readings or 1)


def _result(request: StaffRequest, result_id: uuid.UUID, perm: Perm) -> WatchResult:
    row = (
        WatchResult.objects.filter(public_id=result_id, clinic_id__in=request.actor.clinic_ids)
        .select_related("clinic", "patient")
        .first()
    )
    if row is None:
        raise access_denied(actor=request.actor, model=WatchResult, public_id=result_id)
    request.actor.demand(perm, row.clinic)
    return row


@staff_view(Perm.WATCH_REVIEW)
def review(request: StaffRequest, result_id: uuid.UUID) -> HttpResponse:
    row = _result(request, result_id, Perm.WATCH_REVIEW)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.watch_review(
                actor=request.actor, result=row, note=form.cleaned_data["review_note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("watch:list")
    context = {"form": form, "result": row, "patient": row.patient}
    _read(request, row.patient)
    return render(request, "watch/review.html", context)


@staff_view(Perm.WATCH_RECORD)
def mark_error(request: StaffRequest, result_id: uuid.UUID) -> HttpResponse:
    row = _result(request, result_id, Perm.WATCH_RECORD)
    form = ErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry_mark_error(
                actor=request.actor,
                entry=row,
                reason=form.cleaned_data["reason"],
                perm=Perm.WATCH_RECORD,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Marked entered in error.")
            return redirect("patients:chart", patient_id=row.patient.public_id)
    context = {"form": form, "result": row, "patient": row.patient}
    _read(request, row.patient)
    return render(request, "watch/error.html", context)
