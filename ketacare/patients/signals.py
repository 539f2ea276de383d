"""Sign-in, failed sign-in and sign-out go into the audit trail, with the kind of actor who
signed in (staff or patient): known from here up, where patient accounts are."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ketacare.core import audit
from ketacare.core.actors import ActorKind, Audited, AuditIdentity
from ketacare.core.models import AuditAction, AuditOutcome
from ketacare.patients.actors import actor_for


def _actor(user: Any) -> Audited:
    return actor_for(user) if user is not None else AuditIdentity(ActorKind.PUBLIC)


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record_now(
        audit.AuditEntry(action=AuditAction.LOGIN, object_type="session"), _actor(user)
    )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record_now(
            audit.AuditEntry(action=AuditAction.LOGOUT, object_type="session"), _actor(user)
        )


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # The attempted email is kept (it is what an investigator needs), the password never is.
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:254]
    audit.record_now(
        audit.AuditEntry(
            action=AuditAction.LOGIN_FAILED, object_type="session", outcome=AuditOutcome.FAILURE
        ),
        AuditIdentity(ActorKind.PUBLIC, email=attempted),
    )
