"""Suicide triage (REFERENCE §6.1, §6.2, §4.4, §4.5)."""

import pytest

from ketacare.clinical import ClinicalInputError, TriageSettings, score, suicide_triage
from ketacare.clinical.suicide import LEVEL_ACTIONS, higher_risk

NO = {"1": False, "2": False, "6": False}


def test_triage_needs_at_least_one_input() -> None:
    with pytest.raises(ClinicalInputError, match=r"give at least one of cssrs"):
        suicide_triage()


def test_cssrs_high_blocks_dosing_with_the_high_actions() -> None:
    triage = suicide_triage(cssrs={**NO, "6": True, "6a": True})
    assert triage.level == "high"
    assert triage.blocks_dosing is True
    assert triage.actions[0].startswith("Stop the dosing workflow")
    assert "Do not leave the patient alone." in triage.actions
    assert triage.sources == ("REFERENCE §6.1",)


def test_cssrs_all_no_is_routine() -> None:
    triage = suicide_triage(cssrs=score("cssrs_screener", NO))
    assert (triage.level, triage.blocks_dosing, triage.requires_acknowledgement) == (
        "none",
        False,
        False,
    )
    assert triage.actions == ("Routine care.",)


def test_phq9_item_9_of_1_is_low_and_calls_for_the_cssrs() -> None:
    triage = suicide_triage(phq9_item9=1)
    assert triage.level == "low"
    assert triage.cssrs_indicated is True
    assert triage.requires_acknowledgement is True
    assert "Administer the C-SSRS Screener today." in triage.actions
    assert triage.blocks_dosing is False


def test_phq9_item_9_of_2_is_moderate_with_priority_escalation() -> None:
    triage = suicide_triage(phq9_item9=2)
    assert triage.level == "moderate"
    assert any("Priority escalation" in action for action in triage.actions)


def test_phq9_item_9_of_0_is_none() -> None:
    assert suicide_triage(phq9_item9=0).level == "none"


def test_qids_item_12_of_1_is_low_without_cssrs_and_of_2_moderate_with_it() -> None:
    assert suicide_triage(qids_item12=1).cssrs_indicated is False
    assert suicide_triage(qids_item12=1).level == "low"
    assert suicide_triage(qids_item12=2).level == "moderate"
    assert suicide_triage(qids_item12=2).cssrs_indicated is True


def test_madrs_item_10_of_4_is_moderate_and_of_3_none() -> None:
    assert suicide_triage(madrs_item10=4).level == "moderate"
    assert suicide_triage(madrs_item10=3).level == "none"


def test_a_single_item_never_reaches_high_on_its_own() -> None:
    assert suicide_triage(phq9_item9=3, qids_item12=3, madrs_item10=6).level == "moderate"


def test_the_highest_level_wins_and_a_given_cssrs_is_not_asked_for_again() -> None:
    triage = suicide_triage(cssrs={**NO, "1": True}, phq9_item9=2)
    assert triage.level == "moderate"
    assert triage.cssrs_indicated is False
    assert "Administer the C-SSRS Screener today." not in triage.actions
    assert triage.reasons == ("C-SSRS Screener: low risk", "PHQ-9 item 9 = 2: moderate risk")


def test_a_cssrs_score_of_another_scale_is_refused() -> None:
    with pytest.raises(ClinicalInputError, match=r"cssrs: is a moaas score"):
        suicide_triage(cssrs=score("moaas", {"1": 5}))


def test_item_values_out_of_range_are_refused() -> None:
    with pytest.raises(
        ClinicalInputError, match=r"madrs_item10: 7 is out of range; allowed: 0 to 6"
    ):
        suicide_triage(madrs_item10=7)


def test_settings_move_the_item_thresholds() -> None:
    settings = TriageSettings(madrs_item10_flag_min=2)
    assert suicide_triage(madrs_item10=2, settings=settings).level == "moderate"


def test_settings_can_replace_the_actions() -> None:
    actions = {**LEVEL_ACTIONS, "low": ("Call the on-call psychiatrist.",)}
    triage = suicide_triage(cssrs={**NO, "1": True}, settings=TriageSettings(level_actions=actions))
    assert triage.actions == ("Call the on-call psychiatrist.",)


def test_settings_must_keep_the_columbia_high_risk_anchors() -> None:
    with pytest.raises(ClinicalInputError, match=r"cssrs_high: must include questions 4, 5 and 6a"):
        TriageSettings(cssrs_high=frozenset({"4", "5"}))


def test_settings_refuse_unknown_questions_and_thresholds() -> None:
    with pytest.raises(ClinicalInputError, match=r"cssrs_low: unknown questions"):
        TriageSettings(cssrs_low=frozenset({"7"}))
    with pytest.raises(ClinicalInputError, match=r"phq9_item9_flag_min"):
        TriageSettings(phq9_item9_flag_min=0)


def test_settings_need_actions_for_every_level() -> None:
    with pytest.raises(ClinicalInputError, match=r"level_actions: needs actions for levels"):
        TriageSettings(level_actions={"high": ("x",)})


def test_higher_risk_orders_none_low_moderate_high() -> None:
    assert higher_risk("low", "moderate") == "moderate"
    assert higher_risk("high", "none") == "high"
