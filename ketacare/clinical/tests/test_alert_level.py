"""Suicide-risk alerts between sessions (REFERENCE §6.2)."""

import pytest

from ketacare.clinical import (
    ClinicalInputError,
    TriageSettings,
    alert_level,
    reported_thoughts_level,
)

DEFAULTS = TriageSettings()


@pytest.mark.parametrize(
    ("instrument", "value", "expected"),
    [
        ("phq9", 0, None),
        ("phq9", 1, "alert"),
        ("phq9", 2, "urgent"),
        ("phq9", 3, "urgent"),
        ("qids_sr16", 0, None),
        ("qids_sr16", 1, "alert"),
        ("qids_sr16", 3, "alert"),
        ("madrs", 3, None),
        ("madrs", 4, "alert"),
    ],
)
def test_a_suicide_item_raises_the_alert_its_threshold_says(
    instrument: str, value: int, expected: str | None
) -> None:
    assert alert_level(instrument, value, DEFAULTS) == expected


def test_a_clinic_that_escalates_at_three_keeps_item_nine_at_two_an_alert() -> None:
    settings = TriageSettings(phq9_item9_escalate_min=3)
    assert alert_level("phq9", 2, settings) == "alert"
    assert alert_level("phq9", 3, settings) == "urgent"


@pytest.mark.parametrize(
    ("reported", "expected"),
    [("none", None), ("thoughts", "alert"), ("intent_or_plan", "urgent")],
)
def test_a_clinicians_risk_check_raises_the_alert_a_suicide_item_would(
    reported: str, expected: str | None
) -> None:
    assert reported_thoughts_level(reported) == expected


def test_an_unknown_risk_check_answer_is_refused_naming_the_answers() -> None:
    with pytest.raises(ClinicalInputError, match="none, thoughts, intent_or_plan"):
        reported_thoughts_level("maybe")
