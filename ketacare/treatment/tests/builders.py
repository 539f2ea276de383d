"""Treatment set-up through the services, as staff would enter it."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ketacare.assessments.services import assessment_record
from ketacare.clinics.actors import StaffActor
from ketacare.clinics.models import Clinic
from ketacare.patients.models import Patient
from ketacare.patients.services import diagnosis_record, measurement_record
from ketacare.screening.models import EligibilityDecision
from ketacare.screening.queries import open_intake
from ketacare.screening.review import eligibility_review
from ketacare.screening.services import eligibility_sign, intake_start, intake_update, trial_record
from ketacare.treatment.models import ProtocolVersion, TreatmentCourse
from ketacare.treatment.services import course_start

WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
MONDAY = dt.date(2030, 1, 7)  # far enough ahead that every planned session is upcoming


def builtin(clinic: Clinic, code: str) -> ProtocolVersion:
    """A built-in protocol of the clinic's library (copied in when the clinic was created)."""
    return ProtocolVersion.objects.get(clinic=clinic, code=code, version=1)


def signed_eligible(
    patient: Patient, *, nurse: StaffActor, prescriber: StaffActor, route: str = "iv"
) -> EligibilityDecision:
    """An adult with recurrent MDD, two failed adequate trials, a negative C-SSRS and a weight,
    signed eligible for `route` (with a written override if the check raised warnings)."""
    if not patient.diagnoses.exists():
        diagnosis_record(actor=prescriber, patient=patient, system="icd10cm", code="F33.2")
    if not patient.measurements.exists():
        measurement_record(
            actor=nurse,
            patient=patient,
            measured_at=WHEN,
            weight_kg=Decimal("80.0"),
            height_cm=Decimal("170.0"),
        )
    intake = open_intake(patient)
    if intake is None:
        assessment_record(
            actor=nurse,
            patient=patient,
            instrument="cssrs_screener",
            answers={"1": False, "2": False, "6": False},
            administered_at=WHEN,
        )
        intake = intake_start(actor=nurse, patient=patient)
    intake_update(
        actor=nurse,
        intake=intake,
        intended_route=route,
        pregnancy_status="not_pregnant" if patient.sex == "female" else "not_applicable",
        on_oral_antidepressant=True,
    )
    while intake.trials.count() < 2:
        trial_record(
            actor=nurse,
            intake=intake,
            drug=f"Drug {intake.trials.count()}",
            dose="100 mg daily",
            weeks=8,
            adequate=True,
            outcome="no_response",
        )
    review = eligibility_review(intake, route)
    assert review.eligibility is not None, review.missing
    status = review.eligibility.status
    assert status != "ineligible", review.eligibility.findings
    decision = "eligible" if status == "eligible" else "eligible_with_override"
    reason = "" if status == "eligible" else "Reviewed in person."
    return eligibility_sign(
        actor=prescriber, intake=intake, route=route, decision=decision, reason=reason
    )


def started_course(
    patient: Patient,
    *,
    nurse: StaffActor,
    prescriber: StaffActor,
    code: str = "iv_ketamine_twice_weekly",
    version: ProtocolVersion | None = None,
    **options: Any,
) -> TreatmentCourse:
    """A course started by `prescriber` on `version` (or the built-in `code`), from MONDAY."""
    version = version or builtin(patient.clinic, code)
    signed_eligible(patient, nurse=nurse, prescriber=prescriber, route=version.route)
    if version.drug == "esketamine":
        options.setdefault("indication", "trd")
    options.setdefault("start_date", MONDAY)
    return course_start(actor=prescriber, patient=patient, protocol_version=version, **options)
