"""The long-term safety watch: each check done in maintenance, as the protocol asked it
(`clinical.safety_watch`). A result keeps the questions and cut-off it was judged by, so a later
protocol version never changes what it said; a positive one flags the chart until a prescriber
reviews it. A wrong result is marked entered in error, never deleted."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ketacare import clinical
from ketacare.clinical.safety_watch import TITLES
from ketacare.patients.models import ChartEntry
from ketacare.treatment.models import TreatmentCourse


class Kind(models.TextChoices):
    BLADDER = "bladder", TITLES["bladder"]
    COGNITION = "cognition", TITLES["cognition"]
    MISUSE = "misuse", TITLES["misuse"]
    BLOOD_PRESSURE = "blood_pressure", TITLES["blood_pressure"]
    LIVER = "liver", TITLES["liver"]


assert tuple(Kind.values) == clinical.WATCH_KINDS  # the core's list, in its order


class WatchResult(ChartEntry):
    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    done_at = models.DateTimeField()
    questions = models.JSONField(default=list, blank=True)
    answers = models.JSONField(default=list, blank=True)  # yes (true) or no, per question
    # The systolic rise in mmHg of the blood-pressure trend, or the ALT in U/L.
    value = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    cut_off = models.PositiveIntegerField()
    positive = models.BooleanField()
    note = models.CharField(max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-done_at", "-pk"]
        default_related_name = "watch_results"
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True)
                | (Q(reviewed_by__isnull=False) & ~Q(review_note="")),
                name="watch_review_has_reviewer_and_note",
            ),
            models.CheckConstraint(
                condition=Q(entered_in_error=False) | ~Q(error_reason=""),
                name="watch_error_has_reason",
            ),
        ]

    @property
    def answered(self) -> list[tuple[str, bool]]:
        return list(zip(self.questions, self.answers, strict=False))

    @property
    def awaiting_review(self) -> bool:
        return self.positive and self.reviewed_at is None and not self.entered_in_error
