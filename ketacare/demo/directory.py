"""The demo's public side: both clinics published in the directory, with their team, their
protocols (Northside's own IV version, Lakeshore's esketamine), hours and languages."""

from ketacare.accounts.models import User
from ketacare.clinics.actors import staff_actor
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.demo.network import DemoClinic, staff_email
from ketacare.directory.profile import profile_publish, profile_update

SHOWN = (Role.PRESCRIBER, Role.NURSE, Role.THERAPIST)
PROFILES = {
    "northside": {
        "description": "Northside gives IV ketamine for treatment-resistant depression in "
        "quiet private rooms, with a psychiatrist on site for every infusion and preparation "
        "and integration sessions with our therapist.",
        "protocol_codes": ["iv_ketamine_twice_weekly", "iv_ketamine_thrice_weekly"],
        "languages": ["en", "es"],
        "telehealth": True,
        "hours": {str(day): ["08:00", "18:00"] for day in range(5)},
    },
    "lakeshore": {
        "description": "Lakeshore is a certified SPRAVATO treatment centre: esketamine nasal "
        "spray under the label's two-hour observation, with therapy alongside.",
        "protocol_codes": ["esketamine_trd"],
        "languages": ["en"],
        "rems_certified": True,
        "hours": {str(day): ["07:30", "17:30"] for day in range(6)},
    },
}


def seed_directory(spec: DemoClinic, clinic: Clinic) -> None:
    admin = staff_actor(User.objects.get(email=staff_email("admin", spec)))
    team = list(Membership.objects.filter(clinic=clinic, role__in=SHOWN))
    profile_update(actor=admin, clinic=clinic, team=team, **PROFILES[spec.slug])
    profile_publish(actor=admin, clinic=clinic)
