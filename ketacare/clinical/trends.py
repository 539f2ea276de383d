"""Flags on one patient's scores over a course (REFERENCE §5.1): rapid response about a day
after the first dose, early improvement after the first or second dose, and a rise from the
lowest score. Relapse has no verified definition in the reference, so the rise is flagged only
when the protocol sets its threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ketacare.clinical.errors import ClinicalInputError, require_int

__all__ = ["TrendFlags", "TrendPoint", "TrendSettings", "trend_flags"]


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One total on the scale, and when it was taken (timezone-aware)."""

    at: dt.datetime
    total: int

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ClinicalInputError("at", "must carry its time zone (a naive time is ambiguous)")
        require_int("total", self.total, 0)


@dataclass(frozen=True, slots=True)
class TrendSettings:
    """A protocol's thresholds. Rapid response: a fall of `rapid_response_pct` % (50, §5.1,
    Turkoz 2021 "Day 2") on a score taken within `rapid_window` after the first dose (about
    24 h; the window is KetaCare's default reading of "Day 2"). Early improvement: a fall of
    `early_improvement_pct` % (20, §5.1, IV ketamine) on a score taken after the first or
    second dose and before the third. Rise from the lowest: `rise_points` above the lowest
    score since baseline (no default: §5.1 marks relapse definitions UNVERIFIED)."""

    rapid_response_pct: int = 50
    rapid_window: tuple[dt.timedelta, dt.timedelta] = (
        dt.timedelta(hours=12),
        dt.timedelta(hours=48),
    )
    early_improvement_pct: int = 20
    rise_points: int | None = None


@dataclass(frozen=True, slots=True)
class TrendFlags:
    """Each flag is None when the scores to decide it are missing."""

    rapid_response: bool | None
    early_improvement: bool | None
    rise_from_lowest: bool | None
    lowest: int | None


def trend_flags(
    baseline: int,
    points: Sequence[TrendPoint],
    doses: Sequence[dt.datetime],
    settings: TrendSettings = TrendSettings(),
) -> TrendFlags:
    """Flags for the scores `points` after `baseline`, given the times of the doses so far."""
    start = require_int("baseline", baseline, 0)
    _check(settings)
    ordered = sorted(points, key=lambda point: point.at)
    given = sorted(doses)
    return TrendFlags(
        rapid_response=_rapid(start, ordered, given, settings),
        early_improvement=_early(start, ordered, given, settings),
        rise_from_lowest=_rise(start, ordered, settings.rise_points),
        lowest=min((point.total for point in ordered), default=None),
    )


def _fell_by(baseline: int, total: int, pct: int) -> bool:
    return baseline > 0 and (baseline - total) * 100 >= pct * baseline


def _rapid(
    baseline: int, points: list[TrendPoint], doses: list[dt.datetime], settings: TrendSettings
) -> bool | None:
    if not doses:
        return None
    earliest, latest = (doses[0] + offset for offset in settings.rapid_window)
    within = [point for point in points if earliest <= point.at <= latest]
    if not within:
        return None
    return any(_fell_by(baseline, point.total, settings.rapid_response_pct) for point in within)


def _early(
    baseline: int, points: list[TrendPoint], doses: list[dt.datetime], settings: TrendSettings
) -> bool | None:
    if not doses:
        return None
    before_third = doses[2] if len(doses) > 2 else None
    after = [
        point
        for point in points
        if point.at > doses[0] and (before_third is None or point.at < before_third)
    ]
    if not after:
        return None
    return any(_fell_by(baseline, point.total, settings.early_improvement_pct) for point in after)


def _rise(baseline: int, points: list[TrendPoint], rise_points: int | None) -> bool | None:
    if rise_points is None or len(points) < 2:
        return None
    lowest = baseline
    for point in points[:-1]:
        lowest = min(lowest, point.total)
    return points[-1].total - lowest >= rise_points


def _check(settings: TrendSettings) -> None:
    require_int("rapid_response_pct", settings.rapid_response_pct, 1, 100)
    require_int("early_improvement_pct", settings.early_improvement_pct, 1, 100)
    if settings.rise_points is not None:
        require_int("rise_points", settings.rise_points, 1)
    earliest, latest = settings.rapid_window
    if not dt.timedelta(0) <= earliest < latest:
        raise ClinicalInputError("rapid_window", "must run forward from the first dose")
