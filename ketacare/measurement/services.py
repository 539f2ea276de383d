"""The reads the portal and the alert pages record (HIPAA: every showing of patient data is
audited, with the patient as actor at the portal)."""

from collections.abc import Sequence

from django.db import transaction

from ketacare.assessments.models import RiskAlert
from ketacare.clinics.actors import Actor, PatientActor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction

ALERTS_OBJECT = "risk_alerts"


def portal_page_read(*, actor: PatientActor, page: str, object_id: str = "") -> None:
    """The patient opened one of their portal pages."""
    actor.demand(Perm.PORTAL_USE, actor.clinic)
    entry = audit.AuditEntry(
        action=AuditAction.READ,
        object_type=f"portal_{page}",
        object_id=object_id or str(actor.patient_public_id),
        clinic_id=actor.clinic.public_id,
        patient_id=actor.patient_public_id,
        changes={"via": "portal"},
    )
    with transaction.atomic():
        audit.record(entry, actor)


def alerts_read(*, actor: Actor, clinic: Clinic, alerts: Sequence[RiskAlert]) -> None:
    """One read event naming every patient the alert list showed (as the chair board does);
    an empty list shows nobody and records nothing."""
    actor.demand(Perm.ALERT_VIEW, clinic)
    if not alerts:
        return
    entry = audit.AuditEntry(
        action=AuditAction.READ,
        object_type=ALERTS_OBJECT,
        object_id=str(clinic.public_id),
        clinic_id=clinic.public_id,
        changes={
            "via": "web",
            "patients": sorted({str(a.patient.public_id) for a in alerts}),
            "risk_alerts": [str(a.public_id) for a in alerts],
        },
    )
    with transaction.atomic():
        audit.record(entry, actor)


def outcomes_exported(*, actor: Actor, clinic: Clinic, months: str) -> None:
    """The outcome CSV left the system: aggregates only, but an export is always recorded."""
    actor.demand(Perm.OUTCOMES_VIEW, clinic)
    entry = audit.AuditEntry(
        action=AuditAction.EXPORT,
        object_type="clinic_outcomes",
        object_id=str(clinic.public_id),
        clinic_id=clinic.public_id,
        changes={"months": months},
    )
    with transaction.atomic():
        audit.record(entry, actor)
