"""Response and remission (REFERENCE §5.1, §4.2, §4.4, §4.5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from ketacare.clinical.errors import ClinicalInputError, require_choice, require_int
from ketacare.clinical.scales import SCALES
from ketacare.clinical.scoring import Score

__all__ = [
    "OUTCOME_INSTRUMENTS",
    "REMISSION_MAX",
    "RESPONSE_REDUCTION_PCT",
    "Outcome",
    "OutcomeInstrument",
    "classify",
    "phq9_change_category",
    "total_range",
]

OutcomeInstrument = Literal["phq9", "gad7", "qids_sr16", "madrs"]
OUTCOME_INSTRUMENTS: tuple[OutcomeInstrument, ...] = ("phq9", "gad7", "qids_sr16", "madrs")

RESPONSE_REDUCTION_PCT = 50  # §5.1: >= 50 % reduction from baseline

# Highest total that counts as remission (§5.1). PHQ-9 "< 5" is stored as <= 4. MADRS <= 10 is
# the default (ESCAPE-TRD, KetECT); the esketamine programme's <= 12 is set by its protocols.
# GAD-7 has no remission definition in the reference, so it has no default.
REMISSION_MAX: Mapping[OutcomeInstrument, int] = MappingProxyType(
    {"phq9": 4, "qids_sr16": 5, "madrs": 10}
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """Change from baseline on one scale.

    `percent_change` is signed (a fall is negative): 100 x (current - baseline) / baseline; None
    when the baseline is 0 and the current total is not (0 when both are 0). `remission` is None
    when the scale has no remission definition and none was given (GAD-7).
    """

    instrument: OutcomeInstrument
    baseline: int
    current: int
    change: int
    percent_change: float | None
    response: bool
    remission: bool | None
    remission_max: int | None
    response_reduction_pct: int
    source: str = "REFERENCE §5.1"


def classify(
    instrument: str,
    baseline: int | Score,
    current: int | Score,
    *,
    remission_max: int | None = None,
    response_reduction_pct: int = RESPONSE_REDUCTION_PCT,
) -> Outcome:
    """Classify `current` against `baseline` on `instrument` (REFERENCE §5.1).

    Response: a fall of at least `response_reduction_pct` % (50 by default). Remission: current
    total <= `remission_max` (default per scale: PHQ-9 4, QIDS-SR16 5, MADRS 10; e.g. 12 when a
    protocol follows the esketamine programme). A zero baseline never divides by zero: it is
    never a response.
    """
    code = require_choice("instrument", instrument, OUTCOME_INSTRUMENTS)
    low, high = total_range(code)
    first = _total("baseline", baseline, code, low, high)
    last = _total("current", current, code, low, high)
    pct = require_int("response_reduction_pct", response_reduction_pct, 1, 100)
    cutoff = REMISSION_MAX.get(code) if remission_max is None else remission_max
    if cutoff is not None:
        require_int("remission_max", cutoff, low, high)
    return Outcome(
        instrument=code,
        baseline=first,
        current=last,
        change=last - first,
        percent_change=_percent_change(first, last),
        response=first > 0 and (first - last) * 100 >= pct * first,
        remission=None if cutoff is None else last <= cutoff,
        remission_max=cutoff,
        response_reduction_pct=pct,
    )


def phq9_change_category(
    baseline: int | Score, current: int | Score
) -> Literal["adequate", "probably_inadequate", "inadequate"]:
    """PHQ-9 monitoring-change bands (REFERENCE §4.2, [V-SEC]): a fall of >= 5 points is
    adequate, 2-4 probably inadequate, <= 1 or any rise inadequate."""
    fall = _total("baseline", baseline, "phq9", 0, 27) - _total("current", current, "phq9", 0, 27)
    if fall >= 5:
        return "adequate"
    return "probably_inadequate" if fall >= 2 else "inadequate"


def total_range(code: OutcomeInstrument) -> tuple[int, int]:
    """The lowest and highest total of an outcome scale."""
    totals = SCALES[code].total_range
    assert totals is not None  # every outcome scale has a total
    return totals


def _total(name: str, value: int | Score, code: str, low: int, high: int) -> int:
    if isinstance(value, Score):
        if value.instrument != code or value.total is None:
            raise ClinicalInputError(name, f"is a {value.instrument} score; expected {code}")
        return value.total
    return require_int(name, value, low, high)


def _percent_change(baseline: int, current: int) -> float | None:
    if baseline == 0:
        return 0.0 if current == 0 else None
    return 100 * (current - baseline) / baseline
