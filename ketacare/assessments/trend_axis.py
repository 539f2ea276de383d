"""The score trend's time axis: the x scale (clinic days, robust to daylight saving time) and
date ticks on local midnights. SVG user units; the SVG scales to its container (viewBox)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Protocol

WIDTH = 760
LEFT, RIGHT = 48, 132  # room for the score axis, and for the severity band names
EDGE = 14  # keeps markers at the first and last date clear of the axes
MAX_TICKS = 8
TICK_STEPS_DAYS = (1, 2, 7, 14, 28, 56, 91, 182, 364, 728)


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


class XScale(Protocol):
    def __call__(self, when: dt.datetime) -> float: ...


class YScale(Protocol):
    def __call__(self, value: float) -> float: ...


def day_bounds(first: dt.datetime, last: dt.datetime, zone: dt.tzinfo) -> tuple[dt.date, dt.date]:
    """Whole clinic days around the scores, so date ticks fall on local midnights."""
    return first.astimezone(zone).date(), last.astimezone(zone).date() + dt.timedelta(days=1)


def _midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def x_scale(start: dt.date, end: dt.date, zone: dt.tzinfo) -> XScale:
    # In UTC: subtracting two times of one zone ignores a daylight-saving change between them.
    origin = _midnight(start, zone).astimezone(dt.UTC)
    span = (_midnight(end, zone).astimezone(dt.UTC) - origin).total_seconds()

    def x_of(when: dt.datetime) -> float:
        offset = (when.astimezone(dt.UTC) - origin).total_seconds()
        return round(LEFT + EDGE + (WIDTH - RIGHT - LEFT - 2 * EDGE) * offset / span, 1)

    return x_of


def date_ticks(start: dt.date, end: dt.date, zone: dt.tzinfo, x_of: XScale) -> tuple[Tick, ...]:
    days = (end - start).days
    step = next((s for s in TICK_STEPS_DAYS if math.ceil(days / s) <= MAX_TICKS), 728)
    dates = [start + dt.timedelta(days=n) for n in range(0, days, step)]
    return tuple(
        Tick(x_of(_midnight(day, zone)), _tick_label(day, n == 0 or day.year != dates[n - 1].year))
        for n, day in enumerate(dates)
    )


def _tick_label(day: dt.date, with_year: bool) -> str:
    return f"{day.day} {day:%b}" + (f" {day.year}" if with_year else "")
