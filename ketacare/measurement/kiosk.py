"""Kiosk mode: at check-in, a staff member opens a short single-use code; typed on the
clinic's tablet, it shows that patient's due questionnaires only, and locks itself when they
are answered, when the patient finishes, after a few idle minutes or when the code expires.

A code is 8 letters and digits from an alphabet without look-alikes (no 0/O, 1/I/L). Only an
HMAC of it (keyed with the site's secret) is stored; its first three characters find the row,
so a wrong guess counts against that one code, which is void after `WRONG_TRIES_ALLOWED`."""

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ketacare.clinics.actors import PUBLIC, KioskActor, StaffActor
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction, AuditOutcome
from ketacare.measurement.models import (
    AssignmentStatus,
    KioskCode,
    KioskStatus,
    QuestionnaireAssignment,
)
from ketacare.measurement.queries import due_now
from ketacare.patients.models import Patient

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
LOOKUP_LENGTH = 3
WRONG_TRIES_ALLOWED = 5
# A tablet left alone with a patient's questionnaires open locks itself after this long.
IDLE_MINUTES = 10
WRONG_CODE = "That code is not right, or it has expired. Ask the front desk for a new one."


def code_hours() -> int:
    """How long a code waits to be entered (`KETACARE_KIOSK_CODE_HOURS`, default 2)."""
    return int(settings.KETACARE_KIOSK_CODE_HOURS)


def kiosk_code_open(*, actor: StaffActor, patient: Patient) -> tuple[KioskCode, str]:
    """A new code for `patient`'s questionnaires due now, and the code itself, which is shown
    once and never stored. Any code of theirs still waiting is voided."""
    actor.demand(Perm.KIOSK_OPEN, patient.clinic)
    if not due_now(patient.pk):
        raise ValidationError({"kiosk": "Nothing is due: send the patient a questionnaire first."})
    for _attempt in range(5):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        try:
            return _opened(actor, patient, code), code
        except IntegrityError:
            continue  # another waiting code starts the same way: draw again
    raise ValidationError({"kiosk": "No code could be drawn just now. Please try again."})


def _opened(actor: StaffActor, patient: Patient, code: str) -> KioskCode:
    now = timezone.now()
    with transaction.atomic():
        # An expired code is already dead; voiding it only frees its first letters.
        KioskCode.objects.filter(
            lookup=code[:LOOKUP_LENGTH], status=KioskStatus.WAITING, expires_at__lte=now
        ).update(status=KioskStatus.VOID, ended_at=now)
        waiting = KioskCode.objects.filter(patient=patient, status=KioskStatus.WAITING)
        replaced = [str(public_id) for public_id in waiting.values_list("public_id", flat=True)]
        waiting.update(status=KioskStatus.VOID, ended_at=now)
        row = KioskCode.objects.create(
            clinic=patient.clinic,
            patient=patient,
            opened_by=actor.user,
            lookup=code[:LOOKUP_LENGTH],
            digest=_digest(code),
            expires_at=timezone.now() + dt.timedelta(hours=code_hours()),
        )
        changes = {"expires_at": row.expires_at, "replaced": replaced}
        audit.record(_entry(row, AuditAction.CREATE, changes), actor)
    return row


def kiosk_start(code: str) -> KioskActor:
    """The patient of `code`, now in use on the tablet; a wrong, used or expired code is
    refused with the same words, so a guess learns nothing."""
    typed = normalised(code)
    if len(typed) != CODE_LENGTH:
        raise ValidationError({"code": f"Type the {CODE_LENGTH} letters and digits of the code."})
    with transaction.atomic():
        row = (
            KioskCode.objects.select_for_update()
            .select_related("clinic", "patient", "opened_by")
            .filter(lookup=typed[:LOOKUP_LENGTH], status=KioskStatus.WAITING)
            .first()
        )
        if row is None or row.expires_at <= timezone.now():
            raise ValidationError({"code": WRONG_CODE})
        if not hmac.compare_digest(row.digest, _digest(typed)):
            _count_wrong_try(row)
        else:
            return _started(row)
    raise ValidationError({"code": WRONG_CODE})


def _count_wrong_try(row: KioskCode) -> None:
    row.wrong_tries += 1
    if row.wrong_tries >= WRONG_TRIES_ALLOWED:
        row.status, row.ended_at = KioskStatus.VOID, timezone.now()
    row.save(update_fields=["wrong_tries", "status", "ended_at", "updated_at"])
    changes = {"wrong_tries": row.wrong_tries, "status": row.status}
    # Whoever typed it is unknown: the attempt is the public's, in the code's clinic chain.
    audit.record(_entry(row, AuditAction.UPDATE, changes, AuditOutcome.DENIED), PUBLIC)


def _started(row: KioskCode) -> KioskActor:
    row.status, row.started_at = KioskStatus.IN_USE, timezone.now()
    row.save(update_fields=["status", "started_at", "updated_at"])
    actor = actor_of(row)
    audit.record(_entry(row, AuditAction.UPDATE, {"status": row.status}), actor)
    return actor


def kiosk_actor(code_id: str, last_seen: str) -> KioskActor | None:
    """The patient of the tablet's code in use, or None when the kiosk has locked (ended,
    expired, idle too long: then it is ended here)."""
    try:
        public_id = uuid.UUID(code_id)
        seen = dt.datetime.fromisoformat(last_seen)
    except (TypeError, ValueError):
        return None
    row = (
        KioskCode.objects.select_related("clinic", "patient", "opened_by")
        .filter(public_id=public_id, status=KioskStatus.IN_USE)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.expires_at <= now or now - seen > dt.timedelta(minutes=IDLE_MINUTES):
        kiosk_end(actor_of(row), reason="timed out")
        return None
    return actor_of(row)


def kiosk_end(actor: KioskActor, *, reason: str) -> None:
    """Lock the kiosk: the code cannot be used again."""
    with transaction.atomic():
        ended = KioskCode.objects.filter(
            public_id=actor.code_public_id, status=KioskStatus.IN_USE
        ).update(status=KioskStatus.ENDED, ended_at=timezone.now())
        if ended:
            row = KioskCode.objects.select_related("clinic", "patient").get(
                public_id=actor.code_public_id
            )
            changes = {"status": KioskStatus.ENDED, "reason": reason}
            audit.record(_entry(row, AuditAction.UPDATE, changes), actor)


def actor_of(row: KioskCode) -> KioskActor:
    patient, since = row.patient, row.started_at or timezone.now()
    return KioskActor(
        row.opened_by, patient.pk, patient.public_id, row.clinic, row.public_id, since
    )


def kiosk_shows(actor: KioskActor, assignment_id: uuid.UUID) -> bool | None:
    """None when the kiosk may not show this questionnaire (it shows only what is due now, and
    what was answered since the code was entered, so a double tap on "Send" finds its first
    answers); else whether it is already answered."""
    now = timezone.now()
    due = Q(status=AssignmentStatus.OPEN, opens_at__lte=now, expires_at__gt=now)
    answered_here = Q(status=AssignmentStatus.COMPLETED, completed_at__gte=actor.since)
    mine = QuestionnaireAssignment.objects.filter(
        patient_id=actor.patient_id, public_id=assignment_id
    )
    status = mine.filter(due | answered_here).values_list("status", flat=True).first()
    return None if status is None else status == AssignmentStatus.COMPLETED


def normalised(code: str) -> str:
    """What was typed, as the code is written: capitals, no spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -")


def _digest(code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"kiosk:{code}".encode(), hashlib.sha256).hexdigest()


def _entry(
    row: KioskCode,
    action: AuditAction,
    changes: Mapping[str, object],
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
) -> audit.AuditEntry:
    return audit.AuditEntry(
        action=action,
        object_type="kiosk_code",
        object_id=str(row.public_id),
        clinic_id=row.clinic.public_id,
        patient_id=row.patient.public_id,
        changes=changes,
        outcome=outcome,
    )
