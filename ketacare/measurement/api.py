"""The portal's API for a patient app (questionnaires due, a questionnaire's definition, sending
answers) and the staff's alert and outcome APIs, with the same permissions, rules and audit as
the pages."""

import dataclasses
import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from ketacare import clinical
from ketacare.assessments import alerts as alert_services
from ketacare.assessments.models import RiskAlert
from ketacare.clinics.access import portal_requires, requires
from ketacare.clinics.actors import PatientActor, StaffActor
from ketacare.clinics.http import ActorRequest, StaffRequest
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.measurement import assignments, outcomes, queries
from ketacare.measurement.forms import item_choices, item_text, portal_items
from ketacare.measurement.models import QuestionnaireAssignment
from ketacare.measurement.schemas import (
    AcknowledgeIn,
    AlertOut,
    AssignmentOut,
    OutcomesOut,
    QuestionnaireOut,
    ResolveIn,
    ResponseIn,
    ResponseOut,
)
from ketacare.measurement.services import alerts_read, portal_page_read
from ketacare.patients.services import patient_chart_read

router = Router()


def _patient(request: ActorRequest) -> PatientActor:
    actor = request.actor
    assert isinstance(actor, PatientActor)  # portal_requires let only a patient through
    return actor


def _own(actor: PatientActor, assignment_id: uuid.UUID) -> QuestionnaireAssignment:
    row = queries.assignment_of(actor, assignment_id)
    if row is None:
        raise Http404("No such questionnaire.")
    return row


@router.get("/portal/questionnaires", response=list[AssignmentOut])
@portal_requires(Perm.PORTAL_USE)
def questionnaires_due(request: ActorRequest) -> list[QuestionnaireAssignment]:
    """The signed-in patient's questionnaires open now, the soonest to close first."""
    actor = _patient(request)
    portal_page_read(actor=actor, page="questionnaires")
    return queries.due_now(actor.patient_id)


@router.get("/portal/questionnaires/{uuid:assignment_id}", response=QuestionnaireOut)
@portal_requires(Perm.QUESTIONNAIRE_ANSWER)
def questionnaire_definition(request: ActorRequest, assignment_id: uuid.UUID) -> dict[str, Any]:
    """What to show: the items, their answers, the recall period and the copyright notice."""
    actor = _patient(request)
    row = _own(actor, assignment_id)
    portal_page_read(actor=actor, page="questionnaire", object_id=str(row.public_id))
    scale = clinical.get_scale(row.instrument)
    items = [
        {
            "id": item.id,
            "text": item_text(item),
            "choices": [{"value": v, "text": t} for v, t in item_choices(scale, item)],
        }
        for item in portal_items(scale)
    ]
    answers = row.assessment.answers if row.assessment else row.draft
    return {
        "assignment": row,
        "name": scale.name,
        "recall": scale.recall,
        "copyright": scale.permission,
        "items": items,
        "answers": answers,
    }


@router.post(
    "/portal/questionnaires/{uuid:assignment_id}/response",
    response={200: ResponseOut, 201: ResponseOut},
)
@portal_requires(Perm.QUESTIONNAIRE_ANSWER)
def questionnaire_response(
    request: ActorRequest, assignment_id: uuid.UUID, payload: ResponseIn
) -> Status[dict[str, Any]]:
    """Send the answers: 201 the first time; sent again (a retry), 200 with the first response.
    A missing item is named in `fields` ("answers.3"); an expired questionnaire is a 409."""
    actor = _patient(request)
    row = _own(actor, assignment_id)
    try:
        sent = assignments.questionnaire_submit(
            actor=actor, assignment=row, answers=payload.answers
        )
    except assignments.AssignmentClosed as error:
        raise HttpError(409, " ".join(error.messages)) from error
    recorded = sent.assignment.assessment
    assert recorded is not None
    if not sent.first_time:  # the first response is shown again: a read of it
        portal_page_read(actor=actor, page="questionnaire_response", object_id=str(row.public_id))
    clinic = row.clinic
    body = {
        "assignment": sent.assignment,
        "total": recorded.total,
        "severity_label": recorded.severity_label,
        "alert_level": sent.alert.level if sent.alert else None,
        "crisis": (
            {"clinic_phone": clinic.phone, "crisis_line": clinic.crisis_line}
            if sent.alert
            else None
        ),
    }
    return Status(201 if sent.first_time else 200, body)


@router.get("/alerts", response=list[AlertOut])
@requires(Perm.ALERT_VIEW)
def alert_list(request: StaffRequest, state: str = "unresolved") -> list[RiskAlert]:
    """The caller's clinics' alerts: `state` "unresolved" (default) or "all" (newest first)."""
    if state not in ("unresolved", "all"):
        raise HttpError(422, "state: allowed values are unresolved, all.")
    shown: list[RiskAlert] = []
    for clinic in request.actor.clinics_where(Perm.ALERT_VIEW):
        rows = (
            queries.open_alerts(clinic)
            if state == "unresolved"
            else list(queries.alerts_of(clinic)[:200])
        )
        alerts_read(actor=request.actor, clinic=clinic, alerts=rows)
        shown.extend(rows)
    return shown


def _alert(actor: StaffActor, alert_id: uuid.UUID) -> RiskAlert:
    alert = queries.alert_for(actor, alert_id)
    if alert is None:
        raise access_denied(actor=actor, model=RiskAlert, public_id=alert_id, via="api")
    return alert


@router.post("/alerts/{uuid:alert_id}/acknowledge", response=AlertOut)
@requires(Perm.ALERT_ACKNOWLEDGE)
def alert_acknowledge(
    request: StaffRequest, alert_id: uuid.UUID, payload: AcknowledgeIn
) -> RiskAlert:
    alert = _alert(request.actor, alert_id)
    done = alert_services.alert_acknowledge(actor=request.actor, alert=alert, note=payload.note)
    patient_chart_read(actor=request.actor, patient=alert.patient, via="api")
    return done


@router.post("/alerts/{uuid:alert_id}/resolve", response=AlertOut)
@requires(Perm.ALERT_RESOLVE)
def alert_resolve(request: StaffRequest, alert_id: uuid.UUID, payload: ResolveIn) -> RiskAlert:
    """Resolve with what was done; an urgent alert by a prescriber only; resolved twice is 409."""
    alert = _alert(request.actor, alert_id)
    try:
        done = alert_services.alert_resolve(
            actor=request.actor, alert=alert, actions=payload.actions, note=payload.note
        )
    except alert_services.AlertConflict as error:
        raise HttpError(409, " ".join(error.messages)) from error
    patient_chart_read(actor=request.actor, patient=alert.patient, via="api")
    return done


# The dashboard's breakdowns by the names the API gives them.
BREAKDOWN_KEYS = {
    "Route": "route",
    "Protocol": "protocol",
    "Prescriber": "prescriber",
    "Quarter started": "quarter_started",
}


@router.get("/outcomes", response=list[OutcomesOut])
@requires(Perm.OUTCOMES_VIEW)
def outcome_figures(request: StaffRequest, months: str = "12") -> list[dict[str, Any]]:
    """The outcome dashboard's course figures, one entry per clinic of the caller's that they
    may see outcomes of: aggregates only, a rate over fewer than 11 courses withheld."""
    try:
        since, until = outcomes.period(months)
    except outcomes.PeriodRefused as error:
        raise ValidationError({"months": [str(error)]}) from error
    return [_figures_body(clinic, months, since, until) for clinic in
            request.actor.clinics_where(Perm.OUTCOMES_VIEW)]  # fmt: skip


def _figures_body(
    clinic: Clinic, months: str, since: dt.datetime, until: dt.datetime
) -> dict[str, Any]:
    figures = outcomes.figures(clinic, since, until)
    return {
        "clinic_id": clinic.public_id,
        "months": int(months),
        "since": since,
        "until": until,
        "overall": dataclasses.asdict(figures.overall),
        "dropped_after_first": figures.dropped_after_first,
        "median_days_to_response": figures.days_to_response,
        "groups": [
            {
                "breakdown": BREAKDOWN_KEYS[name],
                "group": b.label,
                "summary": dataclasses.asdict(b.summary),
            }
            for name, breakdown in figures.breakdowns
            for b in breakdown
        ],
    }
