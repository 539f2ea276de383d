"""The dosing-session API: idempotent writes, the one error shape, clinic isolation."""

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import World, client_for
from ketacare.accounts.services import api_token_create
from ketacare.core.models import AuditEvent
from ketacare.dosing.models import Administration, DosingSession, VitalsReading
from ketacare.dosing.services import session_record_vitals
from ketacare.dosing.tests.builders import ago, checked_in, cleared
from tests.factories import SETUP

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any], key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _session(world: World) -> DosingSession:
    return checked_in(world.patient, nurse=world.nina, prescriber=world.pia)


def _vitals_url(session: DosingSession) -> str:
    return f"/api/v1/dosing-sessions/{session.public_id}/vitals"


def _reading(hr: int = 72) -> dict[str, Any]:
    return {"measured_at": ago(1).isoformat(), "sbp": 120, "dbp": 80, "hr": hr}


def test_a_retried_vitals_post_replays_the_answer_and_writes_one_row(world: World) -> None:
    session, client, body = _session(world), client_for(world.nina), _reading()
    first = _post(client, _vitals_url(session), body, key="k-1")
    again = _post(client, _vitals_url(session), body, key="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert VitalsReading.objects.count() == 1


@pytest.mark.parametrize("auth", ["session", "token"])
def test_a_write_resolves_who_acts_once_and_checks_permissions_in_memory(
    world: World, auth: str
) -> None:
    session = _session(world)
    client, headers = client_for(world.nina), {}
    if auth == "token":
        _token, raw = api_token_create(actor=SETUP, user=world.nina.user, name="chair")
        client, headers = Client(), {"Authorization": f"Bearer {raw}"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            _vitals_url(session), json.dumps(_reading()), "application/json", headers=headers
        )
    assert response.status_code == 201
    memberships = [q for q in queries.captured_queries if "clinics_membership" in q["sql"]]
    assert len(memberships) == 1


def test_a_misspelt_vital_sign_is_refused_by_name_and_nothing_is_recorded(world: World) -> None:
    session, client = _session(world), client_for(world.nina)
    response = _post(client, _vitals_url(session), _reading() | {"spo": 95})
    assert response.status_code == 422
    assert "spo" in response.json()["error"]["fields"]
    assert not VitalsReading.objects.exists()
    with pytest.raises(TypeError):
        session_record_vitals(  # type: ignore[call-arg]
            actor=world.nina, session=session, measured_at=ago(1), hr=70, spo=95
        )


def test_the_same_key_with_a_different_body_is_refused(world: World) -> None:
    session, client = _session(world), client_for(world.nina)
    _post(client, _vitals_url(session), _reading(72), key="k-2")
    response = _post(client, _vitals_url(session), _reading(90), key="k-2")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["error"]["fields"]
    assert VitalsReading.objects.count() == 1


def test_without_a_key_each_post_is_a_new_reading(world: World) -> None:
    session, client = _session(world), client_for(world.nina)
    _post(client, _vitals_url(session), _reading())
    _post(client, _vitals_url(session), _reading())
    assert VitalsReading.objects.count() == 2


def test_a_retried_administration_is_recorded_once(world: World) -> None:
    session = cleared(world.patient, nurse=world.nina, prescriber=world.pia)
    url = f"/api/v1/dosing-sessions/{session.public_id}/administration"
    body = {
        "lot_number": "L-9",
        "lot_expiry": "2099-01-01",
        "dose_mg": "56",
        "started_at": ago(1).isoformat(),
    }
    client = client_for(world.nina)
    first = _post(client, url, body, key="dose-1")
    again = _post(client, url, body, key="dose-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["devices_planned"] == 2
    assert Administration.objects.count() == 1
    assert _post(client, url, body, key="dose-2").status_code == 409


def test_an_impossible_reading_answers_422_naming_the_field(world: World) -> None:
    session = _session(world)
    response = _post(client_for(world.nina), _vitals_url(session), {**_reading(), "spo2": 10})
    assert response.status_code == 422
    assert "spo2" in response.json()["error"]["fields"]


def test_another_clinics_session_is_a_404_and_is_audited(world: World) -> None:
    session = _session(world)
    response = client_for(world.sol).get(f"/api/v1/dosing-sessions/{session.public_id}")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        object_id=str(session.public_id), outcome="denied", actor_email="sol@summit.test"
    ).exists()


def test_front_desk_cannot_record_vitals(world: World) -> None:
    session = _session(world)
    response = _post(client_for(world.fran), _vitals_url(session), _reading())
    assert response.status_code == 403
    assert VitalsReading.objects.count() == 0


def test_the_session_reads_back_with_its_timeline(world: World) -> None:
    session = _session(world)
    _post(client_for(world.nina), _vitals_url(session), _reading())
    body = client_for(world.pia).get(f"/api/v1/dosing-sessions/{session.public_id}").json()
    assert body["status"] == "checked_in"
    assert [reading["hr"] for reading in body["vitals"]] == [72]


def test_checking_in_twice_returns_the_open_session(world: World) -> None:
    session = _session(world)
    assert session.planned_session is not None
    url = f"/api/v1/planned-sessions/{session.planned_session.public_id}/check-in"
    response = _post(client_for(world.fran), url, {})
    assert response.status_code == 200
    assert response.json()["id"] == str(session.public_id)
