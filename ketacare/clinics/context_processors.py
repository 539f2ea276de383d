from typing import Any

from django.http import HttpRequest

from ketacare.clinics.models import Role
from ketacare.clinics.permissions import GRANTS, Perm
from ketacare.clinics.queries import memberships_of


def active_clinic(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    role = getattr(request, "active_role", None)
    grants = GRANTS.get(Role(role), frozenset()) if role else frozenset()
    return {
        "membership": membership,
        "active_clinic": membership.clinic if membership else None,
        "can": {perm.name.lower(): perm in grants for perm in Perm},
        "my_memberships": memberships_of(request.user) if membership else [],
    }
