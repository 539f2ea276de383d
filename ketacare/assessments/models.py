"""Rating-scale administrations: the item-level answers as entered, and the clinical core's
score of them (total, band, flags, C-SSRS risk). Never deleted; a wrong one is marked
entered-in-error. A positive suicide item raises a `RiskAlert` with it."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from ketacare.clinical import INSTRUMENTS, RISK_LEVELS, get_scale
from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel
from ketacare.patients.models import ChartEntry, Patient


class AssessmentContext(models.TextChoices):
    BASELINE = "baseline", "Baseline (before treatment)"
    FOLLOW_UP = "follow_up", "Follow-up"


InstrumentChoices = [(code, get_scale(code).name) for code in INSTRUMENTS]
RiskChoices = [(level, level.capitalize()) for level in RISK_LEVELS]


class Assessment(ChartEntry):
    instrument = models.CharField(max_length=20, choices=InstrumentChoices)
    # Item id -> answer exactly as validated by the core (ints, or booleans for the C-SSRS),
    # so a total can always be re-derived and audited against the items.
    answers = models.JSONField()
    total = models.SmallIntegerField(null=True, blank=True)
    severity = models.CharField(max_length=30, blank=True)
    severity_label = models.CharField(max_length=60, blank=True)
    flags = models.JSONField(default=list, blank=True)
    risk = models.CharField(max_length=10, choices=RiskChoices, blank=True)
    administered_at = models.DateTimeField(help_text="When the patient answered.")
    context = models.CharField(
        max_length=20, choices=AssessmentContext.choices, default=AssessmentContext.BASELINE
    )

    class Meta:
        ordering = ["-administered_at"]
        default_related_name = "assessments"
        indexes = [models.Index(fields=["patient", "instrument", "context", "administered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument__in=INSTRUMENTS), name="assessment_instrument_known"
            ),
            # The C-SSRS gives a risk level and no total; every other scale a total, no risk.
            models.CheckConstraint(
                condition=(
                    Q(instrument="cssrs_screener", total__isnull=True) & Q(risk__in=RISK_LEVELS)
                )
                | (~Q(instrument="cssrs_screener") & Q(total__isnull=False) & Q(risk="")),
                name="assessment_total_or_risk",
            ),
            models.CheckConstraint(
                condition=Q(entered_in_error=False) | ~Q(error_reason=""),
                name="assessment_error_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.administered_at:%Y-%m-%d}"

    @property
    def result(self) -> str:
        """The headline for lists: the total and band, or the C-SSRS risk level."""
        if self.instrument == "cssrs_screener":
            return f"{self.get_risk_display()} risk"
        band = f" ({self.severity_label})" if self.severity_label else ""
        return f"{self.total}{band}"


class AlertLevel(models.TextChoices):
    ALERT = "alert", "Alert"
    URGENT = "urgent", "Urgent"


class AlertAction(models.TextChoices):
    """What staff did about an alert (REFERENCE §6.1, §6.2: same-day response, C-SSRS
    Screener, safety plan, emergency care)."""

    CALLED = "called_patient", "Called the patient"
    SEEN = "seen_in_clinic", "Saw the patient in clinic"
    CSSRS = "cssrs_done", "C-SSRS Screener done"
    SAFETY_PLAN = "safety_plan", "Safety plan made or reviewed"
    EMERGENCY = "referred_emergency", "Referred to emergency care"
    NO_CONTACT = "no_contact", "Could not reach the patient"


class RiskAlertQuerySet(models.QuerySet["RiskAlert"]):
    def unresolved(self) -> "RiskAlertQuerySet":
        return self.filter(resolved_at__isnull=True)

    def blocking_dosing(self) -> "RiskAlertQuerySet":
        """Alerts that keep a patient's dose from starting (REFERENCE §6.2): any alert until a
        clinician acknowledges it, an urgent one until a prescriber resolves it."""
        return self.filter(
            Q(acknowledged_at__isnull=True) | Q(level=AlertLevel.URGENT), resolved_at__isnull=True
        )


class RiskAlert(PublicIdModel):
    """A suicide item answered positively (REFERENCE §6.2), or suicidal thoughts a clinician
    recorded in a note's risk check: raised with what raised it, in the same transaction,
    acknowledged and resolved by people, never closed by itself. `reported_in` names the kind
    of record (above this app) of a clinician's report, `reported_id` the record."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    assessment = models.OneToOneField(
        Assessment, on_delete=models.PROTECT, related_name="alert", null=True, blank=True
    )
    reported_in = models.CharField(max_length=30, blank=True)
    reported_id = models.UUIDField(null=True, blank=True)
    reported_as = models.CharField(max_length=200, blank=True, help_text="What was reported.")
    level = models.CharField(max_length=10, choices=AlertLevel.choices)
    item_value = models.SmallIntegerField(
        null=True, blank=True, help_text="The suicide item's answer."
    )
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actions = models.JSONField(default=list, blank=True)
    note = models.TextField(max_length=2000, blank=True)

    objects: ClassVar[RiskAlertQuerySet] = RiskAlertQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-raised_at"]
        default_related_name = "risk_alerts"
        indexes = [models.Index(fields=["clinic", "resolved_at", "raised_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AlertLevel.values), name="risk_alert_level_known"
            ),
            # Raised by exactly one thing: a scored suicide item, or a clinician's report.
            models.CheckConstraint(
                condition=Q(
                    assessment__isnull=False,
                    item_value__isnull=False,
                    reported_in="",
                    reported_id__isnull=True,
                )
                | Q(
                    assessment__isnull=True,
                    item_value__isnull=True,
                    reported_id__isnull=False,
                )
                & ~Q(reported_in=""),
                name="risk_alert_raised_by_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="risk_alert_acknowledged_by_someone",
            ),
            # Resolving is signed by a person, after an acknowledgement.
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(
                    resolved_at__isnull=False,
                    resolved_by__isnull=False,
                    acknowledged_at__isnull=False,
                ),
                name="risk_alert_resolved_after_acknowledgement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} suicide-risk alert {self.raised_at:%Y-%m-%d}"

    @property
    def answer_words(self) -> str:
        """The suicide item's answer as the patient read it, where the scale words it; for a
        clinician's report, what they recorded."""
        if self.assessment is None:
            return self.reported_as
        anchors = {int(a.value): a.text for a in get_scale(self.assessment.instrument).anchors}
        return anchors.get(int(self.item_value or 0), str(self.item_value))

    @property
    def action_labels(self) -> list[str]:
        labels = dict(AlertAction.choices)
        return [str(labels.get(code, code)) for code in self.actions]

    @property
    def state(self) -> str:
        if self.resolved_at is not None:
            return "Resolved"
        return "Acknowledged" if self.acknowledged_at is not None else "Open"
