"""`{% outcomes_by_engagement clinic since until %}`: on the outcome dashboard (which sits
below `therapy`), response and remission with and without integration sessions."""

import datetime as dt
from typing import Any

from django import template

from ketacare import clinical
from ketacare.clinics.models import Clinic
from ketacare.therapy.engagement import outcomes_by_engagement as by_engagement

register = template.Library()


@register.inclusion_tag("therapy/_engagement.html")
def outcomes_by_engagement(
    clinic: Clinic, since: dt.datetime, until: dt.datetime
) -> dict[str, Any]:
    return {
        "rows": by_engagement(clinic, since, until),
        "min_denominator": clinical.MIN_DENOMINATOR,
    }
