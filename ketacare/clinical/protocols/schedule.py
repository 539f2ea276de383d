"""Session planning from a protocol's phases (REFERENCE §1.3, §2.2).

The first session falls on the first chosen weekday on or after `start`. Protocol week n is the
seven days starting (n - 1) weeks after that first session, so every full week holds exactly
`sessions_per_week` sessions whatever weekday the course starts on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ketacare.clinical.errors import ClinicalInputError, require_choice, require_int
from ketacare.clinical.protocols.model import DoseRule, Phase, Protocol, Stage

__all__ = ["DEFAULT_WEEKDAYS", "WEEKDAY_NAMES", "PlannedSession", "plan_phases", "plan_weekdays"]

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Per sessions a week: Mon; Mon/Thu; Mon/Wed/Fri (Monday = 0).
DEFAULT_WEEKDAYS: dict[int, tuple[int, ...]] = {1: (0,), 2: (0, 3), 3: (0, 2, 4)}


@dataclass(frozen=True, slots=True)
class PlannedSession:
    """One planned session: its number in the plan, date, protocol week, phase `stage`
    ("induction"/"maintenance"), `phase_code`, dose rule and the doses allowed (for fixed-dose
    protocols; the first session of a course may only take the starting dose)."""

    number: int
    date: dt.date
    week: int
    phase: Stage
    phase_code: str
    dose_rule: DoseRule
    allowed_mg: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Limits:
    sessions: int | None
    weeks: int | None
    through: dt.date | None

    @property
    def bounded(self) -> bool:
        return not (self.sessions is None and self.weeks is None and self.through is None)


def plan_weekdays(weekdays: Sequence[int | str] | None, per_week: int) -> tuple[int, ...]:
    """Validate chosen weekdays (0-6, Monday = 0, or names like "mon"/"Monday"); their number
    must equal the highest sessions-per-week of the planned phases."""
    if weekdays is None:
        return DEFAULT_WEEKDAYS.get(per_week, tuple(range(per_week)))
    if isinstance(weekdays, str | int):
        raise ClinicalInputError("weekdays", "must be a list, e.g. ['mon', 'thu'] or [0, 3]")
    days = tuple(_weekday(day) for day in weekdays)
    if len(set(days)) != len(days):
        raise ClinicalInputError("weekdays", f"{list(weekdays)} repeats a day")
    if len(days) != per_week:
        raise ClinicalInputError(
            "weekdays", f"{len(days)} given but the schedule has {per_week} sessions a week"
        )
    return days


def _weekday(day: int | str) -> int:
    if isinstance(day, str):
        name = day.strip().lower()
        for number, full in enumerate(WEEKDAY_NAMES):
            if len(name) >= 3 and full.startswith(name):
                return number
        raise ClinicalInputError("weekdays", f"{day!r} is not a weekday; use mon ... sun or 0-6")
    return require_int("weekdays", day, 0, 6)


def plan_phases(
    protocol: Protocol,
    start: dt.date,
    *,
    weekdays: Sequence[int | str] | None,
    limits: tuple[int | None, int | None, dt.date | None],
    interval_weeks: int | None,
    from_phase: str | None,
) -> list[PlannedSession]:
    """The sessions of `protocol` from `start` (see `ketacare.clinical.plan_sessions`)."""
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise ClinicalInputError("start", f"{start!r} is not a date")
    bounds = _limits(*limits, start)
    first_index = 0 if from_phase is None else protocol.phase_index(from_phase)
    phases = _with_interval(protocol.phases, interval_weeks)[first_index:]
    if not bounds.bounded:
        phases = tuple(phase for phase in phases if phase.weeks is not None)
    days = plan_weekdays(weekdays, max(phase.sessions_per_week for phase in phases))
    week_offset = sum(phase.weeks or 0 for phase in protocol.phases[:first_index])
    sessions = _generate(phases, days, _first_session(start, days[: phases[0].sessions_per_week]))
    planned = []
    for number, (day, week, phase) in enumerate(_bounded(sessions, bounds), start=1):
        rule = phase.dose_rule or protocol.dose_rule
        starts_course = number == 1 and first_index == 0
        start_dose = rule.first_dose_mg
        allowed = (start_dose,) if starts_course and start_dose is not None else rule.allowed_mg
        planned.append(
            PlannedSession(number, day, week + week_offset, phase.stage, phase.code, rule, allowed)
        )
    return planned


def _limits(
    sessions: int | None, weeks: int | None, through: dt.date | None, start: dt.date
) -> _Limits:
    if sessions is not None:
        require_int("sessions", sessions, 1, 1000)
    if weeks is not None:
        require_int("weeks", weeks, 1, 520)
    if through is not None and (not isinstance(through, dt.date) or through < start):
        raise ClinicalInputError("through", f"{through!r} must be a date on or after {start}")
    return _Limits(sessions, weeks, through)


def _with_interval(phases: tuple[Phase, ...], interval_weeks: int | None) -> tuple[Phase, ...]:
    if interval_weeks is None:
        return phases
    choosable = [phase for phase in phases if phase.interval_options]
    if not choosable:
        raise ClinicalInputError(
            "maintenance_interval_weeks", "this protocol has no phase with a choice of interval"
        )
    options = choosable[0].interval_options
    chosen = require_choice("maintenance_interval_weeks", interval_weeks, options)
    return tuple(
        dataclasses.replace(phase, interval_weeks=chosen) if phase.interval_options else phase
        for phase in phases
    )


def _first_session(start: dt.date, days: tuple[int, ...]) -> dt.date:
    offset = min((day - start.weekday()) % 7 for day in days)
    return start + dt.timedelta(days=offset)


def _generate(
    phases: tuple[Phase, ...], days: tuple[int, ...], first: dt.date
) -> Iterator[tuple[dt.date, int, Phase]]:
    """(date, week counted from the first planned week, phase) for every session, in order."""
    week = 0
    for phase in phases:
        yield from _phase_sessions(phase, days[: phase.sessions_per_week], first, week)
        week += phase.weeks or 0  # only the last phase may be open-ended


def _phase_sessions(
    phase: Phase, days: tuple[int, ...], first: dt.date, weeks_before: int
) -> Iterator[tuple[dt.date, int, Phase]]:
    count = 0
    phase_weeks: Iterable[int] = itertools.count() if phase.weeks is None else range(phase.weeks)
    for phase_week in phase_weeks:
        remaining = 7 if phase.max_sessions is None else phase.max_sessions - count
        if remaining <= 0:
            return
        if phase_week % phase.interval_weeks:
            continue
        week = weeks_before + phase_week
        for day in _days_in_week(first + dt.timedelta(weeks=week), days)[:remaining]:
            count += 1
            yield day, week + 1, phase


def _days_in_week(week_start: dt.date, days: tuple[int, ...]) -> list[dt.date]:
    candidates = (week_start + dt.timedelta(days=offset) for offset in range(7))
    return [day for day in candidates if day.weekday() in days]


def _bounded(
    sessions: Iterator[tuple[dt.date, int, Phase]], limits: _Limits
) -> Iterator[tuple[dt.date, int, Phase]]:
    for count, (day, week, phase) in enumerate(sessions, start=1):
        past_weeks = limits.weeks is not None and week > limits.weeks
        past_date = limits.through is not None and day > limits.through
        if past_weeks or past_date:
            return
        yield day, week, phase
        if limits.sessions is not None and count >= limits.sessions:
            return
