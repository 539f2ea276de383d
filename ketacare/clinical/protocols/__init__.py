"""Protocols: versioned definitions as data, and session planning (REFERENCE §1.3, §2.2).

`PROTOCOLS` holds the built-in protocols keyed by code; `customise` derives a clinic version;
`plan_sessions` lays out a course's sessions on the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ketacare.clinical.errors import require_choice
from ketacare.clinical.protocols.library import PROTOCOLS
from ketacare.clinical.protocols.model import (
    DoseRule,
    MonitoringPlan,
    Phase,
    PreDoseRule,
    Protocol,
    Stage,
    customise,
)
from ketacare.clinical.protocols.orders import dose_order_findings
from ketacare.clinical.protocols.schedule import (
    DEFAULT_WEEKDAYS,
    WEEKDAY_NAMES,
    PlannedSession,
    plan_phases,
)

__all__ = [
    "DEFAULT_WEEKDAYS",
    "PROTOCOLS",
    "WEEKDAY_NAMES",
    "DoseRule",
    "MonitoringPlan",
    "Phase",
    "PlannedSession",
    "PreDoseRule",
    "Protocol",
    "Stage",
    "customise",
    "dose_order_findings",
    "get_protocol",
    "plan_sessions",
]


def get_protocol(protocol: str | Protocol) -> Protocol:
    """`protocol` itself, or the built-in protocol with that code."""
    if isinstance(protocol, Protocol):
        return protocol
    return PROTOCOLS[require_choice("protocol", protocol, tuple(PROTOCOLS))]


def plan_sessions(
    protocol: str | Protocol,
    start: dt.date,
    *,
    weekdays: Sequence[int | str] | None = None,
    sessions: int | None = None,
    weeks: int | None = None,
    through: dt.date | None = None,
    maintenance_interval_weeks: int | None = None,
    from_phase: str | None = None,
) -> list[PlannedSession]:
    """Plan the sessions of `protocol` (a code or a Protocol) from `start` (REFERENCE §1.3, §2.2).

    `weekdays`: the days of the most frequent phase (0-6 with Monday = 0, or names); there must
    be as many as its sessions a week; less frequent phases use the first ones listed. Default:
    Mon; Mon/Thu; Mon/Wed/Fri. `sessions`, `weeks` (counted from the first planned week) and
    `through` (a date, inclusive) cut the plan short; an open-ended phase (esketamine week 9+) is
    planned only when one of them is given. `maintenance_interval_weeks` picks the interval of a
    phase that offers a choice (esketamine TRD week 9+: 1 or 2, default 2). `from_phase` starts
    at a later phase (by code), e.g. "maintenance_w5_8".
    """
    return plan_phases(
        get_protocol(protocol),
        start,
        weekdays=weekdays,
        limits=(sessions, weeks, through),
        interval_weeks=maintenance_interval_weeks,
        from_phase=from_phase,
    )
