"""Which scores stand for a treatment course in the clinic's outcomes (REFERENCE §5.1 defines
response and remission against a baseline; which administration is the baseline and which the
end of induction is KetaCare's convention, documented in docs/clinical.md §2c).

- Baseline: the latest score on or before the day of the first dose, taken at most
  `baseline_max_days` (30 by default) before it: an older score no longer describes the
  episode being treated.
- End of induction: the first score after the day of the last induction session (from the
  next day), within `end_window_days` after it (7 by default), for a course that completed
  induction. A score of that session's own day was taken before its dose (or in the hours of
  its effects) and does not tell what the whole induction did; the measurement plan asks for
  the end-of-induction questionnaire in the same days (`measurement_plans`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ketacare.clinical.errors import require_int
from ketacare.clinical.outcome_rates import Episode

__all__ = ["BASELINE_MAX_DAYS", "END_WINDOW_DAYS", "DatedScore", "course_episode"]

END_WINDOW_DAYS = 7
BASELINE_MAX_DAYS = 30


@dataclass(frozen=True, slots=True)
class DatedScore:
    on: dt.date
    total: int


def course_episode(
    instrument: str,
    scores: Sequence[DatedScore],
    *,
    first_dose_on: dt.date | None,
    induction_end_on: dt.date | None,
    completed_induction: bool,
    remission_max: int | None = None,
    end_window_days: int = END_WINDOW_DAYS,
    baseline_max_days: int = BASELINE_MAX_DAYS,
) -> Episode:
    """The course's `Episode` on `instrument` from its valid scores (any order)."""
    window = require_int("end_window_days", end_window_days, 0, 60)
    oldest = require_int("baseline_max_days", baseline_max_days, 0, 365)
    ordered = sorted(scores, key=lambda s: s.on)
    baseline = None
    if first_dose_on is not None:
        earliest = first_dose_on - dt.timedelta(days=oldest)
        before = [s.total for s in ordered if earliest <= s.on <= first_dose_on]
        baseline = before[-1] if before else None
    end = None
    if completed_induction and induction_end_on is not None:
        last_day = induction_end_on + dt.timedelta(days=window)
        after = [s.total for s in ordered if induction_end_on < s.on <= last_day]
        end = after[0] if after else None
    return Episode(instrument, baseline, end, completed_induction, remission_max)
