"""Discharge and abort of a dosing session. Whether the patient may leave is the core's
`discharge_readiness` (REFERENCE §1.6, §1.7, §1.11, §2.4) on the session as recorded."""

import datetime as dt
import zoneinfo

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ketacare import clinical
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import check_effective_time, require_reason
from ketacare.dosing.models import (
    Administration,
    AdverseEvent,
    Checkpoint,
    DeviceUse,
    DosingSession,
    Intervention,
    SessionScore,
    SideEffect,
    Status,
    VitalsReading,
)
from ketacare.dosing.queries import latest_score, protocol_for_session, valid_administration
from ketacare.dosing.services import (
    SessionConflict,
    entry_audit,
    locked,
    save_session,
    snapshot,
)
from ketacare.patients.models import ChartEntry
from ketacare.treatment.schedule import planned_session_complete


def discharge_check(
    session: DosingSession,
    *,
    vitals_acceptable: bool,
    clinician_confirms: bool,
    now: dt.datetime | None = None,
    readings: list[VitalsReading] | None = None,
    scores: list[SessionScore] | None = None,
) -> tuple[clinical.Readiness | None, list[str]]:
    """`clinical.discharge_readiness` on the session as recorded, and what the protocol's BP
    checkpoints still lack (REFERENCE §1.5: the REMS form's three BPs). `readings` and
    `scores`, when given, are the session's already-loaded timeline: no query is run."""
    if session.dose_started_at is None:
        return None, ["No dose has been given."]
    protocol = protocol_for_session(session)
    cadss = latest_score(session, "cadss6", scores)
    moaas = latest_score(session, "moaas", scores)
    # Whole minutes, rounded down: the observation time is never overstated.
    minutes = ((now or timezone.now()) - session.dose_started_at).total_seconds() // 60
    readiness = clinical.discharge_readiness(
        session.route,
        minutes_since_dose=max(0.0, minutes),
        latest_moaas=moaas.total if moaas else None,
        vitals_acceptable=vitals_acceptable,
        clinician_confirms=clinician_confirms,
        dissociation_resolved=None if cadss is None else cadss.total == 0,
        min_observation_min=protocol.monitoring.min_observation_min,
    )
    return readiness, _missing_checkpoints(session, protocol, readings)


def _missing_checkpoints(
    session: DosingSession, protocol: clinical.Protocol, readings: list[VitalsReading] | None
) -> list[str]:
    if readings is None:
        readings = list(VitalsReading.objects.filter(session=session))
    taken = {r.checkpoint for r in readings if not r.entered_in_error}
    wanted = [c for c in Checkpoint if c.value in protocol.monitoring.bp_checkpoints]
    return [f"Record the {c.label.lower()} BP." for c in wanted if c.value not in taken]


def session_discharge(
    *,
    actor: Actor,
    session: DosingSession,
    vitals_acceptable: bool,
    clinician_confirms: bool,
    no_driving_instruction_given: bool,
    discharged_at: dt.datetime | None = None,
) -> DosingSession:
    """Discharge once the core says the patient is ready and the clinician confirms; the
    no-driving instruction must be recorded as given when the core advises it (esketamine,
    REFERENCE §1.7). `discharged_at` is when the patient left, the end of monitoring (default
    now; not in the future, not before the dose): readiness is judged at that time. When it
    was recorded is the audit event's time."""
    left = discharged_at or timezone.now()
    check_effective_time("discharged_at", left)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_DISCHARGE)
        if row.status != Status.MONITORING:
            raise SessionConflict("Discharge follows the dose and monitoring.")
        _after_the_dose(row, left)
        _after_the_timeline(row, left)
        readiness, missing = discharge_check(
            row,
            vitals_acceptable=vitals_acceptable,
            clinician_confirms=clinician_confirms,
            now=left,
        )
        problems = [*(readiness.messages if readiness else ()), *missing]
        if readiness and readiness.advice and not no_driving_instruction_given:
            problems.append("Give the no-driving instruction and record it as given.")
        if problems:
            raise ValidationError({NON_FIELD_ERRORS: problems})
        before = snapshot(row, "discharged_at", "no_driving_instruction_given")
        row.status, row.discharged_at, row.discharged_by = (
            Status.DISCHARGED,
            left,
            person_of(actor),
        )
        row.no_driving_instruction_given = no_driving_instruction_given
        save_session(row, actor, before)
        if row.planned_session is not None:
            planned_session_complete(actor=actor, planned=row.planned_session)
        return row


def _after_the_dose(session: DosingSession, left: dt.datetime) -> None:
    started = session.dose_started_at
    if started is not None and left < started:
        dosed = timezone.localtime(started, zoneinfo.ZoneInfo(session.clinic.timezone))
        message = f"This is before the dose ({dosed:%H:%M}); give when the patient left."
        raise ValidationError({"discharged_at": message})


# Every timed entry of the session's timeline: the patient cannot have left before any of them.
_TIMED: tuple[tuple[type[ChartEntry], str], ...] = (
    (VitalsReading, "measured_at"),
    (SessionScore, "assessment__administered_at"),
    (SideEffect, "observed_at"),
    (Intervention, "given_at"),
    (AdverseEvent, "onset_at"),
    (DeviceUse, "administered_at"),
    (Administration, "stopped_at"),
)


def _after_the_timeline(session: DosingSession, left: dt.datetime) -> None:
    """The time the patient left ends the monitoring: no reading or event may come after it."""
    times = [
        model.objects.filter(session=session, entered_in_error=False).aggregate(  # type: ignore[attr-defined]
            last=Max(field)
        )["last"]
        for model, field in _TIMED
    ]
    last = max((time for time in times if time is not None), default=None)
    if last is not None and left < last:
        entry = timezone.localtime(last, zoneinfo.ZoneInfo(session.clinic.timezone))
        message = (
            f"The timeline has an entry at {entry:%H:%M}, after this time: give when the "
            "patient left, after the last reading or event."
        )
        raise ValidationError({"discharged_at": message})


def session_abort(*, actor: Actor, session: DosingSession, reason: str) -> DosingSession:
    """End the session without (or part way through) the dose, with the reason. An infusion
    still running stops now, so what it gave is known and the rest of its draw can be wasted.
    The planned session is not completed: it stays as it was on the schedule (see
    docs/architecture.md)."""
    reason = require_reason("reason", reason)
    with transaction.atomic():
        row = locked(session, actor, Perm.SESSION_ADMINISTER)
        _stop_running_infusion(row, actor, reason)
        before = snapshot(row, "abort_reason")
        row.status, row.abort_reason = Status.ABORTED, reason[:300]
        save_session(row, actor, before)
        return row


def _stop_running_infusion(session: DosingSession, actor: Actor, reason: str) -> None:
    record = valid_administration(session)
    if record is None or not record.infusion_minutes or record.stopped_at is not None:
        return
    stopped_at = timezone.now()
    record.stopped_at, record.stop_reason = stopped_at, reason[:300]
    record.save(update_fields=["stopped_at", "stop_reason", "updated_at"])
    changes = {"stopped_at": {"old": None, "new": stopped_at}}
    audit.record(entry_audit(AuditAction.UPDATE, record, changes), actor)
