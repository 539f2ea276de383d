"""The clinic's response and remission rates across treatment courses (REFERENCE §5.1 for
what response and remission are; §5.2 for the published rates a clinic compares with).

Two denominators, as trials report them: intention to treat (every course started; a course
without both a baseline and an end-of-induction score counts as neither responding nor
remitting) and completers (courses that completed induction with both scores). A rate over
fewer than `min_denominator` courses is suppressed: with so few patients a rate says little
and may point at a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ketacare.clinical.errors import ClinicalInputError, require_bool, require_choice, require_int
from ketacare.clinical.intervals import wilson_interval
from ketacare.clinical.outcomes import (
    OUTCOME_INSTRUMENTS,
    REMISSION_MAX,
    Outcome,
    classify,
    total_range,
)

__all__ = [
    "MIN_DENOMINATOR",
    "Episode",
    "OutcomeCounts",
    "OutcomeSummary",
    "Rate",
    "episode_counts",
    "outcome_summary",
    "summary_from_counts",
]

# KetaCare's small-numbers rule for the outcome dashboard (a disclosure choice, not a clinical
# threshold): a breakdown over fewer courses shows "fewer than 11 patients" instead of a rate.
MIN_DENOMINATOR = 11


@dataclass(frozen=True, slots=True)
class Episode:
    """One treatment course on one scale: its baseline and end-of-induction totals (None when
    not taken), whether induction was completed, and the protocol's remission threshold (None:
    the scale's default, REFERENCE §5.1)."""

    instrument: str
    baseline: int | None
    end_of_induction: int | None
    completed_induction: bool
    remission_max: int | None = None

    def __post_init__(self) -> None:
        code = require_choice("instrument", self.instrument, OUTCOME_INSTRUMENTS)
        low, high = total_range(code)
        for name in ("baseline", "end_of_induction"):
            value = getattr(self, name)
            if value is not None:
                require_int(name, value, low, high)
        require_bool("completed_induction", self.completed_induction)
        if self.remission_max is None and code not in REMISSION_MAX:
            raise ClinicalInputError(
                "remission_max",
                f"{code} has no remission definition in the reference; give the protocol's",
            )
        if self.remission_max is not None:
            require_int("remission_max", self.remission_max, low, high)

    def outcome(self) -> Outcome | None:
        """Response and remission as `classify` decides them; None without both scores."""
        if self.baseline is None or self.end_of_induction is None:
            return None
        return classify(
            self.instrument,
            self.baseline,
            self.end_of_induction,
            remission_max=self.remission_max,
        )


@dataclass(frozen=True, slots=True)
class Rate:
    """`numerator` of `denominator` courses, with its 95 % Wilson interval; `proportion` and
    the interval are None when the rate is suppressed (too few courses)."""

    numerator: int
    denominator: int
    proportion: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool


@dataclass(frozen=True, slots=True)
class OutcomeSummary:
    n_started: int
    n_completed: int
    n_with_scores: int
    response_itt: Rate
    remission_itt: Rate
    response_completers: Rate
    remission_completers: Rate
    min_denominator: int


@dataclass(frozen=True, slots=True)
class OutcomeCounts:
    """What `outcome_summary` counts, kept apart from the rates so counts can be added up
    elsewhere (one course's counts are each 0 or 1; a database sums them by group) and turned
    into the same summary by `summary_from_counts`."""

    started: int = 0
    completed: int = 0
    with_scores: int = 0  # completed induction with both scores: the completers' denominator
    responded: int = 0
    remitted: int = 0
    responded_completers: int = 0
    remitted_completers: int = 0

    def __post_init__(self) -> None:
        for name in self.__slots__:
            require_int(name, getattr(self, name), 0)
        require_int("completed", self.completed, 0, self.started)
        require_int("with_scores", self.with_scores, 0, self.completed)
        for name in ("responded", "remitted"):
            require_int(name, getattr(self, name), 0, self.started)
        for name in ("responded_completers", "remitted_completers"):
            require_int(name, getattr(self, name), 0, self.with_scores)

    def __add__(self, other: OutcomeCounts) -> OutcomeCounts:
        return OutcomeCounts(
            *(getattr(self, name) + getattr(other, name) for name in self.__slots__)
        )


def episode_counts(episode: Episode) -> OutcomeCounts:
    """One course's counts: response and remission as `classify` decides them (see the
    module's note for the two denominators)."""
    if not isinstance(episode, Episode):
        raise ClinicalInputError("episodes", f"{episode!r} is not an Episode")
    outcome = episode.outcome()
    response = outcome is not None and outcome.response
    remission = outcome is not None and bool(outcome.remission)
    scored = episode.completed_induction and outcome is not None
    return OutcomeCounts(
        started=1,
        completed=int(episode.completed_induction),
        with_scores=int(scored),
        responded=int(response),
        remitted=int(remission),
        responded_completers=int(scored and response),
        remitted_completers=int(scored and remission),
    )


def outcome_summary(
    episodes: Iterable[Episode], *, min_denominator: int = MIN_DENOMINATOR
) -> OutcomeSummary:
    """Response and remission at the end of induction, by intention to treat and among
    completers (see the module's note), each with a 95 % Wilson interval."""
    counts = sum((episode_counts(episode) for episode in episodes), OutcomeCounts())
    return summary_from_counts(counts, min_denominator=min_denominator)


def summary_from_counts(
    counts: OutcomeCounts, *, min_denominator: int = MIN_DENOMINATOR
) -> OutcomeSummary:
    """The summary of courses whose counts add up to `counts`: `outcome_summary` of the same
    episodes, whoever did the adding."""
    smallest = require_int("min_denominator", min_denominator, 1)
    if not isinstance(counts, OutcomeCounts):
        raise ClinicalInputError("counts", f"{counts!r} is not an OutcomeCounts")
    return OutcomeSummary(
        n_started=counts.started,
        n_completed=counts.completed,
        n_with_scores=counts.with_scores,
        response_itt=_rate(counts.responded, counts.started, smallest),
        remission_itt=_rate(counts.remitted, counts.started, smallest),
        response_completers=_rate(counts.responded_completers, counts.with_scores, smallest),
        remission_completers=_rate(counts.remitted_completers, counts.with_scores, smallest),
        min_denominator=smallest,
    )


def _rate(numerator: int, denominator: int, min_denominator: int) -> Rate:
    if denominator < min_denominator:
        return Rate(numerator, denominator, None, None, None, suppressed=True)
    low, high = wilson_interval(numerator, denominator)
    return Rate(numerator, denominator, numerator / denominator, low, high, suppressed=False)
