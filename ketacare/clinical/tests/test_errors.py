"""Input checks: every message names the field and what is allowed."""

import math

import pytest

from ketacare.clinical.errors import (
    ClinicalInputError,
    require_bool,
    require_choice,
    require_int,
    require_number,
)


def test_require_choice_returns_the_matching_choice() -> None:
    assert require_choice("route", "iv", ("iv", "im")) == "iv"


def test_require_choice_refuses_a_value_of_another_type() -> None:
    with pytest.raises(
        ClinicalInputError, match=r"dose_mg: True is not allowed; allowed values: 56"
    ):
        require_choice("dose_mg", True, (56,))


def test_require_bool_refuses_one_and_zero() -> None:
    assert require_bool("flag", False) is False
    with pytest.raises(ClinicalInputError, match=r"flag: 1 is not allowed; allowed values: True"):
        require_bool("flag", 1)


def test_require_int_names_the_range() -> None:
    assert require_int("age", 18, 0, 130) == 18
    with pytest.raises(ClinicalInputError, match=r"age: 131 is out of range; allowed: 0 to 130"):
        require_int("age", 131, 0, 130)
    with pytest.raises(ClinicalInputError, match=r"allowed: 1 or more"):
        require_int("version", 0, 1)
    with pytest.raises(ClinicalInputError, match=r"is not a whole number"):
        require_int("age", 18.0, 0, 130)
    with pytest.raises(ClinicalInputError, match=r"is not a whole number"):
        require_int("age", True, 0, 130)


def test_require_number_accepts_ints_and_floats_in_range() -> None:
    assert require_number("weight_kg", 70, 0, 400) == 70.0
    assert require_number("weight_kg", 0.5, 0, 400, low_exclusive=True) == 0.5


@pytest.mark.parametrize("value", [0, -1, 401, math.nan, math.inf, "70", None, False])
def test_require_number_refuses_values_outside_the_range(value: object) -> None:
    with pytest.raises(ClinicalInputError, match=r"^weight_kg: .*allowed: more than 0 to 400"):
        require_number("weight_kg", value, 0, 400, low_exclusive=True)


def test_require_number_with_an_inclusive_low_says_from() -> None:
    with pytest.raises(ClinicalInputError, match=r"allowed: from 40 to 300"):
        require_number("sbp", 39, 40, 300)
