"""Treatment courses: who may start one and on what, the dose order, pause/resume/end, REMS."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import World
from ketacare import clinical
from ketacare.core.models import AuditEvent
from ketacare.screening.services import eligibility_sign, intake_update
from ketacare.treatment.models import CourseEvent, DoseOrder, PlannedSession, TreatmentCourse
from ketacare.treatment.queries import course_ready_for_first_session, protocol_of
from ketacare.treatment.services import (
    CourseAlreadyOpen,
    course_change_dose,
    course_end,
    course_pause,
    course_resume,
    course_start,
    rems_enrollment_record,
)
from ketacare.treatment.tests.builders import MONDAY, builtin, signed_eligible, started_course

pytestmark = pytest.mark.django_db


def _start(world: World, **options: object) -> TreatmentCourse:
    return started_course(world.patient, nurse=world.nina, prescriber=world.pia, **options)  # type: ignore[arg-type]


def test_a_course_cannot_start_without_a_signed_eligible_decision_for_that_route(
    world: World,
) -> None:
    signed_eligible(world.patient, nurse=world.nina, prescriber=world.pia, route="iv")
    trd = builtin(world.harbor, "esketamine_trd")
    with pytest.raises(ValidationError, match="No signed eligible decision for esketamine_nasal"):
        course_start(
            actor=world.pia,
            patient=world.patient,
            protocol_version=trd,
            start_date=MONDAY,
            indication="trd",
        )
    assert not TreatmentCourse.objects.exists()


def test_a_patient_signed_not_eligible_on_a_hard_stop_cannot_get_a_course(world: World) -> None:
    decision = signed_eligible(world.patient, nurse=world.nina, prescriber=world.pia)
    intake_update(actor=world.nina, intake=decision.intake, ketamine_hypersensitivity=True)
    eligibility_sign(actor=world.pia, intake=decision.intake, route="iv", decision="not_eligible")
    iv = builtin(world.harbor, "iv_ketamine_twice_weekly")
    with pytest.raises(ValidationError, match="latest decision for this route must be eligible"):
        course_start(actor=world.pia, patient=world.patient, protocol_version=iv, start_date=MONDAY)
    assert not TreatmentCourse.objects.exists()


def test_only_a_prescriber_starts_a_course(world: World) -> None:
    signed_eligible(world.patient, nurse=world.nina, prescriber=world.pia)
    iv = builtin(world.harbor, "iv_ketamine_twice_weekly")
    for user in (world.ada, world.nina, world.theo, world.fran, world.sol):
        with pytest.raises(PermissionDenied):
            course_start(actor=user, patient=world.patient, protocol_version=iv, start_date=MONDAY)
    assert not TreatmentCourse.objects.exists()


def test_the_schedule_is_the_cores_plan_on_the_chosen_weekdays(world: World) -> None:
    course = _start(world, weekdays=["tue", "fri"])
    expected = clinical.plan_sessions(
        protocol_of(course.protocol_version), MONDAY, weekdays=["tue", "fri"]
    )
    sessions = list(course.sessions.order_by("number"))
    assert [(s.number, s.scheduled_on, s.phase_code) for s in sessions] == [
        (p.number, p.date, p.phase_code) for p in expected
    ]
    assert {s.scheduled_on.weekday() for s in sessions} == {1, 4}
    assert course.weekdays == [1, 4]
    course.protocol_version.refresh_from_db()
    assert course.protocol_version.locked_at is not None
    event = AuditEvent.objects.get(object_id=str(course.public_id), action="create")
    assert event.changes["sessions_planned"] == 6


def test_bad_course_input_names_the_field_and_saves_nothing(world: World) -> None:
    signed_eligible(world.patient, nurse=world.nina, prescriber=world.pia)
    iv = builtin(world.harbor, "iv_ketamine_twice_weekly")
    cases = [
        ({"weekdays": ["mon"]}, "weekdays", "1 given but the schedule has 2"),
        ({"weekdays": ["funday", "mon"]}, "weekdays", "use mon ... sun"),
        ({"dose_mg_per_kg": 0}, "dose_mg_per_kg", "more than 0 to 10"),
        ({"fixed_dose_mg": 56}, "fixed_dose_mg", "weight-based protocol"),
        ({"start_phase": "maintenance"}, "start_phase", "not a phase"),
        ({"plan_weeks": 0}, "plan_weeks", "allowed: 1 to 520"),
    ]
    for options, field, words in cases:
        with pytest.raises(ValidationError) as refused:
            course_start(
                actor=world.pia,
                patient=world.patient,
                protocol_version=iv,
                start_date=MONDAY,
                **options,  # type: ignore[arg-type]
            )
        assert words in refused.value.message_dict[field][0], options
    assert not TreatmentCourse.objects.exists()
    assert not PlannedSession.objects.exists()
    iv.refresh_from_db()
    assert iv.locked_at is None


def test_an_iv_dose_above_the_protocol_range_needs_an_override_reason(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _start(world, dose_mg_per_kg=1.5)
    assert "outside this protocol's range" in refused.value.message_dict["dose_mg_per_kg"][0]
    course = _start(world, dose_mg_per_kg=1.5, override_reason="Partial response at 1.0.")
    order = course.dose_orders.get()
    assert order.overridden == ["dose_outside_protocol_range"]
    assert order.override_reason == "Partial response at 1.0."


def test_esketamine_trd_84_mg_first_is_refused_unless_a_prescriber_overrides(
    world: World,
) -> None:
    with pytest.raises(ValidationError) as refused:
        _start(world, code="esketamine_trd", fixed_dose_mg=84)
    assert "the label allows 56 mg" in refused.value.message_dict["fixed_dose_mg"][0]
    assert not TreatmentCourse.objects.exists()
    course = _start(
        world, code="esketamine_trd", fixed_dose_mg=84, override_reason="Tolerated 84 mg before."
    )
    assert course.fixed_dose_mg == 84
    assert course.dose_orders.get().overridden == ["esketamine_dose_not_allowed"]
    event = AuditEvent.objects.get(object_id=str(course.public_id), action="create")
    assert event.changes["override_reason"] == "Tolerated 84 mg before."


def test_esketamine_goes_up_to_84_mg_only_after_a_56_mg_order(world: World) -> None:
    course = _start(world, code="esketamine_trd")
    assert course.fixed_dose_mg == 56
    order = course_change_dose(
        actor=world.pia, course=course, fixed_dose_mg=84, reason="Tolerated; partial response."
    )
    assert order.overridden == []
    course.refresh_from_db()
    assert course.fixed_dose_mg == 84
    assert list(DoseOrder.objects.values_list("fixed_dose_mg", flat=True)) == [56, 84]
    with pytest.raises(ValidationError) as refused:
        course_change_dose(actor=world.pia, course=course, fixed_dose_mg=70, reason="x")
    assert "allowed values: 56, 84" in refused.value.message_dict["fixed_dose_mg"][0]


def test_a_therapist_nurse_or_front_desk_cannot_order_a_dose(world: World) -> None:
    course = _start(world)
    for user in (world.theo, world.nina, world.fran, world.ada):
        with pytest.raises(PermissionDenied):
            course_change_dose(actor=user, course=course, dose_mg_per_kg=0.6, reason="x")
    assert course.dose_orders.count() == 1


def test_an_esketamine_course_is_not_ready_until_rems_enrollment_is_recorded(
    world: World,
) -> None:
    course = _start(world, code="esketamine_trd")
    missing = course_ready_for_first_session(course)
    assert list(missing) == ["rems_enrolled"]
    assert "REMS" in missing["rems_enrolled"]
    with pytest.raises(PermissionDenied):
        rems_enrollment_record(
            actor=world.fran, course=course, enrollment_id="R1", enrolled_on=dt.date(2026, 1, 5)
        )
    with pytest.raises(ValidationError) as blank:
        rems_enrollment_record(
            actor=world.nina, course=course, enrollment_id=" ", enrolled_on=dt.date(2026, 1, 5)
        )
    assert "enrollment_id" in blank.value.message_dict
    course = rems_enrollment_record(
        actor=world.nina, course=course, enrollment_id="R-20931", enrolled_on=dt.date(2026, 1, 5)
    )
    assert course_ready_for_first_session(course) == {}
    assert course.rems_enrolled_by == world.nina.user


def test_an_iv_course_needs_no_rems_enrollment(world: World) -> None:
    course = _start(world)
    assert course_ready_for_first_session(course) == {}
    with pytest.raises(ValidationError):
        rems_enrollment_record(
            actor=world.pia, course=course, enrollment_id="R1", enrolled_on=dt.date(2026, 1, 5)
        )


def test_pause_holds_the_sessions_and_resume_plans_them_again(world: World) -> None:
    course = _start(world)
    with pytest.raises(ValidationError) as no_reason:
        course_pause(actor=world.pia, course=course, reason="  ")
    assert "reason" in no_reason.value.message_dict
    course = course_pause(actor=world.pia, course=course, reason="Patient travelling.")
    assert course.status == "paused"
    assert set(course.sessions.values_list("status", flat=True)) == {"cancelled"}
    assert course_ready_for_first_session(course) == {"course_active": "The course is paused."}
    resume_on = MONDAY + dt.timedelta(weeks=4)
    course = course_resume(actor=world.pia, course=course, resume_on=resume_on)
    assert course.status == "active"
    upcoming = course.sessions.exclude(status="cancelled").order_by("number")
    assert upcoming.count() == 6
    assert upcoming.first().number == 7  # type: ignore[union-attr]
    assert upcoming.first().scheduled_on == resume_on  # type: ignore[union-attr]
    kinds = list(CourseEvent.objects.filter(course=course).values_list("kind", flat=True))
    assert kinds == ["started", "paused", "resumed"]


def test_ending_needs_a_reason_and_a_new_course_can_then_start(world: World) -> None:
    course = _start(world)
    with pytest.raises(CourseAlreadyOpen):
        _start(world)
    with pytest.raises(ValidationError):
        course_end(actor=world.pia, course=course, reason="")
    course = course_end(actor=world.pia, course=course, reason="Completed induction.")
    assert (course.status, course.end_reason) == ("ended", "Completed induction.")
    assert course.sessions.exclude(status="cancelled").count() == 0
    with pytest.raises(ValidationError, match="ended"):
        course_pause(actor=world.pia, course=course, reason="x")
    again = _start(world)
    assert again.status == "active"
    assert TreatmentCourse.objects.count() == 2
