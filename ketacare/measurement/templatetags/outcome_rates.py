"""How a rate reads on the dashboard: a percentage with its count, or the small-numbers note."""

from django import template

from ketacare import clinical
from ketacare.measurement.outcomes import interval_text, rate_text

register = template.Library()


@register.filter
def rate(value: clinical.Rate) -> str:
    return rate_text(value)


@register.filter
def interval(value: clinical.Rate) -> str:
    return interval_text(value)
