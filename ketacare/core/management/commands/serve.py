"""`ketacare serve`: the production WSGI server (gunicorn, several workers)."""

import os
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve KetaCare with gunicorn."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KETACARE_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("KETACARE_WORKERS", "3"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        argv = gunicorn_argv(options["bind"], options["workers"])
        self.stdout.write(f"Serving on http://{options['bind']}/ with {options['workers']} workers")
        sys.stdout.flush()
        os.execv(sys.executable, argv)


def gunicorn_argv(bind: str, workers: int) -> list[str]:
    # The access log has method, path, status and time: paths hold ids, never patient data.
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--access-logformat",
        '%(h)s "%(m)s %(U)s" %(s)s %(L)ss',
    ]
