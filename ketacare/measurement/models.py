"""Questionnaires sent to a patient: what to answer, from when until when, the draft kept while
they answer, and the assessment it became."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ketacare import clinical
from ketacare.assessments.models import Assessment
from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel
from ketacare.patients.models import Patient
from ketacare.treatment.models import ProtocolVersion, TreatmentCourse

# The questionnaires a patient answers on their own (REFERENCE §4.1: PHQ-9 and GAD-7 may be
# reproduced without permission). QIDS-SR16's licence is unverified, so it is not offered until
# a clinic records the owner's permission; MADRS and the C-SSRS stay with staff.
PORTAL_INSTRUMENTS = ("phq9", "gad7")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", "To answer"
    COMPLETED = "completed", "Answered"
    CANCELLED = "cancelled", "Cancelled"


class QuestionnaireAssignment(PublicIdModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    instrument = models.CharField(max_length=20)
    opens_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN
    )
    # Answers saved before submitting, so a questionnaire left half-way is resumed as it was.
    draft = models.JSONField(default=dict, blank=True)
    assessment = models.OneToOneField(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="assignment"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the patient first opened it (for the completion figures: sent, opened, answered).
    opened_at = models.DateTimeField(null=True, blank=True)
    # How many reminders were sent (each a `QuestionnaireReminder` row, counted here by the
    # write that sends it): the reminder job and the completion figures read no join.
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    # Sent by the protocol's measurement plan (`plans.py`): the course, and which of the plan's
    # questionnaires it is ("phq9:session:<id>"), so a moved session moves this one. Empty for
    # one a clinician sent by hand.
    course = models.ForeignKey(TreatmentCourse, null=True, blank=True, on_delete=models.PROTECT)
    plan_key = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["expires_at"]
        default_related_name = "questionnaire_assignments"
        indexes = [
            models.Index(fields=["patient", "status", "expires_at"]),
            # The completion figures: every column they count, so the index alone answers.
            models.Index(
                fields=[
                    "clinic", "instrument", "opens_at", "status", "opened_at", "expires_at",
                    "reminders_sent",
                ],
                name="assignment_completion",
            ),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument__in=PORTAL_INSTRUMENTS),
                name="assignment_instrument_self_report",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("opens_at")), name="assignment_expires_after_opening"
            ),
            models.UniqueConstraint(
                fields=["course", "plan_key"],
                condition=~Q(plan_key=""),
                name="one_assignment_per_plan_key",
            ),
            models.CheckConstraint(
                condition=Q(status=AssignmentStatus.COMPLETED, assessment__isnull=False)
                | (~Q(status=AssignmentStatus.COMPLETED) & Q(assessment__isnull=True)),
                name="assignment_completed_has_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} for patient {self.patient_id}"

    @property
    def instrument_name(self) -> str:
        return clinical.get_scale(self.instrument).name

    @property
    def purpose(self) -> str:
        """Why it was sent, in the clinic's words."""
        anchor = self.plan_key.split(":")[1] if self.plan_key else ""
        return PLAN_PURPOSES.get(anchor, "Sent by the care team")


PLAN_PURPOSES = {
    "intake": "Baseline, at the start of the course",
    "session": "Before a dosing session",
    "first_dose": "The day after the first dose",
    "induction_week": "Weekly during induction",
    "end_of_induction": "End of induction",
    "maintenance": "During maintenance",
}


class QuestionnaireReminder(models.Model):
    """One reminder email sent for an assignment (the figures count them per instrument)."""

    assignment = models.ForeignKey(
        QuestionnaireAssignment, on_delete=models.PROTECT, related_name="reminders"
    )
    number = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "number"], name="one_reminder_per_point")
        ]

    def __str__(self) -> str:
        return f"reminder {self.number} of assignment {self.assignment_id}"


class KioskStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be entered"
    IN_USE = "in_use", "In use on the tablet"
    ENDED = "ended", "Used and locked"
    VOID = "void", "Void (too many wrong tries, or replaced)"


class KioskCode(PublicIdModel):
    """A short single-use code that opens one patient's due questionnaires on the clinic's
    tablet. Only a keyed digest of it is kept; its first letters (`lookup`) find the row, so a
    wrong guess counts against that code and voids it after a few tries."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lookup = models.CharField(max_length=3)
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=KioskStatus.choices, default=KioskStatus.WAITING
    )
    wrong_tries = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_related_name = "kiosk_codes"
        constraints = [
            # Two codes waiting with the same first letters could not be told apart.
            models.UniqueConstraint(
                fields=["lookup"],
                condition=Q(status="waiting"),
                name="one_waiting_kiosk_code_per_lookup",
            )
        ]

    def __str__(self) -> str:
        return f"kiosk code {self.public_id}"


class CourseOutcome(models.Model):
    """What the outcome dashboard reads of one treatment course, kept by the writes that change
    it (`course_outcomes.py`), so the dashboard adds up columns in the database instead of
    reading every course's sessions and scores on each load.

    The episode (`clinical.Episode`'s fields) is the course's PHQ-9 story; the counts are
    `clinical.episode_counts` of it, each 0 or 1, for the database to sum. `zone` and `rules`
    say what the row was worked out with: a row from another time zone or an older `RULES` is
    stale and is worked out again before it is read."""

    course = models.OneToOneField(
        TreatmentCourse, primary_key=True, on_delete=models.CASCADE, related_name="outcome"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    quarter = models.CharField(max_length=8)  # "2026 Q3", in the clinic's calendar
    route = models.CharField(max_length=20)
    protocol_version = models.ForeignKey(
        ProtocolVersion, on_delete=models.PROTECT, related_name="+"
    )
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    zone = models.CharField(max_length=64)
    rules = models.PositiveSmallIntegerField()
    baseline = models.PositiveSmallIntegerField(null=True)
    end_of_induction = models.PositiveSmallIntegerField(null=True)
    completed_induction = models.BooleanField()
    remission_max = models.PositiveSmallIntegerField(null=True)
    completed = models.PositiveSmallIntegerField()
    with_scores = models.PositiveSmallIntegerField()
    responded = models.PositiveSmallIntegerField()
    remitted = models.PositiveSmallIntegerField()
    responded_completers = models.PositiveSmallIntegerField()
    remitted_completers = models.PositiveSmallIntegerField()
    dropped_after_first = models.PositiveSmallIntegerField()
    days_to_response = models.PositiveIntegerField(null=True)

    class Meta:
        # The dashboard's rows: one clinic's current outcomes over a period.
        indexes = [models.Index(fields=["clinic", "rules", "zone", "started_at"])]

    def __str__(self) -> str:
        return f"outcome of course {self.course_id}"
