"""Treatment: each clinic's protocol library (versioned, immutable once used), treatment
courses with their dose orders, and the planned sessions front desk books."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ketacare.clinical import ROUTES
from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel
from ketacare.patients.models import Patient
from ketacare.screening.models import EligibilityDecision, RouteChoices

WEIGHT_BASES = ("actual", "ideal", "adjusted")
INDICATIONS = ("trd", "mdsi")


class ProtocolVersion(PublicIdModel):
    """One version of a protocol in one clinic's library. `definition` is the clinical core's
    `Protocol`, serialised (see `definitions.py`). Built-in versions are copied from the core;
    a clinic's own versions are made with `clinical.customise`. Once a course uses a version
    (`locked_at`) it never changes: a change is a new version."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="protocol_versions")
    code = models.CharField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    route = models.CharField(max_length=20, choices=RouteChoices)
    drug = models.CharField(max_length=20)
    is_builtin = models.BooleanField(default=False)
    based_on = models.CharField(max_length=80, blank=True)
    change_note = models.CharField(
        max_length=300, blank=True, help_text="What this version changes, and why."
    )
    definition = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "code", "version"], name="protocol_version_unique_in_clinic"
            ),
            models.CheckConstraint(condition=Q(route__in=ROUTES), name="protocol_route_known"),
            models.CheckConstraint(condition=Q(version__gte=1), name="protocol_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def label(self) -> str:
        return f"{self.code} v{self.version}"


class CourseStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class WeightBasis(models.TextChoices):
    ACTUAL = "actual", "Actual body weight"
    IDEAL = "ideal", "Ideal body weight (Devine)"
    ADJUSTED = "adjusted", "Adjusted body weight"


class Indication(models.TextChoices):
    TRD = "trd", "Treatment-resistant depression"
    MDSI = "mdsi", "MDD with acute suicidal ideation or behaviour"


_WEIGHT_BASED = (
    Q(dose_mg_per_kg__isnull=False)
    & Q(weight_basis__in=WEIGHT_BASES)
    & Q(fixed_dose_mg__isnull=True)
)
_FIXED = (
    Q(fixed_dose_mg__isnull=False)
    & Q(dose_mg_per_kg__isnull=True)
    & Q(max_dose_mg__isnull=True)
    & Q(weight_basis="")
)


class DoseFields(models.Model):
    """A dose order: mg/kg on a weight basis with a cap, or a fixed dose in mg, never both."""

    dose_mg_per_kg = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    weight_basis = models.CharField(max_length=10, choices=WeightBasis.choices, blank=True)
    max_dose_mg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    fixed_dose_mg = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def dose_text(self) -> str:
        if self.fixed_dose_mg is not None:
            return f"{self.fixed_dose_mg} mg"
        cap = f", max {self.max_dose_mg:g} mg" if self.max_dose_mg is not None else ""
        return f"{self.dose_mg_per_kg:g} mg/kg ({self.weight_basis} weight{cap})"


class TreatmentCourse(DoseFields, PublicIdModel):
    """A patient's course on one protocol version, started by a prescriber on a signed
    eligibility decision for the protocol's route. At most one open (active or paused) course
    per patient; an ended course stays on the record and a new one can be started."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    protocol_version = models.ForeignKey(ProtocolVersion, on_delete=models.PROTECT)
    eligibility_decision = models.ForeignKey(EligibilityDecision, on_delete=models.PROTECT)
    route = models.CharField(max_length=20, choices=RouteChoices)
    indication = models.CharField(max_length=10, choices=Indication.choices, blank=True)
    status = models.CharField(
        max_length=10, choices=CourseStatus.choices, default=CourseStatus.ACTIVE
    )
    start_phase = models.CharField(max_length=40)
    start_date = models.DateField()
    weekdays = models.JSONField(default=list, help_text="Chosen weekdays, Monday = 0.")
    maintenance_interval_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    rems_enrollment_id = models.CharField("REMS patient enrollment ID", max_length=40, blank=True)
    rems_enrolled_on = models.DateField(null=True, blank=True)
    rems_enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        default_related_name = "courses"
        indexes = [models.Index(fields=["clinic", "started_at"])]  # courses started in a period
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CourseStatus.values), name="course_status_known"
            ),
            models.CheckConstraint(condition=Q(route__in=ROUTES), name="course_route_known"),
            models.CheckConstraint(
                condition=Q(indication="") | Q(indication__in=INDICATIONS),
                name="course_indication_known",
            ),
            # The dose order is either weight-based or fixed, never both nor neither.
            models.CheckConstraint(
                condition=_WEIGHT_BASED | _FIXED, name="course_dose_weight_based_xor_fixed"
            ),
            models.CheckConstraint(
                condition=~Q(status="paused") | (Q(paused_at__isnull=False) & ~Q(pause_reason="")),
                name="course_pause_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="course_end_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(rems_enrolled_on__isnull=True)
                | (~Q(rems_enrollment_id="") & Q(rems_enrolled_by__isnull=False)),
                name="course_rems_enrollment_complete",
            ),
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status__in=["active", "paused"]),
                name="one_open_course_per_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol_version} for {self.patient} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status != CourseStatus.ENDED


class DoseOrder(DoseFields, PublicIdModel):
    """One signed dose order of a course, oldest first: the first at the start, then each
    change. An order the core warned about carries the prescriber's override reason."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    ordered_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True, help_text="Why the dose changes.")
    override_reason = models.TextField(blank=True)
    overridden = models.JSONField(default=list, blank=True, help_text="The warnings overridden.")

    class Meta:
        ordering = ["ordered_at", "pk"]
        default_related_name = "dose_orders"
        constraints = [
            models.CheckConstraint(
                condition=_WEIGHT_BASED | _FIXED, name="dose_order_weight_based_xor_fixed"
            ),
            models.CheckConstraint(
                condition=Q(overridden=[]) | ~Q(override_reason=""),
                name="dose_order_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.dose_text


class CourseEventKind(models.TextChoices):
    STARTED = "started", "Started"
    PAUSED = "paused", "Paused"
    RESUMED = "resumed", "Resumed"
    ENDED = "ended", "Ended"
    DOSE_CHANGED = "dose_changed", "Dose changed"
    REMS_ENROLLED = "rems_enrolled", "REMS enrollment recorded"


class CourseEvent(models.Model):
    """The visible history of a course (the audit trail holds the same, hash-chained)."""

    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=CourseEventKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CourseEventKind.values), name="course_event_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    # The patient was dosed and discharged (set by the discharge, never by hand).
    COMPLETED = "completed", "Completed"


class PlannedSession(PublicIdModel):
    """One session of a course's schedule, from `clinical.plan_sessions`. Never deleted: a
    session no longer wanted is cancelled with a reason; a move keeps the previous date. The
    discharge of its dosing session completes it, and a completed session is fixed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT)
    number = models.PositiveSmallIntegerField()
    scheduled_on = models.DateField()
    scheduled_time = models.TimeField(null=True, blank=True)
    week = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=20)
    phase_code = models.CharField(max_length=40)
    dose_rule = models.CharField(max_length=300)
    allowed_mg = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    chair = models.CharField(max_length=40, blank=True, help_text="Chair or room.")
    previous_date = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Cancelled by a pause and not yet planned again: resuming re-plans exactly these.
    held_by_pause = models.BooleanField(default=False)

    class Meta:
        ordering = ["scheduled_on", "number"]
        default_related_name = "sessions"
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="session_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="session_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="session_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="booked") | Q(scheduled_time__isnull=False),
                name="session_booking_has_time",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="completed") & Q(completed_at__isnull=False) & Q(cancel_reason="")
                )
                | (~Q(status="completed") & Q(completed_at__isnull=True)),
                name="session_completed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "scheduled_on"])]

    def __str__(self) -> str:
        return f"session {self.number} on {self.scheduled_on}"

    @property
    def is_open(self) -> bool:
        """Still to happen: it can be booked, moved or cancelled."""
        return self.status in (SessionStatus.PLANNED, SessionStatus.BOOKED)
