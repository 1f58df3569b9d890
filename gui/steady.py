"""Widgets whose text or value changes every frame without repainting more than it must.

A Step changes the status bar's epoch, loss and accuracy and the timeline's
range, value and label.  Plain Qt widgets turn that into more work than the
change: a ``QLabel`` with new text asks its parent's layout to run again
(``QWidget::updateGeometry``), and the status bar answers a layout pass by
repainting whole; a ``QSlider`` repaints its groove and handle on every new
range or value, about 0.3 ms in the Fusion style, though with thousands of
epochs on a few hundred pixels the handle rarely moves.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractSlider, QLabel, QSlider, QStyle, QWidget


class SteadyLabel(QLabel):
    """A label of fixed size that grows only when a text needs more room.

    Qt skips the parent's layout pass for a widget whose minimum and maximum
    sizes agree, so a new text of the same size repaints just the label.
    ``sample`` is the widest text expected; ``minimum_width`` a floor.
    """

    def __init__(self, sample: str, minimum_width: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(sample, parent)
        hint = self.sizeHint()
        self.setFixedSize(max(hint.width(), minimum_width), hint.height())
        self.clear()

    def setText(self, text: str) -> None:
        super().setText(text)
        hint = self.sizeHint()
        if hint.width() > self.width() or hint.height() > self.height():
            self.setFixedSize(max(hint.width(), self.width()), max(hint.height(), self.height()))


class Timeline(QSlider):
    """A horizontal slider that repaints only when its handle moves by a pixel.

    The handle's place is computed as the style would, over the whole width
    (a little finer than the groove, so it never misses a move).  Any other
    change (steps, orientation) repaints as usual.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._drawn: tuple[int, int] | None = None

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        moves = (QAbstractSlider.SliderChange.SliderRangeChange, QAbstractSlider.SliderChange.SliderValueChange)
        if change in moves:
            place = self.handle_place()
            if place == self._drawn:
                return
            self._drawn = place
        super().sliderChange(change)

    def handle_place(self) -> tuple[int, int]:
        """(width, pixel) of the handle: what a repaint would change."""
        width = self.width()
        return width, QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), self.sliderPosition(), width)
