"""The protocol's measurement plan, kept true to the course: whenever a course's schedule or
status changes (`treatment.schedule.schedule_changed`, in that write's transaction), its
questionnaires are laid out again with `clinical.measurement_schedule` and the assignments
follow — created, moved with their session, cancelled with it, opened again on a resume.

What is already answered never changes. While the course is paused or ended, nothing new is
sent and what has not opened yet is cancelled; one already open stays open to be answered.
A questionnaire the clinic sent by hand whose window overlaps a planned one stands for it."""

import datetime as dt
import uuid
import zoneinfo
from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from ketacare import clinical
from ketacare.clinics.actors import SystemActor
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.dosing.models import DosingSession
from ketacare.measurement.models import AssignmentStatus, QuestionnaireAssignment
from ketacare.treatment.definitions import protocol_from_dict
from ketacare.treatment.models import CourseStatus, SessionStatus, TreatmentCourse
from ketacare.treatment.schedule import schedule_changed

PLAN_TASK = "Plan questionnaires"
ON_SCHEDULE = (SessionStatus.PLANNED, SessionStatus.BOOKED, SessionStatus.COMPLETED)
Window = tuple[dt.datetime, dt.datetime]


@receiver(schedule_changed)
def _on_schedule_changed(sender: object, *, course: TreatmentCourse, **kwargs: object) -> None:
    plan_sync(course)


def plan_sync(course: TreatmentCourse) -> dict[str, list[str]]:
    """Make the course's planned questionnaires match its plan; returns what changed by key."""
    # The course row is locked: two writes on one course (a discharge and a booking, say)
    # lay the plan one after the other, never both creating the same questionnaire.
    course = (
        TreatmentCourse.objects.select_for_update()
        .select_related("clinic", "patient", "protocol_version", "prescriber")
        .get(pk=course.pk)
    )
    now = timezone.now()
    rows = QuestionnaireAssignment.objects.select_for_update().filter(course=course)
    existing = {row.plan_key: row for row in rows.exclude(plan_key="")}
    wanted = _wanted(course) if course.status == CourseStatus.ACTIVE else {}
    changed: dict[str, list[str]] = {"created": [], "moved": [], "cancelled": []}
    for key, (instrument, window) in wanted.items():
        _keep(course, existing.get(key), key, instrument, window, now, changed)
    for key, row in existing.items():
        # Paused or ended, one the patient can already answer stays.
        stays = course.status != CourseStatus.ACTIVE and row.opens_at <= now
        if key not in wanted and row.status == AssignmentStatus.OPEN and not stays:
            _set(row, status=AssignmentStatus.CANCELLED)
            changed["cancelled"].append(key)
    _record(course, changed)
    return changed


def _wanted(course: TreatmentCourse) -> dict[str, tuple[str, Window]]:
    protocol = protocol_from_dict(course.protocol_version.definition)
    zone = zoneinfo.ZoneInfo(course.clinic.timezone)
    sessions = [
        clinical.ScheduledSession(str(s.public_id), s.scheduled_on, s.stage)
        for s in course.sessions.filter(status__in=ON_SCHEDULE).only(
            "public_id", "scheduled_on", "stage"
        )
    ]
    started_on = timezone.localtime(course.started_at, zone).date()
    dues = clinical.measurement_schedule(protocol.measurement, started_on, sessions)
    given = DosingSession.objects.filter(planned_session__course=course).values_list(
        "planned_session__public_id", "dose_started_at"
    )
    doses = {key: at for key, at in given if at is not None}
    first_dose = min(doses.values(), default=None)
    wanted: dict[str, tuple[str, Window]] = {}
    for due in dues:
        opens, closes = _midnight(due.opens_on, zone), _midnight(due.closes_on, zone)
        # What is asked before a dose closes when the dose starts: answered after it, it
        # would be read as the score before (the baseline, §5.1).
        if due.event == "intake" and first_dose is not None:
            closes = min(closes, first_dose)
        if due.event == "before_session":
            dose = doses.get(uuid.UUID(due.key.rsplit(":", 1)[1]))
            closes = min(closes, dose) if dose is not None else closes
        if closes > opens:
            wanted[due.key] = (due.instrument, (opens, closes))
    return wanted


def _midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), zone)


def _keep(
    course: TreatmentCourse,
    row: QuestionnaireAssignment | None,
    key: str,
    instrument: str,
    window: Window,
    now: dt.datetime,
    changed: dict[str, list[str]],
) -> None:
    opens_at, expires_at = window
    if row is None:
        if expires_at > now and not _sent_by_hand(course, instrument, window):
            _create(course, key, instrument, window)
            changed["created"].append(key)
        return
    if row.status == AssignmentStatus.COMPLETED:
        return
    if row.status == AssignmentStatus.OPEN and (row.opens_at, row.expires_at) == window:
        return
    if row.status == AssignmentStatus.CANCELLED and expires_at <= now:
        return
    # Moved with its session, or sent again after a resume; a draft stays with it.
    _set(row, status=AssignmentStatus.OPEN, opens_at=opens_at, expires_at=expires_at)
    changed["moved"].append(key)


def _sent_by_hand(course: TreatmentCourse, instrument: str, window: Window) -> bool:
    return QuestionnaireAssignment.objects.filter(
        patient_id=course.patient_id,
        instrument=instrument,
        plan_key="",
        status=AssignmentStatus.OPEN,
        opens_at__lt=window[1],
        expires_at__gt=window[0],
    ).exists()


def _create(course: TreatmentCourse, key: str, instrument: str, window: Window) -> None:
    QuestionnaireAssignment.objects.create(
        clinic=course.clinic,
        patient=course.patient,
        course=course,
        plan_key=key,
        instrument=instrument,
        opens_at=window[0],
        expires_at=window[1],
        assigned_by=course.prescriber,
    )


def _set(row: QuestionnaireAssignment, **values: Any) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=[*values, "updated_at"])


def _record(course: TreatmentCourse, changed: dict[str, list[str]]) -> None:
    """One audit event per change of plan, naming each questionnaire it touched."""
    if not any(changed.values()):
        return
    entry = audit.AuditEntry(
        action=AuditAction.UPDATE,
        object_type="questionnaire_plan",
        object_id=str(course.public_id),
        clinic_id=course.clinic.public_id,
        patient_id=course.patient.public_id,
        changes={name: keys for name, keys in changed.items() if keys},
    )
    audit.record(entry, SystemActor(PLAN_TASK, course.clinic))
