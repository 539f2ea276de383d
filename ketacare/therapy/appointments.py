"""Therapy sessions as appointments: booking one in a patient's course with a therapist of
the clinic, moving it, cancelling it with a reason, and the therapist's record that it was
held or missed. Each write is audited in its transaction."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.models import Membership, Role
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import require_reason
from ketacare.dosing.models import DosingSession
from ketacare.patients.models import Patient
from ketacare.therapy.models import (
    TAKES_TIME,
    TherapyKind,
    TherapyMode,
    TherapySession,
    TherapyStatus,
)
from ketacare.treatment.queries import open_course

# Bounds of an appointment's length, to catch a slip of the keyboard (not a clinical rule).
MIN_MINUTES, MAX_MINUTES = 15, 240
_AUDITED = (
    "therapist_id",
    "kind",
    "mode",
    "starts_at",
    "ends_at",
    "room",
    "status",
    "previous_starts_at",
    "status_reason",
)


def _entry(
    action: AuditAction, session: TherapySession, changes: dict[str, Any]
) -> audit.AuditEntry:
    return audit.entry_for(action, session, changes, clinic=session.clinic, patient=session.patient)


def _choice(field: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise ValidationError({field: f"Choose one of: {', '.join(allowed)}."})


def _ends_at(starts_at: dt.datetime, minutes: int) -> dt.datetime:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValidationError(
            {"duration_minutes": f"Give a length from {MIN_MINUTES} to {MAX_MINUTES} minutes."}
        )
    return starts_at + dt.timedelta(minutes=minutes)


def _ahead(starts_at: dt.datetime) -> None:
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Give the time with its time zone."})
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": "Choose a time from now on."})


def _lock_therapist(patient: Patient, therapist: User) -> None:
    """The patient and the therapist's membership, locked so two bookings of their time
    queue; refused when the therapist is not an active therapist of the patient's clinic."""
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    found = (
        Membership.objects.active()
        .select_for_update()
        .filter(user=therapist, clinic=patient.clinic, role=Role.THERAPIST)
        .first()
    )
    if found is None:
        raise ValidationError({"therapist": "Choose a therapist who works at this clinic."})


def _check_time(session: TherapySession) -> None:
    """Refuse a session on top of the therapist's or the patient's other appointment. Group
    integration sessions of the same therapist at the same hours are one group."""
    taken = TherapySession.objects.filter(
        status__in=TAKES_TIME, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at
    ).exclude(pk=session.pk)
    if taken.filter(patient=session.patient).exists():
        raise ValidationError(
            {"starts_at": "The patient has another therapy session at that time."}
        )
    clashes = taken.filter(therapist=session.therapist)
    if session.kind == TherapyKind.GROUP_INTEGRATION:
        clashes = clashes.exclude(
            kind=TherapyKind.GROUP_INTEGRATION,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        )
    if clashes.exists():
        raise ValidationError({"starts_at": "The therapist has another appointment at that time."})


def _dosing_followed(
    patient: Patient, kind: str, follows: Sequence[DosingSession], starts_at: dt.datetime
) -> list[DosingSession]:
    if kind == TherapyKind.INTEGRATION and not follows:
        raise ValidationError(
            {"follows": "Choose the dosing session(s) this integration session follows."}
        )
    if follows and kind not in (TherapyKind.INTEGRATION, TherapyKind.GROUP_INTEGRATION):
        raise ValidationError({"follows": "Only integration sessions follow dosing sessions."})
    for dosing in follows:
        if dosing.patient_id != patient.pk or dosing.dose_started_at is None:
            raise ValidationError(
                {"follows": "Choose dosing sessions of this patient in which a dose was given."}
            )
        if dosing.dose_started_at >= starts_at:
            raise ValidationError(
                {"starts_at": "An integration session comes after the dose it follows."}
            )
    return list(follows)


def _save(actor: Actor, session: TherapySession, before: dict[str, Any]) -> TherapySession:
    session.full_clean()
    session.save()
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    after = audit.field_values(session, _AUDITED)
    audit.record(_entry(action, session, audit.diff(before, after)), actor)
    return session


def therapy_session_book(
    *,
    actor: Actor,
    patient: Patient,
    therapist: User,
    kind: str,
    mode: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    room: str = "",
    follows: Sequence[DosingSession] = (),
) -> TherapySession:
    """Book a therapy session in the patient's open course."""
    actor.demand(Perm.THERAPY_BOOK, patient.clinic)
    _choice("kind", kind, TherapyKind.values)
    _choice("mode", mode, TherapyMode.values)
    _ahead(starts_at)
    ends_at = _ends_at(starts_at, duration_minutes)
    course = open_course(patient)
    if course is None:
        raise ValidationError(
            {"patient": "The patient has no open treatment course; start one first."}
        )
    followed = _dosing_followed(patient, kind, follows, starts_at)
    with transaction.atomic():
        _lock_therapist(patient, therapist)
        session = TherapySession(
            clinic=patient.clinic,
            patient=patient,
            course=course,
            therapist=therapist,
            kind=kind,
            mode=mode,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room.strip() if mode == TherapyMode.IN_PERSON else "",
        )
        _check_time(session)
        _save(actor, session, {})
        session.follows.set(followed)
        if followed:
            dosing = [str(d.public_id) for d in followed]
            audit.record(_entry(AuditAction.UPDATE, session, {"follows": dosing}), actor)
        return session


def _locked_booked(session: TherapySession, actor: Actor, perm: Perm) -> TherapySession:
    actor.demand(perm, session.clinic)
    locked = (
        TherapySession.objects.select_for_update()
        .select_related("clinic", "patient", "therapist")
        .get(pk=session.pk)
    )
    if locked.status != TherapyStatus.BOOKED:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"This session is {locked.get_status_display().lower()}."]}
        )
    return locked


def therapy_session_move(
    *,
    actor: Actor,
    session: TherapySession,
    starts_at: dt.datetime,
    duration_minutes: int | None = None,
) -> TherapySession:
    """Move the session to another time (the time before is kept), its length unchanged
    unless a new one is given."""
    with transaction.atomic():
        locked = _locked_booked(session, actor, Perm.THERAPY_BOOK)
        minutes = duration_minutes if duration_minutes is not None else locked.duration_minutes
        _ahead(starts_at)
        ends_at = _ends_at(starts_at, minutes)
        for dosing in locked.follows.all():
            _dosing_followed(locked.patient, locked.kind, [dosing], starts_at)
        _lock_therapist(locked.patient, locked.therapist)
        before = audit.field_values(locked, _AUDITED)
        locked.previous_starts_at = locked.starts_at
        locked.starts_at, locked.ends_at = starts_at, ends_at
        _check_time(locked)
        return _save(actor, locked, before)


def therapy_session_cancel(*, actor: Actor, session: TherapySession, reason: str) -> TherapySession:
    reason = require_reason("reason", reason)
    with transaction.atomic():
        locked = _locked_booked(session, actor, Perm.THERAPY_BOOK)
        return _close(actor, locked, TherapyStatus.CANCELLED, reason)


def _close(
    actor: Actor, locked: TherapySession, status: TherapyStatus, reason: str
) -> TherapySession:
    before = audit.field_values(locked, _AUDITED)
    locked.status, locked.status_reason, locked.status_at = status, reason, timezone.now()
    return _save(actor, locked, before)


def _their_own(actor: Actor, session: TherapySession) -> TherapySession:
    """The session, locked, when `actor` is its therapist and it has begun."""
    locked = _locked_booked(session, actor, Perm.THERAPY_RECORD)
    if person_of(actor).pk != locked.therapist_id:
        raise PermissionDenied("Only the session's therapist records whether it was held.")
    if timezone.now() < locked.starts_at:
        raise ValidationError({NON_FIELD_ERRORS: ["The session has not begun yet."]})
    return locked


def therapy_session_held(*, actor: Actor, session: TherapySession) -> TherapySession:
    with transaction.atomic():
        return _close(actor, _their_own(actor, session), TherapyStatus.HELD, "")


def therapy_session_missed(*, actor: Actor, session: TherapySession, reason: str) -> TherapySession:
    """The patient did not come (or did not join the call), with what is known of why."""
    reason = require_reason("reason", reason)
    with transaction.atomic():
        return _close(actor, _their_own(actor, session), TherapyStatus.MISSED, reason)
