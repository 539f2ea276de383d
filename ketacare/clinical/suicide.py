"""Suicide-risk rules (REFERENCE §6): C-SSRS Screener risk levels and the suicide items of the
PHQ-9, QIDS-SR16 and MADRS. The thresholds the reference marks [UNVERIFIED] are settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, NamedTuple

from ketacare.clinical.errors import ClinicalInputError, require_int

__all__ = [
    "ALERT_LEVELS",
    "CSSRS_FIXED_HIGH",
    "LEVEL_ACTIONS",
    "REPORTED_THOUGHTS",
    "RISK_LEVELS",
    "AlertLevel",
    "RiskLevel",
    "TriageSettings",
    "alert_level",
    "cssrs_risk",
    "higher_risk",
    "item_flags",
    "item_level",
    "reported_thoughts_level",
]

RiskLevel = Literal["none", "low", "moderate", "high"]
AlertLevel = Literal["alert", "urgent"]
ALERT_LEVELS: tuple[AlertLevel, ...] = ("alert", "urgent")
RISK_LEVELS: tuple[RiskLevel, ...] = ("none", "low", "moderate", "high")

# Columbia's own imminent/high-risk anchors ([V-REG], §6.1): Q4 or Q5 yes in the past month, or
# suicidal behaviour in the past 3 months. A clinic may add to them but never remove them.
CSSRS_FIXED_HIGH = frozenset({"4", "5", "6a"})
_CSSRS_IDS = frozenset({"1", "2", "3", "4", "5", "6", "6a"})

# Default actions per level: the suggested mapping of REFERENCE §6.1.
LEVEL_ACTIONS: Mapping[RiskLevel, tuple[str, ...]] = MappingProxyType(
    {
        "high": (
            "Stop the dosing workflow: do not start a ketamine or esketamine session.",
            "Do not leave the patient alone.",
            "Immediate clinician/psychiatrist evaluation; consider the emergency department or "
            "hospitalisation.",
            "Document a safety plan.",
            "Esketamine does not replace hospitalisation when it is clinically warranted, and its "
            "efficacy in preventing suicide is not established.",
        ),
        "moderate": (
            "Same-day clinician review.",
            "Safety plan.",
            "Consider extra precautions before the session.",
        ),
        "low": (
            "Clinician review.",
            "Safety-planning resources.",
            "Crisis-line information.",
            "Routine follow-up.",
        ),
        "none": ("Routine care.",),
    }
)


@dataclass(frozen=True, slots=True)
class TriageSettings:
    """Clinic settings for suicide-risk rules, defaulting to the reference's suggestions.

    Item thresholds ("flag" = the suicide item counts as positive, REFERENCE §4.4, §4.5, §6.2):
    PHQ-9 item 9 >= 1, escalation >= 2 (§6.2); QIDS-SR16 item 12 >= 1, C-SSRS at >= 2 (§4.4,
    [UNVERIFIED]); MADRS item 10 >= 4 (§4.5, [UNVERIFIED]). C-SSRS levels: the suggested
    three-level mapping of §6.1 ([UNVERIFIED] as an official table); a "Yes" to any question in a
    set gives that level, the highest level wins. "6" means behaviour ever (6a No), "6a" means
    behaviour within 3 months. `level_actions` are the default actions per level (§6.1).
    """

    phq9_item9_flag_min: int = 1
    phq9_item9_escalate_min: int = 2
    qids_item12_flag_min: int = 1
    qids_item12_cssrs_min: int = 2
    madrs_item10_flag_min: int = 4
    cssrs_high: frozenset[str] = field(default=CSSRS_FIXED_HIGH)
    cssrs_moderate: frozenset[str] = field(default=frozenset({"3", "6"}))
    cssrs_low: frozenset[str] = field(default=frozenset({"1", "2"}))
    level_actions: Mapping[RiskLevel, tuple[str, ...]] = field(
        default_factory=lambda: LEVEL_ACTIONS, hash=False
    )

    def __post_init__(self) -> None:
        require_int("phq9_item9_flag_min", self.phq9_item9_flag_min, 1, 3)
        require_int("phq9_item9_escalate_min", self.phq9_item9_escalate_min, 1, 3)
        require_int("qids_item12_flag_min", self.qids_item12_flag_min, 1, 3)
        require_int("qids_item12_cssrs_min", self.qids_item12_cssrs_min, 1, 3)
        require_int("madrs_item10_flag_min", self.madrs_item10_flag_min, 1, 6)
        for name in ("cssrs_high", "cssrs_moderate", "cssrs_low"):
            unknown = set(getattr(self, name)) - _CSSRS_IDS
            if unknown:
                allowed = ", ".join(sorted(_CSSRS_IDS))
                raise ClinicalInputError(name, f"unknown questions {sorted(unknown)}; {allowed}")
        missing = [level for level in RISK_LEVELS if level not in self.level_actions]
        if missing:
            raise ClinicalInputError("level_actions", f"needs actions for levels {missing}")
        if not self.cssrs_high >= CSSRS_FIXED_HIGH:
            raise ClinicalInputError(
                "cssrs_high", "must include questions 4, 5 and 6a (Columbia's high-risk anchors)"
            )


def higher_risk(first: RiskLevel, second: RiskLevel) -> RiskLevel:
    """The higher of two risk levels."""
    return max(first, second, key=RISK_LEVELS.index)


def cssrs_risk(answers: Mapping[str, bool], settings: TriageSettings) -> RiskLevel:
    """Risk level of validated C-SSRS Screener answers (REFERENCE §6.1)."""
    yes = {item for item, answer in answers.items() if answer}
    if yes & settings.cssrs_high:
        return "high"
    if yes & settings.cssrs_moderate:
        return "moderate"
    if yes & settings.cssrs_low:
        return "low"
    return "none"


class _ItemRule(NamedTuple):
    flag_min: int
    cssrs_min: int
    moderate_min: int
    escalate_min: int | None


def item_flags(instrument: str, value: int, settings: TriageSettings) -> frozenset[str]:
    """Flags raised by a suicide item (PHQ-9 item 9, QIDS-SR16 item 12, MADRS item 10).

    "suicidal_ideation": the item is positive; "cssrs_indicated": follow with the C-SSRS
    Screener; "priority_escalation": PHQ-9 item 9 at the escalation threshold (§6.2).
    """
    rule = _item_rule(instrument, settings)
    flags = {
        flag
        for flag, threshold in (
            ("suicidal_ideation", rule.flag_min),
            ("cssrs_indicated", rule.cssrs_min),
            ("priority_escalation", rule.escalate_min),
        )
        if threshold is not None and value >= threshold
    }
    return frozenset(flags)


def item_level(instrument: str, value: int, settings: TriageSettings) -> RiskLevel:
    """Risk level suggested by a suicide item alone (a KetaCare convention, see docs/clinical.md).

    A positive item is "low"; PHQ-9 item 9 at the escalation threshold, QIDS-SR16 item 12 at the
    C-SSRS threshold and a positive MADRS item 10 are "moderate". A single item never reaches
    "high": that takes the C-SSRS.
    """
    rule = _item_rule(instrument, settings)
    if value >= rule.moderate_min:
        return "moderate"
    return "low" if value >= rule.flag_min else "none"


def _item_rule(instrument: str, settings: TriageSettings) -> _ItemRule:
    if instrument == "phq9":
        flag, escalate = settings.phq9_item9_flag_min, settings.phq9_item9_escalate_min
        return _ItemRule(flag, flag, escalate, escalate)
    if instrument == "qids_sr16":
        flag, cssrs = settings.qids_item12_flag_min, settings.qids_item12_cssrs_min
        return _ItemRule(flag, cssrs, cssrs, None)
    flag = settings.madrs_item10_flag_min
    return _ItemRule(flag, flag, flag, None)


def alert_level(instrument: str, value: int, settings: TriageSettings) -> AlertLevel | None:
    """The suicide-risk alert a suicide item raises between sessions (REFERENCE §6.2).

    A positive item (PHQ-9 item 9 >= 1, QIDS-SR16 item 12 >= 1, MADRS item 10 >= 4 by default)
    is an "alert": a documented same-day response and a C-SSRS Screener. PHQ-9 item 9 at the
    escalation threshold (>= 2 by default) is "urgent", the reference's priority escalation.
    """
    flags = item_flags(instrument, value, settings)
    if "priority_escalation" in flags:
        return "urgent"
    return "alert" if "suicidal_ideation" in flags else None


# A clinician's risk check in a therapy session (REFERENCE §6.1, §6.2): what the patient
# reported of suicidal thoughts since the session before.
ReportedThoughts = Literal["none", "thoughts", "intent_or_plan"]
REPORTED_THOUGHTS: tuple[ReportedThoughts, ...] = ("none", "thoughts", "intent_or_plan")


def reported_thoughts_level(reported: str) -> AlertLevel | None:
    """The suicide-risk alert a clinician's risk check raises.

    Suicidal thoughts reported are a positive suicide item, an "alert" as PHQ-9 item 9 >= 1
    is (§6.2: a documented same-day response and a C-SSRS Screener). Thoughts with intent or
    a plan are the Screener's own high-risk answers (§6.1, Q4 or Q5), so "urgent".
    """
    if reported not in REPORTED_THOUGHTS:
        raise ClinicalInputError("risk_check", f"must be one of {', '.join(REPORTED_THOUGHTS)}")
    levels: dict[str, AlertLevel | None] = {
        "none": None,
        "thoughts": "alert",
        "intent_or_plan": "urgent",
    }
    return levels[reported]
