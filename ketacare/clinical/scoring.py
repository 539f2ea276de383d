"""Scoring of rating scales (REFERENCE §4): validation, totals, severity bands, suicide flags."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ketacare.clinical.errors import ClinicalInputError, require_bool, require_int
from ketacare.clinical.scales import Instrument, Item, Scale, get_scale
from ketacare.clinical.scales.cssrs import ASKED_WHEN
from ketacare.clinical.scales.qids_sr16 import DOMAINS, ONE_OF
from ketacare.clinical.suicide import RiskLevel, TriageSettings, cssrs_risk, item_flags

__all__ = ["Answer", "Score", "score"]

Answer = int | bool


@dataclass(frozen=True, slots=True)
class Score:
    """A scored questionnaire.

    `total` is None for the C-SSRS Screener (it gives a risk level, not a sum). `severity` is the
    snake_case band name of REFERENCE §4 (None for unbanded scales: C-SSRS, CADSS-6). `flags`
    holds e.g. "suicidal_ideation". `risk` is the C-SSRS level (None for other scales).
    `answers` are the validated answers in form order; `subscores` the QIDS-SR16 domains.
    """

    instrument: Instrument
    total: int | None
    severity: str | None
    flags: frozenset[str]
    risk: RiskLevel | None = None
    severity_label: str | None = None
    answers: tuple[tuple[str, Answer], ...] = ()
    subscores: tuple[tuple[str, int], ...] = ()
    source: str = ""


def score(
    instrument: str, answers: Mapping[str, Answer], *, settings: TriageSettings | None = None
) -> Score:
    """Score `answers` (item id -> value) on `instrument` (REFERENCE §4, flags per §6).

    Raises ClinicalInputError for an unknown instrument or item, a value out of range, a missing
    required item, or an answer the skip logic forbids.
    """
    scale = get_scale(instrument)
    values = _validated(scale, answers)
    return _SCORERS[scale.code](scale, values, settings or TriageSettings())


def _validated(scale: Scale, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    if not isinstance(answers, Mapping):
        raise ClinicalInputError("answers", "must map item ids (e.g. '1') to answers")
    known = {item.id: item for item in scale.items}
    for item_id in answers:
        if item_id not in known:
            allowed = ", ".join(known)
            raise ClinicalInputError(
                "answers", f"unknown item {item_id!r} for {scale.code}; items: {allowed}"
            )
    # Every missing item is named at once, so a form can mark them all in one go.
    missing = [item.id for item in scale.items if item.required and item.id not in answers]
    if len(missing) == 1:
        raise ClinicalInputError(f"item {missing[0]}", f"is required for {scale.code}")
    if missing:
        raise ClinicalInputError(f"items {'/'.join(missing)}", f"are required for {scale.code}")
    return {item.id: _value(item, answers[item.id]) for item in scale.items if item.id in answers}


def _value(item: Item, value: object) -> Answer:
    if item.kind == "boolean":
        return require_bool(f"item {item.id}", value)
    return require_int(f"item {item.id}", value, item.minimum, item.maximum)


def _banded(
    scale: Scale,
    values: Mapping[str, Answer],
    total: int,
    flags: frozenset[str],
    subscores: tuple[tuple[str, int], ...] = (),
) -> Score:
    band = scale.band(total)
    return Score(
        instrument=scale.code,
        total=total,
        severity=None if band is None else band.name,
        severity_label=None if band is None else band.label,
        flags=flags,
        answers=tuple(values.items()),
        subscores=subscores,
        source=scale.source,
    )


def _suicide_flags(scale: Scale, values: Mapping[str, Answer], s: TriageSettings) -> frozenset[str]:
    if scale.suicide_item is None:
        return frozenset()
    return item_flags(scale.code, int(values[scale.suicide_item]), s)


def _sum_scale(scale: Scale, values: Mapping[str, Answer], s: TriageSettings) -> Score:
    """PHQ-9, GAD-7, MADRS, CADSS-6: the sum of the scored items (§4.2, §4.3, §4.5, §4.7)."""
    total = sum(int(values[item.id]) for item in scale.items if item.scored)
    return _banded(scale, values, total, _suicide_flags(scale, values, s))


def _moaas(scale: Scale, values: Mapping[str, Answer], s: TriageSettings) -> Score:
    """MOAA/S: the single score; 0 is loss of consciousness (§4.8, §1.9)."""
    total = int(values["1"])
    flags = frozenset({"loss_of_consciousness"}) if total == 0 else frozenset()
    return _banded(scale, values, total, flags)


def _qids(scale: Scale, values: Mapping[str, Answer], s: TriageSettings) -> Score:
    """QIDS-SR16: nine domains, each the highest of its answered items (§4.4)."""
    for first, second in ONE_OF:
        answered = [item for item in (first, second) if item in values]
        if len(answered) != 1:
            problem = "answer only one of" if answered else "answer one of"
            raise ClinicalInputError(
                f"items {first}/{second}", f"{problem} items {first} and {second}"
            )
    subscores = tuple(
        (domain, max(int(values[item]) for item in items if item in values))
        for domain, items in DOMAINS
    )
    total = sum(points for _, points in subscores)
    return _banded(scale, values, total, _suicide_flags(scale, values, s), subscores)


def _cssrs(scale: Scale, values: Mapping[str, Answer], s: TriageSettings) -> Score:
    """C-SSRS Screener: skip logic (§4.6), then a risk level (§6.1); no total, no band."""
    for item, parent in ASKED_WHEN.items():
        asked = values[parent] is True
        if asked and item not in values:
            raise ClinicalInputError(f"item {item}", f"is required when item {parent} is Yes")
        if not asked and item in values:
            raise ClinicalInputError(f"item {item}", f"is asked only when item {parent} is Yes")
    flags = {
        flag
        for flag, items in (
            ("suicidal_ideation", ("1", "2", "3", "4", "5")),
            ("suicidal_behavior", ("6",)),
            ("recent_suicidal_behavior", ("6a",)),
        )
        if any(values.get(item) is True for item in items)
    }
    return Score(
        instrument=scale.code,
        total=None,
        severity=None,
        flags=frozenset(flags),
        risk=cssrs_risk({k: bool(v) for k, v in values.items()}, s),
        answers=tuple(values.items()),
        source=scale.source,
    )


_Scorer = Callable[[Scale, Mapping[str, Answer], TriageSettings], Score]
_SCORERS: Mapping[Instrument, _Scorer] = {
    "phq9": _sum_scale,
    "gad7": _sum_scale,
    "madrs": _sum_scale,
    "cadss6": _sum_scale,
    "moaas": _moaas,
    "qids_sr16": _qids,
    "cssrs_screener": _cssrs,
}
