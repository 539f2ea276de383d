"""Response and remission (REFERENCE §5.1) and PHQ-9 change bands (§4.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical import ClinicalInputError, classify, phq9_change_category, score


def test_a_fall_of_exactly_half_is_a_response() -> None:
    outcome = classify("madrs", 30, 15)
    assert outcome.response is True
    assert outcome.percent_change == -50.0
    assert outcome.change == -15


def test_a_fall_just_under_half_is_not_a_response() -> None:
    assert classify("madrs", 31, 16).response is False


def test_madrs_remission_defaults_to_10_or_less() -> None:
    assert classify("madrs", 30, 10).remission is True
    assert classify("madrs", 30, 11).remission is False
    assert classify("madrs", 30, 11).remission_max == 10


def test_madrs_remission_of_12_when_a_protocol_says_so() -> None:
    assert classify("madrs", 30, 12, remission_max=12).remission is True


def test_phq9_remission_is_a_total_under_5() -> None:
    assert classify("phq9", 20, 4).remission is True
    assert classify("phq9", 20, 5).remission is False


def test_qids_remission_is_5_or_less() -> None:
    assert classify("qids_sr16", 16, 5).remission is True
    assert classify("qids_sr16", 16, 6).remission is False


def test_gad7_has_no_remission_unless_one_is_given() -> None:
    outcome = classify("gad7", 16, 3)
    assert (outcome.response, outcome.remission, outcome.remission_max) == (True, None, None)
    assert classify("gad7", 16, 3, remission_max=4).remission is True


def test_a_zero_baseline_is_never_a_response_and_never_divides_by_zero() -> None:
    assert classify("phq9", 0, 3).percent_change is None
    assert classify("phq9", 0, 3).response is False
    assert classify("phq9", 0, 0).percent_change == 0.0


def test_a_rise_is_a_positive_percent_change() -> None:
    assert classify("phq9", 10, 15).percent_change == 50.0


def test_scores_can_be_passed_instead_of_totals() -> None:
    baseline = score("phq9", {str(n): 2 for n in range(1, 10)})
    current = score("phq9", {str(n): 0 for n in range(1, 10)})
    assert classify("phq9", baseline, current).remission is True


def test_a_score_of_another_instrument_is_refused() -> None:
    gad7 = score("gad7", {str(n): 1 for n in range(1, 8)})
    with pytest.raises(ClinicalInputError, match=r"baseline: is a gad7 score; expected phq9"):
        classify("phq9", gad7, 3)


def test_totals_outside_the_scale_are_refused() -> None:
    with pytest.raises(ClinicalInputError, match=r"current: 28 is out of range; allowed: 0 to 27"):
        classify("phq9", 20, 28)


def test_only_outcome_scales_can_be_classified() -> None:
    with pytest.raises(ClinicalInputError, match=r"instrument: 'moaas' is not allowed"):
        classify("moaas", 5, 3)


def test_the_response_threshold_is_adjustable() -> None:
    assert classify("qids_sr16", 20, 16, response_reduction_pct=20).response is True
    with pytest.raises(ClinicalInputError, match=r"response_reduction_pct"):
        classify("qids_sr16", 20, 16, response_reduction_pct=0)


def test_remission_max_must_be_within_the_scale() -> None:
    with pytest.raises(ClinicalInputError, match=r"remission_max: 61 is out of range"):
        classify("madrs", 30, 10, remission_max=61)


@pytest.mark.parametrize(
    ("baseline", "current", "category"),
    [
        (20, 15, "adequate"),
        (20, 16, "probably_inadequate"),
        (20, 18, "probably_inadequate"),
        (20, 19, "inadequate"),
        (10, 12, "inadequate"),
    ],
)
def test_phq9_change_bands(baseline: int, current: int, category: str) -> None:
    assert phq9_change_category(baseline, current) == category


@given(st.integers(0, 60), st.integers(0, 60))
def test_response_means_current_is_at_most_half_the_baseline(baseline: int, current: int) -> None:
    outcome = classify("madrs", baseline, current)
    assert outcome.response == (baseline > 0 and current * 2 <= baseline)
    assert outcome.remission == (current <= 10)
