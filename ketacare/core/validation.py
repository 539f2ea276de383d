"""Input checks the services of several apps share: reasons, effective times, vital signs."""

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from ketacare import clinical
from ketacare.clinical.vitals import VITAL_NAMES

# Clocks on tablets drift; a few minutes ahead is a clock, hours ahead is a typing error.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def require_reason(field: str, reason: str) -> str:
    """The reason, stripped; a blank one is refused on `field` (it is kept on the record)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: "Write the reason; it is kept on the record."})
    return reason


def check_effective_time(name: str, value: dt.datetime) -> None:
    """When something happened may be typed a little after, never ahead of the clock."""
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({name: "This time is in the future; give when it happened."})


def checked_vitals(readings: Mapping[str, int | None]) -> clinical.Vitals:
    """The readings as the core's Vitals, or every impossible one named with its range."""
    problems: dict[str, list[str]] = {}
    for name in VITAL_NAMES:
        try:
            clinical.Vitals(**{name: readings.get(name)})
        except clinical.ClinicalInputError as error:
            problems[name] = [str(error)]
    if problems:
        raise ValidationError(problems)
    if all(readings.get(name) is None for name in VITAL_NAMES):
        raise ValidationError({NON_FIELD_ERRORS: ["Enter at least one reading."]})
    try:
        return clinical.Vitals(**{name: readings.get(name) for name in VITAL_NAMES})
    except clinical.ClinicalInputError as error:
        raise ValidationError({error.field.split(" ")[0]: [str(error)]}) from error


def unconfirmed_findings(vitals: clinical.Vitals, confirmed: bool) -> list[clinical.Finding]:
    """Unusual readings (KetaCare's plausibility ranges) stand only once confirmed."""
    findings = clinical.plausibility(vitals)
    if findings and not confirmed:
        raise ValidationError({"confirm_readings": [finding.message for finding in findings]})
    return findings
