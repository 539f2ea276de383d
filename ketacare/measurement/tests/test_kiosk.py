"""Kiosk mode at check-in: the front desk opens a single-use code, the patient types it on the
clinic's tablet and sees only their own questionnaires due now; the tablet locks itself when
they are answered, when the patient finishes, when it is left idle or when the code expires,
and a code that is guessed at is void after a few wrong tries."""

import re
import types
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Clock, World, client_for
from ketacare.assessments.models import Assessment
from ketacare.core.models import AuditEvent
from ketacare.measurement import kiosk
from ketacare.measurement.assignments import questionnaire_assign, questionnaire_submit
from ketacare.measurement.models import KioskCode, KioskStatus
from ketacare.measurement.tests.builders import DAY, phq9, sent_to_paula
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

GAD7 = {str(item): 1 for item in range(1, 8)}


def _open_code(world: World) -> str:
    page = client_for(world.fran).post(
        f"/patients/{world.patient.public_id}/portal/", {"kiosk": "1"}
    )
    assert page.status_code == 200
    found = re.search(r'class="kiosk-code">(\w{4}) (\w{4})<', page.content.decode())
    assert found, "the page shows the code"
    return found[1] + found[2]


def _at_tablet(code: str, tablet: Client | None = None) -> tuple[Client, Any]:
    tablet = tablet or Client()
    return tablet, tablet.post("/kiosk/", {"code": code})


def _form(answers: dict[str, int]) -> dict[str, str]:
    return {f"item_{key}": str(value) for key, value in answers.items()} | {"send": "1"}


def _url(row: Any) -> str:
    return f"/kiosk/questionnaires/{row.public_id}/"


def test_a_code_opens_only_that_patients_questionnaires_due_now(world: World) -> None:
    due = [sent_to_paula(world), sent_to_paula(world, instrument="gad7")]
    other = PatientFactory.create(clinic=world.harbor, actor=world.fran)
    theirs = questionnaire_assign(
        actor=world.pia, patient=other, instrument="phq9", expires_at=timezone.now() + DAY
    )
    tablet, entered = _at_tablet(_open_code(world))
    assert entered.status_code == 302
    page = tablet.get("/kiosk/questionnaires/")
    text = page.content.decode()
    assert all(_url(row) in text for row in due)
    assert _url(theirs) not in text
    assert world.patient.given_name in text
    assert tablet.get(_url(theirs)).status_code == 404
    assert "no-store" in page["Cache-Control"]
    read = AuditEvent.objects.get(object_type="kiosk_due")
    assert (read.actor_kind, read.actor_role, read.patient_id) == (
        "patient",
        "kiosk",
        world.patient.public_id,
    )


def test_a_code_works_once(world: World) -> None:
    sent_to_paula(world)
    code = _open_code(world)
    _at_tablet(code)
    _second, refused = _at_tablet(code)
    assert refused.status_code == 200
    assert "That code is not right, or it has expired" in refused.content.decode()


def test_answering_everything_due_locks_the_tablet(world: World) -> None:
    phq, gad = sent_to_paula(world), sent_to_paula(world, instrument="gad7")
    tablet, _ = _at_tablet(_open_code(world))
    first = tablet.post(_url(phq), _form(phq9(0)), follow=True).content.decode()
    assert "Next questionnaire" in first
    last = tablet.post(_url(gad), _form(GAD7), follow=True).content.decode()
    assert "This tablet is now locked" in last
    assert tablet.get("/kiosk/questionnaires/")["Location"] == "/kiosk/"
    assert tablet.get(_url(phq))["Location"] == "/kiosk/"
    assert KioskCode.objects.get().status == KioskStatus.ENDED
    # The answers name the staff member who opened the code as the one who took them.
    assert {a.recorded_by for a in Assessment.objects.all()} == {world.fran.user}


def test_the_patient_can_lock_the_tablet_before_answering(world: World) -> None:
    sent_to_paula(world)
    tablet, _ = _at_tablet(_open_code(world))
    locked = tablet.post("/kiosk/finish/", follow=True).content.decode()
    assert "The tablet is locked" in locked
    assert tablet.get("/kiosk/questionnaires/")["Location"] == "/kiosk/"


def test_an_idle_tablet_locks_itself(world: World, clock: Clock) -> None:
    sent_to_paula(world)
    tablet, _ = _at_tablet(_open_code(world))
    clock.advance(minutes=kiosk.IDLE_MINUTES - 1)
    assert tablet.get("/kiosk/questionnaires/").status_code == 200
    clock.advance(minutes=kiosk.IDLE_MINUTES + 1)
    assert tablet.get("/kiosk/questionnaires/")["Location"] == "/kiosk/"
    ended = AuditEvent.objects.filter(object_type="kiosk_code").order_by("-pk").first()
    assert ended is not None
    assert ended.changes["reason"] == "timed out"


def test_a_code_not_entered_in_time_has_expired(world: World, clock: Clock) -> None:
    sent_to_paula(world)
    code = _open_code(world)
    clock.advance(hours=kiosk.code_hours(), minutes=1)
    _tablet, refused = _at_tablet(code)
    assert "That code is not right, or it has expired" in refused.content.decode()


def test_wrong_tries_void_the_code(world: World) -> None:
    sent_to_paula(world)
    code = _open_code(world)
    wrong = code[:3] + ("22222" if code[3:] != "22222" else "33333")
    for _ in range(kiosk.WRONG_TRIES_ALLOWED):
        _at_tablet(wrong)
    row = KioskCode.objects.get()
    assert (row.status, row.wrong_tries) == (KioskStatus.VOID, kiosk.WRONG_TRIES_ALLOWED)
    _tablet, refused = _at_tablet(code)
    assert "That code is not right" in refused.content.decode()
    denied = AuditEvent.objects.filter(object_type="kiosk_code", outcome="denied")
    assert denied.count() == kiosk.WRONG_TRIES_ALLOWED


def test_a_mistyped_code_is_read_as_written_and_a_short_one_named(world: World) -> None:
    sent_to_paula(world)
    code = _open_code(world)
    _tablet, short = _at_tablet("ABC")
    assert "Type the 8 letters and digits of the code." in short.content.decode()
    _tablet, entered = _at_tablet(f" {code[:4].lower()}-{code[4:]} ")
    assert entered["Location"] == "/kiosk/questionnaires/"


def test_entering_a_code_signs_a_staff_member_out_of_the_tablet(world: World) -> None:
    sent_to_paula(world)
    tablet = client_for(world.nina)
    _at_tablet(_open_code(world), tablet)
    assert tablet.get("/patients/")["Location"].startswith("/accounts/login/")
    assert tablet.get("/kiosk/questionnaires/").status_code == 200


def test_the_kiosk_shows_nothing_answered_before_it_opened(world: World) -> None:
    earlier = sent_to_paula(world)
    questionnaire_submit(actor=world.paula, assignment=earlier, answers=phq9(0))
    sent_to_paula(world, instrument="gad7")
    tablet, _ = _at_tablet(_open_code(world))
    assert tablet.get(_url(earlier)).status_code == 404
    assert tablet.get(f"{_url(earlier)}sent/").status_code == 404


def test_a_positive_item_nine_at_the_kiosk_asks_the_patient_to_tell_staff_now(
    world: World,
) -> None:
    row = sent_to_paula(world)
    tablet, _ = _at_tablet(_open_code(world))
    text = tablet.post(_url(row), _form(phq9(2)), follow=True).content.decode()
    assert "If you are thinking of hurting yourself" in text
    assert "Please tell a member of staff now" in text
    row.refresh_from_db()
    assert row.assessment is not None
    assert row.assessment.alert.level == "urgent"


def test_no_code_is_opened_when_nothing_is_due(world: World) -> None:
    page = client_for(world.fran).post(
        f"/patients/{world.patient.public_id}/portal/", {"kiosk": "1"}
    )
    assert "Nothing is due: send the patient a questionnaire first." in page.content.decode()
    assert not KioskCode.objects.exists()


def test_a_new_code_voids_the_one_still_waiting(world: World) -> None:
    sent_to_paula(world)
    first = _open_code(world)
    second = _open_code(world)
    _tablet, refused = _at_tablet(first)
    assert "That code is not right" in refused.content.decode()
    _tablet, entered = _at_tablet(second)
    assert entered["Location"] == "/kiosk/questionnaires/"


def test_another_clinics_staff_cannot_open_a_code_for_our_patient(world: World) -> None:
    sent_to_paula(world)
    page = client_for(world.sol).post(
        f"/patients/{world.patient.public_id}/portal/", {"kiosk": "1"}
    )
    assert page.status_code == 404
    assert not KioskCode.objects.exists()


def test_a_page_left_open_reloads_itself_into_the_lock_after_the_idle_limit(
    world: World,
) -> None:
    row = sent_to_paula(world)
    tablet, _ = _at_tablet(_open_code(world))
    seconds = kiosk.IDLE_MINUTES * 60 + 15
    for url in ("/kiosk/questionnaires/", _url(row)):
        page = tablet.get(url).content.decode()
        assert f'http-equiv="refresh" content="{seconds};url=/kiosk/questionnaires/"' in page


def test_the_kiosk_never_shows_again_the_answers_of_a_questionnaire_sent(world: World) -> None:
    phq = sent_to_paula(world)
    sent_to_paula(world, instrument="gad7")
    tablet, _ = _at_tablet(_open_code(world))
    tablet.post(_url(phq), _form(phq9(1)))
    again = tablet.get(_url(phq))
    assert again["Location"] == f"{_url(phq)}sent/"


def test_an_address_that_types_many_wrong_codes_is_turned_away(world: World) -> None:
    sent_to_paula(world)
    code = _open_code(world)
    tablet = Client()
    for _ in range(20):
        tablet.post("/kiosk/", {"code": "ZZZZZZZZ"})
    refused = tablet.post("/kiosk/", {"code": code})
    assert refused.status_code == 429
    assert "Too many codes were tried here" in refused.content.decode()
    assert KioskCode.objects.get().status == KioskStatus.WAITING  # still good elsewhere


def test_an_expired_code_frees_its_letters_for_a_new_one(
    world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the kiosk draws the same letters every time (Django's own session keys must not).
    same_letters = types.SimpleNamespace(choice=lambda letters: letters[0])
    monkeypatch.setattr("ketacare.measurement.kiosk.secrets", same_letters)
    sent_to_paula(world)
    _open_code(world)
    other = PatientFactory.create(clinic=world.harbor, actor=world.fran)
    questionnaire_assign(
        actor=world.pia, patient=other, instrument="phq9", expires_at=timezone.now() + 2 * DAY
    )
    clock.advance(hours=kiosk.code_hours(), minutes=1)
    row, code = kiosk.kiosk_code_open(actor=world.fran, patient=other)
    assert code == "AAAAAAAA"
    assert KioskCode.objects.exclude(pk=row.pk).get().status == KioskStatus.VOID


def test_a_wrong_guess_is_recorded_as_the_publics_not_the_patients(world: World) -> None:
    sent_to_paula(world)
    code = _open_code(world)
    _at_tablet(code[:3] + ("22222" if code[3:] != "22222" else "33333"))
    denied = AuditEvent.objects.get(object_type="kiosk_code", outcome="denied")
    assert denied.actor_kind == "public"
