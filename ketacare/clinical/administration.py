"""Esketamine administration at the chair: the 5-minute rest after each device (REFERENCE §1.4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ketacare.clinical.errors import ClinicalInputError
from ketacare.clinical.findings import Finding, ref

__all__ = ["DEVICE_REST_MIN", "device_rest_findings"]

DEVICE_REST_MIN = 5  # REFERENCE §1.4: the patient rests 5 minutes after each device


def device_rest_findings(
    previous: Sequence[dt.datetime], administered_at: dt.datetime
) -> list[Finding]:
    """A warning when a device is used less than 5 minutes after the latest earlier one.

    `previous` are the times of the devices already used this session (any order). A device
    before an earlier one is refused: times are entered in the order the devices were used.
    """
    if not previous:
        return []
    latest = max(previous)
    if administered_at < latest:
        raise ClinicalInputError(
            "administered_at", f"is before the previous device at {latest:%H:%M}"
        )
    minutes = (administered_at - latest).total_seconds() / 60
    if minutes >= DEVICE_REST_MIN:
        return []
    message = (
        f"Only {minutes:.1f} min since the previous device: the patient rests "
        f"{DEVICE_REST_MIN} minutes after each device."
    )
    return [Finding("device_rest_short", "warning", message, ref("1.4"), "administered_at")]
