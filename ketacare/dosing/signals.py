"""The dosing session hears of suicide-risk alerts (raised in `assessments`, below it)."""

from typing import Any

from django.dispatch import receiver

from ketacare.assessments.alerts import risk_alert_changed
from ketacare.assessments.models import RiskAlert
from ketacare.dosing.services import sessions_recheck_for_alert


@receiver(risk_alert_changed)
def recheck_sessions(sender: type, alert: RiskAlert, **kwargs: Any) -> None:
    sessions_recheck_for_alert(alert.patient_id, alert.clinic)
