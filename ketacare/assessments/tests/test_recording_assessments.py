"""Rating scales entered by staff: item-level answers kept, scored by the clinical core."""

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import World, client_for
from ketacare.accounts.services import api_token_create
from ketacare.assessments.models import Assessment
from ketacare.assessments.services import assessment_mark_error, assessment_record
from ketacare.core.models import AuditAction, AuditEvent
from tests.factories import SETUP

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
PHQ9 = {"1": 2, "2": 3, "3": 1, "4": 2, "5": 0, "6": 1, "7": 2, "8": 0, "9": 1}


def _url(world: World, tail: str) -> str:
    return f"/patients/{world.patient.public_id}/assessments/{tail}"


def _form(answers: dict[str, str]) -> dict[str, str]:
    data = {"administered_at": "2026-03-02T09:30", "context": "baseline"}
    data.update({f"item_{item}": value for item, value in answers.items()})
    return data


def _nurses_phq9(world: World) -> Assessment:
    return assessment_record(
        actor=world.nina,
        patient=world.patient,
        instrument="phq9",
        answers=PHQ9,
        administered_at=WHEN,
    )


def test_item_level_answers_are_stored_and_scored_by_the_core(world: World) -> None:
    assessment = _nurses_phq9(world)
    assessment.refresh_from_db()
    assert assessment.answers == PHQ9
    assert (assessment.total, assessment.severity) == (12, "moderate")
    assert "suicidal_ideation" in assessment.flags
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="assessment")
    assert event.changes["answers"] == PHQ9


def test_a_nurse_records_a_phq9_through_the_page(world: World) -> None:
    answers = {item: str(value) for item, value in PHQ9.items()}
    response = client_for(world.nina).post(_url(world, "new/phq9/"), _form(answers))
    assert response.status_code == 302
    assert Assessment.objects.get().total == 12


def test_an_out_of_range_answer_names_the_item_and_keeps_the_other_answers(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        assessment_record(
            actor=world.nina,
            patient=world.patient,
            instrument="phq9",
            answers={**PHQ9, "3": 4},
            administered_at=WHEN,
        )
    assert "answers.3" in refused.value.message_dict
    assert "allowed: 0 to 3" in refused.value.message_dict["answers.3"][0]
    response = client_for(world.nina).post(
        _url(world, "new/phq9/"), _form({**{k: str(v) for k, v in PHQ9.items()}, "3": "4"})
    )
    assert response.status_code == 200
    assert "item_3" in response.context["form"].errors
    assert response.context["form"]["item_2"].value() == "3"  # nothing typed is lost
    assert not Assessment.objects.exists()


def test_a_cssrs_answer_the_skip_logic_forbids_is_refused(world: World) -> None:
    answers = {"1": "yes", "2": "no", "3": "yes", "6": "no"}
    response = client_for(world.nina).post(_url(world, "new/cssrs_screener/"), _form(answers))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "asked only when item 2 is Yes" in errors["item_3"][0]
    assert not Assessment.objects.exists()


def test_a_cssrs_with_recent_behaviour_is_high_risk(world: World) -> None:
    answers = {"1": "yes", "2": "yes", "3": "no", "4": "no", "5": "no", "6": "yes", "6a": "yes"}
    client_for(world.nina).post(_url(world, "new/cssrs_screener/"), _form(answers))
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.risk) == (None, "high")
    assert assessment.answers["6a"] is True


def test_a_therapist_may_record_a_scale_but_front_desk_may_not(world: World) -> None:
    answers = {str(item): "0" for item in range(1, 8)}
    assert client_for(world.theo).post(_url(world, "new/gad7/"), _form(answers)).status_code == 302
    assert client_for(world.fran).post(_url(world, "new/gad7/"), _form(answers)).status_code == 403


def test_a_future_administration_time_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        assessment_record(
            actor=world.nina,
            patient=world.patient,
            instrument="phq9",
            answers=PHQ9,
            administered_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        )
    assert "administered_at" in refused.value.message_dict


def test_a_wrong_administration_is_marked_in_error_not_deleted(world: World) -> None:
    assessment = _nurses_phq9(world)
    client = client_for(world.nina)
    client.post(_url(world, f"{assessment.public_id}/mark-error/"), {"reason": "Wrong patient"})
    assessment.refresh_from_db()
    assert (assessment.entered_in_error, assessment.error_reason) == (True, "Wrong patient")
    assert "entered in error: Wrong patient" in client.get(_url(world, "")).content.decode()


def test_a_therapist_strikes_out_a_scale_they_recorded_in_error(world: World) -> None:
    answers = {str(item): "0" for item in range(1, 8)}
    client = client_for(world.theo)
    client.post(_url(world, "new/gad7/"), _form(answers))
    assessment = Assessment.objects.get(patient=world.patient, instrument="gad7")
    response = client.post(
        _url(world, f"{assessment.public_id}/mark-error/"), {"reason": "Answered for last week"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.entered_in_error, assessment.error_reason) == (
        True,
        "Answered for last week",
    )


def test_a_reason_longer_than_the_record_keeps_is_refused_not_cut(world: World) -> None:
    assessment = _nurses_phq9(world)
    with pytest.raises(ValidationError) as refused:
        assessment_mark_error(actor=world.nina, assessment=assessment, reason="x" * 301)
    assert "300 characters" in refused.value.message_dict["reason"][0]
    assessment.refresh_from_db()
    assert not assessment.entered_in_error


def _api_post(world: World, patient: Any, body: dict[str, Any]) -> Any:
    _token, raw = api_token_create(actor=SETUP, user=world.nina.user, name="t")
    return Client().post(
        f"/api/v1/patients/{patient.public_id}/assessments",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )


def test_the_api_records_a_scale_and_names_a_bad_item(world: World) -> None:
    body = {"instrument": "phq9", "answers": PHQ9, "administered_at": WHEN.isoformat()}
    created = _api_post(world, world.patient, body)
    assert created.status_code == 201
    assert (created.json()["total"], created.json()["answers"]) == (12, PHQ9)
    refused = _api_post(world, world.patient, {**body, "answers": {**PHQ9, "9": 7}})
    assert refused.status_code == 422
    assert "answers.9" in refused.json()["error"]["fields"]
    assert _api_post(world, world.their_patient, body).status_code == 404


def test_a_scale_opened_from_a_session_is_a_follow_up_answered_now_and_returns_there(
    world: World,
) -> None:
    back = "/sessions/some-session/"
    page = client_for(world.nina).get(_url(world, f"new/phq9/?context=follow_up&next={back}"))
    text = page.content.decode()
    assert '<option value="follow_up" selected>' in text
    assert 'type="datetime-local"' in text
    assert 'value="20' in text.split('name="administered_at"')[1].split(">")[0]
    answers = {str(item): "0" for item in range(1, 10)}
    response = client_for(world.nina).post(
        _url(world, "new/phq9/"), {**_form(answers), "context": "follow_up", "next": back}
    )
    assert response.status_code == 302
    assert response["Location"] == back
