"""`{% course_therapy course can_book %}`: the course's therapy sessions in its schedule
(the course page sits below `therapy`), beside the dosing sessions. One query."""

from typing import Any

from django import template

from ketacare.therapy.models import TherapySession
from ketacare.treatment.models import TreatmentCourse

register = template.Library()


@register.inclusion_tag("therapy/_course_therapy.html")
def course_therapy(course: TreatmentCourse, can_book: bool = False) -> dict[str, Any]:
    """For a course whose page's view read the patient through `patient_for` (audited)."""
    sessions = TherapySession.objects.filter(course=course).select_related("therapist")
    return {
        "course": course,
        "patient": course.patient,
        "sessions": list(sessions.order_by("starts_at")),
        "can_book": can_book and course.is_open,
    }
