"""Write paths for clinics and memberships; each audited in its own transaction."""

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.dispatch import Signal
from django.http import Http404
from django.utils.text import slugify

from ketacare.accounts.models import User
from ketacare.clinics.actors import Actor
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.models import AuditAction, AuditOutcome

# Sent inside `clinic_create`'s transaction with `clinic` and `actor`: apps above this one set
# a new clinic up (treatment copies the built-in protocol library into it).
clinic_created = Signal()


def _patient_key(model: type[Model]) -> str | None:
    if model._meta.model_name == "patient":
        return "public_id"
    has_patient = any(field.name == "patient" for field in model._meta.fields)
    return "patient__public_id" if has_patient else None


def access_denied(
    *, actor: Actor, model: type[Model], public_id: uuid.UUID, via: str = "web"
) -> Http404:
    """Record a request for a row the actor may not see, in the chain of the clinic that owns it
    (so that clinic's audit report shows the attempt); the caller answers with the 404."""
    patient_key = _patient_key(model)
    keys = ["clinic__public_id", *([patient_key] if patient_key else [])]
    owner = model._default_manager.filter(public_id=public_id).values(*keys).first() or {}
    audit.record_now(
        audit.AuditEntry(
            action=AuditAction.READ,
            object_type=model._meta.model_name or "",
            object_id=str(public_id),
            clinic_id=owner.get("clinic__public_id"),
            patient_id=owner.get(patient_key) if patient_key else None,
            changes={"via": via},
            outcome=AuditOutcome.DENIED,
        ),
        actor,
    )
    return Http404("Not found.")


def clinic_create(
    *,
    actor: Actor,
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
            actor,
        )
        clinic_created.send(sender=Clinic, clinic=clinic, actor=actor)
        return clinic


# What a clinic admin may change; the time zone and MRN prefix stay as created, since every
# stored time and record number was read against them.
CLINIC_DETAILS = (
    "name",
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
)
# How the clinic looks after its patients between sessions: the crisis line they are shown,
# when an unacknowledged suicide-risk alert escalates, and when questionnaire reminders go.
CLINIC_CARE_SETTINGS = (
    "crisis_line",
    "alert_escalation_minutes",
    "reminder_points",
    "reminder_max",
    "quiet_from",
    "quiet_until",
    "acls_routes",
    "ledger_required",
)


def clinic_update(*, actor: Actor, clinic: Clinic, **details: object) -> Clinic:
    """Change the clinic's name, contact and address (the REMS form takes its setting and
    contact from here) or its care settings. Old and new values are audited."""
    actor.demand(Perm.CLINIC_EDIT, clinic)
    editable = (*CLINIC_DETAILS, *CLINIC_CARE_SETTINGS)
    unknown = set(details) - set(editable)
    if unknown:
        raise ValidationError({name: "Not a clinic detail." for name in sorted(unknown)})
    with transaction.atomic():
        row = Clinic.objects.select_for_update().get(pk=clinic.pk)
        changes = audit.assign_and_diff(row, editable, details)
        row.save()
        if changes:
            entry = audit.entry_for(AuditAction.UPDATE, row, changes, clinic=row)
            audit.record(entry, actor)
        return row


def membership_grant(
    *, actor: Actor, clinic: Clinic, user: User, role: Role, credentials: str = ""
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
            actor,
        )
        return membership
