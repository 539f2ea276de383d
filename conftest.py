"""Shared test fixtures: two clinics and a named persona for every role.

Harbor clinic (ours): ada (clinic admin), pia (prescriber), nina (nurse), theo (therapist),
fran (front desk). Summit clinic (theirs): sol (nurse). Paula is a patient with a portal login.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from ketacare.accounts.models import User
from ketacare.clinics.models import Clinic, Role
from ketacare.patients.models import Patient
from ketacare.patients.services import patient_account_create
from tests.factories import PASSWORD, ClinicFactory, PatientFactory, staff


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; tests that are not about hashing need not pay for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


GUARD_SQL = {
    "sqlite": (
        [
            "DROP TRIGGER IF EXISTS core_auditevent_no_update",
            "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
        ],
        [
            "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON "
            "core_auditevent BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
            "CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON "
            "core_auditevent BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
        ],
    ),
    "postgresql": (
        ["ALTER TABLE core_auditevent DISABLE TRIGGER USER"],
        ["ALTER TABLE core_auditevent ENABLE TRIGGER USER"],
    ),
}


def _run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.fixture
def audit_guards_lifted_for_flush(transactional_db: None) -> Iterator[None]:
    """Transactional tests end with a flush, which the append-only triggers refuse.

    The guards are put back before the test and lifted only for the flush after it.
    """
    lift, restore = GUARD_SQL[connection.vendor]
    _run_sql(restore)
    yield
    _run_sql(lift)


@dataclass
class World:
    harbor: Clinic
    summit: Clinic
    ada: User
    pia: User
    nina: User
    theo: User
    fran: User
    sol: User
    paula_user: User
    patient: Patient
    their_patient: Patient

    def by_role(self) -> dict[str, User]:
        return {
            Role.CLINIC_ADMIN: self.ada,
            Role.PRESCRIBER: self.pia,
            Role.NURSE: self.nina,
            Role.THERAPIST: self.theo,
            Role.FRONT_DESK: self.fran,
        }


@pytest.fixture
def world(db: None) -> World:
    harbor = ClinicFactory.create(
        name="Harbor Clinic",
        slug="harbor",
        phone="555-0142",
        email="care@harbor.test",
        address_line1="1 Harbor Way",
        city="Boston",
        state="MA",
        postal_code="02110",
    )
    summit = ClinicFactory.create(name="Summit Clinic", slug="summit", timezone="America/Denver")
    nina = staff(harbor, Role.NURSE, email="nina@harbor.test", full_name="Nina Nurse")
    sol = staff(summit, Role.NURSE, email="sol@summit.test", full_name="Sol Nurse")
    patient = PatientFactory.create(
        clinic=harbor, actor=nina, given_name="Paula", family_name="Rivera"
    )
    their_patient = PatientFactory.create(
        clinic=summit, actor=sol, given_name="Quinn", family_name="Moreau"
    )
    paula_user = patient_account_create(
        actor=nina, patient=patient, email="paula@example.test", password=PASSWORD
    ).user
    return World(
        harbor=harbor,
        summit=summit,
        ada=staff(harbor, Role.CLINIC_ADMIN, email="ada@harbor.test", full_name="Ada Admin"),
        pia=staff(harbor, Role.PRESCRIBER, email="pia@harbor.test", full_name="Pia Prescriber"),
        nina=nina,
        theo=staff(harbor, Role.THERAPIST, email="theo@harbor.test", full_name="Theo Therapist"),
        fran=staff(harbor, Role.FRONT_DESK, email="fran@harbor.test", full_name="Fran Desk"),
        sol=sol,
        paula_user=paula_user,
        patient=patient,
        their_patient=their_patient,
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
