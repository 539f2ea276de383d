"""Treatment pages: the protocol library, and a patient's course with its schedule."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from ketacare import clinical
from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm, role_can
from ketacare.core.forms import apply_errors
from ketacare.patients.models import Patient
from ketacare.patients.queries import patient_for
from ketacare.patients.services import patient_chart_read
from ketacare.treatment import library, schedule, services
from ketacare.treatment.forms import (
    BookForm,
    CourseStartForm,
    DoseChangeForm,
    MoveForm,
    ProtocolSettingsForm,
    ReasonForm,
    RemsForm,
    ResumeForm,
)
from ketacare.treatment.models import PlannedSession, TreatmentCourse
from ketacare.treatment.queries import (
    course_ready_for_first_session,
    course_with_history,
    courses_of,
    dose_preview,
    latest_decisions,
    latest_measurement,
    library_versions,
    open_course,
    protocol_for,
    protocol_of,
)

# --- the protocol library ----------------------------------------------------------------------


@staff_view(Perm.PROTOCOL_VIEW)
def protocol_list(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    versions = list(library_versions(clinic))
    context = {
        "builtins": [v for v in versions if v.is_builtin],
        "own": [v for v in versions if not v.is_builtin],
        "can_manage": request.actor.can(Perm.PROTOCOL_MANAGE, request.membership.clinic),
    }
    return render(request, "treatment/protocol_list.html", context)


@staff_view(Perm.PROTOCOL_VIEW)
def protocol_detail(request: StaffRequest, protocol_id: uuid.UUID) -> HttpResponse:
    version = protocol_for(request.actor, protocol_id, Perm.PROTOCOL_VIEW)
    context = {
        "version": version,
        "protocol": protocol_of(version),
        "can_manage": request.actor.can(Perm.PROTOCOL_MANAGE, version.clinic),
    }
    return render(request, "treatment/protocol_detail.html", context)


@staff_view(Perm.PROTOCOL_MANAGE)
def protocol_new_version(request: StaffRequest, protocol_id: uuid.UUID) -> HttpResponse:
    base = protocol_for(request.actor, protocol_id, Perm.PROTOCOL_MANAGE)
    form = ProtocolSettingsForm(request.POST or None, protocol=protocol_of(base))
    if request.method == "POST" and form.is_valid():
        try:
            created = library.protocol_version_create(
                actor=request.actor,
                base=base,
                change_note=form.cleaned_data["change_note"],
                **form.changes(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Version {created.version} created.")
            return redirect("treatment:protocol", protocol_id=created.public_id)
    title = f"New version of {base.name}"
    return render(
        request, "treatment/protocol_form.html", {"form": form, "version": base, "title": title}
    )


@staff_view(Perm.PROTOCOL_MANAGE)
def protocol_edit(request: StaffRequest, protocol_id: uuid.UUID) -> HttpResponse:
    version = protocol_for(request.actor, protocol_id, Perm.PROTOCOL_MANAGE)
    if version.is_builtin or version.locked_at:
        messages.info(
            request, "This version is fixed (built in, or used by a course): make a new version."
        )
        return redirect("treatment:protocol", protocol_id=version.public_id)
    form = ProtocolSettingsForm(request.POST or None, protocol=protocol_of(version))
    if request.method == "POST" and form.is_valid():
        try:
            library.protocol_version_update(
                actor=request.actor,
                version=version,
                change_note=form.cleaned_data["change_note"],
                **form.changes(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("treatment:protocol", protocol_id=version.public_id)
    title = f"Edit {version.name} v{version.version}"
    return render(
        request, "treatment/protocol_form.html", {"form": form, "version": version, "title": title}
    )


# --- the patient's course ----------------------------------------------------------------------


def _to_course(patient: Patient) -> HttpResponse:
    return redirect("treatment:course", patient_id=patient.public_id)


@staff_view(Perm.SCHEDULE_VIEW)
def course_page(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_for(request.actor, patient_id, Perm.SCHEDULE_VIEW)
    patient = access.patient
    patient_chart_read(actor=request.actor, patient=patient)
    current = open_course(patient) or courses_of(patient).first()
    course = course_with_history(current) if current else None
    clinical_view = role_can(access.role, Perm.COURSE_VIEW)
    context: dict[str, Any] = {
        "patient": patient,
        "course": course,
        "sessions": list(course.sessions.all()) if course else [],
        "clinical": clinical_view,
        "earlier": [c for c in courses_of(patient) if course and c.pk != course.pk],
        "can_manage": role_can(access.role, Perm.COURSE_MANAGE),
        "can_enroll": role_can(access.role, Perm.REMS_ENROLL),
        "can_schedule": role_can(access.role, Perm.SCHEDULE_MANAGE),
        "can_book_therapy": role_can(access.role, Perm.THERAPY_BOOK),
        "today": patient.clinic.today(),
    }
    if clinical_view:
        context.update(_clinical_context(patient, course))
    return render(request, "treatment/course.html", context)


def _clinical_context(patient: Patient, course: TreatmentCourse | None) -> dict[str, Any]:
    context: dict[str, Any] = {"decisions": latest_decisions(patient)}
    if course is None:
        return context
    context["missing"] = course_ready_for_first_session(course)
    context["rems_required"] = "rems_enrolled" in {
        rule.code for rule in protocol_of(course.protocol_version).pre_dose
    }
    if course.dose_mg_per_kg is not None:
        context["preview"] = dose_preview(
            patient,
            dose_mg_per_kg=float(course.dose_mg_per_kg),
            weight_basis=course.weight_basis,
            max_dose_mg=float(course.max_dose_mg) if course.max_dose_mg is not None else None,
        )
    return context


def _start_versions(patient: Patient) -> Any:
    eligible = [
        route
        for route, decision in latest_decisions(patient).items()
        if decision.decision in ("eligible", "eligible_with_override")
    ]
    return library_versions(patient.clinic).filter(route__in=eligible)


@staff_view(Perm.COURSE_MANAGE)
def course_start(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.COURSE_MANAGE).patient
    initial = {"start_date": patient.clinic.today()}
    form = CourseStartForm(request.POST or None, versions=_start_versions(patient), initial=initial)
    context: dict[str, Any] = {
        "form": form,
        "patient": patient,
        "title": "Start a treatment course",
    }
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            context["preview"] = _start_preview(patient, form)
        else:
            try:
                services.course_start(actor=request.actor, patient=patient, **form.service_kwargs())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Course started; the schedule is planned.")
                return _to_course(patient)
    context["measurement"] = latest_measurement(patient)
    return render(request, "treatment/course_start.html", context)


def _start_preview(patient: Patient, form: CourseStartForm) -> dict[str, Any]:
    """What the core makes of the order and the schedule, without saving anything."""
    data = form.service_kwargs()
    protocol = protocol_of(data["protocol_version"])
    preview: dict[str, Any] = {"protocol": protocol}
    if protocol.dose_rule.kind == "weight_based":
        preview["dose"] = dose_preview(
            patient,
            dose_mg_per_kg=data.get("dose_mg_per_kg", protocol.dose_rule.mg_per_kg),
            weight_basis=data.get("weight_basis") or protocol.dose_rule.weight_basis,
            max_dose_mg=data.get("max_dose_mg", protocol.dose_rule.max_mg),
        )
    try:
        preview["sessions"] = clinical.plan_sessions(
            protocol,
            data["start_date"],
            weekdays=data["weekdays"],
            weeks=data["plan_weeks"],
            maintenance_interval_weeks=data["maintenance_interval_weeks"],
            from_phase=data["start_phase"] or None,
        )
    except clinical.ClinicalInputError as error:
        preview["problem"] = str(error)
    return preview


@dataclass(frozen=True)
class Action:
    """One action on a course or a session: its URL slug, permission, form, title, service."""

    slug: str
    perm: Perm
    form: type[forms.BaseForm]
    title: str
    run: Callable[..., Any]


COURSE_ACTIONS: dict[str, Action] = {
    "course_pause": Action(
        "pause", Perm.COURSE_MANAGE, ReasonForm, "Pause the course", services.course_pause
    ),
    "course_resume": Action(
        "resume", Perm.COURSE_MANAGE, ResumeForm, "Resume the course", services.course_resume
    ),
    "course_end": Action(
        "end", Perm.COURSE_MANAGE, ReasonForm, "End the course", services.course_end
    ),
    "course_dose": Action(
        "dose", Perm.COURSE_MANAGE, DoseChangeForm, "Change the dose", services.course_change_dose
    ),
    "rems_enroll": Action(
        "rems-enrollment",
        Perm.REMS_ENROLL,
        RemsForm,
        "REMS patient enrollment",
        services.rems_enrollment_record,
    ),
}
SESSION_ACTIONS: dict[str, Action] = {
    "session_book": Action("book", Perm.SCHEDULE_MANAGE, BookForm, "Book", schedule.session_book),
    "session_move": Action("move", Perm.SCHEDULE_MANAGE, MoveForm, "Move", schedule.session_move),
    "session_cancel": Action(
        "cancel", Perm.SCHEDULE_MANAGE, ReasonForm, "Cancel", schedule.session_cancel
    ),
}


def _course_action(
    request: StaffRequest, patient_id: uuid.UUID, course_id: uuid.UUID, action: Action
) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, action.perm).patient
    course = (
        courses_of(patient).filter(public_id=course_id).select_related("clinic", "patient").first()
    )
    if course is None:
        raise Http404("No such course for this patient.")
    form = action.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kwargs = (
            form.service_kwargs() if hasattr(form, "service_kwargs") else dict(form.cleaned_data)
        )
        try:
            action.run(actor=request.actor, course=course, **kwargs)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{action.title}: done.")
            return _to_course(patient)
    context = {"form": form, "patient": patient, "title": action.title, "course": course}
    return render(request, "treatment/action_form.html", context)


def _session_action(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID, action: Action
) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, action.perm).patient
    session = (
        PlannedSession.objects.filter(course__patient=patient, public_id=session_id)
        .select_related("clinic", "course__patient", "course__clinic")
        .first()
    )
    if session is None:
        raise Http404("No such session for this patient.")
    form = action.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action.run(actor=request.actor, session=session, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Session {session.number}: {action.title.lower()} done.")
            return _to_course(patient)
    context = {
        "form": form,
        "patient": patient,
        "title": f"{action.title}: session {session.number} on {session.scheduled_on}",
    }
    return render(request, "treatment/action_form.html", context)


Handler = Callable[[StaffRequest, uuid.UUID, uuid.UUID, Action], HttpResponse]


def _view(name: str, action: Action, handle: Handler) -> Callable[..., HttpResponse]:
    """A page for `action`; the URL gives the patient and the course's or session's id."""

    @staff_view(action.perm)
    def view(request: StaffRequest, patient_id: uuid.UUID, **target: uuid.UUID) -> HttpResponse:
        (target_id,) = target.values()
        return handle(request, patient_id, target_id, action)

    view.__name__ = name
    return view


COURSE_VIEWS = {name: _view(name, a, _course_action) for name, a in COURSE_ACTIONS.items()}
SESSION_VIEWS = {name: _view(name, a, _session_action) for name, a in SESSION_ACTIONS.items()}
