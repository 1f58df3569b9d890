"""Light graphics items and a painting setting the views share: pyqtgraph's items spend most of a paint in Python.

``PixelPadded`` is the base of items drawn in data units with pens measured
in pixels; ``Segments`` draws separate line segments (a contour).
``Polyline`` is a curve for a plot whose data the caller has already
reduced to about a point per pixel (``gui.loss_plot``): pyqtgraph's curve
maps, bounds, clips and downsamples its data again in every paint, and
re-derives its bounding rectangle in Python each time Qt asks, several
times a frame.  ``repaint_cheaply`` is how every view repaints; ``EveryPointerMove``
how a view with a hover readout hears the pointer.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets, sip


def box(x: np.ndarray, y: np.ndarray) -> QtCore.QRectF:
    """The bounding box of the points (x, y); an empty one at the origin for none.

    Coordinates are reduced one array at a time: ``min(axis=0)`` over (k, 2)
    points, stacked first, took 20 times as long (0.14 ms for a loss curve).
    """
    if not len(x):
        return QtCore.QRectF()
    left, right, bottom, top = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    return QtCore.QRectF(left, bottom, right - left, top - bottom)


class PixelPadded(pg.GraphicsObject):
    """An item in data units whose cosmetic pens reach ``reach`` screen pixels beyond its geometry.

    The reach in data units is worked out when the view's transform
    changes: Qt asks for the bounding rectangle several times a frame, and
    pyqtgraph's ``pixelVectors`` costs about 0.1 ms a call.
    """

    def __init__(self, reach: float) -> None:
        super().__init__()
        self._reach = reach
        self._margin = (0.0, 0.0)

    def set_reach(self, pixels: float) -> None:
        self._reach = pixels
        self.viewTransformChanged()

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()
        x, y = self.pixelVectors()  # one screen pixel along x and y, in item units; None outside a view
        self._margin = (0.0, 0.0) if x is None else (self._reach * x.length(), self._reach * y.length())

    def padded(self, rect: QtCore.QRectF) -> QtCore.QRectF:
        dx, dy = self._margin
        return rect.adjusted(-dx, -dy, dx, dy)


class Polyline(PixelPadded):
    """Points joined in order, one cosmetic pen; the path is built lazily at the next paint.

    Painted from Qt's item cache: a marker moving over an unchanged curve
    (scrubbing) then costs a copy, not a new stroke of every point.
    """

    def __init__(self, pen: QtGui.QPen) -> None:
        super().__init__(reach=pen.widthF() / 2 + 1)
        paint_from_cache(self)
        self.opts = {"pen": pen, "antialias": True}  # what a pyqtgraph legend reads to draw the sample
        self._x = self._y = np.empty(0)
        self._path: QtGui.QPainterPath | None = None
        self._bounds = QtCore.QRectF()

    @property
    def data(self) -> tuple[np.ndarray, np.ndarray]:
        """The points as given, in the plot's coordinates."""
        return self._x, self._y

    def set_data(self, x: np.ndarray, y: np.ndarray) -> None:
        """Finite points only, drawn as given.

        Copied: the caller's arrays may be views of a record that changes
        later, and the path is built at the next paint.
        """
        self.prepareGeometryChange()
        self._x, self._y = np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)
        self._bounds = box(self._x, self._y)
        self._path = None
        self.update()

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        if len(self._x) < 2:
            return
        if self._path is None:
            self._path = pg.arrayToQPath(self._x, self._y, connect="all", finiteCheck=False)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self.opts["pen"])
        painter.drawPath(self._path)

    def boundingRect(self) -> QtCore.QRectF:
        return self.padded(self._bounds)


class Segments(PixelPadded):
    """Separate line segments in one pen, drawn antialiased by one ``drawLines`` call.

    The segments are written straight into a ``sip.array`` of ``QLineF``
    through a NumPy view of its memory.  For a contour of a few hundred
    segments that is 2 µs where pyqtgraph's ``arrayToQPath`` took 0.1 ms,
    and Qt strokes the lines in two thirds of the time of the same path.
    """

    def __init__(self, pen: QtGui.QPen) -> None:
        super().__init__(reach=pen.widthF() / 2 + 1)
        self._pen = pen
        self._lines = sip.array(QtCore.QLineF, 0)
        self._bounds = QtCore.QRectF()

    def set_segments(self, x: np.ndarray, y: np.ndarray) -> None:
        """The segments' ends as consecutive pairs: segment i runs from point 2i to point 2i + 1."""
        if len(x) % 2 or len(x) != len(y):
            raise ValueError(f"{len(x)} x and {len(y)} y for segments: they take pairs of points")
        self.prepareGeometryChange()
        self._lines = sip.array(QtCore.QLineF, len(x) // 2)
        ends = np.frombuffer(sip.voidptr(self._lines, 16 * len(x)), dtype=np.float64).reshape(-1, 2)
        ends[:, 0], ends[:, 1] = x, y
        self._bounds = box(x, y)
        self.update()

    @property
    def count(self) -> int:
        return len(self._lines)

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        if len(self._lines):
            painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
            painter.setPen(self._pen)
            painter.drawLines(self._lines)

    def boundingRect(self) -> QtCore.QRectF:
        return self.padded(self._bounds)


def paint_from_cache(*items: QtWidgets.QGraphicsItem) -> None:
    """Let Qt keep a picture of each item and copy it until the item itself changes.

    For what a frame rarely changes but often overlaps: axes whose inward
    ticks or grid lines reach into a plot that changes (and their labels,
    HTML laid out again at every paint), titles, still data points over a new
    heatmap, curves under a moving marker.  Repainted with the rest, they
    cost a few milliseconds a frame.
    """
    for item in items:
        item.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


def paint_axis_from_cache(axis: pg.AxisItem) -> None:
    """An axis and its label (a child item of its own)."""
    paint_from_cache(axis, axis.label)


def repaint_cheaply(view: pg.GraphicsView) -> None:
    """How every view repaints: the one box around whatever changed, on a white background filled, not copied.

    A frame changes many small items (nineteen thumbnails, a heatmap, a
    moving marker): with Qt's default exact region every item paints clipped
    to many rectangles, which cost more than painting the few extra pixels of
    one box (a Step's redraw took about 2 ms less).  The view's opaque brush
    covers every pixel it repaints, so the viewport does not clear them first,
    and no background picture is kept: copying pyqtgraph's cached one costs
    more than filling white (both together about 0.2 ms a Step).
    """
    view.setBackground("w")
    view.setViewportUpdateMode(QtWidgets.QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
    view.setCacheMode(QtWidgets.QGraphicsView.CacheModeFlag.CacheNone)
    view.viewport().setAutoFillBackground(False)
    view.viewport().setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent)


class EveryPointerMove:
    """For a pyqtgraph view whose hover readout must follow the pointer: ``pointer_moved`` on every move.

    The scene's sigMouseMoved drops a move that follows the last within pyqtgraph's rate limit, yet
    the dropped one may be where the pointer comes to rest: a readout would then name what the
    pointer passed, not what is under it.  Put it before the view class among the bases.
    """

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        self.pointer_moved(self.mapToScene(event.position().toPoint()))

    def pointer_moved(self, scene_pos: QtCore.QPointF) -> None:
        raise NotImplementedError


class Bars(pg.GraphicsObject):
    """Bars of width ``width`` centred at x = 0.5, 1.5, …, from 0 to their heights; one ``drawRects`` per brush.

    pyqtgraph's bar item re-derives its bounds in Python each time Qt asks
    for them, some twenty times a frame for three plots of bars.
    """

    def __init__(self, count: int, pen: QtGui.QPen, width: float = 0.8) -> None:
        super().__init__()
        self._count, self._pen, self._width = count, pen, width
        self._groups: list[tuple[QtGui.QBrush, list[QtCore.QRectF]]] = []
        self._bounds = QtCore.QRectF(0.0, 0.0, float(count), 0.0)

    def set_bars(self, heights: np.ndarray, brushes: list[QtGui.QBrush]) -> None:
        """Finite heights, one brush per bar."""
        if len(heights) != self._count or len(brushes) != self._count:
            raise ValueError(f"{len(heights)} heights and {len(brushes)} brushes for {self._count} bars")
        self.prepareGeometryChange()
        groups: dict[int, tuple[QtGui.QBrush, list[QtCore.QRectF]]] = {}
        heights = np.asarray(heights, dtype=np.float64)
        left = np.arange(self._count) + (1 - self._width) / 2
        bottom = np.minimum(heights, 0.0)  # rectangles of positive height: a bar below zero starts at its end
        for x, y, height, brush in zip(left.tolist(), bottom.tolist(), np.abs(heights).tolist(), brushes, strict=True):
            groups.setdefault(id(brush), (brush, []))[1].append(QtCore.QRectF(x, y, self._width, height))
        self._groups = list(groups.values())
        low, high = min(0.0, float(np.min(heights, initial=0.0))), max(0.0, float(np.max(heights, initial=0.0)))
        self._bounds = QtCore.QRectF(0.0, low, float(self._count), high - low)
        self.update()

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        painter.setPen(self._pen)
        for brush, rects in self._groups:
            painter.setBrush(brush)
            painter.drawRects(rects)

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds.adjusted(0.0, -0.05, 0.0, 0.05)  # the outline's pixel at a bar's end


class EpochMarker(PixelPadded):
    """A vertical line at one x across the whole view: where the epoch shown is.

    pyqtgraph's ``InfiniteLine`` derives its extent from the view in Python
    at every move and every bounds query, which made each scrub step cost
    about a millisecond per marker; this one learns the view's range when
    it changes and otherwise only moves.
    """

    def __init__(self, pen: QtGui.QPen) -> None:
        super().__init__(reach=pen.widthF() / 2 + 1)
        self._pen = pen
        self._x = 0.0
        self._span = (0.0, 1.0)

    def value(self) -> float:
        return self._x

    def set_value(self, x: float) -> None:
        if x != self._x:
            self.prepareGeometryChange()
            self._x = float(x)
            self.update()

    def viewRangeChanged(self) -> None:
        view = self.getViewBox()
        if isinstance(view, pg.ViewBox):  # not a bare GraphicsView, as while being added
            self.prepareGeometryChange()
            self._span = tuple(view.viewRange()[1])

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        painter.setPen(self._pen)
        painter.drawLine(QtCore.QLineF(self._x, self._span[0], self._x, self._span[1]))

    def boundingRect(self) -> QtCore.QRectF:
        low, high = self._span
        return self.padded(QtCore.QRectF(self._x, low, 0.0, high - low))
