"""Times typed in the clinic's zone on the nights its clocks change (America/New_York)."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import Clock
from ketacare.core.forms import LocalTimeField
from ketacare.core.local_time import aware_local

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# 1 Nov 2026: at 02:00 EDT the clocks go back to 01:00 EST, so 01:00-01:59 happens twice.
BACK = dt.datetime(2026, 11, 1, 1, 20)
# 8 Mar 2026: at 02:00 EST the clocks go forward to 03:00 EDT; 02:00-02:59 never happens.
SKIPPED = dt.datetime(2026, 3, 8, 2, 30)


def test_an_ordinary_time_is_read_in_the_clinics_zone() -> None:
    moment = aware_local(dt.datetime(2026, 6, 17, 9, 5), NEW_YORK, dt.datetime.now(dt.UTC))
    assert moment == dt.datetime(2026, 6, 17, 13, 5, tzinfo=dt.UTC)


def test_a_time_that_happened_twice_is_read_as_its_latest_occurrence_already_past() -> None:
    after_both = dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC)  # 01:30 EST
    assert aware_local(BACK, NEW_YORK, after_both) == dt.datetime(2026, 11, 1, 6, 20, tzinfo=dt.UTC)


def test_a_time_that_happened_twice_is_read_as_the_first_while_the_second_is_to_come() -> None:
    between = dt.datetime(2026, 11, 1, 5, 40, tzinfo=dt.UTC)  # 01:40 EDT
    assert aware_local(BACK, NEW_YORK, between) == dt.datetime(2026, 11, 1, 5, 20, tzinfo=dt.UTC)


def test_a_time_the_clocks_skipped_is_refused_saying_why() -> None:
    with pytest.raises(ValidationError, match="clocks went forward"):
        aware_local(SKIPPED, NEW_YORK, dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC))


def test_the_form_field_takes_a_typed_time_in_the_hour_that_happens_twice(clock: Clock) -> None:
    clock.move_to(dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC))  # 01:30 EST, the second pass
    with timezone.override(NEW_YORK):
        moment = LocalTimeField().clean("2026-11-01T01:20")
    assert moment == dt.datetime(2026, 11, 1, 6, 20, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "typed", ["2026-13-01T10:00", "yesterday", "2026-03-08T02:30", "9999-12-31T23:30"]
)
def test_the_form_field_refuses_what_is_not_a_time_that_happened(typed: str) -> None:
    with timezone.override(NEW_YORK), pytest.raises(ValidationError):
        LocalTimeField().clean(typed)


def test_a_time_at_the_very_start_of_the_calendar_is_refused_not_an_error() -> None:
    with pytest.raises(ValidationError, match="not a date KetaCare can record"):
        aware_local(dt.datetime(1, 1, 1), zoneinfo.ZoneInfo("Asia/Tokyo"), dt.datetime.now(dt.UTC))
