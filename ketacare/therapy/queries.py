"""Reads of care teams and therapy sessions, through the same access checks as the chart."""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TypeVar

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from ketacare.accounts.models import User
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.patients.models import Patient
from ketacare.therapy.models import (
    CareTeamMember,
    NoteKind,
    TeamRole,
    TherapyNote,
    TherapySession,
)

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
    patients = [place.patient.public_id for place in places]
    patients_listed(actor=actor, clinic=clinic, object_type=CASELOAD_OBJECT, patients=patients)


def patients_listed(
    *,
    actor: Actor,
    clinic: Clinic,
    object_type: str,
    patients: Sequence[uuid.UUID],
    via: str = "web",
) -> None:
    """One read event naming the patients a list showed; showing nobody records nothing."""
    if not patients:
        return
    entry = audit.list_read_entry(object_type, clinic, patients, via=via)
    with transaction.atomic():
        audit.record(entry, actor)


def _readable(reader: User | None) -> Q:
    """The notes `reader` may read: progress notes, and psychotherapy notes of their own."""
    mine = Q(kind=NoteKind.PSYCHOTHERAPY, author=reader) if reader is not None else Q(pk__in=[])
    return Q(kind=NoteKind.PROGRESS) | mine


def sessions_of(patient: Patient, reader: User | None = None) -> QuerySet[TherapySession]:
    """The patient's therapy sessions, latest first, each with the notes `reader` may read
    (`readable_notes`)."""
    notes = TherapyNote.objects.filter(_readable(reader)).order_by("kind")
    return (
        TherapySession.objects.filter(patient=patient)
        .select_related("therapist")
        .prefetch_related("follows", Prefetch("notes", notes, to_attr="readable_notes"))
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


# --- notes ----------------------------------------------------------------------------------


def note_for(actor: Actor, public_id: uuid.UUID, perm: Perm, *, via: str = "web") -> TherapyNote:
    """The note if `actor` may read it: a progress note with `perm` in its clinic, a
    psychotherapy note by its author alone; anyone else gets a 404, recorded as denied."""
    note = (
        TherapyNote.objects.filter(
            public_id=public_id, patient__in=Patient.objects.visible_to(actor)
        )
        .select_related("clinic", "patient", "session__therapist", "author")
        .prefetch_related("addenda__author")
        .first()
    )
    private = note is not None and note.kind == NoteKind.PSYCHOTHERAPY
    if note is None or (private and getattr(actor, "user", None) != note.author):
        raise access_denied(actor=actor, model=TherapyNote, public_id=public_id, via=via)
    actor.demand(perm, note.clinic)
    return note


def notes_of(actor: Actor, patient: Patient) -> list[TherapyNote]:
    """The patient's progress notes and the actor's own psychotherapy notes, latest first."""
    return list(
        TherapyNote.objects.filter(_readable(getattr(actor, "user", None)), patient=patient)
        .select_related("author", "session")
        .prefetch_related("addenda__author")
        .order_by("-created_at")
    )


def note_read(*, actor: Actor, note: TherapyNote, via: str = "web") -> None:
    """Each showing of a note is recorded (HIPAA), a private one too."""
    entry = audit.entry_for(
        AuditAction.READ, note, {"via": via, "kind": note.kind}, clinic=note.clinic,
        patient=note.patient,
    )  # fmt: skip
    with transaction.atomic():
        audit.record(entry, actor)


def notes_read(*, actor: Actor, patient: Patient, notes: Sequence[TherapyNote], via: str) -> None:
    """One read of the patient's notes naming those the list showed (an empty list is a read
    of the record too)."""
    entry = audit.AuditEntry(
        action=AuditAction.READ,
        object_type="therapynote",
        object_id=str(patient.public_id),
        clinic_id=patient.clinic.public_id,
        patient_id=patient.public_id,
        changes={"via": via, "therapy_notes": [str(note.public_id) for note in notes]},
    )
    with transaction.atomic():
        audit.record(entry, actor)
