"""The form prefilled from an esketamine session as recorded (REFERENCE §1.11)."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from conftest import World
from ketacare.clinical import BloodPressure
from ketacare.dosing.administration import session_record_device
from ketacare.dosing.corrections import session_entry_mark_error
from ketacare.dosing.discharge import session_abort, session_discharge
from ketacare.dosing.services import (
    session_record_adverse_event,
    session_record_score,
    session_record_side_effect,
    session_record_vitals,
)
from ketacare.dosing.tests.builders import (
    CADSS_NONE,
    administered,
    ago,
    checked_in,
    cleared,
    monitored,
    moved_to,
)
from ketacare.patients.services import medication_record
from ketacare.rems.prefill import prefill
from ketacare.rems.queries import forms_due
from ketacare.rems.services import rems_form_record_answers
from ketacare.rems.tests.builders import (
    Bay,
    bay_clinic,
    discharge_now,
    discharged,
    just_after_midnight,
)
from ketacare.treatment.services import course_end, rems_enrollment_record

pytestmark = pytest.mark.django_db


def _clinic_day(bay: Bay, moment: dt.datetime | None) -> dt.date:
    assert moment is not None
    return timezone.localdate(moment, zoneinfo.ZoneInfo(bay.clinic.timezone))


def test_a_discharged_session_prefills_every_field_the_record_knows(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    form = prefill(session).form
    assert (form.patient_first_name, form.patient_last_name, form.patient_sex) == (
        "Ellen",
        "Ortiz",
        "F",
    )
    assert form.patient_birth_date == dt.date(1980, 5, 17)
    assert form.first_treatment is True
    assert form.enrolled_in_rems is True
    assert (form.hcp_first_name, form.hcp_last_name) == ("Nora", "Lind")
    assert (form.hcp_phone, form.hcp_email) == ("555-0100", "front@bay.test")
    assert (form.setting_name, form.setting_zip) == ("Bay Clinic", "02110")
    assert form.treatment_date == _clinic_day(bay, session.dose_started_at)
    assert (form.dose_mg, form.lot_number) == (56, "LOT-7")
    assert form.treatment_minutes == 130
    assert form.bp_before == BloodPressure(120, 80)
    assert form.bp_40_min == BloodPressure(125, 80)
    assert form.bp_at_completion == BloodPressure(125, 80)
    assert form.vitals_acceptable_before is True
    assert (form.sedation, form.dissociation) == (False, False)
    assert form.respiratory_depression is None
    assert form.ready_to_leave_minutes is None


def test_what_only_staff_can_answer_is_left_blank_and_named(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    blanks = {finding.field for finding in prefill(session).blanks}
    assert blanks == {"respiratory_depression", "ready_to_leave_minutes"}


def test_each_value_names_its_source(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    sources = prefill(session).sources
    assert sources["hcp_first_name"] == "discharged by Nora Lind"
    assert sources["first_treatment"] == "no earlier esketamine dose recorded"
    assert sources["enrolled_in_rems"].startswith("course: REMS enrollment R-1")
    assert sources["benzodiazepines"] == "medication list: none"


def test_concomitant_classes_come_from_the_medicines_taken_that_day(bay: Bay) -> None:
    nurse, patient = bay.nurse, bay.patient
    medication_record(actor=nurse, patient=patient, name="Lorazepam", rems_class="benzodiazepine")
    medication_record(
        actor=nurse,
        patient=patient,
        name="Tramadol",
        rems_class="opioid",
        started_on=dt.date(2020, 1, 1),
        stopped_on=dt.date(2020, 2, 1),
    )
    current = prefill(discharged(patient, nurse=nurse, prescriber=bay.prescriber))
    assert (current.form.benzodiazepines, current.form.opioids) == (True, False)
    assert current.sources["benzodiazepines"] == "medication list: Lorazepam"


def test_sedation_dissociation_and_adverse_events_are_suggested_from_the_timeline(
    bay: Bay,
) -> None:
    nurse = bay.nurse
    session = monitored(cleared(bay.patient, nurse=nurse, prescriber=bay.prescriber), nurse)
    session_record_score(
        actor=nurse, session=session, instrument="moaas", answers={"1": 4}, administered_at=ago(60)
    )
    session_record_side_effect(
        actor=nurse, session=session, observed_at=ago(50), kind="dissociation", severity="mild"
    )
    session_record_adverse_event(
        actor=nurse,
        session=session,
        onset_at=ago(45),
        severity="moderate",
        serious=False,
        description="Vomited once",
        action_taken="Ondansetron",
    )
    current = prefill(discharge_now(session, nurse))
    assert (current.form.sedation, current.form.dissociation) == (True, True)
    assert current.sources["sedation"].startswith("suggested: lowest MOAA/S 4")
    assert "Vomited once (moderate). Action: Ondansetron" in current.form.adverse_event_notes


def test_staff_answers_override_the_records_suggestions(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    record = rems_form_record_answers(
        actor=bay.nurse, session=session, sedation=True, respiratory_depression=False
    )
    current = prefill(session, record)
    assert current.form.sedation is True
    assert current.sources["sedation"] == "staff answer (record suggested otherwise)"
    assert current.form.respiratory_depression is False
    assert current.sources["respiratory_depression"] == "staff answer"


def test_a_session_still_at_check_in_has_no_treatment_duration_yet(world: World) -> None:
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    assert prefill(session).form.first_treatment is True
    assert prefill(session).form.treatment_minutes is None


def test_a_patient_dosed_before_is_not_on_a_first_treatment(bay: Bay) -> None:
    first = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    course_end(actor=bay.prescriber, course=first.course, reason="Restarting the course")
    again = cleared(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    administered(again, bay.nurse, minutes_ago=5)
    current = prefill(again)
    assert current.form.first_treatment is False
    assert current.sources["first_treatment"].startswith("earlier esketamine dose on ")


def test_a_dose_recorded_but_aborted_before_any_device_is_no_earlier_treatment(bay: Bay) -> None:
    aborted = cleared(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    administered(aborted, bay.nurse, minutes_ago=30, devices=False)
    session_abort(actor=bay.nurse, session=aborted, reason="Declined before the first device")
    course_end(actor=bay.prescriber, course=aborted.course, reason="Restarting the course")
    first = cleared(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    administered(first, bay.nurse, minutes_ago=5)
    current = prefill(first)
    assert current.form.first_treatment is True
    assert current.sources["first_treatment"] == "no earlier esketamine dose recorded"


def test_an_enrollment_dated_after_the_treatment_is_not_reported_as_enrolled(bay: Bay) -> None:
    with moved_to(ago(48 * 60)):  # treated two days ago
        session = cleared(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
        administered(session, bay.nurse)
    today = bay.clinic.today()
    rems_enrollment_record(
        actor=bay.nurse, course=session.course, enrollment_id="R-1", enrolled_on=today
    )
    current = prefill(session)
    treated = current.form.treatment_date
    assert treated is not None
    assert treated < today
    assert current.form.enrolled_in_rems is False
    assert current.sources["enrolled_in_rems"].endswith("after the treatment date")
    assert "rems_not_enrolled" in {finding.code for finding in current.hard_stops}


def test_the_forms_due_list_and_the_form_count_the_treatment_day_from_the_same_device(
    bay: Bay,
) -> None:
    nurse = bay.nurse
    with moved_to(ago(26 * 60 + 5)):  # checked in the day before the device that counts
        session = cleared(bay.patient, nurse=nurse, prescriber=bay.prescriber)
    administered(session, nurse, minutes_ago=26 * 60, devices=False)
    wrong = session_record_device(actor=nurse, session=session, administered_at=ago(26 * 60))
    session_record_device(actor=nurse, session=session, administered_at=ago(130))
    session_entry_mark_error(actor=nurse, session=session, entry=wrong, reason="Wrong day")
    for checkpoint, minutes in (("post_40min", 90), ("pre_discharge", 2)):
        session_record_vitals(
            actor=nurse, session=session, measured_at=ago(minutes), checkpoint=checkpoint,
            sbp=125, dbp=80, hr=70, spo2=98, rr=14,
        )  # fmt: skip
    for instrument, answers in (("moaas", {"1": 5}), ("cadss6", CADSS_NONE)):
        session_record_score(
            actor=nurse, session=session, instrument=instrument, answers=answers,
            administered_at=ago(1),
        )  # fmt: skip
    session.refresh_from_db()
    session = discharge_now(session, nurse)
    [row] = forms_due(bay.clinic)
    assert row.treatment_date == prefill(session).form.treatment_date
    assert row.treatment_date == _clinic_day(bay, ago(130))


def test_a_dose_given_before_midnight_is_dated_that_day_when_the_form_is_made_after(
    db: None,
) -> None:
    bay = bay_clinic(just_after_midnight())
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    form = prefill(session).form
    assert form.treatment_date == bay.clinic.today() - dt.timedelta(days=1)
    assert form.enrolled_in_rems is True


def test_treatment_minutes_run_to_when_the_patient_left_not_when_it_was_recorded(bay: Bay) -> None:
    session = cleared(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    session = monitored(session, bay.nurse, minutes_ago=150, ended_minutes_ago=20)
    session = session_discharge(
        actor=bay.nurse,
        session=session,
        discharged_at=ago(20),
        vitals_acceptable=True,
        clinician_confirms=True,
        no_driving_instruction_given=True,
    )
    assert prefill(session).form.treatment_minutes == 130
