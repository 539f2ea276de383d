"""Confidence intervals for the clinic's outcome rates (not a clinical rule: statistics)."""

from __future__ import annotations

import math
from statistics import NormalDist

from ketacare.clinical.errors import ClinicalInputError, require_int, require_number

__all__ = ["wilson_interval"]


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for `successes` out of `n`, without continuity correction
    (Wilson 1927; Newcombe 1998, method 3). Unlike the normal approximation it stays within
    0..1 and is sound for small samples and for 0 % or 100 %, as a clinic's rates often are."""
    trials = require_int("n", n, 1)
    hits = require_int("successes", successes, 0, trials)
    level = require_number("confidence", confidence, 0, 1, low_exclusive=True)
    if level == 1:
        raise ClinicalInputError("confidence", "1 is out of range; allowed: more than 0, below 1")
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = hits / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    # At 0 or n successes the bound is exactly 0 or 1; rounding must not move it past.
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == trials else min(1.0, centre + half)
    return low, high
