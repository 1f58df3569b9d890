"""Optimizers that update the flat parameter vector in place.

Each one writes the step it takes into ``update`` (Δθ, same layout as the
parameters) before adding it, so the GUI can colour the diagram "by last
update" and the history can record ‖ΔW‖/‖W‖ without recomputing anything.
``update`` is a new array, or the one given (the trainer's, see ``Trainer``),
zeroed either way: a new optimizer has taken no step.
State (velocities, moments, step count) comes out of ``state()`` and goes back
through ``load_state()`` so a snapshot can resume bit-identically.  ``update``
is not state: the next step overwrites it, and a snapshot keeps it anyway.
"""

from __future__ import annotations

import math

import numpy as np


def validate_lr(lr: float) -> float:
    lr = float(lr)
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"learning rate must be a finite number > 0, got {lr}")
    return lr


class Optimizer:
    name = ""
    label = ""

    def __init__(self, size: int, lr: float, *, update: np.ndarray | None = None) -> None:
        self._minus_lr = np.array(0.0)  # −lr as a 0-d array, cheaper to pass than a float (see activations.ONE)
        self.lr = validate_lr(lr)
        self.update = np.zeros(size) if update is None else update
        self.update[...] = 0.0

    @property
    def lr(self) -> float:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = value
        self._minus_lr[...] = -value

    def step(self, params: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError

    def state(self) -> dict[str, np.ndarray | int]:
        return {}

    def load_state(self, state: dict[str, np.ndarray | int]) -> None:
        for key, value in state.items():
            current = getattr(self, key)
            if isinstance(current, np.ndarray):
                current[...] = value
            else:
                setattr(self, key, value)


class SGD(Optimizer):
    """Plain gradient descent, θ ← θ − lr·g: the report's update."""

    name, label = "sgd", "SGD (lab)"

    def step(self, params: np.ndarray, grad: np.ndarray) -> None:
        np.multiply(grad, self._minus_lr, self.update)
        np.add(params, self.update, params)


class Momentum(Optimizer):
    """Heavy-ball momentum: v ← μ·v − lr·g, θ ← θ + v.

    The velocity is state of its own, not ``update``: a mini-batch epoch
    reports its total Δθ in ``update``.
    """

    name, label = "momentum", "Momentum"

    def __init__(self, size: int, lr: float, momentum: float = 0.9, *, update: np.ndarray | None = None) -> None:
        super().__init__(size, lr, update=update)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = momentum
        self.velocity = np.zeros(size)
        self._scaled = np.zeros(size)

    def step(self, params: np.ndarray, grad: np.ndarray) -> None:
        self.velocity *= self.momentum
        np.multiply(grad, self.lr, self._scaled)
        self.velocity -= self._scaled
        self.update[...] = self.velocity
        params += self.velocity

    def state(self) -> dict[str, np.ndarray | int]:
        return {"velocity": self.velocity.copy()}


class Adam(Optimizer):
    """Adam (Kingma & Ba) with bias correction; lr of ~0.01 suits the lab data."""

    name, label = "adam", "Adam"

    def __init__(
        self,
        size: int,
        lr: float,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        *,
        update: np.ndarray | None = None,
    ) -> None:
        super().__init__(size, lr, update=update)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(size)
        self.v = np.zeros(size)
        self.t = 0
        self._tmp = np.zeros(size)

    def step(self, params: np.ndarray, grad: np.ndarray) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m *= b1
        self.m += (1.0 - b1) * grad
        np.multiply(grad, grad, out=self._tmp)
        self._tmp *= 1.0 - b2
        self.v *= b2
        self.v += self._tmp
        step = self.lr * math.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        np.sqrt(self.v, out=self._tmp)
        self._tmp += self.eps
        np.divide(self.m, self._tmp, out=self.update)
        self.update *= -step
        params += self.update

    def state(self) -> dict[str, np.ndarray | int]:
        return {"m": self.m.copy(), "v": self.v.copy(), "t": self.t}


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Momentum, Adam)}


def make_optimizer(name: str, size: int, lr: float, update: np.ndarray | None = None) -> Optimizer:
    """A fresh optimizer; ``update``: the array to write its steps into (zeroed), instead of a new one."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}") from None
    return cls(size, lr, update=update)
