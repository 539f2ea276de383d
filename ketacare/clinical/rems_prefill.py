"""What the REMS Patient Monitoring Form can take from the session as recorded (REFERENCE
§1.11). These are suggestions: the form shows each with its source and the clinician confirms
or changes it before submitting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ketacare.clinical.errors import ClinicalInputError
from ketacare.clinical.rems import RemsSex

__all__ = [
    "MOAAS_ALERT",
    "rems_dissociation_suggested",
    "rems_earlier_treatment",
    "rems_enrolled",
    "rems_sedation_suggested",
    "rems_sex",
    "rems_treatment_minutes",
]

# REFERENCE §4.8: 5 is "responds readily" (alert); any lower score is some sedation. The trial
# definition "sedation = MOAA/S <= 3" is UNVERIFIED, so the form suggests the wider reading.
MOAAS_ALERT = 5
_SEX: dict[str, RemsSex] = {"male": "M", "female": "F", "other": "Other"}


def rems_sex(sex: str) -> RemsSex | None:
    """The form's M / F / Other (§1.11); an unknown sex stays blank for staff to answer."""
    return _SEX.get(sex)


def rems_sedation_suggested(moaas_totals: Iterable[int], sedation_noted: bool) -> bool | None:
    """Sedation if any MOAA/S was below alert or a sedation side effect was noted; None when
    nothing was scored or noted (§1.6, §4.8)."""
    totals = list(moaas_totals)
    if not totals and not sedation_noted:
        return None
    return sedation_noted or min(totals) < MOAAS_ALERT


def rems_dissociation_suggested(
    cadss_totals: Iterable[int], dissociation_noted: bool
) -> bool | None:
    """Dissociation if any CADSS-6 total was above 0 or a dissociation side effect was noted;
    None when nothing was scored or noted (§1.9, §4.7; the trial cut-off is UNVERIFIED)."""
    totals = list(cadss_totals)
    if not totals and not dissociation_noted:
        return None
    return dissociation_noted or max(totals) > 0


def rems_treatment_minutes(first_device_at: dt.datetime, monitoring_ended_at: dt.datetime) -> int:
    """Treatment duration in whole minutes, first device to end of monitoring (§1.11), rounded
    down so a session a few seconds short of 2 hours is not reported as 2 hours."""
    seconds = (monitoring_ended_at - first_device_at).total_seconds()
    if seconds < 0:
        raise ClinicalInputError("monitoring_ended_at", "must not be before the first device")
    return int(seconds // 60)


def rems_earlier_treatment(
    earlier_first_devices: Iterable[dt.datetime | None], first_device_at: dt.datetime
) -> dt.datetime | None:
    """When the patient was first treated before this session (the form's "first treatment?",
    §1.11): the earliest first device of another esketamine dose. A dose recorded with no
    device used (None: the session ended before the first device) gave no drug, so it is no
    treatment."""
    given = [at for at in earlier_first_devices if at is not None and at < first_device_at]
    return min(given, default=None)


def rems_enrolled(enrolled_on: dt.date | None, treatment_date: dt.date) -> bool:
    """Enrolled in the REMS for this treatment: enrollment comes before the first treatment
    (§1.11), so an enrollment dated after the treatment does not count."""
    return enrolled_on is not None and enrolled_on <= treatment_date
