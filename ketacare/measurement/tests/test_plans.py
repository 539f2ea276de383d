"""The protocol's measurement plan over a course: starting the course sends its questionnaires,
and they follow the schedule — a moved session moves its questionnaire, a cancelled one
cancels it, a pause holds what has not opened and a resume sends it again; answers stand."""

import dataclasses
import datetime as dt
import io
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from conftest import Clock, World, client_for
from ketacare import clinical
from ketacare.core.models import AuditEvent
from ketacare.dosing.tests.builders import administered, cleared
from ketacare.measurement.assignments import questionnaire_assign, questionnaire_submit
from ketacare.measurement.models import AssignmentStatus, QuestionnaireAssignment
from ketacare.measurement.tests.builders import DAY, phq9
from ketacare.treatment.definitions import protocol_from_dict, protocol_to_dict
from ketacare.treatment.library import protocol_version_create
from ketacare.treatment.models import PlannedSession, TreatmentCourse
from ketacare.treatment.protocol_settings import MEASURE_SWITCHES, current_settings
from ketacare.treatment.queries import protocol_of
from ketacare.treatment.schedule import session_cancel, session_move
from ketacare.treatment.services import course_pause, course_resume
from ketacare.treatment.tests.builders import MONDAY, builtin, started_course

pytestmark = pytest.mark.django_db


def _course(world: World) -> TreatmentCourse:
    return started_course(world.patient, nurse=world.nina, prescriber=world.pia)


def _planned(course: TreatmentCourse) -> dict[str, QuestionnaireAssignment]:
    return {row.plan_key: row for row in QuestionnaireAssignment.objects.filter(course=course)}


def _midnight(world: World, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), zoneinfo.ZoneInfo(world.harbor.timezone))


def _session(course: TreatmentCourse, number: int) -> PlannedSession:
    return course.sessions.get(number=number)


def test_starting_a_course_sends_the_plans_questionnaires_in_the_clinics_days(
    world: World,
) -> None:
    course = _course(world)
    planned = _planned(course)
    today = world.harbor.today()
    first, second = _session(course, 1), _session(course, 2)
    baseline = planned["phq9:intake"]
    assert (baseline.opens_at, baseline.expires_at) == (
        _midnight(world, today),
        _midnight(world, today + 3 * DAY),
    )
    assert "gad7:intake" in planned
    rapid = planned["phq9:first_dose"]
    assert rapid.opens_at == _midnight(world, first.scheduled_on + DAY)
    before = planned[f"phq9:session:{second.public_id}"]
    assert (before.opens_at, before.expires_at) == (
        _midnight(world, second.scheduled_on),
        _midnight(world, second.scheduled_on + DAY),
    )
    assert {"phq9:end_of_induction", "gad7:end_of_induction"} <= set(planned)
    assert {row.assigned_by for row in planned.values()} == {world.pia.user}
    event = AuditEvent.objects.get(object_type="questionnaire_plan")
    assert (event.actor_kind, event.patient_id) == ("system", world.patient.public_id)
    assert "phq9:intake" in event.changes["created"]


def test_a_moved_session_moves_its_questionnaire_and_keeps_the_draft(world: World) -> None:
    course = _course(world)
    second = _session(course, 2)
    key = f"phq9:session:{second.public_id}"
    row = _planned(course)[key]
    row.draft = {"1": 2}
    row.save()
    later = second.scheduled_on + 2 * DAY
    session_move(actor=world.fran, session=second, scheduled_on=later)
    moved = _planned(course)[key]
    assert (moved.pk, moved.opens_at, moved.draft) == (row.pk, _midnight(world, later), {"1": 2})
    event = AuditEvent.objects.filter(object_type="questionnaire_plan").order_by("-pk").first()
    assert event is not None
    assert event.changes["moved"] == [key]


def test_a_cancelled_session_cancels_its_questionnaire(world: World) -> None:
    course = _course(world)
    third = _session(course, 3)
    session_cancel(actor=world.fran, session=third, reason="Patient unwell.")
    row = _planned(course)[f"phq9:session:{third.public_id}"]
    assert row.status == AssignmentStatus.CANCELLED


def test_a_pause_holds_what_has_not_opened_and_a_resume_sends_it_again(world: World) -> None:
    course = _course(world)
    course_pause(actor=world.pia, course=course, reason="Travelling.")
    planned = _planned(course)
    # The baseline is open now: the patient may still answer it.
    assert planned["phq9:intake"].status == AssignmentStatus.OPEN
    assert planned["phq9:end_of_induction"].status == AssignmentStatus.CANCELLED
    assert planned["phq9:first_dose"].status == AssignmentStatus.CANCELLED
    resume_on = MONDAY + 14 * DAY
    course_resume(actor=world.pia, course=course, resume_on=resume_on)
    planned = _planned(course)
    assert planned["phq9:end_of_induction"].status == AssignmentStatus.OPEN
    new_first = course.sessions.filter(held_by_pause=False, status="planned").order_by("number")
    assert planned["phq9:first_dose"].opens_at == _midnight(world, new_first[0].scheduled_on + DAY)


def test_an_answered_questionnaire_never_changes_with_the_schedule(world: World) -> None:
    course = _course(world)
    baseline = _planned(course)["phq9:intake"]
    questionnaire_submit(actor=world.paula, assignment=baseline, answers=phq9(0))
    course_pause(actor=world.pia, course=course, reason="Travelling.")
    answered = _planned(course)["phq9:intake"]
    assert answered.status == AssignmentStatus.COMPLETED
    assert answered.expires_at == baseline.expires_at


def test_a_questionnaire_sent_by_hand_stands_for_the_planned_one_it_overlaps(
    world: World,
) -> None:
    questionnaire_assign(
        actor=world.pia,
        patient=world.patient,
        instrument="phq9",
        expires_at=timezone.now() + 2 * DAY,
    )
    planned = _planned(_course(world))
    assert "phq9:intake" not in planned
    assert "gad7:intake" in planned


def test_a_planned_questionnaire_next_week_does_not_stop_one_sent_today(world: World) -> None:
    _course(world)
    # The course's sessions are years ahead; its baseline PHQ-9 is open now, the GAD-7's too.
    QuestionnaireAssignment.objects.filter(plan_key__endswith=":intake").update(
        status=AssignmentStatus.CANCELLED
    )
    sent = questionnaire_assign(
        actor=world.pia,
        patient=world.patient,
        instrument="phq9",
        expires_at=timezone.now() + 2 * DAY,
    )
    assert sent.plan_key == ""


def test_a_version_whose_plan_asks_for_nothing_sends_nothing(world: World) -> None:
    base = builtin(world.harbor, "iv_ketamine_twice_weekly")
    switches: dict[str, Any] = {name: False for name in MEASURE_SWITCHES}
    version = protocol_version_create(actor=world.ada, base=base, **switches)
    assert version.definition["measurement"] == []
    course = started_course(world.patient, nurse=world.nina, prescriber=world.pia, version=version)
    assert not _planned(course)


def test_a_clinic_admin_makes_a_version_with_fortnightly_maintenance_questionnaires(
    world: World,
) -> None:
    base = builtin(world.harbor, "iv_ketamine_twice_weekly")
    assert current_settings(protocol_of(base))["measure_phq9_maintenance"] is True
    page = client_for(world.ada).get(f"/protocols/{base.public_id}/new-version/")
    text = page.content.decode()
    assert "PHQ-9 the day after the first dose (rapid response)" in text
    version = protocol_version_create(
        actor=world.ada,
        base=base,
        measure_maintenance_every_weeks=2,
        measure_gad7_before_session=True,
    )
    plan = protocol_of(version).measurement
    assert clinical.MeasurementRule("phq9", "maintenance", every_weeks=2) in plan
    assert clinical.MeasurementRule("gad7", "before_session", every_weeks=2) in plan


def test_the_patients_portal_page_says_why_each_questionnaire_was_sent(world: World) -> None:
    _course(world)
    page = client_for(world.nina).get(f"/patients/{world.patient.public_id}/portal/")
    text = page.content.decode()
    assert "Baseline, at the start of the course" in text
    assert "Before a dosing session" in text


def test_stored_versions_without_a_plan_read_as_the_default_plan() -> None:
    protocol = clinical.get_protocol("iv_ketamine_twice_weekly")
    stored = protocol_to_dict(protocol)
    del stored["measurement"]
    assert protocol_from_dict(stored).measurement == clinical.DEFAULT_MEASUREMENT_PLAN
    assert dataclasses.replace(protocol, measurement=()).measurement == ()


def test_a_resume_on_the_same_dates_sends_again_what_the_pause_held(world: World) -> None:
    course = _course(world)
    course_pause(actor=world.pia, course=course, reason="A cold.")
    assert _planned(course)["phq9:first_dose"].status == AssignmentStatus.CANCELLED
    course_resume(actor=world.pia, course=course, resume_on=MONDAY)
    planned = _planned(course)
    assert planned["phq9:first_dose"].status == AssignmentStatus.OPEN
    assert planned["gad7:end_of_induction"].status == AssignmentStatus.OPEN


def test_what_is_asked_before_the_dose_closes_when_the_dose_starts(
    world: World, clock: Clock
) -> None:
    clock.move_to_today_at(9, 0)  # the course and its baseline opened today, before the dose
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    baseline = QuestionnaireAssignment.objects.get(plan_key="phq9:intake")
    assert baseline.expires_at > timezone.now()
    administered(session, world.nina, minutes_ago=10)
    session.refresh_from_db()
    baseline.refresh_from_db()
    # Answered after the dose, it would be read as the score before it.
    assert baseline.expires_at == session.dose_started_at
    assert QuestionnaireAssignment.objects.get(plan_key="gad7:intake").expires_at == (
        session.dose_started_at
    )


def test_a_maintenance_spacing_out_of_range_is_refused_by_its_settings_name(world: World) -> None:
    base = builtin(world.harbor, "iv_ketamine_twice_weekly")
    with pytest.raises(ValidationError) as refused:
        protocol_version_create(actor=world.ada, base=base, measure_maintenance_every_weeks=13)
    assert "measure_maintenance_every_weeks" in refused.value.message_dict


def test_after_an_upgrade_the_command_lays_out_the_plan_of_courses_started_before(
    world: World,
) -> None:
    course = _course(world)
    QuestionnaireAssignment.objects.filter(course=course).delete()  # a course from before plans
    out = io.StringIO()
    call_command("planquestionnaires", stdout=out)
    assert "phq9:intake" in _planned(course)
    assert "1 active courses:" in out.getvalue()
    again = io.StringIO()
    call_command("planquestionnaires", stdout=again)
    assert "0 questionnaires sent, 0 moved" in again.getvalue()
