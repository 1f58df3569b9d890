"""Every setting of a run in one dataclass; the defaults are the lab preset.

Same settings → same run, bit for bit: the seeds are settings too.  The
field sets below say which changes keep the weights (the trainer adopts them
mid-run) and which rebuild the network and data from the seeds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np

from core.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from core.datasets import DATASETS, make_dataset
from core.initializers import INITIALIZERS
from core.losses import LOSSES, get_loss
from core.network import MLP, validate_sizes
from core.optimizers import OPTIMIZERS, validate_lr
from core.trainer import Trainer

KEEP_WEIGHTS = frozenset({"lr", "activation", "output_activation", "optimizer", "loss", "batch_size", "epochs"})
REBUILD = frozenset({"dataset", "n_points", "noise", "data_seed", "hidden", "init", "seed"})


def _choice(kind: str, value: str, options) -> None:
    if value not in options:
        raise ValueError(f"unknown {kind} {value!r}; choose one of {', '.join(options)}")


@dataclass(frozen=True)
class Settings:
    dataset: str = "xor"
    n_points: int | None = None  # None: the data set's own default (21 for xor, 100 for linear)
    noise: float = 0.0
    data_seed: int = 0
    hidden: tuple[int, ...] = (8, 8)
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    init: str = "uniform01"
    loss: str = "mse"
    optimizer: str = "sgd"
    lr: float = 0.15
    batch_size: int = 0  # 0: full batch
    epochs: int = 20000
    seed: int = 0

    def validated(self) -> Settings:
        """Self, after checking every field; raises ValueError with a one-line reason."""
        _choice("dataset", self.dataset, DATASETS)
        _choice("activation", self.activation, ACTIVATIONS)
        _choice("output activation", self.output_activation, OUTPUT_ACTIVATIONS)
        _choice("init", self.init, INITIALIZERS)
        _choice("loss", self.loss, LOSSES)
        _choice("optimizer", self.optimizer, OPTIMIZERS)
        validate_sizes([2, *self.hidden, 1])
        validate_lr(self.lr)
        get_loss(self.loss).check_output(self.output_activation)
        if self.n_points is not None and not 2 <= self.n_points <= 100_000:
            raise ValueError(f"number of points must be between 2 and 100000, got {self.n_points}")
        if not (math.isfinite(self.noise) and 0.0 <= self.noise <= 1.0):
            raise ValueError(f"noise must be between 0 and 1, got {self.noise}")
        if self.batch_size < 0:
            raise ValueError(f"batch size must be ≥ 0 (0 = full batch), got {self.batch_size}")
        if self.epochs < 0:
            raise ValueError(f"epochs must be ≥ 0, got {self.epochs}")
        if self.seed < 0 or self.data_seed < 0:
            raise ValueError("seeds must be ≥ 0")
        return self

    @property
    def sizes(self) -> list[int]:
        return [2, *self.hidden, 1]

    def changed(self, other: Settings) -> set[str]:
        return {f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)}

    def needs_rebuild(self, other: Settings) -> bool:
        return bool(self.changed(other) & REBUILD)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes).validated()

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return make_dataset(self.dataset, self.n_points, self.noise, np.random.default_rng(self.data_seed))

    def build(self, data: tuple[np.ndarray, np.ndarray] | None = None, record: bool = True) -> Trainer:
        """A fresh trainer: data from ``data_seed`` (or given), weights from ``seed``.

        The weights and the mini-batch shuffling draw from two streams spawned
        from ``seed``, so turning mini-batches on does not change the weights.
        ``record=False`` skips the gradient norms and checkpoints a headless
        run does not show (see ``Trainer``).
        """
        self.validated()
        X, y = self.data() if data is None else data
        weight_rng, shuffle_rng = np.random.default_rng(self.seed).spawn(2)
        net = MLP(self.sizes, self.activation, self.output_activation, self.init, seed=weight_rng)
        return Trainer(net, X, y, self.loss, self.optimizer, self.lr, self.batch_size, seed=shuffle_rng, record=record)


LAB_PRESET = Settings()
