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
FACTOR_LIMIT = 300.0  # |exponent| of each factor in sigmoid_on_grid: their product stays within float64


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
    maps: list[np.ndarray]  # per weight layer: (units, resolution, resolution) activations

    @property
    def output(self) -> np.ndarray:
        """The network's output over the plane, (resolution, resolution)."""
        return self.maps[-1][0]


def evaluate_field(net: MLP, bounds: Bounds, resolution: int = 100) -> Field:
    """Every neuron's map, computed feature-major: the window does this every frame.

    Each layer is one ``np.dot`` of its ``[Wᵀ | bᵀ]`` matrix with the previous
    activations and a row of ones, into a buffer whose rows already are that
    layer's maps, activated in place: no transposed copies, no broadcast bias.
    A first sigmoid layer is built from its factors instead (``sigmoid_on_grid``).
    """
    xs, ys, points = grid(bounds, resolution)
    n = len(points)
    inputs = np.empty((points.shape[1] + 1, n))
    inputs[:-1], inputs[-1] = points.T, 1.0
    maps = []
    with np.errstate(all="ignore"):
        for i, layer in enumerate(net.layers):
            outputs = np.empty((layer.shape[0] + 1, n))
            outputs[-1] = 1.0  # the next layer's bias input
            activations = outputs[:-1]
            cells = activations.reshape(-1, resolution, resolution)
            factored = i == 0 and layer.shape[1] == 3 and net.activation_of(0).name == "sigmoid"
            if not (factored and sigmoid_on_grid(layer, xs, ys, cells)):
                np.dot(layer, inputs, out=activations)
                run(net.activation_of(i).apply_ops(activations, activations, np.empty_like(activations)))
            maps.append(cells)
            inputs = outputs
    return Field(bounds, resolution, maps)


def sigmoid_on_grid(layer: np.ndarray, xs: np.ndarray, ys: np.ndarray, out: np.ndarray) -> bool:
    """σ(w1·x1 + w2·x2 + b) on the grid into ``out`` (units, len(xs), len(ys)), from 2·resolution exponentials.

    On a grid D is a row term plus a column term, so e^−D = e^−(w1·x1 + b) · e^−(w2·x2): two
    short vectors of exponentials and one product, where the direct way takes an exponential per
    cell (NumPy calls libm's scalar ``exp`` for float64, the largest cost of a frame).  The result
    differs from the direct one in the last bits only.  Returns False, leaving ``out`` to the
    caller, when a factor could overflow (or a weight is not finite): the product of e^±300
    factors still fits a float64.
    """
    rows = -(np.outer(layer[:, 0], xs) + layer[:, 2:3])
    columns = -np.outer(layer[:, 1], ys)
    if not (np.abs(rows).max() <= FACTOR_LIMIT and np.abs(columns).max() <= FACTOR_LIMIT):
        return False
    np.multiply(np.exp(rows)[:, :, None], np.exp(columns)[:, None, :], out=out)
    out += 1.0
    np.reciprocal(out, out=out)
    return True
