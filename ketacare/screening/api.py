"""Intake and eligibility endpoints: the same permissions, rules and audit as the pages."""

import dataclasses
import uuid
from typing import Any

from django.http import Http404
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from ketacare.clinics.access import requires
from ketacare.clinics.http import StaffRequest
from ketacare.clinics.permissions import Perm
from ketacare.patients.models import Patient
from ketacare.patients.queries import patient_for, patient_read_for
from ketacare.screening import services
from ketacare.screening.models import (
    MEDICAL_FLAGS,
    AntidepressantTrial,
    EligibilityDecision,
    Intake,
    IntakeVitals,
)
from ketacare.screening.queries import current_intake, decisions_of, open_intake
from ketacare.screening.review import eligibility_review, finding_dicts, triage_dict
from ketacare.screening.schemas import (
    DecisionIn,
    DecisionOut,
    IntakeOut,
    IntakePatch,
    ReviewOut,
    TrialIn,
    TrialOut,
    VitalsIn,
    VitalsOut,
)

router = Router()


def _patient(request: StaffRequest, patient_id: uuid.UUID, perm: Perm) -> Patient:
    return patient_for(request.actor, patient_id, perm, via="api").patient


def _open(patient: Patient) -> Intake:
    intake = open_intake(patient)
    if intake is None:
        raise Http404("This patient has no open intake.")
    return intake


def _intake_out(intake: Intake) -> dict[str, Any]:
    fields = {name: getattr(intake, name) for name in services.INTAKE_FIELDS}
    flags = {name: fields.pop(name) for name, _ in MEDICAL_FLAGS}
    return {
        "public_id": intake.public_id,
        "status": intake.status,
        **fields,
        "medical_flags": flags,
        "trials": list(intake.trials.all()),
        "vitals": list(intake.intake_vitals.all()),
    }


@router.get("/{uuid:patient_id}/intake", response=IntakeOut)
@requires(Perm.INTAKE_VIEW)
def intake_read(request: StaffRequest, patient_id: uuid.UUID) -> dict[str, Any]:
    """The open intake (or else the latest one), with its trials and vitals."""
    patient = patient_read_for(request.actor, patient_id, Perm.INTAKE_VIEW, via="api").patient
    intake = current_intake(patient)
    if intake is None:
        raise Http404("This patient has no intake.")
    return _intake_out(intake)


@router.post("/{uuid:patient_id}/intake", response={201: IntakeOut})
@requires(Perm.INTAKE_RECORD)
def intake_create(
    request: StaffRequest, patient_id: uuid.UUID, payload: IntakePatch
) -> Status[dict[str, Any]]:
    """Start the intake; 409 if one is already open (PATCH that one instead)."""
    patient = _patient(request, patient_id, Perm.INTAKE_RECORD)
    fields = payload.dict(exclude_none=True)
    try:
        intake = services.intake_start(actor=request.actor, patient=patient, **fields)
    except services.IntakeAlreadyOpen as error:
        raise HttpError(409, error.messages[0]) from error
    return Status(201, _intake_out(intake))


@router.patch("/{uuid:patient_id}/intake", response=IntakeOut)
@requires(Perm.INTAKE_RECORD)
def intake_update(
    request: StaffRequest, patient_id: uuid.UUID, payload: IntakePatch
) -> dict[str, Any]:
    patient = _patient(request, patient_id, Perm.INTAKE_RECORD)
    intake = services.intake_update(
        actor=request.actor,
        intake=_open(patient),
        **payload.dict(exclude_unset=True),
    )
    return _intake_out(intake)


@router.post("/{uuid:patient_id}/intake/trials", response={201: TrialOut})
@requires(Perm.INTAKE_RECORD)
def trial_create(
    request: StaffRequest, patient_id: uuid.UUID, payload: TrialIn
) -> Status[AntidepressantTrial]:
    intake = _open(_patient(request, patient_id, Perm.INTAKE_RECORD))
    trial = services.trial_record(actor=request.actor, intake=intake, **payload.dict())
    return Status(201, trial)


@router.post("/{uuid:patient_id}/intake/vitals", response={201: VitalsOut})
@requires(Perm.INTAKE_RECORD)
def vitals_create(
    request: StaffRequest, patient_id: uuid.UUID, payload: VitalsIn
) -> Status[IntakeVitals]:
    """Impossible readings answer 422 naming the field and range; unusual ones need
    `confirm_readings: true` (the 422 under `confirm_readings` says which)."""
    intake = _open(_patient(request, patient_id, Perm.INTAKE_RECORD))
    vitals = services.intake_vitals_record(
        actor=request.actor,
        intake=intake,
        **payload.dict(),
    )
    return Status(201, vitals)


@router.get("/{uuid:patient_id}/eligibility", response=ReviewOut)
@requires(Perm.INTAKE_VIEW)
def eligibility_read(request: StaffRequest, patient_id: uuid.UUID, route: str = "") -> Any:
    """Run the eligibility check for `route` (default: the intake's intended route)."""
    patient = patient_read_for(request.actor, patient_id, Perm.INTAKE_VIEW, via="api").patient
    intake = current_intake(patient)
    if intake is None:
        raise Http404("This patient has no intake.")
    review = eligibility_review(intake, route)
    result = review.eligibility
    return {
        "route": review.route,
        "missing": review.missing,
        "status": result.status if result else None,
        "findings": finding_dicts(result.findings) if result else [],
        "indications": sorted(result.indications) if result else [],
        "facts": dataclasses.asdict(review.facts) if review.facts else None,
        "fact_sources": review.fact_sources,
        "triage": triage_dict(review.triage),
        "facts_digest": review.digest,
    }


@router.get("/{uuid:patient_id}/eligibility/decisions", response=list[DecisionOut])
@requires(Perm.INTAKE_VIEW)
def decision_list(request: StaffRequest, patient_id: uuid.UUID) -> list[EligibilityDecision]:
    """Signed decisions, newest first, each with its snapshot of facts and findings."""
    access = patient_read_for(request.actor, patient_id, Perm.INTAKE_VIEW, via="api")
    return list(decisions_of(access.patient))


@router.post("/{uuid:patient_id}/eligibility/decisions", response={201: DecisionOut})
@requires(Perm.ELIGIBILITY_SIGN)
def decision_sign(
    request: StaffRequest, patient_id: uuid.UUID, payload: DecisionIn
) -> Status[EligibilityDecision]:
    intake = _open(_patient(request, patient_id, Perm.ELIGIBILITY_SIGN))
    signed = services.eligibility_sign(actor=request.actor, intake=intake, **payload.dict())
    return Status(201, signed)
