"""Per-epoch records of a run, in growable NumPy arrays.

Each epoch stores its loss and accuracy and the squared norms of the
gradient, the update and the weights of every layer.  The trainer keeps those
three vectors as the rows of one (3, parameters) array, so recording them is
two NumPy calls: one squaring of the whole array and one matrix product with
a layer-indicator matrix, written straight into the history row.  On these
tiny arrays a call costs the same whatever its size, so the count is what
matters.  Norms and the update ratio ‖Δθ‖/‖θ‖ are derived from the squares
when asked for, not per epoch.
Entry ``i`` belongs to epoch ``i + 1``: epoch e is the e-th update, and its
loss and accuracy are measured on the forward pass of that epoch, before the
update (as the report prints them).
"""

from __future__ import annotations

import itertools

import numpy as np

_INITIAL_CAPACITY = 1024
_SERIALS = itertools.count()  # tells apart the histories of successive runs


class History:
    def __init__(self, layer_sizes: list[int]) -> None:
        """``layer_sizes``: parameters per layer, in the flat vector's order."""
        depth, total = len(layer_sizes), sum(layer_sizes)
        self._indicator = np.zeros((total, depth))
        start = 0
        for layer, size in enumerate(layer_sizes):
            self._indicator[start : start + size, layer] = 1.0
            start += size
        self._squared = np.empty((3, total))
        self._derived_cache = np.empty((0, 2, depth))
        self._derived_valid = 0
        self.size = 0
        self._serial, self._truncations = next(_SERIALS), 0
        self._loss = np.empty(_INITIAL_CAPACITY)
        self._accuracy = np.empty(_INITIAL_CAPACITY)
        self._squares = np.full((_INITIAL_CAPACITY, 3, depth), np.nan)  # NaN: not recorded

    def __len__(self) -> int:
        return self.size

    def record(self, loss: float, accuracy: float) -> None:
        """Loss and accuracy only (the norms of this epoch stay NaN)."""
        i = self.size
        if i == len(self._loss):
            self._grow()
        self._loss[i] = loss
        self._accuracy[i] = accuracy
        self.size = i + 1

    def record_with_norms(
        self, loss: float, accuracy: float, grad: np.ndarray, update: np.ndarray, weights: np.ndarray
    ) -> None:
        """Loss, accuracy and the per-layer squared norms of three separate vectors."""
        self.record_vectors(loss, accuracy, np.stack((grad, update, weights)))

    def record_vectors(self, loss: float, accuracy: float, vectors: np.ndarray) -> None:
        """Loss, accuracy and the per-layer squared norms of ``vectors``: gradient, update and weights as rows."""
        i = self.size
        if i == len(self._loss):
            self._grow()
        self._loss[i] = loss
        self._accuracy[i] = accuracy
        np.multiply(vectors, vectors, self._squared)
        np.dot(self._squared, self._indicator, self._squares[i])
        self.size = i + 1

    def _grow(self) -> None:
        capacity = 2 * len(self._loss)
        for name in ("_loss", "_accuracy", "_squares"):
            old = getattr(self, name)
            new = np.full((capacity, *old.shape[1:]), np.nan)
            new[: self.size] = old[: self.size]
            setattr(self, name, new)

    def truncate(self, epochs: int) -> None:
        """Forget everything after ``epochs`` (resuming from a past epoch)."""
        self.size = min(self.size, epochs)
        self._derived_valid = min(self._derived_valid, self.size)
        self._truncations += 1

    @property
    def revision(self) -> tuple[int, int, int]:
        """Equal at two moments exactly when nothing recorded changed in between.

        Records are only ever appended, or cut off by ``truncate``, so the
        run, its truncations and its length say it all.  Views compare it to
        skip redrawing a long unchanged history (scrubbing moves only a marker).
        """
        return self._serial, self._truncations, self.size

    @property
    def epochs(self) -> np.ndarray:
        return np.arange(1, self.size + 1)

    @property
    def loss(self) -> np.ndarray:
        return self._loss[: self.size]

    @property
    def accuracy(self) -> np.ndarray:
        return self._accuracy[: self.size]

    @property
    def grad_norm(self) -> np.ndarray:
        """(epochs, layers): ‖∂objective/∂[W; b]‖ of each layer."""
        return self._derived()[0]

    @property
    def update_ratio(self) -> np.ndarray:
        """(epochs, layers): ‖Δ[W; b]‖ / ‖[W; b]‖ after each update."""
        return self._derived()[1]

    def _derived(self) -> tuple[np.ndarray, np.ndarray]:
        """Norms and ratios, computed only for the epochs added since the last call.

        The views ask every frame; recomputing a million rows each time would
        cost more than drawing them.
        """
        if self._derived_cache.shape[0] < len(self._squares):
            grown = np.empty((len(self._squares), *self._derived_cache.shape[1:]))
            grown[: self._derived_valid] = self._derived_cache[: self._derived_valid]
            self._derived_cache = grown
        start, stop = min(self._derived_valid, self.size), self.size
        if stop > start:
            squares = self._squares[start:stop]
            with np.errstate(divide="ignore", invalid="ignore"):
                np.sqrt(squares[:, 0], out=self._derived_cache[start:stop, 0])
                np.sqrt(squares[:, 1] / squares[:, 2], out=self._derived_cache[start:stop, 1])
        self._derived_valid = stop
        return self._derived_cache[:stop, 0], self._derived_cache[:stop, 1]

    def nbytes(self) -> int:
        return self._loss.nbytes + self._accuracy.nbytes + self._squares.nbytes + self._derived_cache.nbytes
