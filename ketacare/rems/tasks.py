"""The REMS forms-due reminder: each clinic's nurses and prescribers hear, once each clinic
morning, how many SPRAVATO REMS Patient Monitoring Forms wait to be submitted and how many are
past the 7-day deadline (REFERENCE §1.11). The email names no patient: it links to the list."""

import datetime as dt
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from ketacare.clinics.actors import SystemActor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.clinics.queries import members_with
from ketacare.core.email import email_on_commit, render_message
from ketacare.core.jobs import background, enqueue_on_commit, enqueued_since, periodic
from ketacare.rems.queries import forms_due
from ketacare.rems.services import rems_forms_due_read

# Before the day's sessions, in each clinic's own zone: KetaCare's choice, not a REMS rule.
REMINDER_AT = dt.time(7, 30)
REMINDER_TASK = "REMS forms due reminder"


@background(REMINDER_TASK)
def forms_due_reminder(*, clinic: str) -> None:
    """Tell the clinic's nurses and prescribers what is due (one email each, each its own job,
    so a failed address does not hold the others back). Nothing due, nothing sent."""
    row = Clinic.objects.get(public_id=clinic)
    actor = SystemActor(REMINDER_TASK, row)
    due = forms_due(row)
    if not due:
        return
    rems_forms_due_read(actor=actor, clinic=row, rows=due, via="reminder")
    context = {
        "due": len(due),
        "overdue": sum(1 for form in due if form.days_left < 0),
        "due_today": sum(1 for form in due if form.days_left == 0),
        "link": reverse("rems:due"),
    }
    for person in members_with(row, Perm.REMS_FORM_RECORD):
        message = render_message(
            "rems/email/forms_due",
            to=person.email,
            clinic_name=row.name,
            context=context | {"name": person.full_name},
        )
        email_on_commit(message, clinic_id=row.public_id)


@periodic(every=dt.timedelta(minutes=15))
@background("Queue the morning REMS reminders")
def forms_due_reminders(*, clinic: str) -> None:
    """Queue each clinic's reminder once its clinic day has reached `REMINDER_AT`."""
    now = timezone.now()
    for row in Clinic.objects.all():
        zone = zoneinfo.ZoneInfo(row.timezone)
        local = timezone.localtime(now, zone)
        morning = dt.datetime.combine(local.date(), REMINDER_AT, tzinfo=zone)
        if local >= morning and not enqueued_since(forms_due_reminder, row.public_id, morning):
            enqueue_on_commit(forms_due_reminder, clinic_id=row.public_id)
