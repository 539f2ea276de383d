"""The score trend (PHQ-9, GAD-7, QIDS-SR16, MADRS): series, outcome markers, the baseline,
the response line, the remission band, dose markers and SVG coordinates.

Plain dataclasses that a template draws as inline SVG (no chart library, no JavaScript). The
severity cut-offs come from the core's scale definitions and response/remission from
`clinical.classify` (with the course protocol's remission thresholds when a course is given),
so the chart never restates a clinical number. The doses and the course come from the layers
above (`measurement`'s `course_trend` tag) as plain values: this module reads no dosing data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ketacare import clinical
from ketacare.assessments.trend_axis import (
    LEFT,
    RIGHT,
    WIDTH,
    Tick,
    XScale,
    YScale,
    date_ticks,
    day_bounds,
    x_scale,
)
from ketacare.clinical import REMISSION_MAX, RESPONSE_REDUCTION_PCT
from ketacare.clinical.episodes import BASELINE_MAX_DAYS

TREND_INSTRUMENTS = ("phq9", "gad7", "qids_sr16", "madrs")
Marker = Literal["score", "baseline", "response", "remission"]

PANEL_HEIGHT, PANEL_TITLE, PANEL_GAP, AXIS_HEIGHT = 150, 26, 22, 40
DOSE_STRIP = 18  # the row of dose markers under the last panel
_REMISSION_MAX: dict[str, int] = {str(code): value for code, value in REMISSION_MAX.items()}
MINUS = "\u2212"  # a typographic minus reads as "minus", not "hyphen"


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
class DoseMark:
    """A dose given (the start of a completed dosing session), as the layers above know it."""

    at: dt.datetime
    session: str  # e.g. "Session 3"
    dose: str  # e.g. "56 mg esketamine"
    protocol: str = ""


@dataclass(frozen=True, slots=True)
class CourseFrame:
    """The current treatment course, as far as the trend needs it: the day of its first dose
    (the baseline is read against it, as `clinical.course_episode` does) and its protocol's
    remission thresholds (REFERENCE §5.1: stored per protocol; the core's default otherwise)."""

    first_dose_on: dt.date | None
    remission_max: Mapping[str, int] = field(default_factory=dict)


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
class DoseTick:
    x: float
    y: float  # the tip of its marker, in the strip under the panels
    when: dt.datetime  # in the clinic's zone
    session: str
    dose: str
    protocol: str

    @property
    def date(self) -> str:
        return f"{self.when:%Y-%m-%d}"

    @property
    def time(self) -> str:
        return f"{self.when:%H:%M}"

    @property
    def tooltip(self) -> str:
        return f"{self.session} {self.date} {self.time}: {self.dose}"

    @property
    def shape(self) -> str:
        """An upward triangle pointing at the panel above."""
        x, y = self.x, self.y
        return f"{x:.1f},{y:.1f} {x - 5:.1f},{y + 9:.1f} {x + 5:.1f},{y + 9:.1f}"


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
    remission_max: int | None  # None: neither the core nor the protocol defines one (GAD-7)
    remission_y: float | None  # the top of the remission band

    @property
    def remission_defined(self) -> bool:
        return self.remission_max is not None

    @property
    def baseline(self) -> TrendPoint:
        return next(p for p in self.points if p.is_baseline)

    @property
    def response_value(self) -> str:
        """The total at a fall of exactly the response percentage from baseline."""
        value = self.baseline.total * (100 - RESPONSE_REDUCTION_PCT) / 100
        return f"{value:g}"

    @property
    def response_y(self) -> float:
        value = self.baseline.total * (100 - RESPONSE_REDUCTION_PCT) / 100
        return round(self.bottom - self.height * value / self.maximum, 1)

    @property
    def remission_height(self) -> float:
        return 0 if self.remission_y is None else round(self.bottom - self.remission_y, 1)

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
        baseline = self.baseline
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
    doses: tuple[DoseTick, ...] = ()

    @property
    def title(self) -> str:
        return _and(s.label for s in self.series) + " scores over time"

    @property
    def desc(self) -> str:
        sentences = [s.summary for s in self.series] + ([self.dose_summary] if self.doses else [])
        return " ".join(f"{sentence}." for sentence in sentences)

    @property
    def dose_summary(self) -> str:
        first, last = self.doses[0].date, self.doses[-1].date
        span = f"on {first}" if first == last else f"from {first} to {last}"
        return f"{_plural(len(self.doses), 'dose')} given {span}, marked under the scales"

    @property
    def labels(self) -> str:
        return _and(s.label for s in self.series)

    @property
    def plot_width(self) -> int:
        return self.right - self.left

    @property
    def axis_y(self) -> float:
        return self.series[-1].bottom if self.series else 0

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 20 + (DOSE_STRIP if self.doses else 0)

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
            f"{s.label} {s.remission_max} or less" for s in self.series if s.remission_defined
        )

    @property
    def response_pct(self) -> int:
        return RESPONSE_REDUCTION_PCT


def short_label(code: str) -> str:
    """The short name the core gives in brackets, e.g. PHQ-9."""
    name = clinical.get_scale(code).name
    return name[name.rfind("(") + 1 : -1] if name.endswith(")") else name


def build_trend(
    rows: Iterable[ScoreRow],
    zone: dt.tzinfo,
    *,
    doses: Sequence[DoseMark] = (),
    course: CourseFrame | None = None,
) -> Trend:
    """The trend of the valid totals among `rows`, dated in `zone`, with `doses` marked and,
    given the current `course`, each scale read against that course's baseline."""
    by_code: dict[str, list[ScoreRow]] = {code: [] for code in TREND_INSTRUMENTS}
    for row in sorted(_usable(rows), key=lambda r: r.administered_at):
        by_code[row.instrument].append(row)
    present = [code for code in TREND_INSTRUMENTS if by_code[code]]
    if not present:
        return Trend(series=(), ticks=(), zone=str(zone))
    given = sorted(doses, key=lambda d: d.at)
    times = [r.administered_at for code in present for r in by_code[code]]
    times += [d.at for d in given]
    start, end = day_bounds(min(times), max(times), zone)
    x_of = x_scale(start, end, zone)
    frame = course or CourseFrame(first_dose_on=None)
    series = tuple(
        _series(code, by_code[code], n, x_of, zone, frame) for n, code in enumerate(present)
    )
    marks = tuple(_dose_tick(d, x_of, series[-1].bottom + 5, zone) for d in given)
    height = series[-1].bottom + AXIS_HEIGHT + (DOSE_STRIP if marks else 0)
    ticks = date_ticks(start, end, zone, x_of)
    return Trend(series=series, ticks=ticks, zone=str(zone), height=height, doses=marks)


def _dose_tick(mark: DoseMark, x_of: XScale, y: float, zone: dt.tzinfo) -> DoseTick:
    return DoseTick(
        x=x_of(mark.at),
        y=y,
        when=mark.at.astimezone(zone),
        session=mark.session,
        dose=mark.dose,
        protocol=mark.protocol,
    )


def _usable(rows: Iterable[ScoreRow]) -> Iterable[ScoreRow]:
    # Callers pass valid rows; a stray entered-in-error row must still never be drawn.
    for row in rows:
        if (
            row.instrument in TREND_INSTRUMENTS
            and row.total is not None
            and not row.entered_in_error
        ):
            yield row


def _baseline(rows: Sequence[ScoreRow], first_dose_on: dt.date | None, zone: dt.tzinfo) -> ScoreRow:
    """The course's baseline as `clinical.course_episode` chooses it (the latest score on or
    before the day of the first dose, at most `BASELINE_MAX_DAYS` before it); without one, the
    earliest administration recorded as the baseline, else the earliest of all."""
    if first_dose_on is not None:
        earliest = first_dose_on - dt.timedelta(days=BASELINE_MAX_DAYS)
        before = [r for r in rows if earliest <= r.administered_at.astimezone(zone).date()]
        before = [r for r in before if r.administered_at.astimezone(zone).date() <= first_dose_on]
        if before:
            return before[-1]
    return next((r for r in rows if r.context == "baseline"), rows[0])


def _series(
    code: str,
    rows: Sequence[ScoreRow],
    index: int,
    x_of: XScale,
    zone: dt.tzinfo,
    course: CourseFrame,
) -> TrendSeries:
    scale = clinical.get_scale(code)
    assert scale.total_range is not None  # both trend scales have totals
    maximum = scale.total_range[1]
    top = PANEL_TITLE + index * (PANEL_TITLE + PANEL_HEIGHT + PANEL_GAP)
    bottom = top + PANEL_HEIGHT

    def y_of(value: float) -> float:
        return round(bottom - PANEL_HEIGHT * value / maximum, 1)

    label = short_label(code)
    baseline = _baseline(rows, course.first_dose_on, zone)
    remission_max = course.remission_max.get(code, _REMISSION_MAX.get(code))
    points = tuple(_point(code, label, r, baseline, x_of, y_of, zone, remission_max) for r in rows)
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
        remission_max=remission_max,
        # The band holds every total up to the threshold: its top sits half a point above.
        remission_y=None if remission_max is None else y_of(min(remission_max + 0.5, maximum)),
    )


def _point(
    code: str,
    label: str,
    row: ScoreRow,
    baseline: ScoreRow,
    x_of: XScale,
    y_of: YScale,
    zone: dt.tzinfo,
    remission_max: int | None,
) -> TrendPoint:
    assert row.total is not None
    assert baseline.total is not None
    after = row.administered_at > baseline.administered_at
    outcome = (
        clinical.classify(code, baseline.total, row.total, remission_max=remission_max)
        if after
        else None
    )
    return TrendPoint(
        instrument=code,
        label=label,
        when=row.administered_at.astimezone(zone),
        total=row.total,
        severity_label=row.severity_label,
        is_baseline=row is baseline,
        outcome=outcome,
        x=x_of(row.administered_at),
        y=y_of(row.total),
    )


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


def _and(words: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(words)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
