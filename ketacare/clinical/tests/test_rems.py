"""The SPRAVATO REMS Patient Monitoring Form rules (REFERENCE §1.11)."""

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketacare.clinical import ClinicalInputError
from ketacare.clinical.rems import (
    REMS_REQUIRED_FIELDS,
    BloodPressure,
    RemsForm,
    rems_form_due,
    rems_form_problems,
    setting_certification_required,
)

COMPLETE = RemsForm(
    patient_first_name="Paula", patient_last_name="Rivera",
    patient_birth_date=dt.date(1980, 5, 17), patient_sex="F", first_treatment=False,
    benzodiazepines=False, non_benzodiazepine_sedative_hypnotics=False, psychostimulants=False,
    maois=False, opioids=False, hcp_first_name="Nina", hcp_last_name="Nurse",
    hcp_phone="555-0100", hcp_email="nina@harbor.test", setting_name="Harbor Clinic",
    setting_address1="1 Harbor Way", setting_city="Boston", setting_state="MA",
    setting_zip="02110", treatment_date=dt.date(2026, 11, 26), dose_mg=56, lot_number="L123",
    treatment_minutes=125, ready_to_leave_minutes=90, vitals_acceptable_before=True,
    vitals_acceptable_at_completion=True, bp_before=BloodPressure(128, 80),
    bp_40_min=BloodPressure(142, 88), bp_at_completion=BloodPressure(126, 78), sedation=True,
    dissociation=False, respiratory_depression=False,
)  # fmt: skip


def test_a_complete_form_has_no_problems() -> None:
    assert rems_form_problems(COMPLETE) == []


def test_every_required_field_is_a_field_of_the_form() -> None:
    names = {field.name for field in dataclasses.fields(RemsForm)}
    assert set(REMS_REQUIRED_FIELDS) <= names


@pytest.mark.parametrize("name", REMS_REQUIRED_FIELDS)
def test_a_blank_required_field_is_named(name: str) -> None:
    blank: object = "  " if isinstance(getattr(COMPLETE, name), str) else None
    problems = rems_form_problems(dataclasses.replace(COMPLETE, **{name: blank}))  # type: ignore[arg-type]
    assert [(p.field, p.kind) for p in problems] == [(name, "warning")]


def test_a_blank_lot_number_is_allowed_because_the_form_does_not_require_it() -> None:
    assert rems_form_problems(dataclasses.replace(COMPLETE, lot_number="")) == []


def test_monitoring_under_two_hours_is_flagged() -> None:
    problems = rems_form_problems(dataclasses.replace(COMPLETE, treatment_minutes=119))
    assert [p.code for p in problems] == ["rems_treatment_too_short"]
    assert "119 min" in problems[0].message


def test_a_first_treatment_without_enrollment_is_a_hard_stop() -> None:
    form = dataclasses.replace(COMPLETE, first_treatment=True, enrolled_in_rems=None)
    assert [(p.code, p.kind) for p in rems_form_problems(form)] == [
        ("rems_not_enrolled", "hard_stop")
    ]
    enrolled = dataclasses.replace(form, enrolled_in_rems=True)
    assert rems_form_problems(enrolled) == []


def test_the_form_is_due_seven_calendar_days_after_the_session() -> None:
    assert rems_form_due(dt.date(2026, 12, 28)) == dt.date(2027, 1, 4)


@given(st.dates(max_value=dt.date(9999, 12, 24)))
def test_the_due_date_is_always_seven_days_after_the_session(day: dt.date) -> None:
    assert (rems_form_due(day) - day).days == 7


def test_a_due_date_needs_a_date() -> None:
    with pytest.raises(ClinicalInputError, match="treatment_date"):
        rems_form_due("2026-11-26")  # type: ignore[arg-type]


def test_blood_pressure_reads_as_systolic_over_diastolic() -> None:
    assert str(BloodPressure(142, 88)) == "142/88 mmHg"


def test_only_a_setting_that_gives_esketamine_must_be_rems_certified() -> None:
    assert setting_certification_required(["iv", "esketamine_nasal"])
    assert not setting_certification_required(["iv", "oral"])
    assert not setting_certification_required([])
    with pytest.raises(ClinicalInputError):
        setting_certification_required(["intravenous"])
