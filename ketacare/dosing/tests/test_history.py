"""A patient's dosing history: the read behind the chart's treatment history and
`GET /api/v1/patients/{id}/dosing-sessions`."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import World, client_for
from ketacare.core.models import AuditAction, AuditEvent, AuditOutcome
from ketacare.dosing.corrections import session_entry_mark_error
from ketacare.dosing.history import session_doses, treatment_history
from ketacare.dosing.services import session_record_adverse_event
from ketacare.dosing.tests.builders import (
    IV,
    administered,
    ago,
    checked_in,
    cleared,
    dosed_course,
)

pytestmark = pytest.mark.django_db


def _url(world: World) -> str:
    return f"/api/v1/patients/{world.patient.public_id}/dosing-sessions"


def test_a_weight_based_dose_shows_its_mg_per_kg_weight_and_basis(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia, code=IV)
    administered(session, world.nina)  # 40 mg on 80 kg
    (dose,) = session_doses(world.patient)
    assert dose.mg_per_kg == Decimal("0.50")
    assert dose.administration is not None
    assert (dose.administration.weight_used_kg, dose.administration.weight_basis) == (
        Decimal("80.0"),
        "actual",
    )
    assert not dose.flagged


def test_a_session_without_a_dose_is_listed_with_no_dose(world: World) -> None:
    checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    (dose,) = session_doses(world.patient)
    assert (dose.administration, dose.mg_per_kg, dose.devices_used) == (None, None, 0)
    assert dose.as_dict()["dose_mg"] is None


def test_an_adverse_event_marked_in_error_is_not_flagged(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    administered(session, world.nina)
    event = session_record_adverse_event(
        actor=world.nina, session=session, onset_at=ago(2), severity="severe", serious=True,
        description="Recorded on the wrong chair",
    )  # fmt: skip
    session_entry_mark_error(actor=world.nina, session=session, entry=event, reason="Wrong chair")
    (dose,) = session_doses(world.patient)
    assert (dose.adverse_events, dose.serious_adverse_event, dose.flagged) == (0, False, False)


def test_the_current_phase_is_the_next_sessions(world: World) -> None:
    checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    (course,) = treatment_history(world.patient, world.harbor.today())
    assert (course.stage, course.phase_code) == ("induction", "induction")
    assert course.counts == {"planned": 12, "booked": 0, "cancelled": 0, "completed": 0}
    assert len(course.doses) == 1


def test_the_api_lists_the_sessions_with_doses_and_flags(world: World) -> None:
    session = dosed_course(world.patient, nurse=world.nina, prescriber=world.pia)
    response = client_for(world.theo).get(_url(world))
    assert response.status_code == 200
    (row,) = response.json()
    assert row["id"] == str(session.public_id)
    assert row["protocol"] == "esketamine_trd v1"
    assert (row["dose_mg"], row["devices_planned"], row["devices_used"]) == ("56.0", 2, 2)
    assert (row["lot_number"], row["status"], row["route"]) == (
        "LOT-7",
        "aborted",
        "esketamine_nasal",
    )
    assert (row["adverse_events"], row["serious_adverse_event"]) == (1, True)
    assert row["severe_side_effects"] == 1


def test_the_api_read_is_audited_and_front_desk_is_refused(world: World) -> None:
    dosed_course(world.patient, nurse=world.nina, prescriber=world.pia)
    client_for(world.nina).get(_url(world))
    read = AuditEvent.objects.filter(
        action=AuditAction.READ, patient_id=world.patient.public_id, outcome=AuditOutcome.SUCCESS
    ).latest("seq")
    assert read.actor_email == "nina@harbor.test"
    assert client_for(world.fran).get(_url(world)).status_code == 403


def test_another_clinics_nurse_gets_404_and_is_audited_as_denied(world: World) -> None:
    response = client_for(world.sol).get(_url(world))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert AuditEvent.objects.filter(outcome=AuditOutcome.DENIED).exists()


def test_the_api_query_count_does_not_grow_with_sessions(world: World) -> None:
    client = client_for(world.nina)
    dosed_course(world.patient, nurse=world.nina, prescriber=world.pia)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(_url(world)).json()) == 1
    for _ in range(3):
        dosed_course(world.patient, nurse=world.nina, prescriber=world.pia)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(_url(world)).json()) == 4
    assert len(many.captured_queries) == len(one.captured_queries)
