"""Corrections on the session timeline: a wrong entry is marked entered-in-error with the
reason, never deleted (DESIGN: data rules)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from ketacare.assessments.models import Assessment
from ketacare.assessments.services import assessment_mark_error
from ketacare.clinics.actors import Actor
from ketacare.clinics.permissions import Perm
from ketacare.core.validation import require_reason
from ketacare.dosing.models import (
    Administration,
    DeviceUse,
    DosingSession,
    InfusionPause,
    SessionScore,
)
from ketacare.dosing.services import SessionConflict, locked, refresh_clearance
from ketacare.inventory.services import entry_reverse
from ketacare.patients.models import ChartEntry
from ketacare.patients.services import entry_mark_error


def session_entry_mark_error(
    *, actor: Actor, session: DosingSession, entry: ChartEntry, reason: str
) -> ChartEntry:
    """A wrong entry stays on the timeline, marked entered-in-error with the reason (a score's
    assessment too). Correcting a pre-dose input re-works the clearance."""
    if getattr(entry, "session_id", None) != session.pk:
        raise ValidationError({"entry_id": "This entry is not part of the session."})
    require_reason("reason", reason)
    perm = Perm.SESSION_RECORD if _is_record(entry) else Perm.SESSION_ADMINISTER
    if not actor.can(perm, session.clinic):
        raise PermissionDenied(f"Your role may not {perm.value}.")
    with transaction.atomic():
        row = locked(session, actor, perm)
        if entry.entered_in_error:
            raise SessionConflict("This entry is already marked entered in error.")
        entry_mark_error(actor=actor, entry=entry, reason=reason, perm=perm)
        if isinstance(entry, Administration) and entry.draw is not None:
            # The dose never happened as recorded: its draw (and any waste) goes back on the
            # ledger by reversing entries, so the balance is what is in the safe.
            entry_reverse(actor=actor, entry=entry.draw, reason=reason, perm=perm)
        if isinstance(entry, SessionScore):
            _mark_assessment(actor, entry.assessment, reason)
        refresh_clearance(row, actor)
        return entry


def _is_record(entry: Model) -> bool:
    return not isinstance(entry, Administration | DeviceUse | InfusionPause)


def _mark_assessment(actor: Actor, assessment: Assessment, reason: str) -> None:
    if not assessment.entered_in_error:
        assessment_mark_error(actor=actor, assessment=assessment, reason=reason)
