"""Paula answers the questionnaires her clinic sends at her portal: a half-answered one is kept
and resumed, missing answers are named, sending twice records one response, an expired one
says so and shows what she had entered, and item 9 brings the crisis message at once."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import Clock, World, client_for
from ketacare.assessments.models import Assessment
from ketacare.core.models import AuditEvent
from ketacare.measurement.assignments import questionnaire_assign, questionnaire_submit
from ketacare.measurement.tests.builders import DAY, phq9, sent_to_paula

pytestmark = pytest.mark.django_db


def _url(row: object) -> str:
    return f"/portal/questionnaires/{row.public_id}/"  # type: ignore[attr-defined]


def _form(answers: dict[str, int], **button: str) -> dict[str, str]:
    return {f"item_{key}": str(value) for key, value in answers.items()} | button


def test_the_portal_shows_what_is_due_and_when_it_closes(world: World) -> None:
    row = sent_to_paula(world)
    page = client_for(world.paula).get("/portal/").content.decode()
    assert "Patient Health Questionnaire-9 (PHQ-9)" in page
    assert _url(row) in page
    assert "Please answer by" in page
    read = AuditEvent.objects.get(object_type="portal_home")
    assert (read.actor_kind, read.patient_id) == ("patient", world.patient.public_id)


def test_the_questionnaire_shows_the_items_the_recall_period_and_the_copyright(
    world: World,
) -> None:
    page = client_for(world.paula).get(_url(sent_to_paula(world))).content.decode()
    assert "Little interest or pleasure in doing things" in page
    assert "Over the last 2 weeks" in page
    assert "No permission required to reproduce" in page
    assert page.count('type="radio"') == 9 * 4


def test_a_half_answered_questionnaire_is_saved_and_resumed(world: World) -> None:
    row = sent_to_paula(world)
    paula = client_for(world.paula)
    saved = paula.post(_url(row), _form({"1": 2, "2": 3}, save="1"), follow=True)
    assert "Saved. You can finish it later." in saved.content.decode()
    again = paula.get(_url(row)).content.decode()
    assert re.search(r'name="item_1" value="2"[^>]*checked', again)
    assert re.search(r'name="item_2" value="3"[^>]*checked', again)
    assert not re.search(r'name="item_3" value="\d"[^>]*checked', again)
    row.refresh_from_db()
    assert row.draft == {"1": 2, "2": 3}


def test_sending_with_answers_missing_names_each_and_keeps_what_was_typed(world: World) -> None:
    row = sent_to_paula(world)
    page = client_for(world.paula).post(_url(row), _form({"1": 1, "2": 1}, send="1"))
    text = page.content.decode()
    assert page.status_code == 200
    for item in range(3, 10):
        assert f"Please answer question {item}." in text
    row.refresh_from_db()
    assert row.status == "open"
    assert row.draft == {"1": 1, "2": 1}
    assert not Assessment.objects.filter(patient=world.patient).exists()


def test_item_nine_at_two_shows_the_crisis_message_with_the_clinics_numbers(world: World) -> None:
    world.harbor.phone = "555-0100"
    world.harbor.save()
    row = sent_to_paula(world)
    sent = client_for(world.paula).post(_url(row), _form(phq9(2), send="1"), follow=True)
    text = sent.content.decode()
    assert "If you are thinking of hurting yourself" in text
    assert "555-0100" in text
    assert "988" in text
    row.refresh_from_db()
    assert row.status == "completed"
    assert row.assessment.alert.level == "urgent"  # type: ignore[union-attr]


def test_answers_without_a_positive_item_nine_say_thank_you_without_the_crisis_message(
    world: World,
) -> None:
    sent = client_for(world.paula).post(
        _url(sent_to_paula(world)), _form(phq9(0), send="1"), follow=True
    )
    text = sent.content.decode()
    assert "answers have reached your care team" in text
    assert "If you are thinking of hurting yourself" not in text


def test_sending_twice_records_one_response(world: World) -> None:
    row = sent_to_paula(world)
    first = questionnaire_submit(actor=world.paula, assignment=row, answers=phq9(1))
    second = questionnaire_submit(actor=world.paula, assignment=row, answers=phq9(0))
    assert (first.first_time, second.first_time) == (True, False)
    assert Assessment.objects.filter(patient=world.patient).count() == 1
    assert second.assignment.assessment.answers["9"] == 1  # type: ignore[union-attr]
    page = client_for(world.paula).post(_url(row), _form(phq9(0), send="1"), follow=True)
    # The first answers stand, and so does the crisis message they brought.
    assert "If you are thinking of hurting yourself" in page.content.decode()
    assert Assessment.objects.filter(patient=world.patient).count() == 1


def test_an_expired_questionnaire_says_so_and_shows_what_was_saved(
    world: World, clock: Clock
) -> None:
    row = sent_to_paula(world)
    client_for(world.paula).post(_url(row), _form({"1": 3}, save="1"))
    clock.advance(days=3)
    page = client_for(world.paula).get(_url(row)).content.decode()
    assert "This questionnaire has expired" in page
    assert "These are the answers you had saved." in page
    with pytest.raises(ValidationError, match="expired"):
        questionnaire_submit(actor=world.paula, assignment=row, answers=phq9(0))
    assert "Please answer by" not in client_for(world.paula).get("/portal/").content.decode()


def test_a_patient_cannot_open_another_patients_questionnaire_nor_staff_the_portal(
    world: World,
) -> None:
    theirs = questionnaire_assign(
        actor=world.sol,
        patient=world.their_patient,
        instrument="phq9",
        expires_at=timezone.now() + DAY,
    )
    assert client_for(world.paula).get(_url(theirs)).status_code == 404
    assert client_for(world.nina).get("/portal/").status_code == 404
    denied = AuditEvent.objects.get(object_type="portal_page")
    assert denied.outcome == "denied"


def test_only_self_report_scales_with_a_clear_licence_are_sent_home(world: World) -> None:
    for refused in ("qids_sr16", "madrs", "cssrs_screener"):
        with pytest.raises(ValidationError, match="Patients answer these at home"):
            questionnaire_assign(
                actor=world.pia,
                patient=world.patient,
                instrument=refused,
                expires_at=timezone.now() + DAY,
            )


def test_the_same_questionnaire_is_not_sent_twice_while_one_is_open(world: World) -> None:
    sent_to_paula(world)
    with pytest.raises(ValidationError, match="already waiting for the patient"):
        sent_to_paula(world)
    sent_to_paula(world, instrument="gad7")
