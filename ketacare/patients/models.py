"""The patient record: demographics, contacts, body measurements, allergies, medications,
diagnoses. Clinical rows are never deleted; a wrong one is marked entered-in-error."""

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from ketacare.clinics.actors import Actor, Answerer
from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class PatientQuerySet(models.QuerySet["Patient"]):
    def visible_to(self, actor: Actor) -> "PatientQuerySet":
        """The only way a page, an operation or a task reaches patients: staff see those of
        their clinics, a patient (at home or at the kiosk) only their own record, a task its
        clinic's, the public none."""
        if isinstance(actor, Answerer):
            return self.filter(pk=actor.patient_id)
        return self.filter(clinic_id__in=actor.clinic_ids)

    def search(self, text: str) -> "PatientQuerySet":
        text = text.strip()
        if not text:
            return self
        query = Q(mrn__iexact=text)
        for word in text.split():
            query |= Q(family_name__istartswith=word) | Q(given_name__istartswith=word)
        date = _parse_date(text)
        if date:
            query |= Q(date_of_birth=date)
        return self.filter(query)


def _parse_date(text: str) -> Any:
    from datetime import datetime

    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class Patient(PublicIdModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("MRN", max_length=20)
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField("sex assigned at birth", max_length=10, choices=Sex.choices)
    pronouns = models.CharField(max_length=30, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField(max_length=120, blank=True)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    state = models.CharField(max_length=40, blank=True)
    postal_code = models.CharField(max_length=12, blank=True)
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)

    objects: ClassVar[PatientQuerySet] = PatientQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "mrn"], name="patient_mrn_unique_in_clinic"),
        ]
        indexes = [
            models.Index(fields=["clinic", "family_name", "given_name"]),
            models.Index(fields=["clinic", "date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def age_years(self) -> int:
        # The clinic's today, not the server's: near midnight they differ.
        today = self.clinic.today()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def display_name(self) -> str:
        given = self.preferred_name or self.given_name
        return f"{given} {self.family_name}"


class ChartEntry(PublicIdModel):
    """A clinical row on a chart: who recorded it, and its entered-in-error state."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    entered_in_error = models.BooleanField(default=False)
    error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True


class BodyMeasurement(ChartEntry):
    measured_at = models.DateTimeField(help_text="When the measurement was taken.")
    # Data-entry limits (the constraints below repeat them in the database): outside them a
    # value is a typing error, not a patient.
    weight_kg = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("2"), "Weight must be between 2 and 400 kg."),
            MaxValueValidator(Decimal("400"), "Weight must be between 2 and 400 kg."),
        ],
    )
    height_cm = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("40"), "Height must be between 40 and 250 cm."),
            MaxValueValidator(Decimal("250"), "Height must be between 40 and 250 cm."),
        ],
    )

    class Meta:
        ordering = ["-measured_at"]
        default_related_name = "measurements"
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_kg__gte=Decimal("2")) & Q(weight_kg__lte=Decimal("400")),
                name="measurement_weight_plausible",
            ),
            models.CheckConstraint(
                condition=Q(height_cm__isnull=True)
                | (Q(height_cm__gte=Decimal("40")) & Q(height_cm__lte=Decimal("250"))),
                name="measurement_height_plausible",
            ),
        ]

    @property
    def bmi(self) -> Decimal | None:
        if not self.height_cm:
            return None
        metres = self.height_cm / Decimal(100)
        return (self.weight_kg / (metres * metres)).quantize(Decimal("0.1"))


class AllergySeverity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"
    UNKNOWN = "unknown", "Unknown"


class Allergy(ChartEntry):
    substance = models.CharField(max_length=120)
    reaction = models.CharField(max_length=200, blank=True)
    severity = models.CharField(
        max_length=10, choices=AllergySeverity.choices, default=AllergySeverity.UNKNOWN
    )

    class Meta:
        ordering = ["substance"]
        default_related_name = "allergies"
        verbose_name_plural = "allergies"


class RemsClass(models.TextChoices):
    """The concomitant-medication classes the SPRAVATO REMS monitoring form asks about
    (REFERENCE §1.11); eligibility reads them as CNS depressants, psychostimulants, MAOIs."""

    BENZODIAZEPINE = "benzodiazepine", "Benzodiazepine"
    NON_BENZO_SEDATIVE_HYPNOTIC = (
        "non_benzo_sedative_hypnotic",
        "Non-benzodiazepine sedative hypnotic",
    )
    PSYCHOSTIMULANT = "psychostimulant", "Psychostimulant"
    MAOI = "maoi", "MAOI"
    OPIOID = "opioid", "Opioid"


class Medication(ChartEntry):
    name = models.CharField(max_length=120)
    dose = models.CharField(max_length=80, blank=True)
    frequency = models.CharField(max_length=80, blank=True)
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    rems_class = models.CharField(
        "REMS concomitant class",
        max_length=30,
        choices=RemsClass.choices,
        blank=True,
        help_text="Leave empty when the medicine is in none of these classes.",
    )

    class Meta:
        ordering = ["name"]
        default_related_name = "medications"
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(stopped_on__gte=models.F("started_on")),
                name="medication_stops_after_start",
            ),
            models.CheckConstraint(
                condition=Q(rems_class="") | Q(rems_class__in=RemsClass.values),
                name="medication_rems_class_known",
            ),
        ]


class CodeSystem(models.TextChoices):
    ICD10CM = "icd10cm", "ICD-10-CM"
    SNOMED = "snomed", "SNOMED CT"


class Diagnosis(ChartEntry):
    system = models.CharField(max_length=10, choices=CodeSystem.choices)
    code = models.CharField(max_length=20)
    term = models.CharField(max_length=200)
    onset_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["system", "code"]
        default_related_name = "diagnoses"
        verbose_name_plural = "diagnoses"


CHART_ENTRY_MODELS: dict[str, type[ChartEntry]] = {
    "measurement": BodyMeasurement,
    "allergy": Allergy,
    "medication": Medication,
    "diagnosis": Diagnosis,
}


class PatientAccount(models.Model):
    """Links a patient's sign-in account to their record, for the patient portal."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="patient_account"
    )
    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="account")
    created_at = models.DateTimeField(auto_now_add=True)
    # The patient's choice: reminders of questionnaires by email (alerts are not optional).
    reminders = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"portal account of patient {self.patient_id}"
