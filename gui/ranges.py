"""Axis ranges that move in steps, so the axes are not re-ticked every frame.

Re-ticking an axis (laying out its numbers) costs more than drawing a curve;
a range that follows the data frame by frame re-ticks every frame.  These
round the range outwards to the next step of a ladder (1, 1.2, 1.5, 2, 2.5,
3, 4, 5, 6, 8 × 10^k: never more than a fifth of the axis wasted) or to the
next decade, so a 20 000-epoch run re-ticks a few dozen times, not 600.
"""

from __future__ import annotations

import math

import numpy as np

LADDER = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest step of ``LADDER`` × 10^k not below ``value`` (> 0)."""
    exponent = 10.0 ** math.floor(math.log10(value))
    return next(step * exponent for step in LADDER if step * exponent >= value * (1 - 1e-12))


def decades(values: list[np.ndarray]) -> tuple[float, float] | None:
    """log10 of the whole decades around the positive finite values, or None if there are none."""
    positive = [v[np.isfinite(v) & (v > 0)] for v in values]
    positive = [v for v in positive if len(v)]
    if not positive:
        return None
    low = min(float(v.min()) for v in positive)
    high = max(float(v.max()) for v in positive)
    bottom = math.floor(math.log10(low))
    return float(bottom), float(max(math.ceil(math.log10(high)), bottom + 1))
