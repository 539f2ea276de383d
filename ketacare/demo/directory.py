"""The demo's public side: both clinics published in the directory, with their team, their
protocols (Northside's own IV version and an IM version, Lakeshore's esketamine), hours and
languages, and their outcomes: turned on 40 days ago, so the 30-day preview is over, and
worked out from the year of finished courses (Northside's few IM courses withheld)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from ketacare import clinical
from ketacare.accounts.models import User
from ketacare.clinics.actors import StaffActor, SystemActor, staff_actor
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.clinics.services import clinic_update
from ketacare.demo.clock import clock_at
from ketacare.demo.network import DemoClinic, staff_email
from ketacare.directory.credentials import credential_add, credential_verify
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
DAY = dt.timedelta(days=1)


def _credentials(spec: DemoClinic, clinic: Clinic, admin: StaffActor) -> None:
    """The prescriber's licence and DEA registration, the nurse's ACLS, the therapist's KAP
    training expiring in 45 days, the prescriber's BLS expired 20 days ago (the clinic admin
    is reminded of one, the profile shows the other as expired), and at Lakeshore its REMS
    healthcare-setting certification; all but the BLS verified."""
    today = clinic.today()
    person = {role: Membership.objects.get(clinic=clinic, role=role) for role in SHOWN}
    kept: list[tuple[Membership | None, dict[str, Any]]] = [
        (person[Role.PRESCRIBER], {"kind": "licence", "issuer": f"{spec.state} Board of Medicine",
         "state": spec.state, "number": f"MD-{spec.postal_code}", "licence_type": "MD",
         "issued_on": today - 2000 * DAY, "expires_on": today + 500 * DAY}),
        (person[Role.PRESCRIBER], {"kind": "dea_registration", "issuer": "DEA",
         "state": spec.state, "number": "BO1234563", "issued_on": today - 300 * DAY,
         "expires_on": today + 795 * DAY}),
        (person[Role.NURSE], {"kind": "acls", "issuer": "American Heart Association",
         "issued_on": today - 100 * DAY, "expires_on": today + 630 * DAY}),
        (person[Role.THERAPIST], {"kind": "kap_training", "issuer": "KAP training institute",
         "issued_on": today - 320 * DAY, "expires_on": today + 45 * DAY}),
        (person[Role.PRESCRIBER], {"kind": "bls", "issuer": "American Heart Association",
         "issued_on": today - 750 * DAY, "expires_on": today - 20 * DAY}),
    ]  # fmt: skip
    if spec.slug == "lakeshore":
        kept.append((None, {"kind": "rems_setting", "issuer": "SPRAVATO REMS",
                            "number": "HCS-60601", "issued_on": today - 400 * DAY}))  # fmt: skip
    for membership, fields in kept:
        credential = credential_add(actor=admin, clinic=clinic, membership=membership, **fields)
        if fields["kind"] != "bls":
            credential_verify(actor=admin, credential=credential,
                              against=f"{fields['issuer']} online lookup")  # fmt: skip


def seed_directory(spec: DemoClinic, clinic: Clinic) -> None:
    admin = staff_actor(User.objects.get(email=staff_email("admin", spec)))
    team = list(Membership.objects.filter(clinic=clinic, role__in=SHOWN))
    if spec.slug == "northside":
        im = ProtocolVersion.objects.get(clinic=clinic, code="im_ketamine", is_builtin=True)
        protocol_version_create(actor=admin, base=im, change_note="Northside's IM schedule")
    _credentials(spec, clinic, admin)
    if spec.slug == "northside":  # IV sessions need someone with current ACLS (§2.4)
        clinic_update(actor=admin, clinic=clinic, acls_routes=list(clinical.DEFAULT_ACLS_ROUTES))
    with clock_at(timezone.now() - OUTCOMES_TURNED_ON):
        profile_update(actor=admin, clinic=clinic, team=team, publish_outcomes=True,
                       **PROFILES[spec.slug])  # fmt: skip
        profile_publish(actor=admin, clinic=clinic)
    routes = Listing.from_facts(profile_of(clinic).live or {}).routes
    published_outcomes_refresh(actor=SystemActor(REFRESH_TASK, clinic), clinic=clinic,
                               routes=routes)  # fmt: skip
