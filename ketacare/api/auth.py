"""API authentication (session or bearer token) and the permission declaration."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from ketacare.accounts.services import api_token_authenticate
from ketacare.clinics.permissions import Perm, demand
from ketacare.clinics.queries import memberships_of


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), django_auth]
Operation = TypeVar("Operation", bound=Callable[..., Any])


def requires(perm: Perm) -> Callable[[Operation], Operation]:
    """Declare and enforce that the caller holds `perm` in at least one of their clinics.

    Operations on one patient re-check against the role in that patient's clinic.
    """

    def decorate(operation: Operation) -> Operation:
        @wraps(operation)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            roles = [m.role for m in memberships_of(request.user)]
            if not any(_holds(role, perm) for role in roles):
                demand(None, perm)
            return operation(request, *args, **kwargs)

        wrapped.permission_rule = perm  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def _holds(role: str, perm: Perm) -> bool:
    from ketacare.clinics.permissions import role_can

    return role_can(role, perm)
