"""Dosing (REFERENCE §1.3, §1.4, §2.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical import (
    ClinicalInputError,
    allowed_esketamine_doses,
    dosing_weight,
    esketamine_devices,
    infused_mg,
    infusion,
    weight_based_dose,
)
from ketacare.clinical.dosing import DEVICE_MG, ideal_body_weight

# --- esketamine devices and label doses -----------------------------------------------------


def test_56_mg_is_2_devices_and_84_mg_is_3() -> None:
    assert esketamine_devices(56) == 2
    assert esketamine_devices(84) == 3


@pytest.mark.parametrize("dose", [28, 0, 42, 112, 56.5, "56", True])
def test_any_other_dose_is_an_error_listing_the_allowed_doses(dose: object) -> None:
    with pytest.raises(ClinicalInputError, match=r"dose_mg: .* allowed values: 56, 84"):
        esketamine_devices(dose)  # type: ignore[arg-type]


def test_28_mg_is_1_device_only_when_a_protocol_allows_it() -> None:
    assert esketamine_devices(28, allow_28=True) == 1


@given(st.sampled_from([28, 56, 84]))
def test_devices_times_28_is_the_dose(dose: int) -> None:
    assert esketamine_devices(dose, allow_28=True) * DEVICE_MG == dose


def test_trd_starts_at_56_mg() -> None:
    assert allowed_esketamine_doses("trd", []) == {56}


def test_trd_allows_84_mg_after_a_56_mg_start() -> None:
    assert allowed_esketamine_doses("trd", [56]) == {56, 84}
    assert allowed_esketamine_doses("trd", (56, 84, 84)) == {56, 84}


def test_trd_does_not_allow_84_mg_without_a_56_mg_start() -> None:
    assert allowed_esketamine_doses("trd", [84]) == {56}


def test_mdsi_starts_at_84_mg_and_may_reduce_to_56() -> None:
    assert allowed_esketamine_doses("mdsi", []) == {84}
    assert allowed_esketamine_doses("mdsi", [84]) == {56, 84}


def test_the_smpc_configuration_starts_at_28_or_56_and_moves_in_28_mg_steps() -> None:
    assert allowed_esketamine_doses("trd", [], allow_28=True) == {28, 56}
    assert allowed_esketamine_doses("trd", [28], allow_28=True) == {28, 56}
    assert allowed_esketamine_doses("trd", [28, 56], allow_28=True) == {28, 56, 84}


def test_previous_doses_must_be_label_doses() -> None:
    with pytest.raises(ClinicalInputError, match=r"previous_doses_mg\[1\]: 28 is not allowed"):
        allowed_esketamine_doses("trd", [56, 28])


@pytest.mark.parametrize("history", ["56", 56, None])
def test_previous_doses_must_be_a_list(history: object) -> None:
    with pytest.raises(ClinicalInputError, match=r"previous_doses_mg: must be a list"):
        allowed_esketamine_doses("trd", history)  # type: ignore[arg-type]


def test_an_unknown_indication_is_refused() -> None:
    with pytest.raises(ClinicalInputError, match=r"indication: 'mdd' is not allowed"):
        allowed_esketamine_doses("mdd", [])


@given(st.lists(st.sampled_from([56, 84]), max_size=12), st.sampled_from(["trd", "mdsi"]))
def test_allowed_doses_are_always_label_doses(history: list[int], indication: str) -> None:
    assert allowed_esketamine_doses(indication, history) <= {56, 84}


# --- dosing weight --------------------------------------------------------------------------


def test_actual_weight_is_the_measured_weight() -> None:
    assert dosing_weight(82.5, basis="actual") == 82.5


def test_devine_ideal_weight_at_5_feet_is_the_base_weight() -> None:
    assert dosing_weight(90, basis="ideal", height_cm=152.4, sex="male") == pytest.approx(50.0)
    assert dosing_weight(90, basis="ideal", height_cm=152.4, sex="female") == pytest.approx(45.5)


def test_devine_adds_2_3_kg_per_inch_over_60_inches() -> None:
    six_feet = 72 * 2.54
    assert ideal_body_weight(six_feet, "male") == pytest.approx(50 + 2.3 * 12)
    assert ideal_body_weight(six_feet, "female") == pytest.approx(45.5 + 2.3 * 12)


def test_below_60_inches_nothing_is_subtracted() -> None:
    assert ideal_body_weight(140, "female") == 45.5


def test_adjusted_weight_is_ideal_plus_0_4_of_the_excess() -> None:
    ideal = 50 + 2.3 * 12
    assert dosing_weight(120, basis="adjusted", height_cm=72 * 2.54, sex="male") == pytest.approx(
        ideal + 0.4 * (120 - ideal)
    )


@pytest.mark.parametrize(
    ("height", "sex", "field"), [(None, "male", "height_cm"), (170, None, "sex")]
)
def test_ideal_and_adjusted_need_height_and_sex(
    height: float | None, sex: str | None, field: str
) -> None:
    with pytest.raises(
        ClinicalInputError, match=f"{field}: is required for the ideal weight basis"
    ):
        dosing_weight(80, basis="ideal", height_cm=height, sex=sex)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"weight_kg": 0, "basis": "actual"}, "weight_kg"),
        ({"weight_kg": 70, "basis": "lean"}, "basis"),
        ({"weight_kg": 70, "basis": "ideal", "height_cm": 50, "sex": "male"}, "height_cm"),
        ({"weight_kg": 70, "basis": "ideal", "height_cm": 170, "sex": "m"}, "sex"),
    ],
)
def test_invalid_weight_inputs_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        dosing_weight(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


# --- weight-based dose ----------------------------------------------------------------------


def test_half_a_mg_per_kg_for_70_kg_is_35_mg() -> None:
    dose = weight_based_dose(70, 0.5)
    assert (dose.dose_mg, dose.weight_used_kg, dose.basis, dose.capped) == (
        35.0,
        70.0,
        "actual",
        False,
    )


def test_the_dose_is_rounded_half_up_to_a_tenth_of_a_mg() -> None:
    assert weight_based_dose(70.5, 0.5).dose_mg == 35.3


def test_a_cap_lowers_the_dose_and_says_so() -> None:
    dose = weight_based_dose(150, 0.5, max_mg=60)
    assert (dose.dose_mg, dose.uncapped_dose_mg, dose.capped, dose.max_mg) == (
        60.0,
        75.0,
        True,
        60.0,
    )


def test_a_dosing_weight_above_the_actual_weight_is_noted() -> None:
    dose = weight_based_dose(45, 0.5, basis="ideal", height_cm=180, sex="male")
    assert dose.weight_used_kg > 45
    assert dose.notes
    assert "above the actual weight" in dose.notes[0]


def test_the_dose_records_the_basis_used() -> None:
    dose = weight_based_dose(120, 0.5, basis="adjusted", height_cm=175, sex="male")
    assert (dose.basis, dose.weight_used_kg) == ("adjusted", 90.3)
    assert dose.dose_mg == 45.2  # 45.15 rounds half up, not to even


@pytest.mark.parametrize(("mg_per_kg", "max_mg"), [(0, None), (11, None), (0.5, 0), (0.5, -5)])
def test_invalid_dose_inputs_are_refused(mg_per_kg: float, max_mg: float | None) -> None:
    with pytest.raises(ClinicalInputError):
        weight_based_dose(70, mg_per_kg, max_mg=max_mg)


@given(
    st.floats(30, 250),
    st.floats(0.1, 7.0),
    st.one_of(st.none(), st.floats(5, 500)),
    st.sampled_from(["actual", "ideal", "adjusted"]),
    st.floats(140, 210),
    st.sampled_from(["male", "female"]),
)
def test_a_dose_never_exceeds_its_cap_and_matches_weight_times_rate(
    weight: float, rate: float, cap: float | None, basis: str, height: float, sex: str
) -> None:
    dose = weight_based_dose(weight, rate, basis=basis, height_cm=height, sex=sex, max_mg=cap)
    assert dose.dose_mg > 0
    if cap is not None:
        assert dose.dose_mg <= cap
    if not dose.capped:
        assert dose.dose_mg == pytest.approx(dose.weight_used_kg * rate, abs=0.05 + 1e-9)
    assert dose.capped == (dose.dose_mg < dose.uncapped_dose_mg)


@given(st.floats(30, 250), st.floats(140, 210), st.sampled_from(["male", "female"]))
def test_adjusted_weight_lies_between_ideal_and_actual(
    weight: float, height: float, sex: str
) -> None:
    ideal = dosing_weight(weight, basis="ideal", height_cm=height, sex=sex)
    adjusted = dosing_weight(weight, basis="adjusted", height_cm=height, sex=sex)
    assert min(ideal, weight) - 1e-9 <= adjusted <= max(ideal, weight) + 1e-9


# --- infusion -------------------------------------------------------------------------------


def test_35_mg_over_40_minutes_at_10_mg_per_ml() -> None:
    result = infusion(35, 40, 10)
    assert (result.rate_mg_per_h, result.rate_ml_per_h, result.volume_ml) == (52.5, 5.25, 3.5)
    assert result.notes == ()


def test_undiluted_100_mg_per_ml_is_flagged() -> None:
    assert "diluted" in infusion(35, 40, 100).notes[0]


@pytest.mark.parametrize(
    ("dose", "minutes", "strength", "field"),
    [
        (0, 40, 10, "dose_mg"),
        (35, 0, 10, "minutes"),
        (35, 40, 0, "concentration_mg_per_ml"),
        (35, 40, 101, "concentration_mg_per_ml"),
    ],
)
def test_infusion_inputs_must_be_positive(
    dose: float, minutes: float, strength: float, field: str
) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        infusion(dose, minutes, strength)
    assert caught.value.field == field


@given(st.floats(1, 200), st.floats(2, 120), st.floats(1, 100))
def test_infusion_rate_times_duration_gives_the_volume(
    dose: float, minutes: float, strength: float
) -> None:
    result = infusion(dose, minutes, strength)
    assert result.rate_ml_per_h * minutes / 60 == pytest.approx(result.volume_ml, abs=0.02)
    assert result.rate_mg_per_h * minutes / 60 == pytest.approx(
        dose, abs=0.01 * minutes / 60 + 1e-9
    )


@pytest.mark.parametrize(
    ("running", "given"), [(0, 0.0), (10, 8.75), (39.5, 34.56), (40, 35.0), (55, 35.0)]
)
def test_an_infusion_gives_its_dose_in_proportion_to_the_time_it_ran_and_never_more(
    running: float, given: float
) -> None:
    assert infused_mg(35, 40, running) == given


@pytest.mark.parametrize(
    ("dose", "minutes", "running", "field"),
    [(0, 40, 10, "dose_mg"), (35, 0, 10, "minutes"), (35, 40, -1, "running_minutes")],
)
def test_what_an_infusion_gave_needs_a_dose_a_duration_and_a_time_run_of_zero_or_more(
    dose: float, minutes: float, running: float, field: str
) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        infused_mg(dose, minutes, running)
    assert caught.value.field == field
