"""A protocol's measurement plan: which questionnaires a patient answers, and when, relative to
the events of their course (REFERENCE §5.1 defines response and remission against a baseline
and at the end of induction, and rapid response about 24 h after the first dose; the reference
sets no schedule, so the plan and its windows are protocol data, with KetaCare's defaults).

Every window is a run of whole days in the clinic's calendar, [opens_on, closes_on): the app
turns the days into the clinic's midnights, so a window means the same across a clock change.

- intake: from the day the course starts, for `INTAKE_DAYS` but never past the day of the
  first dose (the baseline, §5.1);
- before_session: on the day of each dosing session (answered before the dose);
- after_first_dose: the day after the first session (the rapid-response score, §5.1 "Day 2");
- weekly_induction: every week of induction after the first session, for `WEEKLY_DAYS`;
- end_of_induction: from the day after the last induction session, for `END_DAYS` (the
  window `course_episode` reads the end-of-induction score from);
- maintenance: every `every_weeks` weeks from the first maintenance session, for `WEEKLY_DAYS`.

Two windows of one questionnaire never overlap: where they would, the one that opens first
(or, opening together, the one listed first in the plan) is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from ketacare.clinical.episodes import END_WINDOW_DAYS
from ketacare.clinical.errors import ClinicalInputError, require_choice, require_int

__all__ = [
    "DEFAULT_MEASUREMENT_PLAN",
    "MEASUREMENT_EVENTS",
    "DueQuestionnaire",
    "MeasurementRule",
    "ScheduledSession",
    "check_plan",
    "measurement_schedule",
]

MeasurementEvent = Literal[
    "intake",
    "before_session",
    "after_first_dose",
    "weekly_induction",
    "end_of_induction",
    "maintenance",
]
MEASUREMENT_EVENTS: tuple[str, ...] = get_args(MeasurementEvent)
# The questionnaires a patient answers on their own (REFERENCE §4.1: free to reproduce).
PLAN_INSTRUMENTS = ("phq9", "gad7")
INTAKE_DAYS = 3
WEEKLY_DAYS = 3
END_DAYS = END_WINDOW_DAYS
DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class MeasurementRule:
    """Ask `instrument` at `event`; `every_weeks` spaces the maintenance questionnaires."""

    instrument: str
    event: str
    every_weeks: int = 4

    def __post_init__(self) -> None:
        require_choice("instrument", self.instrument, PLAN_INSTRUMENTS)
        require_choice("event", self.event, MEASUREMENT_EVENTS)
        require_int("every_weeks", self.every_weeks, 1, 12)


# PHQ-9 for the baseline, before each session, the rapid-response day and the end of
# induction, and monthly in maintenance; GAD-7 for the baseline and the end of induction.
DEFAULT_MEASUREMENT_PLAN: tuple[MeasurementRule, ...] = (
    MeasurementRule("phq9", "intake"),
    MeasurementRule("phq9", "before_session"),
    MeasurementRule("phq9", "after_first_dose"),
    MeasurementRule("phq9", "end_of_induction"),
    MeasurementRule("phq9", "maintenance", every_weeks=4),
    MeasurementRule("gad7", "intake"),
    MeasurementRule("gad7", "end_of_induction"),
)


@dataclass(frozen=True, slots=True)
class ScheduledSession:
    """A dosing session still on the course's schedule (planned, booked or completed), by a
    key the caller can find it again with."""

    key: str
    on: dt.date
    stage: str


@dataclass(frozen=True, slots=True)
class DueQuestionnaire:
    """One questionnaire to send. `key` is stable while its anchor stays (the same session,
    the same week), so a moved session moves its questionnaire rather than making another."""

    key: str
    instrument: str
    event: str
    opens_on: dt.date
    closes_on: dt.date


def measurement_schedule(
    plan: Sequence[MeasurementRule],
    started_on: dt.date,
    sessions: Sequence[ScheduledSession],
) -> list[DueQuestionnaire]:
    """Every questionnaire `plan` asks for over a course that started on `started_on` with
    `sessions`, soonest first."""
    check_plan(plan)
    ordered = sorted(sessions, key=lambda s: (s.on, s.key))
    wanted = [due for rule in plan for due in _dues(rule, started_on, ordered)]
    return sorted(_without_overlaps(wanted), key=lambda d: (d.opens_on, d.instrument, d.key))


def check_plan(plan: Sequence[MeasurementRule]) -> None:
    """A plan asks for each questionnaire at each event once."""
    asked = [(rule.instrument, rule.event) for rule in plan]
    twice = sorted({pair for pair in asked if asked.count(pair) > 1})
    if twice:
        listed = ", ".join(f"{instrument} at {event}" for instrument, event in twice)
        raise ClinicalInputError("measurement", f"asked more than once: {listed}")


def _dues(
    rule: MeasurementRule, started_on: dt.date, sessions: Sequence[ScheduledSession]
) -> list[DueQuestionnaire]:
    def due(anchor: str, opens_on: dt.date, days: int) -> DueQuestionnaire:
        key = f"{rule.instrument}:{anchor}"
        return DueQuestionnaire(key, rule.instrument, rule.event, opens_on, opens_on + days * DAY)

    induction = [s for s in sessions if s.stage == "induction"]
    maintenance = [s for s in sessions if s.stage == "maintenance"]
    if rule.event == "intake":
        # The baseline is taken before the first dose: its window ends with that day.
        first = (sessions[0].on - started_on).days + 1 if sessions else INTAKE_DAYS
        return [due("intake", started_on, max(1, min(INTAKE_DAYS, first)))]
    if rule.event == "before_session":
        return [due(f"session:{s.key}", s.on, 1) for s in sessions]
    if rule.event == "after_first_dose":
        return [due("first_dose", sessions[0].on + DAY, 1)] if sessions else []
    if rule.event == "weekly_induction":
        return [due(f"induction_week:{n}", on, WEEKLY_DAYS) for n, on in _every(induction, 1)]
    if rule.event == "end_of_induction":
        return [due("end_of_induction", induction[-1].on + DAY, END_DAYS)] if induction else []
    every = rule.every_weeks
    return [due(f"maintenance:{n}", on, WEEKLY_DAYS) for n, on in _every(maintenance, every)]


def _every(sessions: Sequence[ScheduledSession], weeks: int) -> list[tuple[int, dt.date]]:
    """Every `weeks` weeks after the first of `sessions`, up to the last of them."""
    if not sessions:
        return []
    first, last = sessions[0].on, sessions[-1].on
    step = dt.timedelta(weeks=weeks)
    count = (last - first) // step
    return [(n, first + n * step) for n in range(1, count + 1)]


def _without_overlaps(wanted: Sequence[DueQuestionnaire]) -> list[DueQuestionnaire]:
    kept: list[DueQuestionnaire] = []
    # Stable sort: opening together, the rule listed first in the plan comes first.
    for due in sorted(wanted, key=lambda d: d.opens_on):
        clash = any(
            k.instrument == due.instrument
            and k.opens_on < due.closes_on
            and due.opens_on < k.closes_on
            for k in kept
        )
        if not clash:
            kept.append(due)
    return kept
