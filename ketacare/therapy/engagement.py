"""Outcomes by engagement in therapy: response and remission of the clinic's courses with an
integration session held and of those without. Observational: patients who come to
integration may differ from those who do not, so the dashboard claims no effect."""

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Sum

from ketacare import clinical
from ketacare.clinical import OutcomeCounts
from ketacare.clinics.models import Clinic
from ketacare.measurement.course_outcomes import COUNTED, current_rows
from ketacare.measurement.outcomes import Breakdown
from ketacare.therapy.models import FOLLOWS_DOSING, TherapySession, TherapyStatus

WITH, WITHOUT = "With an integration session held", "Without one"


def outcomes_by_engagement(
    clinic: Clinic, since: dt.datetime, until: dt.datetime
) -> list[Breakdown]:
    """The two groups, from the kept course outcomes the dashboard has just brought up to
    date: one grouped sum."""
    held = TherapySession.objects.filter(
        course_id=OuterRef("course_id"), kind__in=FOLLOWS_DOSING, status=TherapyStatus.HELD
    )
    grouped = (
        current_rows(clinic, since, until)
        .annotate(integrated=Exists(held))
        .values("integrated")
        .annotate(started=Count("pk"), **{name: Sum(name) for name in COUNTED})
        .order_by()
    )
    counts = {True: OutcomeCounts(), False: OutcomeCounts()}
    groups: list[dict[str, Any]] = [dict(group) for group in grouped]
    for group in groups:
        found = OutcomeCounts(started=group["started"], **{n: group[n] for n in COUNTED})
        counts[bool(group["integrated"])] += found
    return [
        Breakdown(WITH, clinical.summary_from_counts(counts[True])),
        Breakdown(WITHOUT, clinical.summary_from_counts(counts[False])),
    ]
