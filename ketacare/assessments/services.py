"""Write paths for rating-scale administrations, each audited in the same transaction."""

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from ketacare import clinical
from ketacare.assessments.alerts import alert_for_assessment
from ketacare.assessments.models import Assessment, AssessmentContext
from ketacare.clinical.scoring import Answer
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import check_effective_time
from ketacare.patients.models import Patient
from ketacare.patients.services import entry_mark_error


def clinical_error(error: clinical.ClinicalInputError) -> ValidationError:
    """The core's error as a field error: "item 3" becomes "answers.3", so a form can put the
    message beside the item and the API names the item in its `fields`."""
    field = error.field
    if field.startswith("item "):
        keys = [f"answers.{field.removeprefix('item ')}"]
    elif field.startswith("items "):
        keys = [f"answers.{item}" for item in field.removeprefix("items ").split("/")]
    else:
        keys = [field]
    return ValidationError({key: [str(error)] for key in keys})


def assessment_record(
    *,
    actor: Actor,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, Answer],
    administered_at: dt.datetime,
    context: str = AssessmentContext.BASELINE,
) -> Assessment:
    """Score `answers` with the clinical core and keep both the items and the result."""
    check_effective_time("administered_at", administered_at)
    try:
        scored = clinical.score(instrument, answers)
    except clinical.ClinicalInputError as error:
        raise clinical_error(error) from error
    assessment = Assessment(
        patient=patient,
        clinic=patient.clinic,
        recorded_by=person_of(actor),
        instrument=scored.instrument,
        answers=dict(scored.answers),
        total=scored.total,
        severity=scored.severity or "",
        severity_label=scored.severity_label or "",
        flags=sorted(scored.flags),
        risk=scored.risk or "",
        administered_at=administered_at,
        context=context,
    )
    with transaction.atomic():
        assessment.full_clean()
        assessment.save()
        audit.record(_created(assessment), actor)
        alert_for_assessment(assessment, actor)
    return assessment


def _created(assessment: Assessment) -> audit.AuditEntry:
    return audit.AuditEntry(
        action=AuditAction.CREATE,
        object_type="assessment",
        object_id=str(assessment.public_id),
        clinic_id=assessment.clinic.public_id,
        patient_id=assessment.patient.public_id,
        changes={
            "instrument": assessment.instrument,
            "context": assessment.context,
            "administered_at": assessment.administered_at,
            "answers": assessment.answers,
            "total": assessment.total,
            "severity": assessment.severity,
            "risk": assessment.risk,
            "flags": assessment.flags,
        },
    )


def assessment_mark_error(*, actor: Actor, assessment: Assessment, reason: str) -> Assessment:
    """A wrong administration stays on record, struck out with the reason, by anyone who may
    record assessments (a therapist among them)."""
    entry_mark_error(actor=actor, entry=assessment, reason=reason, perm=Perm.ASSESSMENT_RECORD)
    return assessment
