"""Session pages: today's list with check-in, and the session screen at the chair. Every step
posts to its own small view (one service each) and comes back to the screen; bad input
re-renders the screen with the form's errors and what was typed."""

import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django_htmx.http import HTMX_STOP_POLLING

from ketacare.clinics.access import staff_view
from ketacare.clinics.actors import Actor
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm, role_can
from ketacare.core.forms import apply_errors
from ketacare.dosing import administration, corrections, discharge, services
from ketacare.dosing.board import board_idle, board_opened, board_rows, chair_board_read
from ketacare.dosing.forms import (
    AdministrationForm,
    AdverseEventForm,
    CadssForm,
    CheckInForm,
    ChecklistForm,
    CorrectionForm,
    DeviceForm,
    DischargeForm,
    InterventionForm,
    MoaasForm,
    PauseForm,
    ReasonForm,
    ResumeForm,
    SideEffectForm,
    StopForm,
    VitalsForm,
    WasteForm,
)
from ketacare.dosing.models import Administration, DosingSession
from ketacare.dosing.queries import (
    dosing_for,
    next_due,
    planned_for,
    protocol_for_session,
    session_with_timeline,
    timeline_entry,
    todays_sessions,
)
from ketacare.dosing.readiness import discharge_outlook
from ketacare.inventory.models import amount
from ketacare.inventory.queries import drawable, stock_in
from ketacare.inventory.witness import WitnessedForm
from ketacare.patients.services import patient_chart_read

Run = Callable[[Actor, DosingSession, Any], object]
# A wall screen: fresh enough for a reading falling due, light on the server.
BOARD_POLL_SECONDS = 30


@dataclass(frozen=True)
class Action:
    perm: Perm
    form: type[forms.Form]
    run: Run
    done: str


def _score(instrument: str) -> Run:
    return lambda actor, session, form: services.session_record_score(
        actor=actor,
        session=session,
        instrument=instrument,
        answers=form.answers(),
        administered_at=form.cleaned_data["administered_at"],
    )


def _correct(actor: Actor, session: DosingSession, form: Any) -> object:
    entry = timeline_entry(session, form.cleaned_data["entry_id"])
    return corrections.session_entry_mark_error(
        actor=actor, session=session, entry=entry, reason=form.cleaned_data["reason"]
    )


def _call(service: Callable[..., object]) -> Run:
    return lambda actor, session, form: service(actor=actor, session=session, **form.cleaned_data)


def _administer(actor: Actor, session: DosingSession, form: Any) -> object:
    """The dose, with the ledger stock it is drawn from looked up in the session's clinic (a
    lot of another clinic is refused by name, not found)."""
    values = dict(form.cleaned_data)
    stock = stock_in(session.clinic, values.pop("stock_id"))
    return administration.session_record_administration(
        actor=actor, session=session, stock=stock, **values
    )


ACTIONS: dict[str, Action] = {
    "checklist": Action(
        Perm.SESSION_RECORD,
        ChecklistForm,
        _call(services.session_record_checklist),
        "Checklist saved.",
    ),
    "vitals": Action(
        Perm.SESSION_RECORD, VitalsForm, _call(services.session_record_vitals), "Vitals recorded."
    ),
    "moaas": Action(Perm.SESSION_RECORD, MoaasForm, _score("moaas"), "MOAA/S recorded."),
    "cadss6": Action(Perm.SESSION_RECORD, CadssForm, _score("cadss6"), "CADSS-6 recorded."),
    "override": Action(
        Perm.SESSION_OVERRIDE, ReasonForm, _call(services.session_override), "Override recorded."
    ),
    "administration": Action(
        Perm.SESSION_ADMINISTER,
        AdministrationForm,
        _administer,
        "Administration recorded.",
    ),
    "waste": Action(
        Perm.SESSION_ADMINISTER,
        WasteForm,
        _call(administration.session_record_waste),
        "Waste recorded with its witness.",
    ),
    "device": Action(
        Perm.SESSION_ADMINISTER,
        DeviceForm,
        _call(administration.session_record_device),
        "Device recorded.",
    ),
    "pause": Action(
        Perm.SESSION_ADMINISTER,
        PauseForm,
        _call(administration.session_pause_infusion),
        "Infusion paused.",
    ),
    "resume": Action(
        Perm.SESSION_ADMINISTER,
        ResumeForm,
        _call(administration.session_resume_infusion),
        "Infusion resumed.",
    ),
    "stop": Action(
        Perm.SESSION_ADMINISTER,
        StopForm,
        _call(administration.session_stop_infusion),
        "Infusion stopped.",
    ),
    "side_effect": Action(
        Perm.SESSION_RECORD,
        SideEffectForm,
        _call(services.session_record_side_effect),
        "Side effect recorded.",
    ),
    "intervention": Action(
        Perm.SESSION_RECORD,
        InterventionForm,
        _call(services.session_record_intervention),
        "Intervention recorded.",
    ),
    "adverse_event": Action(
        Perm.SESSION_RECORD,
        AdverseEventForm,
        _call(services.session_record_adverse_event),
        "Adverse event recorded.",
    ),
    "discharge": Action(
        Perm.SESSION_DISCHARGE,
        DischargeForm,
        _call(discharge.session_discharge),
        "Patient discharged.",
    ),
    "abort": Action(
        Perm.SESSION_ADMINISTER, ReasonForm, _call(discharge.session_abort), "Session aborted."
    ),
    "correct": Action(Perm.SESSION_RECORD, CorrectionForm, _correct, "Marked entered in error."),
}


def _form(name: str, data: Any = None) -> forms.Form:
    # One screen holds every step's form: ids carry the step so no two fields share one and
    # each label names its own field.
    return ACTIONS[name].form(data, auto_id=f"id_{name}_%s")


# --- today's list and check-in -----------------------------------------------------------------


@staff_view(Perm.SESSION_CHECKIN)
def today(request: StaffRequest) -> HttpResponse:
    rows = list(todays_sessions(request.membership.clinic))
    context = {
        "rows": rows,
        "can_view": request.actor.can(Perm.SESSION_VIEW, request.membership.clinic),
        "form": CheckInForm(),
    }
    return render(request, "dosing/today.html", context)


@staff_view(Perm.SESSION_CHECKIN)
def check_in(request: StaffRequest, planned_id: uuid.UUID) -> HttpResponse:
    planned = planned_for(request.actor, planned_id, Perm.SESSION_CHECKIN)
    if request.method != "POST":
        return redirect("dosing:today")
    form = CheckInForm(request.POST)
    chair = form.cleaned_data["chair"] if form.is_valid() else ""
    try:
        session = services.session_check_in(actor=request.actor, planned=planned, chair=chair)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dosing:today")
    messages.success(request, f"{session.patient.display_name} is checked in.")
    if request.actor.can(Perm.SESSION_VIEW, session.clinic):
        return redirect("dosing:session", dosing_id=session.public_id)
    return redirect("dosing:today")


# --- the chair board ----------------------------------------------------------------------------


@staff_view(Perm.SESSION_VIEW)
def board(request: StaffRequest) -> HttpResponse:
    """The clinic's live board; htmx polls it and gets the table alone."""
    clinic = request.membership.clinic
    rows = board_rows(request.actor, clinic)
    chair_board_read(actor=request.actor, clinic=clinic, rows=rows, via=_board_via(request))
    now = timezone.now()
    paused = bool(request.htmx) and board_idle(request.GET.get("opened", ""), now)
    context = {
        "rows": rows,
        "updated_at": now,
        "opened": board_opened(now),
        "poll_seconds": BOARD_POLL_SECONDS,
        "paused": paused,
        "idle_minutes": settings.IDLE_TIMEOUT_MINUTES,
    }
    if not request.htmx:
        return render(request, "dosing/board.html", context)
    status = HTMX_STOP_POLLING if paused else 200
    return render(request, "dosing/_board.html", context, status=status)


def _board_via(request: StaffRequest) -> str:
    return "web-poll" if request.htmx else "web"


# --- the session screen ------------------------------------------------------------------------


@staff_view(Perm.SESSION_VIEW)
def session_screen(request: StaffRequest, dosing_id: uuid.UUID) -> HttpResponse:
    session = dosing_for(request.actor, dosing_id, Perm.SESSION_VIEW)
    patient_chart_read(actor=request.actor, patient=session.patient)
    return _screen(request, session, {})


def _screen(
    request: StaffRequest, session: DosingSession, bound: dict[str, forms.Form]
) -> HttpResponse:
    session = session_with_timeline(session)
    protocol = protocol_for_session(session)
    readings = list(session.vitals.all())
    role = request.actor.scope_in(session.clinic)
    administrations = list(session.administrations.select_related("draw__stock__lot"))
    forms_shown = {name: bound.get(name) or _form(name) for name in ACTIONS}
    _offer_stock(session, forms_shown["administration"])
    valid = next((a for a in administrations if not a.entered_in_error), None)
    context = {
        "session": session,
        "protocol": protocol,
        "readings": readings,
        "administrations": administrations,
        "remainder": _remainder(valid),
        "due": next_due(session, protocol, readings),
        "dose": _ordered(session),
        "discharge": discharge_outlook(session, readings, list(session.scores.all())),
        "forms": forms_shown,
        "may": {name: role_can(role, action.perm) for name, action in ACTIONS.items()},
    }
    return render(request, "dosing/session.html", context)


def _offer_stock(session: DosingSession, form: forms.Form) -> None:
    """The lots and places a dose may be drawn from today, with what each holds."""
    if session.dose_started_at is not None:
        return
    day = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(session.clinic.timezone)).date()
    stocks = drawable(session.clinic, session.course.protocol_version.drug, day)
    empty = "Choose the lot and place" if session.clinic.ledger_required else "Not from the ledger"
    choices = [("", empty)] + [
        (str(s.public_id), f"{s.lot} — {s.location}: {amount(s.on_hand)} {s.lot.unit_name}")  # type: ignore[attr-defined]
        for s in stocks
    ]
    form.fields["stock_id"].widget.choices = choices


def _remainder(record: Administration | None) -> dict[str, Any]:
    """What the dose's draw left to waste, for the waste form."""
    if record is None or record.draw is None:
        return {}
    left = administration.dose_remainder(record)
    return {"quantity": left, "unit": record.draw.stock.lot.unit_name} if left > 0 else {}


def _ordered(session: DosingSession) -> dict[str, Any]:
    if session.dose_started_at is not None:
        return {}
    try:
        order = administration.ordered_dose(session)
    except ValidationError as error:
        return {"problem": " ".join(error.messages)}
    return {"order": order}


def _action_view(name: str, action: Action) -> Callable[..., HttpResponse]:
    @staff_view(action.perm)
    def view(request: StaffRequest, dosing_id: uuid.UUID) -> HttpResponse:
        session = dosing_for(request.actor, dosing_id, action.perm)
        if request.method != "POST":
            return redirect("dosing:session", dosing_id=session.public_id)
        form = _form(name, request.POST)
        if form.is_valid():
            try:
                if isinstance(form, WitnessedForm):
                    form.sign(request)
                action.run(request.actor, session, form)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, action.done)
                return redirect("dosing:session", dosing_id=session.public_id)
        return _screen(request, session, {name: form})

    view.__name__ = f"session_{name}"
    return view


ACTION_VIEWS = {name: _action_view(name, action) for name, action in ACTIONS.items()}
