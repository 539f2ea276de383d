"""The reads the portal and the alert pages record (HIPAA: every showing of patient data is
audited, with the patient as actor at the portal)."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from ketacare.assessments.models import RiskAlert
from ketacare.clinics.actors import Actor, Answerer, KioskActor, PatientActor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.measurement.models import QuestionnaireAssignment
from ketacare.patients.models import PatientAccount

ALERTS_OBJECT = "risk_alerts"


def portal_page_read(*, actor: Answerer, page: str, object_id: str = "") -> None:
    """The patient opened one of their pages, at the portal or at the clinic's kiosk (where
    every page is a questionnaire page)."""
    at_home = isinstance(actor, PatientActor)
    actor.demand(Perm.PORTAL_USE if at_home else Perm.QUESTIONNAIRE_ANSWER, actor.clinic)
    via = "portal" if at_home else "kiosk"
    changes: dict[str, str] = {"via": via}
    if isinstance(actor, KioskActor):
        changes["kiosk_code"] = str(actor.code_public_id)
    entry = audit.AuditEntry(
        action=AuditAction.READ,
        object_type=f"{via}_{page}",
        object_id=object_id or str(actor.patient_public_id),
        clinic_id=actor.clinic.public_id,
        patient_id=actor.patient_public_id,
        changes=changes,
    )
    with transaction.atomic():
        audit.record(entry, actor)


def questionnaire_page_read(*, actor: Answerer, row: QuestionnaireAssignment) -> None:
    """The patient opened a questionnaire: the read, and its first opening for the figures."""
    with transaction.atomic():
        portal_page_read(actor=actor, page="questionnaire", object_id=str(row.public_id))
        QuestionnaireAssignment.objects.filter(pk=row.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )


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


def portal_reminders_set(*, actor: PatientActor, on: bool) -> None:
    """The patient's own choice of questionnaire reminders (alerts to staff are not affected)."""
    actor.demand(Perm.PORTAL_USE, actor.clinic)
    with transaction.atomic():
        account = PatientAccount.objects.select_for_update().get(user=actor.user)
        if account.reminders == on:
            return
        account.reminders = on
        account.save(update_fields=["reminders"])
        entry = audit.AuditEntry(
            action=AuditAction.UPDATE,
            object_type="portal_reminders",
            object_id=str(actor.patient_public_id),
            clinic_id=actor.clinic.public_id,
            patient_id=actor.patient_public_id,
            changes={"reminders": on},
        )
        audit.record(entry, actor)
