"""The care-team and therapy pages: a patient's care team, their therapy sessions with the
booking form and each session's actions, and a clinician's own patients."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ketacare.clinics.access import staff_view
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.models import Role
from ketacare.clinics.permissions import Perm, role_can
from ketacare.clinics.services import access_denied
from ketacare.core.forms import apply_errors
from ketacare.dosing.models import DosingSession
from ketacare.patients.models import Patient
from ketacare.patients.queries import patient_for, patient_read_for
from ketacare.therapy import appointments, care_team, queries
from ketacare.therapy.day import therapist_day
from ketacare.therapy.forms import (
    CareTeamAddForm,
    NoFieldsForm,
    ReasonForm,
    TherapyBookForm,
    TherapyMoveForm,
)
from ketacare.therapy.models import CareTeamMember, TherapySession
from ketacare.treatment.queries import open_course

DAY_OBJECT = "therapist_day"
# Recent dosing sessions offered to link an integration session to.
DOSING_OFFERED = 6


def _care_team_url(patient: Patient) -> str:
    return reverse("therapy:care_team", args=[patient.public_id])


def _care_team_context(
    patient: Patient, can_manage: bool, form: CareTeamAddForm | None = None
) -> dict[str, Any]:
    team = queries.current_team(patient)
    on_team = {place.member_id for place in team}
    choices = [
        m
        for memberships in queries.candidates(patient.clinic).values()
        for m in memberships
        if m.user_id not in on_team
    ]
    return {
        "patient": patient,
        "team": team,
        "past": queries.past_team(patient),
        "form": form or CareTeamAddForm(candidates=choices),
        "candidates": choices,
        "can_manage": can_manage,
    }


@staff_view(Perm.CARE_TEAM_VIEW)
def care_team_page(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_read_for(request.actor, patient_id, Perm.CARE_TEAM_VIEW, via="web")
    can_manage = role_can(access.role, Perm.CARE_TEAM_MANAGE)
    context = _care_team_context(access.patient, can_manage)
    return render(request, "therapy/care_team.html", context)


@staff_view(Perm.CARE_TEAM_MANAGE)
def care_team_join(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    """The add form of the care-team page; a refusal shows that page again with it."""
    access = patient_read_for(request.actor, patient_id, Perm.CARE_TEAM_MANAGE, via="web")
    patient = access.patient
    if request.method != "POST":
        return redirect(_care_team_url(patient))
    context = _care_team_context(patient, can_manage=True)
    form = CareTeamAddForm(request.POST, candidates=context["candidates"])
    if form.is_valid():
        try:
            care_team.care_team_add(actor=request.actor, patient=patient, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Added to the care team.")
            return redirect(_care_team_url(patient))
    context["form"] = form
    return render(request, "therapy/care_team.html", context)


def _place(request: StaffRequest, patient: Patient, place_id: uuid.UUID) -> CareTeamMember:
    place = queries.place_for(request.actor, place_id, Perm.CARE_TEAM_MANAGE)
    if place.patient_id != patient.pk:
        raise access_denied(actor=request.actor, model=CareTeamMember, public_id=place_id)
    return place


@staff_view(Perm.CARE_TEAM_MANAGE)
def care_team_primary(
    request: StaffRequest, patient_id: uuid.UUID, place_id: uuid.UUID
) -> HttpResponse:
    patient = patient_for(request.actor, patient_id, Perm.CARE_TEAM_MANAGE).patient
    place = _place(request, patient, place_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        care_team.care_team_make_primary(actor=request.actor, place=place)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        role = place.get_team_role_display().lower()
        messages.success(request, f"{place.member} is now the primary {role}.")
    return redirect(_care_team_url(patient))


@staff_view(Perm.CARE_TEAM_MANAGE)
def care_team_end(
    request: StaffRequest, patient_id: uuid.UUID, place_id: uuid.UUID
) -> HttpResponse:
    patient = patient_read_for(request.actor, patient_id, Perm.CARE_TEAM_MANAGE, via="web").patient
    place = _place(request, patient, place_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            care_team.care_team_end(actor=request.actor, place=place, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{place.member} is off the care team.")
            return redirect(_care_team_url(patient))
    context = {
        "patient": patient,
        "form": form,
        "title": f"Take {place.member} off the care team",
        "back": _care_team_url(patient),
    }
    return render(request, "therapy/action_form.html", context)


@staff_view(Perm.CARE_TEAM_VIEW)
def caseload_page(request: StaffRequest) -> HttpResponse:
    clinic = request.actor.active.clinic  # type: ignore[union-attr]
    places = queries.caseload(request.actor.user, clinic)
    queries.caseload_read(actor=request.actor, clinic=clinic, places=places)
    return render(request, "therapy/caseload.html", {"places": places})


@staff_view(Perm.THERAPY_RECORD)
def therapist_day_page(request: StaffRequest) -> HttpResponse:
    clinic = request.actor.active.clinic  # type: ignore[union-attr]
    day = therapist_day(request.actor.user, clinic)
    queries.patients_listed(
        actor=request.actor, clinic=clinic, object_type=DAY_OBJECT, patients=day.patient_ids
    )
    return render(request, "therapy/day.html", {"day": day, "now": timezone.now()})


# --- therapy sessions -------------------------------------------------------------------------


def _sessions_url(patient: Patient) -> str:
    return reverse("therapy:sessions", args=[patient.public_id])


@staff_view(Perm.SCHEDULE_VIEW)
def therapy_sessions(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    access = patient_read_for(request.actor, patient_id, Perm.SCHEDULE_VIEW, via="web")
    patient = access.patient
    context = {
        "patient": patient,
        "sessions": list(queries.sessions_of(patient, request.actor.user)),
        "can_write_notes": role_can(access.role, Perm.THERAPY_NOTE_WRITE),
        "can_read_notes": role_can(access.role, Perm.THERAPY_NOTE_READ),
        "course": open_course(patient),
        "can_book": role_can(access.role, Perm.THERAPY_BOOK),
        "now": timezone.now(),
    }
    return render(request, "therapy/sessions.html", context)


def _dosing_offered(patient: Patient) -> list[DosingSession]:
    return list(
        DosingSession.objects.filter(patient=patient, dose_started_at__isnull=False).order_by(
            "-dose_started_at"
        )[:DOSING_OFFERED]
    )


def _proposed(request: StaffRequest, patient: Patient) -> dict[str, Any]:
    """What a proposal's link fills in (an integration after a dose): kind, start, therapist
    and the dosing session it follows."""
    proposed: dict[str, Any] = {
        name: request.GET[name]
        for name in ("kind", "starts_at", "therapist")
        if name in request.GET
    }
    follows = request.GET.getlist("follows")
    if follows:
        dosing = DosingSession.objects.filter(patient=patient, public_id__in=_uuids(follows))
        proposed["follows"] = list(dosing.values_list("pk", flat=True))
    return proposed


def _uuids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue  # a mangled link proposes nothing; the form is still there to fill
    return found


@staff_view(Perm.THERAPY_BOOK)
def therapy_book(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_read_for(request.actor, patient_id, Perm.THERAPY_BOOK, via="web").patient
    therapists = queries.candidates(patient.clinic)[Role.THERAPIST]
    team = queries.current_team(patient)
    chosen = {p.member_id for p in team if p.team_role == Role.THERAPIST and p.is_primary}
    primary = next((m for m in therapists if m.user_id in chosen), None)
    initial = {"therapist": primary.pk if primary else None, **_proposed(request, patient)}
    form = TherapyBookForm(
        request.POST or None,
        initial=initial,
        therapists=therapists,
        dosing=_dosing_offered(patient),
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointments.therapy_session_book(
                actor=request.actor, patient=patient, **form.service_kwargs()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Therapy session booked.")
            return redirect(_sessions_url(patient))
    context = {
        "patient": patient,
        "form": form,
        "title": "Book a therapy session",
        "back": _sessions_url(patient),
        "course": open_course(patient),
    }
    return render(request, "therapy/action_form.html", context)


@dataclass(frozen=True)
class Action:
    """One action on a therapy session: its permission, form, title, service and what the
    page says once it is done."""

    perm: Perm
    form: type[forms.BaseForm]
    title: str
    run: Callable[..., Any]
    done: str


ACTIONS: dict[str, Action] = {
    "move": Action(
        Perm.THERAPY_BOOK, TherapyMoveForm, "Move", appointments.therapy_session_move, "moved"
    ),
    "cancel": Action(
        Perm.THERAPY_BOOK, ReasonForm, "Cancel", appointments.therapy_session_cancel, "cancelled"
    ),
    "held": Action(
        Perm.THERAPY_RECORD,
        NoFieldsForm,
        "Record as held",
        appointments.therapy_session_held,
        "recorded as held",
    ),
    "missed": Action(
        Perm.THERAPY_RECORD,
        ReasonForm,
        "Record as missed",
        appointments.therapy_session_missed,
        "recorded as missed",
    ),
}


def _session(
    request: StaffRequest, patient: Patient, therapy_id: uuid.UUID, perm: Perm
) -> TherapySession:
    session = queries.therapy_session_for(request.actor, therapy_id, perm)
    if session.patient_id != patient.pk:
        raise access_denied(actor=request.actor, model=TherapySession, public_id=therapy_id)
    return session


def _action_view(name: str, action: Action) -> Callable[..., HttpResponse]:
    @staff_view(action.perm)
    def view(request: StaffRequest, patient_id: uuid.UUID, therapy_id: uuid.UUID) -> HttpResponse:
        patient = patient_read_for(request.actor, patient_id, action.perm, via="web").patient
        session = _session(request, patient, therapy_id, action.perm)
        form = action.form(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                action.run(actor=request.actor, session=session, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{session}: {action.done}.")
                return redirect(_sessions_url(patient))
        context = {
            "patient": patient,
            "form": form,
            "title": f"{action.title}: {session} with {session.therapist}",
            "session": session,
            "back": _sessions_url(patient),
        }
        return render(request, "therapy/action_form.html", context)

    view.__name__ = f"therapy_{name}"
    return view


ACTION_VIEWS = {name: _action_view(name, action) for name, action in ACTIONS.items()}
