"""Reads of a patient's assessments. Callers fetch the patient through `patient_for` first."""

from django.db.models import QuerySet

from ketacare.assessments.models import Assessment, AssessmentContext
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
