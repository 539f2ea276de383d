"""`{% treatment_history patient %}`: the patient's courses, sessions and doses on the chart.

A tag rather than view context because `patients` (the chart) must not import `treatment` or
`dosing`; the tag reads its data in a fixed number of queries (`dosing.history`).
"""

from typing import Any

from django import template

from ketacare.dosing import history
from ketacare.patients.models import Patient

register = template.Library()


@register.inclusion_tag("dosing/_treatment_history.html")
def treatment_history(patient: Patient, can_open: bool = False) -> dict[str, Any]:
    """The history of `patient`, fetched through `patient_for` by the page's view, for a role
    that reads the clinical chart; `can_open` links each session to its screen (the viewer's
    role holds `session.view` in the patient's clinic)."""
    courses = history.treatment_history(patient, patient.clinic.today())
    return {"patient": patient, "courses": courses, "can_open": can_open}
