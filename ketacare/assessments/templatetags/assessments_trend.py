"""`{% score_trend patient %}`: the score trend (PHQ-9, GAD-7, QIDS-SR16, MADRS) on any page
that shows a patient, in one query. It knows no doses or courses (they live above
`assessments`): the chart uses `measurement`'s `{% course_trend patient %}`, which draws the same
template with the doses, the course's baseline and its flags.
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
