"""`ketacare syncprotocols`: copy into every clinic's library the built-in protocol versions it
lacks (after an upgrade brings new ones). Rows are only added; courses keep their version."""

from typing import Any

from django.core.management.base import BaseCommand

from ketacare.clinics.actors import SystemActor
from ketacare.clinics.models import Clinic
from ketacare.treatment.library import protocol_library_sync


class Command(BaseCommand):
    help = "Copy new built-in protocol versions into every clinic's library."

    def handle(self, *args: Any, **options: Any) -> None:
        for clinic in Clinic.objects.order_by("name"):
            added = protocol_library_sync(actor=SystemActor("syncprotocols", clinic), clinic=clinic)
            self.stdout.write(f"{clinic.name}: {added} built-in protocol versions added")
