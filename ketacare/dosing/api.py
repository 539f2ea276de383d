"""Dosing-session endpoints: the same services, permissions and audit as the session screen.
Vitals and the administration accept an `Idempotency-Key` header (a network retry writes
nothing twice); a step the session is not in the state for answers 409."""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import JsonResponse
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from ketacare.clinics.access import requires
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.dosing import administration, corrections, discharge, history, services
from ketacare.dosing.board import BoardRow, board_rows, chair_board_read
from ketacare.dosing.idempotency import idempotent
from ketacare.dosing.models import DosingSession
from ketacare.dosing.queries import (
    dosing_for,
    planned_for,
    session_with_timeline,
    timeline_entry,
    todays_sessions,
)
from ketacare.dosing.schemas import (
    AdministrationIn,
    AdministrationOut,
    AdverseEventIn,
    AdverseEventOut,
    BoardRowOut,
    CheckInIn,
    ChecklistIn,
    CorrectionIn,
    DeviceIn,
    DeviceOut,
    DischargeIn,
    DosingHistoryOut,
    InterventionIn,
    InterventionOut,
    PauseIn,
    PauseOut,
    ReasonIn,
    ResumeIn,
    ScoreIn,
    ScoreOut,
    SessionOut,
    SessionSummaryOut,
    SideEffectIn,
    SideEffectOut,
    StopIn,
    TodayOut,
    VitalsIn,
    VitalsOut,
    WasteIn,
    WasteOut,
)
from ketacare.inventory.queries import stock_in
from ketacare.inventory.witness import witness_signature
from ketacare.patients.queries import patient_read_for
from ketacare.patients.services import patient_chart_read
from ketacare.treatment.models import PlannedSession

router = Router()
IDEMPOTENCY_HEADER = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "maxLength": 200},
            "description": "Repeat a write safely: the same key and body replay the answer.",
        }
    ]
}


@contextmanager
def _conflicts() -> Iterator[None]:
    try:
        yield
    except services.SessionConflict as error:
        raise HttpError(409, " ".join(error.messages)) from error


def _session(request: StaffRequest, dosing_id: uuid.UUID, perm: Perm) -> DosingSession:
    return dosing_for(request.actor, dosing_id, perm)


def _full(session: DosingSession) -> DosingSession:
    return session_with_timeline(session)


def _json(schema: type[Schema], obj: Any) -> dict[str, Any]:
    return schema.from_orm(obj).model_dump(mode="json")


def _act(run: Callable[[], Any]) -> Any:
    with _conflicts():
        return run()


def _run(
    request: StaffRequest, session: DosingSession, service: Callable[..., Any], **values: Any
) -> Any:
    """Every write on a session: the service with the signed-in actor; a step the session is
    not in the state for answers 409."""
    return _act(lambda: service(actor=request.actor, session=session, **values))


@router.get("/dosing-sessions/today", response=list[TodayOut])
@requires(Perm.SESSION_CHECKIN)
def today_list(request: StaffRequest) -> list[PlannedSession]:
    """Today's planned, booked and completed sessions in each of your clinics, with any
    check-in."""
    rows: list[PlannedSession] = []
    for clinic in request.actor.clinics_where(Perm.SESSION_CHECKIN):
        rows.extend(todays_sessions(clinic))
    return rows


@router.get("/dosing-sessions/board", response=list[BoardRowOut])
@requires(Perm.SESSION_VIEW)
def board(request: StaffRequest) -> list[BoardRow]:
    """The chair board of each of your clinics: today's sessions, their phase, what is due,
    alerts and discharge readiness. Each clinic's board read is audited."""
    rows: list[BoardRow] = []
    for clinic in request.actor.clinics_where(Perm.SESSION_VIEW):
        shown = board_rows(request.actor, clinic)
        chair_board_read(actor=request.actor, clinic=clinic, rows=shown, via="api")
        rows.extend(shown)
    return rows


@router.post(
    "/planned-sessions/{uuid:planned_id}/check-in",
    response={200: SessionSummaryOut, 201: SessionSummaryOut},
)
@requires(Perm.SESSION_CHECKIN)
def check_in(
    request: StaffRequest, planned_id: uuid.UUID, payload: CheckInIn
) -> Status[DosingSession]:
    """Open today's dosing session; a repeat returns the session already open (200)."""
    planned = planned_for(request.actor, planned_id, Perm.SESSION_CHECKIN)
    existed = hasattr(planned, "dosing")
    session = _act(
        lambda: services.session_check_in(
            actor=request.actor,
            planned=planned,
            chair=payload.chair,
        )
    )
    return Status(200 if existed else 201, session)


@router.get("/dosing-sessions/{uuid:dosing_id}", response=SessionOut)
@requires(Perm.SESSION_VIEW)
def session_read(request: StaffRequest, dosing_id: uuid.UUID) -> DosingSession:
    """The session: checklist, findings, administration and the whole monitoring timeline."""
    session = _session(request, dosing_id, Perm.SESSION_VIEW)
    patient_chart_read(actor=request.actor, patient=session.patient, via="api")
    return _full(session)


@router.post("/dosing-sessions/{uuid:dosing_id}/checklist", response=SessionOut)
@requires(Perm.SESSION_RECORD)
def checklist(request: StaffRequest, dosing_id: uuid.UUID, payload: ChecklistIn) -> DosingSession:
    session = _session(request, dosing_id, Perm.SESSION_RECORD)
    _run(request, session, services.session_record_checklist, **payload.dict())
    return _full(session)


@router.post("/dosing-sessions/{uuid:dosing_id}/override", response=SessionOut)
@requires(Perm.SESSION_OVERRIDE)
def override(request: StaffRequest, dosing_id: uuid.UUID, payload: ReasonIn) -> DosingSession:
    """A prescriber clears warnings (not hard stops) with a reason."""
    session = _session(request, dosing_id, Perm.SESSION_OVERRIDE)
    _run(request, session, services.session_override, reason=payload.reason)
    return _full(session)


@router.post(
    "/dosing-sessions/{uuid:dosing_id}/vitals",
    response={201: VitalsOut},
    openapi_extra=IDEMPOTENCY_HEADER,
)
@requires(Perm.SESSION_RECORD)
def vitals(request: StaffRequest, dosing_id: uuid.UUID, payload: VitalsIn) -> JsonResponse:
    """One reading; its findings from the core come back with it. Idempotent with a key."""
    session = _session(request, dosing_id, Perm.SESSION_RECORD)

    def write() -> tuple[int, dict[str, Any]]:
        reading = _run(request, session, services.session_record_vitals, **payload.dict())
        return 201, _json(VitalsOut, reading)

    return idempotent(request, write)


@router.post("/dosing-sessions/{uuid:dosing_id}/scores", response={201: ScoreOut})
@requires(Perm.SESSION_RECORD)
def score(request: StaffRequest, dosing_id: uuid.UUID, payload: ScoreIn) -> Status[Any]:
    """Today's PHQ-9 / C-SSRS, or a MOAA/S or CADSS-6 during monitoring."""
    session = _session(request, dosing_id, Perm.SESSION_RECORD)
    return Status(201, _run(request, session, services.session_record_score, **payload.dict()))


@router.post(
    "/dosing-sessions/{uuid:dosing_id}/administration",
    response={201: AdministrationOut},
    openapi_extra=IDEMPOTENCY_HEADER,
)
@requires(Perm.SESSION_ADMINISTER)
def administer(
    request: StaffRequest, dosing_id: uuid.UUID, payload: AdministrationIn
) -> JsonResponse:
    """The dose given. Idempotent with a key."""
    session = _session(request, dosing_id, Perm.SESSION_ADMINISTER)

    def write() -> tuple[int, dict[str, Any]]:
        give = administration.session_record_administration
        values = payload.dict()
        stock = _act(lambda: stock_in(session.clinic, values.pop("stock_id")))
        record = _run(request, session, give, stock=stock, **values)
        return 201, _json(AdministrationOut, record)

    return idempotent(request, write)


@router.post("/dosing-sessions/{uuid:dosing_id}/waste", response={201: WasteOut})
@requires(Perm.SESSION_ADMINISTER)
def waste(request: StaffRequest, dosing_id: uuid.UUID, payload: WasteIn) -> Status[Any]:
    """Waste what the dose's draw left, signed by a second staff member with their own email
    and password (a wrong one counts towards that account's lockout, as a sign-in does)."""
    session = _session(request, dosing_id, Perm.SESSION_ADMINISTER)
    values = payload.dict()
    email, password = values.pop("witness_email"), values.pop("witness_password")
    witness = _act(lambda: witness_signature(request, email, password))
    entry = _run(request, session, administration.session_record_waste, witness=witness, **values)
    return Status(201, entry)


@router.post("/dosing-sessions/{uuid:dosing_id}/devices", response={201: DeviceOut})
@requires(Perm.SESSION_ADMINISTER)
def device(request: StaffRequest, dosing_id: uuid.UUID, payload: DeviceIn) -> Status[Any]:
    """One esketamine device used; a rest under 5 minutes comes back as a finding."""
    session = _session(request, dosing_id, Perm.SESSION_ADMINISTER)
    used = _run(request, session, administration.session_record_device, **payload.dict())
    return Status(201, used)


@router.post("/dosing-sessions/{uuid:dosing_id}/pauses", response={201: PauseOut})
@requires(Perm.SESSION_ADMINISTER)
def pause(request: StaffRequest, dosing_id: uuid.UUID, payload: PauseIn) -> Status[Any]:
    session = _session(request, dosing_id, Perm.SESSION_ADMINISTER)
    paused = _run(request, session, administration.session_pause_infusion, **payload.dict())
    return Status(201, paused)


@router.post("/dosing-sessions/{uuid:dosing_id}/resume", response=PauseOut)
@requires(Perm.SESSION_ADMINISTER)
def resume(request: StaffRequest, dosing_id: uuid.UUID, payload: ResumeIn) -> Any:
    session = _session(request, dosing_id, Perm.SESSION_ADMINISTER)
    return _run(request, session, administration.session_resume_infusion, **payload.dict())


@router.post("/dosing-sessions/{uuid:dosing_id}/stop", response=AdministrationOut)
@requires(Perm.SESSION_ADMINISTER)
def stop(request: StaffRequest, dosing_id: uuid.UUID, payload: StopIn) -> Any:
    session = _session(request, dosing_id, Perm.SESSION_ADMINISTER)
    return _run(request, session, administration.session_stop_infusion, **payload.dict())


def _timeline_entry(
    request: StaffRequest, dosing_id: uuid.UUID, record: Callable[..., Any], payload: Schema
) -> Status[Any]:
    """Side effects, interventions and adverse events: one shape of write, one path."""
    session = _session(request, dosing_id, Perm.SESSION_RECORD)
    return Status(201, _run(request, session, record, **payload.dict()))


@router.post("/dosing-sessions/{uuid:dosing_id}/side-effects", response={201: SideEffectOut})
@requires(Perm.SESSION_RECORD)
def side_effect(request: StaffRequest, dosing_id: uuid.UUID, payload: SideEffectIn) -> Status[Any]:
    return _timeline_entry(request, dosing_id, services.session_record_side_effect, payload)


@router.post("/dosing-sessions/{uuid:dosing_id}/interventions", response={201: InterventionOut})
@requires(Perm.SESSION_RECORD)
def intervention(
    request: StaffRequest, dosing_id: uuid.UUID, payload: InterventionIn
) -> Status[Any]:
    return _timeline_entry(request, dosing_id, services.session_record_intervention, payload)


@router.post("/dosing-sessions/{uuid:dosing_id}/adverse-events", response={201: AdverseEventOut})
@requires(Perm.SESSION_RECORD)
def adverse_event(
    request: StaffRequest, dosing_id: uuid.UUID, payload: AdverseEventIn
) -> Status[Any]:
    return _timeline_entry(request, dosing_id, services.session_record_adverse_event, payload)


@router.post("/dosing-sessions/{uuid:dosing_id}/discharge", response=SessionOut)
@requires(Perm.SESSION_DISCHARGE)
def discharge_patient(
    request: StaffRequest, dosing_id: uuid.UUID, payload: DischargeIn
) -> DosingSession:
    """Discharge when the core says ready; what is missing comes back in `fields`."""
    session = _session(request, dosing_id, Perm.SESSION_DISCHARGE)
    _run(request, session, discharge.session_discharge, **payload.dict())
    return _full(session)


@router.post("/dosing-sessions/{uuid:dosing_id}/abort", response=SessionOut)
@requires(Perm.SESSION_ADMINISTER)
def abort(request: StaffRequest, dosing_id: uuid.UUID, payload: ReasonIn) -> DosingSession:
    session = _session(request, dosing_id, Perm.SESSION_ADMINISTER)
    _run(request, session, discharge.session_abort, reason=payload.reason)
    return _full(session)


@router.post("/dosing-sessions/{uuid:dosing_id}/corrections", response=SessionOut)
@requires(Perm.SESSION_RECORD)
def correct(request: StaffRequest, dosing_id: uuid.UUID, payload: CorrectionIn) -> DosingSession:
    """Mark a timeline entry entered-in-error with the reason; it stays on the record."""
    session = _session(request, dosing_id, Perm.SESSION_RECORD)
    entry = timeline_entry(session, payload.entry_id)
    mark = corrections.session_entry_mark_error
    _run(request, session, mark, entry=entry, reason=payload.reason)
    return _full(session)


@router.get("/patients/{uuid:patient_id}/dosing-sessions", response=list[DosingHistoryOut])
@requires(Perm.SESSION_VIEW)
def dosing_history(request: StaffRequest, patient_id: uuid.UUID) -> list[dict[str, Any]]:
    """The patient's dosing sessions, newest first, with the dose given and the adverse events
    and severe side effects recorded. An audited read of the chart."""
    patient = patient_read_for(request.actor, patient_id, Perm.SESSION_VIEW, via="api").patient
    return [dose.as_dict() for dose in history.session_doses(patient)]
