"""Weight, allergies, medications and diagnoses, and correcting them without deleting."""

import pytest

from conftest import World, client_for
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.patients.models import Allergy, BodyMeasurement, Diagnosis

pytestmark = pytest.mark.django_db


def _url(world: World, tail: str) -> str:
    return f"/patients/{world.patient.public_id}/{tail}"


def test_a_nurse_records_weight_and_height(world: World) -> None:
    response = client_for(world.nina).post(
        _url(world, "measurements/new/"),
        {"measured_at": "2026-11-20T09:30", "weight_kg": "82.4", "height_cm": "176"},
    )
    assert response.status_code == 302
    measurement = BodyMeasurement.objects.get()
    assert str(measurement.bmi) == "26.6"
    # Typed in the clinic's zone (America/New_York), stored in UTC.
    assert measurement.measured_at.hour == 14


def test_an_impossible_weight_is_refused_with_the_field_named(world: World) -> None:
    response = client_for(world.nina).post(
        _url(world, "measurements/new/"), {"measured_at": "2026-11-20T09:30", "weight_kg": "900"}
    )
    assert response.status_code == 200
    assert "weight_kg" in response.context["form"].errors
    assert not BodyMeasurement.objects.exists()


def test_a_prescriber_codes_a_diagnosis_from_the_reference_list(world: World) -> None:
    client_for(world.pia).post(_url(world, "diagnoses/new/"), {"diagnosis": "icd10cm:F33.2"})
    diagnosis = Diagnosis.objects.get()
    assert diagnosis.code == "F33.2"
    assert "recurrent" in diagnosis.term.lower()


def test_an_unknown_diagnosis_code_is_refused(world: World) -> None:
    response = client_for(world.pia).post(
        _url(world, "diagnoses/new/"), {"diagnosis": "icd10cm:Z99.9"}
    )
    assert "diagnosis" in response.context["form"].errors
    assert not Diagnosis.objects.exists()


def test_a_wrong_entry_is_marked_in_error_with_a_reason_and_stays_on_the_chart(
    world: World,
) -> None:
    client = client_for(world.nina)
    client.post(_url(world, "allergies/new/"), {"substance": "Latex", "severity": "mild"})
    allergy = Allergy.objects.get()
    url = _url(world, f"allergy/{allergy.public_id}/error/")
    refused = client.post(url, {"reason": ""})
    assert "reason" in refused.context["form"].errors
    client.post(url, {"reason": "Wrong patient"})
    allergy.refresh_from_db()
    assert (allergy.entered_in_error, allergy.error_reason) == (True, "Wrong patient")
    assert AuditEvent.objects.filter(action=AuditAction.CORRECT).count() == 1
    page = client.get(_url(world, "")).content.decode()
    assert "entered in error: Wrong patient" in page


def test_an_entry_of_another_patient_cannot_be_corrected_through_this_chart(world: World) -> None:
    client_for(world.sol).post(
        f"/patients/{world.their_patient.public_id}/allergies/new/",
        {"substance": "Latex", "severity": "mild"},
    )
    theirs = Allergy.objects.get()
    response = client_for(world.nina).post(
        _url(world, f"allergy/{theirs.public_id}/error/"), {"reason": "x"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.entered_in_error
