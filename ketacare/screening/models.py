"""Screening: the intake (history, medical flags, antidepressant trials, vitals) and the
prescriber's signed eligibility decision, kept as a snapshot of the facts and findings."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ketacare.clinical import ENTRY_LIMITS, ROUTE_NAMES, ROUTES
from ketacare.clinical.vitals import VITAL_NAMES, VitalName
from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel
from ketacare.patients.models import ChartEntry, Patient

# The routes and their names come from the clinical core.
RouteChoices = [(route, ROUTE_NAMES[route]) for route in ROUTES]


class IntakeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReferralSource(models.TextChoices):
    SELF = "self", "Self-referred"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist"
    PRIMARY_CARE = "primary_care", "Primary care"
    THERAPIST = "therapist", "Therapist"
    HOSPITAL = "hospital", "Hospital or emergency department"
    OTHER = "other", "Other"


class PregnancyStatus(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    NOT_PREGNANT = "not_pregnant", "Not pregnant"
    PREGNANT = "pregnant", "Pregnant"
    UNKNOWN = "unknown", "Unknown"


class HepaticImpairment(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild (Child-Pugh A)"
    MODERATE = "moderate", "Moderate (Child-Pugh B)"
    SEVERE = "severe", "Severe (Child-Pugh C)"


# The yes/no medical history the eligibility rules read: each name is an EligibilityFacts field.
MEDICAL_FLAGS: tuple[tuple[str, str], ...] = (
    ("suicidal_ideation_or_behavior", "Acute suicidal ideation or behaviour (clinician's view)"),
    (
        "aneurysmal_vascular_disease",
        "Aneurysmal vascular disease (aorta, intracranial, peripheral)",
    ),
    ("arteriovenous_malformation", "Arteriovenous malformation"),
    ("intracerebral_hemorrhage_history", "History of intracerebral haemorrhage"),
    ("ketamine_hypersensitivity", "Hypersensitivity to ketamine, esketamine or an excipient"),
    ("bp_rise_serious_risk", "A rise in blood pressure would pose a serious risk"),
    ("psychosis_current", "Current psychosis"),
    ("psychosis_history", "History of psychosis"),
    ("bipolar_or_mania", "Bipolar disorder or mania"),
    ("substance_use_disorder_active", "Active substance use disorder"),
    ("substance_use_disorder_history", "History of substance use disorder"),
    ("uncontrolled_hypertension", "Uncontrolled hypertension"),
    ("significant_arrhythmia", "Significant arrhythmia"),
    ("unstable_cerebrovascular_disease", "Unstable cerebrovascular disease"),
    ("raised_intracranial_or_intraocular_pressure", "Raised intracranial or intraocular pressure"),
    ("hypertensive_encephalopathy_history", "History of hypertensive encephalopathy"),
    ("ulcerative_or_interstitial_cystitis", "Ulcerative or interstitial cystitis"),
)


class Intake(PublicIdModel):
    """One screening episode of a patient; at most one is open at a time."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    status = models.CharField(
        max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.OPEN
    )
    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices, blank=True)
    referral_detail = models.CharField(
        max_length=200, blank=True, help_text="Who referred, and why."
    )
    psychiatric_history = models.TextField(blank=True)
    intended_route = models.CharField(max_length=20, choices=RouteChoices, blank=True)
    on_oral_antidepressant = models.BooleanField(
        "currently on an oral antidepressant",
        null=True,
        blank=True,
        help_text="Leave unknown if not yet asked.",
    )
    pregnancy_status = models.CharField(max_length=20, choices=PregnancyStatus.choices, blank=True)
    breastfeeding = models.BooleanField(default=False)
    substance_use = models.TextField("substance use", blank=True)
    hepatic_impairment = models.CharField(
        max_length=10, choices=HepaticImpairment.choices, default=HepaticImpairment.NONE
    )
    suicidal_ideation_or_behavior = models.BooleanField(default=False)
    aneurysmal_vascular_disease = models.BooleanField(default=False)
    arteriovenous_malformation = models.BooleanField(default=False)
    intracerebral_hemorrhage_history = models.BooleanField(default=False)
    ketamine_hypersensitivity = models.BooleanField(default=False)
    bp_rise_serious_risk = models.BooleanField(default=False)
    psychosis_current = models.BooleanField(default=False)
    psychosis_history = models.BooleanField(default=False)
    bipolar_or_mania = models.BooleanField(default=False)
    substance_use_disorder_active = models.BooleanField(default=False)
    substance_use_disorder_history = models.BooleanField(default=False)
    uncontrolled_hypertension = models.BooleanField(default=False)
    significant_arrhythmia = models.BooleanField(default=False)
    unstable_cerebrovascular_disease = models.BooleanField(default=False)
    raised_intracranial_or_intraocular_pressure = models.BooleanField(default=False)
    hypertensive_encephalopathy_history = models.BooleanField(default=False)
    ulcerative_or_interstitial_cystitis = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        default_related_name = "intakes"
        constraints = [
            models.UniqueConstraint(
                fields=["patient"], condition=Q(status="open"), name="one_open_intake_per_patient"
            ),
            models.CheckConstraint(
                condition=Q(status__in=IntakeStatus.values), name="intake_status_known"
            ),
            models.CheckConstraint(
                condition=Q(intended_route="") | Q(intended_route__in=ROUTES),
                name="intake_route_known",
            ),
        ]

    def __str__(self) -> str:
        return f"intake of {self.patient} ({self.get_status_display()})"


class IntakeEntry(ChartEntry):
    """A row recorded as part of one intake."""

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT)

    class Meta:
        abstract = True


class TrialOutcome(models.TextChoices):
    NO_RESPONSE = "no_response", "No response"
    PARTIAL_RESPONSE = "partial_response", "Partial response"
    RESPONSE = "response", "Response"
    INTOLERANCE = "intolerance", "Stopped for side effects"
    ONGOING = "ongoing", "Ongoing"


# A trial counts towards treatment resistance when it was adequate and did not work (§1.2).
FAILED_OUTCOMES = (TrialOutcome.NO_RESPONSE, TrialOutcome.PARTIAL_RESPONSE)


class AntidepressantTrial(IntakeEntry):
    """One antidepressant tried in this episode."""

    drug = models.CharField(max_length=120)
    dose = models.CharField(max_length=80, help_text="e.g. 200 mg daily")
    weeks = models.PositiveSmallIntegerField(help_text="Weeks at this dose.")
    adequate = models.BooleanField(
        "adequate dose and duration", help_text="Adequate dose for an adequate time."
    )
    outcome = models.CharField(max_length=20, choices=TrialOutcome.choices)

    class Meta:
        ordering = ["created_at"]
        default_related_name = "trials"
        constraints = [
            models.CheckConstraint(
                condition=Q(weeks__gte=0) & Q(weeks__lte=520), name="trial_weeks_plausible"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=TrialOutcome.values), name="trial_outcome_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drug} {self.dose}, {self.weeks} weeks"

    @property
    def counts_as_failed(self) -> bool:
        return not self.entered_in_error and self.adequate and self.outcome in FAILED_OUTCOMES


def _within_entry_limits(name: VitalName) -> Q:
    low, high = ENTRY_LIMITS[name]
    return Q(**{f"{name}__isnull": True}) | (
        Q(**{f"{name}__gte": low}) & Q(**{f"{name}__lte": high})
    )


class IntakeVitals(IntakeEntry):
    """Screening vital signs. Readings outside KetaCare's entry limits never reach the table;
    unusual ones are kept only with the recorder's confirmation."""

    measured_at = models.DateTimeField(help_text="When the readings were taken.")
    sbp = models.PositiveSmallIntegerField("systolic BP (mmHg)", null=True, blank=True)
    dbp = models.PositiveSmallIntegerField("diastolic BP (mmHg)", null=True, blank=True)
    hr = models.PositiveSmallIntegerField("heart rate (/min)", null=True, blank=True)
    spo2 = models.PositiveSmallIntegerField("SpO2 (%)", null=True, blank=True)
    rr = models.PositiveSmallIntegerField("respiratory rate (/min)", null=True, blank=True)
    plausibility_confirmed = models.BooleanField(default=False)
    confirmed_findings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-measured_at"]
        default_related_name = "intake_vitals"
        verbose_name_plural = "intake vitals"
        constraints = [
            *(
                models.CheckConstraint(
                    condition=_within_entry_limits(name), name=f"intake_vitals_{name}_in_limits"
                )
                for name in VITAL_NAMES
            ),
            models.CheckConstraint(
                condition=Q(sbp__isnull=True) | Q(dbp__isnull=True) | Q(dbp__lt=models.F("sbp")),
                name="intake_vitals_dbp_below_sbp",
            ),
            models.CheckConstraint(
                condition=~Q(sbp=None, dbp=None, hr=None, spo2=None, rr=None),
                name="intake_vitals_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"vitals {self.measured_at:%Y-%m-%d %H:%M}"


class EligibilityStatus(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    NEEDS_REVIEW = "needs_review", "Needs review"
    INELIGIBLE = "ineligible", "Ineligible (hard stop)"


class Decision(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    ELIGIBLE_WITH_OVERRIDE = "eligible_with_override", "Eligible, warnings overridden"


class EligibilityDecision(PublicIdModel):
    """A prescriber's signed decision, with the facts and findings it was made on. Never
    changed: a new review makes a new decision; the latest one stands."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT)
    route = models.CharField(max_length=20, choices=RouteChoices)
    status = models.CharField(max_length=20, choices=EligibilityStatus.choices)
    findings = models.JSONField(blank=True, help_text="The core's findings, as shown when signing.")
    facts = models.JSONField(help_text="The EligibilityFacts the core assessed.")
    fact_sources = models.JSONField(
        default=dict, blank=True, help_text="Where each fact came from."
    )
    indications = models.JSONField(default=list, blank=True)
    triage = models.JSONField(
        default=dict, blank=True, help_text="Suicide triage of the baseline scales."
    )
    decision = models.CharField(max_length=30, choices=Decision.choices)
    reason = models.TextField(blank=True, help_text="Required when warnings are overridden.")
    overridden_warnings = models.JSONField(default=list, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["-signed_at", "-pk"]
        default_related_name = "eligibility_decisions"
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="eligibility_decision_known"
            ),
            models.CheckConstraint(condition=Q(route__in=ROUTES), name="eligibility_route_known"),
            # Hard stops cannot be overridden; "eligible" needs a clean result; an override is
            # only of warnings and always carries its written reason.
            models.CheckConstraint(
                condition=~Q(status="ineligible") | Q(decision="not_eligible"),
                name="eligibility_hard_stop_never_eligible",
            ),
            models.CheckConstraint(
                condition=~Q(decision="eligible") | Q(status="eligible"),
                name="eligibility_plain_eligible_needs_clean_result",
            ),
            models.CheckConstraint(
                condition=~Q(decision="eligible_with_override")
                | (Q(status="needs_review") & ~Q(reason="")),
                name="eligibility_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} for {self.get_route_display()}"
