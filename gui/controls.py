"""The side panel: every setting of a run, grouped by what a change does.

"Training" settings keep the weights (the trainer adopts them mid-run);
"Network" and "Data" settings rebuild from the seeds.  The panel never
touches the trainer: it asks for new ``Settings`` through
``settings_requested`` and shows whatever the main window confirms through
``set_settings`` (wrapped in signal blockers, so nothing loops).  Invalid
input is refused with a message on ``message``, and the widgets go back to
the last good settings.
"""

from __future__ import annotations

import math

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QKeyEvent, QValidator
from PyQt6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core import ACTIVATIONS, INITIALIZERS, LAB_PRESET, LOSSES, OPTIMIZERS, OUTPUT_ACTIVATIONS, Settings
from core.datasets import DATASETS
from core.network import MAX_LAYERS
from gui.assets import presets

MAX_UNITS = 64
LR_STEPS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.015, 0.03, 0.1, 0.15, 0.3, 1.0, 2.0, 3.0, 10.0, 30.0, 100.0)


def _combo(items: dict[str, str], tooltip: str) -> QComboBox:
    box = QComboBox()
    for name, label in items.items():
        box.addItem(label, name)
    box.setToolTip(tooltip)
    return box


def _select(box: QComboBox, name: str) -> None:
    box.setCurrentIndex(box.findData(name))


class _Refusing:
    """Spin-box mixin: a typed number out of range is refused *with a message*.

    Qt's spin boxes drop such keystrokes silently; a person then wonders why
    nothing happens.  ``refused`` says what the range is.
    """

    refused = pyqtSignal(str)

    def validate(self, text: str, position: int):
        state, fixed, position = super().validate(text, position)
        if state == QValidator.State.Invalid:
            try:
                value = float(text.strip().removesuffix(self.suffix().strip()).strip())
            except ValueError:
                return state, fixed, position
            if not self.minimum() <= value <= self.maximum():
                self.refused.emit(f"{value:g} is out of range: {self.minimum():g} to {self.maximum():g}")
        return state, fixed, position


class SpinBox(_Refusing, QSpinBox):
    pass


class DoubleSpinBox(_Refusing, QDoubleSpinBox):
    pass


class _SteppingLineEdit(QLineEdit):
    """A line edit whose ↑/↓ keys ask for a step instead of moving the cursor."""

    stepped = pyqtSignal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.stepped.emit(+1 if event.key() == Qt.Key.Key_Up else -1)
        else:
            super().keyPressEvent(event)


class LearningRateEntry(QWidget):
    """A typed learning rate with ÷/× buttons (and ↑/↓ keys) stepping on a log scale."""

    value_entered = pyqtSignal(float)
    invalid = pyqtSignal(str)

    def __init__(self) -> None:
        super().__init__()
        self.edit = _SteppingLineEdit()
        self.edit.setToolTip("Learning rate: type any number > 0, or step on a log scale with the buttons / ↑ ↓")
        self.down = QToolButton(text="−")
        self.up = QToolButton(text="+")
        self.down.setToolTip("Smaller learning rate")
        self.up.setToolTip("Larger learning rate")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.down)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.up)
        self._value = LAB_PRESET.lr
        self.edit.editingFinished.connect(self._on_edited)
        self.down.clicked.connect(lambda: self.step(-1))
        self.up.clicked.connect(lambda: self.step(+1))
        self.edit.stepped.connect(self.step)
        self.set_value(self._value)

    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> None:
        self._value = value
        self.edit.setText(f"{value:g}")

    def step(self, direction: int) -> None:
        """Move to the next preset value up or down the log scale."""
        if direction > 0:
            bigger = [v for v in LR_STEPS if v > self._value * (1 + 1e-9)]
            target = bigger[0] if bigger else self._value
        else:
            smaller = [v for v in LR_STEPS if v < self._value * (1 - 1e-9)]
            target = smaller[-1] if smaller else self._value
        if target != self._value:
            self.value_entered.emit(target)

    def _on_edited(self) -> None:
        text = self.edit.text().strip()
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if text == f"{self._value:g}":
            return
        if not math.isfinite(value) or value <= 0:
            self.invalid.emit(f"learning rate must be a number > 0, not {text!r}")
            self.set_value(self._value)
            return
        self.value_entered.emit(value)


class ControlPanel(QWidget):
    settings_requested = pyqtSignal(object)  # Settings the user asked for (validated)
    data_file_chosen = pyqtSignal(str)  # a CSV file of points to train on
    file_left = pyqtSignal()  # back to the data set's own points: the one shown was chosen again
    message = pyqtSignal(str)

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self._settings = settings
        self._file_name: str | None = None
        self._presets = presets()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._build_presets())
        layout.addWidget(self._build_data())
        layout.addWidget(self._build_network())
        layout.addWidget(self._build_training())
        layout.addStretch(1)
        self.set_settings(settings)

    # -- building ----------------------------------------------------------------
    def _build_presets(self) -> QGroupBox:
        group = QGroupBox("Experiments")
        form = QVBoxLayout(group)
        self.preset = QComboBox()
        self.preset.addItem("Choose an experiment…", None)
        for name in self._presets:
            self.preset.addItem(name, name)
        self.preset.setToolTip("One-click runs from the lab report's discussion and beyond")
        self.lab_button = QPushButton("Lab preset")
        self.lab_button.setToolTip("2-8-8-1 sigmoid network, U(0,1) weights, MSE, SGD lr 0.15, 20 000 epochs on XOR")
        form.addWidget(self.preset)
        form.addWidget(self.lab_button)
        self.preset.activated.connect(self._on_preset_chosen)
        self.lab_button.clicked.connect(lambda: self._request_settings(LAB_PRESET))
        return group

    def _build_data(self) -> QGroupBox:
        group = QGroupBox("Data — rebuilds")
        form = QFormLayout(group)
        self.dataset = _combo({n: s.label for n, s in DATASETS.items()}, "Which data set to classify")
        self.points = SpinBox(minimum=2, maximum=2000, singleStep=50)
        self.points.setToolTip("Number of points (the lab's XOR set always has 21)")
        self.noise = DoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2)
        self.noise.setToolTip("Noise added to the points (0 – 1)")
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("Draw new points (next data seed)")
        self.load_file = QPushButton("Load CSV…")
        self.load_file.setToolTip("Train on your own points: rows x1,x2,label (label 0 or 1), a header line allowed")
        self.source = QLabel(objectName="hint")
        self.source.setWordWrap(True)
        self.source.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.regenerate)
        buttons.addWidget(self.load_file)
        form.addRow("Data set", self.dataset)
        form.addRow("Points", self.points)
        form.addRow("Noise", self.noise)
        form.addRow(buttons)
        form.addRow(self.source)
        self.load_file.clicked.connect(self._on_load_file)
        self.dataset.currentIndexChanged.connect(self._on_dataset_chosen)
        self.dataset.activated.connect(self._on_dataset_activated)
        self.points.valueChanged.connect(lambda value: self._request(n_points=value))
        self.noise.valueChanged.connect(lambda value: self._request(noise=round(value, 2)))
        self.regenerate.clicked.connect(lambda: self._request(data_seed=self._settings.data_seed + 1))
        return group

    def _build_network(self) -> QGroupBox:
        group = QGroupBox("Network — rebuilds")
        box = QVBoxLayout(group)
        row = QHBoxLayout()
        self.remove_layer = QToolButton(text="− layer")
        self.add_layer = QToolButton(text="+ layer")
        self.remove_layer.setToolTip("Remove the last hidden layer")
        self.add_layer.setToolTip(f"Add a hidden layer (up to {MAX_LAYERS})")
        self.layer_count = QLabel()
        row.addWidget(self.remove_layer)
        row.addWidget(self.layer_count, 1, Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.add_layer)
        box.addLayout(row)
        self.layer_rows = QVBoxLayout()
        box.addLayout(self.layer_rows)
        self.width_boxes: list[QSpinBox] = []
        form = QFormLayout()
        self.init = _combo({n: n for n in INITIALIZERS}, "Weight initialisation (uniform01 is the report's U(0,1))")
        self.seed = SpinBox(minimum=0, maximum=2**31 - 1)
        self.seed.setToolTip("Seed of the initial weights (and mini-batch order): same seed, same run")
        form.addRow("Init", self.init)
        form.addRow("Seed", self.seed)
        box.addLayout(form)
        self.remove_layer.clicked.connect(lambda: self._request(hidden=self._settings.hidden[:-1]))
        self.add_layer.clicked.connect(self._on_add_layer)
        self.init.currentIndexChanged.connect(lambda: self._request(init=self.init.currentData()))
        self.seed.valueChanged.connect(lambda value: self._request(seed=value))
        return group

    def _build_training(self) -> QGroupBox:
        group = QGroupBox("Training — keeps the weights")
        form = QFormLayout(group)
        self.activation = _combo({n: a.label for n, a in ACTIVATIONS.items()}, "Activation of the hidden layers")
        self.output_activation = _combo(
            {n: ACTIVATIONS[n].label for n in OUTPUT_ACTIVATIONS}, "Activation of the output neuron"
        )
        self.loss = _combo({n: loss.label for n, loss in LOSSES.items()}, "Loss (trained on its sum, as the lab)")
        self.optimizer = _combo({n: cls.label for n, cls in OPTIMIZERS.items()}, "Optimizer")
        self.lr = LearningRateEntry()
        self.batch = SpinBox(minimum=0, maximum=100_000)
        self.batch.setSpecialValueText("full batch")
        self.batch.setToolTip("Mini-batch size; 0 = full batch, as in the lab")
        self.epochs = SpinBox(minimum=0, maximum=10_000_000, singleStep=1000)
        self.epochs.setSpecialValueText("never")
        self.epochs.setToolTip("Pause when this epoch is reached (the lab trains 20 000)")
        form.addRow("Activation", self.activation)
        form.addRow("Output", self.output_activation)
        form.addRow("Loss", self.loss)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.lr)
        form.addRow("Batch", self.batch)
        form.addRow("Stop at epoch", self.epochs)
        self.activation.currentIndexChanged.connect(lambda: self._request(activation=self.activation.currentData()))
        self.output_activation.currentIndexChanged.connect(
            lambda: self._request(output_activation=self.output_activation.currentData())
        )
        self.loss.currentIndexChanged.connect(lambda: self._request(loss=self.loss.currentData()))
        self.optimizer.currentIndexChanged.connect(lambda: self._request(optimizer=self.optimizer.currentData()))
        self.lr.value_entered.connect(lambda value: self._request(lr=value))
        self.lr.invalid.connect(self.message)
        self.batch.valueChanged.connect(lambda value: self._request(batch_size=value))
        self.epochs.valueChanged.connect(lambda value: self._request(epochs=value))
        for box in (self.points, self.noise, self.seed, self.batch, self.epochs):
            box.setKeyboardTracking(False)  # typed numbers count once, on Enter or focus-out
            box.refused.connect(self.message)
        return group

    def _rebuild_layer_rows(self, hidden: tuple[int, ...]) -> None:
        while len(self.width_boxes) > len(hidden):
            box = self.width_boxes.pop()
            row = box.parentWidget()
            self.layer_rows.removeWidget(row)
            row.deleteLater()
        while len(self.width_boxes) < len(hidden):
            index = len(self.width_boxes)
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            box = SpinBox(minimum=1, maximum=MAX_UNITS)
            box.refused.connect(self.message)
            box.setToolTip(f"Neurons in hidden layer {index + 1} (1–{MAX_UNITS})")
            box.setSuffix(" neurons")
            line.addWidget(QLabel(f"Hidden {index + 1}"))
            line.addWidget(box, 1)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(lambda value, i=index: self._set_width(i, value))
            self.layer_rows.addWidget(row)
            self.width_boxes.append(box)

    def _on_load_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load points", "", "CSV files (*.csv *.txt);;All files (*)")
        if path:
            self.data_file_chosen.emit(path)

    def show_data_source(self, name: str | None) -> None:
        """Say that the points come from file ``name``, or hide the note (None: the data set above)."""
        self._file_name = name
        self.source.setText(f"Training on the points of {name}; choose a data set to go back." if name else "")
        self.source.setVisible(bool(name))

    def _on_add_layer(self) -> None:
        hidden = self._settings.hidden
        self._request(hidden=(*hidden, hidden[-1] if hidden else 4))

    def _on_dataset_chosen(self) -> None:
        self._request(dataset=self.dataset.currentData(), n_points=None)

    def _on_dataset_activated(self) -> None:
        """The data set shown, chosen again while a file's points are in use: its index did not change."""
        if self._file_name and self.dataset.currentData() == self._settings.dataset:
            self.file_left.emit()

    def _set_width(self, index: int, width: int) -> None:
        hidden = list(self._settings.hidden)
        if index < len(hidden) and hidden[index] != width:
            hidden[index] = width
            self._request(hidden=tuple(hidden))

    # -- settings flow ---------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self._settings

    def set_settings(self, settings: Settings) -> None:
        """Show ``settings`` (the accepted state) without emitting anything."""
        self._settings = settings
        widgets = [
            *(self.dataset, self.points, self.noise, self.init, self.seed, self.activation, self.output_activation),
            *(self.loss, self.optimizer, self.batch, self.epochs),
        ]
        blockers = [w.blockSignals(True) for w in widgets]
        spec = DATASETS[settings.dataset]
        _select(self.dataset, settings.dataset)
        self.points.setValue(settings.n_points or spec.default_n)
        self.points.setEnabled(spec.uses_n)
        self.noise.setValue(settings.noise)
        self.noise.setEnabled(spec.uses_noise)
        _select(self.init, settings.init)
        self.seed.setValue(settings.seed)
        _select(self.activation, settings.activation)
        _select(self.output_activation, settings.output_activation)
        _select(self.loss, settings.loss)
        _select(self.optimizer, settings.optimizer)
        self.lr.set_value(settings.lr)
        self.batch.setValue(settings.batch_size)
        self.epochs.setValue(settings.epochs)
        for widget, blocked in zip(widgets, blockers, strict=True):
            widget.blockSignals(blocked)
        self._rebuild_layer_rows(settings.hidden)
        for box, width in zip(self.width_boxes, settings.hidden, strict=True):
            box.blockSignals(True)
            box.setValue(width)
            box.blockSignals(False)
        self.layer_count.setText(f"{len(settings.hidden)} hidden layer{'s' if len(settings.hidden) != 1 else ''}")
        self.remove_layer.setEnabled(bool(settings.hidden))
        self.add_layer.setEnabled(len(settings.hidden) < MAX_LAYERS)

    def _request(self, **changes) -> None:
        try:
            settings = self._settings.with_(**changes)
        except ValueError as error:
            self.message.emit(str(error))
            self.set_settings(self._settings)
            return
        self._request_settings(settings)

    def _request_settings(self, settings: Settings) -> None:
        if settings != self._settings:
            self.settings_requested.emit(settings)

    def _on_preset_chosen(self, index: int) -> None:
        name = self.preset.itemData(index)
        self.preset.setCurrentIndex(0)
        if name is not None:
            self._request_settings(self._presets[name])
