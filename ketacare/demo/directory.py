"""The demo's public side: both clinics published in the directory, with their team, their
protocols (Northside's own IV version and an IM version, Lakeshore's esketamine), hours and
languages, and their outcomes: turned on 40 days ago, so the 30-day preview is over, and
worked out from the year of finished courses (Northside's few IM courses withheld)."""

import datetime as dt

from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.clinics.actors import SystemActor, staff_actor
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.demo.network import DemoClinic, staff_email
from ketacare.demo.sessions import clock_at
from ketacare.directory.listing import Listing
from ketacare.directory.outcomes import published_outcomes_refresh
from ketacare.directory.profile import profile_of, profile_publish, profile_update
from ketacare.directory.tasks import REFRESH_TASK
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.models import ProtocolVersion

SHOWN = (Role.PRESCRIBER, Role.NURSE, Role.THERAPIST)
PROFILES = {
    "northside": {
        "description": "Northside gives IV ketamine for treatment-resistant depression in "
        "quiet private rooms, with a psychiatrist on site for every infusion and preparation "
        "and integration sessions with our therapist.",
        "protocol_codes": ["iv_ketamine_twice_weekly", "iv_ketamine_thrice_weekly", "im_ketamine"],
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


OUTCOMES_TURNED_ON = dt.timedelta(days=40)


def seed_directory(spec: DemoClinic, clinic: Clinic) -> None:
    admin = staff_actor(User.objects.get(email=staff_email("admin", spec)))
    team = list(Membership.objects.filter(clinic=clinic, role__in=SHOWN))
    if spec.slug == "northside":
        im = ProtocolVersion.objects.get(clinic=clinic, code="im_ketamine", is_builtin=True)
        protocol_version_create(actor=admin, base=im, change_note="Northside's IM schedule")
    with clock_at(timezone.now() - OUTCOMES_TURNED_ON):
        profile_update(actor=admin, clinic=clinic, team=team, publish_outcomes=True,
                       **PROFILES[spec.slug])  # fmt: skip
        profile_publish(actor=admin, clinic=clinic)
    routes = Listing.from_facts(profile_of(clinic).live or {}).routes
    published_outcomes_refresh(actor=SystemActor(REFRESH_TASK, clinic), clinic=clinic,
                               routes=routes)  # fmt: skip
