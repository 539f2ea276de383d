"""The care team where pages below `therapy` show it (they may not import it).

`{% care_team_card patient %}`: the team, the next therapy sessions and the integrations
missed or not booked on the chart, in three queries. `{% care_teams rows as teams %}` with
`teams|team_for:row.patient_id`: the primary of each team role for every patient of the
chair board, in one query.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from django import template
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ketacare.dosing.models import DosingSession
from ketacare.patients.models import Patient
from ketacare.therapy.day import DOSED_RECENTLY
from ketacare.therapy.models import (
    TAKES_TIME,
    CareTeamMember,
    TeamRole,
    TherapySession,
    TherapyStatus,
)
from ketacare.therapy.queries import current_team

register = template.Library()
UPCOMING_SHOWN = 3


@register.inclusion_tag("therapy/_care_team_card.html")
def care_team_card(patient: Patient) -> dict[str, Any]:
    """For a patient fetched through `patient_for` by the page's view (the read is audited):
    the team, the therapy sessions to come, an integration missed lately and a recent dose
    with no integration session booked after it."""
    now = timezone.now()
    sessions = list(
        TherapySession.objects.filter(
            Q(status=TherapyStatus.BOOKED, ends_at__gte=now)
            | Q(status=TherapyStatus.MISSED, starts_at__gte=now - DOSED_RECENTLY),
            patient=patient,
        )
        .select_related("therapist")
        .order_by("starts_at")
    )
    return {
        "patient": patient,
        "team": current_team(patient),
        "upcoming": [s for s in sessions if s.status == TherapyStatus.BOOKED][:UPCOMING_SHOWN],
        "missed": [s for s in sessions if s.status == TherapyStatus.MISSED],
        "unbooked": _dose_without_integration(patient, now),
    }


def _dose_without_integration(patient: Patient, now: dt.datetime) -> DosingSession | None:
    """The latest dose of the last week, if no integration session is booked or held after it."""
    integrated = TherapySession.objects.filter(follows=OuterRef("pk"), status__in=TAKES_TIME)
    latest = (
        DosingSession.objects.filter(patient=patient, dose_started_at__gte=now - DOSED_RECENTLY)
        .annotate(integrated=Exists(integrated))
        .order_by("-dose_started_at")
        .first()
    )
    return latest if latest is not None and not latest.integrated else None


class _Row(Protocol):
    patient_id: uuid.UUID


@register.simple_tag
def care_teams(rows: Sequence[_Row]) -> dict[uuid.UUID, str]:
    """Each shown patient's primaries, as "Prescriber: …, Nurse: …, Therapist: …"."""
    primaries = (
        CareTeamMember.objects.filter(
            patient__public_id__in={row.patient_id for row in rows},
            ended_at__isnull=True,
            is_primary=True,
        )
        .order_by("team_role")
        .values_list("patient__public_id", "team_role", "member__full_name")
    )
    named: dict[uuid.UUID, list[tuple[str, str]]] = {}
    for patient_id, role, name in primaries:
        named.setdefault(patient_id, []).append((role, name))
    order = list(TeamRole.values)
    return {
        patient_id: ", ".join(
            f"{TeamRole(role).label}: {name}"
            for role, name in sorted(roles, key=lambda pair: order.index(pair[0]))
        )
        for patient_id, roles in named.items()
    }


@register.filter
def team_for(teams: dict[uuid.UUID, str], patient_id: uuid.UUID) -> str:
    return teams.get(patient_id, "")
