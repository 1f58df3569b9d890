"""Immutable pictures of a run at one epoch.

Views draw from snapshots, never from the live network, so showing a past
epoch is the same code as showing the present one.  A snapshot carries all
the trainer needs to resume bit-identically: weights, optimizer state and
the shuffling generator's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.network import MLP, flat_views, split_layer


def frozen(array: np.ndarray) -> np.ndarray:
    """A read-only copy: snapshots must not change under a view's feet."""
    copy = np.array(array, dtype=np.float64, copy=True)
    copy.setflags(write=False)
    return copy


@dataclass(frozen=True)
class Snapshot:
    epoch: int
    loss: float  # loss of the last trained epoch (nan before the first)
    accuracy: float
    sizes: tuple[int, ...]
    activation: str
    output_activation: str
    loss_name: str
    optimizer_name: str
    lr: float
    batch_size: int
    weights: np.ndarray  # flat [W; b] per layer, as MLP.flat
    grad: np.ndarray  # gradient of the last epoch, same layout
    update: np.ndarray  # Δθ of the last epoch, same layout
    optimizer_state: dict[str, Any] = field(default_factory=dict, repr=False)
    rng_state: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [split_layer(layer) for layer in flat_views(self.weights, self.sizes)]

    @property
    def grads(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [split_layer(layer) for layer in flat_views(self.grad, self.sizes)]

    @property
    def updates(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [split_layer(layer) for layer in flat_views(self.update, self.sizes)]

    def network(self) -> MLP:
        """A live copy of the network at this epoch, e.g. to evaluate a grid."""
        return MLP.from_flat(self.sizes, self.weights, self.activation, self.output_activation)

    @property
    def nbytes(self) -> int:
        """Bytes of its arrays, which the timeline's budget counts (a checkpoint every few epochs asks)."""
        total = self.weights.nbytes + self.grad.nbytes + self.update.nbytes
        for value in self.optimizer_state.values():
            if isinstance(value, np.ndarray):
                total += value.nbytes
        return total
