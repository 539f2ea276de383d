"""A course's schedule: laying out its planned sessions with `clinical.plan_sessions` (at the
start, and again on a resume), cancelling the upcoming ones, and the front desk's booking,
moving and cancelling of one session; a discharge completes it. The course's own write paths
(start, pause, resume, end) are in `services.py` and call the planning functions here."""

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from ketacare import clinical
from ketacare.clinical.protocols.schedule import plan_weekdays
from ketacare.clinics.actors import Actor
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import require_reason
from ketacare.treatment.models import CourseStatus, PlannedSession, SessionStatus, TreatmentCourse
from ketacare.treatment.queries import protocol_of

# The dosing session of a planned session is reached by the reverse relation "dosing": treatment
# sits below dosing, so it reads the dosing status by name. A dosing session is closed once
# discharged (which also completes the planned session) or aborted; dosing's tests check that
# this matches its own statuses.
DOSING_CLOSED_STATUSES = ("discharged", "aborted")
# Sent with `course` inside the transaction of every write that changes a course's schedule or
# status (start, pause, resume, end, and a session booked, moved, cancelled or completed), and
# by dosing when a session's dose starts: the measurement plan moves the course's
# questionnaires with it.
schedule_changed = Signal()
# Core error fields -> the names the course's inputs go by.
_PLAN_FIELDS = {"start": "start_date", "weeks": "plan_weeks", "phase": "start_phase"}


def core_error(error: clinical.ClinicalInputError) -> ValidationError:
    """The core's input error, on the course field it concerns."""
    field = error.field.split("[")[0].split(" ")[0]
    return ValidationError({_PLAN_FIELDS.get(field, field): [str(error)]})


# --- laying out the sessions ------------------------------------------------------------------


def weekdays_for(
    protocol: clinical.Protocol, weekdays: list[int | str] | None, from_phase: str
) -> tuple[int, ...]:
    index = protocol.phase_index(from_phase) if from_phase else 0
    per_week = max(phase.sessions_per_week for phase in protocol.phases[index:])
    return plan_weekdays(weekdays, per_week)


def plan(
    protocol: clinical.Protocol,
    start: dt.date,
    weekdays: list[int | str] | None,
    from_phase: str,
    interval: int | None,
    weeks: int | None,
    sessions: int | None = None,
) -> list[clinical.PlannedSession]:
    try:
        planned = clinical.plan_sessions(
            protocol,
            start,
            weekdays=weekdays,
            weeks=weeks,
            sessions=sessions,
            maintenance_interval_weeks=interval,
            from_phase=from_phase or None,
        )
    except clinical.ClinicalInputError as error:
        raise core_error(error) from error
    if not planned:
        raise ValidationError({"plan_weeks": "The plan has no sessions; plan more weeks."})
    return planned


def sessions_create(
    course: TreatmentCourse, planned: list[clinical.PlannedSession], first_number: int
) -> list[PlannedSession]:
    rows = [
        PlannedSession(
            clinic=course.clinic,
            course=course,
            number=first_number + index,
            scheduled_on=session.date,
            week=session.week,
            stage=session.phase,
            phase_code=session.phase_code,
            dose_rule=session.dose_rule.description[:300],
            allowed_mg=list(session.allowed_mg),
        )
        for index, session in enumerate(planned)
    ]
    for row in rows:
        # Numbers are unique by construction; skipping the per-row uniqueness queries keeps a
        # long schedule to one insert.
        row.full_clean(validate_unique=False, validate_constraints=False)
    return PlannedSession.objects.bulk_create(rows)


def replan(
    course: TreatmentCourse, held: list[PlannedSession], start: dt.date
) -> list[PlannedSession]:
    if not held:
        return []
    protocol = protocol_of(course.protocol_version)
    phase = held[0].phase_code
    # Later phases are less frequent and use the first of the chosen days (as plan_sessions).
    per_week = max(p.sessions_per_week for p in protocol.phases[protocol.phase_index(phase) :])
    weekdays: list[int | str] | None = [int(day) for day in course.weekdays[:per_week]] or None
    planned = plan(
        protocol,
        start,
        weekdays,
        phase,
        course.maintenance_interval_weeks,
        None,
        sessions=len(held),
    )
    PlannedSession.objects.filter(pk__in=[s.pk for s in held]).update(held_by_pause=False)
    last = course.sessions.order_by("-number").values_list("number", flat=True).first() or 0
    return sessions_create(course, planned, first_number=last + 1)


def cancel_upcoming(course: TreatmentCourse, reason: str, *, hold: bool) -> list[int]:
    """Cancel the sessions from today on; returns their numbers."""
    # A session already completed today stays completed: the dose was given.
    upcoming = course.sessions.filter(
        scheduled_on__gte=course.clinic.today(),
        status__in=[SessionStatus.PLANNED, SessionStatus.BOOKED],
    )
    numbers = sorted(upcoming.values_list("number", flat=True))
    upcoming.update(status=SessionStatus.CANCELLED, cancel_reason=reason[:300], held_by_pause=hold)
    return numbers


# --- one session --------------------------------------------------------------------------------


def _entry(
    action: AuditAction, session: PlannedSession, changes: dict[str, Any]
) -> audit.AuditEntry:
    return audit.entry_for(
        action, session, changes, clinic=session.clinic, patient=session.course.patient
    )


def _lock(session: PlannedSession) -> PlannedSession:
    return (
        PlannedSession.objects.select_for_update()
        .select_related("course__clinic", "course__patient", "clinic")
        .get(pk=session.pk)
    )


def _locked_session(session: PlannedSession, actor: Actor) -> PlannedSession:
    actor.demand(Perm.SCHEDULE_MANAGE, session.clinic)
    locked = _lock(session)
    if locked.course.status != CourseStatus.ACTIVE:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"The course is {locked.course.get_status_display().lower()}."]}
        )
    if locked.status == SessionStatus.CANCELLED:
        raise ValidationError({NON_FIELD_ERRORS: ["This session is cancelled."]})
    if locked.status == SessionStatus.COMPLETED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    "This session is completed (the patient was dosed and discharged); "
                    "it can no longer be booked, moved or cancelled."
                ]
            }
        )
    if _in_the_chair(locked):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    "The patient is checked in for this session; it cannot be booked, moved or "
                    "cancelled until the dosing session is discharged or aborted."
                ]
            }
        )
    return locked


def _in_the_chair(session: PlannedSession) -> bool:
    """Whether the session has an open dosing session: the patient is at the clinic for it, so
    moving it would have the discharge complete it on another day."""
    return (
        PlannedSession.objects.filter(pk=session.pk, dosing__isnull=False)
        .exclude(dosing__status__in=DOSING_CLOSED_STATUSES)
        .exists()
    )


def _save_session(session: PlannedSession, actor: Actor, before: dict[str, Any]) -> PlannedSession:
    session.full_clean()
    session.save()
    schedule_changed.send(sender=PlannedSession, course=session.course)
    after = {name: getattr(session, name) for name in before}
    audit.record(
        _entry(AuditAction.UPDATE, session, audit.diff(before, after)),
        actor,
    )
    return session


def _snapshot(session: PlannedSession) -> dict[str, Any]:
    fields = (
        "status",
        "scheduled_on",
        "scheduled_time",
        "chair",
        "previous_date",
        "cancel_reason",
        "held_by_pause",
        "completed_at",
    )
    return {name: getattr(session, name) for name in fields}


def session_book(
    *, actor: Actor, session: PlannedSession, scheduled_time: dt.time, chair: str = ""
) -> PlannedSession:
    """Book the session at a time (and chair or room); booking again changes them."""
    with transaction.atomic():
        locked = _locked_session(session, actor)
        before = _snapshot(locked)
        locked.status, locked.scheduled_time, locked.chair = (
            SessionStatus.BOOKED,
            scheduled_time,
            chair.strip(),
        )
        return _save_session(locked, actor, before)


def session_move(
    *,
    actor: Actor,
    session: PlannedSession,
    scheduled_on: dt.date,
    scheduled_time: dt.time | None = None,
) -> PlannedSession:
    """Move the session to another day (the previous date is kept); a booking keeps its time
    unless a new one is given."""
    with transaction.atomic():
        locked = _locked_session(session, actor)
        if scheduled_on < locked.clinic.today():
            raise ValidationError({"scheduled_on": "Choose today or a later date."})
        if scheduled_on == locked.scheduled_on and scheduled_time is None:
            raise ValidationError({"scheduled_on": "The session is already on that day."})
        before = _snapshot(locked)
        locked.previous_date = locked.scheduled_on
        locked.scheduled_on = scheduled_on
        if scheduled_time is not None:
            locked.scheduled_time = scheduled_time
        return _save_session(locked, actor, before)


def session_cancel(*, actor: Actor, session: PlannedSession, reason: str) -> PlannedSession:
    reason = require_reason("reason", reason)
    with transaction.atomic():
        locked = _locked_session(session, actor)
        before = _snapshot(locked)
        locked.status, locked.cancel_reason = SessionStatus.CANCELLED, reason
        return _save_session(locked, actor, before)


def planned_session_complete(*, actor: Actor, planned: PlannedSession) -> PlannedSession:
    """Mark the session completed: its dosing session was discharged (the dosing app calls
    this inside the discharge's transaction). The dose was given, so this follows the fact
    even where the course was paused or ended while the patient was in the chair: a session
    cancelled and held by that pause is completed and no longer held, so a resume does not
    plan it again."""
    actor.demand(Perm.SESSION_DISCHARGE, planned.clinic)
    with transaction.atomic():
        locked = _lock(planned)
        if locked.status == SessionStatus.COMPLETED:
            raise ValidationError({NON_FIELD_ERRORS: ["This session is already completed."]})
        before = _snapshot(locked)
        locked.status, locked.completed_at = SessionStatus.COMPLETED, timezone.now()
        locked.cancel_reason, locked.held_by_pause = "", False
        return _save_session(locked, actor, before)
