"""The clinic audit report: one clinic's chain, filtered."""

import datetime as dt
from typing import Any

from django.db.models import Q
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
        events = events.filter(_about_patient(clinic, filters["patient"]))
    for name in ("action", "outcome"):
        if filters.get(name):
            events = events.filter(**{name: filters[name]})
    if filters.get("date_from"):
        events = events.filter(occurred_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        end = _day_start(filters["date_to"]) + dt.timedelta(days=1)
        events = events.filter(occurred_at__lt=end)
    return events


def _about_patient(clinic: Clinic, mrn: str) -> Q:
    """The patient's own events, and reads of a page of several patients (the chair board)
    that list them in `changes["patients"]`."""
    found = Patient.objects.filter(clinic=clinic, mrn__iexact=mrn.strip())
    ids = [str(public_id) for public_id in found.values_list("public_id", flat=True)]
    query = Q(patient_id__in=ids)
    for public_id in ids:
        query |= Q(changes__patients__icontains=public_id)
    return query


def patient_names(clinic: Clinic, events: list[AuditEvent]) -> dict[Any, str]:
    ids = {e.patient_id for e in events if e.patient_id}
    rows = Patient.objects.filter(clinic=clinic, public_id__in=ids).values_list("public_id", "mrn")
    return dict(rows)
