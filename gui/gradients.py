"""Backpropagation made visible: every layer's gradient, now and over time.

Top: each weight layer's ∂E/∂W as a heatmap (one row per source unit, one
column per target unit) with ∂E/∂b as bars under it.  By default every layer
shares one symmetric colour scale, so a layer whose gradient vanished is
simply grey next to a saturated one; the per-layer scale shows its pattern
instead.  Bottom: each layer's gradient norm and update ratio ‖Δθ‖/‖θ‖ over
the epochs on log axes, where "orders of magnitude smaller" is a visible gap,
with a marker at the epoch the heatmaps show (the app can scrub back).

The panel receives a snapshot and history arrays, never the network.  Items
are built once per architecture; a frame only calls ``setImage``,
``setOpts`` and ``setData``.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, QSignalBlocker, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFont
from PyQt6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGraphicsSimpleTextItem,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.network import validate_sizes
from core.snapshot import Snapshot
from gui.items import Bars, EpochMarker, EveryPointerMove, paint_axis_from_cache, paint_from_cache, repaint_cheaply
from gui.palette import diverging_colormap
from gui.ranges import decades, nice_ceiling
from gui.raster import ImageTiles, colour_pixels, packed_colours

INK = (33, 37, 41)
MISSING = (110, 110, 110)  # the colour of non-finite cells
HEAT_PALETTE = packed_colours(np.vstack([diverging_colormap().getLookupTable(0.0, 1.0, 256, alpha=False), MISSING]))
GUIDE = (120, 120, 120)
HEALTHY_RATIO = 1e-3  # the usual rule of thumb for ‖ΔW‖/‖W‖ per step
COLUMNS = 3  # heatmaps per row before wrapping: three fit the default window, more rows scroll
LEGEND_COLUMNS = 4
HEAT_STRETCH, HISTORY_STRETCH = 5, 6  # vertical shares of the heatmaps and the history plots
ROW_MIN_HEIGHT = 170  # px per row of heatmaps with their bars: below it, unit labels overlap; the panel scrolls
LAYER_AXIS_WIDTH = 40  # px; the heatmap and the bars under it must share it to share their x scale
HISTORY_AXIS_WIDTH = 56
LABEL_STYLE = {"font-size": "8pt"}
SCALE_LIMITS = (1e-300, 1e300)  # colour scales beyond these overflow pyqtgraph's level arithmetic
MAX_BINS = 2048  # history points per curve beyond which blocks are reduced to their min and max
MAX_TICKS = (4, 8)  # unit ticks on the short vertical and the wider horizontal axis before thinning them out
# Colour-blind-safe qualitative colours (Tableau 10 minus the palette's orange and blue): they must not be
# mistaken for the sign colours of the heatmaps.  Layer l's curves and its heatmap title share a colour.
BAR_BRUSHES = [pg.mkBrush(*colour) for colour in diverging_colormap().getLookupTable(0.0, 1.0, 65, alpha=False)]
NORM_WIDEST = "‖∇‖ = 8.8e-88"  # a norm (never negative) is never wider: the space its title keeps for it
LAYER_COLOURS = (
    (225, 87, 89),
    (89, 161, 79),
    (176, 122, 161),
    (118, 183, 178),
    (156, 117, 95),
    (237, 201, 72),
    (255, 157, 167),
    (78, 121, 167),
    (186, 176, 172),
)


def layer_colour(layer: int) -> tuple[int, int, int]:
    """The colour of weight layer ``layer`` (1-based) in titles, curves and legend."""
    return LAYER_COLOURS[(layer - 1) % len(LAYER_COLOURS)]


def log_curves(epochs: np.ndarray, values: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per column of ``values`` (n, layers), the (x, y) points a log axis can draw.

    Only finite, positive values: the log of the rest warns or lies.  Runs
    longer than ``2 * MAX_BINS`` epochs become each block's minimum and
    maximum (at the block's first epoch), the envelope a pixel column shows
    anyway: pyqtgraph's own peak downsampling takes the log of every point
    first, a third of a second per frame at 10⁶ epochs; this takes ~15 ms.
    """
    n, columns = values.shape
    # The usual case needs no copy, and np.minimum is twice as fast as np.fmin (NaN fails the test).
    lower, upper = np.minimum, np.maximum
    if n and values.min() > 0 and values.max() < np.inf:
        clean = values
    else:
        clean = np.where((values > 0) & (values < np.inf), values, np.nan)
        lower, upper = np.fmin, np.fmax  # skip the NaN
    curves = []
    if n <= 2 * MAX_BINS:
        for c in range(columns):
            keep = ~np.isnan(clean[:, c])
            curves.append((epochs[keep], clean[keep, c]))
        return curves
    block = -(-n // MAX_BINS)
    full = n - n % block
    x = np.repeat(epochs[::block], 2)
    for c in range(columns):
        column = clean[:, c]
        head = column[:full].reshape(-1, block)  # reducing along the last axis of a column view is fast
        low, high = lower.reduce(head, axis=1), upper.reduce(head, axis=1)
        if full < n:
            low = np.append(low, lower.reduce(column[full:]))
            high = np.append(high, upper.reduce(column[full:]))
        y = np.column_stack([low, high]).ravel()
        keep = ~np.isnan(y)  # blocks with nothing loggable
        curves.append((x[keep], y[keep]))
    return curves


def finite_or_nan(values: np.ndarray) -> np.ndarray:
    """A float copy with ±inf turned into NaN, which the heatmap draws grey."""
    array = np.array(values, dtype=np.float64)
    array[~np.isfinite(array)] = np.nan
    return array


def half_range(*arrays: np.ndarray) -> float:
    """max |finite value| over the arrays: the half-width of a symmetric colour scale.

    All zero or nothing finite: 1, on which zeros still draw neutral.  Kept
    within [1e-300, 1e300]: pyqtgraph divides 256 by the level range, which
    overflows for a denormal peak such as 7e-310.
    """
    peaks = [float(np.abs(a[np.isfinite(a)]).max()) for a in arrays if np.isfinite(a).any()]
    peak = max(peaks, default=0.0)
    return min(max(peak, SCALE_LIMITS[0]), SCALE_LIMITS[1]) if peak > 0 else 1.0


def compact(value: float) -> str:
    """Two significant digits in at most 7 characters: 0.34, -0.038, -8.6e-4, 1.2e+3."""
    if value == 0 or 0.01 <= abs(value) < 1000:
        return f"{value:.2g}"
    return f"{value:.1e}".replace("e-0", "e-").replace("e+0", "e+")


def unit_names(sizes: list[int], layer: int) -> tuple[str, str]:
    """Names of the layers weight layer ``layer`` (1-based) connects, for axis labels."""
    depth = len(sizes) - 1
    source = "input" if layer == 1 else f"hidden {layer - 1}"
    target = "output" if layer == depth else f"hidden {layer}"
    return source, target


def unit_ticks(count: int, most: int) -> list[list[tuple[float, str]]]:
    """Unit numbers 1..count at the cell centres, at most ``most`` of them so they never overlap."""
    step = max(1, math.ceil(count / most))
    return [[(i + 0.5, str(i + 1)) for i in range(0, count, step)]]


def _style_axes(plot: pg.PlotItem, left_width: int) -> None:
    """Dark ink, no "(x0.001)" prefixes, and a fixed left axis width so stacked plots line up.

    Axes are painted from Qt's item cache: their inward ticks and grid lines
    overlap the plot, so each frame's new heatmap or moved marker had all
    seventeen of them replay their labels, a third of the panel's frame.
    """
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(INK))
        axis.setTextPen(pg.mkPen(INK))
        axis.enableAutoSIPrefix(False)
        paint_axis_from_cache(axis)
    for name in ("right", "top"):  # hidden, yet they re-laid out their (empty) label's HTML at every range change
        plot.getAxis(name).enableAutoSIPrefix(False)
    plot.getAxis("left").setWidth(left_width)


def _freeze(plot: pg.PlotItem) -> None:
    """No panning, zooming or context menu: the ranges are the data's."""
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()


def _curve_data(curve: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray]:
    """A curve's data as given to ``setData``; pyqtgraph keeps None for an empty curve."""
    if curve.xData is None:
        return np.empty(0), np.empty(0)
    return curve.xData, curve.yData


class LayerView:
    """The items of one weight layer: dW heatmap over db bars, in a small sub-layout."""

    def __init__(self, layout: pg.GraphicsLayout, sizes: list[int], layer: int) -> None:
        self.layer = layer
        self.fan_in, self.fan_out = sizes[layer - 1], sizes[layer]
        source, target = unit_names(sizes, layer)
        self.heat = layout.addPlot(row=0, col=0)
        self.bars_plot = layout.addPlot(row=1, col=0)
        layout.layout.setRowStretchFactor(0, 4)
        layout.layout.setRowStretchFactor(1, 1)
        layout.layout.setSpacing(2)
        layout.setContentsMargins(0, 0, 0, 0)

        heat = self.heat
        _freeze(heat)
        _style_axes(heat, LAYER_AXIS_WIDTH)
        heat.invertY(True)  # row 0 (the first source unit) on top, as the matrix is printed
        heat.setRange(xRange=(0, self.fan_out), yRange=(0, self.fan_in), padding=0)
        heat.disableAutoRange()
        heat.getAxis("left").setTicks(unit_ticks(self.fan_in, MAX_TICKS[0]))
        heat.getAxis("bottom").setTicks(unit_ticks(self.fan_out, MAX_TICKS[1]))
        heat.getAxis("bottom").setStyle(showValues=False)
        heat.setLabel("left", f"from {source}", **LABEL_STYLE)
        # Two lines: a title's text width is its plot's minimum width, and the output layer is one column wide.
        # The second line, the norm, changes every frame; as HTML its new width re-laid out the whole panel
        # (a third of its frame).  So the HTML keeps a blank line as wide as any norm, and a plain text item
        # on it shows the number.
        colour = layer_colour(layer)
        heat.setTitle(f'Layer {layer}<br><span style="font-size: 8pt; color: transparent">{NORM_WIDEST}</span>',
                      color=colour, size="9pt")
        self._norm_text = QGraphicsSimpleTextItem(heat.titleLabel)
        font = QFont()
        font.setPointSizeF(8.0)
        self._norm_text.setFont(font)
        self._norm_text.setBrush(QColor(*colour))
        heat.titleLabel.geometryChanged.connect(self._place_norm)
        paint_from_cache(heat.titleLabel.item)
        self.image = ImageTiles()  # pixel row i → source unit i (on top: the axis is inverted), column j → target j
        self.image.set_rects([QRectF(0, 0, self.fan_out, self.fan_in)])
        heat.addItem(self.image)

        bars_plot = self.bars_plot
        _freeze(bars_plot)
        _style_axes(bars_plot, LAYER_AXIS_WIDTH)
        bars_plot.setXRange(0, self.fan_out, padding=0)
        bars_plot.getAxis("bottom").setTicks(unit_ticks(self.fan_out, MAX_TICKS[1]))
        bars_plot.getAxis("left").setTicks([[(0.0, "db")]])
        bars_plot.setLabel("bottom", f"to {target}", **LABEL_STYLE)
        bars_plot.addItem(pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen(GUIDE, width=1)))
        # Bars in units of the colour scale, on a fixed ±1 axis: an axis following the gradient's size
        # re-ticked at every scrub step, and the axis shows no numbers, only "db".
        self.bars = Bars(self.fan_out, pg.mkPen(INK))
        bars_plot.addItem(self.bars)
        bars_plot.setYRange(-1.0, 1.0, padding=0.05)
        bars_plot.disableAutoRange()

        self.dW = np.zeros((self.fan_in, self.fan_out))
        self.db = np.zeros(self.fan_out)
        self.heights = np.zeros(self.fan_out)
        self.levels = (-1.0, 1.0)

    def draw(self, dW: np.ndarray, db: np.ndarray, scale: float, norm: float) -> None:
        """Show one epoch's gradient on a colour scale of ±``scale``."""
        self.dW, self.db = finite_or_nan(dW), finite_or_nan(db).ravel()
        self.levels = (-scale, scale)
        self.image.set_pixels(colour_pixels(self.dW[None], -scale, scale, HEAT_PALETTE))
        # Clipped to the visible range: a bar of 1e308 overflows pyqtgraph's bounding-box arithmetic.
        self.heights = np.clip(np.nan_to_num(self.db, nan=0.0), -scale, scale)
        shades = np.rint((self.heights / scale + 1.0) * ((len(BAR_BRUSHES) - 1) / 2)).astype(np.intp)
        self.bars.set_bars(self.heights / scale, [BAR_BRUSHES[shade] for shade in shades.tolist()])
        text = f"‖∇‖ = {norm:.1e}"
        if text != self._norm_text.text():
            self._norm_text.setText(text)
            self._place_norm()

    @property
    def title(self) -> str:
        """Both lines of the title as drawn, on one line."""
        return f"Layer {self.layer}  {self._norm_text.text()}"

    def _place_norm(self) -> None:
        """Centre the norm on the title's blank second line."""
        label = self.heat.titleLabel
        lines = label.mapRectFromItem(label.item, label.item.boundingRect())
        margin = label.item.document().documentMargin()
        text = self._norm_text.boundingRect()
        self._norm_text.setPos(lines.center().x() - text.width() / 2, lines.bottom() - margin - text.height())

    def readout(self, scene_pos: QPointF) -> str | None:
        """``dW[l][i, j] = …`` or ``db[l][j] = …`` for the cell or bar under ``scene_pos``, else None."""
        for plot, is_weight in ((self.heat, True), (self.bars_plot, False)):
            box = plot.getViewBox()
            if not box.sceneBoundingRect().contains(scene_pos):
                continue
            point = box.mapSceneToView(scene_pos)
            i, j = math.floor(point.y()), math.floor(point.x())
            if not 0 <= j < self.fan_out:
                return None
            if is_weight:
                if not 0 <= i < self.fan_in:
                    return None
                return f"dW[{self.layer}][{i}, {j}] = {self.dW[i, j]:.3g}"
            return f"db[{self.layer}][{j}] = {self.db[j]:.3g}"
        return None


class _PointerCanvas(EveryPointerMove, pg.GraphicsLayoutWidget):
    """The heatmaps' canvas: every pointer move, in scene coordinates, for the panel's readout."""

    moved = pyqtSignal(QPointF)

    def pointer_moved(self, scene_pos: QPointF) -> None:
        self.moved.emit(scene_pos)


class GradientPanel(QWidget):
    """Per-layer gradients of the shown epoch and their norms over the run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shared_box = QCheckBox("shared scale")
        self.shared_box.setChecked(True)
        self.shared_box.setToolTip("One colour scale for all layers: a vanishing gradient shows as a grey layer")
        self.shared_box.toggled.connect(self._on_shared_toggled)
        self._readout = QLabel("hover a cell for its value")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 0)
        bar.addWidget(self.shared_box)
        bar.addStretch(1)
        bar.addWidget(self._readout)

        self.heat_canvas = _PointerCanvas()
        repaint_cheaply(self.heat_canvas)
        self.heat_canvas.ci.setContentsMargins(2, 2, 2, 2)  # seven layers and the colour bar need the pixels
        self.heat_canvas.ci.layout.setHorizontalSpacing(4)
        self.heat_canvas.moved.connect(self._on_mouse_moved)
        self._colour_bar = pg.ColorBarItem(
            values=(-1.0, 1.0), colorMap=diverging_colormap(), interactive=False, width=10, colorMapMenu=False
        )
        self._colour_bar.axis.setWidth(52)  # room for "-4.3e-4"
        self._colour_bar.axis.setStyle(hideOverlappingLabels=False)  # the end values sit at the bar's very ends
        self._colour_bar.setContentsMargins(0, 8, 0, 8)  # room for half a line of them beyond the ends
        self._bar_scale, self._bar_ticks, self._bar_shared = 1.0, None, None
        paint_axis_from_cache(self._colour_bar.axis)
        for name in ("left", "right"):
            axis = self._colour_bar.getAxis(name)
            axis.setTextPen(pg.mkPen(INK))
            axis.setPen(pg.mkPen(INK))

        self.history_canvas = pg.GraphicsLayoutWidget()
        repaint_cheaply(self.history_canvas)
        # The legend gets its own row above the plots: inside, it would hide the curves' latest epochs.
        self._legend = pg.LegendItem(labelTextColor=INK, labelTextSize="8pt", horSpacing=14, verSpacing=-8)
        self.history_canvas.addItem(self._legend, row=0, col=0)
        self._norm_plot = self.history_canvas.addPlot(row=1, col=0)
        self._ratio_plot = self.history_canvas.addPlot(row=2, col=0)
        self._markers = []
        for plot, label in ((self._norm_plot, "‖∇‖"), (self._ratio_plot, "‖ΔW‖ / ‖W‖")):
            _freeze(plot)
            _style_axes(plot, HISTORY_AXIS_WIDTH)
            plot.setLogMode(x=False, y=True)
            # Long runs (10⁶ epochs) stay fast: draw only the visible epochs, min and max per pixel column.
            # Set on the plot, not the curves: PlotItem.addItem overwrites a curve's own choice with these.
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.showGrid(x=False, y=True, alpha=0.2)
            plot.setLabel("left", label, **LABEL_STYLE)
            marker = EpochMarker(pg.mkPen(INK, width=1, style=Qt.PenStyle.DashLine))  # the timeline names the epoch
            marker.setZValue(10)
            plot.addItem(marker, ignoreBounds=True)
            self._markers.append(marker)
        self._ratio_plot.setXLink(self._norm_plot)
        self._ratio_plot.setLabel("bottom", "epoch")
        self._norm_plot.getAxis("bottom").setStyle(showValues=False)
        guide = pg.InfiniteLine(
            pos=math.log10(HEALTHY_RATIO),  # a log-mode plot's view coordinates are log10 of the data
            angle=0,
            pen=pg.mkPen(GUIDE, width=1, style=Qt.PenStyle.DotLine),
            label="1e-3 healthy",
            # At the left end, over the curves: on the right it hid the newest epochs, under them it went unread.
            labelOpts={"position": 0.02, "color": GUIDE, "anchors": [(0, 1), (0, 1)], "fill": (255, 255, 255, 230)},
        )
        guide.setZValue(5)
        self._ratio_plot.addItem(guide, ignoreBounds=True)

        self._stack = QVBoxLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.setSpacing(2)
        self._stack.addLayout(bar)
        # Deep networks need more room than the tab has: the heatmaps then scroll, rather than squash or
        # push the colour bar out of sight.
        self._heat_scroll = QScrollArea()
        self._heat_scroll.setWidgetResizable(True)
        self._heat_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._heat_scroll.setWidget(self.heat_canvas)
        self._stack.addWidget(self._heat_scroll, HEAT_STRETCH)
        self._stack.addWidget(self.history_canvas, HISTORY_STRETCH)

        self._sizes: list[int] = []
        self._layers: list[LayerView] = []
        self._norm_curves: list[pg.PlotDataItem] = []
        self._ratio_curves: list[pg.PlotDataItem] = []
        self._grads: list[tuple[np.ndarray, np.ndarray]] = []
        self._x_top: float | None = None
        self._y_spans: dict[int, tuple[float, float]] = {}
        for plot in (self._norm_plot, self._ratio_plot):
            plot.disableAutoRange()
        self._pointer: QPointF | None = None  # last hover position, to refresh the readout every frame
        self.set_architecture([2, 1])

    # -- inputs ---------------------------------------------------------------------
    def set_architecture(self, sizes: list[int]) -> None:
        """Build the items for layer sizes like [2, 8, 8, 1], replacing the previous ones."""
        self._sizes = validate_sizes(sizes)
        depth = len(self._sizes) - 1
        canvas = self.heat_canvas
        canvas.clear()
        columns = min(depth, COLUMNS)
        self._layers = []
        for index in range(depth):
            cell = canvas.addLayout(row=index // COLUMNS, col=index % COLUMNS)
            self._layers.append(LayerView(cell, self._sizes, index + 1))
        canvas.addItem(self._colour_bar, row=0, col=columns, rowspan=math.ceil(depth / COLUMNS))
        grid = canvas.ci.layout
        for column in range(columns):  # wider matrices get wider cells; the axes' fixed width comes on top
            widest = max(view.fan_out for view in self._layers[column::COLUMNS])
            grid.setColumnStretchFactor(column, LAYER_AXIS_WIDTH // 8 + max(widest, 2))
        grid.setColumnStretchFactor(columns, 0)

        for plot, curves in ((self._norm_plot, self._norm_curves), (self._ratio_plot, self._ratio_curves)):
            for curve in curves:
                plot.removeItem(curve)
            curves.clear()
            for layer in range(1, depth + 1):
                # Width 1: a wider pen makes Qt rasterise thick polylines, ten times slower.
                curve = pg.PlotDataItem(pen=pg.mkPen(layer_colour(layer), width=1), name=f"layer {layer}")
                plot.addItem(curve)  # takes the plot's downsampling and clipping
                # The marker moves over unchanged curves when scrubbing: copy them rather than stroke them again.
                paint_from_cache(curve.curve)
                curves.append(curve)
        self._legend.clear()
        for layer, curve in enumerate(self._norm_curves, start=1):
            self._legend.addItem(curve, f"layer {layer}")
        self._legend.setColumnCount(min(depth, LEGEND_COLUMNS))
        paint_from_cache(*(label.item for _, label in self._legend.items))
        rows = math.ceil(depth / COLUMNS)
        narrowest = canvas.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).width()  # titles, axes and the colour bar
        self.heat_canvas.setMinimumSize(math.ceil(narrowest), rows * ROW_MIN_HEIGHT)
        self._grads = []
        self._revision: object = None  # the new curves are empty, whatever was drawn before

    def show_gradients(
        self,
        snapshot: Snapshot,
        epochs: np.ndarray,
        grad_norm: np.ndarray,
        update_ratio: np.ndarray,
        revision: object = None,
    ) -> None:
        """Draw ``snapshot``'s gradients and the history up to now.

        ``epochs`` (n,), ``grad_norm`` and ``update_ratio`` (n, layers) as
        ``History`` gives them; the snapshot may be from any past epoch.
        ``revision`` (``History.revision``): when it equals the last one drawn,
        the history curves are left as they are and only the markers move.
        (Not ``show``: that name is ``QWidget.show``.)
        """
        if list(snapshot.sizes) != self._sizes:
            self.set_architecture(list(snapshot.sizes))
        depth = len(self._layers)
        self._grads = snapshot.grads  # (dW (fan_in, fan_out), db (1, fan_out)) per layer
        self._draw_heatmaps()
        for marker in self._markers:
            marker.set_value(snapshot.epoch)
        if revision is not None and revision == self._revision:
            return
        self._revision = revision

        epochs = np.asarray(epochs, dtype=np.float64)
        for name, values, curves in (
            ("grad_norm", grad_norm, self._norm_curves),
            ("update_ratio", update_ratio, self._ratio_curves),
        ):
            values = np.asarray(values, dtype=np.float64)
            if values.shape != (len(epochs), depth):
                raise ValueError(f"{name} must have shape ({len(epochs)}, {depth}), got {values.shape}")
            for curve, (x, y) in zip(curves, log_curves(epochs, values), strict=True):
                curve.setData(x, y)
        self._fit_ranges(max(float(epochs[-1]) if len(epochs) else 0.0, snapshot.epoch))

    def _fit_ranges(self, last_epoch: float) -> None:
        """Move the history axes only in steps (see ``gui.ranges``): epochs up a ladder, values to decades."""
        x_top = nice_ceiling(max(last_epoch, 10.0))
        if x_top != self._x_top:
            self._x_top = x_top
            self._norm_plot.setXRange(0.0, x_top, padding=0.02)
        for plot, curves in ((self._norm_plot, self._norm_curves), (self._ratio_plot, self._ratio_curves)):
            span = decades([_curve_data(curve)[1] for curve in curves])
            if span is not None and span != self._y_spans.get(id(plot)):
                self._y_spans[id(plot)] = span
                plot.setYRange(*span, padding=0.02)

    def set_shared_scale(self, shared: bool) -> None:
        """One colour scale for all layers (True) or each layer on its own ±max|dW|."""
        with QSignalBlocker(self.shared_box):
            self.shared_box.setChecked(shared)
        self._draw_heatmaps()

    # -- state, for tests and the window ------------------------------------------------
    @property
    def shared_scale(self) -> bool:
        return self.shared_box.isChecked()

    @property
    def images(self) -> list[np.ndarray]:
        """The array each layer's heatmap shows: dW (fan_in, fan_out), non-finite entries as NaN."""
        return [view.dW for view in self._layers]

    @property
    def heatmap_plots(self) -> list[pg.PlotItem]:
        """Each layer's heatmap plot, whose view coordinates put cell (i, j) at (j + ½, i + ½)."""
        return [view.heat for view in self._layers]

    @property
    def bar_plots(self) -> list[pg.PlotItem]:
        """Each layer's db bar plot, bar j centred at x = j + ½."""
        return [view.bars_plot for view in self._layers]

    @property
    def bar_heights(self) -> list[np.ndarray]:
        """Each layer's drawn db bars (fan_out,): non-finite entries as 0, clipped to the colour scale."""
        return [view.heights for view in self._layers]

    @property
    def levels(self) -> list[tuple[float, float]]:
        """Each layer's colour scale (−s, +s); all equal when the scale is shared."""
        return [view.levels for view in self._layers]

    @property
    def colour_bar_range(self) -> tuple[float, float]:
        """The values the colour bar's ends stand for."""
        return -self._bar_scale, self._bar_scale

    @property
    def titles(self) -> list[str]:
        return [view.title for view in self._layers]

    @property
    def norm_curves(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(epochs, ‖∇‖) handed to each layer's curve, before pyqtgraph's log scaling and downsampling."""
        return [_curve_data(curve) for curve in self._norm_curves]

    @property
    def ratio_curves(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [_curve_data(curve) for curve in self._ratio_curves]

    @property
    def marker_epochs(self) -> list[float]:
        """Where the epoch marker stands in the norm and the ratio plot."""
        return [float(marker.value()) for marker in self._markers]

    @property
    def readout(self) -> str:
        return self._readout.text()

    # -- drawing ----------------------------------------------------------------------
    def _draw_heatmaps(self) -> None:
        if not self._grads:
            return
        shared = self.shared_box.isChecked()
        common = half_range(*(part for pair in self._grads for part in pair))
        for view, (dW, db) in zip(self._layers, self._grads, strict=True):
            scale = common if shared else half_range(dW, db)
            with np.errstate(over="ignore", invalid="ignore"):
                norm = math.sqrt(float(np.sum(dW * dW) + np.sum(db * db)))
            view.draw(dW, db, scale, norm)
        self._bar_scale = scale = common if shared else 1.0
        # The bar stays at ±1 and its tick labels name the scale: a bar whose range followed the gradient
        # re-ticked its axis every frame, and a label naming the scale re-laid out its HTML.
        ticks = [(-1.0, compact(-scale)), (0.0, "0"), (1.0, compact(scale))]
        if ticks != self._bar_ticks:
            self._bar_ticks = ticks
            self._colour_bar.axis.setTicks([ticks])
        if shared != self._bar_shared:
            self._bar_shared = shared
            label = "∂E/∂w, all layers" if shared else "÷ each layer's max |∂E/∂w|"
            self._colour_bar.getAxis("left").setLabel(label, **LABEL_STYLE)
        self._update_readout()

    def _on_shared_toggled(self, _checked: bool) -> None:
        self._draw_heatmaps()

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        self._pointer = scene_pos
        self._update_readout()

    def _update_readout(self) -> None:
        """The value under the pointer, also when a new epoch arrives while it rests on a cell."""
        if self._pointer is None:
            return
        for view in self._layers:
            text = view.readout(self._pointer)
            if text is not None:
                self._readout.setText(text)
                return
