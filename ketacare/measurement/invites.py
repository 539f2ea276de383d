"""Portal access: staff invite a patient by email; the link (signed, for one use, expiring
after KETACARE_PORTAL_INVITE_HOURS) lets them set a password; staff can take access away.

The link carries a signature over the account's public id and a digest of its password hash,
email and active flag. Every invitation and every revocation gives the account a new unusable
password, so setting the password spends a link, a new invitation voids the earlier ones (one
sent to a mistyped address among them) and revoking voids them all; nothing about a link is
stored, so a copy of the database holds no live invitation.
"""

import hashlib

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from ketacare.accounts.models import User
from ketacare.clinics.actors import Actor, PatientActor
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.email import render_message, send_now
from ketacare.core.jobs import background, enqueue_on_commit
from ketacare.core.models import AuditAction
from ketacare.patients.models import Patient, PatientAccount
from ketacare.patients.services import patient_account_create

SALT = "ketacare.portal-invite"


def _state(user: User) -> str:
    seen = f"{user.password}|{user.email}|{user.is_active}"
    return hashlib.sha256(seen.encode()).hexdigest()[:24]


def invite_token(user: User) -> str:
    return signing.dumps({"u": str(user.public_id), "s": _state(user)}, salt=SALT)


def invited_user(token: str, *, lock: bool = False) -> User | None:
    """The account a still-valid invitation link is for, else None (expired, used, revoked).
    `lock` holds the account's row for the caller's transaction (spending the link)."""
    max_age = settings.KETACARE_PORTAL_INVITE_HOURS * 3600
    try:
        claim = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    user = User.objects.filter(public_id=claim.get("u"), patient_account__isnull=False).first()
    if user is not None and lock:
        user = User.objects.select_for_update().get(pk=user.pk)
    if user is None or not user.is_active or claim.get("s") != _state(user):
        return None
    return user


def portal_invite(*, actor: Actor, patient: Patient, email: str) -> PatientAccount:
    """Open (or re-open) the patient's portal account and email them the link."""
    actor.demand(Perm.PORTAL_MANAGE, patient.clinic)
    with transaction.atomic():
        account = PatientAccount.objects.filter(patient=patient).select_related("user").first()
        if account is None:
            account = patient_account_create(
                actor=actor, patient=patient, email=email, password=None
            )
        elif account.user.is_active and account.user.has_usable_password():
            raise ValidationError(
                "This patient already signs in to the portal; a forgotten password is reset "
                "from the sign-in page."
            )
        else:
            _reopen(account.user, email)
        audit.record(_entry(AuditAction.CREATE, patient, {"invited": account.user.email}), actor)
        enqueue_on_commit(
            portal_invite_email,
            clinic_id=patient.clinic.public_id,
            user=str(account.user.public_id),
        )
    return account


def _reopen(user: User, email: str) -> None:
    email = email.strip()
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": "Another account already uses this email address."})
    # A new unusable password voids every earlier link, wherever it was sent.
    user.email, user.is_active = email, True
    user.set_unusable_password()
    user.full_clean()
    user.save(update_fields=["email", "is_active", "password"])


def portal_access_revoke(*, actor: Actor, patient: Patient) -> None:
    """Take portal access away: the account can no longer sign in and open links stop working."""
    actor.demand(Perm.PORTAL_MANAGE, patient.clinic)
    with transaction.atomic():
        account = PatientAccount.objects.filter(patient=patient).select_related("user").first()
        if account is None or not account.user.is_active:
            raise ValidationError("This patient has no portal access to revoke.")
        # Signed out for good: a later invitation asks for a new password.
        account.user.is_active = False
        account.user.set_unusable_password()
        account.user.save(update_fields=["is_active", "password"])
        audit.record(_entry(AuditAction.UPDATE, patient, {"portal_access": "revoked"}), actor)


@background("Send a portal invitation", attempts=3)
def portal_invite_email(*, clinic: str, user: str) -> None:
    """Built in the job, so the link (a credential until it is used) is never stored."""
    account = User.objects.filter(public_id=user, is_active=True).first()
    if account is None or account.has_usable_password():
        return
    link = settings.SITE_URL + reverse("measurement:welcome", args=[invite_token(account)])
    patient = PatientAccount.objects.select_related("patient__clinic").get(user=account).patient
    context = {
        "name": patient.preferred_name or patient.given_name,
        "link": link,
        "hours": settings.KETACARE_PORTAL_INVITE_HOURS,
    }
    clinic_name = patient.clinic.name
    send_now(
        render_message(
            "measurement/email/invite", to=account.email, clinic_name=clinic_name, context=context
        )
    )


def portal_password_set(*, token: str, password: str) -> PatientActor:
    """The invited patient chooses a password (the staff validators), which spends the link:
    the account is locked and the link checked again, so two sends of it set one password."""
    with transaction.atomic():
        user = invited_user(token, lock=True)
        if user is None:
            raise ValidationError("This link no longer works.")
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        patient = PatientAccount.objects.select_related("patient__clinic").get(user=user).patient
        actor = PatientActor(user, patient.pk, patient.public_id, patient.clinic)
        audit.record(_entry(AuditAction.UPDATE, patient, {"portal_password": "set"}), actor)
    return actor


def _entry(action: AuditAction, patient: Patient, changes: dict[str, str]) -> audit.AuditEntry:
    return audit.AuditEntry(
        action=action,
        object_type="portal_access",
        object_id=str(patient.public_id),
        clinic_id=patient.clinic.public_id,
        patient_id=patient.public_id,
        changes=changes,
    )
