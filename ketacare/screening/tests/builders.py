"""Screening set-up through the services, as staff would enter it."""

import datetime as dt
from typing import Any

from conftest import World
from ketacare.assessments.services import assessment_record
from ketacare.patients.models import Patient
from ketacare.patients.services import diagnosis_record
from ketacare.screening.models import Intake
from ketacare.screening.services import intake_start, trial_record

WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
CSSRS_ALL_NO = {"1": False, "2": False, "6": False}


def cssrs(world: World, answers: dict[str, bool], patient: Patient | None = None) -> None:
    assessment_record(
        actor=world.nina,
        patient=patient or world.patient,
        instrument="cssrs_screener",
        answers=answers,
        administered_at=WHEN,
    )


def ready_intake(world: World, trials: int = 2, **fields: Any) -> Intake:
    """An adult with MDD, `trials` failed adequate trials and a negative baseline C-SSRS."""
    diagnosis_record(actor=world.pia, patient=world.patient, system="icd10cm", code="F33.2")
    values = {"intended_route": "esketamine_nasal", "pregnancy_status": "not_pregnant"}
    intake = intake_start(actor=world.nina, patient=world.patient, **{**values, **fields})
    for number in range(trials):
        trial_record(
            actor=world.nina,
            intake=intake,
            drug=f"Drug {number}",
            dose="100 mg daily",
            weeks=8,
            adequate=True,
            outcome="no_response",
        )
    cssrs(world, CSSRS_ALL_NO)
    return intake
