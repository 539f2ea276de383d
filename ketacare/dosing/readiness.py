"""Whether a session's patient may leave yet, as the session screen and the chair board both
show it: one computation, so the two screens cannot disagree. It is the discharge's own check
(`discharge.discharge_check`) on the session's loaded timeline, with the vitals acceptable when
the latest valid reading raised no warning or hard stop (`clinical.vitals_acceptable`), and the
clinician's confirmation assumed, as it is given at the discharge itself."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ketacare import clinical
from ketacare.dosing.discharge import discharge_check
from ketacare.dosing.models import DosingSession, SessionScore, VitalsReading

READY = "Ready for discharge."


@dataclass(frozen=True, slots=True)
class DischargeOutlook:
    """The core's readiness (None before the dose) and the BP checkpoints still missing."""

    readiness: clinical.Readiness | None
    missing: tuple[str, ...]

    @property
    def problems(self) -> tuple[str, ...]:
        return (*(self.readiness.messages if self.readiness else ()), *self.missing)

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        return " ".join(self.problems) or READY


def discharge_outlook(
    session: DosingSession,
    readings: list[VitalsReading],
    scores: list[SessionScore],
    now: dt.datetime | None = None,
) -> DischargeOutlook:
    """What still stands between the session and the discharge; no query is run."""
    readiness, missing = discharge_check(
        session,
        vitals_acceptable=not latest_vitals_concerns(readings),
        clinician_confirms=True,
        now=now,
        readings=readings,
        scores=scores,
    )
    return DischargeOutlook(readiness, tuple(missing))


def latest_vitals_concerns(readings: Sequence[VitalsReading]) -> list[str]:
    """The warnings and hard stops of the latest valid reading (none without a reading)."""
    valid = [r for r in readings if not r.entered_in_error]
    latest = max(valid, key=lambda r: (r.measured_at, r.pk), default=None)
    findings = latest.findings if latest else []
    return [f["message"] for f in findings if not clinical.vitals_acceptable([f.get("kind", "")])]
