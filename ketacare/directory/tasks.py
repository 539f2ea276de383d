"""The directory's jobs. The nightly refresh of the outcomes clinics publish: every 15 minutes
the worker queues, for each published clinic that publishes its outcomes and whose night has
reached `REFRESH_AT` in its own zone, one refresh a day. The credential reminders: once each
clinic morning (`REMINDER_AT`), its admins hear of the credentials that expire within 60 days
and, again, within 30 (`REMIND_DAYS`), each credential once per step."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ketacare.clinics.actors import SystemActor
from ketacare.clinics.models import Clinic
from ketacare.clinics.permissions import Perm
from ketacare.clinics.queries import members_with
from ketacare.core.email import email_on_commit, render_message, send_now
from ketacare.core.jobs import background, enqueue_on_commit, enqueued_since, periodic
from ketacare.directory.credentials import credentials_reminded
from ketacare.directory.listing import Listing
from ketacare.directory.models import ClinicProfile, StaffCredential
from ketacare.directory.outcomes import published_outcomes_refresh
from ketacare.directory.reviews import (
    INVITATION_DAYS,
    courses_to_invite,
    invitation_create,
    invitee_email,
)
from ketacare.treatment.models import TreatmentCourse

# At night, when the clinic is closed: KetaCare's choice.
REFRESH_AT = dt.time(2, 0)
REFRESH_TASK = "Published outcomes refresh"


@background(REFRESH_TASK)
def outcomes_refresh(*, clinic: str) -> None:
    """Work the clinic's published outcomes out again, for every route its profile offers."""
    profile = ClinicProfile.objects.select_related("clinic").get(clinic__public_id=clinic)
    if profile.live is None:
        return
    routes = Listing.from_facts(profile.live).routes
    published_outcomes_refresh(
        actor=SystemActor(REFRESH_TASK, profile.clinic), clinic=profile.clinic, routes=routes
    )


def _night_began(row: Clinic, now: dt.datetime) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(row.timezone)
    return dt.datetime.combine(timezone.localtime(now, zone).date(), REFRESH_AT, tzinfo=zone)


@periodic(every=dt.timedelta(minutes=15))
@background("Queue the nightly outcome refreshes")
def outcomes_refreshes(*, clinic: str) -> None:
    now = timezone.now()
    publishing = ClinicProfile.objects.filter(live__isnull=False, live__publish_outcomes=True)
    for row in Clinic.objects.filter(pk__in=publishing.values("clinic_id")):
        night = _night_began(row, now)
        if now >= night and not enqueued_since(outcomes_refresh, row.public_id, night):
            enqueue_on_commit(outcomes_refresh, clinic_id=row.public_id)


REMINDER_AT = dt.time(8, 0)
REMIND_DAYS = (60, 30)  # the steps; a step is sent once per credential
REMINDER_TASK = "Credential expiry reminder"


def _step_due(credential: StaffCredential, today: dt.date) -> int | None:
    """The reminder step (60 or 30) now due for the credential, if any."""
    if credential.expires_on is None or credential.expires_on < today:
        return None
    left = (credential.expires_on - today).days
    if left <= 30 and credential.reminded_30_on is None:
        return 30
    if left <= 60 and credential.reminded_60_on is None and credential.reminded_30_on is None:
        return 60
    return None


@background(REMINDER_TASK)
def credential_reminder(*, clinic: str) -> None:
    row = Clinic.objects.get(public_id=clinic)
    today = row.today()
    kept = StaffCredential.objects.filter(
        clinic=row, retired_at__isnull=True, expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=max(REMIND_DAYS)),
    ).select_related("membership__user")  # fmt: skip
    due = [(credential, step) for credential in kept if (step := _step_due(credential, today))]
    if not due:
        return
    credentials_reminded(actor=SystemActor(REMINDER_TASK, row), due=due, today=today)
    expiring = [
        {"holder": c.membership.user.full_name if c.membership else row.name,
         "kind": c.get_kind_display(), "expires_on": c.expires_on,
         "days": (c.expires_on - today).days if c.expires_on else 0}
        for c, _ in due
    ]  # fmt: skip
    for person in members_with(row, Perm.CREDENTIALS_MANAGE):
        message = render_message(
            "directory/email/credentials_expiring", to=person.email, clinic_name=row.name,
            context={"name": person.full_name, "expiring": expiring,
                     "link": reverse("directory:credentials")},
        )  # fmt: skip
        email_on_commit(message, clinic_id=row.public_id)


@periodic(every=dt.timedelta(minutes=15))
@background("Queue the credential expiry reminders")
def credential_reminders(*, clinic: str) -> None:
    now = timezone.now()
    for row in Clinic.objects.filter(pk__in=StaffCredential.objects.values("clinic_id")):
        zone = zoneinfo.ZoneInfo(row.timezone)
        morning = dt.datetime.combine(timezone.localtime(now, zone).date(), REMINDER_AT, zone)
        if now >= morning and not enqueued_since(credential_reminder, row.public_id, morning):
            enqueue_on_commit(credential_reminder, clinic_id=row.public_id)


INVITE_TASK = "Review invitations"


@background("Invite a patient to review the clinic", attempts=3)
def review_invite(*, clinic: str, course: str) -> None:
    """Built and sent here, in the job, so the link (single use) is stored nowhere; sent last,
    so a failed send rolls the invitation back for the retry."""
    row = TreatmentCourse.objects.select_related("clinic", "patient").get(public_id=course)
    if not courses_to_invite(row.clinic).filter(pk=row.pk).exists():
        return  # invited meanwhile
    _, token = invitation_create(actor=SystemActor(INVITE_TASK, row.clinic), course=row)
    link = settings.SITE_URL + reverse("directory:review_write", args=[token])
    context = {"link": link, "days": INVITATION_DAYS}
    send_now(render_message("directory/email/review_invitation", to=invitee_email(row),
                            clinic_name=row.clinic.name, context=context))  # fmt: skip


@periodic(every=dt.timedelta(minutes=15))
@background("Queue the review invitations")
def review_invitations(*, clinic: str) -> None:
    """For each published clinic, one invitation job per course newly ended with a dose."""
    for profile in ClinicProfile.objects.filter(live__isnull=False).select_related("clinic"):
        for course in courses_to_invite(profile.clinic).values_list("public_id", flat=True):
            enqueue_on_commit(review_invite, clinic_id=profile.clinic.public_id,
                              course=str(course))  # fmt: skip
