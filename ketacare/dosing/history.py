"""A patient's treatment history for the chart and the API: each course with its planned
sessions, and each dosing session with the dose given and what went wrong.

Read in a fixed number of queries whatever the number of courses and sessions (the chart's
query count must not grow with history). The caller has fetched `patient` through an
access-checked, audited read (`patient_for` / `patient_read_for`)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from ketacare.dosing.models import (
    Administration,
    AdverseEvent,
    DeviceUse,
    DosingSession,
    Severity,
    SideEffect,
)
from ketacare.patients.models import Patient
from ketacare.treatment.models import PlannedSession, SessionStatus, TreatmentCourse


@dataclass(frozen=True, slots=True)
class SessionDose:
    """One dosing session with its valid administration (None: no dose given), mg/kg of the
    weight used (weight-based doses), devices used, and the adverse events and severe side
    effects recorded (entries marked in error do not count)."""

    session: DosingSession
    administration: Administration | None
    mg_per_kg: Decimal | None
    devices_used: int
    adverse_events: int
    serious_adverse_event: bool
    severe_side_effects: int

    @property
    def flagged(self) -> bool:
        return self.adverse_events > 0 or self.severe_side_effects > 0

    def as_dict(self) -> dict[str, Any]:
        """The API's shape (`schemas.DosingHistoryOut`)."""
        session, record = self.session, self.administration
        planned = session.planned_session
        return {
            "id": session.public_id,
            "course_id": session.course.public_id,
            "protocol": session.course.protocol_version.label,
            "planned_session_id": planned.public_id if planned else None,
            "checked_in_at": session.checked_in_at,
            "status": session.status,
            "route": session.route,
            "discharged_at": session.discharged_at,
            "dose_mg_per_kg": self.mg_per_kg,
            "devices_used": self.devices_used,
            "adverse_events": self.adverse_events,
            "serious_adverse_event": self.serious_adverse_event,
            "severe_side_effects": self.severe_side_effects,
            **_dose_fields(record),
        }


def _dose_fields(record: Administration | None) -> dict[str, Any]:
    names = ("drug", "dose_mg", "ordered_dose_mg", "weight_used_kg", "weight_measured_at")
    return {
        **{name: getattr(record, name) if record else None for name in names},
        "devices_planned": record.devices_planned if record else None,
        "weight_basis": record.weight_basis if record else "",
        "weight_acknowledged": record.weight_acknowledged if record else False,
        "lot_number": record.lot_number if record else "",
    }


@dataclass(frozen=True, slots=True)
class CourseHistory:
    """A course, the phase it is in (its next session's, else its last's), its planned
    sessions by status and its dosing sessions, newest first."""

    course: TreatmentCourse
    stage: str
    phase_code: str
    planned: list[PlannedSession]
    counts: dict[str, int]
    doses: list[SessionDose]


def dosing_sessions_of(patient: Patient) -> QuerySet[DosingSession]:
    """The patient's dosing sessions, newest first, with what the history shows: five queries
    whatever their number."""
    valid_devices = DeviceUse.objects.filter(entered_in_error=False)
    return (
        DosingSession.objects.filter(patient=patient)
        .select_related("course__protocol_version", "planned_session")
        .prefetch_related(
            Prefetch(
                "administrations",
                Administration.objects.filter(entered_in_error=False).prefetch_related(
                    Prefetch("devices", valid_devices)
                ),
                to_attr="valid_administrations",
            ),
            Prefetch(
                "adverse_events",
                AdverseEvent.objects.filter(entered_in_error=False),
                to_attr="valid_adverse_events",
            ),
            Prefetch(
                "side_effects",
                SideEffect.objects.filter(entered_in_error=False, severity=Severity.SEVERE),
                to_attr="severe_side_effects",
            ),
        )
        .order_by("-checked_in_at", "-pk")
    )


def session_doses(patient: Patient) -> list[SessionDose]:
    return [_session_dose(session) for session in dosing_sessions_of(patient)]


def _session_dose(session: DosingSession) -> SessionDose:
    record = next(iter(getattr(session, "valid_administrations", [])), None)
    events: list[AdverseEvent] = getattr(session, "valid_adverse_events", [])
    return SessionDose(
        session=session,
        administration=record,
        mg_per_kg=_mg_per_kg(record),
        devices_used=len(record.devices.all()) if record else 0,
        adverse_events=len(events),
        serious_adverse_event=any(event.serious for event in events),
        severe_side_effects=len(getattr(session, "severe_side_effects", [])),
    )


def _mg_per_kg(record: Administration | None) -> Decimal | None:
    if record is None or not record.weight_used_kg:
        return None
    ratio = record.dose_mg / record.weight_used_kg
    return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def treatment_history(patient: Patient, today: dt.date) -> list[CourseHistory]:
    """Every course of the patient, newest first, with its sessions: seven queries in all."""
    courses = (
        TreatmentCourse.objects.filter(patient=patient)
        .select_related("protocol_version")
        .prefetch_related(
            Prefetch("sessions", PlannedSession.objects.order_by("scheduled_on", "number"))
        )
        .order_by("-started_at", "-pk")
    )
    doses = session_doses(patient)
    return [_course_history(course, doses, today) for course in courses]


def _course_history(
    course: TreatmentCourse, doses: list[SessionDose], today: dt.date
) -> CourseHistory:
    planned = list(course.sessions.all())
    counts = Counter(session.status for session in planned)
    current = _current_session(planned, today)
    return CourseHistory(
        course=course,
        stage=current.stage if current else "",
        phase_code=current.phase_code if current else course.start_phase,
        planned=planned,
        counts={status: counts.get(status, 0) for status in SessionStatus.values},
        doses=[dose for dose in doses if dose.session.course_id == course.pk],
    )


def _current_session(planned: list[PlannedSession], today: dt.date) -> PlannedSession | None:
    kept = [session for session in planned if session.status != SessionStatus.CANCELLED]
    upcoming = [session for session in kept if session.scheduled_on >= today]
    return upcoming[0] if upcoming else (kept[-1] if kept else None)
