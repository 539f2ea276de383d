"""Reads of a patient's assessments. Callers fetch the patient through `patient_for` first."""

from django.db.models import QuerySet

from ketacare.assessments.models import Assessment, AssessmentContext
from ketacare.assessments.trend import TREND_INSTRUMENTS
from ketacare.patients.models import Patient


def assessments_of(patient: Patient) -> QuerySet[Assessment]:
    return Assessment.objects.filter(patient=patient).select_related("recorded_by")


def latest_by_instrument(
    patient: Patient, context: str = AssessmentContext.BASELINE
) -> dict[str, Assessment]:
    """The newest valid administration of each instrument in `context`, in one query."""
    latest: dict[str, Assessment] = {}
    rows = Assessment.objects.filter(patient=patient, context=context, entered_in_error=False)
    for assessment in rows.order_by("-administered_at", "-pk"):
        latest.setdefault(assessment.instrument, assessment)
    return latest


def trend_scores(patient: Patient) -> list[Assessment]:
    """The valid PHQ-9 and GAD-7 administrations, oldest first: one query, whatever the
    history, with only the columns the score trend draws."""
    rows = Assessment.objects.filter(
        patient=patient, instrument__in=TREND_INSTRUMENTS, entered_in_error=False
    )
    fields = ("instrument", "total", "severity_label", "administered_at", "context")
    return list(rows.only(*fields, "entered_in_error").order_by("administered_at", "pk"))
