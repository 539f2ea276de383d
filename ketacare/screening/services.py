"""Write paths for screening: the intake, its trials and vitals, and the signed eligibility
decision. One function per use case, each audited in the same transaction."""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.clinical.vitals import VITAL_NAMES
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.models import Role
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import check_effective_time, checked_vitals, unconfirmed_findings
from ketacare.patients.models import ChartEntry, Patient
from ketacare.patients.services import entry_mark_error, measurement_record
from ketacare.screening.models import (
    MEDICAL_FLAGS,
    AntidepressantTrial,
    Decision,
    EligibilityDecision,
    Intake,
    IntakeStatus,
    IntakeVitals,
)
from ketacare.screening.review import Review, eligibility_review, finding_dicts, triage_dict

INTAKE_FIELDS = (
    "referral_source",
    "referral_detail",
    "psychiatric_history",
    "intended_route",
    "on_oral_antidepressant",
    "pregnancy_status",
    "breastfeeding",
    "substance_use",
    "hepatic_impairment",
    *(name for name, _ in MEDICAL_FLAGS),
)
TRIAL_FIELDS = ("drug", "dose", "weeks", "adequate", "outcome")


class IntakeAlreadyOpen(ValidationError):
    """The patient already has an open intake; the API answers 409 Conflict."""


def _entry(
    action: AuditAction, obj: Intake | ChartEntry | EligibilityDecision, changes: dict[str, Any]
) -> audit.AuditEntry:
    return audit.entry_for(action, obj, changes, clinic=obj.clinic, patient=obj.patient)


def _unknown_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(INTAKE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field is not part of the intake." for name in unknown})


def intake_start(*, actor: Actor, patient: Patient, **fields: Any) -> Intake:
    """Open the patient's intake; a patient has at most one open intake."""
    _unknown_fields(fields)
    with transaction.atomic():
        # The patient row lock makes two simultaneous starts queue; the second one is refused.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        if Intake.objects.filter(patient=patient, status=IntakeStatus.OPEN).exists():
            raise IntakeAlreadyOpen("This patient already has an open intake; edit that one.")
        intake = Intake(
            patient=patient, clinic=patient.clinic, started_by=person_of(actor), **fields
        )
        intake.full_clean()
        intake.save()
        changes = audit.diff({}, audit.field_values(intake, INTAKE_FIELDS))
        audit.record(_entry(AuditAction.CREATE, intake, changes), actor)
        return intake


def intake_update(*, actor: Actor, intake: Intake, **fields: Any) -> Intake:
    _unknown_fields(fields)
    if intake.status != IntakeStatus.OPEN:
        raise ValidationError("This intake is closed; it can no longer be changed.")
    with transaction.atomic():
        # Lock and re-read: two people editing at once queue, and the diff is against the row.
        Intake.objects.select_for_update().filter(pk=intake.pk).first()
        intake.refresh_from_db()
        changes = audit.assign_and_diff(intake, INTAKE_FIELDS, fields)
        if changes:
            intake.save()
            audit.record(_entry(AuditAction.UPDATE, intake, changes), actor)
        return intake


def trial_record(
    *,
    actor: Actor,
    intake: Intake,
    drug: str,
    dose: str,
    weeks: int,
    adequate: bool,
    outcome: str,
) -> AntidepressantTrial:
    """One antidepressant tried in this episode (REFERENCE §1.2: TRD counts adequate trials)."""
    trial = AntidepressantTrial(
        intake=intake,
        patient=intake.patient,
        clinic=intake.clinic,
        recorded_by=person_of(actor),
        drug=drug.strip(),
        dose=dose.strip(),
        weeks=weeks,
        adequate=adequate,
        outcome=outcome,
    )
    with transaction.atomic():
        trial.full_clean()
        trial.save()
        changes = audit.diff({}, audit.field_values(trial, TRIAL_FIELDS))
        audit.record(_entry(AuditAction.CREATE, trial, changes), actor)
        return trial


def trial_mark_error(*, actor: Actor, trial: AntidepressantTrial, reason: str) -> None:
    entry_mark_error(actor=actor, entry=trial, reason=reason, perm=Perm.INTAKE_RECORD)


def intake_vitals_record(
    *,
    actor: Actor,
    intake: Intake,
    measured_at: dt.datetime,
    confirm_readings: bool = False,
    weight_kg: Decimal | None = None,
    height_cm: Decimal | None = None,
    sbp: int | None = None,
    dbp: int | None = None,
    hr: int | None = None,
    spo2: int | None = None,
    rr: int | None = None,
) -> IntakeVitals:
    """Screening vitals, and weight/height on the chart's measurements at the same time."""
    check_effective_time("measured_at", measured_at)
    readings = {"sbp": sbp, "dbp": dbp, "hr": hr, "spo2": spo2, "rr": rr}
    if height_cm is not None and weight_kg is None:
        raise ValidationError({"weight_kg": "Give the weight with the height."})
    findings = unconfirmed_findings(checked_vitals(readings), confirm_readings)
    vitals = IntakeVitals(
        intake=intake,
        patient=intake.patient,
        clinic=intake.clinic,
        recorded_by=person_of(actor),
        measured_at=measured_at,
        plausibility_confirmed=bool(findings),
        confirmed_findings=[finding.message for finding in findings],
        **{name: readings.get(name) for name in VITAL_NAMES},
    )
    with transaction.atomic():
        vitals.full_clean()
        vitals.save()
        fields = ("measured_at", *VITAL_NAMES, "plausibility_confirmed", "confirmed_findings")
        changes = audit.diff({}, audit.field_values(vitals, fields))
        audit.record(_entry(AuditAction.CREATE, vitals, changes), actor)
        if weight_kg is not None:
            measurement_record(
                actor=actor,
                patient=intake.patient,
                measured_at=measured_at,
                weight_kg=weight_kg,
                height_cm=height_cm,
            )
        return vitals


def _require_prescriber(actor: Actor, intake: Intake) -> None:
    # Checked here, not only in the view: whatever calls this, only a prescriber of the
    # patient's clinic signs (DESIGN: clinical decisions are signed by the right role).
    if actor.scope_in(intake.clinic) != Role.PRESCRIBER:
        raise PermissionDenied("Only a prescriber of this clinic signs an eligibility decision.")


def _decided(review: Review, decision: str, reason: str) -> tuple[str, list[str]]:
    """The decision to store and the warnings it overrides, or why it cannot be signed."""
    assert review.eligibility is not None
    status = review.eligibility.status
    if decision not in Decision.values:
        raise ValidationError({"decision": f"Choose one of: {', '.join(Decision.values)}."})
    if decision == Decision.NOT_ELIGIBLE:
        return decision, []
    if status == "ineligible":
        stops = "; ".join(finding.message for finding in review.eligibility.hard_stops)
        raise ValidationError({"decision": f"A hard stop cannot be overridden: {stops}"})
    if status == "eligible":
        if decision == Decision.ELIGIBLE_WITH_OVERRIDE:
            raise ValidationError({"decision": "There are no warnings to override."})
        return decision, []
    if not reason:
        warnings = "; ".join(finding.message for finding in review.warnings)
        raise ValidationError({"reason": f"Write why you override these warnings: {warnings}"})
    return Decision.ELIGIBLE_WITH_OVERRIDE, [finding.code for finding in review.warnings]


def eligibility_sign(
    *,
    actor: Actor,
    intake: Intake,
    route: str,
    decision: str,
    reason: str = "",
    facts_digest: str = "",
) -> EligibilityDecision:
    """Sign the eligibility decision for `route` on the facts as they are now.

    `facts_digest` is the fingerprint of the review the prescriber read; if the intake or
    chart has changed since, signing is refused so nobody signs findings they did not see.
    """
    _require_prescriber(actor, intake)
    if intake.status != IntakeStatus.OPEN:
        raise ValidationError("This intake is closed.")
    reason = reason.strip()
    with transaction.atomic():
        Intake.objects.select_for_update().filter(pk=intake.pk).first()
        review = eligibility_review(intake, route)
        if review.missing or review.eligibility is None or review.facts is None:
            raise ValidationError(review.missing or "The facts are incomplete.")
        if facts_digest and facts_digest != review.digest:
            raise ValidationError(
                {"facts_digest": "The record changed since you reviewed it; review it again."}
            )
        chosen, overridden = _decided(review, decision, reason)
        signed = _save_decision(actor, review, chosen, reason, overridden)
        changes = {
            "route": signed.route,
            "status": signed.status,
            "decision": signed.decision,
            "reason": signed.reason,
            "overridden_warnings": overridden,
            "hard_stops": [finding.code for finding in review.eligibility.hard_stops],
        }
        audit.record(_entry(AuditAction.CREATE, signed, changes), actor)
        return signed


def _save_decision(
    actor: Actor, review: Review, decision: str, reason: str, overridden: list[str]
) -> EligibilityDecision:
    assert review.eligibility is not None
    assert review.facts is not None
    signed = EligibilityDecision(
        clinic=review.intake.clinic,
        patient=review.intake.patient,
        intake=review.intake,
        route=review.eligibility.route,
        status=review.eligibility.status,
        findings=finding_dicts(review.eligibility.findings),
        facts=dataclasses.asdict(review.facts),
        fact_sources=review.fact_sources,
        indications=sorted(review.eligibility.indications),
        triage=triage_dict(review.triage),
        decision=decision,
        reason=reason,
        overridden_warnings=overridden,
        signed_by=person_of(actor),
        signed_at=timezone.now(),
    )
    signed.full_clean()
    signed.save()
    return signed
