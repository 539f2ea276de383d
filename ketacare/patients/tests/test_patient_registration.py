"""Registering, editing and searching patients through the pages."""

import pytest

from conftest import World, client_for
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.patients.models import Patient

pytestmark = pytest.mark.django_db

VALID = {
    "given_name": "Iris",
    "family_name": "Lindqvist",
    "date_of_birth": "1975-08-09",
    "sex": "female",
    "email": "iris@example.org",
    "phone": "555-0142",
}


def test_front_desk_registers_a_patient_who_gets_the_next_mrn(world: World) -> None:
    response = client_for(world.fran).post("/patients/new/", VALID)
    patient = Patient.objects.get(family_name="Lindqvist")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.public_id}/"
    assert patient.mrn == "KC-000002"
    assert patient.clinic == world.harbor
    created = AuditEvent.objects.get(action=AuditAction.CREATE, patient_id=patient.public_id)
    assert created.changes["family_name"] == {"old": None, "new": "Lindqvist"}


def test_bad_input_names_the_field_and_keeps_what_was_typed(world: World) -> None:
    data = {**VALID, "date_of_birth": "31/31/1975", "sex": "robot", "email": "not-an-email"}
    response = client_for(world.fran).post("/patients/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Patient.objects.filter(family_name="Lindqvist").exists()
    form = response.context["form"]
    assert set(form.errors) == {"date_of_birth", "sex", "email"}
    assert "Select a valid choice" in form.errors["sex"][0]
    assert 'value="Lindqvist"' in page


def test_editing_records_only_the_changed_fields(world: World) -> None:
    url = f"/patients/{world.patient.public_id}/edit/"
    data = {
        name: getattr(world.patient, name) or ""
        for name in ("given_name", "family_name", "date_of_birth", "sex")
    }
    client_for(world.fran).post(url, {**data, "city": "Portland"})
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert event.changes == {"city": {"old": "", "new": "Portland"}}


@pytest.mark.parametrize(
    "text", ["Rivera", "riv", "Paula", "1980-05-17", "05/17/1980", "KC-000001"]
)
def test_search_finds_a_patient_by_name_date_of_birth_or_mrn(world: World, text: str) -> None:
    page = client_for(world.fran).get("/patients/", {"q": text}).content.decode()
    assert "Rivera, Paula" in page


def test_search_never_shows_another_clinics_patient(world: World) -> None:
    page = client_for(world.nina).get("/patients/", {"q": "Moreau"}).content.decode()
    assert "Moreau, Quinn" not in page
    assert "No patient matches" in page


def test_live_search_answers_htmx_with_just_the_results(world: World) -> None:
    response = client_for(world.nina).get("/patients/", {"q": "Riv"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "Rivera, Paula" in page
    assert "<html" not in page
