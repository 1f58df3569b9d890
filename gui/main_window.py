"""The main window: lays out the views and is the only place that wires signals.

Views never call each other: every connection between the training loop,
the control panel and the views is made in ``_wire``.
"""

from __future__ import annotations

import math
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core import datasets
from core.gradcheck import TOLERANCE, relative_errors, spread
from core.walkthrough import walk
from gui import PANELS
from gui.adapter import AUTO, TARGET_FPS, Frame, TrainingLoop
from gui.boundary import BoundaryView
from gui.controls import ControlPanel
from gui.diagram import LENSES, NetworkDiagram
from gui.gradients import GradientPanel
from gui.loss_plot import LossPlot
from gui.steady import SteadyLabel, Timeline
from gui.walkthrough import WalkthroughView

# The widest text each status label expects: they keep that size, so a new text repaints only itself.
STATUS_SAMPLES = {
    "epoch": "epoch 1,000,000",
    "loss": "loss 8.888e-08",
    "accuracy": "accuracy 100.0 %",
    "speed": "100,000 epochs/s",
    "fps": "100 fps",
}
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, AUTO)


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
        scroll.setMinimumWidth(self.panel.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.diagram = NetworkDiagram()
        self.boundary = BoundaryView()
        self.gradients = GradientPanel()
        self.loss_plot = LossPlot()
        self.walkthrough = WalkthroughView()
        self.banner = QLabel(objectName="banner")
        self.banner.setVisible(False)
        self.banner.setWordWrap(True)
        self._walk_sample: int | None = None
        self._frame: Frame | None = None

        self.upper_tabs = QTabWidget()
        self.upper_tabs.addTab(self.boundary, "Decision boundary")
        self.upper_tabs.addTab(self._gradient_tab(), "Gradients")
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(self.loss_plot, "Loss && accuracy")
        self.lower_tabs.addTab(self.walkthrough, "Backprop walk-through")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.upper_tabs)
        right.addWidget(self.lower_tabs)
        right.setSizes([540, 300])
        views = QSplitter(Qt.Orientation.Horizontal)
        views.addWidget(self.diagram)
        views.addWidget(right)
        views.setSizes([620, 560])
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.banner)
        column.addWidget(views, 1)
        column.addLayout(self._timeline_bar())
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(scroll)
        main.addWidget(centre)
        main.setStretchFactor(1, 1)
        main.setSizes([300, 1100])
        self.setCentralWidget(main)

        self.status = {name: SteadyLabel(sample, 110) for name, sample in STATUS_SAMPLES.items()}
        for label in self.status.values():
            self.statusBar().addPermanentWidget(label)
        self._wire()
        self._on_rebuilt(loop.trainer)
        loop.emit_frame()

    def _gradient_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.gradcheck_button = QPushButton("Check gradients")
        self.gradcheck_button.setToolTip("Compare backpropagation with central differences on the network shown")
        self.gradcheck_result = QLabel("Backprop vs central differences: not checked yet")
        self.gradcheck_result.setWordWrap(True)
        row.addWidget(self.gradcheck_button)
        row.addWidget(self.gradcheck_result, 1)
        layout.addLayout(row)
        layout.addWidget(self.gradients, 1)
        return tab

    def _timeline_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.back_button = QToolButton(text="◀")
        self.back_button.setToolTip("Show the previous epoch (←)")
        self.timeline = Timeline()
        self.timeline.setToolTip("Scrub through the run: every view shows the chosen epoch")
        self.timeline_label = SteadyLabel("epoch 1,000,000 of 1,000,000", 190)
        self.resume_button = QPushButton("Resume from here")
        self.resume_button.setToolTip("Continue training from the epoch shown (the later epochs are dropped)")
        bar.addWidget(self.back_button)
        bar.addWidget(self.timeline, 1)
        bar.addWidget(self.timeline_label)
        bar.addWidget(self.resume_button)
        return bar

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
        self.speed.setToolTip(
            f"Epochs trained per frame: the frame rate stays the same. Rightmost: as many as {TARGET_FPS} fps allow"
        )
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
        bar.addSeparator()
        bar.addWidget(QLabel(" Lines show "))
        self.lens = QComboBox()
        for name, (_, label, _, _) in LENSES.items():
            self.lens.addItem(label.lower() + "s" if name != "update" else "last update", name)
        self.lens.setToolTip("Colour the diagram's lines and nodes by the weights, their gradients or the last update")
        bar.addWidget(self.lens)
        self._on_speed(self.speed.value())

    def _wire(self) -> None:
        loop, panel = self.loop, self.panel
        self.play_action.triggered.connect(loop.toggle)
        self.step_action.triggered.connect(loop.step)
        self.reset_action.triggered.connect(loop.reset)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, activated=loop.toggle)
        QShortcut(QKeySequence(Qt.Key.Key_Right), self, activated=loop.step)
        QShortcut(QKeySequence(Qt.Key.Key_R), self, activated=loop.reset)
        QShortcut(QKeySequence(Qt.Key.Key_Left), self, activated=loop.step_back)
        self.back_button.clicked.connect(loop.step_back)
        self.resume_button.clicked.connect(loop.resume_here)
        self.timeline.valueChanged.connect(loop.show_epoch)
        self.loss_plot.epoch_clicked.connect(loop.show_epoch)
        self.lens.currentIndexChanged.connect(lambda: self.diagram.set_lens(self.lens.currentData()))
        self.gradcheck_button.clicked.connect(self._on_gradcheck)
        self.boundary.point_clicked.connect(self._on_point_clicked)
        self.walkthrough.layer_focused.connect(self.diagram.highlight_layer)
        self.upper_tabs.currentChanged.connect(self._draw_tabs)
        self.lower_tabs.currentChanged.connect(self._draw_tabs)
        self.speed.valueChanged.connect(self._on_speed)
        self.discretize.toggled.connect(self.boundary.set_discretize)
        self.log_loss.toggled.connect(self.loss_plot.set_log)
        loop.frame_ready.connect(self._on_frame)
        loop.rebuilt.connect(self._on_rebuilt)
        loop.running_changed.connect(self._on_running_changed)
        loop.running_changed.connect(self.diagram.set_animating)
        self.timeline.sliderPressed.connect(lambda: self.diagram.set_animating(True))
        self.timeline.sliderReleased.connect(lambda: self.diagram.set_animating(False))
        loop.diverged.connect(self._on_diverged)
        loop.finished.connect(self._on_finished)
        panel.settings_requested.connect(self._on_settings_requested)
        panel.data_file_chosen.connect(self._on_data_file_chosen)
        panel.file_left.connect(lambda: self.loop.load_data(None))
        panel.message.connect(self._on_message)
        self.diagram.neuron_hovered.connect(self._on_neuron_hovered)

    # -- handlers ----------------------------------------------------------------
    def _on_speed(self, position: int) -> None:
        k = SPEEDS[position]
        self.loop.set_epochs_per_tick(k)
        if k == AUTO:
            self.speed_label.setText(f"max at {TARGET_FPS} fps")
        else:
            self.speed_label.setText(f"{k} epoch{'s' if k > 1 else ''}/frame")

    def _on_running_changed(self, running: bool) -> None:
        self.play_action.setText("⏸ Pause" if running else "▶ Play")

    def _on_settings_requested(self, settings) -> None:
        try:
            self.loop.apply(settings)
        except ValueError as error:
            self._on_message(str(error))
        self.panel.set_settings(self.loop.settings)

    def _on_data_file_chosen(self, path: str) -> None:
        try:
            data = datasets.load_csv(path)
        except ValueError as error:
            self._on_message(str(error))
            return
        self.loop.load_data(data)
        self._on_message(f"Loaded {len(data[0])} points from {Path(path).name}")
        self.panel.show_data_source(Path(path).name)

    def _on_rebuilt(self, trainer) -> None:
        self.banner.setVisible(False)
        self.diagram.set_architecture(list(trainer.net.sizes))
        self.gradients.set_architecture(list(trainer.net.sizes))
        self.boundary.set_data(trainer.X, trainer.y)
        self._walk_sample = None
        self.walkthrough.clear()
        if self.loop.data is None:
            self.panel.show_data_source(None)
        self.gradcheck_result.setText("Backprop vs central differences: not checked yet")

    def _on_frame(self, frame: Frame) -> None:
        self._frame = frame
        snapshot = frame.snapshot
        self.diagram.show_snapshot(snapshot, frame.field)
        self.diagram.show_saturation(frame.saturation)
        self._show_timeline(snapshot.epoch, frame.latest_epoch)
        self._draw_tabs()
        self.status["epoch"].setText(f"epoch {snapshot.epoch:,}")
        loss = "—" if math.isnan(snapshot.loss) else f"{snapshot.loss:.4g}"
        accuracy = "—" if math.isnan(snapshot.accuracy) else f"{100 * snapshot.accuracy:.1f} %"
        self.status["loss"].setText(f"loss {loss}")
        self.status["accuracy"].setText(f"accuracy {accuracy}")
        self.status["speed"].setText(f"{frame.epochs_per_second:,.0f} epochs/s")
        self.status["fps"].setText(f"{frame.frames_per_second:.0f} fps")
        if frame.divergence:
            self._show_banner(frame.divergence)

    def _draw_tabs(self) -> None:
        """Redraw the tabbed views in front; hidden ones catch up when their tab is chosen."""
        frame = self._frame
        if frame is None:
            return
        snapshot = frame.snapshot
        if self.upper_tabs.currentWidget() is self.boundary:
            self.boundary.show_field(
                frame.field,
                frame.predictions,
                epoch=snapshot.epoch,
                activation=snapshot.activation,
                output_activation=snapshot.output_activation,
            )
        else:
            self.gradients.show_gradients(
                snapshot, frame.epochs, frame.grad_norm, frame.update_ratio, frame.history_revision
            )
        if self.lower_tabs.currentWidget() is self.loss_plot:
            self.loss_plot.show_history(
                frame.epochs, frame.loss, frame.accuracy, snapshot.epoch, frame.history_revision
            )
        elif self._walk_sample is not None:
            self._show_walk(frame)

    def _show_timeline(self, epoch: int, latest: int) -> None:
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, latest)
        self.timeline.setValue(epoch)
        self.timeline.blockSignals(False)
        past = epoch < latest
        self.timeline_label.setText(f"epoch {epoch:,} of {latest:,}" if past else f"epoch {epoch:,} (latest)")
        self.resume_button.setEnabled(past)
        self.back_button.setEnabled(epoch > 0)

    def _on_point_clicked(self, index: int) -> None:
        self._walk_sample = index
        self.boundary.select_point(index)
        self.walkthrough.go(0)
        if self.lower_tabs.currentWidget() is self.walkthrough:
            self._draw_tabs()
        else:
            self.lower_tabs.setCurrentWidget(self.walkthrough)  # draws through currentChanged

    def _show_walk(self, frame: Frame) -> None:
        trainer, index = self.loop.trainer, self._walk_sample
        x, y = trainer.X[index], float(trainer.y[index, 0])
        steps = walk(frame.snapshot.network(), x, y, frame.snapshot.loss_name)
        self.walkthrough.show_walk(
            steps, f"Sample {index}: x = ({x[0]:.4g}, {x[1]:.4g}), label y = {y:g} · epoch {frame.snapshot.epoch:,}"
        )

    def _on_gradcheck(self) -> None:
        if self._frame is None:
            return
        trainer, snapshot = self.loop.trainer, self._frame.snapshot
        rows = spread(len(trainer.X))
        errors = relative_errors(snapshot.network(), trainer.X[rows], trainer.y[rows], snapshot.loss_name)
        verdict = "agree" if max(errors) <= TOLERANCE else "DISAGREE"
        cells = ", ".join(f"layer {i + 1}: {e:.1e}" for i, e in enumerate(errors))
        self.gradcheck_result.setText(
            f"Epoch {snapshot.epoch:,}, {len(rows)} samples: backprop and central differences {verdict} "
            f"(max relative error {cells})"
        )

    def show_panel(self, name: str) -> None:
        """Bring one of the tabbed views to the front ("gradients", "walkthrough", …)."""
        if name not in PANELS:
            raise ValueError(f"unknown panel {name!r}; choose one of {', '.join(PANELS)}")
        widget = {"boundary": self.boundary, "gradients": self.gradients, "loss": self.loss_plot,
                  "walkthrough": self.walkthrough}[name]
        for tabs in (self.upper_tabs, self.lower_tabs):
            for i in range(tabs.count()):
                if widget is tabs.widget(i) or widget.parentWidget() is tabs.widget(i):
                    tabs.setCurrentIndex(i)

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
