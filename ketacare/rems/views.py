"""REMS monitoring form pages: the form of one esketamine session (prefilled values with
their source, problems, the staff's answers, submission), its PDF and CSV, and the clinic's
list of forms due. Every view of a form is an audited read of the patient's chart."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.core.csv_export import csv_lines
from ketacare.core.forms import apply_errors
from ketacare.core.models import AuditAction
from ketacare.dosing.models import DosingSession
from ketacare.patients.services import patient_chart_read
from ketacare.rems import layout, services
from ketacare.rems.forms import AnswersForm, SubmitForm
from ketacare.rems.pdf import PdfUnavailable, html_to_pdf
from ketacare.rems.prefill import Prefilled, form_as_it_stands
from ketacare.rems.queries import DueForm, form_record, forms_due, rems_session_for

DUE_COLUMNS = ("patient", "mrn", "treatment_date", "due_on", "days_left", "overdue", "session")


def _current(session: DosingSession) -> Prefilled:
    return form_as_it_stands(session, form_record(session))


def _read(request: StaffRequest, dosing_id: uuid.UUID, via: str) -> Prefilled:
    session = rems_session_for(request.actor, dosing_id, Perm.REMS_FORM_VIEW)
    return _shown(request, session, via)


def _shown(request: StaffRequest, session: DosingSession, via: str = "rems_form") -> Prefilled:
    """The form about to be shown: each showing is an audited read of the patient's chart."""
    patient_chart_read(actor=request.actor, patient=session.patient, via=via)
    return _current(session)


@staff_view(Perm.REMS_FORM_VIEW)
def form_page(request: StaffRequest, dosing_id: uuid.UUID) -> HttpResponse:
    return _page(request, _read(request, dosing_id, "rems_form"), {})


def _page(
    request: StaffRequest, current: Prefilled, bound: dict[str, Any], status: int = 200
) -> HttpResponse:
    record = current.record
    context = {
        "current": current,
        "session": current.session,
        "sections": layout.sections(current),
        "answers": bound.get("answers") or AnswersForm(instance=record),
        "submit": bound.get("submit") or SubmitForm(),
        "may_record": request.actor.can(Perm.REMS_FORM_RECORD, current.session.clinic),
    }
    return render(request, "rems/form.html", context, status=status)


@staff_view(Perm.REMS_FORM_RECORD)
def answers(request: StaffRequest, dosing_id: uuid.UUID) -> HttpResponse:
    session = rems_session_for(request.actor, dosing_id, Perm.REMS_FORM_RECORD)
    if request.method != "POST":
        return redirect("rems:form", dosing_id=session.public_id)
    form = AnswersForm(request.POST, instance=form_record(session))
    if form.is_valid():
        try:
            services.rems_form_record_answers(
                actor=request.actor, session=session, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Answers saved.")
            return redirect("rems:form", dosing_id=session.public_id)
    return _page(request, _shown(request, session), {"answers": form})


@staff_view(Perm.REMS_FORM_RECORD)
def submit(request: StaffRequest, dosing_id: uuid.UUID) -> HttpResponse:
    session = rems_session_for(request.actor, dosing_id, Perm.REMS_FORM_RECORD)
    if request.method != "POST":
        return redirect("rems:form", dosing_id=session.public_id)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.rems_form_submit(actor=request.actor, session=session, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The form is marked submitted.")
            return redirect("rems:form", dosing_id=session.public_id)
    return _page(request, _shown(request, session), {"submit": form})


@staff_view(Perm.REMS_FORM_VIEW)
def form_pdf(request: StaffRequest, dosing_id: uuid.UUID) -> HttpResponse:
    current = _read(request, dosing_id, "rems_pdf")
    context = {"current": current, "sections": layout.sections(current)}
    html = render_to_string("rems/form_pdf.html", context, request=request)
    try:
        pdf = html_to_pdf(html)
    except PdfUnavailable:
        return render(request, "rems/pdf_unavailable.html", {"current": current}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(current)}.pdf"'
    return response


def _filename(current: Prefilled) -> str:
    # No patient name in the file name: it ends up in download folders and logs.
    day = current.form.treatment_date
    return f"rems-monitoring-form-{day:%Y-%m-%d}" if day else "rems-monitoring-form"


@staff_view(Perm.REMS_FORM_VIEW)
def form_csv(request: StaffRequest, dosing_id: uuid.UUID) -> HttpResponse:
    current = _read(request, dosing_id, "rems_csv")
    body = "".join(csv_lines(layout.FIELDS, [layout.csv_row(current)]))
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{_filename(current)}.csv"'
    return response


@staff_view(Perm.REMS_FORM_VIEW)
def due(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    rows = forms_due(clinic)
    services.rems_forms_due_read(actor=request.actor, clinic=clinic, rows=rows)
    return render(request, "rems/due.html", {"rows": rows})


@staff_view(Perm.REMS_FORM_VIEW)
def due_csv(request: StaffRequest) -> StreamingHttpResponse:
    clinic = request.membership.clinic
    rows = forms_due(clinic)
    services.rems_forms_due_read(
        actor=request.actor, clinic=clinic, rows=rows, action=AuditAction.EXPORT
    )
    response = StreamingHttpResponse(
        csv_lines(DUE_COLUMNS, (_due_cells(row) for row in rows)), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="rems-forms-due-{clinic.slug}.csv"'
    return response


def _due_cells(row: DueForm) -> tuple[Any, ...]:
    patient = row.session.patient
    return (
        f"{patient.family_name}, {patient.given_name}",
        patient.mrn,
        row.treatment_date.isoformat(),
        row.due_on.isoformat(),
        row.days_left,
        "yes" if row.overdue else "no",
        str(row.session.public_id),
    )
