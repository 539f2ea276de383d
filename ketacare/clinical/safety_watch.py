"""The long-term safety watch over months of maintenance: scheduled checks for the harms of
repeated ketamine and esketamine that the reference names (REFERENCE §1.9: ulcerative or
interstitial cystitis — monitor for urinary-tract symptoms; cognitive impairment; abuse and
misuse — monitor for it; §1.5: blood pressure; §1.10: hepatic impairment).

The reference gives no instrument, schedule or threshold for any of them, so each check is the
protocol's data and everything in it is the clinic's setting: how often it is due, its yes/no
questions, and the cut-off that makes it positive. KetaCare's starting questions say only what
§1.9 names, and are marked as the clinic's to review (`CLINIC_SETTING`); no check is scheduled
until the clinic sets how often (`every_weeks`).

- A questionnaire check (bladder, cognition, misuse) is positive when at least `positive_at`
  of its questions are answered yes.
- The blood-pressure trend is positive when the mean of the latest `readings` sessions'
  pre-dose systolic pressures is at least `positive_at` mmHg above the mean of the first ones
  (both the clinic's settings, with no default).
- Liver tests are positive when the ALT entered is above `positive_at` U/L.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from ketacare.clinical.errors import ClinicalInputError, require_choice, require_int

__all__ = [
    "CLINIC_SETTING",
    "DEFAULT_WATCH",
    "QUESTION_KINDS",
    "STARTING_QUESTIONS",
    "TITLES",
    "WATCH_KINDS",
    "WatchCheck",
    "WatchDue",
    "check_watch",
    "sbp_rise",
    "watch_due",
    "watch_positive",
]

WatchKind = Literal["bladder", "cognition", "misuse", "blood_pressure", "liver"]
WATCH_KINDS: tuple[str, ...] = get_args(WatchKind)
QUESTION_KINDS = ("bladder", "cognition", "misuse")
# What each check is called on a page.
TITLES = {
    "bladder": "Bladder and urinary symptoms",
    "cognition": "Memory and concentration",
    "misuse": "Misuse and craving",
    "blood_pressure": "Blood-pressure trend",
    "liver": "Liver tests",
}
CLINIC_SETTING = "the clinic's setting: REFERENCE names the harm, not an instrument or cut-off"
SOURCES = {
    "bladder": "REFERENCE §1.9 (cystitis: monitor for urinary-tract symptoms)",
    "cognition": "REFERENCE §1.9 (cognitive impairment)",
    "misuse": "REFERENCE §1.9 (abuse and misuse: monitor for it)",
    "blood_pressure": "REFERENCE §1.5 (blood pressure)",
    "liver": "REFERENCE §1.10 (hepatic impairment)",
}
# Starting questions for the clinic to review, each asking after only what §1.9 names.
STARTING_QUESTIONS: dict[str, tuple[str, ...]] = {
    "bladder": (
        "Since your last check, have you needed to pass urine more often or more urgently?",
        "Has passing urine been painful, or have you seen blood in your urine?",
        "Have you had pain in your lower belly or bladder?",
    ),
    "cognition": (
        "Since your last check, have you had more trouble remembering things than before?",
        "Have you found it harder to concentrate or to follow a conversation?",
    ),
    "misuse": (
        "Since your last check, have you used ketamine or a similar drug outside the clinic?",
        "Have you had cravings for ketamine, or wished for doses sooner or larger?",
    ),
}
# Bounds against a slip of the keyboard, not clinical limits.
MAX_EVERY_WEEKS = 52
MAX_QUESTIONS = 20
CUT_OFF_BOUNDS = {"blood_pressure": (1, 100), "liver": (1, 2000)}
MAX_TREND_READINGS = 10


@dataclass(frozen=True, slots=True)
class WatchCheck:
    """One check of the watch: due every `every_weeks` weeks of maintenance (None: the clinic
    has not set it, so it is not scheduled), positive at `positive_at` (yes answers, a rise in
    mmHg, or ALT in U/L, as the kind counts); the blood-pressure trend averages `readings`
    sessions at each end."""

    kind: str
    every_weeks: int | None = None
    positive_at: int | None = None
    questions: tuple[str, ...] = ()
    readings: int | None = None

    def __post_init__(self) -> None:
        require_choice("kind", self.kind, WATCH_KINDS)
        field = f"watch_{self.kind}"
        if self.every_weeks is not None:
            require_int(f"{field}_every_weeks", self.every_weeks, 1, MAX_EVERY_WEEKS)
        if self.kind in QUESTION_KINDS:
            _check_questions(field, self.questions, self.positive_at)
        elif self.questions:
            raise ClinicalInputError(f"{field}_questions", "this check asks no questions")
        else:
            _check_cut_off(self)
        if self.readings is not None:
            if self.kind != "blood_pressure":
                raise ClinicalInputError(
                    f"{field}_readings", "only the blood-pressure trend averages"
                )
            require_int(f"{field}_readings", self.readings, 1, MAX_TREND_READINGS)
        elif self.kind == "blood_pressure" and self.every_weeks is not None:
            raise ClinicalInputError(f"{field}_readings", "set how many sessions each end averages")

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def source(self) -> str:
        return f"{SOURCES[self.kind]}; {CLINIC_SETTING}"


def _check_cut_off(check: WatchCheck) -> None:
    field = f"watch_{check.kind}_positive_at"
    if check.positive_at is not None:
        low, high = CUT_OFF_BOUNDS[check.kind]
        require_int(field, check.positive_at, low, high)
    elif check.every_weeks is not None:
        raise ClinicalInputError(field, "set the cut-off of a scheduled check")


def _check_questions(field: str, questions: tuple[str, ...], positive_at: int | None) -> None:
    if not questions or len(questions) > MAX_QUESTIONS:
        raise ClinicalInputError(f"{field}_questions", f"ask 1 to {MAX_QUESTIONS} questions")
    if any(not question.strip() for question in questions):
        raise ClinicalInputError(f"{field}_questions", "a question cannot be empty")
    if positive_at is None:
        raise ClinicalInputError(f"{field}_positive_at", "set how many yes answers are positive")
    require_int(f"{field}_positive_at", positive_at, 1, len(questions))


# Every check listed, none scheduled: the clinic sets how often (and the blood-pressure and
# liver cut-offs) in its own protocol version. A questionnaire starts positive at any yes.
DEFAULT_WATCH: tuple[WatchCheck, ...] = tuple(
    WatchCheck(kind, questions=STARTING_QUESTIONS[kind], positive_at=1)
    if kind in QUESTION_KINDS
    else WatchCheck(kind)
    for kind in WATCH_KINDS
)


def check_watch(checks: Sequence[WatchCheck]) -> None:
    """A protocol's watch holds each kind once."""
    kinds = [check.kind for check in checks]
    twice = sorted({kind for kind in kinds if kinds.count(kind) > 1})
    if twice:
        raise ClinicalInputError("watch", f"checks listed more than once: {', '.join(twice)}")


@dataclass(frozen=True, slots=True)
class WatchDue:
    """When a check is next due, and whether that day has passed."""

    kind: str
    due_on: dt.date
    overdue: bool


def watch_due(
    check: WatchCheck, maintenance_from: dt.date | None, last_done: dt.date | None, today: dt.date
) -> WatchDue | None:
    """When `check` is next due for a course whose maintenance began on `maintenance_from`:
    `every_weeks` after the last check done, or after maintenance began; None when the check
    is not scheduled or the course is not in maintenance."""
    if check.every_weeks is None or maintenance_from is None:
        return None
    since = max(maintenance_from, last_done) if last_done is not None else maintenance_from
    due_on = since + dt.timedelta(weeks=check.every_weeks)
    return WatchDue(check.kind, due_on, overdue=due_on < today)


def sbp_rise(readings: Sequence[int], count: int) -> float | None:
    """How far the mean of the latest `count` systolic pressures (one per session, oldest
    first) stands above the mean of the first `count`; None until there are twice that many."""
    require_int("readings", count, 1, MAX_TREND_READINGS)
    if len(readings) < 2 * count:
        return None
    first, latest = readings[:count], readings[-count:]
    return round(sum(latest) / count - sum(first) / count, 1)


def watch_positive(check: WatchCheck, *, answers: Sequence[bool] = (), value: float = 0) -> bool:
    """Whether a check's result is positive under the clinic's cut-off: the yes answers of a
    questionnaire (one per question), or the measured `value` (the systolic rise in mmHg,
    the ALT in U/L)."""
    if check.positive_at is None:
        raise ClinicalInputError(f"watch_{check.kind}_positive_at", "the check has no cut-off")
    if check.kind in QUESTION_KINDS:
        if len(answers) != len(check.questions):
            raise ClinicalInputError("answers", f"answer all {len(check.questions)} questions")
        return sum(answers) >= check.positive_at
    if check.kind == "blood_pressure":
        return value >= check.positive_at
    return value > check.positive_at
