"""The clinic's response and remission rates: intention to treat and completers, Wilson
intervals, and rates over too few courses suppressed (REFERENCE §5.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical import (
    ClinicalInputError,
    Episode,
    OutcomeCounts,
    Rate,
    episode_counts,
    outcome_summary,
    summary_from_counts,
    wilson_interval,
)


def _phq9(baseline: int | None, end: int | None, completed: bool = True) -> Episode:
    return Episode("phq9", baseline, end, completed)


# Thirteen PHQ-9 courses, each baseline 20 (response: a fall to 10 or less; remission: 4 or less).
COHORT = (
    [_phq9(20, 4)] * 5  # completed, responded and remitted
    + [_phq9(20, 8)] * 3  # completed, responded, not remitted
    + [_phq9(20, 15)] * 2  # completed, no response
    + [_phq9(20, None)]  # completed, end-of-induction score never taken
    + [_phq9(20, None, completed=False)]  # stopped after the first session
    + [_phq9(20, 5, completed=False)]  # stopped, but scored before leaving: a response
)


def _shown(numerator: int, denominator: int) -> Rate:
    low, high = wilson_interval(numerator, denominator)
    return Rate(numerator, denominator, numerator / denominator, low, high, suppressed=False)


def test_intention_to_treat_counts_every_course_started_and_a_missing_score_as_no_response() -> (
    None
):
    summary = outcome_summary(COHORT)
    assert (summary.n_started, summary.n_completed, summary.n_with_scores) == (13, 11, 10)
    assert summary.response_itt == _shown(9, 13)
    assert summary.remission_itt == _shown(5, 13)


def test_completers_are_the_courses_that_finished_induction_with_both_scores() -> None:
    summary = outcome_summary(COHORT, min_denominator=10)
    assert summary.response_completers == _shown(8, 10)
    assert summary.remission_completers == _shown(5, 10)


def test_a_rate_over_fewer_than_eleven_courses_is_suppressed_by_default() -> None:
    summary = outcome_summary(COHORT)
    assert summary.response_completers == Rate(8, 10, None, None, None, suppressed=True)
    assert summary.remission_completers.suppressed
    assert not summary.response_itt.suppressed


def test_no_courses_gives_suppressed_rates_not_an_error() -> None:
    summary = outcome_summary([])
    assert summary.n_started == 0
    assert summary.response_itt == Rate(0, 0, None, None, None, suppressed=True)


def test_each_course_is_judged_against_its_protocols_remission_threshold() -> None:
    esketamine = Episode("madrs", 30, 12, True, remission_max=12)
    iv = Episode("madrs", 30, 12, True)  # the default, MADRS 10 or less
    summary = outcome_summary([esketamine] * 11 + [iv] * 11)
    assert summary.remission_completers.numerator == 11
    assert summary.response_completers.numerator == 22


def test_a_scale_without_a_remission_definition_needs_the_protocols_threshold() -> None:
    with pytest.raises(ClinicalInputError) as refused:
        Episode("gad7", 15, 4, True)
    assert refused.value.field == "remission_max"
    assert Episode("gad7", 15, 4, True, remission_max=4).outcome() is not None


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"instrument": "hamd"}, "instrument"), ({"baseline": 28}, "baseline"),
     ({"end_of_induction": -1}, "end_of_induction"), ({"completed_induction": 1},
     "completed_induction"), ({"remission_max": 30}, "remission_max")],
)  # fmt: skip
def test_an_impossible_course_is_refused_naming_the_field(
    fields: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "instrument": "phq9",
        "baseline": 20,
        "end_of_induction": 4,
        "completed_induction": True,
        **fields,
    }
    with pytest.raises(ClinicalInputError) as refused:
        Episode(**values)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_anything_but_a_course_is_refused() -> None:
    with pytest.raises(ClinicalInputError) as refused:
        outcome_summary([(20, 4)])  # type: ignore[list-item]
    assert refused.value.field == "episodes"


def test_the_smallest_shown_denominator_is_at_least_one() -> None:
    with pytest.raises(ClinicalInputError) as refused:
        outcome_summary(COHORT, min_denominator=0)
    assert refused.value.field == "min_denominator"


episodes = st.builds(
    Episode,
    instrument=st.just("phq9"),
    baseline=st.none() | st.integers(0, 27),
    end_of_induction=st.none() | st.integers(0, 27),
    completed_induction=st.booleans(),
)


@given(st.lists(episodes, max_size=60), st.integers(1, 30))
def test_counts_nest_and_a_rate_is_shown_exactly_when_its_denominator_is_large_enough(
    cohort: list[Episode], smallest: int
) -> None:
    summary = outcome_summary(cohort, min_denominator=smallest)
    assert summary.n_with_scores <= summary.n_completed <= summary.n_started == len(cohort)
    for rate in (summary.response_itt, summary.response_completers, summary.remission_itt):
        assert 0 <= rate.numerator <= rate.denominator
        assert rate.suppressed == (rate.denominator < smallest)
        assert (rate.proportion is None) == rate.suppressed
    assert summary.response_completers.numerator <= summary.response_itt.numerator


@given(st.lists(episodes, max_size=60), st.integers(0, 60))
def test_counts_added_in_any_grouping_give_the_summary_of_all_the_episodes(
    cohort: list[Episode], cut: int
) -> None:
    # As a database sums one course's counts per group and the groups are added up after.
    first = sum((episode_counts(e) for e in cohort[:cut]), OutcomeCounts())
    rest = sum((episode_counts(e) for e in cohort[cut:]), OutcomeCounts())
    assert summary_from_counts(first + rest) == outcome_summary(cohort)


def test_one_courses_counts_say_what_it_counts_towards() -> None:
    assert episode_counts(_phq9(20, 4)) == OutcomeCounts(1, 1, 1, 1, 1, 1, 1)
    assert episode_counts(_phq9(20, 8)) == OutcomeCounts(1, 1, 1, 1, 0, 1, 0)
    assert episode_counts(_phq9(20, None)) == OutcomeCounts(1, 1, 0, 0, 0, 0, 0)
    # Stopped early yet scored at a response: counted by intention to treat only.
    assert episode_counts(_phq9(20, 5, completed=False)) == OutcomeCounts(1, 0, 0, 1, 0, 0, 0)


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"started": -1}, "started"),
        ({"started": 1, "completed": 2}, "completed"),
        ({"started": 2, "completed": 1, "with_scores": 2}, "with_scores"),
        ({"started": 1, "remitted": 2}, "remitted"),
        ({"started": 1, "completed": 1, "responded_completers": 1}, "responded_completers"),
        ({"started": True}, "started"),
    ],
)
def test_counts_that_cannot_come_from_courses_are_refused_naming_the_count(
    counts: dict[str, int], field: str
) -> None:
    with pytest.raises(ClinicalInputError) as refused:
        OutcomeCounts(**counts)
    assert refused.value.field == field


def test_only_counts_make_a_summary() -> None:
    with pytest.raises(ClinicalInputError) as refused:
        summary_from_counts((13, 11))  # type: ignore[arg-type]
    assert refused.value.field == "counts"
    with pytest.raises(ClinicalInputError) as refused:
        summary_from_counts(OutcomeCounts(), min_denominator=0)
    assert refused.value.field == "min_denominator"
    with pytest.raises(ClinicalInputError):
        episode_counts("a course")  # type: ignore[arg-type]
