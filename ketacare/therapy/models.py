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


class NoteKind(models.TextChoices):
    """HIPAA keeps them apart: a progress note is part of the record the care team reads; a
    psychotherapy note is the therapist's own, read by its author alone."""

    PROGRESS = "progress", "Progress note"
    PSYCHOTHERAPY = "psychotherapy", "Psychotherapy note (private)"


class RiskCheck(models.TextChoices):
    """What the patient reported of suicidal thoughts since the session before
    (`clinical.REPORTED_THOUGHTS`; the alert each raises is `clinical.reported_thoughts_level`)."""

    NONE = "none", "No suicidal thoughts reported"
    THOUGHTS = "thoughts", "Suicidal thoughts, without intent or a plan"
    INTENT_OR_PLAN = "intent_or_plan", "Suicidal thoughts with intent or a plan"


class TherapyNote(PublicIdModel):
    """A structured note of one therapy session by its author: a draft they may change, then
    signed and locked; later changes are addenda. Never deleted: a wrong note is marked
    entered in error with the reason."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="therapy_notes")
    session = models.ForeignKey(TherapySession, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    goals = models.TextField(blank=True, max_length=4000)
    themes = models.TextField(blank=True, max_length=4000)
    coping_skills = models.TextField("Coping skills and homework", blank=True, max_length=4000)
    share_with_patient = models.BooleanField(
        default=False, help_text="Show the coping skills and homework in the patient's portal."
    )
    risk_check = models.CharField(max_length=20, choices=RiskCheck.choices, blank=True)
    risk_note = models.TextField("Risk check notes", blank=True, max_length=2000)
    plan = models.TextField(blank=True, max_length=4000)
    signed_at = models.DateTimeField(null=True, blank=True)
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NoteKind.values), name="note_kind_known"),
            models.CheckConstraint(
                condition=Q(risk_check__in=[*RiskCheck.values, ""]), name="note_risk_check_known"
            ),
            # One note of each kind per session and author, unless marked entered in error.
            models.UniqueConstraint(
                fields=["session", "author", "kind"],
                condition=Q(entered_in_error=False),
                name="note_one_per_session_kind",
            ),
            # A progress note is signed with its risk check answered; a psychotherapy note
            # has none (the risk check belongs to the record the care team reads).
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | ~Q(risk_check="") | Q(kind="psychotherapy"),
                name="note_signed_with_risk_check",
            ),
            models.CheckConstraint(
                condition=~Q(kind="psychotherapy") | Q(risk_check="", risk_note=""),
                name="note_private_has_no_risk_check",
            ),
        ]
        indexes = [models.Index(fields=["patient", "kind", "created_at"], name="note_by_patient")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of a {self.session.get_kind_display().lower()} session"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class NoteAddendum(PublicIdModel):
    """A later addition to a signed note by its author, signed as it is made."""

    note = models.ForeignKey(TherapyNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return "Addendum"
