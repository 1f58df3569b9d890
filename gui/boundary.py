"""The decision boundary: the network's output as a heatmap over the input plane.

Items are built once; each frame only calls ``setImage``/``setData``.  The
0.5 contour comes from a vectorised marching squares (``contour_segments``)
drawn as one line-pair curve: pyqtgraph's ``IsocurveItem`` traces its path in
Python loops, far too slow for a long spiral boundary at 60 frames a second.
The view never sees the network: it draws a ``Field`` (every neuron's map,
computed in ``core``) and the outputs on the data points, so a past epoch is
drawn exactly like the present one.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF, pyqtSignal
from PyQt6.QtGui import QColor, QFont
from PyQt6.QtWidgets import QGraphicsSimpleTextItem, QWidget

from core.field import Bounds, Field
from gui.items import Segments, paint_axis_from_cache, paint_from_cache, repaint_cheaply
from gui.palette import CLASS_COLOURS, MISCLASSIFIED, diverging_colormap
from gui.raster import ImageTiles, colour_pixels, packed_colours

WASH = 0.75  # heatmap colour strength: blended with white so the data points stand out
INK = (33, 37, 41)
TITLE_COLOUR = "#34495e"
TITLE_SIZE = "10pt"
LABEL_STYLE = {"font-size": "11pt", "color": "#212529"}
THRESHOLD = 0.5  # an output above it predicts class 1


def washed_lut(strength: float = WASH) -> np.ndarray:
    """The diverging colormap as a (256, 3) lookup table, blended towards white.

    Blending the table rather than making the image translucent keeps the
    colours independent of the plot's background.
    """
    lut = diverging_colormap().getLookupTable(0.0, 1.0, 256, alpha=False).astype(np.float64)
    return (strength * lut + (1.0 - strength) * 255.0).round().astype(np.ubyte)


def contour_segments(values: np.ndarray, xs: np.ndarray, ys: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Marching squares on a grid sampled at ``values[i, j] = f(xs[i], ys[j])``.

    Returns x and y of line segments as consecutive point pairs (for a curve
    with ``connect="pairs"``).  Crossings are linearly interpolated along cell
    edges; a saddle cell is resolved by the mean of its four corners.  Only
    the crossing test runs over the whole grid: the interpolation runs over
    the few hundred cells the contour passes, not all ten thousand.
    """
    above = values > level
    cross_h = above[:-1, :] != above[1:, :]  # edge (i, j)-(i+1, j) crosses
    cross_v = above[:, :-1] != above[:, 1:]  # edge (i, j)-(i, j+1) crosses
    # Each cell's edges in the order bottom, right, top, left.
    edges = (cross_h[:, :-1], cross_v[1:, :], cross_h[:, 1:], cross_v[:-1, :])
    ii, jj = np.nonzero(edges[0] | edges[1] | edges[2] | edges[3])
    if not len(ii):
        return np.empty(0), np.empty(0)
    crossed = np.column_stack([edge[ii, jj] for edge in edges])  # (k, 4)
    v00, v10, v11, v01 = values[ii, jj], values[ii + 1, jj], values[ii + 1, jj + 1], values[ii, jj + 1]
    x0, x1, y0, y1 = xs[ii], xs[ii + 1], ys[jj], ys[jj + 1]
    with np.errstate(all="ignore"):  # edges without a crossing divide by zero; they are never used
        bottom, top = x0 + (level - v00) / (v10 - v00) * (x1 - x0), x0 + (level - v01) / (v11 - v01) * (x1 - x0)
        right, left = y0 + (level - v10) / (v11 - v10) * (y1 - y0), y0 + (level - v00) / (v01 - v00) * (y1 - y0)
    px = np.column_stack([bottom, x1, top, x0])
    py = np.column_stack([y0, right, y1, left])
    n_crossed = crossed.sum(axis=1)
    # Two crossings: one segment joining them, in edge order.
    two = n_crossed == 2
    x_parts, y_parts = [px[two][crossed[two]]], [py[two][crossed[two]]]
    # Four crossings (saddle): two segments cutting off the corners unlike the centre.
    four = n_crossed == 4
    if four.any():
        corners = v00[four] + v10[four] + v11[four] + v01[four]
        joined = (corners / 4.0 > level) == above[ii[four], jj[four]]  # centre like the bottom-left corner
        order = np.where(joined[:, None], [0, 1, 2, 3], [0, 3, 1, 2])
        x_parts.append(np.take_along_axis(px[four], order, axis=1).ravel())
        y_parts.append(np.take_along_axis(py[four], order, axis=1).ravel())
    return np.concatenate(x_parts), np.concatenate(y_parts)


def _point_size(n: int) -> float:
    """Smaller markers for denser data so the heatmap stays visible."""
    return 10.0 if n <= 50 else 8.0 if n <= 500 else 6.0 if n <= 5000 else 4.0


class BoundaryView(pg.PlotWidget):
    """Heatmap of the output (or of one hidden neuron), its contour, the data and the errors."""

    point_clicked = pyqtSignal(int)  # index of the data point the user clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        repaint_cheaply(self)
        plot = self.getPlotItem()
        plot.setLabel("bottom", "x<sub>1</sub>", **LABEL_STYLE)
        plot.setLabel("left", "x<sub>2</sub>", **LABEL_STYLE)
        for name in ("bottom", "left"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(INK))
            axis.setTextPen(pg.mkPen(INK))
            paint_axis_from_cache(axis)  # its inward ticks overlap the heatmap
        plot.setAspectLocked(True)
        plot.setMouseEnabled(x=False, y=False)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.disableAutoRange()
        # The title changes every frame (it names the epoch).  pyqtgraph's title is HTML whose new
        # width re-lays out the whole plot: 0.6 ms a frame.  A plain text item, centred in the row
        # that a blank title of the same font reserves, costs a few microseconds.
        plot.setTitle(" ", size=TITLE_SIZE)
        self._title_item = QGraphicsSimpleTextItem(plot.titleLabel)
        font = QFont()
        font.setPointSizeF(float(TITLE_SIZE.removesuffix("pt")))
        self._title_item.setFont(font)
        self._title_item.setBrush(QColor(TITLE_COLOUR))
        plot.titleLabel.geometryChanged.connect(self._centre_title)

        self._image = ImageTiles()
        lut = washed_lut()
        self._palette = packed_colours(np.vstack([lut, lut[-1]]))  # values are finite when drawn: see _render
        # Not a pyqtgraph curve: it re-derives its bounds in Python several times a paint.
        self._contour = Segments(pg.mkPen(INK, width=2.5))
        self._contour_xy = (np.empty(0), np.empty(0))
        # The data points and the rings around misclassified ones are one scatter item: each pyqtgraph item
        # costs about half a millisecond a paint, cached or not.
        self.points = pg.ScatterPlotItem(symbol="o")
        self.points.sigClicked.connect(self._on_points_clicked)
        paint_from_cache(self.points)  # it changes far less often than the heatmap under it
        self._styles = [(pg.mkPen("w", width=1.5), pg.mkBrush(colour)) for colour in CLASS_COLOURS]
        self._ring = (pg.mkPen(MISCLASSIFIED, width=2), pg.mkBrush(None))
        self.selection = pg.ScatterPlotItem(symbol="s", pen=pg.mkPen(INK, width=2.5), brush=None)
        items = [self._image, self._contour, self.points, self.selection]
        for z, item in enumerate(items):
            item.setZValue(z)
            plot.addItem(item)

        self._values: np.ndarray | None = None
        self._levels: tuple[float, float] | None = None
        self._X = np.empty((0, 2))
        self._labels = np.empty(0, dtype=bool)
        self._field: Field | None = None
        self._predictions = np.empty(0)
        self._epoch: int | None = None
        self._activation = "sigmoid"
        self._output_activation = "sigmoid"
        self._neuron: tuple[int, int] | None = None
        self._discretize = False
        self._geometry: tuple[Bounds, int] | None = None
        self._edge_xs = self._edge_ys = np.empty(0)
        self._level = THRESHOLD
        self._misclassified = np.empty(0, dtype=bool)
        self._edged_buffer = np.empty((0, 0))

    # -- inputs -----------------------------------------------------------------
    def set_data(self, X: np.ndarray, y: np.ndarray) -> None:
        """The data points (n, 2) and their 0/1 labels (n, 1), on every rebuild."""
        self._X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
        self._labels = np.asarray(y, dtype=np.float64).ravel() > THRESHOLD
        self._show_points(np.zeros(len(self._X), dtype=bool))
        self.select_point(None)

    def _show_points(self, misclassified: np.ndarray) -> None:
        """The points in their class colours, then a ring around each misclassified one (it clicks the same)."""
        self._misclassified = misclassified
        size = _point_size(len(self._X))
        rings = np.flatnonzero(misclassified)
        indices = np.concatenate([np.arange(len(self._X)), rings])
        styles = [self._styles[int(label)] for label in self._labels] + [self._ring] * len(rings)
        self.points.setData(
            pos=self._X[indices],
            size=np.concatenate([np.full(len(self._X), size), np.full(len(rings), size + 6)]),
            pen=[pen for pen, _ in styles],
            brush=[brush for _, brush in styles],
            data=indices,
        )

    def points_of_class(self, label: int) -> np.ndarray:
        """(k, 2) the points drawn in class ``label``'s colour."""
        colour = self._styles[label][1].color()
        spots = self.points.data[: len(self._X)]
        return np.array([(spot["x"], spot["y"]) for spot in spots if spot["brush"].color() == colour]).reshape(-1, 2)

    @property
    def error_positions(self) -> np.ndarray:
        """(k, 2) the points ringed as misclassified."""
        rings = self.points.data[len(self._X) :]
        return np.column_stack([rings["x"], rings["y"]]) if len(rings) else np.empty((0, 2))

    def select_point(self, index: int | None) -> None:
        """Frame one data point (the walk-through's sample), or none."""
        if index is None or not 0 <= index < len(self._X):
            self.selection.setData(pos=np.empty((0, 2)))
        else:
            self.selection.setData(pos=self._X[index : index + 1], size=_point_size(len(self._X)) + 10)
        self.selection.setVisible(index is not None and 0 <= index < len(self._X))  # an empty scatter still paints

    def _on_points_clicked(self, item: pg.ScatterPlotItem, points, event) -> None:
        if len(points):
            self.point_clicked.emit(int(points[0].data()))

    def show_field(
        self,
        field: Field,
        predictions: np.ndarray,
        *,
        epoch: int | None = None,
        activation: str = "sigmoid",
        output_activation: str = "sigmoid",
    ) -> None:
        """Draw one frame.

        ``predictions``: the network's outputs on the data points, (n,).
        ``activation`` / ``output_activation``: the hidden and output
        activation names (``core.activations``); they choose the colour scale
        and the contour level: the output (whatever its activation) and any
        sigmoid neuron are drawn on 0..1 with the 0.5 contour, the decision
        threshold; any other hidden map symmetrically on ±max|map| with its
        sign change (level 0) as contour.
        """
        self._field = field
        self._predictions = np.asarray(predictions, dtype=np.float64).ravel()
        self._epoch = epoch
        self._activation, self._output_activation = activation, output_activation
        self._render()

    def set_discretize(self, on: bool) -> None:
        """Two flat colours (the map thresholded at its contour level) instead of a gradient."""
        self._discretize = bool(on)
        self._render()

    def show_neuron(self, layer: int, unit: int) -> None:
        """Show ``field.maps[layer - 1][unit]`` (layer 1 = first hidden) until ``clear_neuron``.

        Drawn at once from the last field (hovering works while paused); a
        neuron the field does not have (after a rebuild) shows the output.
        """
        self._neuron = (int(layer), int(unit))
        self._render()

    def clear_neuron(self) -> None:
        self._neuron = None
        self._render()

    # -- state, for tests and the window ----------------------------------------
    @property
    def image(self) -> np.ndarray | None:
        """The array the heatmap currently shows (x-major)."""
        return self._values

    @property
    def image_rect(self) -> QRectF:
        """The heatmap's extent in plot coordinates."""
        return self._image.mapRectToParent(self._image.boundingRect())

    @property
    def levels(self) -> tuple[float, float] | None:
        """The values drawn in the colormap's two end colours (None before the first picture)."""
        return self._levels

    @property
    def contour_level(self) -> float:
        return self._level

    @property
    def contour(self) -> tuple[np.ndarray, np.ndarray]:
        """The drawn contour segments as x, y point pairs."""
        return self._contour_xy

    @property
    def misclassified(self) -> np.ndarray:
        """Boolean mask over the data points whose thresholded output differs from the label."""
        return self._misclassified

    @property
    def title(self) -> str:
        """The title as drawn."""
        return self._title_item.text()

    # -- drawing -----------------------------------------------------------------
    def _selected_map(self, field: Field) -> tuple[np.ndarray, str, bool, str]:
        """The map to draw, its activation name, whether it is the output, and its name."""
        depth = len(field.maps)
        if self._neuron is not None:
            layer, unit = self._neuron
            if 1 <= layer <= depth and 0 <= unit < field.maps[layer - 1].shape[0]:
                if layer == depth:
                    return field.maps[layer - 1][unit], self._output_activation, True, "Output"
                return field.maps[layer - 1][unit], self._activation, False, f"Hidden {layer}, unit {unit + 1}"
        return field.output, self._output_activation, True, "Output"

    def _render(self) -> None:
        field = self._field
        if field is None:
            return
        values, activation, is_output, name = self._selected_map(field)
        epoch = "" if self._epoch is None else f" (epoch {self._epoch})"
        if not (np.isfinite(values).all() and np.isfinite(self._predictions).all()):
            self._set_title(f"no finite output{epoch}")  # keep the last good picture
            return
        self._place(field.bounds, field.resolution)
        level = THRESHOLD if is_output or activation == "sigmoid" else 0.0
        if self._discretize:
            image, levels = (values > level).astype(values.dtype), (0.0, 1.0)
        elif is_output or activation == "sigmoid":
            # An unbounded output is still read against its 0/1 targets; its own extremes lie far
            # outside the data and would wash the interesting region out to grey.
            image, levels = values, (0.0, 1.0)
        else:
            half = max(float(np.abs(values - level).max()), 1e-12)
            image, levels = values, (level - half, level + half)
        self._values, self._levels = image, levels
        self._image.set_pixels(colour_pixels(image.T[None], levels[0], levels[1], self._palette))
        self._level = level
        x, y = self._contour_xy = contour_segments(self._edged(values), self._edge_xs, self._edge_ys, level)
        self._contour.set_segments(x, y)

        if len(self._predictions) == len(self._X):
            misclassified = (self._predictions > THRESHOLD) != self._labels
        else:  # a frame for data not yet passed to set_data: no error marks rather than wrong ones
            misclassified = np.zeros(len(self._X), dtype=bool)
        if not np.array_equal(misclassified, self._misclassified):  # most frames: the same points
            self._show_points(misclassified)
        title = f"{name}{epoch}"
        if is_output:
            title += f" · {int(self._misclassified.sum())} misclassified"
        self._set_title(title)

    def _edged(self, values: np.ndarray) -> np.ndarray:
        """``values`` with its edge rows and columns repeated once more, at the bounds (``_place``).

        ``np.pad(mode="edge")`` does the same in 0.15 ms, ten times as long as these copies.
        """
        edged = self._edged_buffer
        if edged.shape != (values.shape[0] + 2, values.shape[1] + 2) or edged.dtype != values.dtype:
            edged = self._edged_buffer = np.empty((values.shape[0] + 2, values.shape[1] + 2), values.dtype)
        edged[1:-1, 1:-1] = values
        edged[0, 1:-1], edged[-1, 1:-1] = values[0], values[-1]
        edged[:, 0], edged[:, -1] = edged[:, 1], edged[:, -2]
        return edged

    def _place(self, bounds: Bounds, resolution: int) -> None:
        """Fit image, grid coordinates and view range to the field, only when they change."""
        if self._geometry == (bounds, resolution):
            return
        x1_min, x1_max, x2_min, x2_max = bounds
        self._image.set_rects([QRectF(x1_min, x2_min, x1_max - x1_min, x2_max - x2_min)])
        step_x, step_y = (x1_max - x1_min) / resolution, (x2_max - x2_min) / resolution
        centres = np.arange(resolution) + 0.5
        # Cell centres plus the bounds themselves, so the contour reaches the image's edges.
        self._edge_xs = np.concatenate([[x1_min], x1_min + step_x * centres, [x1_max]])
        self._edge_ys = np.concatenate([[x2_min], x2_min + step_y * centres, [x2_max]])
        self.getPlotItem().setRange(xRange=(x1_min, x1_max), yRange=(x2_min, x2_max), padding=0)
        self._geometry = (bounds, resolution)

    def _set_title(self, text: str) -> None:
        if text != self._title_item.text():
            self._title_item.setText(text)
            self._centre_title()

    def _centre_title(self) -> None:
        row, text = self.getPlotItem().titleLabel.rect(), self._title_item.boundingRect()
        self._title_item.setPos(row.center().x() - text.width() / 2, row.center().y() - text.height() / 2)
