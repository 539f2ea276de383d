"""The chair board: every session of the clinic's day on one wall screen, refreshed by polling.

The day's sessions are those checked in today, every one still open whenever it began (a
patient in the chair at midnight stays on the board until discharged), and those closed in the
last `KEEP_CLOSED` (a discharge at 23:50 does not vanish before its notes are done).

The board loads the day in a fixed number of queries (the sessions with their timelines
prefetched, and the planned sessions not yet checked in) and works out what is due, the alerts
and discharge readiness in memory, through the same logic as the session screen (`next_due`,
`discharge_check`). Each render is audited as one read listing the patients shown."""

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.dosing.models import (
    AdverseEvent,
    DosingSession,
    SessionScore,
    Severity,
    SideEffect,
    Status,
    VitalsReading,
)
from ketacare.dosing.queries import Due, next_due, protocol_for_session
from ketacare.dosing.readiness import discharge_outlook, latest_vitals_concerns
from ketacare.patients.models import Patient
from ketacare.treatment.models import CourseStatus, PlannedSession, SessionStatus

AWAITING = "awaiting_check_in"
PHASE_LABELS = {
    AWAITING: "Awaiting check-in",
    Status.CHECKED_IN: "Checked in",
    Status.BLOCKED: "Blocked",
    Status.CLEARED: "Cleared",
    Status.DOSING: "Dosing",
    Status.MONITORING: "Monitoring",
    Status.DISCHARGED: "Discharged",
    Status.ABORTED: "Aborted",
}
BOARD_OBJECT = "chair_board"
KEEP_CLOSED = dt.timedelta(hours=3)
# A session lasts hours, not a day: one still open after this was left open by mistake.
FORGOTTEN_AFTER = dt.timedelta(hours=12)
OPEN_STATUSES = [s for s in Status.values if s not in (Status.DISCHARGED, Status.ABORTED)]
_OPENED_SALT = "ketacare.dosing.board.opened"


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One line of the board. `patient` is what a wall screen may show: the name the patient
    goes by and the family initial; the MRN tells two alike apart."""

    clinic_id: uuid.UUID
    patient_id: uuid.UUID
    patient: str
    mrn: str
    chair: str
    phase: str
    phase_label: str
    scheduled_time: dt.time | None
    planned_session_id: uuid.UUID | None
    dosing_session_id: uuid.UUID | None
    minutes_since_dose: int | None
    due: Due | None
    alerts: tuple[str, ...]
    readiness: str
    ready: bool

    @property
    def closed(self) -> bool:
        return self.phase in (Status.DISCHARGED, Status.ABORTED)


def board_rows(actor: Actor, clinic: Clinic) -> list[BoardRow]:
    """The clinic's day: open sessions, then those awaiting check-in, then the closed ones.
    Six queries whatever the number of sessions or the length of their timelines."""
    now = timezone.now()
    sessions = [_session_row(s, now) for s in _todays_dosing(actor, clinic, now)]
    waiting = [_planned_row(p) for p in _awaiting_check_in(actor, clinic)]
    open_rows = [row for row in sessions if not row.closed]
    return open_rows + waiting + [row for row in sessions if row.closed]


def _todays_dosing(actor: Actor, clinic: Clinic, now: dt.datetime) -> QuerySet[DosingSession]:
    start = dt.datetime.combine(clinic.today(), dt.time(), zoneinfo.ZoneInfo(clinic.timezone))
    on_the_board = (
        Q(checked_in_at__gte=start, checked_in_at__lt=start + dt.timedelta(days=1))
        | Q(status__in=OPEN_STATUSES)
        | Q(updated_at__gte=now - KEEP_CLOSED)
    )
    return (
        DosingSession.objects.filter(
            on_the_board, clinic=clinic, patient__in=Patient.objects.visible_to(actor)
        )
        .select_related("clinic", "patient", "course__protocol_version")
        .prefetch_related(
            "vitals",
            Prefetch("scores", SessionScore.objects.select_related("assessment")),
            Prefetch("adverse_events", AdverseEvent.objects.filter(entered_in_error=False)),
            Prefetch(
                "side_effects",
                SideEffect.objects.filter(entered_in_error=False, severity=Severity.SEVERE),
            ),
        )
        .order_by("checked_in_at", "pk")
    )


def _awaiting_check_in(actor: Actor, clinic: Clinic) -> QuerySet[PlannedSession]:
    # Built from the planned sessions without a dosing session rather than `todays_sessions`,
    # so the board does not depend on which planned statuses today's list shows.
    return (
        PlannedSession.objects.filter(
            clinic=clinic,
            course__patient__in=Patient.objects.visible_to(actor),
            scheduled_on=clinic.today(),
            status__in=[SessionStatus.PLANNED, SessionStatus.BOOKED],
            course__status=CourseStatus.ACTIVE,
            dosing__isnull=True,
        )
        .select_related("clinic", "course__patient")
        .order_by("scheduled_time", "course__patient__family_name", "pk")
    )


def wall_name(patient: Patient) -> str:
    """Given (or preferred) name and family initial: enough for staff, little for a passer-by."""
    given = patient.preferred_name or patient.given_name
    return f"{given} {patient.family_name[:1]}."


def _planned_row(planned: PlannedSession) -> BoardRow:
    patient = planned.course.patient
    return BoardRow(
        clinic_id=planned.clinic.public_id,
        patient_id=patient.public_id,
        patient=wall_name(patient),
        mrn=patient.mrn,
        chair=planned.chair,
        phase=AWAITING,
        phase_label=PHASE_LABELS[AWAITING],
        scheduled_time=planned.scheduled_time,
        planned_session_id=planned.public_id,
        dosing_session_id=None,
        minutes_since_dose=None,
        due=None,
        alerts=(),
        readiness="",
        ready=False,
    )


def _session_row(session: DosingSession, now: dt.datetime) -> BoardRow:
    readings = list(session.vitals.all())
    due = next_due(session, protocol_for_session(session), readings)
    ready, readiness = _readiness(session, readings, now)
    return BoardRow(
        clinic_id=session.clinic.public_id,
        patient_id=session.patient.public_id,
        patient=wall_name(session.patient),
        mrn=session.patient.mrn,
        chair=session.chair,
        phase=session.status,
        phase_label=PHASE_LABELS.get(session.status, session.get_status_display()),
        scheduled_time=None,
        planned_session_id=None,
        dosing_session_id=session.public_id,
        minutes_since_dose=_minutes_since_dose(session, now),
        due=due,
        alerts=tuple(_alerts(session, readings, due, now)),
        readiness=readiness,
        ready=ready,
    )


def _minutes_since_dose(session: DosingSession, now: dt.datetime) -> int | None:
    if session.dose_started_at is None or not session.is_open:
        return None
    return max(0, int((now - session.dose_started_at).total_seconds() // 60))


def _alerts(
    session: DosingSession, readings: Sequence[VitalsReading], due: Due | None, now: dt.datetime
) -> list[str]:
    alerts = []
    if session.is_open and now - session.checked_in_at > FORGOTTEN_AFTER:
        since = timezone.localtime(session.checked_in_at, _zone(session))
        alerts.append(f"Open since {since:%a %d %b %H:%M}: discharge or abort it.")
    risk_alert = [f["message"] for f in session.findings if f["code"] == "risk_alert_open"]
    if risk_alert:
        alerts.extend(risk_alert)
    elif session.status == Status.BLOCKED:
        alerts.append("Blocked: a prescriber must act.")
    if due and due.overdue:
        alerts.append(f"Overdue: {due.label}.")
    alerts.extend(f"Vitals: {message}" for message in latest_vitals_concerns(readings))
    for event in session.adverse_events.all():
        alerts.append(f"{'Serious a' if event.serious else 'A'}dverse event ({event.severity}).")
    for effect in session.side_effects.all():
        alerts.append(f"Severe side effect: {effect.other or effect.get_kind_display()}.")
    if session.triage.get("level") == "high":
        alerts.append("Suicide risk high (today's triage).")
    return alerts


def _zone(session: DosingSession) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(session.clinic.timezone)


def _readiness(
    session: DosingSession, readings: list[VitalsReading], now: dt.datetime
) -> tuple[bool, str]:
    """Ready, or what is missing: the session screen's own outlook (`readiness.py`)."""
    if session.status == Status.DISCHARGED:
        return False, "Discharged."
    if session.status == Status.ABORTED:
        return False, "Aborted."
    outlook = discharge_outlook(session, readings, list(session.scores.all()), now)
    return outlook.ready, outlook.summary


def board_opened(now: dt.datetime) -> str:
    """When the page was opened, signed: the browser sends it back with each poll and cannot
    move it forward to keep a forgotten board polling."""
    return signing.dumps(int(now.timestamp()), salt=_OPENED_SALT)


def board_idle(opened: str, now: dt.datetime) -> bool:
    """Every poll renews the login, so polling stops one idle timeout after the page was
    opened: a forgotten board must not keep a signed-in screen open for ever. A missing,
    tampered or future opening time counts as idle."""
    try:
        stamp = signing.loads(opened, salt=_OPENED_SALT)
        at = dt.datetime.fromtimestamp(int(stamp), dt.UTC)
    except (signing.BadSignature, TypeError, ValueError, OverflowError, OSError):
        return True
    return not dt.timedelta(0) <= now - at < dt.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES)


def chair_board_read(
    *, actor: Actor, clinic: Clinic, rows: Sequence[BoardRow], via: str = "web"
) -> None:
    """Record one read of the board listing every patient and session it showed (HIPAA: each
    read of patient data is audited). An empty board shows no patient and records nothing."""
    if not rows:
        return
    changes = {
        "via": via,
        "patients": [str(row.patient_id) for row in rows],
        "dosing_sessions": [str(r.dosing_session_id) for r in rows if r.dosing_session_id],
        "planned_sessions": [str(r.planned_session_id) for r in rows if r.planned_session_id],
    }
    entry = audit.AuditEntry(
        action=AuditAction.READ,
        object_type=BOARD_OBJECT,
        object_id=str(clinic.public_id),
        clinic_id=clinic.public_id,
        changes=changes,
    )
    with transaction.atomic():
        audit.record(entry, actor)
