"""The public facts of a clinic's profile: gathered from the draft and the clinic's records at
publication (`facts_of`, a JSON-able dict kept as `ClinicProfile.live`) and read back as a
`Listing` for the directory and the profile page. Staff and patients never appear here beyond
the team members the clinic chose to show."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ketacare.clinics.models import Clinic
from ketacare.directory.models import WEEKDAYS, ClinicProfile, Language
from ketacare.screening.models import RouteChoices
from ketacare.treatment.models import ProtocolVersion

ROUTE_LABELS: dict[str, str] = dict(RouteChoices)
LANGUAGE_LABELS = dict(Language.choices)
ADDRESS = ("address_line1", "address_line2", "city", "state", "postal_code")


@dataclass(frozen=True)
class TeamMember:
    name: str
    role: str
    credentials: str
    id: str = ""  # the membership's public id: their credential cards are read by it


@dataclass(frozen=True)
class Listing:
    name: str
    slug: str
    description: str
    website: str
    phone: str
    email: str
    address: dict[str, str]
    hours: dict[str, list[str]]
    languages: list[str]
    routes: list[str]
    protocol_codes: list[str]
    accepting_new_patients: bool
    telehealth: bool
    rems_certified: bool
    team: list[TeamMember]
    publish_outcomes: bool = False
    outcomes_public_from: str | None = None  # an ISO date

    @classmethod
    def from_facts(cls, facts: dict[str, Any]) -> "Listing":
        team = [TeamMember(**member) for member in facts["team"]]
        return cls(**{**facts, "team": team})

    @property
    def city(self) -> str:
        return self.address.get("city", "")

    @property
    def state(self) -> str:
        return self.address.get("state", "")

    @property
    def route_labels(self) -> list[str]:
        return [ROUTE_LABELS[route] for route in self.routes]

    @property
    def language_labels(self) -> list[str]:
        return [LANGUAGE_LABELS[code] for code in self.languages]

    @property
    def outcomes_public_date(self) -> dt.date | None:
        start = self.outcomes_public_from
        return dt.date.fromisoformat(start) if start else None

    def outcomes_public_on(self, today: dt.date) -> bool:
        """Whether the public sees the clinic's outcomes on `today` (the preview is over)."""
        start = self.outcomes_public_date
        return self.publish_outcomes and start is not None and start <= today

    @property
    def opening_hours(self) -> list[tuple[str, str]]:
        """(weekday, "08:00 to 17:00" or "Closed"), Monday first."""
        return [
            (name, " to ".join(self.hours[str(day)]) if str(day) in self.hours else "Closed")
            for day, name in enumerate(WEEKDAYS)
        ]


def latest_versions(clinic: Clinic, codes: list[str]) -> list[ProtocolVersion]:
    """The newest version of each of `codes` in the clinic's library, in the order given."""
    newest: dict[str, ProtocolVersion] = {}
    for version in ProtocolVersion.objects.filter(clinic=clinic, code__in=codes).order_by(
        "version"
    ):
        newest[version.code] = version
    return [newest[code] for code in codes if code in newest]


def _team(profile: ClinicProfile) -> list[dict[str, str]]:
    if profile.pk is None:
        return []
    members = profile.team.filter(is_active=True, user__is_active=True).select_related("user")
    return [
        {
            "name": m.user.full_name,
            "role": m.get_role_display(),
            "credentials": m.credentials,
            "id": str(m.public_id),
        }
        for m in members.order_by("role", "user__full_name")
    ]


def facts_of(profile: ClinicProfile) -> dict[str, Any]:
    """What the profile would show if published now (two queries)."""
    clinic = profile.clinic
    versions = latest_versions(clinic, list(profile.protocol_codes))
    return {
        "name": clinic.name,
        "slug": clinic.slug,
        "description": profile.description,
        "website": profile.website,
        "phone": clinic.phone,
        "email": clinic.email,
        "address": {name: getattr(clinic, name) for name in ADDRESS},
        "hours": dict(sorted(profile.hours.items())),
        "languages": [code for code in Language.values if code in profile.languages],
        "routes": sorted({v.route for v in versions}, key=list(ROUTE_LABELS).index),
        "protocol_codes": [v.code for v in versions],
        "accepting_new_patients": profile.accepting_new_patients,
        "telehealth": profile.telehealth,
        "rems_certified": profile.rems_certified,
        "team": _team(profile),
        "publish_outcomes": profile.publish_outcomes,
        "outcomes_public_from": (
            profile.outcomes_public_from.isoformat() if profile.outcomes_public_from else None
        ),
    }
