"""Pre-dose check, in-session vitals and discharge (REFERENCE §1.5-§1.7, §1.11, §2.4, §2.6)."""

from collections.abc import Sequence
from typing import Any

import pytest

from ketacare.clinical import (
    SUGGESTED_IV_THRESHOLDS,
    ClinicalInputError,
    Finding,
    Readiness,
    Vitals,
    VitalThresholds,
    discharge_readiness,
    evaluate_vitals,
    pre_dose_check,
)

NORMAL = Vitals(sbp=120, dbp=78, hr=70, spo2=98, rr=14)


def codes(findings: Sequence[Finding]) -> list[str]:
    return [f.code for f in findings]


# --- pre-dose -------------------------------------------------------------------------------


def test_esketamine_bp_of_140_90_is_acceptable() -> None:
    assert pre_dose_check("esketamine_nasal", Vitals(sbp=140, dbp=90)) == []


@pytest.mark.parametrize(
    ("sbp", "dbp", "field"), [(141, 80, "sbp"), (130, 91, "dbp"), (150, 95, "sbp")]
)
def test_esketamine_bp_above_140_90_is_a_warning_to_weigh_delaying(
    sbp: int, dbp: int, field: str
) -> None:
    findings = pre_dose_check("esketamine_nasal", Vitals(sbp=sbp, dbp=dbp))
    assert [(f.code, f.kind, f.source, f.field) for f in findings] == [
        ("esketamine_bp_above_140_90", "warning", "REFERENCE §1.5", field)
    ]
    assert "consider delaying" in findings[0].message


def test_a_missing_pre_dose_bp_is_a_warning() -> None:
    assert codes(pre_dose_check("esketamine_nasal", Vitals(hr=70))) == ["bp_not_recorded"]
    finding = pre_dose_check("iv", Vitals(sbp=120))[0]
    assert (finding.code, finding.field, finding.source) == (
        "bp_not_recorded",
        "dbp",
        "REFERENCE §2.4",
    )


def test_a_high_systolic_with_a_missing_diastolic_still_warns_on_esketamine() -> None:
    findings = pre_dose_check("esketamine_nasal", Vitals(sbp=150))
    assert codes(findings) == ["bp_not_recorded", "esketamine_bp_above_140_90"]
    assert "150/?" in findings[1].message


def test_iv_pre_dose_has_no_limits_unless_the_protocol_sets_them() -> None:
    assert pre_dose_check("iv", Vitals(sbp=170, dbp=100)) == []


def test_iv_pre_dose_applies_the_protocols_limits() -> None:
    limits = VitalThresholds(sbp_max=140, dbp_max=90)
    findings = pre_dose_check("iv", Vitals(sbp=150, dbp=85), thresholds=limits)
    assert codes(findings) == ["sbp_above_max"]
    assert findings[0].message == "Systolic BP 150 mmHg is above the pre-dose maximum of 140 mmHg."


def test_esketamine_also_applies_extra_protocol_limits() -> None:
    findings = pre_dose_check(
        "esketamine_nasal", Vitals(sbp=120, dbp=80, hr=130), thresholds=VitalThresholds(hr_max=120)
    )
    assert codes(findings) == ["hr_above_max"]


def test_pre_dose_refuses_something_that_is_not_a_reading() -> None:
    with pytest.raises(ClinicalInputError, match=r"vitals: must be a Vitals reading"):
        pre_dose_check("iv", {"sbp": 120})  # type: ignore[arg-type]


# --- in-session -----------------------------------------------------------------------------


def test_with_no_thresholds_nothing_is_flagged() -> None:
    assert evaluate_vitals("iv", Vitals(sbp=190, dbp=110, hr=130, spo2=90, rr=8)) == []


def test_the_suggested_thresholds_flag_each_breach() -> None:
    reading = Vitals(sbp=185, dbp=100, hr=45, spo2=93, rr=32)
    findings = evaluate_vitals("iv", reading, thresholds=SUGGESTED_IV_THRESHOLDS)
    assert codes(findings) == ["sbp_above_max", "hr_below_min", "spo2_below_min", "rr_above_max"]
    assert {f.kind for f in findings} == {"warning"}


def test_values_at_a_limit_are_acceptable() -> None:
    reading = Vitals(sbp=180, dbp=100, hr=50, spo2=95, rr=30)
    assert evaluate_vitals("iv", reading, thresholds=SUGGESTED_IV_THRESHOLDS) == []


def test_a_limit_without_a_reading_is_noted() -> None:
    findings = evaluate_vitals("iv", Vitals(sbp=120, dbp=80), thresholds=SUGGESTED_IV_THRESHOLDS)
    assert codes(findings) == ["hr_not_recorded", "spo2_not_recorded", "rr_not_recorded"]
    assert {f.kind for f in findings} == {"info"}


def test_moaas_0_is_always_a_loss_of_consciousness_warning() -> None:
    findings = evaluate_vitals("esketamine_nasal", NORMAL, moaas=0)
    assert codes(findings) == ["loss_of_consciousness"]


def test_moaas_below_the_protocol_minimum_is_a_warning() -> None:
    limits = VitalThresholds(moaas_min=3)
    assert codes(evaluate_vitals("im", NORMAL, moaas=2, thresholds=limits)) == ["moaas_below_min"]
    assert evaluate_vitals("im", NORMAL, moaas=3, thresholds=limits) == []
    assert evaluate_vitals("im", NORMAL, moaas=2) == []


def test_moaas_must_be_0_to_5() -> None:
    with pytest.raises(ClinicalInputError, match=r"moaas: 6 is out of range; allowed: 0 to 5"):
        evaluate_vitals("iv", NORMAL, moaas=6)


def test_an_esketamine_rise_of_40_systolic_from_baseline_is_a_warning() -> None:
    baseline = Vitals(sbp=120, dbp=80)
    assert codes(
        evaluate_vitals("esketamine_nasal", Vitals(sbp=160, dbp=85), baseline=baseline)
    ) == ["esketamine_bp_rise"]
    assert evaluate_vitals("esketamine_nasal", Vitals(sbp=159, dbp=104), baseline=baseline) == []
    rise = evaluate_vitals("esketamine_nasal", Vitals(sbp=140, dbp=105), baseline=baseline)
    assert [(f.code, f.field) for f in rise] == [("esketamine_bp_rise", "dbp")]


def test_the_bp_rise_rule_is_esketamine_only_and_needs_both_readings() -> None:
    baseline = Vitals(sbp=120, dbp=80)
    assert evaluate_vitals("iv", Vitals(sbp=170, dbp=100), baseline=baseline) == []
    assert evaluate_vitals("esketamine_nasal", Vitals(hr=80), baseline=baseline) == []


def test_the_baseline_must_be_a_reading() -> None:
    with pytest.raises(ClinicalInputError, match=r"baseline: must be a Vitals reading"):
        evaluate_vitals("esketamine_nasal", NORMAL, baseline=(120, 80))  # type: ignore[arg-type]


def test_an_unknown_route_is_refused() -> None:
    with pytest.raises(ClinicalInputError, match=r"route: 'intranasal' is not allowed"):
        evaluate_vitals("intranasal", NORMAL)


# --- discharge ------------------------------------------------------------------------------


def ready(route: str = "esketamine_nasal", **changes: Any) -> Readiness:
    kwargs: dict[str, Any] = {
        "minutes_since_dose": 120,
        "latest_moaas": 5,
        "vitals_acceptable": True,
        "clinician_confirms": True,
    }
    kwargs.update(changes)
    return discharge_readiness(route, **kwargs)


def test_esketamine_is_ready_at_120_minutes_when_everything_is_confirmed() -> None:
    result = ready()
    assert (result.ready, result.missing, result.minutes_remaining) == (True, (), 0.0)
    assert "next day" in result.advice[0]


def test_esketamine_needs_at_least_120_minutes() -> None:
    result = ready(minutes_since_dose=119)
    assert result.ready is False
    assert result.missing == ("observation_time",)
    assert result.minutes_remaining == 1


def test_esketamine_observation_cannot_be_set_below_120_minutes() -> None:
    with pytest.raises(
        ClinicalInputError, match=r"min_observation_min: 90 is out of range; allowed: 120"
    ):
        ready(min_observation_min=90)
    assert ready(minutes_since_dose=150, min_observation_min=180).missing == ("observation_time",)


@pytest.mark.parametrize("route", ["esketamine_nasal", "iv", "im", "sublingual", "oral"])
def test_every_route_needs_the_clinicians_confirmation(route: str) -> None:
    result = ready(route, clinician_confirms=False)
    assert result.ready is False
    assert result.missing == ("clinician_confirmation",)


def test_ketamine_routes_have_no_minimum_time_unless_the_protocol_sets_one() -> None:
    assert ready("iv", minutes_since_dose=45).ready is True
    assert ready("iv", minutes_since_dose=45, min_observation_min=60).missing == (
        "observation_time",
    )
    assert ready("iv").advice == ()


def test_sedation_must_have_resolved() -> None:
    assert ready(latest_moaas=4).missing == ("sedation_not_resolved",)
    assert ready(latest_moaas=None).missing == ("sedation_score",)
    assert ready(latest_moaas=4, required_moaas=4).ready is True


def test_dissociation_and_vitals_must_be_acceptable() -> None:
    result = ready(dissociation_resolved=False, vitals_acceptable=False)
    assert result.missing == ("dissociation_not_resolved", "vitals_acceptable")
    assert len(result.messages) == 2
    assert ready(dissociation_resolved=True).ready is True


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minutes_since_dose": -1}, "minutes_since_dose"),
        ({"latest_moaas": 7}, "latest_moaas"),
        ({"vitals_acceptable": "yes"}, "vitals_acceptable"),
        ({"clinician_confirms": 1}, "clinician_confirms"),
        ({"dissociation_resolved": "no"}, "dissociation_resolved"),
        ({"required_moaas": 6}, "required_moaas"),
    ],
)
def test_invalid_discharge_inputs_are_refused(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        ready(**changes)
    assert caught.value.field == field
