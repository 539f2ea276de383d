"""The patient API: tokens, the same permissions and audit as the pages, one error shape."""

import json
from typing import Any

import pytest
from django.test import Client

from conftest import World, client_for
from ketacare.accounts.services import api_token_create, api_token_revoke
from ketacare.core.models import AuditAction, AuditEvent, AuditOutcome
from ketacare.patients.models import Patient
from tests.factories import SETUP

pytestmark = pytest.mark.django_db


def _bearer(world: World, user: Any = None) -> dict[str, str]:
    _token, raw = api_token_create(actor=SETUP, user=(user or world.nina).user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def _post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_a_token_lists_only_patients_of_the_holders_clinics(world: World) -> None:
    response = Client().get("/api/v1/patients", headers=_bearer(world))
    names = [p["family_name"] for p in response.json()["items"]]
    assert response.status_code == 200
    assert names == ["Rivera"]


def test_api_search_matches_the_page_search(world: World) -> None:
    response = Client().get("/api/v1/patients?q=1980-05-17", headers=_bearer(world))
    assert [p["mrn"] for p in response.json()["items"]] == [world.patient.mrn]


def test_creating_a_patient_answers_201_and_is_audited(world: World) -> None:
    body = {
        "given_name": "Jon",
        "family_name": "Berg",
        "date_of_birth": "1988-04-04",
        "sex": "male",
    }
    response = _post(Client(), "/api/v1/patients", body, headers=_bearer(world))
    assert response.status_code == 201
    created = Patient.objects.get(public_id=response.json()["id"])
    assert created.mrn == "KC-000002"
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, patient_id=created.public_id
    ).exists()


def test_invalid_fields_are_named_in_one_error_shape_and_nothing_is_saved(world: World) -> None:
    body = {"given_name": "", "family_name": "Berg", "date_of_birth": "1988-13-40", "sex": "robot"}
    response = _post(Client(), "/api/v1/patients", body, headers=_bearer(world))
    error = response.json()["error"]
    assert response.status_code == 422
    assert error["code"] == "validation_error"
    assert {"given_name", "date_of_birth", "sex"} <= set(error["fields"])
    assert "female" in " ".join(error["fields"]["sex"])
    assert not Patient.objects.filter(family_name="Berg").exists()


def test_model_rules_come_back_as_the_same_error_shape(world: World) -> None:
    body = {
        "given_name": "Jo",
        "family_name": "Berg",
        "date_of_birth": "1988-01-04",
        "sex": "male",
        "email": "nope",
    }
    response = _post(Client(), "/api/v1/patients", body, headers=_bearer(world))
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["email"]


def test_reading_a_patient_is_audited_as_a_chart_read_via_the_api(world: World) -> None:
    response = Client().get(f"/api/v1/patients/{world.patient.public_id}", headers=_bearer(world))
    assert response.json()["family_name"] == "Rivera"
    read = AuditEvent.objects.get(action=AuditAction.READ, patient_id=world.patient.public_id)
    assert read.changes == {"via": "api"}


def test_patching_changes_only_the_sent_fields(world: World) -> None:
    url = f"/api/v1/patients/{world.patient.public_id}"
    response = Client().patch(
        url, json.dumps({"city": "Salem"}), content_type="application/json", headers=_bearer(world)
    )
    world.patient.refresh_from_db()
    assert response.status_code == 200
    assert (world.patient.city, world.patient.family_name) == ("Salem", "Rivera")


def test_another_clinics_patient_is_404_and_audited_as_denied(world: World) -> None:
    response = Client().get(
        f"/api/v1/patients/{world.their_patient.public_id}", headers=_bearer(world)
    )
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }
    assert AuditEvent.objects.filter(
        outcome=AuditOutcome.DENIED, patient_id=world.their_patient.public_id
    ).exists()


def test_a_revoked_or_made_up_token_is_401(world: World) -> None:
    token, raw = api_token_create(actor=SETUP, user=world.nina.user, name="old")
    api_token_revoke(actor=world.nina, token=token)
    for header in (f"Bearer {raw}", "Bearer kc_made-up"):
        response = Client().get("/api/v1/patients", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"


def test_a_signed_in_browser_session_can_use_the_api(world: World) -> None:
    assert client_for(world.theo).get("/api/v1/patients").status_code == 200


def test_a_therapist_cannot_register_patients_through_the_api(world: World) -> None:
    body = {"given_name": "Jo", "family_name": "Berg", "date_of_birth": "1988-01-04", "sex": "male"}
    response = _post(Client(), "/api/v1/patients", body, headers=_bearer(world, world.theo))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_the_openapi_document_is_published(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/patients" in schema["paths"]
    assert schema["info"]["title"] == "KetaCare API"
