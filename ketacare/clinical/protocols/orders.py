"""Checking a course's dose order against its protocol (REFERENCE §1.3, §2.1, §3.2).

An order a rule refuses outright (a dose no device can give, a rate outside the data-entry
limits, the wrong kind of order for the protocol) raises ClinicalInputError. An order outside
what the protocol or the label allows next is returned as warnings: the prescriber may still
sign it, with a written reason (DESIGN: warnings need an override with a reason).
"""

from __future__ import annotations

from collections.abc import Sequence

from ketacare.clinical.dosing import allowed_esketamine_doses
from ketacare.clinical.errors import ClinicalInputError, require_choice, require_int, require_number
from ketacare.clinical.findings import Finding, ref
from ketacare.clinical.protocols.model import DoseRule, Protocol

__all__ = ["dose_order_findings"]

_ESKETAMINE_DEVICE_DOSES = (28, 56, 84)  # REFERENCE §1.3, §1.4: whole 28 mg devices


def dose_order_findings(
    protocol: Protocol,
    *,
    dose_mg_per_kg: float | None = None,
    max_dose_mg: float | None = None,
    fixed_dose_mg: int | None = None,
    indication: str | None = None,
    previous_doses_mg: Sequence[int] = (),
) -> tuple[Finding, ...]:
    """Warnings for a dose order on `protocol`; raises for an order that cannot be given.

    Weight-based protocols take `dose_mg_per_kg` (and a cap `max_dose_mg`); fixed-dose ones take
    `fixed_dose_mg`. Esketamine also needs `indication` ("trd"/"mdsi") and the course's earlier
    doses, oldest first: the label decides the doses allowed next (28 mg only when the protocol
    allows it, the non-US / elderly configuration).
    """
    rule = protocol.dose_rule
    if rule.kind == "weight_based":
        _only("fixed_dose_mg", fixed_dose_mg, "a weight-based protocol takes dose_mg_per_kg")
        return _weight_based(rule, dose_mg_per_kg, max_dose_mg)
    _only("dose_mg_per_kg", dose_mg_per_kg, "a fixed-dose protocol takes fixed_dose_mg")
    _only("max_dose_mg", max_dose_mg, "a fixed-dose protocol takes fixed_dose_mg")
    if fixed_dose_mg is None:
        raise ClinicalInputError("fixed_dose_mg", "is required for a fixed-dose protocol")
    if protocol.drug == "esketamine":
        return _esketamine(rule, fixed_dose_mg, indication, previous_doses_mg)
    dose = require_int("fixed_dose_mg", fixed_dose_mg, 1, 2000)
    if dose in rule.allowed_mg:
        return ()
    allowed = ", ".join(f"{mg} mg" for mg in rule.allowed_mg)
    message = f"{dose} mg is not a dose of this protocol (allowed: {allowed})."
    return (Finding("dose_not_in_protocol", "warning", message, rule.source, "fixed_dose_mg"),)


def _only(field: str, value: object, message: str) -> None:
    if value is not None:
        raise ClinicalInputError(field, message)


def _weight_based(
    rule: DoseRule, mg_per_kg: float | None, max_mg: float | None
) -> tuple[Finding, ...]:
    if mg_per_kg is None:
        raise ClinicalInputError("dose_mg_per_kg", "is required for a weight-based protocol")
    rate = require_number("dose_mg_per_kg", mg_per_kg, 0, 10, low_exclusive=True)
    cap = (
        None
        if max_mg is None
        else require_number("max_dose_mg", max_mg, 0, 2000, low_exclusive=True)
    )
    findings = []
    if rule.mg_per_kg_range and not rule.mg_per_kg_range[0] <= rate <= rule.mg_per_kg_range[1]:
        low, high = rule.mg_per_kg_range
        message = f"{rate:g} mg/kg is outside this protocol's range of {low:g}-{high:g} mg/kg."
        findings.append(
            Finding(
                "dose_outside_protocol_range", "warning", message, rule.source, "dose_mg_per_kg"
            )
        )
    if rule.max_mg is not None and (cap is None or cap > rule.max_mg):
        shown = "no cap" if cap is None else f"a cap of {cap:g} mg"
        message = f"The order has {shown}; this protocol caps a dose at {rule.max_mg:g} mg."
        findings.append(
            Finding("cap_above_protocol", "warning", message, rule.source, "max_dose_mg")
        )
    return tuple(findings)


def _esketamine(
    rule: DoseRule, dose_mg: int, indication: str | None, previous: Sequence[int]
) -> tuple[Finding, ...]:
    allow_28 = 28 in rule.allowed_mg
    devices = _ESKETAMINE_DEVICE_DOSES if allow_28 else _ESKETAMINE_DEVICE_DOSES[1:]
    dose = require_choice("fixed_dose_mg", dose_mg, devices)
    if indication is None:
        raise ClinicalInputError("indication", "is required for esketamine: 'trd' or 'mdsi'")
    allowed = allowed_esketamine_doses(indication, previous, allow_28=allow_28)
    if dose in allowed:
        return ()
    listed = " or ".join(f"{mg} mg" for mg in sorted(allowed))
    when = "first" if not previous else "next"
    message = (
        f"{dose} mg is not allowed as the {when} esketamine dose for {indication.upper()}: "
        f"the label allows {listed}."
    )
    return (
        Finding("esketamine_dose_not_allowed", "warning", message, ref("1.3"), "fixed_dose_mg"),
    )
