"""The demo's chair board holds a patient at every stage whatever the hour it is seeded, and a
later day's start closes the last board as the clinic would have and lays out today's."""

import datetime as dt

import pytest

from conftest import Clock
from ketacare.clinics.models import Clinic
from ketacare.core.audit import verify_chains
from ketacare.demo.seed import seed
from ketacare.demo.tests.boards import assert_full_board, boston
from ketacare.demo.tests.ledger import assert_ledger_matches_every_dose
from ketacare.demo.tests.network import quiet
from ketacare.dosing.models import DosingSession, Status
from ketacare.treatment.models import PlannedSession

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("hour", "minute"), [(0, 20), (23, 50)])
def test_the_board_holds_every_stage_whatever_the_hour_the_demo_is_seeded(
    clock: Clock, hour: int, minute: int
) -> None:
    clock.move_to(boston(dt.date(2026, 6, 17), hour, minute))
    assert seed(progress=quiet)
    for clinic in Clinic.objects.all():
        assert_full_board(clinic)


def test_started_on_a_later_day_it_closes_the_last_board_and_lays_out_todays(clock: Clock) -> None:
    clock.move_to(boston(dt.date(2026, 6, 17), 15))
    assert seed(progress=quiet)
    later = boston(dt.date(2026, 6, 19), 11)
    clock.move_to(later)
    assert not seed(progress=quiet)
    for clinic in Clinic.objects.all():
        assert_full_board(clinic)
        earlier = DosingSession.objects.filter(
            clinic=clinic, checked_in_at__lt=later - dt.timedelta(hours=5)
        )
        assert not earlier.exclude(status__in=[Status.DISCHARGED, Status.ABORTED]).exists()
        missed = PlannedSession.objects.filter(clinic=clinic, cancel_reason="Did not attend.")
        assert missed.count() == 1
    assert_ledger_matches_every_dose()
    assert verify_chains() == []
