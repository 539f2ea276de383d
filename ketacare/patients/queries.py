"""Access-checked reads of patients and their charts."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404

from ketacare.clinics.actors import Actor
from ketacare.clinics.permissions import Perm
from ketacare.core.models import AuditAction, AuditEvent, AuditOutcome
from ketacare.patients.models import Allergy, BodyMeasurement, Diagnosis, Medication, Patient
from ketacare.patients.services import patient_access_denied, patient_chart_read


@dataclass(frozen=True, slots=True)
class PatientAccess:
    patient: Patient
    role: str


def patient_for(
    actor: Actor, public_id: uuid.UUID, perm: Perm, *, via: str = "web"
) -> PatientAccess:
    """The patient if `actor` may see them with `perm`; otherwise 404 (audited) or 403.

    Another clinic's patient is a 404, not a 403, so a guessed id reveals nothing.
    """
    patient = (
        Patient.objects.visible_to(actor)
        .select_related("clinic")
        .filter(public_id=public_id)
        .first()
    )
    if patient is None:
        patient_access_denied(actor=actor, public_id=public_id, via=via)
        raise Http404("No such patient.")
    actor.demand(perm, patient.clinic)
    return PatientAccess(patient=patient, role=actor.scope_in(patient.clinic) or "")


def patient_read_for(actor: Actor, public_id: uuid.UUID, perm: Perm, *, via: str) -> PatientAccess:
    """`patient_for`, and the read of the chart recorded in the audit trail (HIPAA)."""
    access = patient_for(actor, public_id, perm, via=via)
    patient_chart_read(actor=actor, patient=access.patient, via=via)
    return access


def chart_entries(patient: Patient) -> Patient:
    """The patient with every chart list prefetched: one query per list, whatever its length."""
    return (
        Patient.objects.filter(pk=patient.pk)
        .select_related("clinic")
        .prefetch_related(
            Prefetch("measurements", BodyMeasurement.objects.order_by("-measured_at")),
            Prefetch("allergies", Allergy.objects.order_by("entered_in_error", "substance")),
            Prefetch("medications", Medication.objects.order_by("entered_in_error", "name")),
            Prefetch("diagnoses", Diagnosis.objects.order_by("entered_in_error", "code")),
        )
        .get()
    )


def recent_viewers(patient: Patient, limit: int = 15) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            patient_id=patient.public_id, action=AuditAction.READ, outcome=AuditOutcome.SUCCESS
        ).order_by("-occurred_at")[:limit]
    )


def ensure(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)
