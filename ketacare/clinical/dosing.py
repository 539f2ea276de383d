"""Dose calculation: esketamine devices and label dose rules, weight-based ketamine doses and IV
infusion rates (REFERENCE §1.3, §1.4, §2.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ketacare.clinical.errors import (
    ClinicalInputError,
    require_choice,
    require_int,
    require_number,
)
from ketacare.clinical.findings import Finding, ref

__all__ = [
    "DEFAULT_WEIGHT_MAX_AGE_DAYS",
    "DEVICE_MG",
    "Dose",
    "EsketamineIndication",
    "Infusion",
    "Sex",
    "WeightBasis",
    "allowed_esketamine_doses",
    "dosing_weight",
    "esketamine_devices",
    "ideal_body_weight",
    "infused_mg",
    "infusion",
    "stale_weight_finding",
    "weight_age_days",
    "weight_based_dose",
]

DEVICE_MG = 28  # REFERENCE §1.1, §1.4: 28 mg per device, 2 sprays
_US_DOSES = (56, 84)  # REFERENCE §1.3: US adults, TRD and MDSI
_EXTENDED_DOSES = (28, 56, 84)  # REFERENCE §1.3: non-US / elderly (SmPC) configuration only

EsketamineIndication = Literal["trd", "mdsi"]
WeightBasis = Literal["actual", "ideal", "adjusted"]
Sex = Literal["male", "female"]
WEIGHT_BASES: tuple[WeightBasis, ...] = ("actual", "ideal", "adjusted")
SEXES: tuple[Sex, ...] = ("male", "female")

# Devine ideal body weight (kg): base at 60 inches, plus 2.3 kg per inch above (REFERENCE issue
# text; the reference leaves the weight basis to the clinician, §2.1).
_DEVINE_BASE_KG: dict[Sex, float] = {"male": 50.0, "female": 45.5}
_DEVINE_KG_PER_INCH = 2.3
_ADJUSTED_FACTOR = 0.4
_CM_PER_INCH = 2.54

# REFERENCE §2.1 doses by body weight but says nothing about how recent the weight must be, so
# the limit is a protocol setting (`DoseRule.weight_max_age_days`). 30 days is KetaCare's own
# default, not a sourced value: a clinic changes it in its own protocol version.
DEFAULT_WEIGHT_MAX_AGE_DAYS = 30
WEIGHT_MAX_AGE_LIMIT_DAYS = 365


def esketamine_devices(dose_mg: int, *, allow_28: bool = False) -> int:
    """Number of 28 mg devices for a dose: 56 mg -> 2, 84 mg -> 3 (REFERENCE §1.4).

    28 mg (1 device) only when `allow_28` (a non-US / elderly configuration, §1.3).
    """
    allowed = _EXTENDED_DOSES if allow_28 else _US_DOSES
    return require_choice("dose_mg", dose_mg, allowed) // DEVICE_MG


def allowed_esketamine_doses(
    indication: str, previous_doses_mg: Sequence[int], *, allow_28: bool = False
) -> frozenset[int]:
    """Doses allowed for the next esketamine session (REFERENCE §1.3).

    `previous_doses_mg` are this course's doses, oldest first. TRD: the first dose is 56 mg; 84 mg
    only after a 56 mg start. MDSI: 84 mg first, later 84 or 56 mg (reduced for tolerability).
    With `allow_28` (the non-US / elderly SmPC configuration, TRD only): the first dose is 28 or
    56 mg and later doses move from the last one in steps of 28 mg.
    """
    kind = require_choice("indication", indication, ("trd", "mdsi"))
    trd_smpc = allow_28 and kind == "trd"
    history = _previous_doses(previous_doses_mg, _EXTENDED_DOSES if trd_smpc else _US_DOSES)
    if trd_smpc:
        return _smpc_doses(history)
    if kind == "mdsi":
        return frozenset(_US_DOSES if history else {84})
    return frozenset(_US_DOSES if history and history[0] == 56 else {56})


def _previous_doses(doses: Sequence[int], allowed: tuple[int, ...]) -> tuple[int, ...]:
    if isinstance(doses, str) or not isinstance(doses, Sequence):
        raise ClinicalInputError("previous_doses_mg", "must be a list of doses in mg, oldest first")
    return tuple(
        require_choice(f"previous_doses_mg[{index}]", dose, allowed)
        for index, dose in enumerate(doses)
    )


def _smpc_doses(history: tuple[int, ...]) -> frozenset[int]:
    if not history:
        return frozenset({28, 56})
    last = history[-1]
    return frozenset(dose for dose in _EXTENDED_DOSES if abs(dose - last) <= DEVICE_MG)


def ideal_body_weight(height_cm: float, sex: str) -> float:
    """Devine ideal body weight in kg: men 50, women 45.5, + 2.3 kg per inch over 60 inches.

    Below 60 inches nothing is subtracted (the base weight is used): KetaCare's choice, so the
    result never goes below the base weight.
    """
    height = require_number("height_cm", height_cm, 100, 250)
    base = _DEVINE_BASE_KG[require_choice("sex", sex, SEXES)]
    inches_over_60 = max(0.0, height / _CM_PER_INCH - 60)
    return base + _DEVINE_KG_PER_INCH * inches_over_60


def dosing_weight(
    weight_kg: float, *, basis: str, height_cm: float | None = None, sex: str | None = None
) -> float:
    """The weight a weight-based dose uses (REFERENCE §2.1: a clinician-selected basis).

    actual: the measured weight; ideal: Devine; adjusted: ideal + 0.4 x (actual - ideal). Ideal
    and adjusted need `height_cm` and `sex`. Unrounded.
    """
    actual = require_number("weight_kg", weight_kg, 0, 400, low_exclusive=True)
    chosen = require_choice("basis", basis, WEIGHT_BASES)
    if chosen == "actual":
        return actual
    if height_cm is None or sex is None:
        missing = "height_cm" if height_cm is None else "sex"
        raise ClinicalInputError(missing, f"is required for the {chosen} weight basis")
    ideal = ideal_body_weight(height_cm, sex)
    return ideal if chosen == "ideal" else ideal + _ADJUSTED_FACTOR * (actual - ideal)


@dataclass(frozen=True, slots=True)
class Dose:
    """A weight-based dose. `weight_used_kg` is the dosing weight rounded half-up to 0.1 kg;
    `dose_mg` is weight_used_kg x mg_per_kg rounded half-up to 0.1 mg, never above `max_mg`;
    `capped` says the cap lowered it. `notes` carry cautions for the prescriber."""

    dose_mg: float
    weight_used_kg: float
    basis: WeightBasis
    mg_per_kg: float
    uncapped_dose_mg: float
    capped: bool
    max_mg: float | None
    notes: tuple[str, ...] = ()


def weight_based_dose(
    weight_kg: float,
    mg_per_kg: float,
    *,
    basis: str = "actual",
    height_cm: float | None = None,
    sex: str | None = None,
    max_mg: float | None = None,
) -> Dose:
    """Dose = dosing weight x mg/kg, capped at `max_mg` (REFERENCE §2.1).

    `mg_per_kg` is accepted from more than 0 up to 10 (a data-entry limit; the studied ranges
    are in the protocols, e.g. IV 0.1-1.0 mg/kg, oral up to 7 mg/kg, §2.1, §3.2).
    """
    rate = require_number("mg_per_kg", mg_per_kg, 0, 10, low_exclusive=True)
    cap = None if max_mg is None else require_number("max_mg", max_mg, 0, 2000, low_exclusive=True)
    chosen = require_choice("basis", basis, WEIGHT_BASES)
    weight = _round(dosing_weight(weight_kg, basis=chosen, height_cm=height_cm, sex=sex), "0.1")
    raw = _round(weight * rate, "0.1")
    dose = raw if cap is None or raw <= cap else cap
    notes: tuple[str, ...] = ()
    if weight > weight_kg:
        notes = (
            f"The {chosen} weight ({weight:g} kg) is above the actual weight; check the basis.",
        )
    return Dose(
        dose_mg=dose,
        weight_used_kg=weight,
        basis=chosen,
        mg_per_kg=rate,
        uncapped_dose_mg=raw,
        capped=dose < raw,
        max_mg=cap,
        notes=notes,
    )


@dataclass(frozen=True, slots=True)
class Infusion:
    """An IV infusion: rates and volume rounded half-up to 0.01. `notes` carry cautions."""

    dose_mg: float
    minutes: float
    concentration_mg_per_ml: float
    rate_mg_per_h: float
    rate_ml_per_h: float
    volume_ml: float
    notes: tuple[str, ...] = ()


def infusion(dose_mg: float, minutes: float, concentration_mg_per_ml: float) -> Infusion:
    """Rate and volume for giving `dose_mg` over `minutes` at a concentration (REFERENCE §2.1:
    0.5 mg/kg over 40 minutes is the standard IV course)."""
    dose = require_number("dose_mg", dose_mg, 0, 2000, low_exclusive=True)
    duration = require_number("minutes", minutes, 0, 24 * 60, low_exclusive=True)
    strength = require_number(
        "concentration_mg_per_ml", concentration_mg_per_ml, 0, 100, low_exclusive=True
    )
    notes: tuple[str, ...] = ()
    if strength >= 100:
        notes = ("100 mg/mL ketamine must be diluted before IV use (REFERENCE §2.1).",)
    return Infusion(
        dose_mg=dose,
        minutes=duration,
        concentration_mg_per_ml=strength,
        rate_mg_per_h=_round(dose * 60 / duration, "0.01"),
        rate_ml_per_h=_round(dose / strength * 60 / duration, "0.01"),
        volume_ml=_round(dose / strength, "0.01"),
        notes=notes,
    )


def infused_mg(dose_mg: float, minutes: float, running_minutes: float) -> float:
    """What an infusion of `dose_mg` over `minutes` at its constant rate (REFERENCE §2.1) has
    given after running `running_minutes` (its pauses left out), to 0.01 mg: the whole dose
    once it has run its time, so an infusion stopped early leaves the rest in the bag."""
    dose = require_number("dose_mg", dose_mg, 0, 2000, low_exclusive=True)
    duration = require_number("minutes", minutes, 0, 24 * 60, low_exclusive=True)
    running = require_number("running_minutes", running_minutes, 0, 7 * 24 * 60)
    return _round(dose * min(running, duration) / duration, "0.01")


def _round(value: float, step: str) -> float:
    return float(Decimal(repr(value)).quantize(Decimal(step), rounding=ROUND_HALF_UP))


def weight_age_days(measured_on: dt.date, today: dt.date) -> int:
    """Whole days from the weighing to `today` (both the clinic's dates): 0 for today."""
    if measured_on > today:
        raise ClinicalInputError("measured_on", f"{measured_on} is after today ({today})")
    return (today - measured_on).days


def stale_weight_finding(
    measured_on: dt.date, today: dt.date, *, max_age_days: int
) -> Finding | None:
    """A warning when a weight-based dose would use a weight older than the protocol allows
    (REFERENCE §2.1 doses by weight and leaves its recency to the clinic: the protocol setting
    `weight_max_age_days`). A weight exactly `max_age_days` old is still current. The warning
    needs the clinician's acknowledgement, or a fresh weight, before the dose is recorded."""
    limit = require_int("weight_max_age_days", max_age_days, 1, WEIGHT_MAX_AGE_LIMIT_DAYS)
    age = weight_age_days(measured_on, today)
    if age <= limit:
        return None
    message = (
        f"The weight was measured {age} days ago ({measured_on:%Y-%m-%d}); this protocol "
        f"asks for one at most {limit} days old. Weigh the patient, or acknowledge it."
    )
    source = f"{ref('2.1')}; protocol setting weight_max_age_days"
    return Finding("weight_stale", "warning", message, source, "weight_acknowledged")
