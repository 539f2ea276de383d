"""`ketacare audit verify`: recompute every audit hash chain and report tampering."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ketacare.core.audit import verify_chains
from ketacare.core.models import AuditChainHead, AuditEvent


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks that no row was edited, deleted or truncated."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_chains()
        rows, chains = AuditEvent.objects.count(), AuditChainHead.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED: {problem}")
            raise CommandError(f"audit trail verification failed: {len(problems)} problem(s)")
        self.stdout.write(
            self.style.SUCCESS(f"audit trail intact: {rows} events in {chains} chains")
        )
