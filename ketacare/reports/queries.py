"""The clinic audit report: one clinic's chain, filtered."""

import datetime as dt
from typing import Any

from django.utils import timezone

from ketacare.clinics.models import Clinic
from ketacare.core.models import AuditEvent, AuditEventQuerySet
from ketacare.patients.models import Patient


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(clinic: Clinic, filters: dict[str, Any]) -> AuditEventQuerySet:
    events = AuditEvent.objects.for_clinic(clinic.public_id).order_by("-occurred_at", "-seq")
    if filters.get("user"):
        events = events.filter(actor_email__iexact=filters["user"].strip())
    if filters.get("patient"):
        ids = Patient.objects.filter(clinic=clinic, mrn__iexact=filters["patient"].strip())
        events = events.filter(patient_id__in=ids.values("public_id"))
    for name in ("action", "outcome"):
        if filters.get(name):
            events = events.filter(**{name: filters[name]})
    if filters.get("date_from"):
        events = events.filter(occurred_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        end = _day_start(filters["date_to"]) + dt.timedelta(days=1)
        events = events.filter(occurred_at__lt=end)
    return events


def patient_names(clinic: Clinic, events: list[AuditEvent]) -> dict[Any, str]:
    ids = {e.patient_id for e in events if e.patient_id}
    rows = Patient.objects.filter(clinic=clinic, public_id__in=ids).values_list("public_id", "mrn")
    return dict(rows)
