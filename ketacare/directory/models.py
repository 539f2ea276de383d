"""A clinic's public profile: what its admin drafts, and what the public sees once published.

The draft is the model's own fields; publishing copies it into `live` (see `profile.py`), so a
change is previewed before it goes live and the directory reads one JSON column per clinic.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
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
