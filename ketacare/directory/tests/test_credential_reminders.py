"""The clinic admins hear of a credential 60 and 30 days before it expires: once per step,
each clinic morning, naming the staff member and never a patient."""

import datetime as dt
import zoneinfo

import pytest
from django.core import mail

from conftest import Clock, World
from ketacare.directory.credentials import credential_add
from ketacare.directory.tests.builders import membership
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
SUBJECT = "Staff credentials expiring at Harbor Clinic"


@pytest.fixture(autouse=True)
def _flushable(audit_guards_lifted_for_flush: None) -> None:
    """The worker runs jobs after the writes that queued them commit."""


def _morning(clock: Clock, world: World, day: dt.date, hour: int = 9) -> None:
    zone = zoneinfo.ZoneInfo(world.harbor.timezone)
    clock.move_to(dt.datetime.combine(day, dt.time(hour), zone))


def _sent() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.subject == SUBJECT]


def test_the_admins_are_reminded_60_and_30_days_before_a_credential_expires(
    world: World, clock: Clock
) -> None:
    today = world.harbor.today()
    expires = today + dt.timedelta(days=75)
    credential_add(actor=world.ada, clinic=world.harbor, membership=membership(world.nina),
                   kind="acls", issuer="American Heart Association",
                   issued_on=expires - dt.timedelta(days=730), expires_on=expires)  # fmt: skip
    run_jobs()
    assert _sent() == []  # 75 days to go
    _morning(clock, world, expires - dt.timedelta(days=60), hour=7)
    run_jobs()
    assert _sent() == []  # before the clinic's morning
    _morning(clock, world, expires - dt.timedelta(days=60))
    run_jobs()
    (first,) = _sent()
    assert first.to == ["ada@harbor.test"]
    assert "Nina Nurse: ACLS (Advanced Cardiac Life Support)" in first.body
    assert "(in 60 days)" in first.body
    _morning(clock, world, expires - dt.timedelta(days=59))
    run_jobs()
    assert len(_sent()) == 1
    _morning(clock, world, expires - dt.timedelta(days=30))
    run_jobs()
    assert len(_sent()) == 2
    assert "(in 30 days)" in _sent()[1].body
    _morning(clock, world, expires - dt.timedelta(days=10))
    run_jobs()
    assert len(_sent()) == 2
