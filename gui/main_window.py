"""The main window: lays out the views and is the only place that wires signals.

Views never call each other: every connection between the training loop,
the control panel and the views is made in ``_wire``.
"""

from __future__ import annotations

import math

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QCheckBox,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSlider,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from gui.adapter import Frame, TrainingLoop
from gui.boundary import BoundaryView
from gui.controls import ControlPanel
from gui.diagram import NetworkDiagram
from gui.loss_plot import LossPlot

SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


class MainWindow(QMainWindow):
    def __init__(self, loop: TrainingLoop) -> None:
        super().__init__()
        self.loop = loop
        self.setWindowTitle("Backprop Lab")
        self._build_toolbar()
        self.panel = ControlPanel(loop.settings)
        scroll = QScrollArea()
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(290)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.diagram = NetworkDiagram()
        self.boundary = BoundaryView()
        self.loss_plot = LossPlot()
        self.banner = QLabel(objectName="banner")
        self.banner.setVisible(False)
        self.banner.setWordWrap(True)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.boundary)
        right.addWidget(self.loss_plot)
        right.setSizes([520, 300])
        views = QSplitter(Qt.Orientation.Horizontal)
        views.addWidget(self.diagram)
        views.addWidget(right)
        views.setSizes([640, 520])
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.banner)
        column.addWidget(views, 1)
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(scroll)
        main.addWidget(centre)
        main.setStretchFactor(1, 1)
        main.setSizes([300, 1100])
        self.setCentralWidget(main)

        self.status = {name: QLabel() for name in ("epoch", "loss", "accuracy", "speed", "fps")}
        for label in self.status.values():
            label.setMinimumWidth(110)
            self.statusBar().addPermanentWidget(label)
        self._wire()
        self._on_rebuilt(loop.trainer)
        loop.emit_frame()

    def _build_toolbar(self) -> None:
        bar = QToolBar("Training")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.play_action = QAction("▶ Play", self)
        self.play_action.setToolTip("Play / pause training (Space)")
        self.step_action = QAction("Step ▸|", self)
        self.step_action.setToolTip("Train exactly one epoch (→)")
        self.reset_action = QAction("⟲ Reset", self)
        self.reset_action.setToolTip("Back to the initial weights of this seed (R)")
        for action in (self.play_action, self.step_action, self.reset_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addWidget(QLabel(" Speed "))
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(SPEEDS.index(self.loop.epochs_per_tick))
        self.speed.setFixedWidth(160)
        self.speed.setToolTip("Epochs trained per frame: the frame rate stays the same")
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(120)
        bar.addWidget(self.speed)
        bar.addWidget(self.speed_label)
        bar.addSeparator()
        self.discretize = QCheckBox("Discretize")
        self.discretize.setToolTip("Show the decision regions (output > 0.5) instead of the continuous output")
        self.log_loss = QCheckBox("Log-scale loss")
        self.log_loss.setToolTip("Plot the loss on a logarithmic axis")
        bar.addWidget(self.discretize)
        bar.addWidget(self.log_loss)
        self._on_speed(self.speed.value())

    def _wire(self) -> None:
        loop, panel = self.loop, self.panel
        self.play_action.triggered.connect(loop.toggle)
        self.step_action.triggered.connect(loop.step)
        self.reset_action.triggered.connect(loop.reset)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, activated=loop.toggle)
        QShortcut(QKeySequence(Qt.Key.Key_Right), self, activated=loop.step)
        QShortcut(QKeySequence(Qt.Key.Key_R), self, activated=loop.reset)
        self.speed.valueChanged.connect(self._on_speed)
        self.discretize.toggled.connect(self.boundary.set_discretize)
        self.log_loss.toggled.connect(self.loss_plot.set_log)
        loop.frame_ready.connect(self._on_frame)
        loop.rebuilt.connect(self._on_rebuilt)
        loop.running_changed.connect(self._on_running_changed)
        loop.diverged.connect(self._on_diverged)
        loop.finished.connect(self._on_finished)
        panel.settings_requested.connect(self._on_settings_requested)
        panel.message.connect(self._on_message)
        self.diagram.neuron_hovered.connect(self._on_neuron_hovered)

    # -- handlers ----------------------------------------------------------------
    def _on_speed(self, position: int) -> None:
        k = SPEEDS[position]
        self.loop.set_epochs_per_tick(k)
        self.speed_label.setText(f"{k} epoch{'s' if k > 1 else ''}/frame")

    def _on_running_changed(self, running: bool) -> None:
        self.play_action.setText("⏸ Pause" if running else "▶ Play")

    def _on_settings_requested(self, settings) -> None:
        try:
            self.loop.apply(settings)
        except ValueError as error:
            self._on_message(str(error))
        self.panel.set_settings(self.loop.settings)

    def _on_rebuilt(self, trainer) -> None:
        self.banner.setVisible(False)
        self.diagram.set_architecture(list(trainer.net.sizes))
        self.boundary.set_data(trainer.X, trainer.y)

    def _on_frame(self, frame: Frame) -> None:
        snapshot = frame.snapshot
        self.diagram.show_snapshot(snapshot, frame.field)
        self.boundary.show_field(
            frame.field,
            frame.predictions,
            epoch=snapshot.epoch,
            activation=snapshot.activation,
            output_activation=snapshot.output_activation,
        )
        self.loss_plot.show_history(frame.epochs, frame.loss, frame.accuracy, snapshot.epoch)
        self.status["epoch"].setText(f"epoch {snapshot.epoch:,}")
        loss = "—" if math.isnan(snapshot.loss) else f"{snapshot.loss:.4g}"
        accuracy = "—" if math.isnan(snapshot.accuracy) else f"{100 * snapshot.accuracy:.1f} %"
        self.status["loss"].setText(f"loss {loss}")
        self.status["accuracy"].setText(f"accuracy {accuracy}")
        self.status["speed"].setText(f"{frame.epochs_per_second:,.0f} epochs/s")
        self.status["fps"].setText(f"{frame.frames_per_second:.0f} fps")
        if frame.divergence:
            self._show_banner(frame.divergence)

    def _on_diverged(self, message: str) -> None:
        self._show_banner(message)

    def _show_banner(self, message: str) -> None:
        self.banner.setText(f"Training paused: {message}, then press Reset (R).")
        self.banner.setVisible(True)

    def _on_finished(self, epoch: int) -> None:
        self._on_message(f"Reached epoch {epoch:,}: paused. Play continues past it.")

    def _on_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_neuron_hovered(self, layer: int, unit: int) -> None:
        if layer < 0:
            self.boundary.clear_neuron()
        else:
            self.boundary.show_neuron(layer, unit)
