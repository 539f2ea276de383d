"""The therapist's day: today's sessions, the caseload with its context, and the patients
dosed recently whose integration is not booked; bounded queries as the caseload grows."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Clock, World, client_for
from ketacare.core.models import AuditEvent
from ketacare.dosing.models import DosingSession
from ketacare.dosing.tests.builders import administered, cleared
from ketacare.therapy.appointments import (
    therapy_session_book,
    therapy_session_held,
    therapy_session_missed,
)
from ketacare.therapy.care_team import care_team_add
from ketacare.therapy.tests.builders import booked, hours_ahead
from ketacare.treatment.tests.builders import started_course
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
DAY = "/therapy/today/"


def _dosed_today(world: World, clock: Clock) -> DosingSession:
    """Paula dosed half an hour ago, at midday."""
    clock.move_to_today_at(12)
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    administered(session, world.nina, minutes_ago=30)
    session.refresh_from_db()
    return session


def _on_theos_caseload(world: World, patient: Any) -> None:
    care_team_add(actor=world.pia, patient=patient, member=world.theo.user, team_role="therapist")


def test_a_patient_dosed_without_an_integration_session_is_on_the_day_until_one_is_booked(
    world: World, clock: Clock
) -> None:
    session = _dosed_today(world, clock)
    _on_theos_caseload(world, world.patient)
    client = client_for(world.theo)
    page = client.get(DAY).content.decode()
    assert "Dosed recently, integration not booked (1)" in page
    assert "56 mg" in page
    session.refresh_from_db()
    therapy_session_book(
        actor=world.theo, patient=world.patient, therapist=world.theo.user, kind="integration",
        mode="telehealth", starts_at=hours_ahead(24), duration_minutes=60, follows=[session],
    )  # fmt: skip
    assert "Dosed recently, integration not booked (0)" in client.get(DAY).content.decode()


def test_todays_sessions_are_listed_with_a_link_to_write_the_note(
    world: World, clock: Clock
) -> None:
    clock.move_to_today_at(9)
    session = booked(world, hours=2, by=world.theo)
    page = client_for(world.theo).get(DAY).content.decode()
    assert "Today&#x27;s sessions (1)" in page or "Today's sessions (1)" in page
    assert f"/therapy/{session.public_id}/note/progress/" in page
    read = AuditEvent.objects.filter(object_type="therapist_day").get()
    assert read.changes["patients"] == [str(world.patient.public_id)]


def test_the_day_runs_the_same_queries_for_one_patient_or_four(world: World) -> None:
    client = client_for(world.theo)
    _on_theos_caseload(world, world.patient)
    started_course(world.patient, nurse=world.nina, prescriber=world.pia)
    client.get(DAY)
    with CaptureQueriesContext(connection) as one:
        client.get(DAY)
    for _ in range(3):
        other = PatientFactory.create(clinic=world.harbor, actor=world.nina)
        _on_theos_caseload(world, other)
    with CaptureQueriesContext(connection) as four:
        assert "My patients (4)" in client.get(DAY).content.decode()
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_chart_flags_a_recent_dose_without_integration_and_a_missed_session(
    world: World, clock: Clock
) -> None:
    _dosed_today(world, clock)
    chart = f"/patients/{world.patient.public_id}/"
    page = client_for(world.nina).get(chart).content.decode()
    assert "No integration session is booked after the dose of" in page
    missed = booked(world, hours=1, by=world.theo)
    clock.advance(hours=2)
    therapy_session_missed(actor=world.theo, session=missed, reason="Did not come")
    page = client_for(world.nina).get(chart).content.decode()
    assert "Missed: the preparation session of" in page
    assert "(Did not come)" in page


def _engagement_rows(page: str) -> list[str]:
    section = page[page.index('id="engagement-title"') :]
    section = section[: section.index("</section>")]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)
    ]


def test_the_dashboard_counts_courses_with_and_without_integration_as_observational(
    world: World, clock: Clock
) -> None:
    session = _dosed_today(world, clock)
    session.refresh_from_db()
    other = PatientFactory.create(clinic=world.harbor, actor=world.nina)
    started_course(other, nurse=world.nina, prescriber=world.pia)
    integration = therapy_session_book(
        actor=world.theo, patient=world.patient, therapist=world.theo.user, kind="integration",
        mode="telehealth", starts_at=hours_ahead(1), duration_minutes=50, follows=[session],
    )  # fmt: skip
    clock.advance(hours=1, minutes=10)
    therapy_session_held(actor=world.theo, session=integration)
    page = client_for(world.pia).get("/clinic/outcomes/").content.decode()
    assert "does not show that integration causes it" in page
    rows = _engagement_rows(page)
    assert rows[1].startswith("With an integration session held 1 ")
    assert rows[2].startswith("Without one 1 ")
