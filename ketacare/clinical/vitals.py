"""Vital-sign readings, KetaCare's data-entry limits, and per-protocol thresholds.

Two kinds of limit live here and must not be confused:
- *Data-entry limits* (ENTRY_LIMITS, PLAUSIBLE_RANGES) are KetaCare's, not clinical thresholds:
  a value outside ENTRY_LIMITS is impossible in a living patient and is refused; a value outside
  PLAUSIBLE_RANGES is possible but unusual and is confirmed before saving.
- *Clinical thresholds* (VitalThresholds) belong to a protocol version. The reference leaves them
  to the clinic for IV/IM/SL/oral ketamine and says to leave them empty by default (REFERENCE
  §2.6); the §2.6 data points are offered as named suggestions only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Literal

from ketacare.clinical.errors import ClinicalInputError, require_number
from ketacare.clinical.findings import Finding

__all__ = [
    "ENTRY_LIMITS",
    "ESKETAMINE_PRE_DOSE_BP",
    "ESKETAMINE_PRE_DOSE_THRESHOLDS",
    "PLAUSIBLE_RANGES",
    "SUGGESTED_IV_THRESHOLDS",
    "SUGGESTED_PRE_START_BP",
    "UNITS",
    "VITAL_LABELS",
    "VITAL_NAMES",
    "VitalName",
    "VitalThresholds",
    "Vitals",
    "plausibility",
    "vitals_acceptable",
]

VitalName = Literal["sbp", "dbp", "hr", "spo2", "rr"]

UNITS: Mapping[VitalName, str] = MappingProxyType(
    {"sbp": "mmHg", "dbp": "mmHg", "hr": "/min", "spo2": "%", "rr": "/min"}
)
VITAL_LABELS: Mapping[VitalName, str] = MappingProxyType(
    {
        "sbp": "Systolic BP",
        "dbp": "Diastolic BP",
        "hr": "Heart rate",
        "spo2": "SpO2",
        "rr": "Respiratory rate",
    }
)

# The finding kinds that make a reading not "in acceptable range".
_NOT_ACCEPTABLE = frozenset({"hard_stop", "warning"})

# KetaCare data-entry limits (not clinical thresholds): outside these a reading is refused.
# RR 0 stays possible because apnoea must be recordable.
ENTRY_LIMITS: Mapping[VitalName, tuple[float, float]] = MappingProxyType(
    {"sbp": (40, 300), "dbp": (20, 200), "hr": (20, 250), "spo2": (20, 100), "rr": (0, 80)}
)
# KetaCare plausibility ranges (not clinical thresholds): outside these a reading is confirmed.
PLAUSIBLE_RANGES: Mapping[VitalName, tuple[float, float]] = MappingProxyType(
    {"sbp": (70, 220), "dbp": (40, 130), "hr": (40, 150), "spo2": (85, 100), "rr": (6, 35)}
)


@dataclass(frozen=True, slots=True)
class Vitals:
    """One set of readings: BP in mmHg, heart rate /min, SpO2 %, respiratory rate /min.

    Any reading may be missing (None). Impossible values (outside ENTRY_LIMITS, or a diastolic
    at or above the systolic) raise ClinicalInputError naming the field and the allowed range.
    """

    sbp: float | None = None
    dbp: float | None = None
    hr: float | None = None
    spo2: float | None = None
    rr: float | None = None

    def __post_init__(self) -> None:
        for name in VITAL_NAMES:
            value = getattr(self, name)
            if value is not None:
                low, high = ENTRY_LIMITS[name]
                require_number(f"{name} ({UNITS[name]})", value, low, high)
        if self.sbp is not None and self.dbp is not None and self.dbp >= self.sbp:
            raise ClinicalInputError(
                "dbp (mmHg)", f"{self.dbp:g} is not below the systolic {self.sbp:g}"
            )

    def readings(self) -> tuple[tuple[VitalName, float], ...]:
        """The recorded readings as (name, value), in a fixed order."""
        return tuple(
            (name, value) for name in VITAL_NAMES if (value := getattr(self, name)) is not None
        )


VITAL_NAMES: tuple[VitalName, ...] = ("sbp", "dbp", "hr", "spo2", "rr")
_THRESHOLD_LIMITS: Mapping[str, tuple[float, float]] = {
    **{str(name): limits for name, limits in ENTRY_LIMITS.items()},
    "moaas": (0, 5),
}


def plausibility(vitals: Vitals) -> list[Finding]:
    """Warnings for possible but unusual readings, to be confirmed before saving.

    Uses KetaCare's PLAUSIBLE_RANGES (a data-entry aid, not a clinical threshold).
    """
    findings = []
    for name, value in vitals.readings():
        low, high = PLAUSIBLE_RANGES[name]
        if not low <= value <= high:
            findings.append(
                Finding(
                    code=f"implausible_{name}",
                    kind="warning",
                    message=(
                        f"{VITAL_LABELS[name]} {value:g} {UNITS[name]} is unusual (usual entry "
                        f"range {low:g}-{high:g}); confirm the reading before saving."
                    ),
                    source="KetaCare data-entry limits",
                    field=name,
                )
            )
    return findings


@dataclass(frozen=True, slots=True)
class VitalThresholds:
    """A protocol's vital-sign limits. None means "no limit". A reading below a `_min` or above a
    `_max` is a breach (the limit itself is acceptable). `moaas_min` is the lowest acceptable
    MOAA/S sedation score."""

    sbp_min: float | None = None
    sbp_max: float | None = None
    dbp_min: float | None = None
    dbp_max: float | None = None
    hr_min: float | None = None
    hr_max: float | None = None
    spo2_min: float | None = None
    rr_min: float | None = None
    rr_max: float | None = None
    moaas_min: int | None = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if value is not None:
                low, high = _THRESHOLD_LIMITS[item.name.rsplit("_", 1)[0]]
                require_number(item.name, value, low, high)
        for name in ("sbp", "dbp", "hr", "rr"):
            low, high = getattr(self, f"{name}_min"), getattr(self, f"{name}_max")
            if low is not None and high is not None and low >= high:
                raise ClinicalInputError(
                    f"{name}_min", f"{low:g} must be below {name}_max {high:g}"
                )

    @property
    def is_empty(self) -> bool:
        """True when no limit is set."""
        return all(getattr(self, item.name) is None for item in fields(self))

    def limits(self, name: VitalName) -> tuple[float | None, float | None]:
        """(min, max) for one vital sign."""
        return getattr(self, f"{name}_min", None), getattr(self, f"{name}_max", None)


# REFERENCE §1.5: esketamine pre-dose BP above 140/90 -> weigh delaying [V-SEC].
ESKETAMINE_PRE_DOSE_BP: tuple[int, int] = (140, 90)
ESKETAMINE_PRE_DOSE_THRESHOLDS = VitalThresholds(
    sbp_max=ESKETAMINE_PRE_DOSE_BP[0], dbp_max=ESKETAMINE_PRE_DOSE_BP[1]
)

# REFERENCE §2.6 suggestions, never defaults: the ICU ketamine trial's exclusion thresholds
# (NCT05803551, [V-SEC]) and one clinic's pre-start BP limit ([V-SEC]).
SUGGESTED_IV_THRESHOLDS = VitalThresholds(
    sbp_min=90, sbp_max=180, hr_min=50, hr_max=120, spo2_min=95, rr_min=10, rr_max=30
)
SUGGESTED_PRE_START_BP = VitalThresholds(sbp_max=140, dbp_max=90)


def vitals_acceptable(finding_kinds: Iterable[str]) -> bool:
    """A reading is "in acceptable range" when its checks raised no warning or hard stop
    (REFERENCE §1.5 for BP, the protocol's limits of §2.6 for the rest): the discharge's
    "vital signs acceptable" (§1.7) and the REMS form's (§1.11) both read it so."""
    return not _NOT_ACCEPTABLE.intersection(finding_kinds)
