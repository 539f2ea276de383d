"""Idempotent API writes: a client that retries a write with the same `Idempotency-Key` gets
the first answer again and nothing is written twice; the same key with a different request is
refused (422), as the key no longer says which write was meant."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse

from ketacare.dosing.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200

Outcome = tuple[int, dict[str, Any]]


def fingerprint(request: HttpRequest) -> str:
    """SHA-256 of the method, the path and the body (JSON compared by content, not layout)."""
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True)
    except ValueError:
        body = request.body.decode(errors="replace")
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def idempotent(request: HttpRequest, write: Callable[[], Outcome]) -> JsonResponse:
    """Run `write` once per key: the stored answer is replayed for a repeat."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        status, body = write()
        return JsonResponse(body, status=status)
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: f"At most {MAX_KEY_LENGTH} characters."})
    mark = fingerprint(request)
    try:
        with transaction.atomic():
            stored = _stored(request, key, lock=True)
            if stored is None:
                status, body = write()
                _remember(request, key, mark, status, body)
                return JsonResponse(body, status=status)
    except IntegrityError:
        # A concurrent retry stored the key first; its write stands and this one rolled back.
        stored = _stored(request, key, lock=False)
        if stored is None:
            raise
    return _replay(stored, mark)


def _stored(request: HttpRequest, key: str, *, lock: bool) -> IdempotencyKey | None:
    user: Any = request.user  # an authenticated caller: the API refuses anonymous ones
    rows = IdempotencyKey.objects.filter(user=user, key=key)
    return (rows.select_for_update() if lock else rows).first()


def _remember(request: HttpRequest, key: str, mark: str, status: int, body: Any) -> None:
    user: Any = request.user
    IdempotencyKey.objects.create(user=user, key=key, fingerprint=mark, status=status, body=body)


def _replay(stored: IdempotencyKey, mark: str) -> JsonResponse:
    if stored.fingerprint != mark:
        raise ValidationError(
            {HEADER: "This key was used for a different request; use a new key for a new write."}
        )
    return JsonResponse(stored.body, status=stored.status)
