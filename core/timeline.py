"""Checkpoints of a run within a memory budget, so any past epoch can be shown.

Training is deterministic, so a checkpoint every few epochs is as good as a
snapshot of every epoch: the trainer rebuilds epoch e exactly (bit for bit)
by replaying from the nearest checkpoint at or before e.  Recording costs one
snapshot every ``stride`` epochs.  When the checkpoints outgrow the budget,
the stride doubles and every other one goes, so a run of any length fits
and replaying never takes more than ``stride`` epochs.  Checkpoints taken
when a setting changed mid-run (learning rate, activation, …) are pinned:
replay must start after the change, with the settings the snapshot holds.
"""

from __future__ import annotations

import bisect

from core.snapshot import Snapshot

DEFAULT_BUDGET = 64 * 2**20  # bytes
INITIAL_STRIDE = 16
OBJECT_OVERHEAD = 2048  # bytes per snapshot beyond its arrays: the dataclass, dicts, generator state


class Timeline:
    def __init__(self, budget: int = DEFAULT_BUDGET, stride: int = INITIAL_STRIDE) -> None:
        self.budget = budget
        self.stride = stride
        self._epochs: list[int] = []  # sorted
        self._snapshots: dict[int, Snapshot] = {}
        self._pinned: set[int] = set()
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._epochs)

    @property
    def epochs(self) -> list[int]:
        return list(self._epochs)

    def add(self, snapshot: Snapshot, pinned: bool = False) -> None:
        epoch = snapshot.epoch
        if epoch in self._snapshots:
            self.nbytes -= self._size(self._snapshots[epoch])
        else:
            bisect.insort(self._epochs, epoch)
        self._snapshots[epoch] = snapshot
        self.nbytes += self._size(snapshot)
        if pinned:
            self._pinned.add(epoch)
        while self.nbytes > self.budget and self._thin():
            pass

    def at_or_before(self, epoch: int) -> Snapshot:
        """The latest checkpoint not after ``epoch``."""
        index = bisect.bisect_right(self._epochs, epoch) - 1
        if index < 0:
            raise ValueError(f"no checkpoint at or before epoch {epoch}")
        return self._snapshots[self._epochs[index]]

    def truncate(self, epoch: int) -> None:
        """Forget checkpoints after ``epoch`` (resuming from the past)."""
        index = bisect.bisect_right(self._epochs, epoch)
        for dropped in self._epochs[index:]:
            self.nbytes -= self._size(self._snapshots.pop(dropped))
            self._pinned.discard(dropped)
        del self._epochs[index:]

    def _thin(self) -> bool:
        """Double the stride and drop regular checkpoints off it; False if nothing could go."""
        self.stride *= 2
        keep = [e for e in self._epochs if e % self.stride == 0 or e in self._pinned or e == self._epochs[-1]]
        if len(keep) == len(self._epochs):
            return self.stride < 2**40
        for dropped in set(self._epochs) - set(keep):
            self.nbytes -= self._size(self._snapshots.pop(dropped))
        self._epochs = keep
        return True

    @staticmethod
    def _size(snapshot: Snapshot) -> int:
        return snapshot.nbytes + OBJECT_OVERHEAD
