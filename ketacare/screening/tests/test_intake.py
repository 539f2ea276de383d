"""The intake: one open per patient, history and trials through the pages, audited."""

import pytest
from django.core.exceptions import ValidationError

from conftest import World, client_for
from ketacare.core.models import AuditAction, AuditEvent
from ketacare.screening.models import AntidepressantTrial, Intake
from ketacare.screening.services import intake_start, intake_update

pytestmark = pytest.mark.django_db


def _url(world: World, tail: str) -> str:
    return f"/patients/{world.patient.public_id}/{tail}"


def test_a_nurse_starts_the_intake_and_it_is_audited(world: World) -> None:
    response = client_for(world.nina).post(
        _url(world, "intake/edit/"),
        {
            "referral_source": "psychiatrist",
            "psychiatric_history": "Two episodes since 2019.",
            "intended_route": "iv",
            "on_oral_antidepressant": "true",
            "pregnancy_status": "not_pregnant",
            "hepatic_impairment": "none",
            "psychosis_history": "on",
        },
    )
    assert response.status_code == 302
    intake = Intake.objects.get()
    assert (intake.intended_route, intake.on_oral_antidepressant) == ("iv", True)
    assert intake.psychosis_history
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="intake")
    assert event.changes["intended_route"]["new"] == "iv"
    page = client_for(world.ada).get(_url(world, "intake/")).content.decode()
    assert "History of psychosis" in page


def test_a_patient_has_only_one_open_intake(world: World) -> None:
    intake_start(actor=world.nina, patient=world.patient)
    with pytest.raises(ValidationError):
        intake_start(actor=world.nina, patient=world.patient)
    assert Intake.objects.count() == 1


def test_editing_the_intake_audits_old_and_new_values(world: World) -> None:
    intake = intake_start(actor=world.nina, patient=world.patient, intended_route="iv")
    intake_update(actor=world.pia, intake=intake, intended_route="esketamine_nasal")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="intake")
    assert event.changes["intended_route"] == {"old": "iv", "new": "esketamine_nasal"}


def test_a_trial_is_recorded_and_a_wrong_one_struck_out(world: World) -> None:
    intake_start(actor=world.nina, patient=world.patient)
    client = client_for(world.nina)
    trial = {"drug": "Sertraline", "dose": "200 mg", "weeks": "8", "adequate": "on"}
    response = client.post(_url(world, "intake/trials/new/"), {**trial, "outcome": "no_response"})
    assert response.status_code == 302
    saved = AntidepressantTrial.objects.get()
    assert saved.counts_as_failed
    client.post(_url(world, f"intake/trials/{saved.public_id}/mark-error/"), {"reason": "Dup"})
    saved.refresh_from_db()
    assert saved.entered_in_error
    assert not saved.counts_as_failed


def test_a_trial_without_an_outcome_is_refused_and_what_was_typed_kept(world: World) -> None:
    intake_start(actor=world.nina, patient=world.patient)
    response = client_for(world.nina).post(
        _url(world, "intake/trials/new/"), {"drug": "Sertraline", "dose": "200 mg", "weeks": "8"}
    )
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    assert response.context["form"]["drug"].value() == "Sertraline"


def test_front_desk_and_therapists_cannot_record_the_intake(world: World) -> None:
    for user in (world.fran, world.theo):
        assert client_for(user).post(_url(world, "intake/edit/"), {}).status_code == 403
    assert client_for(world.fran).get(_url(world, "intake/")).status_code == 403


def test_a_medication_keeps_its_rems_class(world: World) -> None:
    client_for(world.nina).post(
        _url(world, "medications/new/"), {"name": "Lorazepam", "rems_class": "benzodiazepine"}
    )
    page = client_for(world.nina).get(_url(world, "intake/")).content.decode()
    assert "Benzodiazepine" in page
