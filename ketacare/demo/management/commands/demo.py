"""`ketacare demo`: create the embedded database, seed the demo network, and serve it."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ketacare.demo.seed import CLINICS, DEMO_PASSWORD, STAFF, seed, staff_email


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
            call_command("serve", bind=options["bind"], workers=options["workers"])

    def _print_logins(self, bind: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nKetaCare demo: http://{bind}/"))
        self.stdout.write(f"Every demo login uses the password: {DEMO_PASSWORD}")
        for index, clinic in enumerate(CLINICS):
            self.stdout.write(f"  {clinic.name}")
            for role, key, names, _credentials in STAFF:
                email = staff_email(key, clinic)
                self.stdout.write(f"    {role.label:<13} {email:<28} {names[index]}")
        self.stdout.write("")
