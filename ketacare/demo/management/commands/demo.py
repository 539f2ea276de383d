"""`ketacare demo`: create the embedded database, seed the demo network, and serve it with a
background worker beside the web server; Ctrl-C (or SIGTERM) stops both cleanly."""

import os
import signal
import subprocess
import sys
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ketacare.core.management.commands.serve import gunicorn_argv
from ketacare.demo.network import CLINICS, DEMO_PASSWORD, STAFF, staff_email
from ketacare.demo.portal import portal_email
from ketacare.demo.seed import seed

# How long the web server and the worker get to finish what they are doing when stopped.
STOP_SECONDS = 20


class Command(BaseCommand):
    help = "Set up the demo database (migrate + seed, safe to re-run) and serve the app."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Set up, then stop.")
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write("[1/3] Applying database migrations")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("[2/3] Seeding the demo network")
        seed(progress=self.stdout.write)
        self.stdout.write("[3/3] Ready")
        self._print_logins(options["bind"])
        if not options["no_serve"]:
            self._serve(options["bind"], options["workers"])

    def _serve(self, bind: str, workers: int) -> None:
        # Links in the demo's emails point at this server unless told otherwise.
        env = {**os.environ, "KETACARE_SITE_URL": settings.SITE_URL}
        if "KETACARE_SITE_URL" not in os.environ:
            env["KETACARE_SITE_URL"] = f"http://{bind}"
        worker = subprocess.Popen([sys.executable, "-m", "ketacare.cli", "worker"], env=env)
        web = subprocess.Popen(gunicorn_argv(bind, workers), env=env)
        self.stdout.write(f"Serving on http://{bind}/ with {workers} web workers and a job worker")
        signal.signal(signal.SIGTERM, _stop)
        try:
            web.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, worker):
                process.terminate()
            for process in (web, worker):
                try:
                    process.wait(timeout=STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _print_logins(self, bind: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nKetaCare demo: http://{bind}/"))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        for index, clinic in enumerate(CLINICS):
            self.stdout.write(f"  {clinic.name}")
            for role, key, names, _credentials in STAFF:
                email = staff_email(key, clinic)
                self.stdout.write(f"    {role.label:<13} {email:<28} {names[index]}")
            patient = f"{portal_email(clinic):<28} (the patient portal, at /portal/)"
            self.stdout.write(f"    {'Patient':<13} {patient}")
        self.stdout.write("")


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
