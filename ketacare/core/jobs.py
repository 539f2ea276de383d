"""Background jobs on a real queue: django-tasks with its database backend (no broker), run by
`ketacare worker`.

- `@background("What it does in words")` makes a function a job. It runs with the keyword
  arguments it was queued with (JSON: ids, never patient data) and `clinic`, the public id of
  the clinic it works for ("" for network-wide work). A failed attempt is tried again later
  with back-off (1, 2, 4 … minutes, at most an hour apart) until its attempts are spent. Each
  attempt is one transaction: what a failed attempt wrote or queued is undone. The
  queue records each attempt; the error it keeps is the kind of failure and where it happened,
  never the exception's message, which may quote patient data.
- `enqueue_on_commit(job, clinic_id=…, **payload)` queues it when the current transaction
  commits: a rolled-back write queues nothing.
- `enqueue_in_transaction(job, …)` writes the queued job as part of the current transaction
  (the queue is a table of the same database): for a job that queues thousands, since it
  holds nothing in memory until the commit and the jobs commit with the rows they follow.
- `@periodic(every=…)` also runs a job on a schedule; the worker queues each one when due, and
  a row per schedule (`PeriodicRun`, locked while read) keeps two workers from doubling it.
"""

import datetime as dt
import logging
import smtplib
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeAlias

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult, get_date_max

from ketacare.core.models import PeriodicRun

logger = logging.getLogger("ketacare.jobs")
JobTask: TypeAlias = Task[..., None]
LONGEST_WAIT = dt.timedelta(hours=1)


class JobFailed(Exception):
    """An attempt failed in a way the code did not expect."""

    description = "Something unexpected went wrong; the server log says where."


class MailFailed(JobFailed):
    description = "The mail server refused the message or could not be reached."


class DatabaseBusy(JobFailed):
    description = "The database was busy or out of reach."


@dataclass(frozen=True)
class Job:
    """A kind of background work: its name in words, its task and how often it is tried."""

    label: str
    task: JobTask
    attempts: int
    first_retry: dt.timedelta

    def wait_before(self, attempt: int) -> dt.timedelta:
        """How long to wait before trying `attempt` (the second try waits `first_retry`)."""
        wait: dt.timedelta = self.first_retry * 2 ** max(attempt - 2, 0)
        return min(wait, LONGEST_WAIT)


JOBS: dict[str, Job] = {}
PERIODIC: dict[str, dt.timedelta] = {}


def background(
    label: str, *, attempts: int = 5, first_retry: dt.timedelta = dt.timedelta(minutes=1)
) -> Callable[[Callable[..., None]], JobTask]:
    def decorate(function: Callable[..., None]) -> JobTask:
        @wraps(function)
        def attempt(*, clinic: str = "", job: str = "", attempt: int = 1, **payload: Any) -> None:
            try:
                # One transaction per attempt: a failed one leaves no row behind and queues
                # nothing (no email goes to the first half of a list, then again on retry).
                with transaction.atomic():
                    function(clinic=clinic, **payload)
                return
            except Exception as error:
                failure = _withheld(error)
            # Outside the `except`: should queuing the retry fail too, its error does not
            # carry the first one (and its message) along.
            try:
                _try_again_later(JOBS[queued.module_path], clinic, job, attempt, payload)
            except Exception as error:
                raise _withheld(error) from None
            raise failure

        queued: JobTask = task(attempt)
        JOBS[queued.module_path] = Job(label, queued, attempts, first_retry)
        return queued

    return decorate


def _try_again_later(job: Job, clinic: str, job_id: str, attempt: int, payload: Any) -> None:
    logger.warning("job %s attempt %d of %d failed", job.label, attempt, job.attempts)
    if attempt >= job.attempts:
        return
    later = job.task.using(run_after=timezone.now() + job.wait_before(attempt + 1))
    later.enqueue(clinic=clinic, job=job_id, attempt=attempt + 1, **payload)


def _withheld(error: Exception) -> JobFailed:
    """The failure as the queue keeps it: the kind of error and the frames it passed through,
    without its message (a message can quote the data that failed)."""
    kind: type[JobFailed] = JobFailed
    if isinstance(error, smtplib.SMTPException | ConnectionError | TimeoutError):
        kind = MailFailed
    elif isinstance(error, DatabaseError):
        kind = DatabaseBusy
    frames = "".join(traceback.format_tb(error.__traceback__))
    return kind(f"{type(error).__qualname__}; its message is withheld.\n{frames}")


def enqueue_on_commit(job: JobTask, *, clinic_id: uuid.UUID | None = None, **payload: Any) -> None:
    """Queue `job` once the current transaction commits (at once outside one)."""
    kwargs = {"clinic": str(clinic_id or ""), "job": str(uuid.uuid4()), "attempt": 1, **payload}
    transaction.on_commit(lambda: job.enqueue(**kwargs))


def enqueue_in_transaction(
    job: JobTask, *, clinic_id: uuid.UUID | None = None, **payload: Any
) -> None:
    """Queue `job` now, inside the current transaction: it commits or rolls back with it."""
    job.enqueue(clinic=str(clinic_id or ""), job=str(uuid.uuid4()), attempt=1, **payload)


def periodic(*, every: dt.timedelta) -> Callable[[JobTask], JobTask]:
    """Run this (network-wide) job every `every`, starting when a worker first starts."""

    def register(job: JobTask) -> JobTask:
        PERIODIC[job.module_path] = every
        return job

    return register


def enqueue_due_periodic(now: dt.datetime) -> list[str]:
    """Queue every periodic job whose time has come; returns their paths. Missed runs are not
    made up: the next one is `every` from now."""
    for path in PERIODIC:
        PeriodicRun.objects.get_or_create(name=path, defaults={"next_run_at": now})
    queued = []
    with transaction.atomic():
        due = PeriodicRun.objects.select_for_update(skip_locked=True).filter(
            name__in=list(PERIODIC), next_run_at__lte=now
        )
        for run in due:
            enqueue_on_commit(JOBS[run.name].task)
            run.next_run_at = now + PERIODIC[run.name]
            run.save(update_fields=["next_run_at"])
            queued.append(run.name)
    return queued


def enqueued_since(job: JobTask, clinic_id: uuid.UUID, since: dt.datetime) -> bool:
    """Whether `job` was queued for the clinic since `since` (a once-a-day job's own check)."""
    return DBTaskResult.objects.filter(
        task_path=job.module_path,
        args_kwargs__kwargs__clinic=str(clinic_id),
        args_kwargs__kwargs__attempt=1,
        enqueued_at__gte=since,
    ).exists()


@dataclass(frozen=True)
class JobRow:
    """One job as a clinic admin sees it: its latest attempt, in words."""

    label: str
    status: str
    attempt: int
    attempts: int
    queued_at: dt.datetime
    finished_at: dt.datetime | None
    next_try_at: dt.datetime | None
    problem: str


def recent_jobs(clinic_id: uuid.UUID, limit: int = 50) -> list[JobRow]:
    """The clinic's most recent jobs, newest first; one query whatever their attempts."""
    results = DBTaskResult.objects.filter(args_kwargs__kwargs__clinic=str(clinic_id)).order_by(
        "-enqueued_at"
    )[: limit * 4]
    newest: dict[str, DBTaskResult[..., Any]] = {}
    problems: dict[str, str] = {}
    for result in results:
        key = str(result.args_kwargs["kwargs"].get("job") or result.id)
        newest.setdefault(key, result)
        if result.status == TaskResultStatus.FAILED:
            problems.setdefault(key, _described(result.exception_class_path))
    # A problem an earlier attempt met is shown until an attempt succeeds.
    return [
        _row(result, "" if result.status == TaskResultStatus.SUCCESSFUL else problems.get(key, ""))
        for key, result in newest.items()
    ][:limit]


def _row(result: DBTaskResult[..., Any], problem: str) -> JobRow:
    job = JOBS.get(result.task_path)
    attempt = int(result.args_kwargs["kwargs"].get("attempt") or 1)
    attempts = job.attempts if job else attempt
    deferred = result.run_after != get_date_max()
    waiting = (
        result.status == TaskResultStatus.READY and deferred and result.run_after > timezone.now()
    )
    return JobRow(
        label=job.label if job else "A job this version no longer has",
        status=_status(result.status, attempt, waiting),
        attempt=attempt,
        attempts=attempts,
        queued_at=result.enqueued_at,
        finished_at=result.finished_at,
        next_try_at=result.run_after if waiting else None,
        problem=problem,
    )


STATUS_WORDS = {
    TaskResultStatus.READY: "Queued",
    TaskResultStatus.RUNNING: "Running",
    TaskResultStatus.SUCCESSFUL: "Done",
    TaskResultStatus.FAILED: "Failed",
}


def _status(status: str, attempt: int, waiting: bool) -> str:
    if waiting and attempt > 1:
        return "Waiting to try again"
    return STATUS_WORDS.get(TaskResultStatus(status), "Queued")


def _described(exception_path: str) -> str:
    try:
        kind = import_string(exception_path)
    except ImportError:
        kind = None
    if isinstance(kind, type) and issubclass(kind, JobFailed):
        return kind.description
    return JobFailed.description


# Finished jobs are kept this long for the clinic's page and for looking into a failure.
KEEP_FINISHED = dt.timedelta(days=30)


@periodic(every=dt.timedelta(days=1))
@background("Remove old job records")
def prune_finished_jobs(*, clinic: str) -> None:
    """The queue's records of jobs finished over `KEEP_FINISHED` ago (these are the queue's
    bookkeeping, not clinical records: nothing of a patient's is in them)."""
    old = DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - KEEP_FINISHED)
    old.delete()
