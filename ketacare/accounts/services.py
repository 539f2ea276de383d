"""Write paths for user accounts and API tokens."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ketacare.accounts.models import ApiToken, User, hash_token
from ketacare.core import audit
from ketacare.core.actors import ActorKind, Audited, AuditIdentity
from ketacare.core.email import render_message, send_now
from ketacare.core.jobs import background, enqueue_on_commit
from ketacare.core.models import AuditAction


def _record(
    action: AuditAction, object_type: str, object_id: str, changes: dict[str, Any], actor: Audited
) -> None:
    """Audit an account event; accounts belong to no clinic, so it goes on the system chain."""
    entry = audit.AuditEntry(action, object_type, object_id, changes=changes)
    audit.record(entry, actor)


def user_create(
    *,
    actor: Audited,
    email: str,
    full_name: str,
    password: str | None,
    check_password: bool = True,
) -> User:
    """Create a sign-in account. Demo seeding skips the strength check for its known logins."""
    with transaction.atomic():
        user = User(email=User.objects.normalize_email(email).lower(), full_name=full_name)
        if password and check_password:
            validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        _record(AuditAction.CREATE, "user", str(user.public_id), {"email": user.email}, actor)
        return user


def api_token_create(*, actor: Audited, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user` (the one signed in); the raw value is returned once and never
    stored."""
    raw = ApiToken.new_raw_value()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(raw))
        _record(
            AuditAction.CREATE,
            "api_token",
            str(token.public_id),
            {"name": name, "expires_at": token.expires_at},
            actor,
        )
    return token, raw


def api_token_revoke(*, actor: Audited, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _record(AuditAction.UPDATE, "api_token", str(token.public_id), {"revoked": True}, actor)


def api_token_authenticate(raw: str) -> User | None:
    """The user of a live token (not revoked, not expired, its user active), else None."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            token_hash=hash_token(raw),
            revoked_at__isnull=True,
            expires_at__gt=now,
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    # A write per call would serialise a busy client on the token row; minutes are enough.
    touch_after = dt.timedelta(minutes=settings.API_TOKEN_TOUCH_MINUTES)
    if token.last_used_at is None or now - token.last_used_at >= touch_after:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- password reset by email ---------------------------------------------------------------


def password_reset_request(*, actor: Audited, email: str) -> None:
    """Send a reset link to the account using `email`, if there is one. The caller says the
    same either way, so the form tells nobody which addresses have accounts."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    with transaction.atomic():
        _record(
            AuditAction.CREATE,
            "password_reset",
            str(user.public_id) if user else "",
            {"email": email.strip()[:254], "account": bool(user)},
            actor,
        )
        if user is not None:
            enqueue_on_commit(password_reset_email, user=str(user.public_id))


class ResetTokens(PasswordResetTokenGenerator):
    """Django's reset tokens (signed, spent by the new password, expiring after
    PASSWORD_RESET_TIMEOUT) that also stop working while the account is deactivated: a link
    sent before someone left the clinic sets no password on the account they left."""

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


RESET_TOKENS = ResetTokens()


@background("Send a password-reset link", attempts=3)
def password_reset_email(*, clinic: str, user: str) -> None:
    """Built here, in the job, so the link (a credential for an hour) is never stored."""
    account = User.objects.filter(public_id=user, is_active=True).first()
    if account is None:
        return
    token = RESET_TOKENS.make_token(account)
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    link = settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])
    context = {
        "name": account.full_name,
        "link": link,
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    send_now(
        render_message(
            "accounts/email/password_reset",
            to=account.email,
            clinic_name="KetaCare",
            context=context,
        )
    )


def user_password_set(*, user: User, password: str) -> User:
    """The account holder sets a new password through a valid reset link (checked against the
    same validators as at sign-up). Whoever may have had the account is shut out: every other
    signed-in session of theirs ends and their API tokens are revoked."""
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        _record(
            AuditAction.UPDATE,
            "user",
            str(user.public_id),
            {"password": "reset by email link", "api_tokens_revoked": revoked},
            AuditIdentity(ActorKind.PUBLIC, id=user.pk, email=user.email),
        )
    return user
