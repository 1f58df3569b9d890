"""The learning curve: loss per epoch, accuracy on a right-hand axis, the current epoch marked.

A run can last a million epochs, and the whole history is handed over every
frame.  ``show_history`` reduces a long history to at most ``MAX_POINTS`` by
peak decimation (each block's minimum and maximum kept, so spikes stay
visible) with two NumPy reductions, and drops the inner points of flat runs;
the curves are ``gui.items.Polyline``s that draw what they are given.
pyqtgraph's own curves mapped, bounded, clipped and downsampled the data
again in every paint: they cost a third of a frame.  Pens are one pixel
wide: Qt's wide antialiased lines cost several times more per segment.
Accuracy lives in a second ``ViewBox`` whose x axis is linked to the loss's,
fixed at 0–100 %.  On the log scale the curve is given log10 of the losses,
clipped to a floor so ``log10`` never sees zero, and the left axis labels
its ticks as powers of ten.

The axes do not auto-range every frame: re-ticking an axis costs more than
drawing the curve.  The epoch axis ends at the next step (``gui.ranges``)
above the latest epoch, the linear loss axis at the next step above the
largest loss, the log axis at the whole decades around the losses.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QEvent, QPointF, Qt, pyqtSignal
from PyQt6.QtWidgets import QWidget

from gui.items import EpochMarker, EveryPointerMove, Polyline, paint_axis_from_cache, paint_from_cache, repaint_cheaply
from gui.ranges import decades, nice_ceiling

LOSS_COLOUR = (52, 73, 94)
ACCURACY_COLOUR = (39, 174, 96)
MARKER_COLOUR = (120, 120, 120)
INK = (33, 37, 41)
LOG_FLOOR = 1e-12  # smallest loss drawn on the log axis: an exact zero becomes 1e-12
MAX_POINTS = 2_000  # per curve handed to pyqtgraph: a minimum and a maximum per pixel of a wide plot


def _finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop the points whose value is NaN or infinite (a diverged epoch)."""
    keep = np.isfinite(y)
    return (x, y) if keep.all() else (x[keep], y[keep])


def peak_decimate(x: np.ndarray, y: np.ndarray, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` points that draw the same envelope as (x, y).

    Blocks of consecutive points become their minimum and maximum, both at
    the block's first x; the newest point is kept as it is, so the curve
    ends exactly at the current epoch.
    """
    n = len(y)
    if n <= max_points:
        return x, y
    block = -(-n // ((max_points - 1) // 2))  # ceil: two points per block, one for the newest
    starts = np.arange(0, n, block)
    peaks = np.empty((len(starts), 2))
    np.minimum.reduceat(y, starts, out=peaks[:, 0])
    np.maximum.reduceat(y, starts, out=peaks[:, 1])
    return np.concatenate([np.repeat(x[starts], 2), x[-1:]]), np.concatenate([peaks.ravel(), y[-1:]])


def without_flat_runs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same polyline without the inner points of runs of equal values.

    Accuracy on a small data set takes a few dozen values over thousands of
    epochs: its curve is mostly flat runs, and a run drawn from its first to
    its last point is the same line at a fraction of the cost.
    """
    if len(y) < 3:
        return x, y
    keep = np.ones(len(y), dtype=bool)
    keep[1:-1] = (y[1:-1] != y[:-2]) | (y[1:-1] != y[2:])
    return x[keep], y[keep]


class LossPlot(EveryPointerMove, pg.PlotWidget):
    """Loss (left axis, optionally log) and accuracy in % (right axis) against the epoch.

    Hovering reads out the epoch under the pointer; clicking asks for that
    epoch to be shown, as the timeline does.
    """

    epoch_clicked = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        repaint_cheaply(self)
        plot = self.getPlotItem()
        # The plot's own menu could switch the accuracy axis to log too; the app's toggle is set_log.
        plot.setMenuEnabled(False)
        plot.showAxis("right")
        for name, text, colour in (
            ("bottom", "epoch", INK),
            ("left", "loss", LOSS_COLOUR),
            ("right", "accuracy (%)", ACCURACY_COLOUR),
        ):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(INK))
            axis.setTextPen(pg.mkPen(INK))
            axis.enableAutoSIPrefix(False)  # "loss (x0.001)" reads badly, and worse on a log axis
            paint_axis_from_cache(axis)  # its inward ticks overlap the curves
            plot.setLabel(name, text, color=pg.mkColor(colour).name(), **{"font-size": "10pt"})

        # The key is the plot's title line: inside the plot, some run's curves would always pass under it
        # (a net stuck at loss 0.25 and 50 % draws both across the middle).  Fixed text, laid out once.
        plot.setTitle(
            "&nbsp;" * 6 + "".join(
                f'<span style="color:{pg.mkColor(colour).name()}">━━ {name}</span>' + "&nbsp;" * 6
                for name, colour in (("loss", LOSS_COLOUR), ("accuracy (%)", ACCURACY_COLOUR))
            ),
            size="9pt",
        )
        paint_from_cache(plot.titleLabel.item)
        self.loss_curve = Polyline(pg.mkPen(LOSS_COLOUR, width=1))
        plot.addItem(self.loss_curve)
        self.accuracy_view = pg.ViewBox(enableMenu=False)
        self.accuracy_view.setZValue(-1)  # under the loss view, which thus gets the mouse: drag and zoom the loss
        plot.scene().addItem(self.accuracy_view)
        plot.getAxis("right").linkToView(self.accuracy_view)
        self.accuracy_view.setXLink(plot.getViewBox())
        self.accuracy_view.setYRange(0.0, 100.0, padding=0.02)
        self.accuracy_curve = Polyline(pg.mkPen(ACCURACY_COLOUR, width=1))
        self.accuracy_view.addItem(self.accuracy_curve)

        self.marker = EpochMarker(pg.mkPen(MARKER_COLOUR, width=1, dash=[4, 4]))
        plot.addItem(self.marker, ignoreBounds=True)
        plot.getViewBox().sigResized.connect(self._on_resized)
        self._readout = pg.TextItem(color=INK, fill=pg.mkBrush(255, 255, 255, 235), border=pg.mkPen(200, 200, 200))
        self._readout.setZValue(20)
        self._readout.hide()
        plot.addItem(self._readout, ignoreBounds=True)
        self.scene().sigMouseClicked.connect(self._on_clicked)

        self._log = False
        self._epochs = np.empty(0)
        self._loss = np.empty(0)
        self._accuracy = np.empty(0)
        self._pointer: QPointF | None = None  # scene position of the pointer over the plot, for the readout
        self._x_top: float | None = None
        self._y_range: tuple[float, float] | None = None
        self._revision: object = None
        plot.getViewBox().disableAutoRange()
        self._fit_ranges()
        # pyqtgraph's "A" button would auto-range the loss axis at every frame from then on, jumping
        # with each epoch: after a zoom it goes back to the whole run on the usual steady axes instead.
        plot.autoBtn.clicked.disconnect()
        plot.autoBtn.clicked.connect(self.show_whole_run)
        plot.autoBtn.setToolTip("Back to the whole run")

    def show_history(
        self,
        epochs: np.ndarray,
        loss: np.ndarray,
        accuracy: np.ndarray,
        current_epoch: int,
        revision: object = None,
    ) -> None:
        """Draw the whole history and mark ``current_epoch``.

        One point per epoch (peak-decimated beyond ``MAX_POINTS``); ``accuracy``
        is a fraction 0..1, drawn in percent; non-finite values are left out.
        ``revision`` (``History.revision``): when it equals the last one drawn,
        only the marker moves.
        """
        self.marker.set_value(current_epoch)
        if revision is not None and revision == self._revision:
            return
        self._revision = revision
        self._epochs = np.asarray(epochs)
        self._loss = np.asarray(loss, dtype=np.float64)
        self._draw_loss()
        self._accuracy = np.asarray(accuracy, dtype=np.float64)
        epochs, accuracy = without_flat_runs(*peak_decimate(*_finite(self._epochs, self._accuracy)))
        self.accuracy_curve.set_data(epochs, 100.0 * accuracy)
        self._fit_ranges()
        self._show_readout()

    def _fit_ranges(self) -> None:
        """Move an axis only when the data outgrows its step (see the module docstring)."""
        view = self.getPlotItem().getViewBox()
        last = float(self._epochs[-1]) if len(self._epochs) else 0.0
        x_top = nice_ceiling(max(last, 10.0))
        if x_top != self._x_top:
            self._x_top = x_top
            view.setXRange(0.0, x_top, padding=0.02)
        finite = self._loss[np.isfinite(self._loss)]
        if self._log:
            y_range = decades([np.maximum(finite, LOG_FLOOR)]) or (-1.0, 0.0)
        else:
            y_range = (0.0, nice_ceiling(float(finite.max())) if len(finite) and finite.max() > 0 else 1.0)
        if y_range != self._y_range:
            self._y_range = y_range
            view.setYRange(*y_range, padding=0.02)

    def show_whole_run(self) -> None:
        """Undo a zoom or a drag: the axes fitted to the whole history, as before."""
        self._x_top = self._y_range = None
        self._fit_ranges()

    def set_log(self, on: bool) -> None:
        """Log-scale loss axis; the accuracy axis stays linear."""
        self._log = bool(on)
        self.getPlotItem().getAxis("left").setLogMode(False, self._log)
        self._draw_loss()
        self._fit_ranges()

    @property
    def log(self) -> bool:
        return self._log

    def _draw_loss(self) -> None:
        epochs, loss = peak_decimate(*_finite(self._epochs, self._loss))
        if self._log:  # after decimation: clipping and log commute with min and max, and touch fewer points
            loss = np.log10(np.maximum(loss, LOG_FLOOR))
        self.loss_curve.set_data(epochs, loss)

    def _on_resized(self) -> None:
        """Keep the accuracy view on top of the loss view's rectangle."""
        main = self.getPlotItem().getViewBox()
        self.accuracy_view.setGeometry(main.mapRectToScene(main.rect()))  # sceneBoundingRect is ½ px wider
        self.accuracy_view.linkedViewChanged(main, self.accuracy_view.XAxis)

    # -- pointer -----------------------------------------------------------------
    @property
    def readout(self) -> str:
        """The hovered epoch's values as shown, or "" when the pointer is not over the plot."""
        return self._readout.toPlainText() if self._readout.isVisible() else ""

    def _epoch_at(self, scene_pos: QPointF) -> int | None:
        """The epoch under ``scene_pos`` (nearest, within the run), or None outside the plot or before any."""
        view = self.getPlotItem().getViewBox()
        if not len(self._epochs) or not view.sceneBoundingRect().contains(scene_pos):
            return None
        x = round(view.mapSceneToView(scene_pos).x())
        return int(min(max(x, self._epochs[0]), self._epochs[-1]))

    def _show_readout(self) -> None:
        epoch = None if self._pointer is None else self._epoch_at(self._pointer)
        if epoch is None:
            self._readout.hide()
            return
        i = int(np.searchsorted(self._epochs, epoch))
        text = f"epoch {epoch:,}\nloss {self._loss[i]:.4g}\naccuracy {100 * self._accuracy[i]:.1f} %"
        if text != self._readout.toPlainText():
            self._readout.setText(text)
        view = self.getPlotItem().getViewBox()
        point = view.mapSceneToView(self._pointer)
        centre = view.mapSceneToView(view.sceneBoundingRect().center())
        # Beside the pointer, towards the middle of the plot, so it is never cut off at an edge.
        self._readout.setAnchor((float(point.x() > centre.x()), float(point.y() < centre.y())))
        self._readout.setPos(point)
        self._readout.show()

    def pointer_moved(self, scene_pos: QPointF) -> None:
        self._pointer = scene_pos
        self._show_readout()

    def leaveEvent(self, event: QEvent) -> None:
        self._pointer = None
        self._readout.hide()
        super().leaveEvent(event)

    def _on_clicked(self, event) -> None:
        epoch = self._epoch_at(event.scenePos())
        if event.button() == Qt.MouseButton.LeftButton and epoch is not None:
            self.epoch_clicked.emit(epoch)
