"""Suggestions the REMS monitoring form takes from the recorded session (REFERENCE §1.11)."""

import datetime as dt

import pytest

from ketacare.clinical import ClinicalInputError
from ketacare.clinical.rems_prefill import (
    rems_dissociation_suggested,
    rems_earlier_treatment,
    rems_enrolled,
    rems_sedation_suggested,
    rems_sex,
    rems_treatment_minutes,
)

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("sex", "expected"), [("male", "M"), ("female", "F"), ("other", "Other"), ("unknown", None)]
)
def test_sex_maps_to_the_forms_three_choices_and_unknown_stays_blank(
    sex: str, expected: str | None
) -> None:
    assert rems_sex(sex) == expected


def test_sedation_is_suggested_by_any_moaas_below_alert_or_a_noted_sedation() -> None:
    assert rems_sedation_suggested([5, 4, 5], sedation_noted=False) is True
    assert rems_sedation_suggested([5, 5], sedation_noted=False) is False
    assert rems_sedation_suggested([], sedation_noted=True) is True
    assert rems_sedation_suggested([], sedation_noted=False) is None


def test_dissociation_is_suggested_by_any_cadss6_above_zero_or_a_noted_dissociation() -> None:
    assert rems_dissociation_suggested([0, 3], dissociation_noted=False) is True
    assert rems_dissociation_suggested([0], dissociation_noted=False) is False
    assert rems_dissociation_suggested([], dissociation_noted=True) is True
    assert rems_dissociation_suggested([], dissociation_noted=False) is None


def test_treatment_minutes_count_whole_minutes_from_the_first_device() -> None:
    ended = START + dt.timedelta(minutes=119, seconds=59)
    assert rems_treatment_minutes(START, ended) == 119
    assert rems_treatment_minutes(START, START + dt.timedelta(hours=2)) == 120


def test_monitoring_cannot_end_before_the_first_device() -> None:
    with pytest.raises(ClinicalInputError) as raised:
        rems_treatment_minutes(START, START - dt.timedelta(minutes=1))
    assert raised.value.field == "monitoring_ended_at"


def test_an_earlier_treatment_is_the_first_device_of_an_earlier_dose_that_gave_drug() -> None:
    earlier = START - dt.timedelta(days=3)
    assert rems_earlier_treatment([None, earlier, START - dt.timedelta(days=1)], START) == earlier


def test_a_dose_with_no_device_used_or_after_this_one_is_no_earlier_treatment() -> None:
    assert rems_earlier_treatment([None, START, START + dt.timedelta(days=1)], START) is None
    assert rems_earlier_treatment([], START) is None


def test_enrolled_only_when_the_enrollment_is_on_or_before_the_treatment_date() -> None:
    day = START.date()
    assert rems_enrolled(day, day) is True
    assert rems_enrolled(day - dt.timedelta(days=1), day) is True
    assert rems_enrolled(day + dt.timedelta(days=1), day) is False
    assert rems_enrolled(None, day) is False
