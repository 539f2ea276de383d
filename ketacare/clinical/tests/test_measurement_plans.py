"""A protocol's measurement plan laid over a course: each questionnaire's window of days."""

import dataclasses
import datetime as dt

import pytest

from ketacare import clinical
from ketacare.clinical import MeasurementRule, ScheduledSession, measurement_schedule
from ketacare.clinical.errors import ClinicalInputError

START = dt.date(2026, 3, 2)  # a Monday
D = dt.timedelta(days=1)


def _sessions(*days: int, stage: str = "induction") -> list[ScheduledSession]:
    return [ScheduledSession(f"s{day}", START + day * D, stage) for day in days]


def _windows(
    plan: tuple[MeasurementRule, ...], sessions: list[ScheduledSession]
) -> set[tuple[str, int, int]]:
    return {
        (due.key, (due.opens_on - START).days, (due.closes_on - START).days)
        for due in measurement_schedule(plan, START, sessions)
    }


def test_intake_opens_the_day_the_course_starts_for_three_days_ending_with_the_first_dose() -> None:
    plan = (MeasurementRule("phq9", "intake"),)
    assert _windows(plan, []) == {("phq9:intake", 0, 3)}
    assert _windows(plan, _sessions(7)) == {("phq9:intake", 0, 3)}
    assert _windows(plan, _sessions(1)) == {("phq9:intake", 0, 2)}
    assert _windows(plan, _sessions(0)) == {("phq9:intake", 0, 1)}


def test_before_each_session_is_the_session_day_and_follows_a_moved_session() -> None:
    plan = (MeasurementRule("phq9", "before_session"),)
    assert _windows(plan, _sessions(3, 7)) == {("phq9:session:s3", 3, 4), ("phq9:session:s7", 7, 8)}
    moved = [ScheduledSession("s3", START + 5 * D, "induction"), *_sessions(7)]
    assert ("phq9:session:s3", 5, 6) in _windows(plan, moved)


def test_the_rapid_response_questionnaire_is_the_day_after_the_first_dose() -> None:
    plan = (MeasurementRule("phq9", "after_first_dose"),)
    assert _windows(plan, _sessions(10, 3)) == {("phq9:first_dose", 4, 5)}
    assert _windows(plan, []) == set()


def test_weekly_in_induction_runs_from_the_first_session_to_the_last() -> None:
    plan = (MeasurementRule("gad7", "weekly_induction"),)
    windows = _windows(plan, [*_sessions(0, 3, 15), *_sessions(28, stage="maintenance")])
    assert windows == {("gad7:induction_week:1", 7, 10), ("gad7:induction_week:2", 14, 17)}


def test_the_end_of_induction_window_follows_the_last_induction_session() -> None:
    plan = (MeasurementRule("phq9", "end_of_induction"),)
    windows = _windows(plan, [*_sessions(0, 25), *_sessions(35, stage="maintenance")])
    assert windows == {("phq9:end_of_induction", 26, 33)}
    assert _windows(plan, _sessions(0, stage="maintenance")) == set()


def test_maintenance_questionnaires_are_spaced_by_the_plans_weeks() -> None:
    plan = (MeasurementRule("phq9", "maintenance", every_weeks=2),)
    windows = _windows(plan, _sessions(28, 35, 42, 56, stage="maintenance"))
    assert windows == {("phq9:maintenance:1", 42, 45), ("phq9:maintenance:2", 56, 59)}
    assert _windows(plan, []) == set()


def test_windows_of_one_questionnaire_never_overlap_the_first_listed_is_kept() -> None:
    plan = (
        MeasurementRule("phq9", "before_session"),
        MeasurementRule("phq9", "weekly_induction"),
        MeasurementRule("gad7", "weekly_induction"),
    )
    windows = _windows(plan, _sessions(0, 7, 9, 14))
    # Day 7 holds a session: its own questionnaire stands, the weekly one would overlap it.
    assert ("phq9:induction_week:1", 7, 10) not in windows
    assert ("phq9:session:s7", 7, 8) in windows
    assert ("gad7:induction_week:1", 7, 10) in windows  # another questionnaire: no clash


def test_the_default_plan_gives_a_baseline_the_rapid_response_day_and_the_end_of_induction() -> (
    None
):
    sessions = _sessions(1, 4, 8, 11)
    keys = {
        due.key for due in measurement_schedule(clinical.DEFAULT_MEASUREMENT_PLAN, START, sessions)
    }
    assert {"phq9:intake", "gad7:intake", "phq9:first_dose", "phq9:end_of_induction"} <= keys
    # The first session (day 1) falls inside the intake window: the baseline stands for it.
    assert "phq9:session:s1" not in keys
    assert "phq9:session:s4" in keys


def test_a_plan_that_asks_for_one_questionnaire_twice_at_one_event_is_refused() -> None:
    plan = (MeasurementRule("phq9", "intake"), MeasurementRule("phq9", "intake"))
    with pytest.raises(ClinicalInputError, match="phq9 at intake"):
        measurement_schedule(plan, START, [])
    protocol = clinical.get_protocol("iv_ketamine_twice_weekly")
    with pytest.raises(ClinicalInputError, match="asked more than once"):
        dataclasses.replace(protocol, measurement=plan)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"instrument": "madrs"}, "instrument"),
        ({"event": "monthly"}, "event"),
        ({"every_weeks": 0}, "every_weeks"),
    ],
)
def test_a_rule_outside_the_allowed_values_names_its_field(
    changes: dict[str, object], field: str
) -> None:
    values = {"instrument": "phq9", "event": "maintenance", "every_weeks": 4} | changes
    with pytest.raises(ClinicalInputError) as raised:
        MeasurementRule(**values)  # type: ignore[arg-type]
    assert raised.value.field == field


def test_a_protocol_carries_its_trend_thresholds_and_refuses_impossible_ones() -> None:
    protocol = clinical.get_protocol("iv_ketamine_twice_weekly")
    assert protocol.trend_settings() == clinical.TrendSettings()
    custom = dataclasses.replace(protocol, trend_rapid_response_pct=40, trend_rise_points=4)
    assert (custom.trend_settings().rapid_response_pct, custom.trend_settings().rise_points) == (
        40,
        4,
    )
    with pytest.raises(ClinicalInputError) as raised:
        dataclasses.replace(protocol, trend_rise_points=0)
    assert raised.value.field == "trend_rise_points"
