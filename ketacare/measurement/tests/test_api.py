"""The portal's API for a patient app and the staff's alert API: the same rules, errors and
audit as the pages."""

import json
from typing import Any

import pytest
from django.test import Client

from conftest import Clock, World, client_for
from ketacare.core.models import AuditEvent
from ketacare.measurement.tests.builders import answered_by_paula, phq9, sent_to_paula

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_patient_app_lists_what_is_due_and_reads_the_questionnaire(world: World) -> None:
    row = sent_to_paula(world)
    paula = client_for(world.paula)
    (due,) = paula.get(f"{API}/portal/questionnaires").json()
    assert (due["id"], due["instrument"], due["status"]) == (str(row.public_id), "phq9", "open")
    definition = paula.get(f"{API}/portal/questionnaires/{row.public_id}").json()
    assert [item["id"] for item in definition["items"]] == [str(i) for i in range(1, 10)]
    assert definition["items"][0]["choices"][0] == {"value": 0, "text": "Not at all"}
    assert definition["recall"].startswith("Over the last 2 weeks")
    assert "No permission required" in definition["copyright"]
    assert AuditEvent.objects.filter(object_type="portal_questionnaire").count() == 1


def test_answers_are_sent_once_with_the_crisis_information_when_item_nine_is_positive(
    world: World,
) -> None:
    row = sent_to_paula(world)
    paula = client_for(world.paula)
    url = f"{API}/portal/questionnaires/{row.public_id}/response"
    missing = _post(paula, url, {"answers": {"1": 1}})
    assert missing.status_code == 422
    assert set(missing.json()["error"]["fields"]) == {f"answers.{i}" for i in range(2, 10)}
    first = _post(paula, url, {"answers": phq9(2)})
    assert first.status_code == 201
    body = first.json()
    assert (body["alert_level"], body["total"]) == ("urgent", 10)
    assert body["crisis"]["crisis_line"].startswith("988")
    again = _post(paula, url, {"answers": phq9(0)})
    assert again.status_code == 200
    assert again.json()["total"] == 10


def test_a_string_answer_is_refused_not_guessed(world: World) -> None:
    row = sent_to_paula(world)
    url = f"{API}/portal/questionnaires/{row.public_id}/response"
    refused = _post(client_for(world.paula), url, {"answers": {**phq9(0), "3": "2"}})
    assert refused.status_code == 422
    assert "answers.3" in refused.json()["error"]["fields"]


def test_an_expired_questionnaire_answers_409(world: World, clock: Clock) -> None:
    row = sent_to_paula(world)
    clock.advance(days=3)
    url = f"{API}/portal/questionnaires/{row.public_id}/response"
    expired = _post(client_for(world.paula), url, {"answers": phq9(0)})
    assert expired.status_code == 409
    assert "expired" in expired.json()["error"]["message"]


def test_staff_reach_no_portal_operation(world: World) -> None:
    sent_to_paula(world)
    assert client_for(world.nina).get(f"{API}/portal/questionnaires").status_code == 404


def test_staff_list_acknowledge_and_resolve_alerts(world: World) -> None:
    alert = answered_by_paula(world, item9=2).alert
    assert alert is not None
    pia, nina = client_for(world.pia), client_for(world.nina)
    (listed,) = pia.get(f"{API}/alerts").json()
    assert (listed["level"], listed["state"]) == ("urgent", "Open")
    acknowledged = _post(nina, f"{API}/alerts/{alert.public_id}/acknowledge", {"note": "On it"})
    assert acknowledged.json()["state"] == "Acknowledged"
    refused = _post(nina, f"{API}/alerts/{alert.public_id}/resolve", {"actions": ["cssrs_done"]})
    assert refused.status_code == 403
    unknown = _post(pia, f"{API}/alerts/{alert.public_id}/resolve", {"actions": ["prayed"]})
    assert unknown.status_code == 422
    done = _post(pia, f"{API}/alerts/{alert.public_id}/resolve", {"actions": ["cssrs_done"]})
    assert done.json()["state"] == "Resolved"
    twice = _post(pia, f"{API}/alerts/{alert.public_id}/resolve", {"actions": ["cssrs_done"]})
    assert twice.status_code == 409
    assert pia.get(f"{API}/alerts").json() == []
    assert len(pia.get(f"{API}/alerts?state=all").json()) == 1
    assert pia.get(f"{API}/alerts?state=closed").status_code == 422


def test_another_clinics_alert_is_not_found(world: World) -> None:
    alert = answered_by_paula(world, item9=1).alert
    assert alert is not None
    sol = client_for(world.sol)
    assert _post(sol, f"{API}/alerts/{alert.public_id}/acknowledge", {}).status_code == 404
    assert sol.get(f"{API}/alerts").json() == []
