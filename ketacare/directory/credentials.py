"""Write paths and reads of the credentials a clinic keeps of its staff and of itself: each
recorded with its dates and the document on file, verified by a named person against a named
source, retired (never deleted) when no longer held. Audited in the same transaction; the
audit keeps which credential changed, never the document."""

import datetime as dt
import uuid
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ketacare.clinics.actors import Actor, person_of
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import Perm
from ketacare.clinics.services import access_denied
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.directory.models import CredentialKind, StaffCredential

DOCUMENT_TYPES = {"application/pdf", "image/png", "image/jpeg"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def _record(action: AuditAction, credential: StaffCredential, changes: dict[str, Any],
            actor: Actor) -> None:  # fmt: skip
    entry = audit.entry_for(action, credential, changes, clinic=credential.clinic)
    audit.record(entry, actor)


def _check_document(document: UploadedFile[Any] | None) -> None:
    if document is None:
        return
    if document.content_type not in DOCUMENT_TYPES:
        raise ValidationError({"document": "Attach a PDF, PNG or JPEG file."})
    if (document.size or 0) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"document": "Attach a file of at most 10 MB."})


def credential_add(
    *,
    actor: Actor,
    clinic: Clinic,
    membership: Membership | None,
    document: UploadedFile[Any] | None = None,
    **fields: Any,
) -> StaffCredential:
    """Record a credential of `membership` (None: of the clinic itself)."""
    actor.demand(Perm.CREDENTIALS_MANAGE, clinic)
    if membership is not None and membership.clinic_id != clinic.pk:
        raise ValidationError({"holder": "Choose someone who works at this clinic."})
    if (fields.get("kind") == CredentialKind.REMS_SETTING) != (membership is None):
        raise ValidationError({"holder": "The REMS healthcare-setting certification is the "
                               "clinic's own; every other credential is a person's."})  # fmt: skip
    _check_document(document)
    with transaction.atomic():
        credential = StaffCredential(clinic=clinic, membership=membership,
                                     recorded_by=person_of(actor), **fields)  # fmt: skip
        if document is not None:
            credential.document = document
        credential.full_clean()
        credential.save()
        changes = {"kind": credential.kind, "holder": str(membership.public_id) if membership
                   else "clinic", "expires_on": str(credential.expires_on or "")}  # fmt: skip
        _record(AuditAction.CREATE, credential, changes, actor)
        return credential


def credential_verify(
    *, actor: Actor, credential: StaffCredential, against: str
) -> StaffCredential:
    """Record that the actor checked the credential, now, against `against` (a state board
    lookup, the issuer's register)."""
    actor.demand(Perm.CREDENTIALS_MANAGE, credential.clinic)
    if not against.strip():
        raise ValidationError({"against": "Name the source it was checked against."})
    with transaction.atomic():
        row = StaffCredential.objects.select_for_update().get(pk=credential.pk)
        if row.retired_at is not None:
            raise ValidationError({"against": "A retired credential is not verified again."})
        row.verified_by, row.verified_at = person_of(actor), timezone.now()
        row.verified_against = against.strip()
        row.full_clean()
        row.save()
        _record(AuditAction.UPDATE, row, {"verified_against": row.verified_against}, actor)
        return row


def credential_retire(*, actor: Actor, credential: StaffCredential, reason: str) -> StaffCredential:
    actor.demand(Perm.CREDENTIALS_MANAGE, credential.clinic)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the credential is no longer held."})
    with transaction.atomic():
        row = StaffCredential.objects.select_for_update().get(pk=credential.pk)
        if row.retired_at is not None:
            raise ValidationError({"reason": "The credential is already retired."})
        row.retired_at, row.retire_reason = timezone.now(), reason.strip()
        row.save(update_fields=["retired_at", "retire_reason", "updated_at"])
        _record(AuditAction.UPDATE, row, {"retired": row.retire_reason}, actor)
        return row


def credentials_of(clinic: Clinic) -> list[StaffCredential]:
    """Every credential the clinic keeps, its own first, then by person and kind."""
    rows = StaffCredential.objects.filter(clinic=clinic).select_related(
        "membership__user", "verified_by"
    )
    return sorted(rows, key=lambda c: (c.membership is not None, _holder(c), c.kind))


def _holder(credential: StaffCredential) -> str:
    return credential.membership.user.full_name if credential.membership else ""


def credential_for(actor: Actor, public_id: uuid.UUID) -> StaffCredential:
    """A credential of a clinic where the actor keeps credentials; else the 404 of a row that
    is not theirs."""
    found = (
        StaffCredential.objects.filter(public_id=public_id, clinic_id__in=actor.clinic_ids)
        .select_related("clinic")
        .first()
    )
    if found is None or not actor.can(Perm.CREDENTIALS_MANAGE, found.clinic):
        raise access_denied(actor=actor, model=StaffCredential, public_id=public_id)
    return found


def public_credentials(
    clinic: Clinic, members: list[str]
) -> tuple[dict[str, list[StaffCredential]], list[StaffCredential]]:
    """The credentials shown on the profile (one query): of each team member by membership
    id, and the clinic's own; retired ones left out, expired ones kept (shown as expired)."""
    rows = StaffCredential.objects.filter(clinic=clinic, retired_at__isnull=True).filter(
        Q(membership__isnull=True)
        | Q(membership__public_id__in=members, membership__is_active=True)
    )
    by_member: dict[str, list[StaffCredential]] = defaultdict(list)
    own = []
    for row in rows.select_related("membership", "verified_by").order_by("kind", "issued_on"):
        if row.membership is None:
            own.append(row)
        else:
            by_member[str(row.membership.public_id)].append(row)
    return dict(by_member), own


def anyone_holds_current(users: list[int], clinic: Clinic, kind: CredentialKind,
                         day: dt.date) -> bool:  # fmt: skip
    """Whether any of `users` holds an unexpired, unretired `kind` at `clinic` on `day`."""
    # Verified and held by someone still working there: an unchecked entry is not enough.
    held = StaffCredential.objects.filter(
        clinic=clinic, kind=kind, membership__user_id__in=users, membership__is_active=True,
        retired_at__isnull=True, verified_at__isnull=False,
    )  # fmt: skip
    return held.filter(expires_on__gte=day).exists() or held.filter(expires_on=None).exists()


def credentials_reminded(
    *, actor: Actor, due: list[tuple[StaffCredential, int]], today: dt.date
) -> None:
    """Mark each credential's reminder step (60 or 30 days) as sent today; one audit event
    names them."""
    with transaction.atomic():
        for credential, step in due:
            setattr(credential, f"reminded_{step}_on", today)
            credential.save(update_fields=[f"reminded_{step}_on", "updated_at"])
        clinic = due[0][0].clinic
        entry = audit.AuditEntry(
            action=AuditAction.UPDATE, object_type="credential_reminder",
            object_id=str(clinic.public_id), clinic_id=clinic.public_id,
            changes={"reminded": {str(c.public_id): step for c, step in due}},
        )  # fmt: skip
        audit.record(entry, actor)
