"""A planned session completed by its discharge: fixed on the schedule from then on."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import World, client_for
from ketacare.core.models import AuditEvent
from ketacare.treatment.models import PlannedSession, SessionStatus, TreatmentCourse
from ketacare.treatment.schedule import (
    planned_session_complete,
    session_book,
    session_cancel,
    session_move,
)
from ketacare.treatment.services import course_end, course_pause, course_resume
from ketacare.treatment.tests.builders import started_course

pytestmark = pytest.mark.django_db


def _course_today(world: World) -> TreatmentCourse:
    today = world.harbor.today()
    return started_course(
        world.patient,
        nurse=world.nina,
        prescriber=world.pia,
        code="iv_ketamine_twice_weekly",
        start_date=today,
        weekdays=[today.weekday(), (today.weekday() + 3) % 7],
    )


def _todays(course: TreatmentCourse) -> PlannedSession:
    return course.sessions.get(scheduled_on=course.clinic.today())


def test_completing_a_session_marks_it_completed_and_audits_the_change(world: World) -> None:
    session = planned_session_complete(actor=world.nina, planned=_todays(_course_today(world)))
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    assert session.completed_at is not None
    event = AuditEvent.objects.filter(object_id=str(session.public_id)).get()
    assert event.changes["status"] == {"old": "planned", "new": "completed"}


def test_a_completed_session_cannot_be_booked_moved_or_cancelled(world: World) -> None:
    session = planned_session_complete(actor=world.nina, planned=_todays(_course_today(world)))
    tomorrow = world.harbor.today() + dt.timedelta(days=1)
    attempts = (
        lambda: session_book(actor=world.fran, session=session, scheduled_time=dt.time(10)),
        lambda: session_move(actor=world.fran, session=session, scheduled_on=tomorrow),
        lambda: session_cancel(actor=world.fran, session=session, reason="No longer needed."),
    )
    for attempt in attempts:
        with pytest.raises(ValidationError, match="completed"):
            attempt()
    session.refresh_from_db()
    assert (session.status, session.scheduled_on) == ("completed", world.harbor.today())


def test_a_session_cannot_be_completed_twice_nor_by_front_desk(world: World) -> None:
    session = _todays(_course_today(world))
    with pytest.raises(PermissionDenied):
        planned_session_complete(actor=world.fran, planned=session)
    planned_session_complete(actor=world.nina, planned=session)
    with pytest.raises(ValidationError, match="already completed"):
        planned_session_complete(actor=world.nina, planned=session)


def test_pausing_or_ending_the_course_leaves_todays_completed_session_completed(
    world: World,
) -> None:
    course = _course_today(world)
    done = planned_session_complete(actor=world.nina, planned=_todays(course))
    course_pause(actor=world.pia, course=course, reason="Travel.")
    done.refresh_from_db()
    assert (done.status, done.held_by_pause) == ("completed", False)
    course_resume(actor=world.pia, course=course, resume_on=world.harbor.today())
    course_end(actor=world.pia, course=course, reason="Remission.")
    done.refresh_from_db()
    assert done.status == "completed"
    assert course.sessions.filter(status="completed").count() == 1


def test_a_session_cancelled_by_a_pause_while_the_patient_was_dosed_is_completed_and_not_replanned(
    world: World,
) -> None:
    course = _course_today(world)
    course_pause(actor=world.pia, course=course, reason="Travel.")
    held = course.sessions.filter(held_by_pause=True).count()
    done = planned_session_complete(actor=world.nina, planned=_todays(course))
    assert (done.status, done.cancel_reason, done.held_by_pause) == ("completed", "", False)
    course_resume(actor=world.pia, course=course, resume_on=world.harbor.today())
    assert course.sessions.filter(status__in=["planned", "booked"]).count() == held - 1


def test_the_course_page_shows_a_completed_session_without_schedule_actions(
    world: World,
) -> None:
    course = _course_today(world)
    done = planned_session_complete(actor=world.nina, planned=_todays(course))
    page = client_for(world.fran).get(f"/patients/{world.patient.public_id}/treatment/")
    html = page.content.decode()
    assert '<span class="tag session-completed">Completed</span>' in html
    assert f"sessions/{done.public_id}/move/" not in html
    assert f"sessions/{course.sessions.exclude(pk=done.pk).first().public_id}/move/" in html  # type: ignore[union-attr]


def test_the_schedule_and_course_pages_post_through_their_services(world: World) -> None:
    course = _course_today(world)
    session = _todays(course)
    base = f"/patients/{world.patient.public_id}/treatment"
    booked = client_for(world.fran).post(
        f"{base}/sessions/{session.public_id}/book/", {"scheduled_time": "09:30", "chair": "2"}
    )
    assert booked.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.chair) == ("booked", "2")
    no_reason = client_for(world.pia).post(f"{base}/{course.public_id}/pause/", {"reason": " "})
    assert no_reason.status_code == 200
    planned_session_complete(actor=world.nina, planned=session)
    refused = client_for(world.fran).post(
        f"{base}/sessions/{session.public_id}/cancel/", {"reason": "No longer needed."}
    )
    assert refused.status_code == 200
    assert "it can no longer be booked, moved or cancelled" in refused.content.decode()
    paused = client_for(world.pia).post(f"{base}/{course.public_id}/pause/", {"reason": "Travel."})
    assert paused.status_code == 302
    course.refresh_from_db()
    assert course.status == "paused"
