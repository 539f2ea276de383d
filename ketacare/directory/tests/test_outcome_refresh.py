"""The worker refreshes the outcomes a clinic publishes once each night, in the clinic's own
zone, and only for a published clinic that publishes them."""

import datetime as dt
import zoneinfo

import pytest

from conftest import Clock, World
from ketacare.core.models import AuditEvent
from ketacare.directory.models import PublishedOutcome
from ketacare.directory.tasks import REFRESH_TASK
from ketacare.directory.tests.builders import published
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _flushable(audit_guards_lifted_for_flush: None) -> None:
    """The worker runs jobs after the writes that queued them commit."""


def _at(clock: Clock, world: World, day: dt.date, hour: int, minute: int = 0) -> None:
    zone = zoneinfo.ZoneInfo(world.harbor.timezone)
    clock.move_to(dt.datetime.combine(day, dt.time(hour, minute), zone))


def test_the_worker_refreshes_the_published_outcomes_once_each_night(
    world: World, clock: Clock
) -> None:
    published(world, publish_outcomes=True)
    published(world, world.summit)  # publishes no outcomes: never refreshed
    night = world.harbor.today() + dt.timedelta(days=1)
    _at(clock, world, night, 1, 30)
    run_jobs()
    assert not PublishedOutcome.objects.exists()
    _at(clock, world, night, 2, 10)
    run_jobs()
    assert list(PublishedOutcome.objects.values_list("clinic__slug", "route")) == [("harbor", "iv")]
    _at(clock, world, night, 2, 40)
    run_jobs()
    refreshes = AuditEvent.objects.filter(object_type="published_outcomes")
    assert refreshes.count() == 1
    assert refreshes.get().actor_task == REFRESH_TASK
    _at(clock, world, night + dt.timedelta(days=1), 3)
    run_jobs()
    assert refreshes.count() == 2
