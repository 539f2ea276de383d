"""The morning REMS reminder: once a clinic day, after 07:30 in the clinic's zone, each nurse
and prescriber of a clinic with REMS monitoring forms due gets an email that names no patient;
the task's read of the forms due is audited as the task."""

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core import mail

from conftest import Clock
from ketacare.core.actors import ActorKind
from ketacare.core.email import Message, render_message
from ketacare.core.models import AuditEvent
from ketacare.rems import tasks
from ketacare.rems.tests.builders import Bay, discharged
from tests.worker import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)
SUBJECT = "REMS monitoring forms waiting at Bay Clinic"


@pytest.fixture(autouse=True)
def _flushable(audit_guards_lifted_for_flush: None) -> None:
    """The worker runs jobs after the writes that queued them commit."""


@pytest.fixture(autouse=True)
def _mid_morning(clock: Clock) -> None:
    """The reminder waits for the clinic's morning: these tests start after it, at 10:30 in
    Bay's zone, whatever moment the suite is pinned to (CI also runs it just after midnight)."""
    clock.move_to_today_at(10, 30)


def _bay_time(clock: Clock, days: int, hour: int, minute: int = 0) -> None:
    zone = zoneinfo.ZoneInfo("America/New_York")
    today = dt.datetime.now(zone).date() + dt.timedelta(days=days)
    clock.move_to(dt.datetime.combine(today, dt.time(hour, minute), zone))


def _reminders() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.subject == SUBJECT]


def test_the_nurses_and_prescribers_hear_of_the_forms_due_once_each_morning(
    bay: Bay, clock: Clock
) -> None:
    discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    run_jobs()
    assert sorted(m.to[0] for m in _reminders()) == ["nora@bay.test", "pat@bay.test"]
    body = _reminders()[0].body
    assert "1 SPRAVATO REMS Patient Monitoring Form is waiting to be submitted" in body
    assert "/rems/due/" in body
    for message in _reminders():
        text = f"{message.subject} {message.body}"
        assert "Ortiz" not in text
        assert "Ellen" not in text
    clock.advance(minutes=20)
    run_jobs()
    assert len(_reminders()) == 2
    _bay_time(clock, days=1, hour=6)
    run_jobs()
    assert len(_reminders()) == 2
    _bay_time(clock, days=1, hour=7, minute=40)
    run_jobs()
    assert len(_reminders()) == 4


def test_a_reminder_that_fails_halfway_sends_nobody_until_its_retry_then_each_person_once(
    bay: Bay, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []

    def second_fails_once(template: str, **kwargs: Any) -> Message:
        rendered.append(kwargs["to"])
        if len(rendered) == 2:
            raise RuntimeError("the second message could not be rendered")
        return render_message(template, **kwargs)

    monkeypatch.setattr(tasks, "render_message", second_fails_once)
    discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    run_jobs()
    assert _reminders() == []
    clock.advance(minutes=2)
    run_jobs()
    assert sorted(m.to[0] for m in _reminders()) == ["nora@bay.test", "pat@bay.test"]


def test_the_tasks_read_of_the_forms_due_is_audited_as_the_task(bay: Bay) -> None:
    session = discharged(bay.patient, nurse=bay.nurse, prescriber=bay.prescriber)
    run_jobs()
    read = AuditEvent.objects.get(object_type="rems_forms_due", changes__via="reminder")
    assert (read.actor_kind, read.actor_task) == (ActorKind.SYSTEM, "REMS forms due reminder")
    assert read.changes["dosing_sessions"] == [str(session.public_id)]
    assert read.chain == str(bay.clinic.public_id)


def test_a_clinic_with_nothing_due_gets_no_email(bay: Bay) -> None:
    run_jobs()
    assert _reminders() == []
