"""Weight initialisation schemes, in one registry.

Every scheme draws W of shape (fan_in, fan_out) from the Generator it is
given, layer after layer, so one seed fixes the whole network.  Biases always
start at zero, as in the report.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Initializer = Callable[[np.random.Generator, int, int], np.ndarray]


def uniform01(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """U(0, 1), the report's ``np.random.uniform(0, 1, (fan_in, fan_out))``."""
    return rng.uniform(0.0, 1.0, (fan_in, fan_out))


def xavier(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """Glorot uniform: keeps the variance of sigmoid/tanh layers constant."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def he(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """He normal: N(0, 2/fan_in), suited to ReLU layers."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))


INITIALIZERS: dict[str, Initializer] = {"uniform01": uniform01, "xavier": xavier, "he": he}


def get_initializer(name: str) -> Initializer:
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ValueError(f"unknown init {name!r}; choose one of {', '.join(INITIALIZERS)}") from None
