"""Dose orders checked against their protocol (REFERENCE §1.3, §2.1, §3.2)."""

import dataclasses

import pytest

from ketacare.clinical import PROTOCOLS, ClinicalInputError, customise, dose_order_findings

IV = PROTOCOLS["iv_ketamine_twice_weekly"]
TRD = PROTOCOLS["esketamine_trd"]
MDSI = PROTOCOLS["esketamine_mdsi"]
SUBLINGUAL = PROTOCOLS["sublingual_ketamine"]


def _codes(findings: tuple[object, ...]) -> list[str]:
    return [finding.code for finding in findings]  # type: ignore[attr-defined]


def test_an_iv_order_within_the_studied_range_has_no_findings() -> None:
    assert dose_order_findings(IV, dose_mg_per_kg=0.5) == ()
    assert dose_order_findings(IV, dose_mg_per_kg=1.0, max_dose_mg=80) == ()


def test_an_iv_order_outside_the_studied_range_is_a_warning_naming_the_field() -> None:
    (finding,) = dose_order_findings(IV, dose_mg_per_kg=1.5)
    assert finding.code == "dose_outside_protocol_range"
    assert finding.kind == "warning"
    assert finding.field == "dose_mg_per_kg"
    assert "0.1-1 mg/kg" in finding.message


def test_a_cap_above_the_protocol_cap_or_no_cap_at_all_is_a_warning() -> None:
    capped = customise(IV, dose_rule=dataclasses.replace(IV.dose_rule, max_mg=60.0))
    assert dose_order_findings(capped, dose_mg_per_kg=0.5, max_dose_mg=60) == ()
    assert _codes(dose_order_findings(capped, dose_mg_per_kg=0.5, max_dose_mg=70)) == [
        "cap_above_protocol"
    ]
    (finding,) = dose_order_findings(capped, dose_mg_per_kg=0.5)
    assert "no cap" in finding.message


def test_impossible_weight_based_orders_are_refused_naming_the_field() -> None:
    with pytest.raises(ClinicalInputError) as missing:
        dose_order_findings(IV)
    assert missing.value.field == "dose_mg_per_kg"
    with pytest.raises(ClinicalInputError) as too_high:
        dose_order_findings(IV, dose_mg_per_kg=12)
    assert "allowed: more than 0 to 10" in str(too_high.value)
    with pytest.raises(ClinicalInputError) as bad_cap:
        dose_order_findings(IV, dose_mg_per_kg=0.5, max_dose_mg=0)
    assert bad_cap.value.field == "max_dose_mg"
    with pytest.raises(ClinicalInputError) as wrong_kind:
        dose_order_findings(IV, dose_mg_per_kg=0.5, fixed_dose_mg=56)
    assert wrong_kind.value.field == "fixed_dose_mg"


def test_esketamine_trd_starts_at_56_mg_and_84_mg_needs_an_override() -> None:
    assert dose_order_findings(TRD, fixed_dose_mg=56, indication="trd") == ()
    (finding,) = dose_order_findings(TRD, fixed_dose_mg=84, indication="trd")
    assert finding.code == "esketamine_dose_not_allowed"
    assert finding.source == "REFERENCE §1.3"
    assert "first esketamine dose for TRD: the label allows 56 mg" in finding.message


def test_esketamine_84_mg_is_allowed_after_a_56_mg_start() -> None:
    assert (
        dose_order_findings(TRD, fixed_dose_mg=84, indication="trd", previous_doses_mg=[56]) == ()
    )


def test_esketamine_mdsi_starts_at_84_mg_and_may_come_down_to_56_mg() -> None:
    (finding,) = dose_order_findings(MDSI, fixed_dose_mg=56, indication="mdsi")
    assert "as the first esketamine dose" in finding.message
    assert (
        dose_order_findings(MDSI, fixed_dose_mg=56, indication="mdsi", previous_doses_mg=[84]) == ()
    )


def test_esketamine_28_mg_only_when_the_protocol_allows_it() -> None:
    with pytest.raises(ClinicalInputError) as refused:
        dose_order_findings(TRD, fixed_dose_mg=28, indication="trd")
    assert "allowed values: 56, 84" in str(refused.value)
    smpc = customise(TRD, dose_rule=dataclasses.replace(TRD.dose_rule, allowed_mg=(28, 56, 84)))
    assert dose_order_findings(smpc, fixed_dose_mg=28, indication="trd") == ()
    (finding,) = dose_order_findings(smpc, fixed_dose_mg=84, indication="trd")
    assert "not allowed as the first" in finding.message
    (later,) = dose_order_findings(smpc, fixed_dose_mg=84, indication="trd", previous_doses_mg=[28])
    assert "as the next esketamine dose" in later.message


def test_impossible_fixed_dose_orders_are_refused_naming_the_field() -> None:
    with pytest.raises(ClinicalInputError) as missing:
        dose_order_findings(TRD, indication="trd")
    assert missing.value.field == "fixed_dose_mg"
    with pytest.raises(ClinicalInputError) as no_indication:
        dose_order_findings(TRD, fixed_dose_mg=56)
    assert no_indication.value.field == "indication"
    with pytest.raises(ClinicalInputError) as bad_indication:
        dose_order_findings(TRD, fixed_dose_mg=56, indication="ocd")
    assert bad_indication.value.field == "indication"
    for wrong in ({"dose_mg_per_kg": 0.5}, {"max_dose_mg": 100}):
        with pytest.raises(ClinicalInputError):
            dose_order_findings(TRD, fixed_dose_mg=56, indication="trd", **wrong)


def test_other_fixed_doses_outside_the_protocol_are_a_warning() -> None:
    assert dose_order_findings(SUBLINGUAL, fixed_dose_mg=10) == ()
    (finding,) = dose_order_findings(SUBLINGUAL, fixed_dose_mg=25)
    assert finding.code == "dose_not_in_protocol"
    assert "allowed: 10 mg" in finding.message
    with pytest.raises(ClinicalInputError):
        dose_order_findings(SUBLINGUAL, fixed_dose_mg=0)
