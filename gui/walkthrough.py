"""Backpropagation for one sample, one step at a time, with the numbers.

The person clicks a data point; this view then steps forward layer by layer
(D = A·W + b, A = f(D)) and backward (Δ_out, Δ_l, that sample's dW and db),
in the report's notation.  It shows steps computed by
``core.walkthrough.walk``; the main window recomputes them when the epoch on
screen changes and tells the diagram which layer to shade
(``layer_focused``).
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from core.walkthrough import WalkStep

HINT = "Click a data point in the decision-boundary view to follow it through the network."


def _format(array: np.ndarray) -> str:
    """A vector on one line, a matrix as rows, 4 significant digits."""
    array = np.atleast_1d(np.asarray(array, dtype=np.float64))
    if array.ndim == 1:
        return "[" + ", ".join(f"{v:.4g}" for v in array) + "]"
    return "<br>".join(_format(row) for row in array)


class WalkthroughView(QWidget):
    layer_focused = pyqtSignal(object)  # weight layer 1..depth being shown, or None

    def __init__(self) -> None:
        super().__init__()
        self.sample = QLabel(HINT)
        self.sample.setWordWrap(True)
        self.previous = QPushButton("◀ Previous step")
        self.next = QPushButton("Next step ▶")
        self.position = QLabel()
        self.text = QTextBrowser()
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous)
        buttons.addWidget(self.position, 1)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sample)
        layout.addLayout(buttons)
        layout.addWidget(self.text, 1)
        self.previous.clicked.connect(lambda: self.go(self.index - 1))
        self.next.clicked.connect(lambda: self.go(self.index + 1))
        self.steps: list[WalkStep] = []
        self.index = 0
        self._update()

    def show_walk(self, steps: list[WalkStep], description: str) -> None:
        """New steps for the chosen sample (same position kept when only the epoch changed)."""
        self.steps = steps
        self.sample.setText(description)
        self.index = min(self.index, max(len(steps) - 1, 0))
        self._update()

    def clear(self) -> None:
        self.steps = []
        self.index = 0
        self.sample.setText(HINT)
        self._update()

    def go(self, index: int) -> None:
        if self.steps:
            self.index = max(0, min(index, len(self.steps) - 1))
            self._update()

    @property
    def current(self) -> WalkStep | None:
        return self.steps[self.index] if self.steps else None

    def _update(self) -> None:
        step = self.current
        self.previous.setEnabled(step is not None and self.index > 0)
        self.next.setEnabled(step is not None and self.index < len(self.steps) - 1)
        if step is None:
            self.position.setText("")
            self.text.setHtml("")
            self.layer_focused.emit(None)
            return
        self.position.setText(f"step {self.index + 1} of {len(self.steps)} · {step.phase}")
        rows = "".join(
            f"<tr><td style='padding-right:10px; vertical-align:top'><b>{name}</b></td>"
            f"<td style='font-family:monospace'>{_format(value)}</td></tr>"
            for name, value in step.values.items()
        )
        formula = f"<p style='font-family:monospace'>{step.formula}</p>"
        self.text.setHtml(f"<h3>{step.title}</h3>{formula}<table>{rows}</table>")
        self.layer_focused.emit(step.layer)
