"""Scoring examples taken from REFERENCE §4 and §6."""

import pytest

from ketacare.clinical import ClinicalInputError, TriageSettings, score


def phq9(*values: int, **extra: int) -> dict[str, int]:
    return {**{str(n): v for n, v in enumerate(values, start=1)}, **extra}


def spread(total: int, items: int, item_max: int) -> dict[str, int]:
    """Answers for `items` items summing to `total`, filling item 1 first."""
    values = [min(item_max, max(0, total - item_max * index)) for index in range(items)]
    return {str(n): v for n, v in enumerate(values, start=1)}


def qids(**answers: int) -> dict[str, int]:
    base = {str(n): 0 for n in range(1, 17) if n not in (7, 9)}
    base.update({key.removeprefix("q"): value for key, value in answers.items()})
    return {key: value for key, value in base.items() if value >= 0}


# --- PHQ-9 (§4.2) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges_follow_cutpoints_5_10_15_20(total: int, band: str) -> None:
    result = score("phq9", spread(total, 9, 3))
    assert (result.total, result.severity) == (total, band)


def test_phq9_total_of_10_is_moderate() -> None:
    result = score("phq9", phq9(2, 2, 2, 2, 2, 0, 0, 0, 0))
    assert (result.total, result.severity, result.severity_label) == (10, "moderate", "Moderate")
    assert result.flags == frozenset()


def test_phq9_item_10_is_recorded_but_not_scored() -> None:
    result = score("phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0, **{"10": 3}))
    assert result.total == 8
    assert ("10", 3) in result.answers


def test_phq9_item_9_of_1_flags_suicidal_ideation_and_calls_for_the_cssrs() -> None:
    result = score("phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1))
    assert result.flags == {"suicidal_ideation", "cssrs_indicated"}


def test_phq9_item_9_of_2_also_asks_for_priority_escalation() -> None:
    result = score("phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 2))
    assert "priority_escalation" in result.flags


def test_phq9_item_9_threshold_is_a_setting() -> None:
    strict = TriageSettings(phq9_item9_flag_min=2)
    assert score("phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), settings=strict).flags == frozenset()


def test_phq9_missing_item_is_an_error_naming_the_item() -> None:
    with pytest.raises(ClinicalInputError, match=r"item 9: is required for phq9"):
        score("phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0))


def test_every_missing_item_is_named_at_once() -> None:
    with pytest.raises(ClinicalInputError, match=r"^items 3/5/9: are required for phq9$"):
        score("phq9", {"1": 0, "2": 0, "4": 0, "6": 0, "7": 0, "8": 0})


@pytest.mark.parametrize("value", [4, -1, 1.5, "2", True, None])
def test_phq9_out_of_range_or_wrong_type_values_are_errors(value: object) -> None:
    answers: dict[str, object] = {**phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), "3": value}
    with pytest.raises(ClinicalInputError, match=r"item 3: .*allowed: 0 to 3"):
        score("phq9", answers)  # type: ignore[arg-type]


def test_an_unknown_item_is_an_error_listing_the_items() -> None:
    with pytest.raises(ClinicalInputError, match=r"unknown item '11' for phq9; items: 1, 2"):
        score("phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 0, **{"11": 0}))


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(ClinicalInputError, match=r"answers: must map item ids"):
        score("phq9", [0] * 9)  # type: ignore[arg-type]


# --- GAD-7 (§4.3) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "band"),
    [
        ((0, 0, 0, 0, 0, 0, 4 - 4), "minimal"),
        ((1, 1, 1, 1, 0, 0, 0), "minimal"),
        ((1, 1, 1, 1, 1, 0, 0), "mild"),
        ((2, 2, 2, 2, 2, 0, 0), "moderate"),
        ((3, 3, 3, 3, 3, 0, 0), "severe"),
        ((3, 3, 3, 3, 3, 3, 3), "severe"),
    ],
)
def test_gad7_bands_are_minimal_mild_moderate_severe(values: tuple[int, ...], band: str) -> None:
    answers = {str(n): v for n, v in enumerate(values, start=1)}
    result = score("gad7", answers)
    assert result.total == sum(values)
    assert result.severity == band
    assert result.flags == frozenset()


def test_gad7_difficulty_item_8_is_optional_and_unscored() -> None:
    answers = {**{str(n): 1 for n in range(1, 8)}, "8": 2}
    assert score("gad7", answers).total == 7


# --- QIDS-SR16 (§4.4) -----------------------------------------------------------------------


def test_qids_sleep_weight_and_psychomotor_domains_score_their_highest_item() -> None:
    result = score("qids_sr16", qids(q1=1, q2=3, q3=2, q6=2, q8=1, q15=1, q16=2))
    assert dict(result.subscores)["sleep"] == 3
    assert dict(result.subscores)["appetite_weight"] == 2
    assert dict(result.subscores)["psychomotor"] == 2
    assert result.total == 7


def test_qids_weight_domain_uses_only_the_answered_items() -> None:
    answers = qids(q6=-1, q8=-1)
    answers.update({"7": 3, "9": 1})
    assert dict(score("qids_sr16", answers).subscores)["appetite_weight"] == 3


def test_qids_maximum_total_is_27_and_very_severe() -> None:
    result = score("qids_sr16", {key: 3 for key in qids()})
    assert (result.total, result.severity) == (27, "very_severe")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none"),
        (5, "none"),
        (6, "mild"),
        (10, "mild"),
        (11, "moderate"),
        (15, "moderate"),
        (16, "severe"),
        (20, "severe"),
        (21, "very_severe"),
        (27, "very_severe"),
    ],
)
def test_qids_bands_follow_reference_cutpoints(total: int, band: str) -> None:
    domain_items = ("q1", "q5", "q6", "q10", "q11", "q13", "q14", "q15", "q12")
    points = spread(total, 9, 3).values()
    result = score("qids_sr16", qids(**dict(zip(domain_items, points, strict=True))))
    assert (result.total, result.severity) == (total, band)


def test_qids_item_12_of_1_flags_ideation_and_of_2_calls_for_the_cssrs() -> None:
    assert score("qids_sr16", qids(q12=1)).flags == {"suicidal_ideation"}
    assert score("qids_sr16", qids(q12=2)).flags == {"suicidal_ideation", "cssrs_indicated"}


def test_qids_answering_both_6_and_7_is_an_error() -> None:
    with pytest.raises(ClinicalInputError, match=r"items 6/7: answer only one of items 6 and 7"):
        score("qids_sr16", {**qids(), "7": 0})


def test_qids_answering_neither_8_nor_9_is_an_error() -> None:
    with pytest.raises(ClinicalInputError, match=r"items 8/9: answer one of items 8 and 9"):
        score("qids_sr16", qids(q8=-1))


# --- MADRS (§4.5) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "normal"),
        (6, "normal"),
        (7, "mild"),
        (19, "mild"),
        (20, "moderate"),
        (34, "moderate"),
        (35, "severe"),
        (60, "severe"),
    ],
)
def test_madrs_snaith_bands(total: int, band: str) -> None:
    result = score("madrs", spread(total, 10, 6))
    assert (result.total, result.severity) == (total, band)


def test_madrs_items_run_0_to_6() -> None:
    with pytest.raises(ClinicalInputError, match=r"item 1: 7 is out of range; allowed: 0 to 6"):
        score("madrs", {str(n): 7 if n == 1 else 0 for n in range(1, 11)})


def test_madrs_item_10_of_4_flags_ideation_but_3_does_not() -> None:
    base = {str(n): 0 for n in range(1, 10)}
    assert score("madrs", base | {"10": 3}).flags == frozenset()
    assert score("madrs", base | {"10": 4}).flags == {"suicidal_ideation", "cssrs_indicated"}


# --- C-SSRS Screener (§4.6, §6.1) -----------------------------------------------------------


def cssrs(**answers: bool) -> dict[str, bool]:
    return {key.removeprefix("q"): value for key, value in answers.items()}


def test_cssrs_all_no_is_no_risk_and_no_total() -> None:
    result = score("cssrs_screener", cssrs(q1=False, q2=False, q6=False))
    assert (result.total, result.severity, result.risk) == (None, None, "none")
    assert result.flags == frozenset()


def test_cssrs_wish_to_be_dead_only_is_low_risk() -> None:
    result = score("cssrs_screener", cssrs(q1=True, q2=False, q6=False))
    assert result.risk == "low"
    assert result.flags == {"suicidal_ideation"}


def test_cssrs_method_without_intent_is_moderate_risk() -> None:
    answers = cssrs(q1=True, q2=True, q3=True, q4=False, q5=False, q6=False)
    assert score("cssrs_screener", answers).risk == "moderate"


@pytest.mark.parametrize("question", ["4", "5"])
def test_cssrs_intent_or_plan_is_high_risk(question: str) -> None:
    answers = cssrs(q1=False, q2=True, q3=False, q4=False, q5=False, q6=False) | {question: True}
    assert score("cssrs_screener", answers).risk == "high"


def test_cssrs_behaviour_within_3_months_is_high_risk() -> None:
    result = score("cssrs_screener", cssrs(q1=False, q2=False, q6=True, q6a=True))
    assert result.risk == "high"
    assert result.flags == {"suicidal_behavior", "recent_suicidal_behavior"}


def test_cssrs_behaviour_over_3_months_ago_is_moderate_risk() -> None:
    result = score("cssrs_screener", cssrs(q1=False, q2=False, q6=True, q6a=False))
    assert result.risk == "moderate"
    assert result.flags == {"suicidal_behavior"}


def test_cssrs_questions_3_to_5_are_required_when_2_is_yes() -> None:
    with pytest.raises(ClinicalInputError, match=r"item 3: is required when item 2 is Yes"):
        score("cssrs_screener", cssrs(q1=True, q2=True, q6=False))


def test_cssrs_questions_3_to_5_are_forbidden_when_2_is_no() -> None:
    with pytest.raises(ClinicalInputError, match=r"item 4: is asked only when item 2 is Yes"):
        score("cssrs_screener", cssrs(q1=True, q2=False, q4=False, q6=False))


def test_cssrs_6a_is_required_when_6_is_yes() -> None:
    with pytest.raises(ClinicalInputError, match=r"item 6a: is required when item 6 is Yes"):
        score("cssrs_screener", cssrs(q1=False, q2=False, q6=True))


def test_cssrs_answers_are_yes_or_no_not_numbers() -> None:
    with pytest.raises(ClinicalInputError, match=r"item 1: 1 is not allowed; allowed values: True"):
        score("cssrs_screener", {"1": 1, "2": False, "6": False})


def test_cssrs_levels_are_configurable_above_the_columbia_anchors() -> None:
    cautious = TriageSettings(cssrs_high=frozenset({"3", "4", "5", "6a"}))
    answers = cssrs(q1=True, q2=True, q3=True, q4=False, q5=False, q6=False)
    assert score("cssrs_screener", answers, settings=cautious).risk == "high"


# --- MOAA/S (§4.8) and CADSS-6 (§4.7) -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (5, "alert"),
        (4, "mild_sedation"),
        (3, "responds_to_loud_voice"),
        (2, "responds_to_prodding"),
        (1, "responds_to_pain_only"),
        (0, "unresponsive"),
    ],
)
def test_moaas_grades_follow_the_anchors(value: int, band: str) -> None:
    assert score("moaas", {"1": value}).severity == band


def test_moaas_0_flags_loss_of_consciousness() -> None:
    assert score("moaas", {"1": 0}).flags == {"loss_of_consciousness"}
    assert score("moaas", {"1": 1}).flags == frozenset()


def test_moaas_above_5_is_an_error() -> None:
    with pytest.raises(ClinicalInputError, match=r"item 1: 6 is out of range; allowed: 0 to 5"):
        score("moaas", {"1": 6})


def test_cadss6_sums_six_items_of_0_to_4_without_a_band() -> None:
    result = score("cadss6", {str(n): n % 5 for n in range(1, 7)})
    assert (result.total, result.severity) == (1 + 2 + 3 + 4 + 0 + 1, None)


def test_cadss6_item_above_4_is_an_error() -> None:
    with pytest.raises(ClinicalInputError, match=r"item 6: 5 is out of range; allowed: 0 to 4"):
        score("cadss6", {str(n): 5 if n == 6 else 0 for n in range(1, 7)})
