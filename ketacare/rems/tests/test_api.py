"""The REMS form API: read, answer, submit and the forms due, with the one error shape."""

import json
from typing import Any

import pytest
from django.test import Client

from conftest import World, client_for
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.dosing.models import DosingSession
from ketacare.dosing.tests.builders import checked_in
from ketacare.patients.services import medication_record, patient_update
from ketacare.rems.tests.builders import Bay, days_left, discharged

pytestmark = pytest.mark.django_db


def _url(session: DosingSession, tail: str = "") -> str:
    return f"/api/v1/dosing-sessions/{session.public_id}/rems-form{tail}"


def _send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


ANSWERS = {"respiratory_depression": False, "ready_to_leave_minutes": 95}


def test_the_form_reads_with_its_sources_problems_and_due_date(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    body = client_for(bay.nurse).get(_url(session)).json()
    assert body["form"]["patient_last_name"] == "Ortiz"
    assert body["form"]["dose_mg"] == 56
    assert body["form"]["bp_before"] == "120/80"
    assert body["sources"]["dose_mg"] == "administration record"
    assert {p["field"] for p in body["problems"]} == {
        "respiratory_depression",
        "ready_to_leave_minutes",
    }
    assert body["due_on"] is not None
    assert body["submission"] is None


def test_a_nurse_answers_then_submits_through_the_api(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    client = client_for(bay.nurse)
    answered = _send(client, "PUT", _url(session, "/answers"), ANSWERS)
    assert answered.status_code == 200
    assert answered.json()["problems"] == []
    submitted = _send(client, "POST", _url(session, "/submit"), {"confirmation": "C-5"})
    assert submitted.status_code == 200
    assert submitted.json()["submission"]["confirmation"] == "C-5"
    again = _send(client, "POST", _url(session, "/submit"), {"confirmation": "C-6"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "http_error"


def test_submitting_with_blanks_answers_422_naming_the_fields(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    response = _send(client_for(bay.nurse), "POST", _url(session, "/submit"), {"confirmation": "C"})
    assert response.status_code == 422
    assert "ready_to_leave_minutes" in response.json()["error"]["fields"]


def test_an_answer_out_of_range_answers_422(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    body = {"ready_to_leave_minutes": -5}
    response = _send(client_for(bay.nurse), "PUT", _url(session, "/answers"), body)
    assert response.status_code == 422
    assert "ready_to_leave_minutes" in response.json()["error"]["fields"]


def test_forms_due_lists_the_callers_clinic_only(bay: Bay, world: World) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    mine = client_for(bay.admin).get("/api/v1/rems-forms/due").json()
    assert [row["dosing_session_id"] for row in mine] == [str(session.public_id)]
    assert mine[0]["days_left"] == days_left(session)
    assert client_for(world.ada).get("/api/v1/rems-forms/due").json() == []


def test_a_therapist_may_not_read_the_form_and_another_clinic_gets_404(world: World) -> None:
    session = checked_in(world.patient, nurse=world.nina, prescriber=world.pia)
    assert client_for(world.theo).get(_url(session)).status_code == 403
    assert client_for(world.sol).get(_url(session)).status_code == 404


def test_a_submitted_form_reads_as_submitted_after_the_record_changes(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    client = client_for(bay.nurse)
    _send(client, "PUT", _url(session, "/answers"), ANSWERS)
    submitted = _send(client, "POST", _url(session, "/submit"), {"confirmation": "C-5"}).json()
    patient_update(actor=bay.nurse, patient=bay.patient, family_name="Renamed")
    medication_record(
        actor=bay.nurse, patient=bay.patient, name="Lorazepam", rems_class="benzodiazepine"
    )
    body = client.get(_url(session)).json()
    assert body["form"] == submitted["form"]
    assert (body["form"]["patient_last_name"], body["form"]["benzodiazepines"]) == ("Ortiz", False)
    assert set(body["sources"].values()) == {"as submitted"}


def _reads(bay: Bay) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.READ, patient_id=bay.patient.public_id
    ).count()


def test_answering_and_submitting_return_the_form_as_an_audited_read(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    client = client_for(bay.nurse)
    before = _reads(bay)
    for _ in range(2):  # the second time nothing changes, and the form is still read
        assert _send(client, "PUT", _url(session, "/answers"), ANSWERS).status_code == 200
    assert _send(client, "POST", _url(session, "/submit"), {"confirmation": "C"}).status_code == 200
    assert _reads(bay) == before + 3


def test_forms_due_are_audited_as_one_read_per_clinic_listing_its_patients(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    client_for(bay.admin).get("/api/v1/rems-forms/due")
    read = AuditEvent.objects.get(action=AuditAction.READ, object_type="rems_forms_due")
    assert read.changes["via"] == "api"
    assert read.changes["patients"] == [str(bay.patient.public_id)]
    assert read.changes["dosing_sessions"] == [str(session.public_id)]
