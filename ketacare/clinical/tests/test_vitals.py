"""Vital-sign readings: data-entry limits, plausibility, thresholds."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical import (
    ENTRY_LIMITS,
    SUGGESTED_IV_THRESHOLDS,
    ClinicalInputError,
    Vitals,
    VitalThresholds,
    plausibility,
    vitals_acceptable,
)


def test_a_normal_reading_is_accepted_and_listed_in_order() -> None:
    vitals = Vitals(sbp=120, dbp=80, hr=72, spo2=98, rr=14)
    assert vitals.readings() == (("sbp", 120), ("dbp", 80), ("hr", 72), ("spo2", 98), ("rr", 14))
    assert plausibility(vitals) == []


def test_missing_readings_are_allowed() -> None:
    assert Vitals(spo2=97).readings() == (("spo2", 97),)


@pytest.mark.parametrize(
    ("reading", "message"),
    [
        ({"sbp": 0}, r"sbp \(mmHg\): 0 is out of range; allowed: from 40 to 300"),
        ({"sbp": 400}, r"sbp \(mmHg\): 400 is out of range"),
        ({"spo2": 101}, r"spo2 \(%\): 101 is out of range; allowed: from 20 to 100"),
        ({"hr": -5}, r"hr \(/min\): -5 is out of range"),
        ({"rr": 81}, r"rr \(/min\): 81 is out of range"),
        ({"dbp": 250}, r"dbp \(mmHg\): 250 is out of range"),
        ({"hr": "72"}, r"hr \(/min\): '72' is not a number"),
        ({"sbp": 80, "dbp": 80}, r"dbp \(mmHg\): 80 is not below the systolic 80"),
    ],
)
def test_impossible_readings_are_refused_naming_the_field_and_range(
    reading: dict[str, object], message: str
) -> None:
    with pytest.raises(ClinicalInputError, match=message):
        Vitals(**reading)  # type: ignore[arg-type]


def test_apnoea_can_be_recorded() -> None:
    assert Vitals(rr=0).rr == 0


@pytest.mark.parametrize(
    ("reading", "field"),
    [
        ({"sbp": 230}, "sbp"),
        ({"sbp": 65}, "sbp"),
        ({"hr": 35}, "hr"),
        ({"spo2": 82}, "spo2"),
        ({"rr": 4}, "rr"),
        ({"dbp": 135, "sbp": 200}, "dbp"),
    ],
)
def test_unusual_readings_are_warnings_to_confirm(reading: dict[str, float], field: str) -> None:
    findings = plausibility(Vitals(**reading))
    assert [(f.code, f.kind, f.field) for f in findings] == [
        (f"implausible_{field}", "warning", field)
    ]
    assert findings[0].source == "KetaCare data-entry limits"
    assert "confirm" in findings[0].message


@given(
    st.sampled_from(sorted(ENTRY_LIMITS)).flatmap(
        lambda name: st.tuples(st.just(name), st.floats(*ENTRY_LIMITS[name]))
    )
)
def test_every_value_within_the_entry_limits_is_accepted(case: tuple[str, float]) -> None:
    name, value = case
    assert getattr(Vitals(**{name: value}), name) == value


def test_thresholds_are_empty_by_default() -> None:
    assert VitalThresholds().is_empty
    assert not SUGGESTED_IV_THRESHOLDS.is_empty
    assert SUGGESTED_IV_THRESHOLDS.limits("spo2") == (95, None)
    assert SUGGESTED_IV_THRESHOLDS.limits("sbp") == (90, 180)


def test_the_suggested_iv_thresholds_are_the_icu_trial_values() -> None:
    t = SUGGESTED_IV_THRESHOLDS
    assert (t.sbp_min, t.sbp_max, t.hr_min, t.hr_max, t.spo2_min, t.rr_min, t.rr_max) == (
        90,
        180,
        50,
        120,
        95,
        10,
        30,
    )


def test_thresholds_refuse_a_minimum_above_the_maximum_and_impossible_limits() -> None:
    with pytest.raises(ClinicalInputError, match=r"sbp_min: 180 must be below sbp_max 90"):
        VitalThresholds(sbp_min=180, sbp_max=90)
    with pytest.raises(ClinicalInputError, match=r"spo2_min"):
        VitalThresholds(spo2_min=120)
    with pytest.raises(ClinicalInputError, match=r"moaas_min"):
        VitalThresholds(moaas_min=6)


def test_a_reading_is_acceptable_unless_its_checks_raised_a_warning_or_hard_stop() -> None:
    assert vitals_acceptable([])
    assert vitals_acceptable(["info", "gap"])
    assert not vitals_acceptable(["info", "warning"])
    assert not vitals_acceptable(["hard_stop"])
