"""Write paths for treatment courses and their dose orders; the schedule's are in
`schedule.py`. One function per use case; each checks the actor's role in the course's clinic
and is audited in the same transaction. The clinical rules (schedule, dose limits, label
doses) are the core's."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare import clinical
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.permissions import Perm
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
    TreatmentCourse,
)
from ketacare.treatment.queries import (
    eligible_decision,
    previous_doses,
    protocol_of,
)
from ketacare.treatment.schedule import (
    cancel_upcoming,
    core_error,
    plan,
    replan,
    schedule_changed,
    sessions_create,
    weekdays_for,
)

DOSE_FIELDS = ("dose_mg_per_kg", "weight_basis", "max_dose_mg", "fixed_dose_mg")


class CourseAlreadyOpen(ValidationError):
    """The patient already has an active or paused course; the API answers 409 Conflict."""


def _entry(
    action: AuditAction, obj: TreatmentCourse | PlannedSession, changes: dict[str, Any]
) -> audit.AuditEntry:
    course = obj if isinstance(obj, TreatmentCourse) else obj.course
    return audit.entry_for(action, obj, changes, clinic=course.clinic, patient=course.patient)


def _event(
    course: TreatmentCourse, kind: str, actor: Actor, reason: str = "", detail: str = ""
) -> None:
    CourseEvent.objects.create(
        course=course,
        kind=kind,
        at=timezone.now(),
        by=person_of(actor),
        reason=reason,
        detail=detail[:300],
    )
    schedule_changed.send(sender=TreatmentCourse, course=course)


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
        raise core_error(error) from error
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
    actor: Actor,
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
        ordered_by=person_of(actor),
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
    actor: Actor,
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
    actor.demand(Perm.COURSE_MANAGE, patient.clinic)
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
        planned = plan(
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
            weekdays=list(weekdays_for(protocol, weekdays, start_phase)),
            maintenance_interval_weeks=maintenance_interval_weeks,
            prescriber=person_of(actor),
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
        sessions = sessions_create(course, planned, first_number=1)
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
        audit.record(_entry(AuditAction.CREATE, course, changes), actor)
        return course


def _only_dose_fields(dose: dict[str, Any]) -> None:
    unknown = set(dose) - set(DOSE_FIELDS)
    if unknown:
        raise ValidationError({name: "Not part of a course." for name in unknown})


# --- pausing, resuming, ending -----------------------------------------------------------------


def _locked(course: TreatmentCourse, actor: Actor, perm: Perm) -> TreatmentCourse:
    actor.demand(perm, course.clinic)
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


def course_pause(*, actor: Actor, course: TreatmentCourse, reason: str) -> TreatmentCourse:
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
        held = cancel_upcoming(locked, f"Course paused: {reason}", hold=True)
        _event(locked, CourseEventKind.PAUSED, actor, reason, f"{len(held)} sessions held")
        changes = {
            "status": {"old": "active", "new": "paused"},
            "reason": reason,
            "sessions_held": held,
        }
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor)
        return locked


def course_resume(*, actor: Actor, course: TreatmentCourse, resume_on: dt.date) -> TreatmentCourse:
    """Resume a paused course: the sessions the pause held are planned again from `resume_on`,
    from the phase where the course stopped (new numbers; the held ones stay cancelled)."""
    with transaction.atomic():
        locked = _locked(course, actor, Perm.COURSE_MANAGE)
        _require_status(locked, CourseStatus.PAUSED)
        if resume_on < locked.clinic.today():
            raise ValidationError({"resume_on": "Choose today or a later date."})
        held = list(locked.sessions.filter(held_by_pause=True).order_by("number"))
        sessions = replan(locked, held, resume_on)
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
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor)
        return locked


def course_end(*, actor: Actor, course: TreatmentCourse, reason: str) -> TreatmentCourse:
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
        cancelled = cancel_upcoming(locked, f"Course ended: {reason}", hold=False)
        locked.sessions.filter(held_by_pause=True).update(held_by_pause=False)
        _event(locked, CourseEventKind.ENDED, actor, reason, f"{len(cancelled)} sessions cancelled")
        changes = {
            "status": {"old": before, "new": "ended"},
            "reason": reason,
            "sessions_cancelled": cancelled,
        }
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor)
        return locked


# --- dose changes and REMS ---------------------------------------------------------------------


def course_change_dose(
    *, actor: Actor, course: TreatmentCourse, reason: str, override_reason: str = "", **dose: Any
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
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor)
        return saved


def rems_enrollment_record(
    *, actor: Actor, course: TreatmentCourse, enrollment_id: str, enrolled_on: dt.date
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
            person_of(actor),
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
        audit.record(_entry(AuditAction.UPDATE, locked, changes), actor)
        return locked
