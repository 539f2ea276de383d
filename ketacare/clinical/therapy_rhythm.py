"""The rhythm of therapy around the doses (REFERENCE §7: preparation → dosing session(s) →
integration). The reference finds no consensus number of preparation sessions nor any timing
rule for integration, so both are the protocol's settings, checked here and applied by the
rules below."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ketacare.clinical.errors import ClinicalInputError, require_choice, require_int
from ketacare.clinical.findings import Finding

if TYPE_CHECKING:
    from ketacare.clinical.protocols.model import Protocol

__all__ = [
    "PREPARATION_RULES",
    "check_therapy",
    "integration_window",
    "preparation_finding",
]

PREPARATION_RULES = ("warning", "hard_stop")
# Bounds against a slip of the keyboard, not clinical limits: at most a dozen preparation
# sessions, and an integration window within two weeks of the dose.
MAX_PREPARATION_SESSIONS = 12
MAX_WINDOW_HOURS = 14 * 24
SOURCE = "REFERENCE §7 (the protocol's setting)"


def check_therapy(protocol: Protocol) -> None:
    """Refuse a protocol whose therapy settings cannot be applied."""
    sessions = protocol.therapy_preparation_sessions
    require_int("therapy_preparation_sessions", sessions, 0, MAX_PREPARATION_SESSIONS)
    require_choice("therapy_preparation_rule", protocol.therapy_preparation_rule, PREPARATION_RULES)
    low, high = protocol.therapy_integration_min_hours, protocol.therapy_integration_max_hours
    if (low is None) != (high is None):
        raise ClinicalInputError(
            "therapy_integration_max_hours", "give both ends of the integration window, or neither"
        )
    if low is not None and high is not None:
        require_int("therapy_integration_min_hours", low, 0, MAX_WINDOW_HOURS)
        require_int("therapy_integration_max_hours", high, 1, MAX_WINDOW_HOURS)
        if high <= low:
            raise ClinicalInputError(
                "therapy_integration_max_hours", "must be later than the window's start"
            )


def preparation_finding(protocol: Protocol, held: int) -> Finding | None:
    """Before the course's first dose: fewer preparation sessions held than the protocol asks
    is a warning or a hard stop, as the protocol says."""
    wanted = protocol.therapy_preparation_sessions
    if held >= wanted:
        return None
    message = (
        f"{held} of {wanted} preparation session{'s' if wanted != 1 else ''} held before the "
        "first dose."
    )
    if protocol.therapy_preparation_rule == "hard_stop":
        return Finding("preparation_sessions", "hard_stop", message, SOURCE)
    return Finding("preparation_sessions", "warning", message, SOURCE)


def integration_window(
    protocol: Protocol, dosed_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime] | None:
    """When the integration session after a dose given at `dosed_at` belongs, if the protocol
    sets a window."""
    low, high = protocol.therapy_integration_min_hours, protocol.therapy_integration_max_hours
    if low is None or high is None:
        return None
    return dosed_at + dt.timedelta(hours=low), dosed_at + dt.timedelta(hours=high)
