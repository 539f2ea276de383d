"""The Wilson score interval matches Newcombe's published worked examples and stays in 0..1."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical import ClinicalInputError, wilson_interval


# Newcombe RG. Two-sided confidence intervals for the single proportion. Stat Med 1998;17:857-72,
# Table I, method 3 (score interval without continuity correction), to 4 decimals.
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611),
     (1, 29, 0.0061, 0.1718)],
)  # fmt: skip
def test_the_interval_matches_newcombes_worked_examples(
    successes: int, n: int, low: float, high: float
) -> None:
    interval = wilson_interval(successes, n)
    assert interval[0] == pytest.approx(low, abs=5e-5)
    assert interval[1] == pytest.approx(high, abs=5e-5)


def test_none_and_all_reach_exactly_zero_and_one() -> None:
    assert wilson_interval(0, 10)[0] == 0.0
    assert wilson_interval(10, 10)[1] == 1.0


def test_a_higher_confidence_gives_a_wider_interval() -> None:
    low95, high95 = wilson_interval(5, 10)
    low99, high99 = wilson_interval(5, 10, confidence=0.99)
    assert low99 < low95
    assert high99 > high95


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_holds_the_observed_proportion_within_zero_and_one(
    case: tuple[int, int],
) -> None:
    successes, n = case
    low, high = wilson_interval(successes, n)
    assert 0.0 <= low <= successes / n <= high <= 1.0


@pytest.mark.parametrize(
    ("successes", "n", "confidence", "field"),
    [(0, 0, 0.95, "n"), (3, 2, 0.95, "successes"), (-1, 5, 0.95, "successes"),
     (1, 5, 1.0, "confidence"), (1, 5, 0.0, "confidence"), (1, 5.0, 0.95, "n")],
)  # fmt: skip
def test_impossible_input_is_refused_naming_the_field(
    successes: int, n: int, confidence: float, field: str
) -> None:
    with pytest.raises(ClinicalInputError) as refused:
        wilson_interval(successes, n, confidence)
    assert refused.value.field == field
