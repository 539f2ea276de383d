"""Write paths for treatment courses, their dose orders and their schedule. One function per
use case; each checks the actor's role in the course's clinic and is audited in the same
transaction. The clinical rules (schedule, dose limits, label doses) are the core's."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare import clinical
from ketacare.accounts.models import User
from ketacare.clinical.protocols.schedule import plan_weekdays
from ketacare.clinics.permissions import Perm, demand
from ketacare.clinics.queries import role_in
from ketacare.clinics.services import actor_of
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import require_reason
from ketacare.patients.models import Patient
from ketacare.treatment.library import protocol_version_lock
from ketacare.treatment.models import (
    CourseEvent,
    CourseEventKind,
    CourseStatus,
    DoseOrder,
    PlannedSession,
    ProtocolVersion,
    SessionStatus,
    TreatmentCourse,
)
from ketacare.treatment.queries import (
    eligible_decision,
    previous_doses,
    protocol_of,
)

DOSE_FIELDS = ("dose_mg_per_kg", "weight_basis", "max_dose_mg", "fixed_dose_mg")
# Core error fields -> the names the course's inputs go by.
_PLAN_FIELDS = {"start": "start_date", "weeks": "plan_weeks", "phase": "start_phase"}


class CourseAlreadyOpen(ValidationError):
    """The patient already has an active or paused course; the API answers 409 Conflict."""


def _entry(
    action: AuditAction, obj: TreatmentCourse | PlannedSession, changes: dict[str, Any]
) -> audit.AuditEntry:
    course = obj if isinstance(obj, TreatmentCourse) else obj.course
    return audit.entry_for(action, obj, changes, clinic=course.clinic, patient=course.patient)


def _event(
    course: TreatmentCourse, kind: str, actor: User, reason: str = "", detail: str = ""
) -> None:
    CourseEvent.objects.create(
        course=course, kind=kind, at=timezone.now(), by=actor, reason=reason, detail=detail[:300]
    )


def _core(error: clinical.ClinicalInputError) -> ValidationError:
    field = error.field.split("[")[0].split(" ")[0]
    return ValidationError({_PLAN_FIELDS.get(field, field): [str(error)]})


# --- the dose order ----------------------------------------------------------------------------


def _dose_order(protocol: clinical.Protocol, given: dict[str, Any]) -> dict[str, Any]:
    """The order as given, with what was left out taken from the protocol's dose rule. Values
    of the other kind of order are passed on, for the core to refuse by name."""
    rule, order = protocol.dose_rule, {k: v for k, v in given.items() if v not in (None, "")}
    if rule.kind == "fixed":
        if "weight_basis" in order:
            raise ValidationError({"weight_basis": "A fixed-dose protocol takes fixed_dose_mg."})
        order.setdefault("fixed_dose_mg", rule.first_dose_mg)
        return order
    order.setdefault("dose_mg_per_kg", rule.mg_per_kg)
    order.setdefault("weight_basis", rule.weight_basis)
    if rule.max_mg is not None:
        order.setdefault("max_dose_mg", rule.max_mg)
    return order


def _checked_order(
    protocol: clinical.Protocol,
    order: dict[str, Any],
    *,
    indication: str,
    previous: list[int],
    override_reason: str,
) -> list[str]:
    """The warnings the order overrides, or a refusal naming the field."""
    try:
        findings = clinical.dose_order_findings(
            protocol,
            dose_mg_per_kg=_float(order.get("dose_mg_per_kg")),
            max_dose_mg=_float(order.get("max_dose_mg")),
            fixed_dose_mg=order.get("fixed_dose_mg"),
            indication=indication or None,
            previous_doses_mg=previous,
        )
    except clinical.ClinicalInputError as error:
        raise _core(error) from error
    if findings and not override_reason.strip():
        raise ValidationError(
            {
                finding.field or NON_FIELD_ERRORS: [
                    f"{finding.message} To order it anyway, write an override reason."
                ]
                for finding in findings
            }
        )
    return [finding.code for finding in findings]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _dose_values(order: dict[str, Any]) -> dict[str, Any]:
    """The order as model values (exact decimals; no basis on a fixed dose)."""
    return {
        "dose_mg_per_kg": _decimal(order.get("dose_mg_per_kg")),
        "weight_basis": order.get("weight_basis", ""),
        "max_dose_mg": _decimal(order.get("max_dose_mg")),
        "fixed_dose_mg": order.get("fixed_dose_mg"),
    }


def _save_order(
    course: TreatmentCourse,
    actor: User,
    order: dict[str, Any],
    *,
    reason: str,
    override_reason: str,
    overridden: list[str],
) -> DoseOrder:
    values = _dose_values(order)
    dose = DoseOrder(
        clinic=course.clinic,
        course=course,
        ordered_by=actor,
        ordered_at=timezone.now(),
        reason=reason,
        override_reason=override_reason.strip() if overridden else "",
        overridden=overridden,
        **values,
    )
    dose.full_clean()
    dose.save()
    for name, value in values.items():
        setattr(course, name, value)
    return dose


# --- starting a course -------------------------------------------------------------------------


def course_start(
    *,
    actor: User,
    patient: Patient,
    protocol_version: ProtocolVersion,
    start_date: dt.date,
    weekdays: list[int | str] | None = None,
    start_phase: str = "",
    maintenance_interval_weeks: int | None = None,
    plan_weeks: int | None = None,
    indication: str = "",
    override_reason: str = "",
    **dose: Any,
) -> TreatmentCourse:
    """Start a course on `protocol_version` for a patient signed eligible for its route.

    Prescribers only. The dose order (`dose_mg_per_kg`, `weight_basis`, `max_dose_mg` or
    `fixed_dose_mg`; what is left out follows the protocol) is checked by the core; a warning
    needs `override_reason`. The schedule comes from `clinical.plan_sessions`; the protocol
    version is locked.
    """
    demand(role_in(actor, patient.clinic), Perm.COURSE_MANAGE)
    _only_dose_fields(dose)
    if protocol_version.clinic_id != patient.clinic_id:
        raise ValidationError({"protocol_version": "Choose a protocol of this patient's clinic."})
    with transaction.atomic():
        # The patient row lock makes two simultaneous starts queue; the second is refused.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        # Plan from the version row as it is now, locked, so an admin's edit of a draft
        # cannot slip in between reading the protocol and locking the version for this course.
        protocol_version = ProtocolVersion.objects.select_for_update().get(pk=protocol_version.pk)
        protocol = protocol_of(protocol_version)
        if TreatmentCourse.objects.filter(patient=patient).exclude(status="ended").exists():
            raise CourseAlreadyOpen("This patient already has an open course; end it first.")
        decision = eligible_decision(patient, protocol.route)
        if decision is None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        f"No signed eligible decision for {protocol.route}: the "
                        "latest decision for this route must be eligible."
                    ]
                }
            )
        order = _dose_order(protocol, dose)
        overridden = _checked_order(
            protocol, order, indication=indication, previous=[], override_reason=override_reason
        )
        planned = _plan(
            protocol, start_date, weekdays, start_phase, maintenance_interval_weeks, plan_weeks
        )
        course = TreatmentCourse(
            clinic=patient.clinic,
            patient=patient,
            protocol_version=protocol_version,
            eligibility_decision=decision,
            route=protocol.route,
            indication=indication if protocol.drug == "esketamine" else "",
            start_phase=planned[0].phase_code,
            start_date=start_date,
            weekdays=list(_weekdays(protocol, weekdays, start_phase)),
            maintenance_interval_weeks=maintenance_interval_weeks,
            prescriber=actor,
            started_at=timezone.now(),
            **_dose_values(order),
        )
        course.full_clean()
        course.save()
        _save_order(
            course,
            actor,
            order,
            reason="Initial order.",
            override_reason=override_reason,
            overridden=overridden,
        )
        sessions = _create_sessions(course, planned, first_number=1)
        protocol_version_lock(protocol_version, course.started_at)
        _event(course, CourseEventKind.STARTED, actor, detail=course.dose_text)
        changes = {
            "protocol": protocol_version.label,
            "eligibility_decision": str(decision.public_id),
            "dose": course.dose_text,
            "indication": course.indication,
            "overridden": overridden,
            "override_reason": override_reason.strip() if overridden else "",
            "sessions_planned": len(sessions),
            "first_session": sessions[0].scheduled_on,
        }
        audit.record(_entry(AuditAction.CREATE, course, changes), actor_of(actor, patient.clinic))
        return course


def _only_dose_fields(dose: dict[str, Any]) -> None:
    unknown = set(dose) - set(DOSE_FIELDS)
    if unknown:
        raise ValidationError({name: "Not part of a course." for name in unknown})


def _weekdays(
    protocol: clinical.Protocol, weekdays: list[int | str] | None, from_phase: str
) -> tuple[int, ...]:
    index = protocol.phase_index(from_phase) if from_phase else 0
    per_week = max(phase.sessions_per_week for phase in protocol.phases[index:])
    return plan_weekdays(weekdays, per_week)


def _plan(
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
        raise _core(error) from error
    if not planned:
        raise ValidationError({"plan_weeks": "The plan has no sessions; plan more weeks."})
    return planned


def _create_sessions(
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


# --- pausing, resuming, ending -----------------------------------------------------------------


def _locked(course: TreatmentCourse, actor: User, perm: Perm) -> TreatmentCourse:
    demand(role_in(actor, course.clinic), perm)
    return (
        TreatmentCourse.objects.select_for_update()
        .select_related("clinic", "patient", "protocol_version")
        .get(pk=course.pk)
    )


def _require_status(course: TreatmentCourse, *allowed: str) -> None:
    if course.status not in allowed:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"The course is {course.get_status_display().lower()}."]}
        )


def _cancel_upcoming(course: TreatmentCourse, reason: str, *, hold: bool) -> list[int]:
    """Cancel the sessions from today on; returns their numbers."""
    # A session already completed today stays completed: the dose was given.
    upcoming = course.sessions.filter(
        scheduled_on__gte=course.clinic.today(),
        status__in=[SessionStatus.PLANNED, SessionStatus.BOOKED],
    )
    numbers = sorted(upcoming.values_list("number", flat=True))
    upcoming.update(status=SessionStatus.CANCELLED, cancel_reason=reason[:300], held_by_pause=hold)
    return numbers


def course_pause(*, actor: User, course: TreatmentCourse, reason: str) -> TreatmentCourse:
    """Pause the course: its sessions from today on are cancelled and held for the resume."""
    reason = require_reason("reason", reason)
    with transaction.atomic():
        locked = _locked(course, actor, Perm.COURSE_MANAGE)
        _require_status(locked, CourseStatus.ACTIVE)
        locked.status, locked.paused_at, locked.pause_reason = (
            CourseStatus.PAUSED,
            timezone.now(),
            reason,
        )
        locked.full_clean()
        locked.save()
        held = _cancel_upcoming(locked, f"Course paused: {reason}", hold=True)
        _event(locked, CourseEventKind.PAUSED, actor, reason, f"{len(held)} sessions held")
        changes = {
            "status": {"old": "active", "new": "paused"},
            "reason": reason,
            "sessions_held": held,
        }
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor_of(actor, locked.clinic))
        return locked


def course_resume(*, actor: User, course: TreatmentCourse, resume_on: dt.date) -> TreatmentCourse:
    """Resume a paused course: the sessions the pause held are planned again from `resume_on`,
    from the phase where the course stopped (new numbers; the held ones stay cancelled)."""
    with transaction.atomic():
        locked = _locked(course, actor, Perm.COURSE_MANAGE)
        _require_status(locked, CourseStatus.PAUSED)
        if resume_on < locked.clinic.today():
            raise ValidationError({"resume_on": "Choose today or a later date."})
        held = list(locked.sessions.filter(held_by_pause=True).order_by("number"))
        sessions = _replan(locked, held, resume_on)
        locked.status, locked.paused_at, locked.pause_reason = CourseStatus.ACTIVE, None, ""
        locked.full_clean()
        locked.save()
        detail = f"{len(sessions)} sessions planned from {resume_on}"
        _event(locked, CourseEventKind.RESUMED, actor, detail=detail)
        changes = {
            "status": {"old": "paused", "new": "active"},
            "resume_on": resume_on,
            "sessions_planned": len(sessions),
        }
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor_of(actor, locked.clinic))
        return locked


def _replan(
    course: TreatmentCourse, held: list[PlannedSession], start: dt.date
) -> list[PlannedSession]:
    if not held:
        return []
    protocol = protocol_of(course.protocol_version)
    phase = held[0].phase_code
    # Later phases are less frequent and use the first of the chosen days (as plan_sessions).
    per_week = max(p.sessions_per_week for p in protocol.phases[protocol.phase_index(phase) :])
    weekdays: list[int | str] | None = [int(day) for day in course.weekdays[:per_week]] or None
    planned = _plan(
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
    return _create_sessions(course, planned, first_number=last + 1)


def course_end(*, actor: User, course: TreatmentCourse, reason: str) -> TreatmentCourse:
    """End the course for good (a new course can be started); upcoming sessions are cancelled."""
    reason = require_reason("reason", reason)
    with transaction.atomic():
        locked = _locked(course, actor, Perm.COURSE_MANAGE)
        _require_status(locked, CourseStatus.ACTIVE, CourseStatus.PAUSED)
        before = locked.status
        locked.status, locked.ended_at, locked.end_reason = (
            CourseStatus.ENDED,
            timezone.now(),
            reason,
        )
        locked.full_clean()
        locked.save()
        cancelled = _cancel_upcoming(locked, f"Course ended: {reason}", hold=False)
        locked.sessions.filter(held_by_pause=True).update(held_by_pause=False)
        _event(locked, CourseEventKind.ENDED, actor, reason, f"{len(cancelled)} sessions cancelled")
        changes = {
            "status": {"old": before, "new": "ended"},
            "reason": reason,
            "sessions_cancelled": cancelled,
        }
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor_of(actor, locked.clinic))
        return locked


# --- dose changes and REMS ---------------------------------------------------------------------


def course_change_dose(
    *, actor: User, course: TreatmentCourse, reason: str, override_reason: str = "", **dose: Any
) -> DoseOrder:
    """A new dose order for the course. Esketamine: the label's next-dose rule reads the
    course's earlier orders; a dose it does not allow needs a prescriber's override reason."""
    _only_dose_fields(dose)
    reason = require_reason("reason", reason)
    with transaction.atomic():
        locked = _locked(course, actor, Perm.COURSE_MANAGE)
        _require_status(locked, CourseStatus.ACTIVE, CourseStatus.PAUSED)
        protocol = protocol_of(locked.protocol_version)
        before = locked.dose_text
        order = _dose_order(protocol, dose)
        overridden = _checked_order(
            protocol,
            order,
            indication=locked.indication,
            previous=previous_doses(locked),
            override_reason=override_reason,
        )
        saved = _save_order(
            locked,
            actor,
            order,
            reason=reason,
            override_reason=override_reason,
            overridden=overridden,
        )
        locked.full_clean()
        locked.save()
        _event(
            locked, CourseEventKind.DOSE_CHANGED, actor, reason, f"{before} → {locked.dose_text}"
        )
        changes = {
            "dose": {"old": before, "new": locked.dose_text},
            "reason": reason,
            "overridden": overridden,
            "override_reason": saved.override_reason,
        }
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor_of(actor, locked.clinic))
        return saved


def rems_enrollment_record(
    *, actor: User, course: TreatmentCourse, enrollment_id: str, enrolled_on: dt.date
) -> TreatmentCourse:
    """Record the patient's SPRAVATO REMS enrollment (REFERENCE §1.11), needed before the first
    esketamine session. Recording again corrects it; both are audited."""
    enrollment_id = enrollment_id.strip()
    if not enrollment_id:
        raise ValidationError({"enrollment_id": "Give the REMS patient enrollment ID."})
    with transaction.atomic():
        locked = _locked(course, actor, Perm.REMS_ENROLL)
        if "rems_enrolled" not in {
            rule.code for rule in protocol_of(locked.protocol_version).pre_dose
        }:
            raise ValidationError(
                {NON_FIELD_ERRORS: ["This course's protocol has no REMS enrollment."]}
            )
        if enrolled_on > locked.clinic.today():
            raise ValidationError({"enrolled_on": "The enrollment date cannot be in the future."})
        before = {
            "enrollment_id": locked.rems_enrollment_id,
            "enrolled_on": locked.rems_enrolled_on,
        }
        locked.rems_enrollment_id, locked.rems_enrolled_on, locked.rems_enrolled_by = (
            enrollment_id,
            enrolled_on,
            actor,
        )
        locked.full_clean()
        locked.save()
        _event(
            locked,
            CourseEventKind.REMS_ENROLLED,
            actor,
            detail=f"ID {enrollment_id}, {enrolled_on}",
        )
        changes = audit.diff(before, {"enrollment_id": enrollment_id, "enrolled_on": enrolled_on})
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor_of(actor, locked.clinic))
        return locked


# --- the schedule ------------------------------------------------------------------------------


def _locked_session(session: PlannedSession, actor: User) -> PlannedSession:
    demand(role_in(actor, session.clinic), Perm.SCHEDULE_MANAGE)
    locked = (
        PlannedSession.objects.select_for_update()
        .select_related("course__clinic", "course__patient", "clinic")
        .get(pk=session.pk)
    )
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
    return locked


def _save_session(session: PlannedSession, actor: User, before: dict[str, Any]) -> PlannedSession:
    session.full_clean()
    session.save()
    after = {name: getattr(session, name) for name in before}
    audit.record(
        _entry(AuditAction.UPDATE, session, audit.diff(before, after)),
        actor_of(actor, session.clinic),
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
    *, actor: User, session: PlannedSession, scheduled_time: dt.time, chair: str = ""
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
    actor: User,
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


def session_cancel(*, actor: User, session: PlannedSession, reason: str) -> PlannedSession:
    reason = require_reason("reason", reason)
    with transaction.atomic():
        locked = _locked_session(session, actor)
        before = _snapshot(locked)
        locked.status, locked.cancel_reason = SessionStatus.CANCELLED, reason
        return _save_session(locked, actor, before)


def planned_session_complete(*, actor: User, planned: PlannedSession) -> PlannedSession:
    """Mark the session completed: its dosing session was discharged (the dosing app calls
    this inside the discharge's transaction). The dose was given, so this follows the fact
    even where the course was paused or ended while the patient was in the chair: a session
    cancelled and held by that pause is completed and no longer held, so a resume does not
    plan it again."""
    demand(role_in(actor, planned.clinic), Perm.SESSION_DISCHARGE)
    with transaction.atomic():
        locked = (
            PlannedSession.objects.select_for_update()
            .select_related("course__clinic", "course__patient", "clinic")
            .get(pk=planned.pk)
        )
        if locked.status == SessionStatus.COMPLETED:
            raise ValidationError({NON_FIELD_ERRORS: ["This session is already completed."]})
        before = _snapshot(locked)
        locked.status, locked.completed_at = SessionStatus.COMPLETED, timezone.now()
        locked.cancel_reason, locked.held_by_pause = "", False
        return _save_session(locked, actor, before)
