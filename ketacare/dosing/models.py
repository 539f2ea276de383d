"""The dosing session at the chair: check-in and the pre-dose checklist, the administration
record (IV infusion with its pauses, esketamine devices), the monitoring timeline (vitals,
sedation and dissociation scores, side effects, interventions, adverse events) and discharge.

Every timeline row is a `ChartEntry`: never deleted, a wrong one is marked entered-in-error.
Times are effective times (when the BP was taken, the device used); `created_at` is recorded
time."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ketacare.assessments.models import Assessment
from ketacare.clinical import ROUTES
from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel
from ketacare.inventory.models import LedgerEntry
from ketacare.patients.models import ChartEntry, Patient
from ketacare.screening.models import RouteChoices
from ketacare.treatment.models import PlannedSession, TreatmentCourse

_ERROR_HAS_REASON = Q(entered_in_error=False) | ~Q(error_reason="")


class Status(models.TextChoices):
    CHECKED_IN = "checked_in", "Checked in"
    CLEARED = "cleared_for_dosing", "Cleared for dosing"
    BLOCKED = "blocked", "Blocked: a prescriber must act"
    DOSING = "dosing", "Dosing"
    MONITORING = "monitoring", "Monitoring"
    DISCHARGED = "discharged", "Discharged"
    ABORTED = "aborted", "Aborted"


class DosingSession(PublicIdModel):
    """One patient's visit to the chair for one dose of a course. The row is locked by every
    write to the session (`select_for_update`), so two people recording at once queue."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT)
    planned_session = models.OneToOneField(
        PlannedSession, on_delete=models.PROTECT, null=True, blank=True, related_name="dosing"
    )
    route = models.CharField(max_length=20, choices=RouteChoices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKED_IN)
    chair = models.CharField(max_length=40, blank=True)
    checked_in_at = models.DateTimeField()
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The pre-dose checklist (REFERENCE §1.4, §1.5, §1.7, §1.11, §2.4, §6).
    identity_confirmed = models.BooleanField(default=False)
    fasting_ok = models.BooleanField(default=False)
    driver_arranged = models.BooleanField(default=False)
    pregnancy_status_checked = models.BooleanField(default=False)
    concomitant_meds_reviewed = models.BooleanField(default=False)
    phq9 = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cssrs = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pre_dose_vitals = models.ForeignKey(
        "VitalsReading", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triage = models.JSONField(default=dict, blank=True)
    findings = models.JSONField(default=list, blank=True, help_text="Pre-dose findings.")
    checklist_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checklist_at = models.DateTimeField(null=True, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(blank=True)
    overridden = models.JSONField(default=list, blank=True, help_text="The warnings overridden.")
    # The first device or the infusion start: minutes-since-dose count from here.
    dose_started_at = models.DateTimeField(null=True, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    no_driving_instruction_given = models.BooleanField(default=False)
    abort_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-checked_in_at", "-pk"]
        default_related_name = "dosing_sessions"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="dosing_status_known"
            ),
            models.CheckConstraint(condition=Q(route__in=ROUTES), name="dosing_route_known"),
            models.CheckConstraint(
                condition=Q(overridden=[])
                | (~Q(override_reason="") & Q(override_by__isnull=False)),
                name="dosing_override_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="discharged")
                | (Q(discharged_at__isnull=False) & Q(discharged_by__isnull=False)),
                name="dosing_discharge_signed",
            ),
            models.CheckConstraint(
                condition=~Q(status="aborted") | ~Q(abort_reason=""),
                name="dosing_abort_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} at {self.checked_in_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.DISCHARGED, Status.ABORTED)


class Checkpoint(models.TextChoices):
    PRE_DOSE = "pre_dose", "Pre-dose"
    POST_40 = "post_40min", "About 40 min after the dose"
    PRE_DISCHARGE = "pre_discharge", "Before discharge"
    ROUTINE = "routine", "Routine"


class SessionEntry(ChartEntry):
    session = models.ForeignKey(DosingSession, on_delete=models.PROTECT)

    class Meta:
        abstract = True


class VitalsReading(SessionEntry):
    """One set of vital signs; `findings` are `clinical.evaluate_vitals` (or `pre_dose_check`
    at the pre-dose checkpoint) on this reading, kept as shown."""

    measured_at = models.DateTimeField()
    checkpoint = models.CharField(max_length=20, choices=Checkpoint.choices)
    sbp = models.PositiveSmallIntegerField("systolic BP (mmHg)", null=True, blank=True)
    dbp = models.PositiveSmallIntegerField("diastolic BP (mmHg)", null=True, blank=True)
    hr = models.PositiveSmallIntegerField("heart rate (/min)", null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField("SpO2 (%)", null=True, blank=True)
    rr = models.PositiveSmallIntegerField("respiratory rate (/min)", null=True, blank=True)
    findings = models.JSONField(default=list, blank=True)
    plausibility_confirmed = models.BooleanField(default=False)
    confirmed_findings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["measured_at", "pk"]
        default_related_name = "vitals"
        constraints = [
            models.CheckConstraint(
                condition=Q(checkpoint__in=Checkpoint.values), name="vitals_checkpoint_known"
            ),
            models.CheckConstraint(condition=_ERROR_HAS_REASON, name="vitals_error_has_reason"),
            models.CheckConstraint(
                condition=Q(sbp__isnull=True) | Q(dbp__isnull=True) | Q(dbp__lt=models.F("sbp")),
                name="vitals_dbp_below_sbp",
            ),
        ]


class SessionScore(SessionEntry):
    """A MOAA/S or CADSS-6 given during the session: the scored administration lives in
    `assessments`; this row places it on the session's timeline."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        default_related_name = "scores"
        constraints = [
            models.CheckConstraint(condition=_ERROR_HAS_REASON, name="score_error_has_reason"),
        ]


class Administration(SessionEntry):
    """The dose given. At most one valid administration per session (a wrong one is marked
    entered-in-error and recorded again)."""

    drug = models.CharField(max_length=20)
    route = models.CharField(max_length=20, choices=RouteChoices)
    lot_number = models.CharField(max_length=40)
    lot_expiry = models.DateField()
    # The ledger's draw for this dose (its lot and place); the lot number and expiry above are
    # then copied from the lot. Empty for a clinic not yet on the ledger.
    draw = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="dose"
    )
    dose_mg = models.DecimalField(max_digits=6, decimal_places=1)
    ordered_dose_mg = models.DecimalField(max_digits=6, decimal_places=1)
    weight_used_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    weight_basis = models.CharField(max_length=10, blank=True)
    # When the weight the dose used was measured, and whether the nurse acknowledged it as
    # older than the protocol's `weight_max_age_days` (REFERENCE §2.1 leaves it to the clinic).
    weight_measured_at = models.DateTimeField(null=True, blank=True)
    weight_acknowledged = models.BooleanField(default=False)
    concentration_mg_per_ml = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True
    )
    infusion_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    rate_mg_per_h = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    rate_ml_per_h = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    volume_ml = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    devices_planned = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=300, blank=True)
    difference_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the dose differs from the order."
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(blank=True)
    overridden = models.JSONField(default=list, blank=True)

    class Meta:
        default_related_name = "administrations"
        constraints = [
            models.CheckConstraint(condition=_ERROR_HAS_REASON, name="admin_error_has_reason"),
            models.CheckConstraint(condition=Q(dose_mg__gt=0), name="admin_dose_positive"),
            models.CheckConstraint(
                condition=Q(dose_mg=models.F("ordered_dose_mg")) | ~Q(difference_reason=""),
                name="admin_difference_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(overridden=[])
                | (~Q(override_reason="") & Q(override_by__isnull=False)),
                name="admin_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(weight_acknowledged=False) | Q(weight_measured_at__isnull=False),
                name="admin_acknowledged_weight_is_dated",
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(entered_in_error=False),
                name="one_valid_administration_per_session",
            ),
        ]


class InfusionPause(SessionEntry):
    administration = models.ForeignKey(Administration, on_delete=models.PROTECT)
    paused_at = models.DateTimeField()
    resumed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["paused_at", "pk"]
        default_related_name = "pauses"
        constraints = [
            models.CheckConstraint(condition=_ERROR_HAS_REASON, name="pause_error_has_reason"),
            models.CheckConstraint(
                condition=Q(resumed_at__isnull=True) | Q(resumed_at__gte=models.F("paused_at")),
                name="pause_resumes_after_start",
            ),
        ]


class DeviceUse(SessionEntry):
    """One 28 mg esketamine device (REFERENCE §1.4); `findings` hold the 5-minute rest check."""

    administration = models.ForeignKey(Administration, on_delete=models.PROTECT)
    device_number = models.PositiveSmallIntegerField()
    administered_at = models.DateTimeField()
    findings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["administered_at", "pk"]
        default_related_name = "devices"
        constraints = [
            models.CheckConstraint(condition=_ERROR_HAS_REASON, name="device_error_has_reason"),
            models.UniqueConstraint(
                fields=["administration", "device_number"],
                condition=Q(entered_in_error=False),
                name="device_number_unique",
            ),
        ]


class SideEffectKind(models.TextChoices):
    NAUSEA = "nausea", "Nausea"
    VOMITING = "vomiting", "Vomiting"
    DIZZINESS = "dizziness", "Dizziness"
    DISSOCIATION = "dissociation", "Dissociation"
    HEADACHE = "headache", "Headache"
    ANXIETY = "anxiety", "Anxiety"
    SEDATION = "sedation", "Sedation"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class SideEffect(SessionEntry):
    observed_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=SideEffectKind.choices)
    other = models.CharField(max_length=200, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)

    class Meta:
        ordering = ["observed_at", "pk"]
        default_related_name = "side_effects"
        constraints = [
            models.CheckConstraint(condition=_ERROR_HAS_REASON, name="effect_error_has_reason"),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(other=""), name="effect_other_is_named"
            ),
        ]


class InterventionKind(models.TextChoices):
    ANTIEMETIC = "antiemetic", "Antiemetic given"
    INFUSION_PAUSED = "infusion_paused", "Infusion paused"
    INFUSION_STOPPED = "infusion_stopped", "Infusion stopped"
    ANTIHYPERTENSIVE = "antihypertensive", "Antihypertensive given"
    OXYGEN = "oxygen", "Oxygen given"
    REASSURANCE = "reassurance", "Reassurance / reorientation"
    OTHER = "other", "Other"


class Intervention(SessionEntry):
    given_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=InterventionKind.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["given_at", "pk"]
        default_related_name = "interventions"
        constraints = [
            models.CheckConstraint(
                condition=_ERROR_HAS_REASON, name="intervention_error_has_reason"
            ),
        ]


class AdverseEvent(SessionEntry):
    onset_at = models.DateTimeField()
    severity = models.CharField(max_length=10, choices=Severity.choices)
    serious = models.BooleanField(default=False)
    description = models.CharField(max_length=500)
    action_taken = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["onset_at", "pk"]
        default_related_name = "adverse_events"
        constraints = [
            models.CheckConstraint(condition=_ERROR_HAS_REASON, name="ae_error_has_reason"),
        ]


class IdempotencyKey(models.Model):
    """A write the API has answered, by the caller's `Idempotency-Key`: the same key and body
    again replays the stored answer instead of writing twice (a network retry)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
