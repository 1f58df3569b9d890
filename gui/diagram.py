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
``drawLines`` call per level, weakest first (``gui.diagram_items``): a
2-64-64-…-1 net has 20 000 lines, and a pen per line (``pg.GraphItem``'s
per-edge pens) costs a frame; a few dozen calls cost a millisecond and look
the same.  Beyond ``EDGE_BUDGET``
edges only the strongest are drawn (the legend says so): thousands of
overlapping lines are slow to paint and say nothing a person can read.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtWidgets
from PyQt6.QtCore import pyqtSignal

from core.field import DISPLAY_DTYPE, Bounds, Field, grid
from core.network import flat_views, split_layer, validate_sizes
from core.snapshot import Snapshot
from gui.diagram_items import LEVELS, MAX_WIDTH, NAN_RGBA, Dots, EdgeItem, NodeSquares, Styles
from gui.items import EveryPointerMove, paint_from_cache, repaint_cheaply
from gui.palette import diverging_colormap, diverging_rgba
from gui.raster import ImageTiles, colour_pixels, packed_colours

LENSES = {  # lens -> (Snapshot field in the flat MLP layout, legend label, what lines show, what node fills show)
    "weight": ("weights", "Weight", "w", "bias b"),
    "gradient": ("grad", "Gradient", "∂L/∂w", "∂L/∂b"),
    "update": ("update", "Update", "Δw", "Δb"),
}
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


def fmt(value: float, digits: int = 3) -> str:
    """``digits`` significant digits with a real minus sign."""
    return f"{value:.{digits}g}".replace("-", "−") if math.isfinite(value) else str(value)


LEGEND_SWATCHES = "".join(
    f"<span style='color:rgb({r},{g},{b})'>■</span>" for r, g, b, _ in diverging_rgba(np.linspace(-1.0, 1.0, 11), 1.0)
)


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


@dataclass
class Thumbnail:
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


@functools.lru_cache(maxsize=4)
def input_maps(bounds: Bounds, resolution: int, step: int) -> tuple[np.ndarray, np.ndarray]:
    """x1 and x2 over the plane (ramps) and their levels, symmetric like every other signed map.

    The same every frame of a data set, hence cached, and read-only so no caller can change the cache.
    """
    xs, ys, _ = grid(bounds, resolution)
    xs, ys = xs[::step], ys[::step]
    ramps = [np.repeat(xs[:, None], len(ys), axis=1), np.repeat(ys[None, :], len(xs), axis=0)]
    maps = np.stack(ramps).astype(DISPLAY_DTYPE)  # drawn beside the neurons' maps, in their precision
    peak = np.abs(maps).max(axis=(1, 2))
    levels = np.column_stack([-peak, peak])
    maps.flags.writeable = levels.flags.writeable = False
    return maps, levels


class NetworkDiagram(EveryPointerMove, pg.GraphicsLayoutWidget):
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
        repaint_cheaply(self)
        self.ci.setContentsMargins(4, 4, 4, 4)
        self._view = self.addViewBox(row=0, col=0, lockAspect=True, enableMouse=False, enableMenu=False)
        self._view.disableAutoRange()
        self._legend = QtWidgets.QGraphicsTextItem(self._view)  # in view pixels, wraps to the width
        self._legend.setZValue(100)
        paint_from_cache(self._legend)
        self._legend_html = ""
        colours = diverging_colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
        self._palette = packed_colours(np.vstack([colours, NAN_RGBA[:3]]))  # non-finite pixels last
        self._edges = EdgeItem()
        self._nodes = NodeSquares()
        self._tiles = ImageTiles()  # the neurons' thumbnails, above their squares
        self._highlight = pg.PlotCurveItem(pen=pg.mkPen(20, 20, 20, width=1.5, style=QtCore.Qt.PenStyle.DashLine))
        self._hover = pg.TextItem(color=TEXT, fill=pg.mkBrush(255, 255, 255, 235), border=pg.mkPen(160, 160, 160))
        self._marks = Dots(pg.mkPen("w", width=1))
        self._focus = QtWidgets.QGraphicsRectItem()
        self._focus.setBrush(pg.mkBrush(*FOCUS_FILL))
        self._focus.setPen(pg.mkPen(None))
        self._focus.hide()
        self._view.addItem(self._focus)
        self._focus.setZValue(-5)
        for z, item in enumerate((self._edges, self._nodes, self._tiles, self._marks, self._highlight, self._hover)):
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
        self._marks.set_dots(np.empty((0, 2)), np.empty(0), [])
        self.highlight_layer(None)
        gaps = [NODE_GAP if n == 1 else min(NODE_GAP, COLUMN_HEIGHT / (n - 1)) for n in sizes]
        self._styles = Styles(max(1.0, MAX_WIDTH * min(1.0, min(gaps) / NODE_GAP)))
        self._edges.set_segments(self._layout.segments, self._styles)
        lay = self._layout
        crowded = np.array([n > THUMBNAIL_LIMIT for n in sizes])[lay.layer]
        self._nodes.set_nodes(lay.x, lay.y, lay.side, crowded, [pg.mkPen(*OUTLINE), pg.mkPen(*CROWDED_OUTLINE)])
        self._fill_index = np.full(self.node_count, LEVELS, dtype=np.intp)
        self._nodes.set_fills(self._fill_index, self._styles.brushes)
        self._edge_index = np.full(self.edge_count, LEVELS, dtype=np.intp)
        top = float((lay.y + lay.side / 2).max())
        for column, n in enumerate(sizes):
            self._add_label(column, n, top)
            if n <= THUMBNAIL_LIMIT:
                self._add_thumbnails(column)
        self._tiles.set_rects([thumb.rect for thumb in self._thumbnails])
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
        self._edges.set_antialiased(not animating)

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
        self._marks.set_dots(corner, (5 + 7 * share) / 2, brushes)

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

    def node_fills(self) -> np.ndarray:
        """(node_count, 4) uint8 RGBA of the node squares as drawn (inputs first, then layer by layer)."""
        return self._styles.fills[self._fill_index]

    def edge_widths(self) -> np.ndarray:
        """(edge_count,) widths in px as drawn, in the documented edge order."""
        return self._styles.widths[self._edge_index]

    def node_position(self, layer: int, unit: int, offset: tuple[float, float] = (0.0, 0.0)) -> QtCore.QPoint:
        """Where neuron (layer, unit) is drawn, in viewport pixels (layer 0 = inputs): for overlays and tests.

        ``offset``: a point away from the centre, in node sides (x right, y up).
        """
        lay = self._layout
        index = lay.offsets[layer] + unit
        x, y = lay.x[index] + offset[0] * lay.side[index], lay.y[index] + offset[1] * lay.side[index]
        return self.mapFromScene(self._view.mapViewToScene(QtCore.QPointF(x, y)))

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
        paint_from_cache(label.textItem)  # it borders the nodes, which change every frame
        self._keep(label, 30)

    def _add_thumbnails(self, column: int) -> None:
        lay = self._layout
        for unit in range(lay.sizes[column]):
            index = lay.offsets[column] + unit
            inner = 0.8 * lay.side[index]  # the bias fill shows as a frame around the map
            rect = QtCore.QRectF(lay.x[index] - inner / 2, lay.y[index] - inner / 2, inner, inner)
            self._thumbnails.append(Thumbnail(rect, column, unit))

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
        self._fill_index = np.concatenate([inputs, self._styles.index(biases, scale)])
        self._nodes.set_fills(self._fill_index, self._styles.brushes)
        self._show_legend(scale, int(np.count_nonzero(self._edge_index != self._styles.culled)))

    def _show_legend(self, scale: float, drawn: int) -> None:
        """The lens, its colour scale and what lines and fills mean.

        The scale's ends have two digits: new HTML lays the legend out anew
        (about 1 ms with its repaint), so it should not change with every
        frame's third digit.
        """
        _, label, lines, fills = LENSES[self._lens]
        shown = "" if drawn == self.edge_count else f" · the strongest {drawn} of {self.edge_count} lines shown"
        end = fmt(scale, 2)
        html = (f"<div style='color:{TEXT}'><b>{label}</b> &nbsp; −{end} {LEGEND_SWATCHES} +{end}"
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
        columns = {0: input_maps(field.bounds, field.resolution, step)}
        for column in sorted({thumb.column for thumb in self._thumbnails} - {0}):
            maps = field.maps[column - 1][:, ::step, ::step]
            columns[column] = (maps, map_levels(maps, snapshot, column == depth))
        # Columns in order, as the thumbnails are; an image's rows run along x2.
        maps = np.concatenate([maps.transpose(0, 2, 1) for maps, _ in columns.values()])
        levels = np.concatenate([levels for _, levels in columns.values()])
        self._tiles.set_pixels(colour_pixels(maps, levels[:, :1, None], levels[:, 1:, None], self._palette))
        for thumb in self._thumbnails:
            maps, levels = columns[thumb.column]
            thumb.values, thumb.levels = maps[thumb.unit], (float(levels[thumb.unit, 0]), float(levels[thumb.unit, 1]))

    # -- hover --------------------------------------------------------------------------------
    def pointer_moved(self, scene_pos: QtCore.QPointF) -> None:
        if not self._view.sceneBoundingRect().contains(scene_pos):
            self._set_target(None, scene_pos)
            return
        point = self._view.mapSceneToView(scene_pos)
        self._set_target(self._hit(point.x(), point.y()), point)

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

