"""`ketacare worker`: run the background jobs — the queue's worker (django-tasks' database
worker) and the periodic schedule beside it. SIGTERM or Ctrl-C stops it after the job under way.

Run as many workers as the load needs: the queue hands each job to one of them, and each
periodic run is queued once.
"""

import logging
import os
import socket
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from ketacare.core.jobs import enqueue_due_periodic

# How often the schedule is looked at: the shortest periodic job runs every few minutes.
SCHEDULE_SECONDS = 30.0


class Command(BaseCommand):
    help = "Run background jobs (the queue and the periodic schedule) until stopped."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Queue the periodic jobs now due, run every job ready, then stop.",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at the queue."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._log_to(self.stdout)
        worker = Worker(
            queue_names=["*"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        if options["batch"]:
            enqueue_due_periodic(timezone.now())
            worker.run()
            return
        self.stdout.write("KetaCare worker: running jobs; stop with Ctrl-C or SIGTERM.")
        threading.Thread(target=_schedule, name="periodic-schedule", daemon=True).start()
        worker.configure_signals()
        worker.run()

    def _log_to(self, stream: Any) -> None:
        # The queue's own lines (a job started, finished or failed); never a job's arguments.
        handler = logging.StreamHandler(stream)
        for name in ("django_tasks", "django_tasks_db", "ketacare.jobs"):
            log = logging.getLogger(name)
            log.setLevel(logging.INFO)
            log.propagate = False
            if not log.handlers:
                log.addHandler(handler)


def _schedule() -> None:
    stop = threading.Event()
    while True:
        try:
            enqueue_due_periodic(timezone.now())
        except Exception:
            logging.getLogger("ketacare.jobs").exception("the periodic schedule failed")
        finally:
            connections.close_all()
        stop.wait(SCHEDULE_SECONDS)
