"""API authentication: the session (the middleware has resolved its actor) or a bearer token,
whose user's actor is resolved here, once per request. Permissions are declared on each
operation with `clinics.access.requires`."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from ketacare.accounts.services import api_token_authenticate
from ketacare.patients.actors import actor_for


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
            request.actor = actor_for(user)  # type: ignore[attr-defined]
        return user


AUTH = [TokenAuth(), django_auth]
