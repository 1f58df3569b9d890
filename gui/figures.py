"""The lab's figures as PNG files: the learning curve and ``show_result``.

Drawn with pyqtgraph on an offscreen ``GraphicsLayoutWidget`` and saved by
its ``ImageExporter``, so the command line needs neither matplotlib nor a
display: a headless server renders the same pictures as a laptop.  Only
``main.py train --figures`` imports this module, so plain training never
loads Qt.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PyQt6.QtWidgets import QApplication
from pyqtgraph.exporters import ImageExporter

# The lab's show_result draws class 0 red and class 1 blue (matplotlib's 'ro' and 'bo').
LAB_CLASS_COLOURS = ((214, 39, 40), (31, 119, 180))
CURVE_COLOUR = (31, 119, 180)
INK = "k"

_app: QApplication | None = None  # kept alive for the whole process once created here


def _application() -> QApplication:
    """The running QApplication, or an offscreen one: figures never need a display."""
    global _app
    app = QApplication.instance()
    if app is None:
        _app = app = QApplication(["backprop-lab", "-platform", "offscreen"])
    return app


def _canvas(width: int, height: int) -> pg.GraphicsLayoutWidget:
    _application()
    canvas = pg.GraphicsLayoutWidget(show=False, size=(width, height))
    canvas.setBackground("w")
    canvas.ci.setGeometry(0, 0, width, height)  # a hidden view never gets the resize event that lays it out
    return canvas


def _style(plot: pg.PlotItem, title: str, x_label: str, y_label: str) -> None:
    """Black ink on white, like the lab's matplotlib figures, so they print well."""
    plot.setTitle(title, color=INK, size="14pt")
    for side, label in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(side)
        axis.setPen(INK)
        axis.setTextPen(INK)
        axis.setLabel(label, color=INK)
        axis.enableAutoSIPrefix(False)  # "loss (x0.001)" reads worse than plain decimals
    plot.showGrid(x=True, y=True, alpha=0.25)


def _export(canvas: pg.GraphicsLayoutWidget, path: str | Path) -> None:
    _application().processEvents()  # let the layout settle before it is rendered
    saved = ImageExporter(canvas.scene()).export(str(path))
    canvas.deleteLater()
    if not saved:
        raise OSError(f"cannot write {path}")


def learning_curve_png(path: str | Path, epochs: np.ndarray, loss: np.ndarray) -> None:
    """Loss against epoch; epochs whose loss is not finite (a divergence) are left out."""
    epochs, loss = np.asarray(epochs, dtype=np.float64), np.asarray(loss, dtype=np.float64)
    finite = np.isfinite(loss)
    canvas = _canvas(800, 500)
    plot = canvas.addPlot()
    _style(plot, "Learning curve", "epoch", "loss")
    plot.plot(epochs[finite], loss[finite], pen=pg.mkPen(CURVE_COLOUR, width=2))
    _export(canvas, path)


def result_png(path: str | Path, X: np.ndarray, y: np.ndarray, predictions: np.ndarray) -> None:
    """The lab's ``show_result``: ground truth beside the predictions thresholded at 0.5."""
    X = np.asarray(X, dtype=np.float64)
    truth = np.asarray(y).reshape(-1) > 0.5
    predicted = np.asarray(predictions).reshape(-1) > 0.5
    canvas = _canvas(1000, 500)
    for title, classes in (("Ground truth", truth), ("Predict result", predicted)):
        plot = canvas.addPlot()
        _style(plot, title, "x1", "x2")
        for label, colour in enumerate(LAB_CLASS_COLOURS):
            points = X[classes == bool(label)]
            plot.plot(points[:, 0], points[:, 1], pen=None, symbol="o", symbolSize=9, symbolPen=None,
                      symbolBrush=colour)
        plot.setAspectLocked(True)
    _export(canvas, path)
