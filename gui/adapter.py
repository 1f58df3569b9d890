"""The one QObject that owns the QTimer and steps the trainer.

Each tick trains ``epochs_per_tick`` epochs, then emits one ``Frame``; the
views redraw from the frame only.  Training speed (epochs per tick) and the
frame rate (the timer) are independent: the speed control changes k, not the
interval.  Everything runs on the GUI thread: an epoch takes microseconds,
and a redraw a few milliseconds, so a worker thread would only add locking.

The loop can also show the past: ``show_epoch(e)`` pauses and emits the
frame of epoch e, replayed exactly from the trainer's checkpoints;
``resume_here`` continues training from the epoch shown, dropping the later
history.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from core import Settings, Snapshot, Trainer
from core.field import Bounds, Field, domain, evaluate_field
from core.walkthrough import saturation

FRAME_INTERVAL_MS = 16  # ~60 frames per second when a frame is cheap enough
AUTO = 0  # epochs per tick: as many as keep the frame rate at TARGET_FPS
TARGET_FPS = 30
SMOOTHING = 0.2  # weight of the newest sample in the running averages
FIELD_RESOLUTION = 100
DATA_FIELDS = frozenset({"dataset", "n_points", "noise", "data_seed"})


@dataclass(frozen=True)
class Frame:
    """Everything the views draw, for one epoch."""

    snapshot: Snapshot
    field: Field
    predictions: np.ndarray  # network output on each data point, (n,)
    epochs: np.ndarray  # history views up to the latest epoch, even when a past epoch is shown
    loss: np.ndarray
    accuracy: np.ndarray
    grad_norm: np.ndarray  # (epochs, layers)
    update_ratio: np.ndarray  # (epochs, layers)
    history_revision: tuple[int, int, int]  # History.revision: equal frames have equal histories
    saturation: list[np.ndarray]  # per hidden layer: share of samples saturating each unit
    latest_epoch: int  # the present; snapshot.epoch < latest_epoch when looking back
    epochs_per_second: float
    frames_per_second: float
    divergence: str | None


class TrainingLoop(QObject):
    """Start, pause, step, reset and re-configure a run; emit frames."""

    frame_ready = pyqtSignal(object)  # Frame
    rebuilt = pyqtSignal(object)  # Trainer: architecture or data changed
    running_changed = pyqtSignal(bool)
    diverged = pyqtSignal(str)
    finished = pyqtSignal(int)  # reached the epoch limit

    def __init__(
        self, settings: Settings, data: tuple[np.ndarray, np.ndarray] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings.validated()
        self.data = data  # points from a file, used instead of the settings' data set until one is chosen
        self.epochs_per_tick = AUTO
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_INTERVAL_MS)
        self.timer.timeout.connect(self.tick)
        self._last_tick = 0.0
        self._epochs_per_second = 0.0
        self._fps = 0.0
        self._epoch_seconds = 1e-4  # running average of one epoch's training time (AUTO speed)
        self._other_seconds = 1.0 / TARGET_FPS / 2  # running average of a frame's time outside training
        self._last_trained = 0.0
        self.trainer: Trainer = self.settings.build(self.data)
        self.bounds: Bounds = domain(self.trainer.X)
        self.viewed_epoch: int | None = None  # None: the present

    # -- state ------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.timer.isActive()

    def start(self) -> None:
        """Train on the timer; from a past epoch, first return to the present."""
        if self.viewed_epoch is not None:
            self.viewed_epoch = None
            self.emit_frame()
        if self.trainer.divergence is not None or self.running:
            return
        self._last_tick = time.perf_counter()
        self._last_trained = 0.0
        self.timer.start()
        self.running_changed.emit(True)

    def pause(self) -> None:
        if self.running:
            self.timer.stop()
            self.running_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.running else self.start()

    def step(self) -> None:
        """Exactly one epoch, then one frame (pauses a running loop first).

        When a past epoch is shown, step moves the view one epoch forward instead.
        """
        self.pause()
        if self.viewed_epoch is not None:
            self.show_epoch(self.viewed_epoch + 1)
            return
        self._train(1)
        self.emit_frame()

    def step_back(self) -> None:
        self.show_epoch(self.shown_epoch - 1)

    @property
    def shown_epoch(self) -> int:
        return self.trainer.epoch if self.viewed_epoch is None else self.viewed_epoch

    def show_epoch(self, epoch: int) -> None:
        """Pause and show epoch ``epoch`` (clamped to the run); the latest epoch is the present."""
        self.pause()
        epoch = max(0, min(int(epoch), self.trainer.epoch))
        self.viewed_epoch = None if epoch == self.trainer.epoch else epoch
        self.emit_frame()

    def resume_here(self) -> None:
        """Continue from the epoch shown: later epochs are forgotten, the run goes on from there."""
        if self.viewed_epoch is not None:
            self.trainer.restore(self.trainer.snapshot_at(self.viewed_epoch))
            self.viewed_epoch = None
        self.emit_frame()

    def reset(self) -> None:
        """Same settings, same seeds: the same initial weights and data."""
        self.pause()
        self._rebuild()

    def set_epochs_per_tick(self, k: int) -> None:
        """Epochs trained per frame; ``AUTO`` (0): as many as a 30 fps frame leaves time for."""
        self.epochs_per_tick = max(AUTO, int(k))

    def _auto_epochs(self) -> int:
        """Fill what a frame at TARGET_FPS leaves after drawing with training, by measured costs."""
        budget = max(1.0 / TARGET_FPS - self._other_seconds, 0.002)
        return max(1, min(100_000, int(budget / self._epoch_seconds)))

    def apply(self, settings: Settings) -> None:
        """Adopt new settings: rebuild if sizes/data/init/seeds changed, else keep the weights.

        Raises ValueError, before changing anything, when the settings are invalid.
        """
        settings = settings.validated()
        if self.viewed_epoch is not None:
            self.resume_here()  # a change applies from the epoch on screen
        old, self.settings = self.settings, settings
        if settings.changed(old) & DATA_FIELDS:
            self.data = None  # a data set was chosen: the file's points give way
        if settings.needs_rebuild(old):
            self._rebuild()
            return
        trainer = self.trainer
        changed = settings.changed(old)
        if "output_activation" in changed or "loss" in changed:
            # bce needs a sigmoid output: switch first the piece that keeps every step valid.
            if settings.loss == "bce":
                trainer.set_output_activation(settings.output_activation)
                trainer.set_loss(settings.loss)
            else:
                trainer.set_loss(settings.loss)
                trainer.set_output_activation(settings.output_activation)
        if "activation" in changed:
            trainer.set_activation(settings.activation)
        if "optimizer" in changed:
            trainer.set_optimizer(settings.optimizer)
        if "lr" in changed:
            trainer.lr = settings.lr
        if "batch_size" in changed:
            trainer.set_batch_size(settings.batch_size)
        self.emit_frame()

    def load_data(self, data: tuple[np.ndarray, np.ndarray] | None) -> None:
        """Train on these points (checked by ``core.datasets.from_arrays``) from the seed's weights.

        None goes back to the points of the settings' data set.
        """
        self.pause()
        self.data = data
        self._rebuild()

    def _rebuild(self) -> None:
        self.viewed_epoch = None
        self.trainer = self.settings.build(self.data)
        self.bounds = domain(self.trainer.X)
        self.rebuilt.emit(self.trainer)
        self.emit_frame()

    # -- ticking -------------------------------------------------------------
    def tick(self) -> None:
        """Train one tick's epochs and emit a frame (public so tests can drive it)."""
        now = time.perf_counter()
        elapsed = now - self._last_tick if self._last_tick else 0.0
        self._last_tick = now
        before, limit = self.trainer.epoch, self.settings.epochs
        epochs = self.epochs_per_tick or self._auto_epochs()
        if limit and before < limit:
            epochs = min(epochs, limit - before)
        done = self._train(epochs)
        trained = time.perf_counter() - now
        if done:
            self._epoch_seconds += SMOOTHING * (trained / done - self._epoch_seconds)
        if elapsed > 0:
            self._fps += SMOOTHING * (1.0 / elapsed - self._fps)
            self._epochs_per_second += SMOOTHING * (done / elapsed - self._epochs_per_second)
            # The previous frame's time outside its training: drawing, painting, idling for the timer.
            self._other_seconds += SMOOTHING * (max(elapsed - self._last_trained, 0.0) - self._other_seconds)
        self._last_trained = trained
        self.emit_frame()
        if limit and before < limit <= self.trainer.epoch:
            # Stop once on reaching the limit; Play again goes on past it.
            self.pause()
            self.finished.emit(self.trainer.epoch)

    def _train(self, epochs: int) -> int:
        done = self.trainer.train(epochs)
        if self.trainer.divergence is not None and done:
            self.pause()
            self.diverged.emit(self.trainer.divergence.message())
        return done

    def train_now(self, epochs: int) -> None:
        """Train without the timer (for --screenshot): stops at divergence."""
        self._train(epochs)
        self.emit_frame()

    def emit_frame(self) -> None:
        self.frame_ready.emit(self.frame())

    def frame(self) -> Frame:
        trainer = self.trainer
        snapshot = trainer.snapshot() if self.viewed_epoch is None else trainer.snapshot_at(self.viewed_epoch)
        net = snapshot.network()
        field = evaluate_field(net, self.bounds, FIELD_RESOLUTION)
        with np.errstate(all="ignore"):
            predictions = net.forward(trainer.X).ravel()
        history = trainer.history
        return Frame(
            snapshot=snapshot,
            field=field,
            predictions=predictions,
            epochs=history.epochs,
            loss=history.loss,
            accuracy=history.accuracy,
            grad_norm=history.grad_norm,
            update_ratio=history.update_ratio,
            history_revision=history.revision,
            saturation=saturation(net, trainer.X),
            latest_epoch=trainer.epoch,
            epochs_per_second=self._epochs_per_second if self.running else 0.0,
            frames_per_second=self._fps if self.running else 0.0,
            divergence=trainer.divergence.message() if trainer.divergence else None,
        )
