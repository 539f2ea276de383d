"""Therapy sessions as appointments: booked in a course with a therapist of the clinic,
never on top of another appointment, moved, cancelled with a reason, held or missed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import Clock, World, client_for
from ketacare.accounts.models import User
from ketacare.clinics.models import Role
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.dosing.tests.builders import administered, cleared
from ketacare.therapy.appointments import (
    therapy_session_book,
    therapy_session_cancel,
    therapy_session_held,
    therapy_session_missed,
    therapy_session_move,
)
from ketacare.therapy.models import TherapySession
from ketacare.therapy.tests.builders import booked, hours_ahead, in_course, summit_therapist
from ketacare.treatment.tests.builders import started_course
from tests.factories import PatientFactory, staff

pytestmark = pytest.mark.django_db


def _book(world: World, **overrides: object) -> TherapySession:
    values: dict[str, object] = {
        "actor": world.fran,
        "patient": world.patient,
        "therapist": world.theo.user,
        "kind": "preparation",
        "mode": "telehealth",
        "starts_at": hours_ahead(30),
        "duration_minutes": 50,
        **overrides,
    }
    return therapy_session_book(**values)  # type: ignore[arg-type]


def _refusal(world: World, **overrides: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        _book(world, **overrides)
    return refused.value.message_dict


def test_a_preparation_session_is_booked_in_the_patients_open_course(world: World) -> None:
    course = in_course(world)
    session = _book(world, room="Room 3")
    assert (session.course, session.therapist, session.status) == (
        course,
        world.theo.user,
        "booked",
    )
    assert session.duration_minutes == 50
    assert session.room == "", "a telehealth session has no room"
    created = AuditEvent.objects.get(object_id=session.public_id, action=AuditAction.CREATE)
    assert created.patient_id == world.patient.public_id
    assert created.changes["kind"] == {"old": None, "new": "preparation"}


def test_a_patient_without_an_open_course_is_not_booked_and_told_why(world: World) -> None:
    assert _refusal(world) == {
        "patient": ["The patient has no open treatment course; start one first."]
    }


def test_the_therapist_must_be_a_therapist_of_the_patients_clinic(world: World) -> None:
    in_course(world)
    refusal = {"therapist": ["Choose a therapist who works at this clinic."]}
    assert _refusal(world, therapist=world.nina.user) == refusal
    assert _refusal(world, therapist=summit_therapist(world).user) == refusal


def test_a_wrong_kind_mode_length_or_a_past_time_is_refused_naming_the_field(
    world: World,
) -> None:
    in_course(world)
    assert _refusal(world, kind="coaching") == {
        "kind": ["Choose one of: preparation, integration, therapy, group_integration."]
    }
    assert _refusal(world, mode="phone") == {"mode": ["Choose one of: in_person, telehealth."]}
    assert _refusal(world, duration_minutes=5) == {
        "duration_minutes": ["Give a length from 15 to 240 minutes."]
    }
    assert _refusal(world, starts_at=hours_ahead(-1)) == {
        "starts_at": ["Choose a time from now on."]
    }
    assert not TherapySession.objects.exists()


def test_a_session_on_top_of_the_therapists_other_appointment_is_refused(world: World) -> None:
    first = booked(world, hours=24)
    other = PatientFactory.create(clinic=world.harbor, actor=world.nina)
    started_course(other, nurse=world.nina, prescriber=world.pia)
    assert _refusal(world, patient=other, starts_at=first.starts_at + dt.timedelta(minutes=30)) == {
        "starts_at": ["The therapist has another appointment at that time."]
    }
    later = _book(world, patient=other, starts_at=first.ends_at)
    assert later.starts_at == first.ends_at, "back to back is not on top"


def test_a_group_integration_shares_its_hours_with_the_same_group_only(world: World) -> None:
    other = PatientFactory.create(clinic=world.harbor, actor=world.nina)
    started_course(other, nurse=world.nina, prescriber=world.pia)
    group = booked(world, hours=48, kind="group_integration", minutes=90)
    same = _book(
        world, patient=other, kind="group_integration", starts_at=group.starts_at,
        duration_minutes=90,
    )  # fmt: skip
    assert same.starts_at == group.starts_at
    with pytest.raises(ValidationError):
        therapy_session_move(actor=world.fran, session=same, starts_at=group.starts_at,
                             duration_minutes=60)  # fmt: skip


def test_the_patient_is_not_booked_twice_at_once(world: World) -> None:
    first = booked(world, hours=24)
    another = _make_therapist(world)
    assert _refusal(world, therapist=another, starts_at=first.starts_at) == {
        "starts_at": ["The patient has another therapy session at that time."]
    }


def _make_therapist(world: World) -> User:
    return staff(world.harbor, Role.THERAPIST, email="tara@harbor.test").user


def test_an_integration_session_follows_a_dose_given_and_comes_after_it(
    world: World, clock: Clock
) -> None:
    clock.move_to_today_at(12)
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    assert _refusal(world, kind="integration") == {
        "follows": ["Choose the dosing session(s) this integration session follows."]
    }
    assert _refusal(world, kind="integration", follows=[session]) == {
        "follows": ["Choose dosing sessions of this patient in which a dose was given."]
    }
    administered(session, world.nina, minutes_ago=10)
    session.refresh_from_db()
    assert _refusal(world, kind="preparation", follows=[session]) == {
        "follows": ["Only integration sessions follow dosing sessions."]
    }
    integration = _book(world, kind="integration", follows=[session], starts_at=hours_ahead(26))
    assert list(integration.follows.all()) == [session]
    with pytest.raises(ValidationError) as before_dose:
        therapy_session_move(
            actor=world.fran,
            session=integration,
            starts_at=session.dose_started_at,  # type: ignore[arg-type]
        )
    assert "starts_at" in before_dose.value.message_dict


def test_moving_keeps_the_time_before_and_the_length(world: World) -> None:
    session = booked(world, hours=24, minutes=45)
    before = session.starts_at
    moved = therapy_session_move(actor=world.theo, session=session, starts_at=hours_ahead(50))
    assert (moved.previous_starts_at, moved.duration_minutes) == (before, 45)
    update = AuditEvent.objects.get(object_id=session.public_id, action=AuditAction.UPDATE)
    assert set(update.changes) == {"starts_at", "ends_at", "previous_starts_at"}


def test_a_cancellation_needs_a_reason_and_a_cancelled_session_stays_cancelled(
    world: World,
) -> None:
    session = booked(world)
    with pytest.raises(ValidationError) as blank:
        therapy_session_cancel(actor=world.fran, session=session, reason=" ")
    assert list(blank.value.message_dict) == ["reason"]
    cancelled = therapy_session_cancel(actor=world.fran, session=session, reason="Unwell")
    assert (cancelled.status, cancelled.status_reason) == ("cancelled", "Unwell")
    with pytest.raises(ValidationError) as again:
        therapy_session_move(actor=world.fran, session=session, starts_at=hours_ahead(60))
    assert again.value.messages == ["This session is cancelled."]
    rebooked = _book(world, starts_at=session.starts_at)
    assert rebooked.starts_at == session.starts_at, "a cancelled session frees its hours"


def test_only_its_therapist_records_a_session_held_and_only_once_it_has_begun(
    world: World, clock: Clock
) -> None:
    session = booked(world, hours=2)
    with pytest.raises(ValidationError) as early:
        therapy_session_held(actor=world.theo, session=session)
    assert early.value.messages == ["The session has not begun yet."]
    clock.advance(hours=2, minutes=5)
    with pytest.raises(PermissionDenied):
        therapy_session_held(actor=world.nina, session=session)
    held = therapy_session_held(actor=world.theo, session=session)
    assert (held.status, held.status_at is not None) == ("held", True)
    with pytest.raises(ValidationError):
        therapy_session_missed(actor=world.theo, session=session, reason="Late entry")


def test_a_missed_session_keeps_what_is_known_of_why(world: World, clock: Clock) -> None:
    session = booked(world, hours=1)
    clock.advance(hours=1, minutes=20)
    with pytest.raises(ValidationError):
        therapy_session_missed(actor=world.theo, session=session, reason="")
    missed = therapy_session_missed(actor=world.theo, session=session, reason="No answer by phone")
    assert (missed.status, missed.status_reason) == ("missed", "No answer by phone")


def test_the_course_schedule_shows_its_therapy_sessions_beside_the_dosing_sessions(
    world: World,
) -> None:
    booked(world, hours=30, kind="therapy")
    page = client_for(world.fran).get(f"/patients/{world.patient.public_id}/treatment/")
    text = page.content.decode()
    assert 'id="h-course-therapy"' in text
    assert "Theo Therapist" in text
