"""Write paths for user accounts and API tokens."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from ketacare.accounts.models import ApiToken, User, hash_token
from ketacare.core import audit
from ketacare.core.models import AuditAction


def _actor(user: User | None) -> audit.Actor:
    return audit.Actor(id=user.pk, email=user.email) if user else audit.ANONYMOUS


def user_create(
    *,
    actor: User | None,
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
        audit.record(
            audit.AuditEntry(
                action=AuditAction.CREATE,
                object_type="user",
                object_id=str(user.public_id),
                changes={"email": user.email},
            ),
            _actor(actor),
        )
        return user


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `actor`; the raw value is returned once and never stored."""
    raw = ApiToken.new_raw_value()
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name, token_hash=hash_token(raw))
        audit.record(
            audit.AuditEntry(
                action=AuditAction.CREATE,
                object_type="api_token",
                object_id=str(token.public_id),
                changes={"name": name, "expires_at": token.expires_at},
            ),
            _actor(actor),
        )
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            audit.AuditEntry(
                action=AuditAction.UPDATE,
                object_type="api_token",
                object_id=str(token.public_id),
                changes={"revoked": True},
            ),
            _actor(actor),
        )


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
