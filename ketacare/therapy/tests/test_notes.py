"""Therapy notes: drafted and signed by the session's therapist, locked once signed (addenda,
never edits), never deleted; progress notes for the care team, psychotherapy notes for their
author alone; a risk check with suicidal thoughts raises the suicide-risk alert."""

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import World, client_for
from ketacare.assessments.models import RiskAlert
from ketacare.clinics.actors import StaffActor
from ketacare.clinics.models import Role
from ketacare.core.models import AuditAction, AuditEvent, AuditOutcome
from ketacare.therapy.models import TherapyNote, TherapySession
from ketacare.therapy.notes import (
    NoteLocked,
    note_addendum_add,
    note_mark_error,
    note_save,
    note_sign,
    note_start,
)
from ketacare.therapy.tests.builders import booked
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _note(world: World, kind: str = "progress", **parts: Any) -> TherapyNote:
    session = booked(world)
    note = note_start(actor=world.theo, session=session, kind=kind)
    return note_save(actor=world.theo, note=note, **{"goals": "Sleep better", **parts})


def _second_therapist(world: World) -> StaffActor:
    return staff(world.harbor, Role.THERAPIST, email="tara@harbor.test", full_name="Tara Two")


def test_a_note_is_written_by_the_sessions_therapist_only(world: World) -> None:
    session: TherapySession = booked(world)
    with pytest.raises(PermissionDenied):
        note_start(actor=_second_therapist(world), session=session, kind="progress")
    note = note_start(actor=world.theo, session=session, kind="progress")
    assert note_start(actor=world.theo, session=session, kind="progress") == note
    with pytest.raises(ValidationError) as kind:
        note_start(actor=world.theo, session=session, kind="diary")
    assert kind.value.message_dict == {"kind": ["Choose one of: progress, psychotherapy."]}


def test_a_note_is_signed_by_its_author_with_its_risk_check_and_then_locked(world: World) -> None:
    note = _note(world)
    with pytest.raises(ValidationError) as unchecked:
        note_sign(actor=world.theo, note=note)
    assert unchecked.value.message_dict == {"risk_check": ["Record the risk check before signing."]}
    note_save(actor=world.theo, note=note, risk_check="none")
    with pytest.raises(PermissionDenied):
        note_sign(actor=_second_therapist(world), note=note)
    signed = note_sign(actor=world.theo, note=note)
    assert signed.signed_at is not None
    with pytest.raises(NoteLocked):
        note_save(actor=world.theo, note=note, plan="Changed afterwards")
    addendum = note_addendum_add(actor=world.theo, note=note, text="Called: slept 7 hours.")
    note.refresh_from_db()
    assert (note.plan, list(note.addenda.all())) == ("", [addendum])
    assert not RiskAlert.objects.exists()


def test_a_risk_check_recording_suicidal_thoughts_raises_the_alert_on_signing(
    world: World,
) -> None:
    note = _note(world, risk_check="thoughts", risk_note="Passive thoughts this week.")
    assert not RiskAlert.objects.exists(), "a draft raises nothing"
    note_sign(actor=world.theo, note=note)
    alert = RiskAlert.objects.get()
    assert (alert.level, alert.patient, alert.assessment) == ("alert", world.patient, None)
    assert (alert.reported_in, alert.reported_id) == ("therapy_note", note.public_id)
    page = client_for(world.nina).get(f"/alerts/{alert.public_id}/").content.decode()
    assert "Suicidal thoughts, without intent or a plan" in page
    assert "C-SSRS Screener" in page


def test_thoughts_with_intent_or_a_plan_raise_an_urgent_alert(world: World) -> None:
    note_sign(actor=world.theo, note=_note(world, risk_check="intent_or_plan"))
    assert RiskAlert.objects.get().level == "urgent"


def test_a_signed_note_is_never_deleted_only_marked_entered_in_error(world: World) -> None:
    note = note_sign(actor=world.theo, note=_note(world, risk_check="none"))
    with pytest.raises(ValidationError):
        note_mark_error(actor=world.theo, note=note, reason="")
    marked = note_mark_error(actor=world.theo, note=note, reason="Wrong patient")
    assert (marked.entered_in_error, marked.error_reason) == (True, "Wrong patient")
    assert TherapyNote.objects.filter(pk=note.pk).exists()
    corrected = AuditEvent.objects.get(object_id=note.public_id, action=AuditAction.CORRECT)
    assert corrected.changes == {"kind": "progress", "changed": ["entered_in_error"]}


def test_the_nurse_reads_the_progress_note_and_cannot_open_the_psychotherapy_note(
    world: World,
) -> None:
    progress = note_sign(actor=world.theo, note=_note(world, risk_check="none"))
    private = note_start(actor=world.theo, session=progress.session, kind="psychotherapy")
    nurse = client_for(world.nina)
    url = f"/patients/{world.patient.public_id}/therapy-notes/"
    assert "Sleep better" in nurse.get(f"{url}{progress.public_id}/").content.decode()
    assert nurse.get(f"{url}{private.public_id}/").status_code == 404
    denied = AuditEvent.objects.get(object_id=private.public_id, outcome=AuditOutcome.DENIED)
    assert (denied.actor_email, denied.patient_id) == ("nina@harbor.test", world.patient.public_id)
    assert client_for(world.theo).get(f"{url}{private.public_id}/").status_code == 200


@pytest.mark.parametrize("who", ["ada", "pia", "nina", "fran", "second therapist"])
def test_a_psychotherapy_note_is_read_by_its_author_alone(world: World, who: str) -> None:
    private = note_start(actor=world.theo, session=booked(world), kind="psychotherapy")
    actor = _second_therapist(world) if who == "second therapist" else getattr(world, who)
    client = client_for(actor)
    page = client.get(f"/patients/{world.patient.public_id}/therapy-notes/{private.public_id}/")
    api = client.get(f"/api/v1/therapy-notes/{private.public_id}")
    listed = client.get(f"/api/v1/patients/{world.patient.public_id}/therapy-notes")
    reads_notes = who in ("pia", "nina", "second therapist")
    assert (page.status_code, api.status_code) == ((404, 404) if reads_notes else (403, 403))
    assert str(private.public_id) not in listed.content.decode()
    denied = AuditEvent.objects.filter(object_id=private.public_id, outcome=AuditOutcome.DENIED)
    assert denied.count() == (2 if reads_notes else 0), "a refusal by role names no note"


def test_a_locked_note_refuses_an_api_edit_with_409_and_the_addendum_form_keeps_the_text(
    world: World,
) -> None:
    note = note_sign(actor=world.theo, note=_note(world, risk_check="none"))
    client = client_for(world.theo)
    edit = client.patch(
        f"/api/v1/therapy-notes/{note.public_id}",
        json.dumps({"plan": "Rewritten"}),
        content_type="application/json",
    )
    assert edit.status_code == 409
    assert "addendum" in edit.json()["error"]["message"]
    page = client.post(
        f"/patients/{world.patient.public_id}/therapy-notes/{note.public_id}/addendum/",
        {"text": "x" * 4001},
    ).content.decode()
    assert "x" * 4001 in page
    assert 'id="error-summary"' in page


def test_the_note_form_saves_a_draft_then_signs_it(world: World) -> None:
    session = booked(world)
    client = client_for(world.theo)
    url = f"/patients/{world.patient.public_id}/therapy/{session.public_id}/note/progress/"
    form = client.get(url).content.decode()
    assert "intentions for the first dose" in form, "the preparation template's prompts"
    client.post(url, {"goals": "Feel less stuck", "save": ""})
    note = TherapyNote.objects.get()
    assert (note.goals, note.signed_at) == ("Feel less stuck", None)
    refused = client.post(url, {"goals": "Feel less stuck", "sign": ""}).content.decode()
    assert "Record the risk check before signing." in refused
    assert "Feel less stuck" in refused
    client.post(url, {"goals": "Feel less stuck", "risk_check": "none", "sign": ""})
    note.refresh_from_db()
    assert note.signed_at is not None
    assert client.get(url).status_code == 302, "a signed note opens as read, not as a form"


def test_the_patient_sees_their_sessions_and_the_shared_homework_never_a_private_note(
    world: World,
) -> None:
    note = _note(
        world, risk_check="none", coping_skills="Walk after lunch", share_with_patient=True
    )
    note_sign(actor=world.theo, note=note)
    private = note_start(actor=world.theo, session=note.session, kind="psychotherapy")
    note_save(actor=world.theo, note=private, coping_skills="Therapist's own hypothesis")
    home = client_for(world.paula).get("/portal/").content.decode()
    assert "Walk after lunch" in home
    assert "preparation session with Theo Therapist" in home
    assert "hypothesis" not in home
    assert "Sleep better" not in home, "only what was shared"


def test_the_audit_trail_records_which_parts_of_a_note_changed_never_what_they_say(
    world: World,
) -> None:
    private = note_start(actor=world.theo, session=booked(world), kind="psychotherapy")
    note_save(actor=world.theo, note=private, themes="A secret about the family")
    with pytest.raises(ValidationError) as refused:
        note_save(actor=world.theo, note=private, risk_check="thoughts")
    assert list(refused.value.message_dict) == ["risk_check"]
    note_sign(actor=world.theo, note=private)
    note_addendum_add(actor=world.theo, note=private, text="Another secret")
    trail = json.dumps([e.changes for e in AuditEvent.objects.filter(object_id=private.public_id)])
    assert "secret" not in trail
    assert '"changed": ["themes"]' in trail
