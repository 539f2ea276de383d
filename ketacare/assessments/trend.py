"""The PHQ-9 / GAD-7 score trend: series, outcome markers and SVG coordinates.

Plain dataclasses that a template draws as inline SVG (no chart library, no JavaScript). The
severity cut-offs come from the core's scale definitions and response/remission from
`clinical.classify`, so the chart never restates a clinical number.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ketacare import clinical
from ketacare.clinical import REMISSION_MAX, RESPONSE_REDUCTION_PCT

TREND_INSTRUMENTS = ("phq9", "gad7")
Marker = Literal["score", "baseline", "response", "remission"]

# SVG user units; the SVG scales to its container through its viewBox.
WIDTH = 760
LEFT, RIGHT = 48, 132  # room for the score axis, and for the severity band names
PANEL_HEIGHT, PANEL_TITLE, PANEL_GAP, AXIS_HEIGHT = 150, 26, 22, 40
EDGE = 14  # keeps markers at the first and last date clear of the axes
MAX_TICKS = 8
_REMISSION_MAX: dict[str, int] = {str(code): value for code, value in REMISSION_MAX.items()}
MINUS = "\u2212"  # a typographic minus reads as "minus", not "hyphen"
TICK_STEPS_DAYS = (1, 2, 7, 14, 28, 56, 91, 182, 364, 728)


class ScoreRow(Protocol):
    """What the trend needs of an administration (an `Assessment` has all of it)."""

    @property
    def instrument(self) -> str: ...
    @property
    def total(self) -> int | None: ...
    @property
    def severity_label(self) -> str: ...
    @property
    def administered_at(self) -> dt.datetime: ...
    @property
    def context(self) -> str: ...
    @property
    def entered_in_error(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class TrendPoint:
    instrument: str
    label: str
    when: dt.datetime  # in the clinic's zone
    total: int
    severity_label: str
    is_baseline: bool
    outcome: clinical.Outcome | None  # None for the baseline and anything before it
    x: float
    y: float

    @property
    def marker(self) -> Marker:
        if self.outcome is not None and self.outcome.remission:
            return "remission"
        if self.outcome is not None and self.outcome.response:
            return "response"
        return "baseline" if self.is_baseline else "score"

    @property
    def shape(self) -> str:
        """Polygon points for the diamond (response) and star (remission) markers."""
        if self.marker == "remission":
            return _polygon(self.x, self.y, 10, (9.5, 4.2), -90)
        if self.marker == "response":
            return _polygon(self.x, self.y, 4, (7.5,), -90)
        return ""

    @property
    def date(self) -> str:
        return f"{self.when:%Y-%m-%d}"

    @property
    def change(self) -> str:
        if self.is_baseline:
            return "baseline"
        if self.outcome is None or self.outcome.percent_change is None:
            return "—"
        return f"{self.outcome.percent_change:+.0f} %".replace("-", MINUS)

    @property
    def response(self) -> str:
        return "—" if self.outcome is None else ("Yes" if self.outcome.response else "No")

    @property
    def remission(self) -> str:
        if self.outcome is None:
            return "—"
        if self.outcome.remission is None:
            return "Not defined"
        return "Yes" if self.outcome.remission else "No"

    @property
    def tooltip(self) -> str:
        words = {"score": "", "baseline": " · baseline"}.get(self.marker, f" · {self.marker}")
        return f"{self.label} {self.date}: {self.total} ({self.severity_label}){words}"


@dataclass(frozen=True, slots=True)
class Gridline:
    y: float
    value: int


@dataclass(frozen=True, slots=True)
class BandLabel:
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class TrendSeries:
    code: str
    label: str
    points: tuple[TrendPoint, ...]
    top: float
    bottom: float
    maximum: int
    gridlines: tuple[Gridline, ...]
    bands: tuple[BandLabel, ...]
    remission_max: int | None  # None: the core defines no remission (GAD-7)

    @property
    def remission_defined(self) -> bool:
        return self.remission_max is not None

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def title_y(self) -> float:
        return self.top - 10

    @property
    def summary(self) -> str:
        """E.g. "PHQ-9 from 21 to 8 over 6 weeks: response; no remission"."""
        return f"{self.label} {self.detail}"

    @property
    def detail(self) -> str:
        latest = self.points[-1]
        if latest.outcome is None:
            return f"{latest.total} ({latest.severity_label}) on {latest.date}; no later score"
        baseline = next(p for p in self.points if p.is_baseline)
        span = _span(baseline.when.date(), latest.when.date())
        response = "response" if latest.outcome.response else "no response"
        remission = {True: "remission", False: "no remission", None: "remission not defined"}
        return (
            f"from {baseline.total} to {latest.total} over {span}: "
            f"{response}; {remission[latest.outcome.remission]}"
        )


@dataclass(frozen=True, slots=True)
class Trend:
    series: tuple[TrendSeries, ...]
    ticks: tuple[Tick, ...]
    zone: str
    width: int = WIDTH
    height: float = 0
    left: int = LEFT
    right: int = WIDTH - RIGHT

    @property
    def title(self) -> str:
        return " and ".join(s.label for s in self.series) + " scores over time"

    @property
    def desc(self) -> str:
        return ". ".join(s.summary for s in self.series) + "."

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def axis_y(self) -> float:
        return self.series[-1].bottom if self.series else 0

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 20

    @property
    def band_x(self) -> int:
        return self.right + 10

    @property
    def remission_defined(self) -> bool:
        return any(s.remission_defined for s in self.series)

    @property
    def undefined_remission(self) -> tuple[str, ...]:
        return tuple(s.label for s in self.series if not s.remission_defined)

    @property
    def remission_rules(self) -> str:
        return ", ".join(
            f"{s.label} ≤ {s.remission_max}" for s in self.series if s.remission_defined
        )

    @property
    def response_pct(self) -> int:
        return RESPONSE_REDUCTION_PCT


def short_label(code: str) -> str:
    """The short name the core gives in brackets, e.g. PHQ-9."""
    name = clinical.get_scale(code).name
    return name[name.rfind("(") + 1 : -1] if name.endswith(")") else name


def build_trend(rows: Iterable[ScoreRow], zone: dt.tzinfo) -> Trend:
    """The trend of the valid PHQ-9 and GAD-7 totals among `rows`, dated in `zone`."""
    by_code: dict[str, list[ScoreRow]] = {code: [] for code in TREND_INSTRUMENTS}
    for row in sorted(_usable(rows), key=lambda r: r.administered_at):
        by_code[row.instrument].append(row)
    present = [code for code in TREND_INSTRUMENTS if by_code[code]]
    if not present:
        return Trend(series=(), ticks=(), zone=str(zone))
    times = [r.administered_at for code in present for r in by_code[code]]
    start, end = _day_bounds(min(times), max(times), zone)
    x_of = _x_scale(start, end, zone)
    series = tuple(_series(code, by_code[code], n, x_of, zone) for n, code in enumerate(present))
    ticks = _ticks(start, end, zone, x_of)
    return Trend(series=series, ticks=ticks, zone=str(zone), height=series[-1].bottom + AXIS_HEIGHT)


def _usable(rows: Iterable[ScoreRow]) -> Iterable[ScoreRow]:
    # Callers pass valid rows; a stray entered-in-error row must still never be drawn.
    for row in rows:
        if (
            row.instrument in TREND_INSTRUMENTS
            and row.total is not None
            and not row.entered_in_error
        ):
            yield row


def _baseline(rows: Sequence[ScoreRow]) -> ScoreRow:
    """The earliest administration recorded as the baseline, else the earliest of all."""
    return next((r for r in rows if r.context == "baseline"), rows[0])


def _series(
    code: str, rows: Sequence[ScoreRow], index: int, x_of: _XScale, zone: dt.tzinfo
) -> TrendSeries:
    scale = clinical.get_scale(code)
    assert scale.total_range is not None  # both trend scales have totals
    maximum = scale.total_range[1]
    top = PANEL_TITLE + index * (PANEL_TITLE + PANEL_HEIGHT + PANEL_GAP)
    bottom = top + PANEL_HEIGHT

    def y_of(value: float) -> float:
        return round(bottom - PANEL_HEIGHT * value / maximum, 1)

    label = short_label(code)
    baseline = _baseline(rows)
    points = tuple(_point(code, label, r, baseline, x_of, y_of, zone) for r in rows)
    return TrendSeries(
        code=code,
        label=label,
        points=points,
        top=top,
        bottom=bottom,
        maximum=maximum,
        gridlines=tuple(Gridline(y_of(b.low), b.low) for b in scale.bands if b.low > 0),
        bands=tuple(
            BandLabel(y_of((b.low + min(b.high + 1, maximum)) / 2) + 4, b.label)
            for b in scale.bands
        ),
        remission_max=_REMISSION_MAX.get(code),
    )


def _point(
    code: str,
    label: str,
    row: ScoreRow,
    baseline: ScoreRow,
    x_of: _XScale,
    y_of: _YScale,
    zone: dt.tzinfo,
) -> TrendPoint:
    assert row.total is not None
    assert baseline.total is not None
    after = row.administered_at > baseline.administered_at
    return TrendPoint(
        instrument=code,
        label=label,
        when=row.administered_at.astimezone(zone),
        total=row.total,
        severity_label=row.severity_label,
        is_baseline=row is baseline,
        outcome=clinical.classify(code, baseline.total, row.total) if after else None,
        x=x_of(row.administered_at),
        y=y_of(row.total),
    )


class _XScale(Protocol):
    def __call__(self, when: dt.datetime) -> float: ...


class _YScale(Protocol):
    def __call__(self, value: float) -> float: ...


def _day_bounds(first: dt.datetime, last: dt.datetime, zone: dt.tzinfo) -> tuple[dt.date, dt.date]:
    """Whole clinic days around the scores, so date ticks fall on local midnights."""
    return first.astimezone(zone).date(), last.astimezone(zone).date() + dt.timedelta(days=1)


def _midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def _x_scale(start: dt.date, end: dt.date, zone: dt.tzinfo) -> _XScale:
    # In UTC: subtracting two times of one zone ignores a daylight-saving change between them.
    origin = _midnight(start, zone).astimezone(dt.UTC)
    span = (_midnight(end, zone).astimezone(dt.UTC) - origin).total_seconds()

    def x_of(when: dt.datetime) -> float:
        offset = (when.astimezone(dt.UTC) - origin).total_seconds()
        return round(LEFT + EDGE + (WIDTH - RIGHT - LEFT - 2 * EDGE) * offset / span, 1)

    return x_of


def _ticks(start: dt.date, end: dt.date, zone: dt.tzinfo, x_of: _XScale) -> tuple[Tick, ...]:
    days = (end - start).days
    step = next((s for s in TICK_STEPS_DAYS if math.ceil(days / s) <= MAX_TICKS), 728)
    dates = [start + dt.timedelta(days=n) for n in range(0, days, step)]
    return tuple(
        Tick(x_of(_midnight(day, zone)), _tick_label(day, n == 0 or day.year != dates[n - 1].year))
        for n, day in enumerate(dates)
    )


def _tick_label(day: dt.date, with_year: bool) -> str:
    return f"{day.day} {day:%b}" + (f" {day.year}" if with_year else "")


def _span(first: dt.date, last: dt.date) -> str:
    days = (last - first).days
    if days < 14:
        return "the same day" if days == 0 else _plural(days, "day")
    if days < 91:
        return _plural(round(days / 7), "week")
    return _plural(round(days / 30.44), "month")


def _polygon(cx: float, cy: float, corners: int, radii: tuple[float, ...], start_deg: float) -> str:
    """A regular polygon (or, with alternating radii, a star) centred on (cx, cy)."""
    points = []
    for n in range(corners):
        radius = radii[n % len(radii)]
        angle = math.radians(start_deg + 360 * n / corners)
        points.append(f"{cx + radius * math.cos(angle):.1f},{cy + radius * math.sin(angle):.1f}")
    return " ".join(points)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
