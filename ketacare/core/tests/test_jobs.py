"""Background jobs on the database queue, run by `ketacare worker`: queued only when the write
commits, tried again with back-off, failures kept without their messages, periodic jobs queued
once per run whatever the number of workers."""

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from conftest import Clock, World
from ketacare.accounts.services import password_reset_email, password_reset_request
from ketacare.core.actors import ANONYMOUS
from ketacare.core.jobs import (
    JOBS,
    JobRow,
    enqueue_due_periodic,
    enqueue_on_commit,
    recent_jobs,
)
from ketacare.core.models import PeriodicRun
from ketacare.rems.tasks import forms_due_reminders
from tests.worker import run_jobs


class Refused(smtplib.SMTPException):
    """What a mail server says when it will not take a message."""


# A refusal quoting data: the queue must keep where it failed, not what the message said.
REFUSAL = b"mailbox of Paula Rivera unavailable"


def _reset_jobs(world: World) -> list[JobRow]:
    return [
        job
        for job in recent_jobs(world.harbor.public_id)
        if job.label == "Send a password-reset link"
    ]


def _mail_refused(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise error

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)


def _queue_ninas_reset(world: World) -> None:
    enqueue_on_commit(
        password_reset_email, clinic_id=world.harbor.public_id, user=str(world.nina.user.public_id)
    )


def _queue_then_fail(email: str) -> None:
    with transaction.atomic():
        password_reset_request(actor=ANONYMOUS, email=email)
        raise RuntimeError("the request failed after queueing")


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_what_a_committed_write_queued_and_nothing_of_a_rolled_back_one(
    audit_guards_lifted_for_flush: None, world: World
) -> None:
    password_reset_request(actor=ANONYMOUS, email=world.nina.user.email)
    with pytest.raises(RuntimeError):
        _queue_then_fail(world.pia.user.email)
    assert DBTaskResult.objects.filter(task_path=password_reset_email.module_path).count() == 1
    run_jobs()
    assert [message.to for message in mail.outbox] == [[world.nina.user.email]]
    done = DBTaskResult.objects.get(task_path=password_reset_email.module_path)
    assert done.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_tried_again_later_each_wait_longer_then_given_up(
    audit_guards_lifted_for_flush: None,
    world: World,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _mail_refused(monkeypatch, Refused(550, REFUSAL))
    _queue_ninas_reset(world)
    waits = []
    for _attempt in range(JOBS[password_reset_email.module_path].attempts):
        run_jobs()
        retry = DBTaskResult.objects.filter(status=TaskResultStatus.READY).first()
        if retry is None:
            break
        waits.append(retry.run_after - clock())
        clock.move_to(retry.run_after + dt.timedelta(seconds=1))
    assert [round(wait.total_seconds() / 60) for wait in waits] == [1, 2]
    attempts = DBTaskResult.objects.filter(task_path=password_reset_email.module_path)
    assert attempts.count() == 3
    assert set(attempts.values_list("status", flat=True)) == {TaskResultStatus.FAILED}
    for failed in attempts:
        assert "Paula" not in failed.traceback
        assert "Refused" in failed.traceback
    (job,) = _reset_jobs(world)
    assert (job.label, job.status, job.attempt, job.attempts) == (
        "Send a password-reset link",
        "Failed",
        3,
        3,
    )
    assert job.problem == "The mail server refused the message or could not be reached."


@pytest.mark.django_db(transaction=True)
def test_a_job_waiting_to_be_tried_again_says_so(
    audit_guards_lifted_for_flush: None, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _mail_refused(monkeypatch, ConnectionRefusedError())
    _queue_ninas_reset(world)
    run_jobs()
    (job,) = _reset_jobs(world)
    assert (job.status, job.attempt) == ("Waiting to try again", 2)
    assert job.next_try_at is not None
    assert all(
        job.label != "Send a password-reset link" for job in recent_jobs(world.summit.public_id)
    )


@pytest.mark.django_db(transaction=True)
def test_a_job_done_on_a_later_try_shows_done_without_the_earlier_problem(
    audit_guards_lifted_for_flush: None,
    world: World,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patched:
        _mail_refused(patched, ConnectionRefusedError())
        _queue_ninas_reset(world)
        run_jobs()
    (waiting,) = _reset_jobs(world)
    assert waiting.problem == "The mail server refused the message or could not be reached."
    assert waiting.next_try_at is not None
    clock.move_to(waiting.next_try_at + dt.timedelta(seconds=1))
    run_jobs()
    (done,) = _reset_jobs(world)
    assert (done.status, done.attempt, done.problem) == ("Done", 2, "")
    assert [message.to for message in mail.outbox] == [[world.nina.user.email]]


@pytest.mark.django_db
def test_a_periodic_job_is_queued_once_per_run_and_again_after_its_interval(
    clock: Clock, django_capture_on_commit_callbacks: Any
) -> None:
    path = forms_due_reminders.module_path
    queued = DBTaskResult.objects.filter(task_path=path)
    with django_capture_on_commit_callbacks(execute=True):
        assert path in enqueue_due_periodic(clock())
        assert path not in enqueue_due_periodic(clock())
        clock.advance(minutes=16)
        assert path in enqueue_due_periodic(clock())
    assert queued.count() == 2
    assert PeriodicRun.objects.get(name=path).next_run_at > clock()


@pytest.mark.django_db(transaction=True)
def test_finished_job_records_are_removed_after_30_days_and_recent_ones_kept(
    audit_guards_lifted_for_flush: None, world: World, clock: Clock
) -> None:
    _queue_ninas_reset(world)
    run_jobs()
    resets = DBTaskResult.objects.filter(task_path=password_reset_email.module_path)
    clock.advance(days=29)
    run_jobs()
    assert resets.count() == 1
    clock.advance(days=2)
    run_jobs()
    assert resets.count() == 0
