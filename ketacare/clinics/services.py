"""Write paths for clinics and memberships; each audited in its own transaction."""

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from ketacare.accounts.models import User
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.clinics.queries import role_in
from ketacare.core import audit
from ketacare.core.models import AuditAction


def actor_of(user: Any, clinic: Clinic | None = None) -> audit.Actor:
    """The audit identity of `user`, with their role in `clinic` when there is one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return audit.ANONYMOUS
    role = role_in(user, clinic) if clinic else ""
    return audit.Actor(id=user.pk, email=user.email, role=role or "")


def clinic_create(
    *,
    actor: User | None,
    name: str,
    timezone: str = "America/New_York",
    slug: str = "",
    **details: str,
) -> Clinic:
    with transaction.atomic():
        clinic = Clinic(name=name, slug=slug or slugify(name)[:60], timezone=timezone, **details)
        clinic.full_clean()
        clinic.save()
        audit.record(
            audit.AuditEntry(
                action=AuditAction.CREATE,
                object_type="clinic",
                object_id=str(clinic.public_id),
                clinic_id=clinic.public_id,
                changes={"name": name, "timezone": timezone},
            ),
            actor_of(actor),
        )
        return clinic


def membership_grant(
    *, actor: User | None, clinic: Clinic, user: User, role: Role, credentials: str = ""
) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.update_or_create(
            user=user,
            clinic=clinic,
            defaults={"role": role, "credentials": credentials, "is_active": True},
        )
        audit.record(
            audit.AuditEntry(
                action=AuditAction.CREATE if created else AuditAction.UPDATE,
                object_type="membership",
                object_id=str(membership.public_id),
                clinic_id=clinic.public_id,
                changes={"user": user.email, "role": role.value},
            ),
            actor_of(actor, clinic),
        )
        return membership
