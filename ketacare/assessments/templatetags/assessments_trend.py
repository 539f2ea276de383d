"""`{% score_trend patient %}`: the PHQ-9 / GAD-7 trend on any page that shows a patient.

A tag rather than view context so the chart page (in `patients`, which must not import
`assessments`) can show the trend: the tag loads its own data in one query.
"""

import zoneinfo
from typing import Any

from django import template

from ketacare.assessments.queries import trend_scores
from ketacare.assessments.trend import build_trend
from ketacare.patients.models import Patient

register = template.Library()


@register.inclusion_tag("assessments/_trend.html")
def score_trend(patient: Patient, compact: bool = False) -> dict[str, Any]:
    """The trend of `patient`, who was fetched through `patient_for` by the page's view.

    `compact` caps the table's height on screen (it scrolls; print shows it whole).
    """
    zone = zoneinfo.ZoneInfo(patient.clinic.timezone)
    return {"trend": build_trend(trend_scores(patient), zone), "compact": compact}
