"""A clinic's public profile: what its admin drafts, and what the public sees once published.

The draft is the model's own fields; publishing copies it into `live` (see `profile.py`), so a
change is previewed before it goes live and the directory reads one JSON column per clinic.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ketacare.clinics.models import Clinic, Membership
from ketacare.core.models import PublicIdModel


class Language(models.TextChoices):
    """Languages a clinic may say it treats in (ISO 639 codes; ASL is ISO 639-3)."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    CHINESE = "zh", "Chinese"
    VIETNAMESE = "vi", "Vietnamese"
    TAGALOG = "tl", "Tagalog"
    ARABIC = "ar", "Arabic"
    FRENCH = "fr", "French"
    HAITIAN_CREOLE = "ht", "Haitian Creole"
    KOREAN = "ko", "Korean"
    RUSSIAN = "ru", "Russian"
    PORTUGUESE = "pt", "Portuguese"
    HINDI = "hi", "Hindi"
    ASL = "ase", "American Sign Language"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DESCRIPTION_MAX = 2000


def _hours_problem(hours: Any) -> str | None:
    if not isinstance(hours, dict) or not set(hours) <= {str(day) for day in range(7)}:
        return "Give opening hours by weekday."
    for day, span in hours.items():
        name = WEEKDAYS[int(day)]
        try:
            opens, closes = (dt.time.fromisoformat(value) for value in span)
        except (TypeError, ValueError):
            return f"{name}: give the opening and closing time as HH:MM."
        if closes <= opens:
            return f"{name}: the clinic must close after it opens."
    return None


class ClinicProfile(PublicIdModel):
    clinic = models.OneToOneField(Clinic, on_delete=models.PROTECT, related_name="profile")
    description = models.TextField(max_length=DESCRIPTION_MAX, blank=True)
    website = models.URLField(blank=True)
    accepting_new_patients = models.BooleanField(default=True)
    telehealth = models.BooleanField(default=False)
    # A certified SPRAVATO REMS outpatient healthcare setting (REFERENCE §1.11): required of a
    # clinic that offers esketamine; the clinic states it until credentials are verified.
    rems_certified = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    # Weekday ("0" is Monday) -> ["HH:MM", "HH:MM"]; a day not listed is closed.
    hours = models.JSONField(default=dict, blank=True)
    # Protocol codes of the clinic's library offered to new patients; the public reads the
    # latest version of each, and lists the older ones as superseded.
    protocol_codes = models.JSONField(default=list, blank=True)
    team = models.ManyToManyField(Membership, blank=True, related_name="+")
    # Outcomes are published for every route offered or for none; the first time they are
    # turned on, the public sees them only from `outcomes_public_from` (30 days on: the
    # clinic's preview), and turning them off and on again does not start a new preview.
    publish_outcomes = models.BooleanField(default=False)
    outcomes_public_from = models.DateField(null=True, blank=True, editable=False)

    # What the public sees: the facts as they were when last published (None: not listed).
    live = models.JSONField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When what the public sees last changed (published, republished or withdrawn): the
    # directory's cache is keyed on it.
    live_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Raised whenever something the public page shows changes beside `live` (a protocol
    # version, a credential, a review, the outcomes): the cached page is keyed on it.
    public_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(live__isnull=True) | models.Q(published_at__isnull=False),
                name="live_profile_has_published_at",
            )
        ]

    def __str__(self) -> str:
        return f"Profile of {self.clinic}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        allowed = {language.value for language in Language}
        if not isinstance(self.languages, list) or not set(self.languages) <= allowed:
            errors["languages"] = "Choose from: " + ", ".join(str(lang.label) for lang in Language)
        problem = _hours_problem(self.hours)
        if problem:
            errors["hours"] = problem
        if not isinstance(self.protocol_codes, list) or not all(
            isinstance(code, str) for code in self.protocol_codes
        ):
            errors["protocol_codes"] = "Choose protocols from the clinic's library."
        if errors:
            raise ValidationError(errors)


class PublishedOutcome(models.Model):
    """One route's outcome counts at a clinic as the nightly refresh last worked them out
    (`outcomes.py`): what the public profile shows, never a patient's row."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    route = models.CharField(max_length=20)
    since = models.DateTimeField()  # courses started in [since, until)
    until = models.DateTimeField()
    refreshed_at = models.DateTimeField()
    patients = models.PositiveIntegerField()
    both_scores = models.PositiveIntegerField()
    started = models.PositiveIntegerField()
    completed = models.PositiveIntegerField()
    with_scores = models.PositiveIntegerField()
    responded = models.PositiveIntegerField()
    remitted = models.PositiveIntegerField()
    responded_completers = models.PositiveIntegerField()
    remitted_completers = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "route"], name="one_outcome_per_route")
        ]

    def __str__(self) -> str:
        return f"Published outcomes of {self.route} at clinic {self.clinic_id}"


class CredentialKind(models.TextChoices):
    LICENCE = "licence", "Professional licence"
    BOARD = "board_certification", "Board certification"
    DEA = "dea_registration", "DEA registration"
    ACLS = "acls", "ACLS (Advanced Cardiac Life Support)"
    BLS = "bls", "BLS (Basic Life Support)"
    REMS_SETTING = "rems_setting", "SPRAVATO REMS healthcare-setting certification"
    KAP_TRAINING = "kap_training", "Ketamine-assisted psychotherapy training"


# What the public never sees of a credential: a DEA number is a key to prescribing fraud.
UNPUBLISHED_NUMBERS = {CredentialKind.DEA}


class StaffCredential(PublicIdModel):
    """A credential of a staff member (`membership`) or of the clinic itself (the REMS
    setting certification, `membership` empty), with who verified it, when and against
    what. A credential is never deleted: one no longer held is retired with the reason."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=CredentialKind.choices)
    issuer = models.CharField(max_length=120, help_text="e.g. a state board, the AHA")
    state = models.CharField(max_length=40, blank=True)
    number = models.CharField(max_length=40, blank=True)
    licence_type = models.CharField(max_length=40, blank=True, help_text="e.g. MD, RN, NP")
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    document = models.FileField(upload_to="credentials/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_against = models.CharField(max_length=200, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    retire_reason = models.CharField(max_length=300, blank=True)
    # When the clinic admins were told it expires within 60 and within 30 days.
    reminded_60_on = models.DateField(null=True, blank=True)
    reminded_30_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="rems_setting", membership__isnull=True)
                | (~models.Q(kind="rems_setting") & models.Q(membership__isnull=False)),
                name="credential_holder_fits_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("issued_on")),
                name="credential_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(verified_at__isnull=True, verified_by__isnull=True)
                | models.Q(verified_at__isnull=False, verified_by__isnull=False)
                & ~models.Q(verified_against=""),
                name="credential_verification_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.public_id})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == CredentialKind.LICENCE:
            for name in ("state", "number", "licence_type"):
                if not getattr(self, name).strip():
                    errors[name] = "A licence needs its state, number and type."
        if self.kind == CredentialKind.DEA and not self.number.strip():
            errors["number"] = "A DEA registration needs its number."
        if self.expires_on is not None and self.expires_on <= self.issued_on:
            errors["expires_on"] = "A credential expires after it is issued."
        if errors:
            raise ValidationError(errors)

    def current_on(self, day: dt.date) -> bool:
        return self.retired_at is None and (self.expires_on is None or self.expires_on >= day)


class WithholdReason(models.TextChoices):
    """The moderation policy's only grounds for withholding a review (never its rating)."""

    HEALTH_INFORMATION = "health_information", "It tells another person's health information"
    THREAT = "threat", "It threatens someone"
    PROFANITY = "profanity", "It uses profanity"
    ADVERTISING = "advertising", "It advertises"
    OFF_TOPIC = "off_topic", "It is not about care at this clinic"


class ReplyTemplate(models.TextChoices):
    """The clinic's only replies: none says or implies the reviewer was a patient, nor
    anything about them (HIPAA; docs/decisions/0005). `{phone}` is the clinic's number."""

    THANKS = "thanks", "Thank you for taking the time to share your experience."
    PRIVATE = (
        "private",
        (
            "Thank you for your feedback. We cannot discuss anyone's care in public; if you would "
            "like to talk, please call us at {phone}."
        ),
    )
    CONCERN = (
        "concern",
        (
            "We are sorry to read this. We take every concern seriously; please call us at {phone} "
            "so that we can listen."
        ),
    )


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    WITHHELD = "withheld", "Withheld under the moderation policy"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"


class ReviewInvitation(PublicIdModel):
    """The platform's invitation to review one course: sent once the course ended with at
    least one dose given. Only a SHA-256 of its link's random token is kept; the link works
    once, until `expires_at`."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    course = models.OneToOneField(
        "treatment.TreatmentCourse", on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Review invitation {self.public_id}"


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Review(PublicIdModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    invitation = models.OneToOneField(ReviewInvitation, on_delete=models.PROTECT)
    display_name = models.CharField(max_length=40, blank=True)
    overall = models.PositiveSmallIntegerField(validators=RATING)
    safety = models.PositiveSmallIntegerField(validators=RATING)
    communication = models.PositiveSmallIntegerField(validators=RATING)
    comfort = models.PositiveSmallIntegerField(validators=RATING)
    text = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    withheld_reason = models.CharField(max_length=20, choices=WithholdReason.choices, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # The clinic's one reply, from a template, shown once its admin confirmed it.
    reply = models.CharField(max_length=20, choices=ReplyTemplate.choices, blank=True)
    reply_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reply_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status="withheld") & ~models.Q(withheld_reason=""))
                | (~models.Q(status="withheld") & models.Q(withheld_reason="")),
                name="withheld_review_has_its_reason",
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"review_{name}_one_to_five",
                )
                for name in ("overall", "safety", "communication", "comfort")
            ],
        ]

    def __str__(self) -> str:
        return f"Review {self.public_id}"

    @property
    def reply_text(self) -> str:
        """The reply as shown, the clinic's number filled in."""
        return (
            str(ReplyTemplate(self.reply).label).format(phone=self.clinic.phone)
            if self.reply
            else ""
        )


class ReviewReport(PublicIdModel):
    """A visitor's report of a review, for the platform's moderators."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reports")
    reason = models.CharField(max_length=300)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Report of {self.review_id}"
