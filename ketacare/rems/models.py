"""The clinic's SPRAVATO REMS Patient Monitoring Form for one outpatient esketamine session
(REFERENCE §1.11): the staff's answers to what the record cannot know or must confirm, and the
submission. Everything else on the form is read from the session as recorded (`prefill.py`),
so the record and the form never disagree. Never deleted; every change is audited."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from ketacare.clinics.models import Clinic
from ketacare.core.models import PublicIdModel
from ketacare.dosing.models import DosingSession
from ketacare.patients.models import Patient

# The answers staff give on the form; a blank answer (None / "") leaves the record's value.
ANSWER_FIELDS = (
    "sedation",
    "dissociation",
    "respiratory_depression",
    "ready_to_leave_minutes",
    "vitals_acceptable_before",
    "vitals_acceptable_at_completion",
    "hcp_first_name",
    "hcp_last_name",
    "hcp_phone",
    "hcp_email",
    "adverse_event_notes",
)


class RemsMonitoringForm(PublicIdModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT)
    session = models.OneToOneField(
        DosingSession, on_delete=models.PROTECT, related_name="rems_form"
    )
    sedation = models.BooleanField(null=True, blank=True)
    dissociation = models.BooleanField(null=True, blank=True)
    respiratory_depression = models.BooleanField(null=True, blank=True)
    ready_to_leave_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(1440, "Enter minutes from 0 to 1440 (one day).")],
        help_text="Without the 2-hour minimum, when would the patient have been ready to "
        "leave (minutes from the start of administration)?",
    )
    vitals_acceptable_before = models.BooleanField(null=True, blank=True)
    vitals_acceptable_at_completion = models.BooleanField(null=True, blank=True)
    hcp_first_name = models.CharField("HCP first name", max_length=80, blank=True)
    hcp_last_name = models.CharField("HCP last name", max_length=80, blank=True)
    hcp_phone = models.CharField("HCP telephone", max_length=30, blank=True)
    hcp_email = models.EmailField("HCP email", blank=True)
    adverse_event_notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmation = models.CharField(
        "REMS confirmation or reference",
        max_length=80,
        blank=True,
        help_text="The confirmation number (online) or fax reference the REMS gave.",
    )
    warnings_acknowledged = models.JSONField(default=list, blank=True)
    submitted_form = models.JSONField(
        default=dict, blank=True, help_text="The form exactly as submitted."
    )

    class Meta:
        default_related_name = "rems_forms"
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True)
                | (Q(submitted_by__isnull=False) & ~Q(confirmation="")),
                name="rems_submission_signed",
            ),
            models.CheckConstraint(
                condition=Q(ready_to_leave_minutes__isnull=True)
                | Q(ready_to_leave_minutes__lte=1440),
                name="rems_ready_to_leave_within_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"REMS form for {self.session}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None
