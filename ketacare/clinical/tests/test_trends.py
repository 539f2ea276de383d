"""Flags on a patient's scores over a course (REFERENCE §5.1): rapid response a day after the
first dose, early improvement after dose 1 or 2, and a rise from the lowest score only when the
protocol sets its threshold."""

import datetime as dt

import pytest

from ketacare.clinical import ClinicalInputError
from ketacare.clinical.trends import TrendPoint, TrendSettings, trend_flags

FIRST = dt.datetime(2026, 6, 1, 14, 0, tzinfo=dt.UTC)
SECOND = FIRST + dt.timedelta(days=2)
THIRD = FIRST + dt.timedelta(days=4)


def _at(hours: float, total: int) -> TrendPoint:
    return TrendPoint(FIRST + dt.timedelta(hours=hours), total)


def test_half_the_baseline_about_a_day_after_the_first_dose_is_a_rapid_response() -> None:
    assert trend_flags(30, [_at(24, 15)], [FIRST]).rapid_response is True
    assert trend_flags(30, [_at(24, 16)], [FIRST]).rapid_response is False


def test_a_score_outside_the_day_after_says_nothing_of_rapid_response() -> None:
    flags = trend_flags(30, [_at(4, 10), _at(72, 10)], [FIRST, SECOND])
    assert flags.rapid_response is None


def test_a_fifth_off_after_the_first_or_second_dose_is_early_improvement() -> None:
    assert trend_flags(20, [_at(50, 16)], [FIRST, SECOND]).early_improvement is True
    assert trend_flags(20, [_at(50, 17)], [FIRST, SECOND]).early_improvement is False


def test_a_score_after_the_third_dose_is_not_early_improvement() -> None:
    flags = trend_flags(20, [_at(100, 5)], [FIRST, SECOND, THIRD])
    assert flags.early_improvement is None


def test_no_dose_yet_leaves_the_dose_flags_undecided() -> None:
    flags = trend_flags(20, [_at(-24, 18)], [])
    assert (flags.rapid_response, flags.early_improvement) == (None, None)


def test_a_rise_from_the_lowest_is_flagged_only_when_the_protocol_sets_it() -> None:
    points = [_at(24, 8), _at(200, 6), _at(400, 13)]
    assert trend_flags(24, points, [FIRST]).rise_from_lowest is None
    flagged = trend_flags(24, points, [FIRST], TrendSettings(rise_points=7))
    assert (flagged.rise_from_lowest, flagged.lowest) == (True, 6)
    assert trend_flags(24, points, [FIRST], TrendSettings(rise_points=8)).rise_from_lowest is False


def test_points_are_read_in_time_order_whatever_order_they_come_in() -> None:
    points = [_at(400, 13), _at(24, 8), _at(200, 6)]
    assert trend_flags(24, points, [FIRST], TrendSettings(rise_points=7)).rise_from_lowest is True


def test_a_zero_baseline_is_never_a_response() -> None:
    assert trend_flags(0, [_at(24, 0)], [FIRST]).rapid_response is False


def test_a_time_without_its_zone_is_refused() -> None:
    with pytest.raises(ClinicalInputError) as refused:
        TrendPoint(dt.datetime(2026, 6, 2, 14, 0), 10)
    assert refused.value.field == "at"


@pytest.mark.parametrize(
    ("thresholds", "field"),
    [
        (TrendSettings(rapid_response_pct=0), "rapid_response_pct"),
        (TrendSettings(early_improvement_pct=101), "early_improvement_pct"),
        (TrendSettings(rise_points=0), "rise_points"),
        (
            TrendSettings(rapid_window=(dt.timedelta(hours=48), dt.timedelta(hours=12))),
            "rapid_window",
        ),
    ],
)
def test_impossible_settings_are_refused_naming_the_setting(
    thresholds: TrendSettings, field: str
) -> None:
    with pytest.raises(ClinicalInputError) as refused:
        trend_flags(20, [], [FIRST], thresholds)
    assert refused.value.field == field
