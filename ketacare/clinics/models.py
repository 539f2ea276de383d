"""Clinics are the tenants; a membership gives a user one role in one clinic."""

import datetime as dt
import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from ketacare.clinical import ROUTES
from ketacare.core.models import PublicIdModel


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone, e.g. America/New_York.")


def _default_reminder_points() -> list[int]:
    # When it opens and halfway to its closing (the default).
    return [0, 50]


class Clinic(PublicIdModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    timezone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_timezone]
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField(max_length=120, blank=True)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=40, blank=True)
    postal_code = models.CharField(max_length=12, blank=True)
    mrn_prefix = models.CharField(max_length=8, default="KC")
    # What a patient who reports suicidal thoughts is told to call besides the clinic (988, the
    # US Suicide & Crisis Lifeline, unless the clinic says otherwise).
    crisis_line = models.CharField(
        max_length=60, default="988 (Suicide & Crisis Lifeline: call or text)"
    )
    # Minutes a suicide-risk alert may stay unacknowledged before the clinic admin is told.
    alert_escalation_minutes = models.PositiveSmallIntegerField(
        default=60,
        validators=[
            MinValueValidator(5, "Escalate after 5 to 1440 minutes."),
            MaxValueValidator(1440, "Escalate after 5 to 1440 minutes."),
        ],
    )

    # Questionnaire reminders by email: at these points of each questionnaire's window (per cent
    # of the way from opening to closing), at most this many, never in the quiet hours.
    reminder_points = models.JSONField(default=_default_reminder_points)
    reminder_max = models.PositiveSmallIntegerField(
        default=2,
        validators=[MaxValueValidator(5, "Send at most 5 reminders per questionnaire.")],
    )
    quiet_from = models.TimeField(default=dt.time(21, 0), help_text="No reminders from…")
    quiet_until = models.TimeField(default=dt.time(8, 0), help_text="…until (clinic time).")
    # The routes whose dosing sessions need someone with a current ACLS certification
    # (`clinical.acls_finding`; REFERENCE §2.4 names it for IV ketamine). None until the clinic
    # chooses: asked before its staff's credentials are recorded, it would hold every session.
    acls_routes = models.JSONField(default=list, blank=True)
    # Whether every dose must be drawn from a lot on the controlled-substance ledger. Off until
    # the clinic has put its stock on the ledger (receipts at each location), since it would
    # otherwise refuse every dose; the free-text lot number is kept only until then.
    ledger_required = models.BooleanField(
        "Doses are drawn from the controlled-substance ledger", default=False
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        points = self.reminder_points
        if not isinstance(points, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) and 0 <= p < 100 for p in points
        ):
            raise ValidationError(
                {"reminder_points": "Give whole per cents from 0 (when it opens) to 99."}
            )
        if not isinstance(self.acls_routes, list) or not set(self.acls_routes) <= set(ROUTES):
            raise ValidationError({"acls_routes": "Choose from: " + ", ".join(ROUTES) + "."})

    def in_quiet_hours(self, moment: dt.datetime) -> bool:
        """Whether `moment` falls in the clinic's quiet hours (which may span midnight)."""
        local = timezone.localtime(moment, zoneinfo.ZoneInfo(self.timezone)).time()
        start, end = self.quiet_from, self.quiet_until
        if start == end:
            return False
        return start <= local < end if start < end else local >= start or local < end

    def today(self) -> dt.date:
        """The date at the clinic now: schedules, ages and deadlines run on the clinic's day."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.timezone))


class Role(models.TextChoices):
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"
    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    THERAPIST = "therapist", "Therapist"
    FRONT_DESK = "front_desk", "Front desk"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, user__is_active=True)


class Membership(PublicIdModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    credentials = models.CharField(max_length=120, blank=True, help_text="e.g. MD, RN, NP, LCSW")
    is_active = models.BooleanField(default=True)
    # On the clinic's on-call list: told of every suicide-risk alert, beside the prescriber.
    on_call = models.BooleanField(default=False)

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["clinic__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="one_membership_per_clinic"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.clinic}"
