"""Therapy notes: a structured draft by the session's therapist, signed and then locked;
later changes are addenda, never edits; a wrong note is marked entered in error, never
deleted. A progress note is read by the clinicians who treat the patient; a psychotherapy
note by its author alone (HIPAA keeps the two apart). Signing a risk check that records
suicidal thoughts raises the same suicide-risk alert as a positive PHQ-9 item 9
(`clinical.reported_thoughts_level`, REFERENCE §6)."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ketacare import clinical
from ketacare.assessments.alerts import alert_for_report
from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.core.validation import require_reason
from ketacare.therapy.models import (
    NoteAddendum,
    NoteKind,
    RiskCheck,
    TherapyKind,
    TherapyNote,
    TherapySession,
    TherapyStatus,
)

NOTE_REPORT = "therapy_note"
# The structured parts of a note, as the draft form and the API edit them.
NOTE_FIELDS = (
    "goals",
    "themes",
    "coping_skills",
    "share_with_patient",
    "risk_check",
    "risk_note",
    "plan",
)
_AUDITED = (*NOTE_FIELDS, "signed_at", "entered_in_error", "error_reason")
# The risk check belongs to the record the care team reads (HIPAA's psychotherapy notes leave
# out what treatment needs to know), so only a progress note has one.
RISK_PARTS = ("risk_check", "risk_note")


class NoteLocked(ValidationError):
    """A signed note does not change; the API answers 409."""


@dataclass(frozen=True)
class NoteTemplate:
    """What a note of one kind of session asks for: a prompt per part (not clinical rules)."""

    goals: str
    themes: str
    coping_skills: str
    plan: str


TEMPLATES: dict[str, NoteTemplate] = {
    TherapyKind.PREPARATION: NoteTemplate(
        goals="What the patient hopes for from treatment; intentions for the first dose.",
        themes="Expectations, fears and questions about the dosing session; consent understood.",
        coping_skills="Grounding and breathing practised; what to bring; support at home.",
        plan="Readiness for the first dose; further preparation needed.",
    ),
    TherapyKind.INTEGRATION: NoteTemplate(
        goals="What the patient wants to take from the dosing session.",
        themes="The experience in the patient's words; insights, images, emotions, body.",
        coping_skills="Practices to carry insights into daily life; homework until next time.",
        plan="Next integration or therapy session; anything for the prescriber.",
    ),
    TherapyKind.THERAPY: NoteTemplate(
        goals="Treatment goals addressed today.",
        themes="Main themes of the session.",
        coping_skills="Skills practised and homework agreed.",
        plan="Plan until the next session.",
    ),
    TherapyKind.GROUP_INTEGRATION: NoteTemplate(
        goals="The patient's aims for the group.",
        themes="What the patient shared and took from others (no other member named).",
        coping_skills="Practices and homework.",
        plan="Next group or individual session.",
    ),
}


def _entry(action: AuditAction, note: TherapyNote, changes: dict[str, Any]) -> audit.AuditEntry:
    """The audit entry of a note's write: which parts changed, never what they say (the
    audit report is read by people who may not read the note)."""
    return audit.entry_for(
        action, note, {"kind": note.kind, **changes}, clinic=note.clinic, patient=note.patient
    )


def _parts_changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changed = sorted(name for name in after if before.get(name) != after[name])
    return {"changed": changed} if changed else {}


def _choice(kind: str) -> None:
    if kind not in NoteKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(NoteKind.values)}."})


def note_start(*, actor: Actor, session: TherapySession, kind: str) -> TherapyNote:
    """The session therapist's draft note of `kind`, begun if there is none yet."""
    actor.demand(Perm.THERAPY_NOTE_WRITE, session.clinic)
    _choice(kind)
    author = person_of(actor)
    if author.pk != session.therapist_id:
        raise PermissionDenied("A session's notes are written by its therapist.")
    with transaction.atomic():
        # The session locked, so a double submit finds the first draft rather than racing it.
        locked = TherapySession.objects.select_for_update().get(pk=session.pk)
        if locked.status == TherapyStatus.CANCELLED:
            raise ValidationError({"session": "This session was cancelled; it has no notes."})
        found = TherapyNote.objects.filter(
            session=session, author=author, kind=kind, entered_in_error=False
        ).first()
        if found is not None:
            return found
        note = TherapyNote(
            clinic=session.clinic, patient=session.patient, session=session, author=author,
            kind=kind,
        )  # fmt: skip
        note.full_clean()
        note.save()
        audit.record(_entry(AuditAction.CREATE, note, {"session": str(session.public_id)}), actor)
        return note


def _authors(actor: Actor, note: TherapyNote, perm: Perm = Perm.THERAPY_NOTE_WRITE) -> TherapyNote:
    """The note, locked, when `actor` wrote it."""
    actor.demand(perm, note.clinic)
    locked = (
        TherapyNote.objects.select_for_update()
        .select_related("clinic", "patient", "session")
        .get(pk=note.pk)
    )
    if person_of(actor).pk != locked.author_id:
        raise PermissionDenied("Only the note's author may change or sign it.")
    if locked.entered_in_error:
        raise NoteLocked("This note was marked entered in error.")
    return locked


def note_save(*, actor: Actor, note: TherapyNote, **parts: Any) -> TherapyNote:
    """Change the draft's parts; a signed note refuses (`NoteLocked`): add an addendum."""
    unknown = set(parts) - set(NOTE_FIELDS)
    if unknown:
        raise ValidationError({name: "This is not a part of a note." for name in sorted(unknown)})
    with transaction.atomic():
        locked = _authors(actor, note)
        if locked.is_signed:
            raise NoteLocked("This note is signed and locked; add an addendum instead.")
        if locked.kind == NoteKind.PSYCHOTHERAPY:
            _no_risk_check(parts)
        before = audit.field_values(locked, _AUDITED)
        changes = audit.assign_and_diff(locked, _AUDITED, parts)
        locked.save()
        if changes:
            after = audit.field_values(locked, _AUDITED)
            audit.record(_entry(AuditAction.UPDATE, locked, _parts_changed(before, after)), actor)
        return locked


def _no_risk_check(parts: dict[str, Any]) -> None:
    for name in RISK_PARTS:
        if parts.get(name):
            raise ValidationError(
                {name: "A psychotherapy note has no risk check; record it in the progress note."}
            )


def note_sign(*, actor: Actor, note: TherapyNote) -> TherapyNote:
    """Sign and lock the note. A risk check that records suicidal thoughts raises the
    suicide-risk alert in the same transaction."""
    with transaction.atomic():
        locked = _authors(actor, note)
        if locked.is_signed:
            raise NoteLocked("This note is already signed.")
        if locked.session.status == TherapyStatus.CANCELLED:
            raise ValidationError({"session": "This session was cancelled; it has no notes."})
        if locked.kind == NoteKind.PROGRESS and not locked.risk_check:
            raise ValidationError({"risk_check": "Record the risk check before signing."})
        locked.signed_at = timezone.now()
        locked.save()
        audit.record(_entry(AuditAction.UPDATE, locked, {"signed_at": locked.signed_at}), actor)
        level = clinical.reported_thoughts_level(locked.risk_check or "none")
        if level is not None:
            alert_for_report(
                actor=actor,
                patient=locked.patient,
                level=level,
                reported_in=NOTE_REPORT,
                reported_id=locked.public_id,
                reported_as=RiskCheck(locked.risk_check).label,
            )
        return locked


def note_addendum_add(*, actor: Actor, note: TherapyNote, text: str) -> NoteAddendum:
    """Add to a signed note (a draft is simply edited)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the addendum."})
    with transaction.atomic():
        locked = _authors(actor, note)
        if not locked.is_signed:
            raise ValidationError({"text": "The note is not signed yet; change the draft."})
        addendum = NoteAddendum(note=locked, author=person_of(actor), text=text)
        addendum.full_clean()
        addendum.save()
        audit.record(
            _entry(AuditAction.UPDATE, locked, {"addendum": str(addendum.public_id)}), actor
        )
        return addendum


def note_mark_error(*, actor: Actor, note: TherapyNote, reason: str) -> TherapyNote:
    """A wrong note (the wrong patient, the wrong session) is struck out, never deleted."""
    reason = require_reason("reason", reason)
    with transaction.atomic():
        locked = _authors(actor, note)
        locked.entered_in_error, locked.error_reason = True, reason
        locked.save()
        audit.record(_entry(AuditAction.CORRECT, locked, {"changed": ["entered_in_error"]}), actor)
        return locked
