"""Reads for screening. Callers fetch the patient through `patient_for` first."""

from django.db.models import Prefetch, QuerySet

from ketacare.patients.models import Patient
from ketacare.screening.models import (
    AntidepressantTrial,
    EligibilityDecision,
    Intake,
    IntakeStatus,
    IntakeVitals,
)


def open_intake(patient: Patient) -> Intake | None:
    return (
        Intake.objects.filter(patient=patient, status=IntakeStatus.OPEN)
        .select_related("clinic", "patient", "started_by")
        .first()
    )


def current_intake(patient: Patient) -> Intake | None:
    """The open intake, or else the latest closed one."""
    return open_intake(patient) or (
        Intake.objects.filter(patient=patient).select_related("clinic", "patient").first()
    )


def intake_with_entries(intake: Intake) -> Intake:
    """The intake with its trials and vitals prefetched: one query per list."""
    return (
        Intake.objects.filter(pk=intake.pk)
        .select_related("clinic", "patient", "started_by")
        .prefetch_related(
            Prefetch("trials", AntidepressantTrial.objects.select_related("recorded_by")),
            Prefetch("intake_vitals", IntakeVitals.objects.select_related("recorded_by")),
        )
        .get()
    )


def decisions_of(patient: Patient) -> QuerySet[EligibilityDecision]:
    return EligibilityDecision.objects.filter(patient=patient).select_related("signed_by")
