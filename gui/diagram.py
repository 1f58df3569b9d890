"""The network as a TF-Playground-style diagram: neurons in columns, every weight a line.

The items are built once per architecture (``set_architecture``); a frame
(``show``) only restyles them, as TF Playground does.  A *lens* picks which
per-parameter array colours the picture: the weights, the last gradient or
the last update.  Lines show W (colour = sign; width and strength of colour
= |value| relative to the frame's largest |W|), node fills show b on the same
scale (saturating beyond it), and each neuron carries a thumbnail of its own
output over the input plane.  (W, b) are read from the snapshot's flat arrays
through ``core.network``'s layer views, the layout ``MLP.flat`` documents.

Edges are quantized to ``LEVELS`` magnitudes per sign and drawn as one
QPainterPath per level, weakest first: a 2-64-64-…-1 net has 20 000 lines,
and a pen per line (``pg.GraphItem``'s per-edge pens) costs a frame; a few
dozen paths cost a millisecond and look the same.  Beyond ``EDGE_BUDGET``
edges only the strongest are drawn (the legend says so): thousands of
overlapping lines are slow to paint and say nothing a person can read.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui, QtWidgets
from PyQt6.QtCore import pyqtSignal

from core.field import Field, grid
from core.network import flat_views, split_layer, validate_sizes
from core.snapshot import Snapshot
from gui.palette import diverging_colormap, diverging_rgba

LENSES = {  # lens -> (Snapshot field in the flat MLP layout, legend label, what lines show, what node fills show)
    "weight": ("weights", "Weight", "w", "bias b"),
    "gradient": ("grad", "Gradient", "∂L/∂w", "∂L/∂b"),
    "update": ("update", "Update", "Δw", "Δb"),
}
LEVELS = 20  # magnitude steps per sign
MIN_WIDTH, MAX_WIDTH = 0.5, 6.0  # edge widths, px
MIN_ALPHA = 50  # opacity of the weakest edge, out of 255
NAN_RGBA = (150, 150, 150, 255)
EDGE_BUDGET = 2000  # at most this many edges are drawn, the strongest
COLUMN_GAP = 1.0  # data units between columns
NODE_SIDE = 0.24  # largest node square
NODE_GAP = 0.32  # largest distance between node centres in a column
COLUMN_HEIGHT = 3.2  # a column never grows taller: nodes crowd instead
THUMBNAIL_LIMIT = 16  # more units per column: plain squares, no thumbnails
THUMBNAIL_PIXELS = 50  # maps are strided down to about this many pixels a side
MAX_SCALE = 200  # px per data unit: a small net is drawn at this size, centred, not blown up
PADDING = (36, 46, 36, 8)  # left, top (column labels), right, bottom (plus the legend), px
TEXT = "#222222"
SATURATED = (200, 30, 45)  # marks of saturated / dead units
SATURATION_SHOWN = 0.05  # shares below this are not marked
FOCUS_FILL = (255, 221, 87, 70)  # the walk-through's current layer
OUTLINE, CROWDED_OUTLINE = (90, 90, 90), (175, 175, 175)  # node outlines; tiny squares need a light one


def fmt(value: float) -> str:
    """Three significant digits with a real minus sign."""
    return f"{value:.3g}".replace("-", "−") if math.isfinite(value) else str(value)


@dataclass(frozen=True)
class Layout:
    """Where every node and edge goes, in data units; nodes are inputs first, then layer by layer."""

    sizes: tuple[int, ...]
    x: np.ndarray
    y: np.ndarray
    side: np.ndarray
    layer: np.ndarray  # 0 = input, 1..depth
    unit: np.ndarray
    segments: np.ndarray  # (edges, 2, 2): [[x0, y0], [x1, y1]], edges in the order of ``NetworkDiagram``

    @property
    def offsets(self) -> list[int]:
        """Index of each column's first node."""
        return [0, *itertools.accumulate(self.sizes)]

    def bounds(self) -> QtCore.QRectF:
        half = self.side / 2
        left, right = float((self.x - half).min()), float((self.x + half).max())
        bottom, top = float((self.y - half).min()), float((self.y + half).max())
        return QtCore.QRectF(left, bottom, right - left, top - bottom)


def layout(sizes: tuple[int, ...]) -> Layout:
    xs, ys, sides = [], [], []
    for column, n in enumerate(sizes):
        gap = NODE_GAP if n == 1 else min(NODE_GAP, COLUMN_HEIGHT / (n - 1))
        xs.append(np.full(n, column * COLUMN_GAP))
        ys.append(((n - 1) / 2 - np.arange(n)) * gap)  # unit 0 on top
        sides.append(np.full(n, min(NODE_SIDE, 0.75 * gap)))
    x, y, side = np.concatenate(xs), np.concatenate(ys), np.concatenate(sides)
    layer = np.repeat(np.arange(len(sizes)), sizes)
    unit = np.concatenate([np.arange(n) for n in sizes])
    offsets = [0, *itertools.accumulate(sizes)]
    pairs = list(enumerate(itertools.pairwise(sizes)))
    src = np.concatenate([offsets[k] + np.repeat(np.arange(a), b) for k, (a, b) in pairs])  # W[i, j] row-major
    dst = np.concatenate([offsets[k + 1] + np.tile(np.arange(b), a) for k, (a, b) in pairs])
    start = np.column_stack([x[src] + side[src] / 2, y[src]])
    stop = np.column_stack([x[dst] - side[dst] / 2, y[dst]])
    return Layout(tuple(sizes), x, y, side, layer, unit, np.stack([start, stop], axis=1))


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
        self.brushes = [pg.mkBrush(*(int(c) for c in col[:3])) for col in [*full, NAN_RGBA]]
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


class EdgeItem(pg.GraphicsObject):
    """All edges as one path per style, rebuilt lazily at the next paint after a restyle.

    ``antialiased`` is switched off while training runs: antialiased wide
    lines cost a sixth of a live frame, and edges that change every frame
    need no sub-pixel smoothness; a paused picture is drawn smooth.
    """

    def __init__(self) -> None:
        super().__init__()
        self.antialiased = True
        self._segments = np.zeros((0, 2, 2))
        self._index = np.zeros(0, dtype=np.intp)
        self._styles: Styles | None = None
        self._paths: list[tuple[QtGui.QPen, QtGui.QPainterPath]] | None = []
        self._rect = QtCore.QRectF()

    def set_segments(self, segments: np.ndarray, styles: Styles) -> None:
        self.prepareGeometryChange()
        self._segments, self._styles = segments, styles
        points = segments.reshape(-1, 2)
        low, high = (points.min(axis=0), points.max(axis=0)) if len(points) else (np.zeros(2), np.zeros(2))
        self._rect = QtCore.QRectF(low[0], low[1], high[0] - low[0], high[1] - low[1])
        self.set_index(np.full(len(segments), LEVELS, dtype=np.intp))

    def set_index(self, index: np.ndarray) -> None:
        self._index = index
        self._paths = None
        self.update()

    def _build(self) -> list[tuple[QtGui.QPen, QtGui.QPainterPath]]:
        styles, index = self._styles, self._index
        order = np.lexsort((index, styles.level(index)))
        cuts = np.flatnonzero(np.diff(index[order])) + 1
        paths = []
        for group in np.split(order, cuts):
            if index[group[0]] == styles.culled:
                continue
            points = self._segments[group].reshape(-1, 2)
            path = pg.arrayToQPath(points[:, 0], points[:, 1], connect="pairs", finiteCheck=False)
            paths.append((styles.pens[index[group[0]]], path))
        return paths

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        if self._paths is None:
            self._paths = self._build() if len(self._index) else []
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, self.antialiased)
        for pen, path in self._paths:
            painter.setPen(pen)
            painter.drawPath(path)

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect


@dataclass
class Thumbnail:
    image: pg.ImageItem
    rect: QtCore.QRectF
    column: int
    unit: int
    values: np.ndarray | None = None  # the map drawn, and its colour levels
    levels: tuple[float, float] = (-1.0, 1.0)


def map_levels(maps: np.ndarray, snapshot: Snapshot, output: bool) -> np.ndarray:
    """(units, 2) colour levels: 0..1 for sigmoid layers, else ±max|map| per neuron."""
    activation = snapshot.output_activation if output else snapshot.activation
    if activation == "sigmoid":
        return np.tile([0.0, 1.0], (len(maps), 1))
    peak = np.maximum(np.where(np.isfinite(maps), np.abs(maps), 0.0).max(axis=(1, 2)), 1e-12)
    return np.column_stack([-peak, peak])


def input_maps(field: Field, step: int) -> tuple[np.ndarray, np.ndarray]:
    """x1 and x2 over the plane (ramps) and their levels, symmetric like every other signed map."""
    xs, ys, _ = grid(field.bounds, field.resolution)
    xs, ys = xs[::step], ys[::step]
    maps = np.stack([np.repeat(xs[:, None], len(ys), axis=1), np.repeat(ys[None, :], len(xs), axis=0)])
    peak = np.abs(maps).max(axis=(1, 2))
    return maps, np.column_stack([-peak, peak])


def colourize(maps: np.ndarray, levels: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """(units, w, h, 4) RGBA of (units, w, h) maps through ``palette``, non-finite pixels grey.

    ``palette`` is ``packed_palette``'s: one uint32 per colour makes the lookup a single gather.
    Ready-made RGBA also skips pyqtgraph's per-image colour table, built in Python at every paint.
    """
    low, high = levels[:, :1, None], levels[:, 1:, None]
    top = len(palette) - 2
    with np.errstate(invalid="ignore", over="ignore"):
        t = (maps - low) * (top / (high - low))
    np.clip(t, 0, top, out=t)
    np.rint(t, out=t)
    t[~np.isfinite(maps)] = top + 1
    return palette[t.astype(np.intp, order="C")].view(np.ubyte).reshape(*maps.shape, 4)


def packed_palette(colormap: pg.ColorMap, steps: int = 256) -> np.ndarray:
    """The colormap's RGBA as uint32s, with NAN_RGBA appended for non-finite values."""
    rgba = np.vstack([colormap.getLookupTable(0.0, 1.0, steps, alpha=True), NAN_RGBA]).astype(np.ubyte)
    return np.ascontiguousarray(rgba).view(np.uint32).ravel()


class NetworkDiagram(pg.GraphicsLayoutWidget):
    """Neurons in columns (input | hidden… | output), every weight an edge, restyled per frame.

    Edge order, used by ``edge_colours`` / ``edge_widths``: layer by layer, then
    W[i, j] row-major (i = source unit, j = target unit), i.e. ``W.ravel()``.
    ``neuron_hovered`` carries the layer (1 = first hidden … depth = output) and
    the 0-based unit, an index into ``field.maps[layer - 1]``; (-1, -1) when the
    pointer leaves the neuron.  Input nodes are not neurons and emit nothing.
    Text shown to the person numbers units from 1, like x1 and x2.
    """

    neuron_hovered = pyqtSignal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.ci.setContentsMargins(4, 4, 4, 4)
        self._view = self.addViewBox(row=0, col=0, lockAspect=True, enableMouse=False, enableMenu=False)
        self._view.disableAutoRange()
        self._legend = QtWidgets.QGraphicsTextItem(self._view)  # in view pixels, wraps to the width
        self._legend.setZValue(100)
        self._legend_html = ""
        self._palette = packed_palette(diverging_colormap())
        self._edges = EdgeItem()
        self._nodes = pg.ScatterPlotItem(pxMode=False, symbol="s")
        self._highlight = pg.PlotCurveItem(pen=pg.mkPen(20, 20, 20, width=1.5, style=QtCore.Qt.PenStyle.DashLine))
        self._hover = pg.TextItem(color=TEXT, fill=pg.mkBrush(255, 255, 255, 235), border=pg.mkPen(160, 160, 160))
        self._marks = pg.ScatterPlotItem(pxMode=True, symbol="o", pen=pg.mkPen("w", width=1))
        self._focus = QtWidgets.QGraphicsRectItem()
        self._focus.setBrush(pg.mkBrush(*FOCUS_FILL))
        self._focus.setPen(pg.mkPen(None))
        self._focus.hide()
        self._view.addItem(self._focus)
        self._focus.setZValue(-5)
        for z, item in enumerate((self._edges, self._nodes, self._marks, self._highlight, self._hover)):
            item.setZValue(z * 10)
            self._view.addItem(item)
        self._hover.hide()
        self._per_architecture: list[pg.GraphicsObject] = []
        self._thumbnails: list[Thumbnail] = []
        self._lens = "weight"
        self._snapshot: Snapshot | None = None
        self._target: tuple[str, int] | None = None  # ("node" | "edge", index) under the pointer
        self._saturation = np.zeros(0)  # per node: share of samples on which it is saturated / dead
        self._neuron = (-1, -1)
        self.set_architecture([2, 1])
        self._view.sigResized.connect(self._on_resized)

    # -- public API ---------------------------------------------------------------------------
    def set_architecture(self, sizes: list[int]) -> None:
        """Build every item for layer sizes such as [2, 8, 8, 1]; the previous items are removed."""
        sizes = validate_sizes(sizes)
        self._clear_hover()
        for item in self._per_architecture:
            self._view.removeItem(item)
        self._per_architecture, self._thumbnails = [], []
        self._snapshot = None
        self._layout = layout(tuple(sizes))
        self._saturation = np.zeros(len(self._layout.x))
        self._marks.setData(pos=np.empty((0, 2)))
        self.highlight_layer(None)
        gaps = [NODE_GAP if n == 1 else min(NODE_GAP, COLUMN_HEIGHT / (n - 1)) for n in sizes]
        self._styles = Styles(max(1.0, MAX_WIDTH * min(1.0, min(gaps) / NODE_GAP)))
        self._edges.set_segments(self._layout.segments, self._styles)
        lay = self._layout
        outlines = [OUTLINE if n <= THUMBNAIL_LIMIT else CROWDED_OUTLINE for n in sizes]
        pens = [pg.mkPen(*outlines[column], width=1) for column in lay.layer]
        self._nodes.setData(x=lay.x, y=lay.y, size=lay.side, pen=pens, brush=self._styles.brushes[LEVELS])
        self._edge_index = np.full(self.edge_count, LEVELS, dtype=np.intp)
        top = float((lay.y + lay.side / 2).max())
        for column, n in enumerate(sizes):
            self._add_label(column, n, top)
            if n <= THUMBNAIL_LIMIT:
                self._add_thumbnails(column)
        self._show_legend(0.0, self.edge_count)
        self._fit()

    def show_snapshot(self, snapshot: Snapshot, field: Field | None = None) -> None:
        """Restyle for one frame from ``snapshot`` (and the neuron maps of ``field``, if given).

        A snapshot of another architecture rebuilds the diagram first.
        """
        if tuple(snapshot.sizes) != self._layout.sizes:
            self.set_architecture(list(snapshot.sizes))
        self._snapshot = snapshot
        self._restyle()
        if field is not None:
            self._check_field(field)
            self._show_thumbnails(snapshot, field)
        if self._target is not None:
            self._show_hover_text()

    def set_lens(self, lens: str) -> None:
        """Colour edges and node fills by "weight", "gradient" or "update" (the snapshot's params/grads/updates)."""
        if lens not in LENSES:
            raise ValueError(f"unknown lens {lens!r}; choose one of {', '.join(LENSES)}")
        self._lens = lens
        if self._snapshot is not None:
            self._restyle()

    @property
    def lens(self) -> str:
        return self._lens

    def set_animating(self, animating: bool) -> None:
        """Draw for speed while training runs, for looks when it stops (see ``EdgeItem``)."""
        self._edges.antialiased = not animating
        self._edges.update()

    def show_saturation(self, shares: list[np.ndarray]) -> None:
        """Mark hidden units that pass (almost) no gradient back.

        ``shares[l][u]``: the share of samples on which hidden unit u of layer
        l + 1 is saturated (sigmoid/tanh) or dead (ReLU) — see
        ``core.walkthrough.saturation``.  A red dot at the node's corner, its
        size and opacity growing with the share; the hover text gives the share.
        """
        lay = self._layout
        hidden = lay.sizes[1:-1]
        if [len(s) for s in shares] != list(hidden):
            raise ValueError(f"saturation for layers of {[len(s) for s in shares]} units, the diagram {list(hidden)}")
        saturation = np.zeros(len(lay.x))
        if shares:
            start = lay.offsets[1]
            saturation[start : start + sum(hidden)] = np.nan_to_num(np.concatenate(shares))
        if np.array_equal(saturation, self._saturation):  # most frames: nothing to restyle
            return
        self._saturation = saturation
        shown = np.flatnonzero(self._saturation >= SATURATION_SHOWN)
        share = self._saturation[shown]
        corner = np.column_stack([lay.x[shown] + lay.side[shown] / 2, lay.y[shown] + lay.side[shown] / 2])
        brushes = [pg.mkBrush(*SATURATED, int(90 + 165 * s)) for s in share]
        self._marks.setData(pos=corner, size=5 + 7 * share, brush=brushes)

    @property
    def saturation_marks(self) -> np.ndarray:
        """(layer, unit, share) of every marked unit, for tests."""
        lay = self._layout
        shown = np.flatnonzero(self._saturation >= SATURATION_SHOWN)
        return np.column_stack([lay.layer[shown], lay.unit[shown], self._saturation[shown]])

    def highlight_layer(self, layer: int | None) -> None:
        """Shade weight layer ``layer`` (1..depth: its inputs, lines and neurons), or nothing."""
        self._focused = layer
        if layer is None or not 1 <= layer < len(self._layout.sizes):
            self._focused = None
            self._focus.hide()
            return
        bounds = self._layout.bounds()
        half = NODE_SIDE * 0.75
        left, right = (layer - 1) * COLUMN_GAP - half, layer * COLUMN_GAP + half
        self._focus.setRect(QtCore.QRectF(left, bounds.top() - half, right - left, bounds.height() + 2 * half))
        self._focus.show()

    @property
    def highlighted_layer(self) -> int | None:
        return self._focused
    @property
    def node_count(self) -> int:
        return len(self._layout.x)

    @property
    def edge_count(self) -> int:
        return len(self._layout.segments)

    def edge_colours(self) -> np.ndarray:
        """(edge_count, 4) uint8 RGBA as drawn, in the documented edge order."""
        return self._styles.rgba[self._edge_index]

    def edge_widths(self) -> np.ndarray:
        """(edge_count,) widths in px as drawn, in the documented edge order."""
        return self._styles.widths[self._edge_index]

    def node_position(self, layer: int, unit: int) -> QtCore.QPoint:
        """Where neuron (layer, unit) is drawn, in viewport pixels (layer 0 = inputs): for overlays and tests."""
        index = self._layout.offsets[layer] + unit
        scene = self._view.mapViewToScene(QtCore.QPointF(self._layout.x[index], self._layout.y[index]))
        return self.mapFromScene(scene)

    def edge_position(self, edge: int, along: float = 0.5) -> QtCore.QPoint:
        """The point ``along`` the way from source to target of edge ``edge`` (documented order), in viewport px."""
        start, stop = self._layout.segments[edge]
        point = start + along * (stop - start)
        return self.mapFromScene(self._view.mapViewToScene(QtCore.QPointF(*point)))

    def thumbnail(self, layer: int, unit: int) -> tuple[np.ndarray, tuple[float, float]] | None:
        """The map and colour levels drawn in neuron (layer, unit)'s square; None in a crowded column."""
        for thumb in self._thumbnails:
            if (thumb.column, thumb.unit) == (layer, unit):
                return thumb.values, thumb.levels
        return None

    @property
    def hover_text(self) -> str:
        """The hover label's text, '' when hidden."""
        return self._hover.textItem.toPlainText() if self._hover.isVisible() else ""

    # -- building -----------------------------------------------------------------------------
    def _add_label(self, column: int, n: int, top: float) -> None:
        depth = len(self._layout.sizes) - 1
        name = "Input" if column == 0 else "Output" if column == depth else f"Hidden {column}"
        units = f"{n} unit" + ("" if n == 1 else "s")
        label = pg.TextItem(anchor=(0.5, 1.0))
        label.setHtml(f"<div style='text-align:center; color:{TEXT}'><b>{name}</b><br>"
                      f"<span style='color:#666666'>{units}</span></div>")
        label.textItem.setTextWidth(label.textItem.boundingRect().width())  # lets the lines centre
        label.setPos(column * COLUMN_GAP, top)
        self._keep(label, 30)

    def _add_thumbnails(self, column: int) -> None:
        lay = self._layout
        for unit in range(lay.sizes[column]):
            index = lay.offsets[column] + unit
            inner = 0.8 * lay.side[index]  # the bias fill shows as a frame around the map
            rect = QtCore.QRectF(lay.x[index] - inner / 2, lay.y[index] - inner / 2, inner, inner)
            image = pg.ImageItem(np.full((1, 1, 4), 255, dtype=np.ubyte), axisOrder="col-major", autoLevels=False)
            image.setRect(rect)
            self._keep(image, 15)
            self._thumbnails.append(Thumbnail(image, rect, column, unit))

    def _keep(self, item: pg.GraphicsObject, z: float) -> None:
        item.setZValue(z)
        self._view.addItem(item)
        self._per_architecture.append(item)

    def _on_resized(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Fit the layout into the view, leaving fixed pixel margins for the column labels."""
        bounds = self._layout.bounds()
        left, top, right, bottom = PADDING
        width, height = self._view.width(), self._view.height()
        self._legend.setTextWidth(max(width - 8, 50))
        legend = self._legend.boundingRect().height()
        self._legend.setPos(4, height - legend)
        bottom += legend
        scale = min((width - left - right) / bounds.width(), (height - top - bottom) / bounds.height())
        scale = min(max(scale, 1e-3), MAX_SCALE)
        padded = bounds.adjusted(-left / scale, -bottom / scale, right / scale, top / scale)
        rect = QtCore.QRectF(0, 0, width / scale, height / scale)
        rect.moveCenter(padded.center())
        self._view.setRange(rect, padding=0)

    # -- restyling ----------------------------------------------------------------------------
    def _pairs(self, field: str) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) per layer of one of the snapshot's flat arrays: weights, grad or update."""
        return [split_layer(layer) for layer in flat_views(getattr(self._snapshot, field), self._layout.sizes)]

    def _restyle(self) -> None:
        pairs = self._pairs(LENSES[self._lens][0])
        weights = np.concatenate([W.ravel() for W, _ in pairs])
        biases = np.concatenate([b.ravel() for _, b in pairs])
        finite = np.abs(weights[np.isfinite(weights)])
        scale = float(finite.max()) if len(finite) else 0.0  # biases beyond it saturate
        self._edge_index = self._styles.cull(self._styles.index(weights, scale), EDGE_BUDGET)
        self._edges.set_index(self._edge_index)
        inputs = np.full(self._layout.sizes[0], LEVELS, dtype=np.intp)
        fills = np.concatenate([inputs, self._styles.index(biases, scale)])
        self._nodes.setBrush([self._styles.brushes[i] for i in fills])
        self._show_legend(scale, int(np.count_nonzero(self._edge_index != self._styles.culled)))

    def _show_legend(self, scale: float, drawn: int) -> None:
        swatches = "".join(
            f"<span style='color:rgb({r},{g},{b})'>■</span>"
            for r, g, b, _ in diverging_rgba(np.linspace(-1.0, 1.0, 11), 1.0)
        )
        _, label, lines, fills = LENSES[self._lens]
        shown = "" if drawn == self.edge_count else f" · the strongest {drawn} of {self.edge_count} lines shown"
        html = (f"<div style='color:{TEXT}'><b>{label}</b> &nbsp; −{fmt(scale)} {swatches} +{fmt(scale)}"
                f" &nbsp; lines: {lines}, width ∝ |value| · node fill: {fills}<br><span style='color:#666666'>"
                f"squares: each neuron's output over the input plane{shown}</span></div>")
        if html != self._legend_html:
            height = self._legend.boundingRect().height()
            self._legend.setHtml(html)
            self._legend_html = html
            if self._legend.boundingRect().height() != height:  # wrapped differently: the network must move
                self._fit()

    def _check_field(self, field: Field) -> None:
        shapes = [m.shape[0] for m in field.maps]
        if shapes != list(self._layout.sizes[1:]):
            raise ValueError(f"field has layers of {shapes} units, the diagram {list(self._layout.sizes[1:])}")

    def _show_thumbnails(self, snapshot: Snapshot, field: Field) -> None:
        step = max(1, math.ceil(field.resolution / THUMBNAIL_PIXELS))
        depth = len(self._layout.sizes) - 1
        columns = {0: input_maps(field, step)}
        for column in {thumb.column for thumb in self._thumbnails} - {0}:
            maps = field.maps[column - 1][:, ::step, ::step]
            columns[column] = (maps, map_levels(maps, snapshot, column == depth))
        colours = {column: colourize(maps, levels, self._palette) for column, (maps, levels) in columns.items()}
        for thumb in self._thumbnails:
            maps, levels = columns[thumb.column]
            thumb.values, thumb.levels = maps[thumb.unit], (float(levels[thumb.unit, 0]), float(levels[thumb.unit, 1]))
            image = colours[thumb.column][thumb.unit]
            reshaped = thumb.image.image.shape != image.shape
            thumb.image.setImage(image, autoLevels=False)
            if reshaped:
                thumb.image.setRect(thumb.rect)

    # -- hover --------------------------------------------------------------------------------
    def _on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        if not self._view.sceneBoundingRect().contains(scene_pos):
            self._set_target(None, scene_pos)
            return
        point = self._view.mapSceneToView(scene_pos)
        self._set_target(self._hit(point.x(), point.y()), point)

    def mouseMoveEvent(self, event: QtGui.QMouseEvent) -> None:
        """Every move counts: the scene's sigMouseMoved drops fast ones, yet the last may be where the pointer rests."""
        super().mouseMoveEvent(event)
        self._on_mouse_moved(self.mapToScene(event.position().toPoint()))

    def leaveEvent(self, event: QtCore.QEvent) -> None:
        self._clear_hover()
        super().leaveEvent(event)

    def _hit(self, x: float, y: float) -> tuple[str, int] | None:
        """The node under (x, y), else the nearest edge within a few pixels, else None."""
        lay = self._layout
        pixel = max(self._view.viewPixelSize()[0], 1e-12)
        inside = (np.abs(lay.x - x) <= lay.side / 2 + pixel) & (np.abs(lay.y - y) <= lay.side / 2 + pixel)
        if inside.any():
            return "node", int(np.flatnonzero(inside)[0])
        start, stop = lay.segments[:, 0], lay.segments[:, 1]
        along = stop - start
        t = np.clip(((x - start[:, 0]) * along[:, 0] + (y - start[:, 1]) * along[:, 1])
                    / np.maximum((along**2).sum(axis=1), 1e-24), 0.0, 1.0)
        distance = np.hypot(start[:, 0] + t * along[:, 0] - x, start[:, 1] + t * along[:, 1] - y)
        reach = np.where(self._edge_index == self._styles.culled, -1.0, np.maximum(4.0, self.edge_widths() / 2 + 1.0))
        near = np.flatnonzero(distance <= reach * pixel)  # culled (undrawn) edges are never hit
        return ("edge", int(near[np.argmin(distance[near])])) if len(near) else None

    def _set_target(self, target: tuple[str, int] | None, point: QtCore.QPointF) -> None:
        self._target = target
        neuron = (-1, -1)
        if target is None:
            self._hover.hide()
            self._highlight.setData([], [])
            self._emit_neuron(neuron)
            return
        kind, index = target
        lay = self._layout
        if kind == "node":
            half = lay.side[index] / 2 * 1.15
            cx, cy = lay.x[index], lay.y[index]
            self._highlight.setData([cx - half, cx + half, cx + half, cx - half, cx - half],
                                    [cy - half, cy - half, cy + half, cy + half, cy - half])
            if lay.layer[index] > 0:
                neuron = (int(lay.layer[index]), int(lay.unit[index]))
        else:
            segment = lay.segments[index]
            self._highlight.setData(segment[:, 0], segment[:, 1])
        self._emit_neuron(neuron)
        centre = self._view.viewRect().center()
        self._hover.setAnchor((1.0 if point.x() > centre.x() else 0.0, 1.0 if point.y() < centre.y() else 0.0))
        self._hover.setPos(point)
        self._show_hover_text()

    def _emit_neuron(self, neuron: tuple[int, int]) -> None:
        if neuron != self._neuron:
            self._neuron = neuron
            self.neuron_hovered.emit(*neuron)

    def _clear_hover(self) -> None:
        self._set_target(None, QtCore.QPointF())

    def _show_hover_text(self) -> None:
        kind, index = self._target
        self._hover.setText(self._node_text(index) if kind == "node" else self._edge_text(index))
        self._hover.show()

    def _node_text(self, index: int) -> str:
        lay = self._layout
        layer, unit = int(lay.layer[index]), int(lay.unit[index])
        if layer == 0:
            return f"Input x{unit + 1}"
        depth = len(lay.sizes) - 1
        name = "Output" if layer == depth else f"Hidden {layer}, unit {unit + 1}"
        if self._snapshot is None:
            return name
        bias = self._pairs("weights")[layer - 1][1][0, unit]
        grad = self._pairs("grad")[layer - 1][1][0, unit]
        text = f"{name}\nbias = {fmt(bias)}, grad = {fmt(grad)}"
        if self._saturation[index] >= SATURATION_SHOWN:
            text += f"\nsaturated / dead on {100 * self._saturation[index]:.0f} % of samples"
        return text

    def _edge_text(self, edge: int) -> str:
        sizes = self._layout.sizes
        counts = np.cumsum([a * b for a, b in itertools.pairwise(sizes)])
        layer = int(np.searchsorted(counts, edge, side="right"))
        offset = edge - (counts[layer - 1] if layer else 0)
        i, j = divmod(int(offset), sizes[layer + 1])
        text = f"w[{layer + 1}] {i + 1}→{j + 1}"
        if self._snapshot is None:
            return text
        weight = self._pairs("weights")[layer][0][i, j]
        grad = self._pairs("grad")[layer][0][i, j]
        return f"{text} = {fmt(weight)}, grad = {fmt(grad)}"

