"""Reads of care teams and therapy sessions, through the same access checks as the chart."""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TypeVar

from django.db import transaction
from django.db.models import QuerySet

from ketacare.accounts.models import User
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.core import audit
from ketacare.patients.models import Patient
from ketacare.therapy.models import CareTeamMember, TeamRole, TherapySession

Row = TypeVar("Row", CareTeamMember, TherapySession)
CASELOAD_OBJECT = "caseload"


def current_team(patient: Patient) -> list[CareTeamMember]:
    return list(
        CareTeamMember.objects.filter(patient=patient, ended_at__isnull=True)
        .select_related("member")
        .order_by("team_role", "-is_primary", "started_at")
    )


def past_team(patient: Patient) -> list[CareTeamMember]:
    return list(
        CareTeamMember.objects.filter(patient=patient, ended_at__isnull=False)
        .select_related("member")
        .order_by("-ended_at")
    )


def candidates(clinic: Clinic) -> dict[str, list[Membership]]:
    """The clinic's active prescribers, nurses and therapists, by team role."""
    found = (
        Membership.objects.active()
        .filter(clinic=clinic, role__in=TeamRole.values)
        .select_related("user")
        .order_by("user__full_name")
    )
    by_role: dict[str, list[Membership]] = {role: [] for role in TeamRole.values}
    for membership in found:
        by_role[membership.role].append(membership)
    return by_role


def clinician_of(clinic: Clinic, public_id: uuid.UUID | None) -> User | None:
    """The user of an active membership of the clinic, by the membership's or user's id."""
    if public_id is None:
        return None
    return User.objects.filter(
        memberships__in=Membership.objects.active().filter(clinic=clinic),
        public_id=public_id,
    ).first()


def _row_for(actor: Actor, model: type[Row], public_id: uuid.UUID, perm: Perm, via: str) -> Row:
    row = (
        model._default_manager.filter(
            public_id=public_id, patient__in=Patient.objects.visible_to(actor)
        )
        .select_related("clinic", "patient")
        .first()
    )
    if row is None:
        raise access_denied(actor=actor, model=model, public_id=public_id, via=via)
    actor.demand(perm, row.clinic)
    return row


def place_for(
    actor: Actor, public_id: uuid.UUID, perm: Perm, *, via: str = "web"
) -> CareTeamMember:
    return _row_for(actor, CareTeamMember, public_id, perm, via)


def therapy_session_for(
    actor: Actor, public_id: uuid.UUID, perm: Perm, *, via: str = "web"
) -> TherapySession:
    return _row_for(actor, TherapySession, public_id, perm, via)


def caseload(member: User, clinic: Clinic) -> list[CareTeamMember]:
    """The clinician's own patients in the clinic: their current places on care teams."""
    return list(
        CareTeamMember.objects.filter(member=member, clinic=clinic, ended_at__isnull=True)
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name")
    )


def caseload_read(
    *, actor: Actor, clinic: Clinic, places: Sequence[CareTeamMember], via: str = "web"
) -> None:
    """One read event naming every patient the caseload showed; an empty one records nothing."""
    actor.demand(Perm.CARE_TEAM_VIEW, clinic)
    if not places:
        return
    patients = [place.patient.public_id for place in places]
    entry = audit.list_read_entry(CASELOAD_OBJECT, clinic, patients, via=via)
    with transaction.atomic():
        audit.record(entry, actor)


def sessions_of(patient: Patient) -> QuerySet[TherapySession]:
    return (
        TherapySession.objects.filter(patient=patient)
        .select_related("therapist")
        .prefetch_related("follows")
        .order_by("-starts_at")
    )


def therapist_sessions(
    therapist: User, clinic: Clinic, start: dt.datetime, end: dt.datetime
) -> list[TherapySession]:
    return list(
        TherapySession.objects.filter(
            therapist=therapist, clinic=clinic, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("patient")
        .order_by("starts_at")
    )
