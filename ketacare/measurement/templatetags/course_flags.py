"""The lines above the score trend: what `clinical.trend_flags` and the course's end-of-induction
outcome (`clinical.course_episode`, as the outcome dashboard reads it) say about the current
course, in plain words (REFERENCE §5.1). PHQ-9 is the scale read: every route's course
measures it, and the dashboard reads it too.

Not a template tag library (no `register`): a helper of `course_trend`.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ketacare import clinical
from ketacare.assessments.trend import Trend, TrendPoint
from ketacare.clinical.episodes import BASELINE_MAX_DAYS, END_WINDOW_DAYS
from ketacare.treatment.models import CourseStatus, TreatmentCourse

INSTRUMENT = "phq9"
LABEL = "PHQ-9"
Tone = Literal["good", "warn", "plain"]


@dataclass(frozen=True, slots=True)
class FlagLine:
    text: str
    tone: Tone = "plain"


@dataclass(frozen=True, slots=True)
class CourseFlags:
    course: str
    lines: tuple[FlagLine, ...]


@dataclass(frozen=True, slots=True)
class CourseFacts:
    """What the flags need of the course, read by `course_trend`."""

    course: TreatmentCourse
    doses: Sequence[dt.datetime]  # the course's doses given, oldest first
    episode: clinical.Episode  # PHQ-9 baseline and end of induction (`course_episode`)
    settings: clinical.TrendSettings


def course_flags(facts: CourseFacts, trend: Trend, zone: dt.tzinfo) -> CourseFlags:
    heading = _heading(facts.course, zone)
    series = next((s for s in trend.series if s.code == INSTRUMENT), None)
    if not facts.doses:
        return CourseFlags(heading, (FlagLine("No dose given yet: the flags start with it."),))
    if facts.episode.baseline is None or series is None:
        return CourseFlags(heading, (_no_baseline(),))
    baseline = series.baseline
    later = [p for p in series.points if p.when > baseline.when]
    flags = clinical.trend_flags(
        baseline.total,
        [clinical.TrendPoint(p.when, p.total) for p in later],
        facts.doses,
        facts.settings,
    )
    lines = (
        _rapid(flags.rapid_response, baseline, later, facts),
        _early(flags.early_improvement, baseline, later, facts),
        _end_of_induction(facts),
        _rise(flags.rise_from_lowest, baseline, later, facts.settings),
    )
    text = f"{heading} {LABEL} is read against its baseline of {baseline.total} ({baseline.date})."
    return CourseFlags(text, lines)


def _heading(course: TreatmentCourse, zone: dt.tzinfo) -> str:
    started = f"{course.started_at.astimezone(zone):%Y-%m-%d}"
    name = course.protocol_version.name
    if course.status == CourseStatus.ENDED and course.ended_at is not None:
        ended = f"{course.ended_at.astimezone(zone):%Y-%m-%d}"
        return f"Latest course: {name}, from {started} to {ended}."
    return f"Current course: {name}, started {started}."


def _no_baseline() -> FlagLine:
    return FlagLine(
        f"No {LABEL} baseline for this course, so no flags: they need a {LABEL} taken on or "
        f"before the day of the first dose, at most {BASELINE_MAX_DAYS} days before it."
    )


def _rapid(
    met: bool | None, baseline: TrendPoint, later: Sequence[TrendPoint], facts: CourseFacts
) -> FlagLine:
    settings, first = facts.settings, facts.doses[0]
    earliest, latest = (first + offset for offset in settings.rapid_window)
    within = [p for p in later if earliest <= p.when <= latest]
    if met is None or not within:
        hours = " to ".join(str(int(o.total_seconds() // 3600)) for o in settings.rapid_window)
        return FlagLine(f"Rapid response not known: no {LABEL} {hours} hours after the first dose.")
    best = _telling(within, baseline.total, settings.rapid_response_pct)
    moved, scores = _change(baseline.total, best.total)
    when = f"{_after(best.when - first)} the first dose {scores}"
    if met:
        return FlagLine(f"Rapid response: {LABEL} {moved} {when}.", "good")
    return FlagLine(
        f"No rapid response: {LABEL} {moved} {when}; a rapid response is a fall of "
        f"{settings.rapid_response_pct} % or more."
    )


def _early(
    met: bool | None, baseline: TrendPoint, later: Sequence[TrendPoint], facts: CourseFacts
) -> FlagLine:
    doses = facts.doses
    third = doses[2] if len(doses) > 2 else None
    after = [p for p in later if p.when > doses[0] and (third is None or p.when < third)]
    if met is None or not after:
        return FlagLine(
            f"Early improvement not known: no {LABEL} after the first dose and before the third."
        )
    best = _telling(after, baseline.total, facts.settings.early_improvement_pct)
    which = "second" if len(doses) > 1 and best.when > doses[1] else "first"
    moved, scores = _change(baseline.total, best.total)
    if met:
        return FlagLine(
            f"Early improvement: {LABEL} {moved} after the {which} dose {scores}.", "good"
        )
    return FlagLine(
        f"No early improvement: at best {LABEL} {moved} after the first or second dose "
        f"{scores}; early improvement is a fall of {facts.settings.early_improvement_pct} % "
        "or more."
    )


def _end_of_induction(facts: CourseFacts) -> FlagLine:
    episode = facts.episode
    outcome = episode.outcome()
    if not episode.completed_induction:
        if facts.course.status == CourseStatus.ENDED:
            return FlagLine("End of induction: not reached, as the course ended before it.")
        return FlagLine("End of induction: not yet; response and remission are judged then.")
    if outcome is None:
        return FlagLine(
            f"End of induction: no {LABEL} within {END_WINDOW_DAYS} days after the last "
            "induction session, so response and remission are not known."
        )
    verdict = {
        (True, True): "response and remission",
        (True, False): "response, not remission",
        (False, True): "remission without a response",
        (False, False): "no response and no remission",
    }[(outcome.response, bool(outcome.remission))]
    scores = f"{LABEL} from {outcome.baseline} to {outcome.current}"
    rules = (
        f"response is a fall of {outcome.response_reduction_pct} % or more, "
        f"remission {outcome.remission_max} or less"
    )
    tone: Tone = "good" if outcome.response or outcome.remission else "plain"
    return FlagLine(f"End of induction: {verdict} ({scores}; {rules}).", tone)


def _rise(
    met: bool | None,
    baseline: TrendPoint,
    later: Sequence[TrendPoint],
    settings: clinical.TrendSettings,
) -> FlagLine:
    if settings.rise_points is None:
        return FlagLine(
            "Rise from the lowest score: not checked, as the protocol sets no threshold (the "
            "clinical reference gives no verified definition of relapse)."
        )
    if met is None:
        return FlagLine(f"Rise from the lowest score not known: it needs two later {LABEL}s.")
    lowest = min([baseline.total, *(p.total for p in later[:-1])])
    above = _points(later[-1].total - lowest)
    rule = f"the protocol flags a rise of {_points(settings.rise_points)} or more"
    if met:
        return FlagLine(
            f"Rise from the lowest score: {LABEL} is {above} above its lowest of {lowest}; {rule}.",
            "warn",
        )
    return FlagLine(
        f"No rise from the lowest score: {LABEL} is {above} above its lowest of {lowest}; {rule}."
    )


def _telling(points: Sequence[TrendPoint], baseline: int, pct: int) -> TrendPoint:
    """The first score that met the flag's fall, else the lowest (the nearest miss)."""
    met = [p for p in points if baseline > 0 and (baseline - p.total) * 100 >= pct * baseline]
    return met[0] if met else min(points, key=lambda p: p.total)


def _change(baseline: int, total: int) -> tuple[str, str]:
    """("fell 55 %", "(from 20 to 9)"); a zero baseline has no percentage."""
    scores = f"(from {baseline} to {total})"
    if total == baseline:
        return "did not change", scores
    if baseline == 0:
        return "rose", scores
    pct = abs(round(100 * (total - baseline) / baseline))
    return f"{'fell' if total < baseline else 'rose'} {pct} %", scores


def _after(elapsed: dt.timedelta) -> str:
    hours = elapsed.total_seconds() / 3600
    if hours < 18:
        return f"{round(hours)} hours after"
    days = round(hours / 24)
    return "a day after" if days == 1 else f"{days} days after"


def _points(count: int) -> str:
    return f"{count} point" if count == 1 else f"{count} points"
