"""`{% portal_therapy patient %}`: the patient's side of therapy in their portal (which sits
below `therapy`): their therapy sessions to come, and the coping skills and homework the
therapist chose to share in their latest signed progress note. Never a psychotherapy note.
Two queries."""

from typing import Any

from django import template
from django.utils import timezone

from ketacare.patients.models import Patient
from ketacare.therapy.models import NoteKind, TherapyNote, TherapySession, TherapyStatus

register = template.Library()
SESSIONS_SHOWN = 5


@register.inclusion_tag("therapy/_portal_therapy.html")
def portal_therapy(patient: Patient) -> dict[str, Any]:
    """For the patient signed in to their own portal (the page's read is audited)."""
    upcoming = (
        TherapySession.objects.filter(
            patient=patient, status=TherapyStatus.BOOKED, ends_at__gte=timezone.now()
        )
        .select_related("therapist")
        .order_by("starts_at")[:SESSIONS_SHOWN]
    )
    shared = (
        TherapyNote.objects.filter(
            patient=patient,
            kind=NoteKind.PROGRESS,
            share_with_patient=True,
            signed_at__isnull=False,
            entered_in_error=False,
        )
        .exclude(coping_skills="")
        .select_related("author")
        .order_by("-signed_at")
        .first()
    )
    return {"upcoming": list(upcoming), "shared": shared}
