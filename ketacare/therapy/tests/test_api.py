"""The care-team and therapy endpoints: what they answer, and bad input named by field."""

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from conftest import World, client_for
from ketacare.therapy.tests.builders import booked, hours_ahead, in_course

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_care_team_is_put_together_and_read_through_the_api(world: World) -> None:
    client = client_for(world.nina)
    url = f"/api/v1/patients/{world.patient.public_id}/care-team"
    created = _post(
        client, url, {"member_id": str(world.theo.user.public_id), "team_role": "therapist"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["is_primary"] is True
    listed = client.get(url).json()
    assert [(m["member"], m["team_role"]) for m in listed] == [("Theo Therapist", "therapist")]
    ended = _post(client, f"/api/v1/care-team/{listed[0]['id']}/end", {"reason": "Moved away"})
    assert ended.json()["end_reason"] == "Moved away"
    assert client.get(url).json() == []
    theirs = client_for(world.theo).get("/api/v1/caseload").json()
    assert theirs == []


def test_a_wrong_team_role_is_a_422_naming_the_field_and_the_allowed_values(world: World) -> None:
    url = f"/api/v1/patients/{world.patient.public_id}/care-team"
    response = _post(
        client_for(world.nina),
        url,
        {"member_id": str(world.theo.user.public_id), "team_role": "healer"},
    )
    assert response.status_code == 422
    (message,) = response.json()["error"]["fields"]["team_role"]
    assert "'prescriber', 'nurse' or 'therapist'" in message


def test_a_therapy_session_is_booked_moved_and_cancelled_through_the_api(world: World) -> None:
    client = client_for(world.fran)
    url = f"/api/v1/patients/{world.patient.public_id}/therapy-sessions"
    created = _book(world, kind="preparation")
    assert created.status_code == 201, created.content
    session = created.json()
    assert (session["kind"], session["duration_minutes"], session["status"]) == (
        "preparation",
        50,
        "booked",
    )
    moved = _post(
        client,
        f"/api/v1/therapy-sessions/{session['id']}/move",
        {"starts_at": hours_ahead(48).isoformat()},
    )
    assert moved.json()["previous_starts_at"] is not None
    cancelled = _post(
        client, f"/api/v1/therapy-sessions/{session['id']}/cancel", {"reason": "Unwell"}
    )
    assert cancelled.json()["status"] == "cancelled"
    assert [s["status"] for s in client.get(url).json()] == ["cancelled"]


def _book(world: World, **overrides: Any) -> Any:
    """Front desk books Paula, in her course, with Theo tomorrow, but for `overrides`."""
    in_course(world)
    body = {
        "therapist_id": str(world.theo.user.public_id),
        "kind": "therapy",
        "mode": "telehealth",
        "starts_at": hours_ahead(24).isoformat(),
        "duration_minutes": 50,
        **overrides,
    }
    url = f"/api/v1/patients/{world.patient.public_id}/therapy-sessions"
    return _post(client_for(world.fran), url, body)


def test_booking_with_a_nurse_as_therapist_is_a_422_naming_the_therapist(world: World) -> None:
    response = _book(world, therapist_id=str(world.nina.user.public_id))
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "therapist": ["Choose a therapist who works at this clinic."]
    }


def test_the_booking_page_keeps_what_was_typed_when_it_is_refused(world: World) -> None:
    first = booked(world, hours=24)
    client = client_for(world.fran)
    theo = world.theo.active
    assert theo is not None
    typed = first.starts_at.astimezone(ZoneInfo(world.harbor.timezone)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/patients/{world.patient.public_id}/therapy/book/",
        {
            "therapist": theo.pk,
            "kind": "therapy",
            "mode": "in_person",
            "starts_at": typed,
            "duration_minutes": "45",
            "room": "Room 5",
        },
    )
    page = response.content.decode()
    assert "The patient has another therapy session at that time." in page
    assert 'value="Room 5"' in page
    assert f'value="{typed}"' in page
    assert 'id="error-summary"' in page


def test_a_start_without_its_time_zone_is_a_422_naming_starts_at(world: World) -> None:
    response = _book(world, starts_at="2031-01-06T15:00")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
