"""Who is in the demo network: its two clinics, their staff in every role, and which of the
patients are on today's chair board at which stage."""

from dataclasses import dataclass

from ketacare.clinics.models import Role
from ketacare.demo import sessions

DEMO_PASSWORD = "ketacare-demo"


@dataclass(frozen=True)
class DemoClinic:
    slug: str
    name: str
    timezone: str
    city: str
    state: str
    mrn_prefix: str
    address_line1: str
    postal_code: str


CLINICS = (
    DemoClinic(
        "northside",
        "Northside Ketamine Clinic",
        "America/New_York",
        "Boston",
        "MA",
        "NS",
        "120 Harbor Street",
        "02110",
    ),
    DemoClinic(
        "lakeshore",
        "Lakeshore Esketamine Center",
        "America/Chicago",
        "Chicago",
        "IL",
        "LS",
        "455 Lake Shore Drive",
        "60611",
    ),
)
ROUTE_OF_CLINIC = {"northside": "iv", "lakeshore": "esketamine_nasal"}
STAFF = (
    (Role.CLINIC_ADMIN, "admin", ("Dana Whitfield", "Marcus Lee"), ""),
    (Role.PRESCRIBER, "prescriber", ("Dr. Amara Okafor", "Dr. Henrik Solberg"), "MD"),
    (Role.NURSE, "nurse", ("Luis Romero", "Grace Adeyemi"), "RN"),
    (Role.THERAPIST, "therapist", ("Priya Natarajan", "Jonah Feld"), "LCSW"),
    (Role.FRONT_DESK, "frontdesk", ("Sam Keller", "Rita Okoye"), ""),
)


def staff_email(role_key: str, clinic: DemoClinic) -> str:
    return f"{role_key}@{clinic.slug}.demo"


# Patients signed eligible and on the chair today, with how far their session has come.
BOARD: dict[int, sessions.Stage] = {
    3: "discharged",
    5: "ready",
    9: "monitoring",
    11: "dosing",
    15: "blocked",
    17: "checked_in",
    21: "booked",
}


def chair_of(number: int) -> str:
    return f"Chair {list(BOARD).index(number) + 1}"
