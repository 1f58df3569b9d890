"""The diagram's painted items: edges, node squares and saturation dots, one draw call per style.

``NetworkDiagram`` restyles these every frame; each skips its repaint when
the quantized styles did not change, which is most frames of a slow or
paused run (an antialiased edge picture costs about 1.5 ms to stroke).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets

from gui.items import PixelPadded, box
from gui.palette import diverging_rgba

LEVELS = 20  # magnitude steps per sign
MIN_WIDTH, MAX_WIDTH = 0.5, 6.0  # edge widths, px
MIN_ALPHA = 50  # opacity of the weakest edge, out of 255
NAN_RGBA = (150, 150, 150, 255)


class Styles:
    """The looks a value can take, by index: LEVELS ± level by sign, then non-finite, then culled.

    Edge colours fade towards the white background instead of being
    translucent: crowded layers stay readable (overlaps do not add up to a
    blob) and Qt paints opaque lines several times faster.
    """

    def __init__(self, max_width: float) -> None:
        signed = np.arange(-LEVELS, LEVELS + 1) / LEVELS
        full = diverging_rgba(signed, 1.0).astype(np.float64)
        opacity = (MIN_ALPHA + (255 - MIN_ALPHA) * np.abs(signed))[:, None] / 255
        faded = full.copy()
        faded[:, :3] = 255 + (full[:, :3] - 255) * opacity
        self.rgba = np.round(np.vstack([faded, NAN_RGBA, (0, 0, 0, 0)])).astype(np.ubyte)
        self.widths = np.concatenate([MIN_WIDTH + (max_width - MIN_WIDTH) * np.abs(signed), [1.0, 0.0]])
        self.pens = [
            pg.mkPen(tuple(int(c) for c in col), width=float(w)) for col, w in zip(self.rgba, self.widths, strict=True)
        ]
        self.fills = np.vstack([full, NAN_RGBA]).astype(np.ubyte)  # node fills: full colour, by the same index
        self.brushes = [pg.mkBrush(*(int(c) for c in col[:3])) for col in self.fills]
        self.nan, self.culled = 2 * LEVELS + 1, 2 * LEVELS + 2

    def index(self, values: np.ndarray, scale: float) -> np.ndarray:
        """Style index per value; any non-zero value gets at least level 1 so its sign shows."""
        finite = np.isfinite(values)
        t = np.where(finite, values, 0.0) / scale if scale > 0 else np.zeros(values.shape)
        index = LEVELS + np.sign(t) * np.ceil(np.clip(np.abs(t), 0.0, 1.0) * LEVELS)
        return np.where(finite, index, self.nan).astype(np.intp)

    def level(self, index: np.ndarray) -> np.ndarray:
        """Magnitude level 0..LEVELS; non-finite values count as -1 (drawn first, under the rest)."""
        return np.where(index == self.nan, -1, np.abs(index - LEVELS))

    def cull(self, index: np.ndarray, budget: int) -> np.ndarray:
        """Hide the weakest edges so that at most ``budget`` are drawn (the strongest level always is)."""
        if len(index) <= budget:
            return index
        levels = self.level(index)
        at_least = np.cumsum(np.bincount(levels + 1, minlength=LEVELS + 2)[::-1])[::-1]  # [k + 1]: level ≥ k
        fits = np.flatnonzero(at_least <= budget)
        cutoff = fits[0] - 1 if len(fits) else LEVELS
        return np.where(levels < cutoff, self.culled, index)


class EdgeItem(PixelPadded):
    """All edges as one ``drawLines`` call per style, grouped lazily at the next paint after a restyle.

    The lines themselves never move, so they are made once per
    architecture; a restyle only regroups them (a path per style, built
    from arrays each time, cost 1.7 ms a restyle).  ``antialiased`` is
    switched off while training runs: antialiased wide lines cost a sixth of
    a live frame, and edges that change every frame need no sub-pixel
    smoothness; a paused picture is drawn smooth.
    """

    def __init__(self) -> None:
        super().__init__(reach=MAX_WIDTH / 2 + 1)
        self._lines: list[QtCore.QLineF] = []
        self._index = np.zeros(0, dtype=np.intp)
        self._styles: Styles | None = None
        self._groups: list[tuple[QtGui.QPen, list[QtCore.QLineF]]] | None = []
        self._rect = QtCore.QRectF()
        self.set_antialiased(True)

    def set_segments(self, segments: np.ndarray, styles: Styles) -> None:
        self.prepareGeometryChange()
        self._lines = [QtCore.QLineF(x0, y0, x1, y1) for (x0, y0), (x1, y1) in segments.tolist()]
        self._styles = styles
        ends = segments.reshape(-1, 2)
        self._rect = box(ends[:, 0], ends[:, 1])
        self._index = np.zeros(0, dtype=np.intp)
        self.set_index(np.full(len(segments), LEVELS, dtype=np.intp))

    def set_index(self, index: np.ndarray) -> None:
        if np.array_equal(index, self._index):
            return
        self._index = index
        self._groups = None
        self.update()

    def _group(self) -> list[tuple[QtGui.QPen, list[QtCore.QLineF]]]:
        """Lines by style, weakest first so the strong ones are drawn on top."""
        styles, index, lines = self._styles, self._index, self._lines
        order = np.lexsort((index, styles.level(index)))
        cuts = np.flatnonzero(np.diff(index[order])) + 1
        groups = []
        for group in np.split(order, cuts):
            style = index[group[0]]
            if style != styles.culled:
                groups.append((styles.pens[style], [lines[i] for i in group.tolist()]))
        return groups

    def set_antialiased(self, on: bool) -> None:
        """Smooth lines, cached: a paused picture is stroked once, then copied until its styles change.

        While training runs the styles change most frames, so the cache
        would only add a copy: lines are drawn plain and uncached.
        """
        self.antialiased = on
        mode = QtWidgets.QGraphicsItem.CacheMode
        self.setCacheMode(mode.DeviceCoordinateCache if on else mode.NoCache)
        self.update()

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        if self._groups is None:
            self._groups = self._group() if len(self._index) else []
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, self.antialiased)
        for pen, lines in self._groups:
            painter.setPen(pen)
            painter.drawLines(lines)

    def boundingRect(self) -> QtCore.QRectF:
        return self.padded(self._rect)


class NodeSquares(PixelPadded):
    """Every node's square, filled by style and outlined per column.

    Squares of the same fill and outline are one ``drawRects`` call:
    pyqtgraph's scatter item in data units draws each square as a path
    through Python, a millisecond for twenty nodes.
    """

    def __init__(self) -> None:
        super().__init__(reach=1.0)
        self._rects: list[QtCore.QRectF] = []
        self._outlines = np.zeros(0, dtype=np.intp)
        self._pens: list[QtGui.QPen] = []
        self._fills = np.zeros(0, dtype=np.intp)
        self._groups: list[tuple[QtGui.QPen, QtGui.QBrush, list[QtCore.QRectF]]] = []
        self._bounds = QtCore.QRectF()

    def set_nodes(
        self, x: np.ndarray, y: np.ndarray, side: np.ndarray, outlines: np.ndarray, pens: list[QtGui.QPen]
    ) -> None:
        """Centres, sides and the index into ``pens`` of each node's outline."""
        self.prepareGeometryChange()
        self._rects = [QtCore.QRectF(cx - s / 2, cy - s / 2, s, s) for cx, cy, s in zip(x, y, side, strict=True)]
        self._outlines, self._pens = np.asarray(outlines, dtype=np.intp), pens
        self._bounds = QtCore.QRectF()
        for rect in self._rects:
            self._bounds = self._bounds.united(rect)
        self._fills = np.zeros(0, dtype=np.intp)

    def set_fills(self, fills: np.ndarray, brushes: list[QtGui.QBrush]) -> None:
        """``fills``: per node, an index into ``brushes``."""
        if np.array_equal(fills, self._fills):
            return
        self._fills = fills
        groups: dict[tuple[int, int], list[QtCore.QRectF]] = {}
        for rect, fill, outline in zip(self._rects, fills.tolist(), self._outlines.tolist(), strict=True):
            groups.setdefault((fill, outline), []).append(rect)
        self._groups = [(self._pens[outline], brushes[fill], rects) for (fill, outline), rects in groups.items()]
        self.update()

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        for pen, brush, rects in self._groups:
            painter.setPen(pen)
            painter.setBrush(brush)
            painter.drawRects(rects)

    def boundingRect(self) -> QtCore.QRectF:
        return self.padded(self._bounds)


class Dots(PixelPadded):
    """Discs of given pixel radii at points in data units (the saturation marks).

    pyqtgraph's scatter item spends most of a millisecond per paint in
    Python even for three dots; these are a few ``drawEllipse`` calls.
    """

    def __init__(self, pen: QtGui.QPen) -> None:
        super().__init__(reach=1.0)
        self._pen = pen
        self._dots: list[tuple[QtCore.QPointF, float, QtGui.QBrush]] = []
        self._bounds = QtCore.QRectF()

    def set_dots(self, points: np.ndarray, radii: np.ndarray, brushes: list[QtGui.QBrush]) -> None:
        """``points`` (k, 2) in data units, ``radii`` (k,) in pixels, one brush per dot."""
        self.prepareGeometryChange()
        self._dots = [
            (QtCore.QPointF(x, y), float(r), brush) for (x, y), r, brush in zip(points, radii, brushes, strict=True)
        ]
        self._bounds = box(points[:, 0], points[:, 1])
        self.set_reach(max((r for _, r, _ in self._dots), default=0.0) + 1.0)
        self.update()

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        x, y = self.pixelVectors()
        if x is None:
            return
        px, py = x.length(), y.length()
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self._pen)
        for centre, radius, brush in self._dots:
            painter.setBrush(brush)
            painter.drawEllipse(centre, radius * px, radius * py)

    def boundingRect(self) -> QtCore.QRectF:
        return self.padded(self._bounds)
