"""The care team where pages below `therapy` show it (they may not import it).

`{% care_team_card patient %}`: the team and the next therapy sessions on the chart, in two
queries. `{% care_teams rows as teams %}` with `teams|team_for:row.patient_id`: the primary
of each team role for every patient of the chair board, in one query.
"""

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from django import template
from django.utils import timezone

from ketacare.patients.models import Patient
from ketacare.therapy.models import CareTeamMember, TeamRole, TherapySession, TherapyStatus
from ketacare.therapy.queries import current_team

register = template.Library()
UPCOMING_SHOWN = 3


@register.inclusion_tag("therapy/_care_team_card.html")
def care_team_card(patient: Patient) -> dict[str, Any]:
    """For a patient fetched through `patient_for` by the page's view (the read is audited)."""
    upcoming = (
        TherapySession.objects.filter(
            patient=patient, status=TherapyStatus.BOOKED, ends_at__gte=timezone.now()
        )
        .select_related("therapist")
        .order_by("starts_at")[:UPCOMING_SHOWN]
    )
    return {"patient": patient, "team": current_team(patient), "upcoming": list(upcoming)}


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
