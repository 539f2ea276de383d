"""The chart page: what each role sees, its audit, and a bounded number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import Clock, World, client_for
from ketacare.core.models import AuditAction, AuditEvent, AuditOutcome
from ketacare.dosing.tests.builders import dosed_course
from ketacare.patients import services

pytestmark = pytest.mark.django_db


def _chart(world: World) -> str:
    return f"/patients/{world.patient.public_id}/"


def _grow_history(world: World, entries: int) -> None:
    for n in range(entries):
        services.measurement_record(
            actor=world.nina,
            patient=world.patient,
            measured_at=dt.datetime(2026, 1, 1 + n % 28, tzinfo=dt.UTC),
            weight_kg=Decimal(70 + n % 5),
            height_cm=Decimal(170),
        )
        services.allergy_record(actor=world.nina, patient=world.patient, substance=f"Drug {n}")
        services.medication_record(actor=world.nina, patient=world.patient, name=f"Med {n}")
        services.diagnosis_record(
            actor=world.pia, patient=world.patient, system="icd10cm", code="F33.2"
        )


def test_a_nurse_sees_the_full_chart_with_bmi(world: World) -> None:
    services.measurement_record(
        actor=world.nina,
        patient=world.patient,
        measured_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        weight_kg=Decimal(80),
        height_cm=Decimal(180),
    )
    services.allergy_record(actor=world.nina, patient=world.patient, substance="Penicillin")
    page = client_for(world.nina).get(_chart(world)).content.decode()
    assert "Paula Rivera" in page
    assert "BMI <strong>24.7</strong>" in page
    assert "Penicillin" in page


def test_front_desk_sees_demographics_but_no_clinical_sections(world: World) -> None:
    services.allergy_record(actor=world.nina, patient=world.patient, substance="Penicillin")
    page = client_for(world.fran).get(_chart(world)).content.decode()
    assert "Emergency contact" in page
    assert "Penicillin" not in page
    assert "Current medications" not in page


def test_opening_a_chart_is_audited_and_listed_under_who_viewed(world: World) -> None:
    client_for(world.theo).get(_chart(world))
    page = client_for(world.nina).get(_chart(world)).content.decode()
    read = AuditEvent.objects.filter(action=AuditAction.READ, patient_id=world.patient.public_id)
    assert list(read.values_list("actor_email", flat=True).order_by("seq")) == [
        "theo@harbor.test",
        "nina@harbor.test",
    ]
    assert "theo@harbor.test" in page


def test_a_nurse_of_another_clinic_gets_404_and_the_attempt_is_audited(world: World) -> None:
    response = client_for(world.sol).get(_chart(world))
    assert response.status_code == 404
    assert "Rivera" not in response.content.decode()
    denied = AuditEvent.objects.get(outcome=AuditOutcome.DENIED)
    assert (denied.actor_email, denied.patient_id) == ("sol@summit.test", world.patient.public_id)
    assert denied.clinic_id == world.harbor.public_id


def test_the_chart_query_count_does_not_grow_with_history(world: World) -> None:
    client = client_for(world.nina)
    _grow_history(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_chart(world)).status_code == 200
    _grow_history(world, 30)
    with CaptureQueriesContext(connection) as large:
        assert client.get(_chart(world)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 30  # 25, the care team card's three, the watch card's two


def test_the_patient_list_query_count_does_not_grow_with_patients(
    world: World, django_assert_max_num_queries: object
) -> None:
    for n in range(40):
        services.patient_register(
            actor=world.nina,
            clinic=world.harbor,
            given_name=f"P{n}",
            family_name="Bulk",
            date_of_birth=dt.date(1990, 1, 1),
            sex="male",
        )
    client = client_for(world.nina)
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        assert client.get("/patients/").status_code == 200


# --- treatment history (the `dosing` app's `{% treatment_history %}` tag) -----------------------


def test_a_nurse_sees_each_course_with_its_sessions_and_doses(world: World, clock: Clock) -> None:
    clock.move_to_today_at(15)  # the session and the end of its course fall on one day
    session = dosed_course(world.patient, nurse=world.nina, prescriber=world.pia)
    page = client_for(world.nina).get(_chart(world)).content.decode()
    assert "Treatment history" in page
    assert "(esketamine_trd v1)" in page
    assert "12 cancelled · 1 dosing session" in page
    assert "<strong>56.0 mg</strong> · 2 of 2 devices" in page
    assert "LOT-7" in page
    assert "1 adverse event (serious) · 1 severe side effect" in page
    assert f'href="/sessions/{session.public_id}/"' in page


def test_front_desk_sees_no_treatment_history_nor_doses(world: World) -> None:
    session = dosed_course(world.patient, nurse=world.nina, prescriber=world.pia)
    page = client_for(world.fran).get(_chart(world)).content.decode()
    assert "Treatment history" not in page
    assert "LOT-7" not in page
    assert str(session.public_id) not in page


def test_the_chart_query_count_does_not_grow_with_courses_and_sessions(world: World) -> None:
    client = client_for(world.nina)
    dosed_course(world.patient, nurse=world.nina, prescriber=world.pia)
    with CaptureQueriesContext(connection) as one:
        assert "1 dosing session" in client.get(_chart(world)).content.decode()
    for _ in range(3):
        dosed_course(world.patient, nurse=world.nina, prescriber=world.pia)
    with CaptureQueriesContext(connection) as many:
        assert client.get(_chart(world)).content.decode().count("1 dosing session") == 4
    assert len(many.captured_queries) == len(one.captured_queries)
    assert len(many.captured_queries) <= 35  # 30, the care team card's three, the watch card's two
