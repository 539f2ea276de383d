"""Suicide-risk alerts reach people (REFERENCE §6.2): each alert is emailed to the patient's
prescriber and the clinic's on-call list as soon as it is raised, and one left unacknowledged
past the clinic's limit (`Clinic.alert_escalation_minutes`) is escalated to the clinic admins.
The emails name no patient: they link to the alert, which staff open signed in."""

import datetime as dt
from typing import Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from ketacare.accounts.models import User
from ketacare.assessments.alerts import alert_escalate, risk_alert_raised
from ketacare.assessments.models import RiskAlert
from ketacare.clinics.actors import SystemActor
from ketacare.clinics.models import Clinic, Membership, Role
from ketacare.clinics.permissions import Perm, role_can
from ketacare.clinics.queries import members_with
from ketacare.core.email import email_on_commit, render_message
from ketacare.core.jobs import background, enqueue_on_commit, periodic
from ketacare.treatment.models import CourseStatus, TreatmentCourse

NOTIFY_TASK = "Tell clinicians of a suicide-risk alert"
ESCALATE_TASK = "Escalate unacknowledged suicide-risk alerts"


@receiver(risk_alert_raised)
def queue_alert_notice(sender: type, alert: RiskAlert, **kwargs: Any) -> None:
    enqueue_on_commit(alert_notice, clinic_id=alert.clinic.public_id, alert=str(alert.public_id))


def alert_recipients(alert: RiskAlert) -> list[User]:
    """The prescriber of the patient's current course and the on-call list; every prescriber
    of the clinic when neither names anybody, so an alert never reaches no one."""
    course = (
        TreatmentCourse.objects.filter(patient_id=alert.patient_id)
        .exclude(status=CourseStatus.ENDED)
        .select_related("prescriber")
        .order_by("-pk")
        .first()
    )
    on_call = Membership.objects.active().filter(clinic_id=alert.clinic_id, on_call=True)
    # Only those whose role may open the alert the email links to.
    people = {
        m.user.pk: m.user
        for m in on_call.select_related("user")
        if role_can(m.role, Perm.ALERT_VIEW)
    }
    if course is not None and course.prescriber.is_active:
        people[course.prescriber.pk] = course.prescriber
    if not people:
        people = {u.pk: u for u in members_with(alert.clinic, Perm.ALERT_RESOLVE_URGENT)}
    return sorted(people.values(), key=lambda u: u.email)


@background(NOTIFY_TASK)
def alert_notice(*, clinic: str, alert: str) -> None:
    row = RiskAlert.objects.select_related("clinic").get(public_id=alert)
    link = reverse("measurement:alert", args=[row.public_id])
    for person in alert_recipients(row):
        _email(row, person, "measurement/email/alert", {"link": link})


@periodic(every=dt.timedelta(minutes=5))
@background(ESCALATE_TASK)
def escalate_alerts(*, clinic: str) -> None:
    """Every alert past its clinic's limit without an acknowledgement, escalated once."""
    now = timezone.now()
    for row in Clinic.objects.all():
        limit = now - dt.timedelta(minutes=row.alert_escalation_minutes)
        overdue = RiskAlert.objects.filter(
            clinic=row,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
            raised_at__lte=limit,
        ).select_related("clinic", "patient")
        actor = SystemActor(ESCALATE_TASK, row)
        for alert in overdue:
            escalated = alert_escalate(actor=actor, alert=alert)
            if escalated is not None:
                _escalation_emails(escalated)


def _escalation_emails(alert: RiskAlert) -> None:
    """To the clinic admins; to every prescriber where the clinic has no admin."""
    admins = Membership.objects.active().filter(clinic=alert.clinic, role=Role.CLINIC_ADMIN)
    people = [m.user for m in admins.select_related("user").order_by("user__email")]
    minutes = int((alert.escalated_at - alert.raised_at).total_seconds() // 60)  # type: ignore[operator]
    context = {"link": reverse("measurement:alert", args=[alert.public_id]), "minutes": minutes}
    for person in people or members_with(alert.clinic, Perm.ALERT_RESOLVE_URGENT):
        _email(alert, person, "measurement/email/escalation", context)


def _email(alert: RiskAlert, person: User, template: str, context: dict[str, Any]) -> None:
    message = render_message(
        template,
        to=person.email,
        clinic_name=alert.clinic.name,
        context=context | {"name": person.full_name, "level": alert.get_level_display()},
    )
    email_on_commit(message, clinic_id=alert.clinic.public_id)
