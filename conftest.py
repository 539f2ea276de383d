"""Shared test fixtures: a pinned clock, two clinics and a named persona for every role.

Harbor clinic (ours): ada (clinic admin), pia (prescriber), nina (nurse), theo (therapist),
fran (front desk). Summit clinic (theirs): sol (nurse). Paula is a patient with a portal login.
"""

import datetime as dt
import email
import email.policy
import os
import socket
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from ketacare.accounts.models import User
from ketacare.clinics.actors import PatientActor, StaffActor, SystemActor
from ketacare.clinics.models import Clinic, Role
from ketacare.patients.actors import actor_for
from ketacare.patients.models import Patient
from ketacare.patients.services import patient_account_create
from tests.factories import PASSWORD, ClinicFactory, PatientFactory, staff

# Every test runs at one moment unless it travels: a Wednesday mid-morning in Harbor's zone.
# CI moves it (KETACARE_TEST_NOW, an ISO time, read in that zone unless it carries an offset)
# to just after midnight, just before it, and onto the days daylight saving time changes, so
# code that reads the wrong "today" fails whenever the suite runs, not only at night.
CLINIC_ZONE = zoneinfo.ZoneInfo("America/New_York")
DEFAULT_NOW = "2026-06-17T10:30"


def pinned_now() -> dt.datetime:
    text = os.environ.get("KETACARE_TEST_NOW") or DEFAULT_NOW
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise pytest.UsageError(
            f"KETACARE_TEST_NOW={text!r} is not an ISO time such as {DEFAULT_NOW}"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=CLINIC_ZONE)


class Clock:
    """The test's "now". It ticks from the pinned moment (rows keep their order); a test that
    needs another moment moves it explicitly. The live server of the browser tests runs in the
    test's process, so moving this clock moves the server's."""

    def __init__(self, traveller: time_machine.Traveller) -> None:
        self._traveller = traveller

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def advance(self, minutes: float = 0, *, hours: float = 0, days: float = 0) -> None:
        self._traveller.shift(dt.timedelta(days=days, hours=hours, minutes=minutes))

    def move_to(self, moment: dt.datetime) -> None:
        self._traveller.move_to(moment)

    def move_to_today_at(self, hour: int, minute: int = 0) -> None:
        """For a test whose story needs hours of today behind it (Harbor's clock)."""
        today = dt.datetime.now(CLINIC_ZONE).date()
        self.move_to(dt.datetime.combine(today, dt.time(hour, minute), CLINIC_ZONE))


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    with time_machine.travel(pinned_now(), tick=True) as traveller:
        yield Clock(traveller)


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (counters such as the kiosk's wrong codes live
    there, and the pinned clock would otherwise never let them expire)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def documents_kept_apart(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Uploaded documents (credentials on file) go to a folder of the test run, not var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("documents")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; tests that are not about hashing need not pay for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The append-only tables: the audit trail and the controlled-substance ledger.
GUARDED = {"core_auditevent": "audit events", "inventory_ledgerentry": "ledger entries"}
GUARD_SQL = {
    "sqlite": (
        [
            f"DROP TRIGGER IF EXISTS {table}_no_{verb}"
            for table in GUARDED
            for verb in ("update", "delete")
        ],
        [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{what} are append-only'); END;"
            for table, what in GUARDED.items()
            for verb in ("update", "delete")
        ],
    ),
    "postgresql": (
        [f"ALTER TABLE {table} DISABLE TRIGGER USER" for table in GUARDED],
        [f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in GUARDED],
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
    """The personas as the actors their requests resolve to (`.user` signs them in)."""

    harbor: Clinic
    summit: Clinic
    ada: StaffActor
    pia: StaffActor
    nina: StaffActor
    theo: StaffActor
    fran: StaffActor
    sol: StaffActor
    paula: PatientActor
    patient: Patient
    their_patient: Patient

    @property
    def paula_user(self) -> User:
        return self.paula.user

    def task(self, name: str = "test task") -> SystemActor:
        """A background task working for Harbor."""
        return SystemActor(name, self.harbor)

    def by_role(self) -> dict[str, StaffActor]:
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
    paula = actor_for(paula_user)
    assert isinstance(paula, PatientActor)
    return World(
        harbor=harbor,
        summit=summit,
        ada=staff(harbor, Role.CLINIC_ADMIN, email="ada@harbor.test", full_name="Ada Admin"),
        pia=staff(harbor, Role.PRESCRIBER, email="pia@harbor.test", full_name="Pia Prescriber"),
        nina=nina,
        theo=staff(harbor, Role.THERAPIST, email="theo@harbor.test", full_name="Theo Therapist"),
        fran=staff(harbor, Role.FRONT_DESK, email="fran@harbor.test", full_name="Fran Desk"),
        sol=sol,
        paula=paula,
        patient=patient,
        their_patient=their_patient,
    )


@dataclass
class SmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps what it is sent."""

    port: int
    messages: list[EmailMessage]


class _Keep:
    def __init__(self, messages: list[EmailMessage]) -> None:
        self.messages = messages

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    """Email goes out through Django's SMTP backend to this server (aiosmtpd)."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    messages: list[EmailMessage] = []
    controller = Controller(_Keep(messages), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield SmtpServer(port, messages)
    finally:
        controller.stop()


def client_for(who: User | StaffActor | PatientActor | None) -> Client:
    """A browser signed in as `who` (a persona or a bare user), or signed out."""
    client = Client()
    if who is not None:
        client.force_login(who if isinstance(who, User) else who.user)
    return client
