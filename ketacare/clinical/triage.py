"""Suicide triage across the C-SSRS Screener and the scales' suicide items (REFERENCE §6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ketacare.clinical.errors import ClinicalInputError, require_int
from ketacare.clinical.scoring import Answer, Score, score
from ketacare.clinical.suicide import (
    RiskLevel,
    TriageSettings,
    higher_risk,
    item_flags,
    item_level,
)

__all__ = ["Triage", "suicide_triage"]

_ITEM_ACTIONS = {
    "cssrs_indicated": "Administer the C-SSRS Screener today.",
    "suicidal_ideation": (
        "Document a same-day response before the patient sees the clinician; the clinician "
        "acknowledges before the session starts."
    ),
    "priority_escalation": "Priority escalation: PHQ-9 item 9 is at the escalation threshold.",
}

_ITEMS = (
    ("phq9", "phq9_item9", 3, "PHQ-9 item 9", "REFERENCE §6.2"),
    ("qids_sr16", "qids_item12", 3, "QIDS-SR16 item 12", "REFERENCE §4.4"),
    ("madrs", "madrs_item10", 6, "MADRS item 10", "REFERENCE §4.5"),
)


@dataclass(frozen=True, slots=True)
class Triage:
    """The combined suicide-risk triage.

    `level` is the highest level any input gives. `blocks_dosing` is True at "high" (no session
    starts). `requires_acknowledgement` is True at any level above "none" (a clinician
    acknowledges before a session starts, §6.2). `cssrs_indicated` is True when an item calls for
    the C-SSRS Screener and none was given. `actions` are the §6 actions as text; `reasons` say
    which input gave what.
    """

    level: RiskLevel
    blocks_dosing: bool
    requires_acknowledgement: bool
    cssrs_indicated: bool
    actions: tuple[str, ...]
    reasons: tuple[str, ...]
    sources: tuple[str, ...]


def suicide_triage(
    *,
    cssrs: Score | Mapping[str, Answer] | None = None,
    phq9_item9: int | None = None,
    qids_item12: int | None = None,
    madrs_item10: int | None = None,
    settings: TriageSettings | None = None,
) -> Triage:
    """Triage suicide risk from whatever was measured (REFERENCE §6.1, §6.2, §4.4, §4.5).

    `cssrs` is a scored C-SSRS Screener or its answers. At least one input is required: no data
    is not "no risk".
    """
    s = settings or TriageSettings()
    values = {"phq9_item9": phq9_item9, "qids_item12": qids_item12, "madrs_item10": madrs_item10}
    if cssrs is None and all(value is None for value in values.values()):
        raise ClinicalInputError(
            "suicide_triage", "give at least one of cssrs, phq9_item9, qids_item12, madrs_item10"
        )
    level: RiskLevel = "none"
    reasons: list[str] = []
    sources: list[str] = []
    flags: set[str] = set()
    if cssrs is not None:
        risk = _cssrs_risk(cssrs, s)
        level = risk
        reasons.append(f"C-SSRS Screener: {risk} risk")
        sources.append("REFERENCE §6.1")
    for instrument, name, high, label, source in _ITEMS:
        if values[name] is None:
            continue
        value = require_int(name, values[name], 0, high)
        item_risk = item_level(instrument, value, s)
        level = higher_risk(level, item_risk)
        flags |= item_flags(instrument, value, s)
        reasons.append(f"{label} = {value}: {item_risk} risk")
        sources.append(source)
    return _triage(s, level, flags, cssrs is None, reasons, sources)


def _cssrs_risk(cssrs: Score | Mapping[str, Answer], settings: TriageSettings) -> RiskLevel:
    scored = (
        cssrs if isinstance(cssrs, Score) else score("cssrs_screener", cssrs, settings=settings)
    )
    if scored.risk is None:
        raise ClinicalInputError(
            "cssrs", f"is a {scored.instrument} score; expected cssrs_screener"
        )
    return scored.risk


def _triage(
    settings: TriageSettings,
    level: RiskLevel,
    flags: set[str],
    no_cssrs: bool,
    reasons: list[str],
    sources: list[str],
) -> Triage:
    if not no_cssrs:
        flags = flags - {"cssrs_indicated"}
    item_actions = tuple(text for flag, text in _ITEM_ACTIONS.items() if flag in flags)
    return Triage(
        level=level,
        blocks_dosing=level == "high",
        requires_acknowledgement=level != "none",
        cssrs_indicated="cssrs_indicated" in flags,
        actions=(*settings.level_actions[level], *item_actions),
        reasons=tuple(reasons),
        sources=tuple(dict.fromkeys(sources)),
    )
