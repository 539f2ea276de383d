from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ketacare.clinics.actors import StaffActor
from ketacare.clinics.permissions import GRANTS, Perm

OUTBOX_BACKEND = "ketacare.core.outbox.OutboxBackend"


def active_clinic(request: HttpRequest) -> dict[str, Any]:
    """The active clinic, the staff member's other clinics and `can.<perm>` for navigation,
    from the request's actor: no query of its own."""
    actor = getattr(request, "actor", None)
    membership = actor.active if isinstance(actor, StaffActor) else None
    grants = GRANTS.get(membership.role, frozenset()) if membership else frozenset()
    return {
        "membership": membership,
        "active_clinic": membership.clinic if membership else None,
        "can": {perm.name.lower(): perm in grants for perm in Perm},
        "my_memberships": list(actor.memberships) if membership and actor else [],
        "demo_outbox": bool(membership) and settings.EMAIL_BACKEND == OUTBOX_BACKEND,
    }
