"""The one error type of the clinical core, and the input checks that raise it.

Every message names the field (or item) and what is allowed, so a form can show it next to the
field without losing what the user typed (DESIGN: "Bad input gets a clear message naming the field
and the allowed range").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

__all__ = [
    "ClinicalInputError",
    "require_bool",
    "require_choice",
    "require_int",
    "require_number",
]

T = TypeVar("T")


class ClinicalInputError(ValueError):
    """Invalid input to a clinical rule. `field` names the offending field or item."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def require_choice(field: str, value: object, allowed: Sequence[T]) -> T:
    """Return `value` as one of `allowed`, or raise naming the allowed values."""
    for choice in allowed:
        if type(value) is type(choice) and value == choice:
            return choice
    listed = ", ".join(repr(choice) for choice in allowed)
    raise ClinicalInputError(field, f"{value!r} is not allowed; allowed values: {listed}")


def require_bool(field: str, value: object) -> bool:
    """Return `value` if it is True or False (not 0/1, not "yes")."""
    if not isinstance(value, bool):
        raise ClinicalInputError(field, f"{value!r} is not allowed; allowed values: True, False")
    return value


def require_int(field: str, value: object, low: int, high: int | None = None) -> int:
    """Return `value` as an int in [low, high] (high None: no upper limit). Booleans are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ClinicalInputError(field, f"{value!r} is not a whole number; {_range(low, high)}")
    if value < low or (high is not None and value > high):
        raise ClinicalInputError(field, f"{value} is out of range; {_range(low, high)}")
    return value


def require_number(
    field: str, value: object, low: float, high: float, *, low_exclusive: bool = False
) -> float:
    """Return `value` as a finite float in [low, high] ((low, high] if `low_exclusive`)."""
    allowed = f"allowed: {'more than' if low_exclusive else 'from'} {low:g} to {high:g}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ClinicalInputError(field, f"{value!r} is not a number; {allowed}")
    number = float(value)
    too_low = number <= low if low_exclusive else number < low
    if not math.isfinite(number) or too_low or number > high:
        raise ClinicalInputError(field, f"{value!r} is out of range; {allowed}")
    return number


def _range(low: int, high: int | None) -> str:
    return f"allowed: {low} or more" if high is None else f"allowed: {low} to {high}"
