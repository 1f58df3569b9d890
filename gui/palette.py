"""Colours shared by every view, so a sign means the same colour everywhere.

Diverging scale: negative → orange, zero → near white, positive → blue, as
TF Playground does; class 0 is orange and class 1 blue to match (the lab's
figure used red/blue; the hue pairs are close and colour-blind safe).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

NEGATIVE = (245, 147, 34)
NEUTRAL = (232, 234, 235)
POSITIVE = (8, 119, 189)
CLASS_COLOURS = (NEGATIVE, POSITIVE)  # class 0, class 1
MISCLASSIFIED = (220, 20, 60)


def diverging_colormap() -> pg.ColorMap:
    """Orange (−1) → light grey (0) → blue (+1)."""
    return pg.ColorMap(pos=np.array([0.0, 0.5, 1.0]), color=np.array([NEGATIVE, NEUTRAL, POSITIVE], dtype=np.ubyte))


def diverging_rgba(values: np.ndarray, scale: float) -> np.ndarray:
    """(n, 4) uint8 colours for signed values on a symmetric scale of ±``scale``."""
    t = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)) / max(scale, 1e-12), -1.0, 1.0)
    neutral, neg, pos = (np.array(c, dtype=np.float64) for c in (NEUTRAL, NEGATIVE, POSITIVE))
    far = np.where(t[:, None] < 0, neg, pos)
    rgb = neutral + (far - neutral) * np.abs(t)[:, None]
    alpha = np.full((len(t), 1), 255.0)
    return np.hstack([rgb, alpha]).astype(np.ubyte)
