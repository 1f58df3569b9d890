"""The trainer: the only thing that changes a network.

One epoch = forward, backward, one optimizer step per batch (full batch by
default, as in the lab), then one record in the history.  Divergence is
detected here, so every front end (command line, window) reports it the
same way:

* the loss became NaN or inf (weights that overflow make it so one epoch
  later), or
* the output's error signal vanished for every sample while some are still
  misclassified: the outputs saturated on the wrong side and no gradient can
  flow any more.  That is how a sigmoid network "diverges" at lr = 100: its
  loss never overflows, it freezes at chance.

The trainer also keeps the run's past: per-epoch records in ``history``
and checkpoints in ``timeline``, from which ``snapshot_at`` rebuilds any
past epoch exactly.  ``record=False`` keeps only loss and accuracy: for the
command line, which shows nothing else, and for throw-away replays.

Gradient, update and weights are the three rows of one array the trainer
owns (``_vectors``): the workspace writes the gradient into row 0, the
optimizer its step into row 1, and the network keeps its weights in row 2
(``MLP.keep_weights_in``).  Recording an epoch then squares all three in one
call, and a checkpoint copies them in one.

Steps run under ``np.errstate(all="ignore")`` because a diverging run
overflows by nature; the divergence check, not a warning per element, tells
the user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.history import History
from core.losses import Loss, get_loss
from core.network import MLP, Workspace
from core.optimizers import make_optimizer, validate_lr
from core.snapshot import Snapshot, frozen
from core.timeline import Timeline

# What changes from epoch to epoch, copied: epoch, loss, accuracy, [gradient; update; weights], optimizer and
# generator state.  A checkpoint takes one in the epoch loop and becomes a Snapshot after it (see _file_checkpoints).
Moment = tuple[int, float, float, np.ndarray, dict[str, Any], dict[str, Any]]

HALF = np.array(0.5)  # a 0-d array: see core.activations.ONE
HALF.flags.writeable = False
VANISHED = 1e-10  # ‖∂objective/∂D_out‖ below this: no learning signal left


@dataclass(frozen=True)
class Divergence:
    epoch: int
    reason: str

    def message(self) -> str:
        return f"diverged at epoch {self.epoch}: {self.reason} — lower the learning rate"


class Trainer:
    def __init__(
        self,
        net: MLP,
        X: np.ndarray,
        y: np.ndarray,
        loss: str = "mse",
        optimizer: str = "sgd",
        lr: float = 0.15,
        batch_size: int = 0,
        seed: int | np.random.Generator = 0,
        record: bool = True,
        timeline: Timeline | None = None,
    ) -> None:
        self.net = net
        self._vectors = np.zeros((3, net.flat.size))  # gradient, update, weights; zero: no epoch yet
        net.keep_weights_in(self._vectors[2])
        self.record = record
        self.timeline: Timeline | None = None
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        self.y = np.ascontiguousarray(y, dtype=np.float64).reshape(len(self.X), -1)
        self._positive = np.ascontiguousarray(self.y.T > 0.5)  # feature-major, as the workspace works
        self._workspaces: dict[int, Workspace] = {}
        self.set_loss(loss)
        self._optimizer = make_optimizer(optimizer, net.flat.size, lr, self._vectors[1])
        self.set_batch_size(batch_size)
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.epoch = 0
        self.divergence: Divergence | None = None
        self._last_loss = math.nan
        self._last_accuracy = math.nan
        self._full = self._workspaces[len(self.X)] = Workspace(net, len(self.X), self._loss, self._vectors[0])
        self._full.load(self.X, self.y)
        self._correct = np.empty(self._positive.shape, dtype=bool)
        self.history = History([layer.size for layer in net.layers])
        self._replica: Trainer | None = None
        self._replica_base: Snapshot | None = None  # the checkpoint the replica started from
        self._unfiled: list[Moment] = []  # checkpoints taken during train(), not yet in the timeline
        if record:
            self.timeline = Timeline() if timeline is None else timeline
            self.timeline.add(self.snapshot(), pinned=True)

    # -- settings that keep the weights -------------------------------------
    @property
    def lr(self) -> float:
        return self._optimizer.lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._optimizer.lr = validate_lr(value)
        self._pin()

    @property
    def optimizer(self) -> str:
        return self._optimizer.name

    def set_optimizer(self, name: str) -> None:
        """Switch optimizer, keeping the weights; its state starts fresh."""
        self._optimizer = make_optimizer(name, self.net.flat.size, self.lr, self._vectors[1])
        self._pin()

    @property
    def loss(self) -> str:
        return self._loss.name

    def set_loss(self, name: str) -> None:
        loss: Loss = get_loss(name)
        loss.check_output(self.net.output_activation)
        self._loss = loss
        for workspace in self._workspaces.values():
            workspace.compile(loss)
        self._pin()

    def set_activation(self, name: str) -> None:
        self.net.activation = name
        self._pin()

    def set_output_activation(self, name: str) -> None:
        self._loss.check_output(name)
        self.net.output_activation = name
        self._pin()

    def _pin(self) -> None:
        """A setting changed: checkpoint now, so replays start with the new settings."""
        if self.timeline is not None:
            self.timeline.add(self.snapshot(), pinned=True)

    def set_batch_size(self, batch_size: int) -> None:
        """0 (or ≥ the number of samples) means full batch, the lab's way."""
        batch_size = int(batch_size)
        if batch_size < 0:
            raise ValueError(f"batch size must be ≥ 0 (0 = full batch), got {batch_size}")
        self.batch_size = 0 if batch_size >= len(self.X) else batch_size
        self._pin()

    # -- training -------------------------------------------------------------
    @property
    def grad(self) -> np.ndarray:
        """Gradient of the last epoch (summed over its batches)."""
        return self._vectors[0]

    @property
    def update(self) -> np.ndarray:
        return self._vectors[1]

    @property
    def last_loss(self) -> float:
        return self._last_loss

    @property
    def last_accuracy(self) -> float:
        return self._last_accuracy

    def _workspace(self, n: int) -> Workspace:
        if n not in self._workspaces:
            self._workspaces[n] = Workspace(self.net, n, self._loss)
        return self._workspaces[n]

    def train(self, epochs: int) -> int:
        """Train up to ``epochs`` epochs; stop early on divergence. Returns epochs done."""
        if self.divergence is not None:
            return 0
        self._hold_weights()
        run = self._train_minibatch if self.batch_size else self._train_full
        try:
            with np.errstate(all="ignore"):
                return run(epochs)
        finally:
            self._file_checkpoints()

    def step(self) -> int:
        """Train exactly one epoch (unless diverged). Returns epochs done."""
        return self.train(1)

    def _train_full(self, epochs: int) -> int:
        """The hot loop: full-batch epochs with every name bound to a local.

        Same calls as ``Workspace.forward``/``backward``, unrolled here because
        on these tiny arrays a method call costs as much as a NumPy call.
        """
        ws = self._full
        ws.recompile_if_stale()
        forward, before_loss, loss_value, backward = ws._forward, ws._before_loss, ws.loss_value, ws._backward
        greater, equal, count = np.greater, np.equal, np.count_nonzero
        output, correct, positive, size = ws.output, self._correct, self._positive, self._correct.size
        step, flat, grad, finish = self._optimizer.step, self.net.flat, ws.grad, self._finish
        for done in range(1, epochs + 1):
            for function, args in forward:
                function(*args)
            for function, args in before_loss:
                function(*args)
            loss = loss_value()
            for function, args in backward:
                function(*args)
            greater(output, HALF, correct)
            equal(correct, positive, correct)
            step(flat, grad)
            if finish(loss, count(correct) / size, ws):
                return done
        return epochs

    def _train_minibatch(self, epochs: int) -> int:
        for done in range(1, epochs + 1):
            if self._epoch_minibatch():
                return done
        return epochs

    def _epoch_minibatch(self) -> bool:
        order = self.rng.permutation(len(self.X))
        grad, update, net = self._vectors[0], self._vectors[1], self.net
        before = net.flat.copy()
        grad[...] = 0.0
        loss_sum = correct = 0.0
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            ws = self._workspace(len(rows))
            ws.load(self.X[rows], self.y[rows])
            ws.forward()
            loss_sum += ws.backward() * len(rows)
            correct += np.count_nonzero((ws.output > 0.5) == self._positive[:, rows])
            grad += ws.grad
            self._optimizer.step(net.flat, ws.grad)
        np.subtract(net.flat, before, out=update)
        return self._finish(loss_sum / len(self.X), correct / len(self.X), ws)

    def _finish(self, loss: float, accuracy: float, ws: Workspace) -> bool:
        """Count, record and check the epoch just trained; True if it diverged.

        The checkpoint due every ``timeline.stride`` epochs is taken here, as
        a ``Moment`` (see ``_file_checkpoints``), so ``train`` runs its epochs
        in one loop.
        """
        self.epoch = epoch = self.epoch + 1
        previous = self._last_loss
        self._last_loss, self._last_accuracy = loss, accuracy
        if self.record:
            self.history.record_vectors(loss, accuracy, self._vectors)
        else:
            self.history.record(loss, accuracy)
        if not math.isfinite(loss):
            self.divergence = Divergence(epoch, "the loss is no longer a finite number")
            return True
        if loss >= previous and accuracy < 1.0 and np.vdot(ws.delta[-1], ws.delta[-1]) < VANISHED**2:
            reason = "every output saturated on the wrong side and its gradient vanished"
            self.divergence = Divergence(epoch, reason)
            return True
        timeline = self.timeline
        if timeline is not None and epoch % timeline.stride == 0:
            self._unfiled.append(self._moment())
        return False

    def _file_checkpoints(self) -> None:
        """Turn the checkpoints taken during ``train`` into Snapshots in the timeline.

        Built between two epochs, a Snapshot and its filing cost about twice
        what they cost here, in a row: the epoch loop has pushed that code out
        of the caches (benchmarks/README.md).  The settings cannot have changed
        since (they change between ``train`` calls), and a checkpoint that the
        timeline's thinning has meanwhile put off its stride is dropped, as it
        would not have been taken.
        """
        for moment in self._unfiled:
            if moment[0] % self.timeline.stride == 0:
                self.timeline.add(self._snapshot_of(moment))
        self._unfiled.clear()

    # -- snapshots --------------------------------------------------------------
    def _hold_weights(self) -> None:
        """Take the network's weights back into ``_vectors`` if another trainer on it moved them."""
        if self.net.flat.base is not self._vectors:
            self.net.keep_weights_in(self._vectors[2])

    def snapshot(self) -> Snapshot:
        self._hold_weights()
        return self._snapshot_of(self._moment())

    def _moment(self) -> Moment:
        """A copy of what changes from epoch to epoch; the rest of a snapshot can wait."""
        return (
            self.epoch,
            self._last_loss,
            self._last_accuracy,
            frozen(self._vectors),
            self._optimizer.state(),
            self.rng.bit_generator.state,
        )

    def _snapshot_of(self, moment: Moment) -> Snapshot:
        """The snapshot of ``moment``, with the current settings."""
        epoch, loss, accuracy, (grad, update, weights), optimizer_state, rng_state = moment
        net = self.net
        return Snapshot(
            epoch=epoch,
            loss=loss,
            accuracy=accuracy,
            sizes=tuple(net.sizes),
            activation=net.activation,
            output_activation=net.output_activation,
            loss_name=self.loss,
            optimizer_name=self.optimizer,
            lr=self.lr,
            batch_size=self.batch_size,
            weights=weights,
            grad=grad,
            update=update,
            optimizer_state=optimizer_state,
            rng_state=rng_state,
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Go back to ``snapshot`` (same architecture) and forget later history."""
        if tuple(snapshot.sizes) != tuple(self.net.sizes):
            raise ValueError("snapshot belongs to a network of another shape")
        self.net.activation = snapshot.activation
        self.net.output_activation = snapshot.output_activation
        self.set_loss(snapshot.loss_name)
        self._optimizer = make_optimizer(snapshot.optimizer_name, self.net.flat.size, snapshot.lr, self._vectors[1])
        self._optimizer.load_state(snapshot.optimizer_state)
        self.rng.bit_generator.state = snapshot.rng_state
        self.batch_size = snapshot.batch_size
        self.net.flat[...] = snapshot.weights
        self.grad[...] = snapshot.grad
        self.update[...] = snapshot.update
        self.epoch = snapshot.epoch
        self._last_loss, self._last_accuracy = snapshot.loss, snapshot.accuracy
        self.divergence = None
        self.history.truncate(snapshot.epoch)
        if self.timeline is not None:
            self.timeline.truncate(snapshot.epoch)
            self.timeline.add(snapshot, pinned=True)

    def snapshot_at(self, epoch: int) -> Snapshot:
        """The run exactly as it was at ``epoch`` (0 ≤ epoch ≤ now), replayed from a checkpoint."""
        if not 0 <= epoch <= self.epoch:
            raise ValueError(f"epoch must be between 0 and {self.epoch}, got {epoch}")
        if epoch == self.epoch:
            return self.snapshot()
        if self.timeline is None:
            raise ValueError("this trainer keeps no checkpoints (record=False)")
        base = self.timeline.at_or_before(epoch)
        replica = self._replica
        if replica is None or self._replica_base is not base or not base.epoch <= replica.epoch <= epoch:
            if replica is None:
                replica = self._replica = Trainer(self.net.copy(), self.X, self.y, self.loss, record=False)
            replica.restore(base)
            self._replica_base = base
        replica.train(epoch - replica.epoch)
        return replica.snapshot()

    def evaluate(self) -> tuple[np.ndarray, float, float]:
        """Outputs, mean loss and accuracy of the current network on the data."""
        with np.errstate(all="ignore"):
            trace = self.net.trace(self.X)
            out = trace.A[-1]
            loss = self._loss.value(out, self.y, trace.D[-1])
        accuracy = float(np.mean((out > 0.5) == (self.y > 0.5)))
        return out, loss, accuracy
