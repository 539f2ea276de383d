"""The schedule front desk keeps, the treatment API, and the course page's cost."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import World, client_for
from ketacare.accounts.services import api_token_create
from ketacare.clinics.actors import StaffActor
from ketacare.core.models import AuditEvent
from ketacare.treatment.models import PlannedSession, TreatmentCourse
from ketacare.treatment.schedule import session_book, session_cancel, session_move
from ketacare.treatment.services import (
    course_change_dose,
    course_pause,
    course_resume,
)
from ketacare.treatment.tests.builders import (
    MONDAY,
    builtin,
    signed_eligible,
    started_course,
)
from tests.factories import SETUP

pytestmark = pytest.mark.django_db


def _course(world: World, **options: Any) -> TreatmentCourse:
    return started_course(world.patient, nurse=world.nina, prescriber=world.pia, **options)


def _first(course: TreatmentCourse) -> PlannedSession:
    session = course.sessions.order_by("number").first()
    assert session is not None
    return session


def _call(user: StaffActor, method: str, path: str, body: Any = None) -> Any:
    _token, raw = api_token_create(actor=SETUP, user=user.user, name="t")
    data = json.dumps(body) if body is not None else ""
    return Client().generic(
        method,
        f"/api/v1/{path}",
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_front_desk_books_moves_and_cancels_a_session(world: World) -> None:
    session = _first(_course(world))
    session = session_book(
        actor=world.fran, session=session, scheduled_time=dt.time(9, 30), chair="Chair 2"
    )
    assert (session.status, session.chair) == ("booked", "Chair 2")
    later = session.scheduled_on + dt.timedelta(days=1)
    session = session_move(actor=world.fran, session=session, scheduled_on=later)
    assert (session.scheduled_on, session.previous_date) == (later, MONDAY)
    assert session.scheduled_time == dt.time(9, 30)
    session = session_cancel(actor=world.fran, session=session, reason="Patient unwell.")
    assert session.status == "cancelled"
    with pytest.raises(ValidationError, match="cancelled"):
        session_book(actor=world.fran, session=session, scheduled_time=dt.time(10))
    changes = [e.changes for e in AuditEvent.objects.filter(object_id=str(session.public_id))]
    assert changes[1]["scheduled_on"] == {"old": str(MONDAY), "new": str(later)}


def test_a_session_cannot_move_into_the_past_or_be_cancelled_without_a_reason(
    world: World,
) -> None:
    session = _first(_course(world))
    with pytest.raises(ValidationError) as past:
        session_move(actor=world.fran, session=session, scheduled_on=dt.date(2020, 1, 1))
    assert "scheduled_on" in past.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        session_cancel(actor=world.fran, session=session, reason="")
    assert "reason" in no_reason.value.message_dict


def test_front_desk_keeps_the_schedule_but_cannot_change_the_dose(world: World) -> None:
    course = _course(world)
    with pytest.raises(PermissionDenied):
        course_change_dose(actor=world.fran, course=course, dose_mg_per_kg=0.6, reason="x")
    with pytest.raises(PermissionDenied):
        session_book(actor=world.ada, session=_first(course), scheduled_time=dt.time(9))
    refused = _call(
        world.fran,
        "POST",
        f"courses/{course.public_id}/dose",
        {"dose_mg_per_kg": 0.6, "reason": "x"},
    )
    assert refused.status_code == 403
    page = client_for(world.fran).get(f"/patients/{world.patient.public_id}/treatment/")
    assert page.status_code == 200
    assert "book" in page.content.decode()
    assert "Dose order" not in page.content.decode()


def test_a_prescriber_starts_a_course_through_the_api_and_front_desk_books_it(
    world: World,
) -> None:
    signed_eligible(world.patient, nurse=world.nina, prescriber=world.pia, route="esketamine_nasal")
    trd = builtin(world.harbor, "esketamine_trd")
    body = {"protocol_id": str(trd.public_id), "start_date": str(MONDAY), "indication": "trd"}
    by_nurse = _call(world.nina, "POST", f"patients/{world.patient.public_id}/courses", body)
    assert by_nurse.status_code == 403
    refused = _call(
        world.pia,
        "POST",
        f"patients/{world.patient.public_id}/courses",
        {**body, "fixed_dose_mg": 84},
    )
    assert refused.status_code == 422
    assert "the label allows 56 mg" in refused.json()["error"]["fields"]["fixed_dose_mg"][0]
    started = _call(
        world.pia,
        "POST",
        f"patients/{world.patient.public_id}/courses",
        {**body, "weekdays": ["tue", "fri"]},
    )
    assert started.status_code == 201, started.content
    course = started.json()
    assert course["ready_for_first_session"].keys() == {"rems_enrolled"}
    again = _call(world.pia, "POST", f"patients/{world.patient.public_id}/courses", body)
    assert again.status_code == 409
    sessions = _call(world.fran, "GET", f"courses/{course['id']}/sessions").json()
    assert len(sessions) == 12
    booked = _call(
        world.fran, "POST", f"sessions/{sessions[0]['id']}/book", {"scheduled_time": "09:30"}
    )
    assert booked.json()["status"] == "booked"
    enrolled = _call(
        world.nina,
        "POST",
        f"courses/{course['id']}/rems-enrollment",
        {"enrollment_id": "R-7", "enrolled_on": "2026-01-05"},
    )
    assert enrolled.json()["ready_for_first_session"] == {}
    paused = _call(world.pia, "POST", f"courses/{course['id']}/pause", {"reason": "Travel."})
    assert paused.json()["status"] == "paused"
    bad = _call(world.pia, "POST", f"courses/{course['id']}/resume", {"resume_on": "not a date"})
    assert bad.status_code == 422
    assert "resume_on" in bad.json()["error"]["fields"]


def test_bad_protocol_settings_through_the_api_name_the_setting(world: World) -> None:
    iv = builtin(world.harbor, "iv_ketamine_twice_weekly")
    body = {"settings": {"in_session_rr_max": 500}}
    refused = _call(world.ada, "POST", f"protocols/{iv.public_id}/versions", body)
    assert refused.status_code == 422
    assert "from 0 to 80" in refused.json()["error"]["fields"]["in_session_rr_max"][0]
    unknown = _call(
        world.ada, "POST", f"protocols/{iv.public_id}/versions", {"settings": {"base": 1}}
    )
    assert "base" in unknown.json()["error"]["fields"]
    fixed = _call(world.ada, "PATCH", f"protocols/{iv.public_id}", {"settings": {"name": "x"}})
    assert fixed.status_code == 409
    listed = _call(world.theo, "GET", "protocols").json()
    assert len(listed) == 7


def test_another_clinics_course_and_sessions_are_not_found_and_audited(world: World) -> None:
    course = _course(world)
    session = _first(course)
    for path in (f"courses/{course.public_id}", f"courses/{course.public_id}/sessions"):
        assert _call(world.sol, "GET", path).status_code == 404
    moved = _call(
        world.sol, "POST", f"sessions/{session.public_id}/move", {"scheduled_on": "2031-01-01"}
    )
    assert moved.status_code == 404
    page = client_for(world.sol).get(f"/patients/{world.patient.public_id}/treatment/")
    assert page.status_code == 404
    denied = AuditEvent.objects.filter(outcome="denied", clinic_id=world.harbor.public_id)
    assert denied.filter(object_type="treatmentcourse").count() == 2
    assert denied.filter(object_type="plannedsession").count() == 1
    session.refresh_from_db()
    assert session.scheduled_on == MONDAY


def test_the_course_start_page_previews_then_starts_the_course(world: World) -> None:
    signed_eligible(world.patient, nurse=world.nina, prescriber=world.pia)
    iv = builtin(world.harbor, "iv_ketamine_twice_weekly")
    url = f"/patients/{world.patient.public_id}/treatment/start/"
    data = {"protocol_version": iv.pk, "start_date": str(MONDAY), "dose_mg_per_kg": "0.5"}
    preview = client_for(world.pia).post(url, {**data, "preview": "1"})
    assert preview.status_code == 200
    assert "40.0 mg" in preview.content.decode()  # 0.5 mg/kg x 80 kg
    assert not TreatmentCourse.objects.exists()
    wrong = client_for(world.pia).post(url, {**data, "weekdays": ["0"]})
    assert "1 given but the schedule has 2" in wrong.content.decode()
    started = client_for(world.pia).post(url, data)
    assert started.status_code == 302
    assert TreatmentCourse.objects.get().sessions.count() == 6


def _page_queries(world: World) -> int:
    client = client_for(world.pia)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/patients/{world.patient.public_id}/treatment/").status_code == 200
    return len(captured)


def test_the_course_page_costs_the_same_however_long_the_schedule(world: World) -> None:
    course = _course(world, code="esketamine_trd")
    small = _page_queries(world)
    course_change_dose(actor=world.pia, course=course, fixed_dose_mg=84, reason="Up.")
    for session in list(course.sessions.all())[:8]:
        session_book(actor=world.fran, session=session, scheduled_time=dt.time(9))
    course = course_pause(actor=world.pia, course=course, reason="Travel.")
    course_resume(actor=world.pia, course=course, resume_on=MONDAY + dt.timedelta(weeks=20))
    assert course.sessions.count() == 24
    assert _page_queries(world) == small
    assert small <= 30
