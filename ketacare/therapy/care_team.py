"""A patient's care team: putting a clinician on it, making one the primary of their team
role, and taking one off (the place is ended, never deleted, so the record keeps who treated
the patient when). Each write is audited in its transaction."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Membership
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import require_reason
from ketacare.patients.models import Patient
from ketacare.therapy.models import CareTeamMember, TeamRole

_AUDITED = ("member_id", "team_role", "is_primary", "started_at", "ended_at", "end_reason")


def _entry(action: AuditAction, place: CareTeamMember, changes: dict[str, Any]) -> audit.AuditEntry:
    return audit.entry_for(action, place, changes, clinic=place.clinic, patient=place.patient)


def _save(actor: Actor, place: CareTeamMember, before: dict[str, Any]) -> CareTeamMember:
    place.full_clean()
    place.save()
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    audit.record(
        _entry(action, place, audit.diff(before, audit.field_values(place, _AUDITED))), actor
    )
    return place


def _lock_team(patient: Patient) -> None:
    """The patient's row locked first by every change to their team, so changes queue (no
    two first members both primary, no deadlock between two changes of primary)."""
    Patient.objects.select_for_update().filter(pk=patient.pk).first()


def _current(patient: Patient, team_role: str) -> list[CareTeamMember]:
    return list(
        CareTeamMember.objects.select_for_update()
        .filter(patient=patient, team_role=team_role, ended_at__isnull=True)
        .order_by("started_at", "pk")
    )


def _check_member(patient: Patient, member: User, team_role: str) -> None:
    if team_role not in TeamRole.values:
        raise ValidationError({"team_role": f"Choose one of: {', '.join(TeamRole.values)}."})
    role = TeamRole(team_role).label.lower()
    if (
        not Membership.objects.active()
        .filter(user=member, clinic=patient.clinic, role=team_role)
        .exists()
    ):
        raise ValidationError({"member": f"Choose a {role} who works at this clinic."})


def care_team_add(
    *, actor: Actor, patient: Patient, member: User, team_role: str, primary: bool = False
) -> CareTeamMember:
    """Put `member` on the patient's care team in their clinic role. The first of a role is
    its primary; a new primary takes the place of the one before. A clinician already on the
    team keeps their place (made primary if asked): adding twice changes nothing."""
    actor.demand(Perm.CARE_TEAM_MANAGE, patient.clinic)
    _check_member(patient, member, team_role)
    with transaction.atomic():
        _lock_team(patient)
        current = _current(patient, team_role)
        there = next((place for place in current if place.member_id == member.pk), None)
        if there is not None:
            return care_team_make_primary(actor=actor, place=there) if primary else there
        primary = primary or not current
        if primary:
            _demote(actor, current)
        place = CareTeamMember(
            clinic=patient.clinic,
            patient=patient,
            member=member,
            team_role=team_role,
            is_primary=primary,
            started_at=timezone.now(),
        )
        return _save(actor, place, {})


def _demote(actor: Actor, current: list[CareTeamMember]) -> None:
    for place in current:
        if place.is_primary:
            before = audit.field_values(place, _AUDITED)
            place.is_primary = False
            _save(actor, place, before)


def _locked(place: CareTeamMember) -> CareTeamMember:
    _lock_team(place.patient)
    locked = (
        CareTeamMember.objects.select_for_update()
        .select_related("clinic", "patient", "member")
        .get(pk=place.pk)
    )
    if locked.ended_at is not None:
        raise ValidationError({"member": "This clinician is no longer on the care team."})
    return locked


def care_team_make_primary(*, actor: Actor, place: CareTeamMember) -> CareTeamMember:
    actor.demand(Perm.CARE_TEAM_MANAGE, place.clinic)
    with transaction.atomic():
        locked = _locked(place)
        if locked.is_primary:
            return locked
        _demote(actor, _current(locked.patient, locked.team_role))
        before = audit.field_values(locked, _AUDITED)
        locked.is_primary = True
        return _save(actor, locked, before)


def care_team_end(*, actor: Actor, place: CareTeamMember, reason: str) -> CareTeamMember:
    """Take a clinician off the team, with the reason. When the primary leaves, the longest
    serving of the same role becomes primary, so a role with members always has one."""
    actor.demand(Perm.CARE_TEAM_MANAGE, place.clinic)
    reason = require_reason("reason", reason)
    with transaction.atomic():
        locked = _locked(place)
        before = audit.field_values(locked, _AUDITED)
        was_primary = locked.is_primary
        locked.ended_at, locked.end_reason, locked.is_primary = timezone.now(), reason, False
        _save(actor, locked, before)
        others = _current(locked.patient, locked.team_role)
        if was_primary and others:
            successor = others[0]
            before = audit.field_values(successor, _AUDITED)
            successor.is_primary = True
            _save(actor, successor, before)
        return locked
