"""Reading a grabbed plot back: the colour drawn at a point of its data coordinates."""

from PyQt6 import QtCore, QtGui


def colour_at(plot, shot: QtGui.QImage, x: float, y: float) -> tuple[int, int, int]:
    point = plot.mapFromScene(plot.getPlotItem().getViewBox().mapViewToScene(QtCore.QPointF(x, y)))
    return shot.pixelColor(point).getRgb()[:3]
