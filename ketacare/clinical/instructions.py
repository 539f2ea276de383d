"""What a patient is told to do before and after a dosing session, in plain words, from their
protocol's own pre-dose rules (REFERENCE §1.4, §1.7): the portal shows these beside each
upcoming session. Only rules the patient acts on are told; the rest are the staff's checklist."""

from __future__ import annotations

from ketacare.clinical.protocols.model import PreDoseRule, Protocol
from ketacare.clinical.routes import ESKETAMINE

__all__ = ["patient_instructions"]

# REFERENCE §1.7: no driving or machinery until the next day after a restful sleep.
_AFTER_ESKETAMINE = ("Do not drive or use machinery until the next day, after a restful sleep.",)


def patient_instructions(protocol: Protocol) -> tuple[str, ...]:
    """The protocol's instructions for the patient, in the order the protocol lists them."""
    told = tuple(text for rule in protocol.pre_dose if (text := _told(rule)) is not None)
    return told + (_AFTER_ESKETAMINE if protocol.route == ESKETAMINE else ())


def _told(rule: PreDoseRule) -> str | None:
    if rule.code == "driver_arranged":
        return "Arrange for someone to drive you home afterwards."
    if rule.minutes_before is None:
        # A clinic's version without a time keeps the protocol's own words.
        return rule.text if rule.code in _TIMED else None
    before = _duration(rule.minutes_before)
    wording = {
        "no_food": f"Do not eat for {before} before your session.",
        "no_liquids": f"Do not drink anything for {before} before your session.",
        "nasal_steroid_decongestant": (
            f"If you use a steroid or decongestant nose spray, use it at least {before} "
            "before your session."
        ),
    }
    return wording.get(rule.code)


_TIMED = frozenset({"no_food", "no_liquids", "nasal_steroid_decongestant"})


def _duration(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"
