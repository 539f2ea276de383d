"""Published profiles for the directory's tests, set up through the services."""

from typing import Any

from conftest import World
from ketacare.clinics.actors import StaffActor
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.clinics.services import clinic_update
from ketacare.directory.models import ClinicProfile
from ketacare.directory.profile import profile_publish, profile_update
from tests.factories import staff

WEEKDAY_HOURS = {str(day): ["08:00", "17:00"] for day in range(5)}


def published(world: World, clinic: Clinic | None = None, **fields: Any) -> ClinicProfile:
    """`clinic` (Harbor by default) published with an IV protocol, as its admin would."""
    clinic = clinic or world.harbor
    admin = world.ada if clinic == world.harbor else staff(clinic, Role.CLINIC_ADMIN)
    if not clinic.city:
        clinic_update(actor=admin, clinic=clinic, city="Denver", state="CO", phone="555-0199")
    draft: dict[str, Any] = {
        "description": "Supervised ketamine treatment for depression.",
        "protocol_codes": ["iv_ketamine_twice_weekly"],
        "hours": WEEKDAY_HOURS,
        "languages": ["en"],
    }
    profile_update(actor=admin, clinic=clinic, **(draft | fields))
    return profile_publish(actor=admin, clinic=clinic)


def membership(actor: StaffActor) -> Membership:
    """The staff member's place in their clinic, as the profile's team lists it."""
    return Membership.objects.get(user=actor.user)
