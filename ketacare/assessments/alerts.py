"""Suicide-risk alerts (REFERENCE §6.2): raised with the assessment whose suicide item is
positive, acknowledged, worked and resolved by people. An alert never closes by itself.

The apps above hear of an alert through two signals sent inside the writing transaction:
`risk_alert_raised` (the notifications queue their emails on it) and `risk_alert_changed`
(raised, acknowledged or resolved: the dosing session re-works its clearance), since this app
must not import them.
"""

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from ketacare import clinical
from ketacare.assessments.models import AlertAction, AlertLevel, Assessment, RiskAlert
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.patients.models import Patient

risk_alert_raised = Signal()  # sender=RiskAlert, alert=…
risk_alert_changed = Signal()  # sender=RiskAlert, alert=…
NOTE_MAX = 2000


class AlertConflict(ValidationError):
    """The alert is not in a state for this step (already resolved); the API answers 409."""


def alert_for_assessment(assessment: Assessment, actor: Actor) -> RiskAlert | None:
    """Raise the alert `assessment`'s suicide item calls for, inside the caller's transaction."""
    item = clinical.get_scale(assessment.instrument).suicide_item
    if item is None or item not in assessment.answers:
        return None
    value = int(assessment.answers[item])
    level = clinical.alert_level(assessment.instrument, value, clinical.TriageSettings())
    if level is None:
        return None
    alert = RiskAlert.objects.create(
        clinic=assessment.clinic,
        patient=assessment.patient,
        assessment=assessment,
        level=level,
        item_value=value,
        raised_at=timezone.now(),
    )
    audit.record(_entry(AuditAction.CREATE, alert, {"level": level, "item_value": value}), actor)
    risk_alert_raised.send(sender=RiskAlert, alert=alert)
    risk_alert_changed.send(sender=RiskAlert, alert=alert)
    return alert


def alert_for_report(
    *,
    actor: Actor,
    patient: Patient,
    level: clinical.AlertLevel,
    reported_in: str,
    reported_id: uuid.UUID,
    reported_as: str,
) -> RiskAlert:
    """Raise the alert for suicidal thoughts a clinician recorded (a therapy note's risk
    check), inside the caller's transaction: the same alert, notice and dosing block as a
    positive suicide item."""
    alert = RiskAlert(
        clinic=patient.clinic,
        patient=patient,
        level=level,
        reported_in=reported_in,
        reported_id=reported_id,
        reported_as=reported_as,
        raised_at=timezone.now(),
    )
    alert.full_clean()
    alert.save()
    changes = {"level": level, "reported_in": reported_in, "reported_id": str(reported_id)}
    audit.record(_entry(AuditAction.CREATE, alert, changes), actor)
    risk_alert_raised.send(sender=RiskAlert, alert=alert)
    risk_alert_changed.send(sender=RiskAlert, alert=alert)
    return alert


def alert_acknowledge(*, actor: Actor, alert: RiskAlert, note: str = "") -> RiskAlert:
    """A clinician has seen the alert and is acting on it (the clock to acknowledge stops)."""
    with transaction.atomic():
        row = _locked(alert, actor, Perm.ALERT_ACKNOWLEDGE)
        if row.acknowledged_at is not None:
            return row
        row.acknowledged_at, row.acknowledged_by = timezone.now(), person_of(actor)
        row.note = _note(row.note, note)
        row.save(update_fields=["acknowledged_at", "acknowledged_by", "note", "updated_at"])
        audit.record(_entry(AuditAction.UPDATE, row, {"acknowledged": True, "note": note}), actor)
        risk_alert_changed.send(sender=RiskAlert, alert=row)
    return row


def alert_resolve(
    *, actor: Actor, alert: RiskAlert, actions: Sequence[str], note: str = ""
) -> RiskAlert:
    """Close the alert with what was done. An urgent alert is resolved by a prescriber only
    (it blocks dosing until then); resolving acknowledges an alert nobody had."""
    chosen = _actions(actions)
    with transaction.atomic():
        row = _locked(alert, actor, Perm.ALERT_RESOLVE)
        if row.level == AlertLevel.URGENT and not actor.can(Perm.ALERT_RESOLVE_URGENT, row.clinic):
            raise PermissionDenied("Only a prescriber may resolve an urgent alert.")
        if row.resolved_at is not None:
            raise AlertConflict("This alert is already resolved.")
        now, person = timezone.now(), person_of(actor)
        if row.acknowledged_at is None:
            row.acknowledged_at, row.acknowledged_by = now, person
        row.resolved_at, row.resolved_by, row.actions = now, person, chosen
        row.note = _note(row.note, note)
        row.full_clean()
        row.save()
        changes = {"resolved": True, "actions": chosen, "note": note}
        audit.record(_entry(AuditAction.UPDATE, row, changes), actor)
        risk_alert_changed.send(sender=RiskAlert, alert=row)
    return row


def alert_escalate(*, actor: Actor, alert: RiskAlert) -> RiskAlert | None:
    """Mark an alert left unacknowledged past the clinic's limit as escalated, once: the row
    when this call escalated it, None when it was acknowledged or escalated meanwhile (so two
    overlapping runs tell people once)."""
    with transaction.atomic():
        row = _locked(alert, actor, Perm.ALERT_ESCALATE)
        if row.escalated_at is not None or row.acknowledged_at is not None:
            return None
        row.escalated_at = timezone.now()
        row.save(update_fields=["escalated_at", "updated_at"])
        audit.record(_entry(AuditAction.UPDATE, row, {"escalated": True}), actor)
    return row


def _locked(alert: RiskAlert, actor: Actor, perm: Perm) -> RiskAlert:
    actor.demand(perm, alert.clinic)
    row = RiskAlert.objects.select_for_update().select_related("clinic", "patient").get(pk=alert.pk)
    return row


def _actions(actions: Sequence[str]) -> list[str]:
    allowed = AlertAction.values
    unknown = [a for a in actions if a not in allowed]
    if unknown or not actions:
        choices = "; ".join(f"{a.value} ({a.label})" for a in AlertAction)
        problem = f"Unknown {unknown}. " if unknown else "Say what was done. "
        raise ValidationError({"actions": f"{problem}Choose from: {choices}."})
    return sorted(set(actions), key=allowed.index)


def _note(before: str, note: str) -> str:
    added = note.strip()
    combined = f"{before}\n{added}".strip() if added else before
    if len(combined) > NOTE_MAX:
        raise ValidationError({"note": f"Notes may be at most {NOTE_MAX} characters in all."})
    return combined


def _entry(action: AuditAction, alert: RiskAlert, changes: dict[str, Any]) -> audit.AuditEntry:
    return audit.AuditEntry(
        action=action,
        object_type="risk_alert",
        object_id=str(alert.public_id),
        clinic_id=alert.clinic.public_id,
        patient_id=alert.patient.public_id,
        changes=changes,
    )
