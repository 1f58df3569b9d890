"""Activation functions, each with its derivative, in one registry.

The trainer's hot loop is a precomputed list of NumPy calls on preallocated
buffers (see ``core.network.Workspace``), so every activation describes its
work as such calls: ``apply_ops(X, out, tmp)`` turns pre-activations into
activations (``out`` may be ``X``), ``derivative_ops(delta, A, tmp)``
multiplies ``delta`` by f'(D).  Derivatives are written through the output
A = f(D) alone (sigmoid: A·(1 − A); ReLU: D > 0 exactly when A > 0), so the
forward pass can work in place and the report's second exponential is
spared.  The GUI fills its choices from ``ACTIVATIONS``: adding an activation
is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

Op = tuple[Callable[..., Any], tuple[Any, ...]]

# NumPy converts a Python float operand on every call, which costs about as
# much as the arithmetic on these small arrays; a 0-d array goes straight in.
ONE = np.array(1.0)
ONE.flags.writeable = False


def one_like(X: np.ndarray) -> np.ndarray:
    """1 as a 0-d array of ``X``'s dtype: a float64 ``ONE`` would make NumPy compute float32 maps in float64."""
    return ONE if X.dtype == ONE.dtype else np.ones((), X.dtype)


def run(ops: list[Op]) -> None:
    for function, args in ops:
        function(*args)


@dataclass(frozen=True)
class Activation:
    """A named element-wise function with its derivative."""

    name: str
    label: str

    def __call__(self, D: np.ndarray) -> np.ndarray:
        D = np.asarray(D, dtype=np.float64)
        out = np.empty(D.shape)
        with np.errstate(over="ignore"):
            run(self.apply_ops(D, out, np.empty(D.shape)))
        return out

    def derivative(self, A: np.ndarray) -> np.ndarray:
        """f'(D), expressed through A = f(D)."""
        A = np.asarray(A, dtype=np.float64)
        result = np.ones(A.shape)
        run(self.derivative_ops(result, A, np.empty(A.shape)))
        return result

    def apply_ops(self, X: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> list[Op]:
        raise NotImplementedError

    def derivative_ops(self, delta: np.ndarray, A: np.ndarray, tmp: np.ndarray) -> list[Op]:
        raise NotImplementedError


class Sigmoid(Activation):
    """Logistic function 1 / (1 + e^−D).

    For D < −709 (−88 in float32), e^−D overflows to inf and the result is exactly the limit 0:
    no NaN is possible, only NumPy's overflow flag, which ``__call__`` and the
    trainer silence.  One exp per element is the cheapest stable form here:
    tanh is slower, the piecewise form needs a mask and two passes.
    """

    def apply_ops(self, X, out, tmp):
        return [
            (np.negative, (X, out)),
            (np.exp, (out, out)),
            (np.add, (out, one_like(out), out)),
            (np.reciprocal, (out, out)),
        ]

    def derivative_ops(self, delta, A, tmp):
        return [(np.multiply, (A, A, tmp)), (np.subtract, (A, tmp, tmp)), (np.multiply, (delta, tmp, delta))]


class Tanh(Activation):
    def apply_ops(self, X, out, tmp):
        return [(np.tanh, (X, out))]

    def derivative_ops(self, delta, A, tmp):
        return [
            (np.multiply, (A, A, tmp)),
            (np.subtract, (one_like(tmp), tmp, tmp)),
            (np.multiply, (delta, tmp, delta)),
        ]


class ReLU(Activation):
    """max(0, D); the derivative at 0 is taken as 0."""

    def apply_ops(self, X, out, tmp):
        return [(partial(np.maximum, out=out), (X, 0.0))]

    def derivative_ops(self, delta, A, tmp):
        return [(np.greater, (A, 0.0, tmp)), (np.multiply, (delta, tmp, delta))]


@dataclass(frozen=True)
class LeakyReLU(Activation):
    """D for D > 0, slope·D otherwise: keeps a gradient where ReLU dies."""

    slope: float = 0.01

    def apply_ops(self, X, out, tmp):
        # leaky(D) = D − (1 − slope)·min(D, 0), safe when out is X.
        return [
            (partial(np.minimum, out=tmp), (X, 0.0)),
            (np.multiply, (tmp, 1.0 - self.slope, tmp)),
            (np.subtract, (X, tmp, out)),
        ]

    def derivative_ops(self, delta, A, tmp):
        return [
            (np.greater, (A, 0.0, tmp)),
            (np.multiply, (tmp, 1.0 - self.slope, tmp)),
            (np.add, (tmp, self.slope, tmp)),
            (np.multiply, (delta, tmp, delta)),
        ]


class Identity(Activation):
    """No activation: the report's "without activation" experiment."""

    def apply_ops(self, X, out, tmp):
        return [] if out is X else [(np.copyto, (out, X))]

    def derivative_ops(self, delta, A, tmp):
        return []


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Sigmoid("sigmoid", "Sigmoid"),
    "tanh": Tanh("tanh", "tanh"),
    "relu": ReLU("relu", "ReLU"),
    "leaky_relu": LeakyReLU("leaky_relu", "Leaky ReLU"),
    "none": Identity("none", "None (linear)"),
}

OUTPUT_ACTIVATIONS: tuple[str, ...] = ("sigmoid", "none")


def get_activation(name: str) -> Activation:
    """Look up an activation, with a message that lists the valid names."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}") from None
