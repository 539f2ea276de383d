"""Which scores stand for a course in the clinic's outcomes (docs/clinical.md §2c)."""

import datetime as dt

import pytest

from ketacare.clinical import ClinicalInputError
from ketacare.clinical.episodes import DatedScore, course_episode

D = dt.date(2026, 3, 2)


def _on(days: int, total: int) -> DatedScore:
    return DatedScore(D + dt.timedelta(days=days), total)


def test_baseline_is_the_last_score_by_the_first_dose_and_the_end_the_first_after_induction() -> (
    None
):
    scores = [_on(30, 6), _on(-10, 22), _on(0, 20), _on(3, 15), _on(25, 8), _on(26, 7)]
    episode = course_episode(
        "phq9",
        scores,
        first_dose_on=D,
        induction_end_on=D + dt.timedelta(days=25),
        completed_induction=True,
    )
    # The 8 of the last session's day came before its dose: the end is the next day's 7.
    assert (episode.baseline, episode.end_of_induction) == (20, 7)


def test_a_score_past_the_window_is_not_the_end_of_induction() -> None:
    episode = course_episode(
        "phq9",
        [_on(0, 20), _on(33, 5)],
        first_dose_on=D,
        induction_end_on=D + dt.timedelta(days=25),
        completed_induction=True,
    )
    assert episode.end_of_induction is None
    wider = course_episode(
        "phq9",
        [_on(0, 20), _on(33, 5)],
        first_dose_on=D,
        induction_end_on=D + dt.timedelta(days=25),
        completed_induction=True,
        end_window_days=8,
    )
    assert wider.end_of_induction == 5


def test_a_course_without_a_dose_or_without_completed_induction_has_no_such_scores() -> None:
    never = course_episode(
        "phq9",
        [_on(-3, 20)],
        first_dose_on=None,
        induction_end_on=None,
        completed_induction=False,
    )
    assert (never.baseline, never.end_of_induction) == (None, None)
    dropped = course_episode(
        "phq9",
        [_on(-3, 20), _on(25, 4)],
        first_dose_on=D,
        induction_end_on=D + dt.timedelta(days=25),
        completed_induction=False,
    )
    assert (dropped.baseline, dropped.end_of_induction) == (20, None)
    late = course_episode(
        "phq9",
        [_on(3, 20)],
        first_dose_on=D,
        induction_end_on=None,
        completed_induction=True,
    )
    assert (late.baseline, late.end_of_induction) == (None, None)


def test_the_window_is_checked() -> None:
    with pytest.raises(ClinicalInputError, match="end_window_days"):
        course_episode(
            "phq9",
            [],
            first_dose_on=D,
            induction_end_on=D,
            completed_induction=True,
            end_window_days=61,
        )


def test_a_baseline_older_than_the_limit_does_not_count() -> None:
    old = course_episode(
        "phq9", [_on(-31, 22)], first_dose_on=D, induction_end_on=None, completed_induction=False
    )
    assert old.baseline is None
    recent = course_episode(
        "phq9",
        [_on(-31, 22), _on(-30, 21)],
        first_dose_on=D,
        induction_end_on=None,
        completed_induction=False,
    )
    assert recent.baseline == 21
    with pytest.raises(ClinicalInputError, match="baseline_max_days"):
        course_episode(
            "phq9",
            [],
            first_dose_on=D,
            induction_end_on=D,
            completed_induction=True,
            baseline_max_days=366,
        )
