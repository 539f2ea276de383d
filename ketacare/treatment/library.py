"""Write paths for each clinic's protocol library: the built-in protocols copied from the
clinical core, and a clinic admin's own versions. Each audited in the same transaction."""

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from ketacare import clinical
from ketacare.clinics.actors import Actor, SystemActor, person_of
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction
from ketacare.treatment.definitions import protocol_to_dict
from ketacare.treatment.models import ProtocolVersion
from ketacare.treatment.protocol_settings import customised
from ketacare.treatment.queries import protocol_of

LIBRARY_TASK = "protocol library"


def _entry(
    action: AuditAction, version: ProtocolVersion, changes: dict[str, Any]
) -> audit.AuditEntry:
    changes = {"code": version.code, "version": version.version, **changes}
    return audit.entry_for(action, version, changes, clinic=version.clinic)


def _row(clinic: Clinic, protocol: clinical.Protocol, **fields: Any) -> ProtocolVersion:
    version = ProtocolVersion(
        clinic=clinic,
        code=protocol.code,
        version=protocol.version,
        name=protocol.name,
        route=protocol.route,
        drug=protocol.drug,
        based_on=protocol.based_on or "",
        definition=protocol_to_dict(protocol),
        **fields,
    )
    version.full_clean()
    version.save()
    return version


def _missing_builtins(clinic: Clinic) -> list[clinical.Protocol]:
    present = set(ProtocolVersion.objects.filter(clinic=clinic).values_list("code", "version"))
    return [p for p in clinical.PROTOCOLS.values() if (p.code, p.version) not in present]


def protocol_library_sync(*, actor: Actor, clinic: Clinic) -> int:
    """Copy into the clinic's library every built-in protocol version it lacks; returns how
    many. Idempotent: rows are only ever added, so courses keep pointing at their version."""
    actor.demand(Perm.PROTOCOL_LIBRARY_SYNC, clinic)
    if not _missing_builtins(clinic):
        return 0
    with transaction.atomic():
        # The clinic row lock makes two syncs queue instead of colliding.
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        missing = _missing_builtins(clinic)
        for protocol in missing:
            version = _row(clinic, protocol, is_builtin=True)
            audit.record(_entry(AuditAction.CREATE, version, {"builtin": True}), actor)
        return len(missing)


def protocol_version_create(
    *, actor: Actor, base: ProtocolVersion, change_note: str = "", **changes: Any
) -> ProtocolVersion:
    """A new version of `base`'s protocol in its clinic, with the settings in `changes` (see
    `protocol_settings.setting_names`); unchanged settings keep `base`'s values."""
    actor.demand(Perm.PROTOCOL_MANAGE, base.clinic)
    with transaction.atomic():
        ProtocolVersion.objects.select_for_update().filter(pk=base.pk).first()
        highest = ProtocolVersion.objects.filter(clinic=base.clinic, code=base.code).aggregate(
            highest=Max("version")
        )["highest"]
        protocol = customised(protocol_of(base), changes, version=highest + 1)
        version = _row(
            base.clinic, protocol, created_by=person_of(actor), change_note=change_note.strip()
        )
        recorded = {"based_on": protocol.based_on, "settings": changes, "note": version.change_note}
        audit.record(_entry(AuditAction.CREATE, version, recorded), actor)
        return version


def protocol_version_update(
    *, actor: Actor, version: ProtocolVersion, change_note: str | None = None, **changes: Any
) -> ProtocolVersion:
    """Change a clinic's own version while no course uses it. A built-in version, or one a
    course has used, is never changed: make a new version instead."""
    actor.demand(Perm.PROTOCOL_MANAGE, version.clinic)
    with transaction.atomic():
        locked = ProtocolVersion.objects.select_for_update().get(pk=version.pk)
        _refuse_if_fixed(locked)
        before = protocol_of(locked)
        derived = customised(_base_of(before), changes, version=locked.version)
        protocol = dataclasses.replace(derived, based_on=before.based_on)
        locked.name, locked.definition = protocol.name, protocol_to_dict(protocol)
        if change_note is not None:
            locked.change_note = change_note.strip()
        locked.full_clean()
        locked.save()
        recorded = {"settings": changes, "note": locked.change_note}
        audit.record(_entry(AuditAction.UPDATE, locked, recorded), actor)
        return locked


def _refuse_if_fixed(version: ProtocolVersion) -> None:
    if version.is_builtin:
        raise ValidationError("A built-in protocol is never changed; make a new version of it.")
    if version.locked_at is not None:
        raise ValidationError(
            f"Version {version.version} is in use by a course since "
            f"{version.locked_at:%Y-%m-%d}; it can no longer change. Make a new version."
        )


def _base_of(protocol: clinical.Protocol) -> clinical.Protocol:
    # customise() derives a higher version; an edit re-derives the same version from its own
    # settings (clinic versions are always 2 or more: the built-in is 1).
    return dataclasses.replace(protocol, version=protocol.version - 1 or 1)


def protocol_version_lock(version: ProtocolVersion, when: Any) -> None:
    """Mark `version` used (inside the caller's transaction and audit): it never changes again."""
    if version.locked_at is None:
        ProtocolVersion.objects.filter(pk=version.pk, locked_at__isnull=True).update(locked_at=when)
        version.locked_at = when


def sync_new_clinic(sender: object, *, clinic: Clinic, **kwargs: object) -> None:
    """A new clinic starts with the built-in protocols (`clinics.services.clinic_created`, in
    its creation's transaction); later releases' built-ins arrive by `ketacare syncprotocols`."""
    protocol_library_sync(actor=SystemActor(LIBRARY_TASK, clinic), clinic=clinic)
