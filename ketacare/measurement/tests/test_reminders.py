"""Questionnaire reminders: when the questionnaire opens and halfway to its closing, never
after it closes, never in the clinic's quiet hours, at most the clinic's number, and not to a
patient who turned them off. The email names no patient in its subject."""

import datetime as dt
import importlib

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import Clock, World, client_for
from ketacare.measurement import outcomes
from ketacare.measurement.models import QuestionnaireReminder
from ketacare.measurement.reminders import remind_clinic
from ketacare.measurement.tests.builders import sent_to_paula
from ketacare.patients.models import PatientAccount
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
SUBJECT = "A questionnaire from Harbor Clinic"


@pytest.fixture(autouse=True)
def _flushable(audit_guards_lifted_for_flush: None) -> None:
    """The worker runs jobs after the writes that queued them commit."""


@pytest.fixture(autouse=True)
def _mid_morning(clock: Clock) -> None:
    clock.move_to_today_at(10, 0)


def _reminders() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.subject == SUBJECT]


def test_a_reminder_when_it_opens_and_another_halfway_then_none(world: World, clock: Clock) -> None:
    row = sent_to_paula(world)  # open for two days
    run_jobs()
    assert [m.to for m in _reminders()] == [["paula@example.test"]]
    assert f"/portal/questionnaires/{row.public_id}/" in _reminders()[0].body
    assert "Rivera" not in _reminders()[0].subject
    clock.advance(hours=12)  # 22:00: quiet hours
    run_jobs()
    assert len(_reminders()) == 1
    clock.advance(hours=12, minutes=30)  # 10:30 the next day, past halfway
    run_jobs()
    assert len(_reminders()) == 2
    clock.advance(hours=4)
    run_jobs()
    assert len(_reminders()) == 2
    assert list(QuestionnaireReminder.objects.values_list("number", flat=True)) == [1, 2]
    client_for(world.paula).get(f"/portal/questionnaires/{row.public_id}/")
    since = timezone.now() - dt.timedelta(days=30)
    (figures,) = outcomes.completion(world.harbor, since)
    assert (figures.sent, figures.opened, figures.completed, figures.reminders) == (1, 1, 0, 2)


def test_no_reminder_after_it_closes_nor_for_a_patient_who_turned_them_off(
    world: World, clock: Clock
) -> None:
    PatientAccount.objects.filter(patient=world.patient).update(reminders=False)
    sent_to_paula(world)
    run_jobs()
    assert _reminders() == []
    PatientAccount.objects.filter(patient=world.patient).update(reminders=True)
    clock.advance(days=3)
    run_jobs()
    assert _reminders() == []


def test_a_patient_turns_reminders_off_at_the_portal(world: World) -> None:
    paula = client_for(world.paula)
    page = paula.post("/portal/reminders/", {}, follow=True).content.decode()
    assert "We will not email you reminders" in page
    assert PatientAccount.objects.get(patient=world.patient).reminders is False
    paula.post("/portal/reminders/", {"reminders": "on"})
    assert PatientAccount.objects.get(patient=world.patient).reminders is True


def test_a_reminder_pass_that_fails_leaves_neither_a_reminder_nor_its_email_queued(
    world: World,
) -> None:
    sent_to_paula(world)
    queued_inside: list[int] = []

    def failing_pass() -> None:
        with transaction.atomic():
            remind_clinic(world.harbor, timezone.now())
            queued_inside.append(
                DBTaskResult.objects.filter(task_path__endswith="send_email").count()
            )
            raise RuntimeError("the pass fails after queuing")

    with pytest.raises(RuntimeError):
        failing_pass()
    assert queued_inside == [1]
    assert not QuestionnaireReminder.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="send_email").exists()
    run_jobs()  # the next pass sends it, once
    assert len(_reminders()) == 1


def test_reminders_sent_before_the_upgrade_are_counted_into_the_questionnaires_column(
    world: World,
) -> None:
    from django.apps import apps

    upgrade = importlib.import_module("ketacare.measurement.migrations.0006_reminders_sent")
    row = sent_to_paula(world)
    other = sent_to_paula(world, instrument="gad7")
    for number in (1, 2):
        QuestionnaireReminder.objects.create(assignment=row, number=number, sent_at=row.opens_at)
    upgrade.count_reminders_sent(apps, None)
    row.refresh_from_db()
    other.refresh_from_db()
    assert (row.reminders_sent, other.reminders_sent) == (2, 0)
