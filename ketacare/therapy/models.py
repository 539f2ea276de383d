"""Therapy alongside the drug (REFERENCE §7): each patient's care team, and the therapy
sessions (preparation, integration, therapy, group integration) booked in the clinic's
schedule beside the dosing sessions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel
from ketacare.dosing.models import DosingSession
from ketacare.patients.models import Patient
from ketacare.treatment.models import TreatmentCourse


class TeamRole(models.TextChoices):
    """A place on the care team; the member's role in the clinic must be the same."""

    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    THERAPIST = "therapist", "Therapist"


class CareTeamMember(PublicIdModel):
    """A clinician on a patient's care team, from `started_at` until `ended_at`. An ended place
    stays, so the record shows who treated the patient when; at most one current primary per
    team role."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="care_team")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_teams"
    )
    team_role = models.CharField(max_length=20, choices=TeamRole.choices)
    is_primary = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["team_role", "-is_primary", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "member"],
                condition=Q(ended_at__isnull=True),
                name="care_team_member_once",
            ),
            models.UniqueConstraint(
                fields=["patient", "team_role"],
                condition=Q(ended_at__isnull=True, is_primary=True),
                name="care_team_one_primary_per_role",
            ),
            models.CheckConstraint(
                condition=Q(team_role__in=TeamRole.values), name="care_team_role_known"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="care_team_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["member", "ended_at"], name="care_team_by_member")]

    def __str__(self) -> str:
        return f"{self.get_team_role_display()} on a care team"


class TherapyKind(models.TextChoices):
    PREPARATION = "preparation", "Preparation"
    INTEGRATION = "integration", "Integration"
    THERAPY = "therapy", "Therapy"
    GROUP_INTEGRATION = "group_integration", "Group integration"


# Integration sessions follow dosing sessions; the others stand alone.
FOLLOWS_DOSING = (TherapyKind.INTEGRATION, TherapyKind.GROUP_INTEGRATION)


class TherapyMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    TELEHEALTH = "telehealth", "Telehealth"


class TherapyStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


# A booked or held session takes its therapist's and its patient's time.
TAKES_TIME = (TherapyStatus.BOOKED, TherapyStatus.HELD)


class TherapySession(PublicIdModel):
    """One therapy appointment in a patient's course, with its therapist."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="therapy")
    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT)
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapy_sessions"
    )
    kind = models.CharField(max_length=20, choices=TherapyKind.choices)
    mode = models.CharField(max_length=20, choices=TherapyMode.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    room = models.CharField(max_length=60, blank=True)
    follows = models.ManyToManyField(DosingSession, blank=True, related_name="integrations")
    status = models.CharField(
        max_length=20, choices=TherapyStatus.choices, default=TherapyStatus.BOOKED
    )
    previous_starts_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=300, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TherapyKind.values), name="therapy_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=TherapyMode.values), name="therapy_mode_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TherapyStatus.values), name="therapy_status_known"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="therapy_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["therapist", "starts_at"], name="therapy_by_therapist"),
            models.Index(fields=["patient", "starts_at"], name="therapy_by_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} session"

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)
