"""The session pages: today's list, check-in, the screen and its forms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World, client_for
from ketacare.dosing.models import DosingSession, VitalsReading
from ketacare.dosing.services import session_record_score, session_record_vitals
from ketacare.dosing.tests.builders import (
    CADSS_NONE,
    IV,
    administered,
    ago,
    checked_in,
    cleared,
    course_today,
    monitored,
)

pytestmark = pytest.mark.django_db


def _session(world: World) -> DosingSession:
    return checked_in(world.patient, nurse=world.nina, prescriber=world.pia)


def test_front_desk_checks_a_patient_in_from_todays_list(world: World) -> None:
    course = course_today(world.patient, nurse=world.nina, prescriber=world.pia)
    planned = course.sessions.get(scheduled_on=world.harbor.today())
    client = client_for(world.fran)
    assert world.patient.display_name in client.get(reverse("dosing:today")).content.decode()
    response = client.post(reverse("dosing:check_in", args=[planned.public_id]), {"chair": "3"})
    assert response.status_code == 302
    assert DosingSession.objects.get().chair == "3"


def test_the_screen_shows_the_checklist_and_the_discharge_gaps(world: World) -> None:
    session = _session(world)
    page = client_for(world.nina).get(reverse("dosing:session", args=[session.public_id]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Record the pre-dose vital signs." in text
    assert "No dose has been given." in text


def test_an_impossible_reading_rerenders_the_screen_keeping_what_was_typed(world: World) -> None:
    session = _session(world)
    url = reverse("dosing:vitals", args=[session.public_id])
    data = {"measured_at": "2026-01-01T09:00", "checkpoint": "routine", "sbp": "400", "hr": "77"}
    page = client_for(world.nina).post(url, data)
    assert page.status_code == 200
    assert 'value="77"' in page.content.decode()
    assert "sbp" in page.context["forms"]["vitals"].errors
    assert VitalsReading.objects.count() == 0


def test_the_screen_reads_a_bounded_number_of_queries_as_readings_grow(world: World) -> None:
    session = _session(world)
    client, url = client_for(world.nina), reverse("dosing:session", args=[session.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for minutes in range(20):
        session_record_vitals(actor=world.nina, session=session, measured_at=ago(minutes), hr=70)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_screen_reads_a_bounded_number_of_queries_as_monitoring_scores_grow(
    world: World,
) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    administered(session, world.nina, minutes_ago=30)
    client, url = client_for(world.nina), reverse("dosing:session", args=[session.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for minutes in range(8):
        for instrument, answers in (("moaas", {"1": 4}), ("cadss6", CADSS_NONE)):
            session_record_score(
                actor=world.nina, session=session, instrument=instrument, answers=answers,
                administered_at=ago(minutes),
            )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_screen_shows_the_dose_the_rates_and_the_discharge_panel(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia, code=IV)
    monitored(session, world.nina)
    page = client_for(world.pia).get(reverse("dosing:session", args=[session.public_id]))
    text = page.content.decode()
    assert "60.00 mg/h = 60.00 mL/h over 40 min" in text
    assert 'action="/sessions/' in text
    assert "Discharge" in text


def test_an_overdue_reading_stands_out(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    administered(session, world.nina, minutes_ago=50)
    page = client_for(world.nina).get(reverse("dosing:session", args=[session.public_id]))
    assert page.context["due"].overdue
    assert "OVERDUE" in page.content.decode()
