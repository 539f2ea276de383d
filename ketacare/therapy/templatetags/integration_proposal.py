"""`{% integration_proposal session can_book %}`: on a discharged dosing session's screen
(which sits below `therapy`), its integration session: the one booked, or the proposal of
one with the care team's therapist in the protocol's window after the dose (REFERENCE §7;
without a window, the next day at the dose's hour)."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

from ketacare import clinical
from ketacare.clinics.models import Membership, Role
from ketacare.dosing.models import DosingSession
from ketacare.therapy.models import TAKES_TIME, CareTeamMember, TherapySession
from ketacare.treatment.queries import protocol_of

register = template.Library()
NEXT_DAY = dt.timedelta(days=1)


@register.inclusion_tag("therapy/_integration_proposal.html")
def integration_proposal(session: DosingSession, can_book: bool = False) -> dict[str, Any]:
    booked = list(
        TherapySession.objects.filter(follows=session, status__in=TAKES_TIME)
        .select_related("therapist")
        .order_by("starts_at")
    )
    if booked or session.dose_started_at is None:
        return {"booked": booked, "proposal": None}
    window = clinical.integration_window(
        protocol_of(session.course.protocol_version), session.dose_started_at
    )
    start, end = window or (session.dose_started_at + NEXT_DAY, None)
    passed = end is not None and timezone.now() >= end
    start = max(start, timezone.now()).replace(second=0, microsecond=0)
    therapist = _primary_therapist(session)
    query = {"kind": "integration", "follows": str(session.public_id)}
    query["starts_at"] = timezone.localtime(start).strftime("%Y-%m-%dT%H:%M")
    if therapist is not None:
        query["therapist"] = str(therapist.pk)
    url = reverse("therapy:book", args=[session.patient.public_id]) + "?" + urlencode(query)
    proposal = {"start": start, "end": end, "passed": passed, "therapist": therapist, "url": url}
    return {"booked": [], "proposal": proposal, "can_book": can_book}


def _primary_therapist(session: DosingSession) -> Membership | None:
    """The membership of the patient's primary therapist, if they still work at the clinic."""
    place = CareTeamMember.objects.filter(
        patient_id=session.patient_id, team_role=Role.THERAPIST, is_primary=True,
        ended_at__isnull=True,
    ).first()  # fmt: skip
    if place is None:
        return None
    return (
        Membership.objects.active()
        .filter(user_id=place.member_id, clinic_id=session.clinic_id, role=Role.THERAPIST)
        .select_related("user")
        .first()
    )
