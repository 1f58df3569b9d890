"""Every neuron's output over a grid of the input plane, in one forward pass.

The decision boundary is the output neuron's map; TF-Playground-style
thumbnails are the hidden neurons' maps.  One ``trace`` over the grid gives
them all at once.  Arrays are x-major: ``maps[i, j]`` is the value at
``x1 = xs[i]``, ``x2 = ys[j]`` (pyqtgraph's default image axis order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.activations import run
from core.network import MLP

Bounds = tuple[float, float, float, float]  # x1_min, x1_max, x2_min, x2_max
# The maps are pictures: they become 256 colours, a contour and pixels, where float32's seven digits
# are more than can be seen.  NumPy's float32 exponential costs half its float64 one, and on a CPU
# without AVX-512 the float64 one is libm's scalar loop (0.74 ms per 80 000 values, 16x a vectorised
# one): there float32 makes a frame's field 2-3x faster.  The network and training stay float64.
DISPLAY_DTYPE = np.float32


def domain(X: np.ndarray, margin: float = 0.1) -> Bounds:
    """The data's bounding box, padded by ``margin`` of its extent on each side."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = np.maximum((hi - lo) * margin, 0.05)
    return float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])


def grid(bounds: Bounds, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres xs, ys and the (resolution², 2) points in x-major order."""
    x1_min, x1_max, x2_min, x2_max = bounds
    step_x = (x1_max - x1_min) / resolution
    step_y = (x2_max - x2_min) / resolution
    xs = x1_min + step_x * (np.arange(resolution) + 0.5)
    ys = x2_min + step_y * (np.arange(resolution) + 0.5)
    points = np.column_stack([np.repeat(xs, resolution), np.tile(ys, resolution)])
    return xs, ys, points


@dataclass(frozen=True)
class Field:
    bounds: Bounds
    resolution: int
    maps: list[np.ndarray]  # per weight layer: (units, resolution, resolution) activations, DISPLAY_DTYPE

    @property
    def output(self) -> np.ndarray:
        """The network's output over the plane, (resolution, resolution)."""
        return self.maps[-1][0]


def evaluate_field(net: MLP, bounds: Bounds, resolution: int = 100) -> Field:
    """Every neuron's map, in ``DISPLAY_DTYPE``, computed feature-major: the window does this every frame.

    Each layer is one ``np.dot`` of its ``[Wᵀ | bᵀ]`` matrix with the previous
    activations and a row of ones, into a buffer whose rows already are that
    layer's maps, activated in place: no transposed copies, no broadcast bias.
    """
    _, _, points = grid(bounds, resolution)
    n = len(points)
    inputs = np.empty((points.shape[1] + 1, n), DISPLAY_DTYPE)
    inputs[:-1], inputs[-1] = points.T, 1.0
    maps = []
    with np.errstate(all="ignore"):
        for i, layer in enumerate(net.layers):
            outputs = np.empty((layer.shape[0] + 1, n), DISPLAY_DTYPE)
            outputs[-1] = 1.0  # the next layer's bias input
            activations = outputs[:-1]
            np.dot(layer.astype(DISPLAY_DTYPE), inputs, out=activations)
            run(net.activation_of(i).apply_ops(activations, activations, np.empty_like(activations)))
            maps.append(activations.reshape(-1, resolution, resolution))
            inputs = outputs
    return Field(bounds, resolution, maps)
