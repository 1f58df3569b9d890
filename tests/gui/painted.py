"""Reading painted pixels back: the colour drawn at a point of a plot's data coordinates, what a window holds."""

from PyQt6 import QtCore, QtGui
from PyQt6.QtWidgets import QApplication, QWidget


def colour_at(plot, shot: QtGui.QImage, x: float, y: float) -> tuple[int, int, int]:
    point = plot.mapFromScene(plot.getPlotItem().getViewBox().mapViewToScene(QtCore.QPointF(x, y)))
    return shot.pixelColor(point).getRgb()[:3]


def on_screen(widget: QWidget):
    """What the window's backing store holds where ``widget`` is: what was painted, not a fresh render."""
    window = widget.window()
    shot = QApplication.primaryScreen().grabWindow(window.winId()).toImage()
    return shot.copy(QtCore.QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size()))
