"""Questionnaire reminders by email: at the clinic's points of each questionnaire's window
(`Clinic.reminder_points`, per cent from opening to closing; by default when it opens and
halfway), at most `Clinic.reminder_max`, never after it closes, never in the clinic's quiet
hours, and only to patients who have not turned them off. The email names no questionnaire
answer and no patient in its subject; it links to the portal."""

import datetime as dt
import zoneinfo

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ketacare.clinics.models import Clinic
from ketacare.core.email import email_in_transaction, render_message
from ketacare.core.jobs import background, periodic
from ketacare.measurement.models import (
    AssignmentStatus,
    QuestionnaireAssignment,
    QuestionnaireReminder,
)

REMINDER_TASK = "Remind patients of questionnaires"
BATCH = 500


def reminder_due(row: QuestionnaireAssignment, sent: int, now: dt.datetime) -> bool:
    """Whether reminder number `sent` + 1 of `row` is due at `now` (quiet hours aside)."""
    clinic = row.clinic
    points = sorted(int(p) for p in clinic.reminder_points)[: clinic.reminder_max]
    if sent >= len(points) or not row.opens_at <= now < row.expires_at:
        return False
    window = row.expires_at - row.opens_at
    return now >= row.opens_at + window * points[sent] / 100


@periodic(every=dt.timedelta(minutes=15))
@background(REMINDER_TASK)
def send_reminders(*, clinic: str) -> None:
    now = timezone.now()
    for row in Clinic.objects.all():
        if not row.in_quiet_hours(now):
            remind_clinic(row, now)


def remind_clinic(clinic: Clinic, now: dt.datetime) -> None:
    open_rows = (
        QuestionnaireAssignment.objects.filter(
            clinic=clinic,
            status=AssignmentStatus.OPEN,
            opens_at__lte=now,
            expires_at__gt=now,
            patient__account__reminders=True,
            patient__account__user__is_active=True,
        )
        .select_related("clinic", "patient__account__user")
        .order_by("pk")
    )
    for row in open_rows.iterator(chunk_size=BATCH):
        if reminder_due(row, row.reminders_sent, now):
            _send(row, row.reminders_sent + 1, now)


def _send(row: QuestionnaireAssignment, number: int, now: dt.datetime) -> None:
    user = row.patient.account.user
    with transaction.atomic():
        QuestionnaireReminder.objects.create(assignment=row, number=number, sent_at=now)
        counted = QuestionnaireAssignment.objects.filter(pk=row.pk)
        counted.update(reminders_sent=F("reminders_sent") + 1)
        message = render_message(
            "measurement/email/reminder",
            to=user.email,
            clinic_name=row.clinic.name,
            context={
                "name": row.patient.preferred_name or row.patient.given_name,
                "link": reverse("measurement:questionnaire", args=[row.public_id]),
                "closes": timezone.localtime(
                    row.expires_at, zoneinfo.ZoneInfo(row.clinic.timezone)
                ).strftime("%A %d %B, %H:%M"),
            },
        )
        # Queued with the reminder's row, not on commit: a pass over thousands holds no
        # messages in memory, and a crash leaves no reminder without its email.
        email_in_transaction(message, clinic_id=row.clinic.public_id)
