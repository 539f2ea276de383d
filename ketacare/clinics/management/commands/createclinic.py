"""`ketacare createclinic`: a new clinic with its first clinic admin."""

import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ketacare.accounts.models import User
from ketacare.accounts.services import user_create
from ketacare.clinics.actors import SystemActor
from ketacare.clinics.models import Role
from ketacare.clinics.services import clinic_create, membership_grant

OPERATOR = SystemActor("createclinic")


class Command(BaseCommand):
    help = "Create a clinic and its first clinic admin."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--timezone", default="America/New_York")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="Clinic Admin")
        parser.add_argument("--admin-password", help="Generated and printed when omitted.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["admin_password"] or secrets.token_urlsafe(12)
        try:
            with transaction.atomic():
                clinic = clinic_create(
                    actor=OPERATOR, name=options["name"], timezone=options["timezone"]
                )
                admin = User.objects.filter(email=options["admin_email"].lower()).first()
                if admin is None:
                    admin = user_create(
                        actor=OPERATOR,
                        email=options["admin_email"],
                        full_name=options["admin_name"],
                        password=password,
                    )
                membership_grant(
                    actor=OPERATOR.for_clinic(clinic),
                    clinic=clinic,
                    user=admin,
                    role=Role.CLINIC_ADMIN,
                )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Created clinic {clinic.name} ({clinic.slug})."))
        if not options["admin_password"]:
            self.stdout.write(f"Admin login: {admin.email} / {password}")
