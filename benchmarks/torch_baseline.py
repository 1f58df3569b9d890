"""The lab preset's epoch in PyTorch (CPU, float64): the benchmark's third contender.

Written the way a PyTorch user would write a 2-8-8-1 sigmoid net they want
fast: plain leaf tensors instead of ``nn.Module`` (no hooks, no dispatch
through ``Module.__call__``), ``torch.addmm`` for ``A @ W + b``, autograd
on the summed objective ½·Σ(out − y)² (the lab's gradient), the SGD step
in place under ``torch.no_grad()`` and ``grad = None`` instead of zeroing.
The weights use the report's shapes, W (fan_in, fan_out) and b (1, fan_out),
so the same initial weights go in as they are.  Benchmark-only: PyTorch is
never a dependency of the project.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def _leaf(array: np.ndarray) -> torch.Tensor:
    return torch.tensor(array, dtype=torch.float64, requires_grad=True)


class TorchNetwork:
    def __init__(self, params: Sequence[tuple[np.ndarray, np.ndarray]], learning_rate: float = 0.15) -> None:
        self.learning_rate = learning_rate
        self.layers = [(_leaf(W), _leaf(b)) for W, b in params]
        self.parameters = [p for layer in self.layers for p in layer]

    def train_epoch(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """One full-batch epoch; returns the summed objective of its forward pass (a 0-d tensor).

        No ``.item()`` here: forcing a Python float every epoch is not what a
        training loop that logs every 500 epochs does.
        """
        out = X
        for W, b in self.layers:
            out = torch.sigmoid(torch.addmm(b, out, W))
        objective = 0.5 * (out - y).square().sum()
        objective.backward()
        with torch.no_grad():
            for p in self.parameters:
                p.sub_(p.grad, alpha=self.learning_rate)
                p.grad = None
        return objective.detach()

    def numpy_params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(W.detach().numpy().copy(), b.detach().numpy().copy()) for W, b in self.layers]
