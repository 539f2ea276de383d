"""Read helpers for clinics and their staff."""

from ketacare.accounts.models import User
from ketacare.clinics.models import Clinic, Membership
from ketacare.clinics.permissions import GRANTS, Perm


def members_with(clinic: Clinic, perm: Perm) -> list[User]:
    """The clinic's active staff whose role there holds `perm` (who a reminder goes to)."""
    roles = [role for role, perms in GRANTS.items() if perm in perms]
    members = Membership.objects.active().filter(clinic=clinic, role__in=roles)
    return [m.user for m in members.select_related("user").order_by("user__email")]
