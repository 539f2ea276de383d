"""Session safety rules: the pre-dose check, in-session vital signs and discharge readiness
(REFERENCE §1.5-§1.7, §1.11, §2.4, §2.6)."""

from __future__ import annotations

from dataclasses import dataclass

from ketacare.clinical.errors import ClinicalInputError, require_bool, require_int, require_number
from ketacare.clinical.findings import Finding, ref
from ketacare.clinical.routes import ESKETAMINE, check_route
from ketacare.clinical.vitals import (
    ESKETAMINE_PRE_DOSE_BP,
    UNITS,
    VITAL_LABELS,
    VITAL_NAMES,
    Vitals,
    VitalThresholds,
)

__all__ = [
    "ESKETAMINE_MIN_OBSERVATION_MIN",
    "Readiness",
    "discharge_readiness",
    "evaluate_vitals",
    "pre_dose_check",
]

ESKETAMINE_MIN_OBSERVATION_MIN = 120  # REFERENCE §1.6, §1.7, §1.11: at least 2 hours
_NO_LIMITS = VitalThresholds()
_PROTOCOL = "protocol vital-sign thresholds (REFERENCE §2.6)"


def pre_dose_check(
    route: str, vitals: Vitals, *, thresholds: VitalThresholds | None = None
) -> list[Finding]:
    """Check readings taken before a dose.

    Every route: a missing BP is a warning (REFERENCE §1.5, §2.4). Esketamine: BP above 140/90 is
    a warning to weigh delaying the dose (REFERENCE §1.5), whatever `thresholds` say. Any route:
    each breach of the protocol's `thresholds` is a warning (REFERENCE §2.6; empty by default).
    """
    checked = check_route(route)
    _require_vitals("vitals", vitals)
    findings = []
    if vitals.sbp is None or vitals.dbp is None:
        findings.append(
            Finding(
                "bp_not_recorded",
                "warning",
                "Pre-dose blood pressure is not recorded: measure it before dosing.",
                ref("1.5") if checked == ESKETAMINE else ref("2.4"),
                field="sbp" if vitals.sbp is None else "dbp",
            )
        )
    if checked == ESKETAMINE:
        findings.extend(_esketamine_bp(vitals))
    findings.extend(_breaches(vitals, thresholds or _NO_LIMITS, "pre-dose"))
    return findings


def evaluate_vitals(
    route: str,
    reading: Vitals,
    *,
    thresholds: VitalThresholds | None = None,
    moaas: int | None = None,
    baseline: Vitals | None = None,
) -> list[Finding]:
    """Check one in-session reading against the protocol's limits (REFERENCE §2.6).

    Each breach of `thresholds` (empty by default, so nothing is flagged) is a warning; a limit
    whose vital was not recorded is an info. MOAA/S 0 (loss of consciousness, §1.9, §4.8) is
    always a warning; below `thresholds.moaas_min` too. Esketamine with a pre-dose `baseline`:
    a rise of >= 40 mmHg systolic or >= 25 mmHg diastolic, the label's measure of a large rise
    (§1.5), is a warning.
    """
    checked = check_route(route)
    _require_vitals("reading", reading)
    limits = thresholds or _NO_LIMITS
    findings = _breaches(reading, limits, "in-session")
    if moaas is not None:
        findings.extend(_sedation(require_int("moaas", moaas, 0, 5), limits))
    if baseline is not None and checked == ESKETAMINE:
        _require_vitals("baseline", baseline)
        findings.extend(_bp_rise(baseline, reading))
    return findings


@dataclass(frozen=True, slots=True)
class Readiness:
    """Whether a patient may leave.

    `missing` holds codes of what still stands in the way ("observation_time", "sedation_score",
    "sedation_not_resolved", "dissociation_not_resolved", "vitals_acceptable",
    "clinician_confirmation"); `messages` say the same for the clinician. `advice` is what to
    tell the patient on leaving.
    """

    ready: bool
    missing: tuple[str, ...]
    messages: tuple[str, ...]
    minutes_remaining: float
    min_observation_min: int
    advice: tuple[str, ...]
    sources: tuple[str, ...]


def discharge_readiness(
    route: str,
    *,
    minutes_since_dose: float,
    latest_moaas: int | None,
    vitals_acceptable: bool,
    clinician_confirms: bool,
    dissociation_resolved: bool | None = None,
    min_observation_min: int | None = None,
    required_moaas: int = 5,
) -> Readiness:
    """Decide whether discharge may proceed (REFERENCE §1.6, §1.7, §1.11, §2.4).

    Esketamine needs >= 120 minutes since the dose (a protocol may ask for more, never less).
    Every route needs: the protocol's minimum observation time (`min_observation_min`, default
    none for ketamine routes), MOAA/S back to `required_moaas` (5, alert, by default: sedation
    resolved), dissociation resolved when it was assessed, acceptable vital signs, and the
    clinician's confirmation.
    """
    checked = check_route(route)
    minutes = require_number("minutes_since_dose", minutes_since_dose, 0, 7 * 24 * 60)
    minimum = _min_observation(checked, min_observation_min)
    required = require_int("required_moaas", required_moaas, 0, 5)
    gaps = [
        *_observation_gap(minutes, minimum),
        *_sedation_gap(latest_moaas, required),
        *_flag_gaps(vitals_acceptable, clinician_confirms, dissociation_resolved),
    ]
    return Readiness(
        ready=not gaps,
        missing=tuple(code for code, _ in gaps),
        messages=tuple(message for _, message in gaps),
        minutes_remaining=max(0.0, minimum - minutes),
        min_observation_min=minimum,
        advice=_ESKETAMINE_ADVICE if checked == ESKETAMINE else (),
        sources=(ref("1.6", "1.7", "1.11"),) if checked == ESKETAMINE else (ref("2.4"),),
    )


_ESKETAMINE_ADVICE = (
    "Do not drive or operate machinery until the next day after a restful sleep.",
    "Someone else must drive the patient home.",
)

_Gap = tuple[str, str]


def _require_vitals(name: str, value: object) -> None:
    if not isinstance(value, Vitals):
        raise ClinicalInputError(name, "must be a Vitals reading")


def _esketamine_bp(vitals: Vitals) -> list[Finding]:
    sbp_max, dbp_max = ESKETAMINE_PRE_DOSE_BP
    sbp_high = vitals.sbp is not None and vitals.sbp > sbp_max
    dbp_high = vitals.dbp is not None and vitals.dbp > dbp_max
    if not (sbp_high or dbp_high):
        return []
    message = (
        f"BP {_bp(vitals)} mmHg is above {sbp_max}/{dbp_max}: weigh the "
        "short-term rise in blood pressure against the benefit and consider delaying the dose."
    )
    field = "sbp" if sbp_high else "dbp"
    return [Finding("esketamine_bp_above_140_90", "warning", message, ref("1.5"), field=field)]


def _bp(vitals: Vitals) -> str:
    return "/".join("?" if value is None else f"{value:g}" for value in (vitals.sbp, vitals.dbp))


def _breaches(vitals: Vitals, thresholds: VitalThresholds, when: str) -> list[Finding]:
    findings = []
    for name in VITAL_NAMES:
        low, high = thresholds.limits(name)
        value = getattr(vitals, name)
        label, unit = VITAL_LABELS[name], UNITS[name]
        if value is None:
            if low is not None or high is not None:
                message = f"{label} is not recorded, so its {when} limit was not checked."
                findings.append(Finding(f"{name}_not_recorded", "info", message, _PROTOCOL, name))
        elif low is not None and value < low:
            message = f"{label} {value:g} {unit} is below the {when} minimum of {low:g} {unit}."
            findings.append(Finding(f"{name}_below_min", "warning", message, _PROTOCOL, name))
        elif high is not None and value > high:
            message = f"{label} {value:g} {unit} is above the {when} maximum of {high:g} {unit}."
            findings.append(Finding(f"{name}_above_max", "warning", message, _PROTOCOL, name))
    return findings


def _sedation(moaas: int, thresholds: VitalThresholds) -> list[Finding]:
    if moaas == 0:
        message = "MOAA/S 0: no response to a painful stimulus (loss of consciousness)."
        return [Finding("loss_of_consciousness", "warning", message, ref("1.9", "4.8"), "moaas")]
    if thresholds.moaas_min is not None and moaas < thresholds.moaas_min:
        message = f"MOAA/S {moaas} is below the protocol minimum of {thresholds.moaas_min}."
        return [Finding("moaas_below_min", "warning", message, _PROTOCOL, "moaas")]
    return []


def _bp_rise(baseline: Vitals, reading: Vitals) -> list[Finding]:
    rises = [
        (name, rise, after - before)
        for name, rise, before, after in (
            ("sbp", 40, baseline.sbp, reading.sbp),
            ("dbp", 25, baseline.dbp, reading.dbp),
        )
        if before is not None and after is not None and after - before >= rise
    ]
    if not rises:
        return []
    message = (
        f"BP {_bp(reading)} mmHg has risen from {_bp(baseline)} mmHg before the dose "
        "(>= 40 mmHg systolic and/or >= 25 mmHg diastolic): re-check and follow the protocol."
    )
    return [Finding("esketamine_bp_rise", "warning", message, ref("1.5"), rises[0][0])]


def _min_observation(route: str, requested: int | None) -> int:
    if route != ESKETAMINE:
        return 0 if requested is None else require_int("min_observation_min", requested, 0, 1440)
    if requested is None:
        return ESKETAMINE_MIN_OBSERVATION_MIN
    return require_int("min_observation_min", requested, ESKETAMINE_MIN_OBSERVATION_MIN, 1440)


def _observation_gap(minutes: float, minimum: int) -> list[_Gap]:
    if minutes >= minimum:
        return []
    return [
        (
            "observation_time",
            f"Observation time {minutes:g} min is less than the minimum of {minimum} min.",
        )
    ]


def _sedation_gap(moaas: int | None, required: int) -> list[_Gap]:
    if moaas is None:
        return [("sedation_score", "No MOAA/S sedation score is recorded.")]
    if require_int("latest_moaas", moaas, 0, 5) < required:
        return [("sedation_not_resolved", f"MOAA/S {moaas} is below {required}: still sedated.")]
    return []


def _flag_gaps(vitals_ok: bool, confirmed: bool, dissociation_ok: bool | None) -> list[_Gap]:
    gaps = []
    if dissociation_ok is not None and not require_bool("dissociation_resolved", dissociation_ok):
        gaps.append(("dissociation_not_resolved", "Dissociation has not resolved."))
    if not require_bool("vitals_acceptable", vitals_ok):
        gaps.append(("vitals_acceptable", "Vital signs are not confirmed to be acceptable."))
    if not require_bool("clinician_confirms", confirmed):
        gaps.append(
            ("clinician_confirmation", "A clinician has not confirmed the patient is stable.")
        )
    return gaps
