"""Read helpers for clinics and memberships."""

from typing import Any

from ketacare.clinics.models import Clinic, Membership


def memberships_of(user: Any) -> list[Membership]:
    return list(Membership.objects.active().filter(user=user).select_related("clinic"))


def active_membership(user: Any, clinic_public_id: str | None) -> Membership | None:
    memberships = Membership.objects.active().filter(user=user).select_related("clinic")
    if clinic_public_id:
        chosen = memberships.filter(clinic__public_id=clinic_public_id).first()
        if chosen:
            return chosen
    return memberships.order_by("clinic__name").first()


def role_in(user: Any, clinic: Clinic) -> str | None:
    membership = Membership.objects.active().filter(user=user, clinic=clinic).first()
    return membership.role if membership else None
