"""Who reaches a clinic's pages and API operations, checked once per request in memory.

`staff_view(Perm.X)` guards a page: the signed-in staff member's role in the active clinic
must hold the permission (else 403). `requires(Perm.X)` guards an API operation: the caller
must hold it in at least one of their clinics; operations on one record check again against
that record's clinic. Anyone who is not staff — a patient at their portal — gets a 404 for a
staff page or operation, recorded as a denied read: it neither exists for them nor goes
unnoticed.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.http.response import HttpResponseBase

from ketacare.clinics.actors import Actor, PatientActor, StaffActor
from ketacare.clinics.http import ActorRequest
from ketacare.clinics.permissions import Perm
from ketacare.core import audit
from ketacare.core.http import ViewFunc, signed_in
from ketacare.core.models import AuditAction, AuditOutcome

Operation = TypeVar("Operation", bound=Callable[..., Any])
ANY_STAFF = "any staff"


def staff_view(perm: Perm) -> Callable[[ViewFunc], ViewFunc]:
    """Login required, and the role in the active clinic must hold `perm`. Views on one
    patient check again against the role in that patient's clinic."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: ActorRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            actor = _staff(request, kwargs, via="web")
            if actor.active is None or not actor.can(perm, actor.active.clinic):
                raise PermissionDenied(f"Your role may not {perm.label}.")
            return view(request, *args, **kwargs)

        guarded = signed_in(wrapped)
        guarded.permission_rule = perm  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def any_staff_view(view: ViewFunc) -> ViewFunc:
    """Login required, and any staff role in the active clinic will do (the demo's outbox)."""

    @wraps(view)
    def wrapped(request: ActorRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        actor = _staff(request, kwargs, via="web")
        if actor.active is None:
            raise PermissionDenied("You are not a member of any clinic.")
        return view(request, *args, **kwargs)

    guarded = signed_in(wrapped)
    guarded.permission_rule = ANY_STAFF  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]


@dataclass(frozen=True)
class PortalRule:
    """The rule of a patient portal page or operation: a signed-in patient holding `perm`."""

    perm: Perm


def portal_view(perm: Perm) -> Callable[[ViewFunc], ViewFunc]:
    """Login required, and the actor must be a patient holding `perm` in their clinic. Staff
    reach no patient page (404, recorded as a denied read), as patients reach no staff page."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: ActorRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            actor = request.actor
            if not isinstance(actor, PatientActor):
                raise not_for_them(actor, request.path, kwargs, via="portal")
            actor.demand(perm, actor.clinic)
            return view(request, *args, **kwargs)

        guarded = signed_in(wrapped)
        guarded.permission_rule = PortalRule(perm)  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def portal_requires(perm: Perm) -> Callable[[Operation], Operation]:
    """Declare and enforce that the API caller is a patient holding `perm` (the portal's API);
    staff get a 404, recorded as a denied read."""

    def decorate(operation: Operation) -> Operation:
        @wraps(operation)
        def wrapped(request: ActorRequest, *args: Any, **kwargs: Any) -> Any:
            actor = request.actor
            if not isinstance(actor, PatientActor):
                raise not_for_them(actor, request.path, kwargs, via="portal_api")
            actor.demand(perm, actor.clinic)
            return operation(request, *args, **kwargs)

        wrapped.permission_rule = PortalRule(perm)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def requires(perm: Perm) -> Callable[[Operation], Operation]:
    """Declare and enforce that the API caller holds `perm` in at least one of their clinics."""

    def decorate(operation: Operation) -> Operation:
        @wraps(operation)
        def wrapped(request: ActorRequest, *args: Any, **kwargs: Any) -> Any:
            actor = _staff(request, kwargs, via="api")
            if not actor.clinics_where(perm):
                raise PermissionDenied(f"Your role may not {perm.label}.")
            return operation(request, *args, **kwargs)

        wrapped.permission_rule = perm  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def _staff(request: ActorRequest, kwargs: dict[str, Any], *, via: str) -> StaffActor:
    actor = request.actor
    if isinstance(actor, StaffActor):
        return actor
    raise not_for_them(actor, request.path, kwargs, via=via)


_DENIED_OBJECT = {"web": "staff_page", "portal": "portal_page", "portal_api": "portal_api"}


def not_for_them(actor: Actor, path: str, kwargs: dict[str, Any], *, via: str) -> Http404:
    """Record that `actor` asked for a staff page or operation, in their own clinic's chain,
    naming the patient it was about when its address names one; the caller raises the 404."""
    target = kwargs.get("patient_id")
    clinic = getattr(actor, "clinic", None)
    audit.record_now(
        audit.AuditEntry(
            action=AuditAction.READ,
            object_type=_DENIED_OBJECT.get(via, "staff_api"),
            object_id=path[:64],
            clinic_id=clinic.public_id if clinic is not None else None,
            patient_id=target if isinstance(target, uuid.UUID) else None,
            changes={"via": via, "path": path},
            outcome=AuditOutcome.DENIED,
        ),
        actor,
    )
    return Http404("Not found.")
