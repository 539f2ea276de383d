"""Property tests of scoring: totals stay in range, bands agree with totals, item 9 drives the
suicide flag (REFERENCE §4, §6)."""

from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical import SCALES, score

SUM_SCALES = {"phq9": (9, 3), "gad7": (7, 3), "madrs": (10, 6), "cadss6": (6, 4)}


def answers_for(instrument: str) -> st.SearchStrategy[dict[str, int]]:
    items, item_max = SUM_SCALES[instrument]
    return st.fixed_dictionaries({str(n): st.integers(0, item_max) for n in range(1, items + 1)})


@given(
    st.sampled_from(sorted(SUM_SCALES)).flatmap(
        lambda code: st.tuples(st.just(code), answers_for(code))
    )
)
def test_summed_scales_total_is_the_sum_and_within_range(case: tuple[str, dict[str, int]]) -> None:
    instrument, answers = case
    result = score(instrument, answers)
    low, high = SCALES[instrument].total_range  # type: ignore[index,misc]
    assert result.total == sum(answers.values())
    assert low <= result.total <= high


@given(answers_for("phq9"))
def test_phq9_band_contains_the_total(answers: dict[str, int]) -> None:
    result = score("phq9", answers)
    band = next(b for b in SCALES["phq9"].bands if b.name == result.severity)
    assert result.total is not None
    assert band.low <= result.total <= band.high


@given(answers_for("phq9"))
def test_phq9_suicidal_ideation_flag_follows_item_9(answers: dict[str, int]) -> None:
    assert ("suicidal_ideation" in score("phq9", answers).flags) == (answers["9"] >= 1)


@given(
    st.fixed_dictionaries({str(n): st.integers(0, 3) for n in range(1, 17)}),
    st.sampled_from(["6", "7"]),
    st.sampled_from(["8", "9"]),
)
def test_qids_total_is_within_0_to_27_and_at_least_any_single_domain(
    raw: dict[str, int], appetite: str, weight: str
) -> None:
    dropped = {"6", "7", "8", "9"} - {appetite, weight}
    answers = {key: value for key, value in raw.items() if key not in dropped}
    result = score("qids_sr16", answers)
    assert result.total is not None
    assert 0 <= result.total <= 27
    assert result.total >= max(answers["5"], answers["12"], answers[appetite], answers[weight])
    assert result.total == sum(points for _, points in result.subscores)


@given(
    st.booleans(),
    st.booleans(),
    st.tuples(st.booleans(), st.booleans(), st.booleans()),
    st.booleans(),
    st.booleans(),
)
def test_cssrs_risk_is_high_exactly_at_the_columbia_anchors(
    q1: bool, q2: bool, q3_to_5: tuple[bool, bool, bool], q6: bool, q6a: bool
) -> None:
    answers = {"1": q1, "2": q2, "6": q6}
    if q2:
        answers.update(dict(zip(("3", "4", "5"), q3_to_5, strict=True)))
    if q6:
        answers["6a"] = q6a
    high = answers.get("4", False) or answers.get("5", False) or answers.get("6a", False)
    assert (score("cssrs_screener", answers).risk == "high") == high
