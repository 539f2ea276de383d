"""Intake vitals: impossible readings refused by name and range, unusual ones confirmed."""

import pytest
from django.core.exceptions import ValidationError

from conftest import World, client_for
from ketacare.patients.models import BodyMeasurement
from ketacare.screening.models import IntakeVitals
from ketacare.screening.services import intake_start, intake_vitals_record
from ketacare.screening.tests.builders import WHEN

pytestmark = pytest.mark.django_db


def _post(world: World, **data: str) -> object:
    intake_start(actor=world.nina, patient=world.patient)
    return client_for(world.nina).post(
        f"/patients/{world.patient.public_id}/intake/vitals/new/",
        {"measured_at": "2026-03-02T09:30", **data},
    )


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [("sbp", "0", "from 40 to 300"), ("sbp", "400", "from 40 to 300"), ("spo2", "101", "to 100")],
)
def test_an_impossible_reading_is_refused_naming_the_field_and_range(
    world: World, field: str, value: str, allowed: str
) -> None:
    response = _post(world, **{field: value, "hr": "72"})
    form = response.context["form"]  # type: ignore[attr-defined]
    assert field in form.errors
    assert allowed in form.errors[field][0]
    assert form["hr"].value() == "72"
    assert not IntakeVitals.objects.exists()


def test_an_unusual_reading_needs_confirmation_which_is_recorded(world: World) -> None:
    response = _post(world, sbp="230", dbp="120")
    form = response.context["form"]  # type: ignore[attr-defined]
    assert "confirm_readings" in form.errors
    assert "I confirm these readings" in response.content.decode()  # type: ignore[attr-defined]
    assert not IntakeVitals.objects.exists()
    client_for(world.nina).post(
        f"/patients/{world.patient.public_id}/intake/vitals/new/",
        {"measured_at": "2026-03-02T09:30", "sbp": "230", "dbp": "120", "confirm_readings": "on"},
    )
    vitals = IntakeVitals.objects.get()
    assert vitals.plausibility_confirmed
    assert "Systolic BP 230" in vitals.confirmed_findings[0]


def test_usual_readings_need_no_confirmation_and_weight_goes_to_the_chart(world: World) -> None:
    response = _post(world, sbp="122", dbp="78", hr="70", spo2="98", weight_kg="81.5")
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert not IntakeVitals.objects.get().plausibility_confirmed
    assert BodyMeasurement.objects.get().weight_kg == 81.5


def test_the_service_refuses_a_diastolic_at_or_above_the_systolic(world: World) -> None:
    intake = intake_start(actor=world.nina, patient=world.patient)
    with pytest.raises(ValidationError) as refused:
        intake_vitals_record(actor=world.nina, intake=intake, measured_at=WHEN, sbp=90, dbp=95)
    assert "dbp" in refused.value.message_dict
