"""The intake and eligibility API: the same rules and audit as the pages, one error shape."""

import json
from typing import Any

import pytest
from django.test import Client

from conftest import World
from ketacare.accounts.services import api_token_create
from ketacare.clinics.actors import StaffActor
from ketacare.patients.models import Patient
from ketacare.screening.models import EligibilityDecision, Intake
from ketacare.screening.tests.builders import cssrs, ready_intake
from tests.factories import SETUP

pytestmark = pytest.mark.django_db


def _call(user: StaffActor, method: str, patient: Patient, tail: str, body: Any = None) -> Any:
    _token, raw = api_token_create(actor=SETUP, user=user.user, name="t")
    url = f"/api/v1/patients/{patient.public_id}/{tail}"
    data = json.dumps(body) if body is not None else ""
    return Client().generic(
        method, url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


def test_the_intake_happy_path_through_the_api(world: World) -> None:
    started = _call(world.nina, "POST", world.patient, "intake", {"intended_route": "iv"})
    assert started.status_code == 201
    again = _call(world.nina, "POST", world.patient, "intake", {})
    assert again.status_code == 409
    patch = {"pregnancy_status": "not_applicable", "psychosis_history": True}
    assert _call(world.nina, "PATCH", world.patient, "intake", patch).status_code == 200
    trial = {"drug": "Sertraline", "dose": "200 mg", "weeks": 8, "adequate": True}
    created = _call(
        world.nina, "POST", world.patient, "intake/trials", {**trial, "outcome": "no_response"}
    )
    assert created.status_code == 201
    vitals = {"measured_at": "2026-03-02T09:30:00Z", "sbp": 124, "dbp": 80, "weight_kg": "70.2"}
    assert _call(world.nina, "POST", world.patient, "intake/vitals", vitals).status_code == 201
    intake = _call(world.ada, "GET", world.patient, "intake").json()
    assert intake["medical_flags"]["psychosis_history"] is True
    assert [t["drug"] for t in intake["trials"]] == ["Sertraline"]
    assert intake["vitals"][0]["sbp"] == 124


def test_impossible_and_unconfirmed_vitals_answer_422_naming_the_field(world: World) -> None:
    _call(world.nina, "POST", world.patient, "intake", {})
    body = {"measured_at": "2026-03-02T09:30:00Z", "spo2": 104}
    refused = _call(world.nina, "POST", world.patient, "intake/vitals", body)
    assert refused.status_code == 422
    assert "from 20 to 100" in refused.json()["error"]["fields"]["spo2"][0]
    unusual = {"measured_at": "2026-03-02T09:30:00Z", "hr": 160}
    unconfirmed = _call(world.nina, "POST", world.patient, "intake/vitals", unusual)
    assert "confirm_readings" in unconfirmed.json()["error"]["fields"]
    confirmed = {**unusual, "confirm_readings": True}
    assert _call(world.nina, "POST", world.patient, "intake/vitals", confirmed).status_code == 201


def test_a_prescriber_reviews_and_signs_through_the_api(world: World) -> None:
    ready_intake(world, aneurysmal_vascular_disease=True)
    review = _call(world.pia, "GET", world.patient, "eligibility?route=esketamine_nasal").json()
    assert review["status"] == "ineligible"
    assert review["findings"][0]["source"] == "REFERENCE §1.8"
    body = {"route": "esketamine_nasal", "decision": "eligible_with_override", "reason": "x"}
    unseen = _call(world.pia, "POST", world.patient, "eligibility/decisions", body)
    assert "facts_digest" in unseen.json()["error"]["fields"]
    body = {**body, "facts_digest": review["facts_digest"]}
    refused = _call(world.pia, "POST", world.patient, "eligibility/decisions", body)
    assert refused.status_code == 422
    assert "decision" in refused.json()["error"]["fields"]
    body = {**body, "decision": "not_eligible"}
    signed = _call(world.pia, "POST", world.patient, "eligibility/decisions", body)
    assert signed.status_code == 201
    listed = _call(world.ada, "GET", world.patient, "eligibility/decisions").json()
    assert listed[0]["facts"]["aneurysmal_vascular_disease"] is True


def test_another_clinics_patient_is_not_found(world: World) -> None:
    cssrs(world, {"1": False, "2": False, "6": False}, patient=world.their_patient)
    for method, tail in (("GET", "intake"), ("POST", "intake"), ("GET", "eligibility")):
        assert _call(world.pia, method, world.their_patient, tail, {}).status_code == 404
    assert not Intake.objects.exists()
    assert not EligibilityDecision.objects.exists()


def test_a_medication_with_its_rems_class_through_the_api(world: World) -> None:
    body = {"name": "Methylphenidate ER", "rems_class": "psychostimulant"}
    created = _call(world.nina, "POST", world.patient, "medications", body)
    assert created.status_code == 201
    assert created.json()["rems_class"] == "psychostimulant"
    bad = _call(
        world.nina, "POST", world.patient, "medications", {"name": "X", "rems_class": "ssri"}
    )
    assert bad.status_code == 422
    assert "rems_class" in bad.json()["error"]["fields"]
