"""Loss functions and the gradient convention of the lab.

Two numbers matter for each loss, and they differ on purpose:

* the **reported** loss, ``value``: the mean over the samples, which is what
  the report prints and plots (``mean((y - out)**2)`` for MSE);
* the **objective** whose gradient drives training: the loss *summed* over the
  samples.  For MSE this is ½·Σ(out − y)², exactly the gradient of the
  report's ``backward()`` (no 1/n, no factor 2).  That is why lr = 0.15
  works in the lab; a mean-reduced gradient learns ~n times slower.

BCE follows the same convention (Σ of the per-sample cross-entropy), so the
learning rate means the same thing for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.activations import Activation, Op


@dataclass(frozen=True)
class Loss:
    name: str
    label: str

    def value(self, out: np.ndarray, y: np.ndarray, D_out: np.ndarray) -> float:
        """Mean loss over the samples (what is printed and plotted)."""
        return self.objective(out, y, D_out) / y.size

    def objective(self, out: np.ndarray, y: np.ndarray, D_out: np.ndarray) -> float:
        """Summed loss: the function whose gradient the trainer follows."""
        raise NotImplementedError

    def output_ops(
        self, out: np.ndarray, y: np.ndarray, D_out: np.ndarray, act: Activation, delta: np.ndarray, tmp: np.ndarray
    ) -> tuple[list[Op], Callable[[], float], list[Op]]:
        """The hot loop's calls that write ∂objective/∂D_out into ``delta``.

        Returned as (calls before the loss value, a function giving the mean
        loss, calls after), because both need ``out − y`` and MSE must read
        the loss before the derivative scales it.  Element-wise, so any
        layout (samples in rows or in columns) works.
        """
        raise NotImplementedError

    def check_output(self, output_activation: str) -> None:
        """Refuse output activations this loss is undefined for."""


class MeanSquaredError(Loss):
    """The report's loss: printed as mean((y − out)²), trained on ½·Σ(out − y)²."""

    def objective(self, out: np.ndarray, y: np.ndarray, D_out: np.ndarray) -> float:
        err = out - y
        return 0.5 * float(np.vdot(err, err))

    def value(self, out: np.ndarray, y: np.ndarray, D_out: np.ndarray) -> float:
        return 2.0 * self.objective(out, y, D_out) / y.size

    def output_ops(self, out, y, D_out, act, delta, tmp):
        vdot, n = np.vdot, y.size
        return [(np.subtract, (out, y, delta))], lambda: vdot(delta, delta) / n, act.derivative_ops(delta, out, tmp)


class BinaryCrossEntropy(Loss):
    """Σ −[y·log p + (1 − y)·log(1 − p)] with p = sigmoid(D_out).

    Computed from the logits D_out (``logaddexp(0, D) − y·D``), so it stays
    finite when p rounds to 0 or 1; with a sigmoid output the delta at D_out
    is simply p − y.
    """

    def objective(self, out: np.ndarray, y: np.ndarray, D_out: np.ndarray) -> float:
        return float(np.sum(np.logaddexp(0.0, D_out) - y * D_out))

    def output_ops(self, out, y, D_out, act, delta, tmp):
        return [(np.subtract, (out, y, delta))], lambda: self.value(out, y, D_out), []

    def check_output(self, output_activation: str) -> None:
        if output_activation != "sigmoid":
            raise ValueError("loss 'bce' needs output activation 'sigmoid' (it compares probabilities)")


LOSSES: dict[str, Loss] = {
    "mse": MeanSquaredError("mse", "MSE (lab)"),
    "bce": BinaryCrossEntropy("bce", "Cross-entropy"),
}


def get_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}") from None
