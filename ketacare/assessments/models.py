"""Rating-scale administrations: the item-level answers as entered, and the clinical core's
score of them (total, band, flags, C-SSRS risk). Never deleted; a wrong one is marked
entered-in-error."""

from django.db import models
from django.db.models import Q

from ketacare.clinical import INSTRUMENTS, RISK_LEVELS, get_scale
from ketacare.patients.models import ChartEntry


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
