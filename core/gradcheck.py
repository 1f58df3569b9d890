"""Backpropagation checked against central differences.

The relative error of a layer is max|analytic − numeric| / max(max|numeric|, tiny):
measured against the layer's largest gradient, so tiny entries near a kink
or a saturated unit do not dominate.  Below 1e-6 the backward pass is right.

ReLU and leaky ReLU have a kink at 0, where a central difference straddles
two slopes and means nothing; with zero biases the lab's point (0, 0) sits
exactly there.  Samples whose hidden pre-activations come within ``KINK`` of
0 are left out of the check (``smooth_samples``), as CS231n advises.
"""

from __future__ import annotations

import numpy as np

from core.losses import get_loss
from core.network import MLP, flat_views

TOLERANCE = 1e-6
SAMPLES = 32  # checked samples: enough to exercise every unit, few enough to answer at once
KINK = 1e-4
PIECEWISE = frozenset({"relu", "leaky_relu"})


def spread(n: int, count: int = SAMPLES) -> np.ndarray:
    """Indices of ``count`` samples spread evenly over ``n`` (all of them when n ≤ count)."""
    return np.unique(np.linspace(0, n - 1, min(count, n)).round().astype(int))


def smooth_samples(net: MLP, X: np.ndarray) -> np.ndarray:
    """Mask of the samples on which every hidden unit is differentiable."""
    keep = np.ones(len(X), dtype=bool)
    if net.activation in PIECEWISE:
        for D in net.trace(X).D[:-1]:
            keep &= np.all(np.abs(D) > KINK, axis=1)
    return keep


def _objective(net: MLP, X: np.ndarray, y: np.ndarray, loss: str) -> float:
    trace = net.trace(X)
    return get_loss(loss).objective(trace.A[-1], y, trace.D[-1])


def numeric_gradient(net: MLP, X: np.ndarray, y: np.ndarray, loss: str = "mse", eps: float = 1e-6) -> np.ndarray:
    """Central differences of the summed objective, in ``net.flat``'s layout."""
    y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
    probe = net.copy()
    grad = np.empty_like(probe.flat)
    with np.errstate(all="ignore"):
        for k in range(probe.flat.size):
            original = probe.flat[k]
            probe.flat[k] = original + eps
            plus = _objective(probe, X, y, loss)
            probe.flat[k] = original - eps
            minus = _objective(probe, X, y, loss)
            probe.flat[k] = original
            grad[k] = (plus - minus) / (2 * eps)
    return grad


def relative_errors(net: MLP, X: np.ndarray, y: np.ndarray, loss: str = "mse", eps: float = 1e-6) -> list[float]:
    """Max relative error of backprop against central differences, per layer."""
    y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
    keep = smooth_samples(net, X)
    X, y = X[keep], y[keep]
    analytic = np.concatenate([np.concatenate([dW.T, db.T], axis=1).ravel() for dW, db in net.gradients(X, y, loss)])
    numeric = numeric_gradient(net, X, y, loss, eps)
    errors = []
    for a, n in zip(flat_views(analytic, net.sizes), flat_views(numeric, net.sizes), strict=True):
        scale = max(float(np.max(np.abs(n))), 1e-12)
        errors.append(float(np.max(np.abs(a - n))) / scale)
    return errors
