"""The chart's safety-watch card (`{% watch_card patient %}`): the patient's checks due and
their positive results waiting for a prescriber, and the check's name on a page
(`check_title`). Read with the chart, which audits it."""

from typing import Any

from django import template

from ketacare.clinical.safety_watch import TITLES
from ketacare.patients.models import Patient
from ketacare.watch.models import WatchResult
from ketacare.watch.queries import courses_watched

register = template.Library()


@register.filter
def check_title(kind: str) -> str:
    return TITLES.get(kind, kind)


@register.inclusion_tag("watch/_chart.html", takes_context=True)
def watch_card(context: dict[str, Any], patient: Patient) -> dict[str, Any]:
    can = context.get("can", {})
    watched = courses_watched(patient.clinic, patient.clinic.today(), patient=patient)
    recent = list(WatchResult.objects.filter(patient=patient).select_related("recorded_by")[:5])
    return {
        "watched": watched,
        "waiting": any(w.positives for w in watched),
        "recent": recent,
        "can_record": bool(can.get("watch_record")),
        "can_review": bool(can.get("watch_review")),
        "patient": patient,
    }
