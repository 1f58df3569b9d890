"""Opaque colour maps painted straight from NumPy: the heatmap and the neuron thumbnails.

Qt's raster engine draws a ``Format_RGB32`` image, scaled, without converting
it; pyqtgraph's ``ImageItem`` hands it an Indexed8 image for a lookup table,
or RGBA8888 for colours, which Qt converts on every paint.  Measured on the
100 × 100 heatmap drawn at 490 px: 1.6 ms as Indexed8, 0.19 ms as RGB32;
nineteen 50 × 50 thumbnails as ``ImageItem``s cost about as much again in
Python per item.  So colours are packed into RGB32 pixels here, once per
frame, and one item draws any number of such images.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6 import QtCore, QtGui

OPAQUE = np.uint32(0xFF000000)


def packed_colours(rgb: np.ndarray) -> np.ndarray:
    """(n, 3 or 4) 0..255 colours as RGB32 pixels (0xffRRGGBB); any alpha is dropped."""
    rgb = np.asarray(rgb).astype(np.uint32)
    return OPAQUE | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


def colour_pixels(
    values: np.ndarray, low: np.ndarray | float, high: np.ndarray | float, palette: np.ndarray
) -> np.ndarray:
    """Pixels of ``values`` on ``palette``, ``low``/``high`` in its first/last-but-one colour.

    ``palette``'s last entry is the colour of non-finite values.  ``low`` and
    ``high`` broadcast against ``values`` (per-map levels: shape (maps, 1, 1)).
    Every frame colours some 60 000 values, so the common all-finite case
    makes five passes over them (scale, shift, clip, cast, gather); one
    finite sum tells it apart.
    """
    top = len(palette) - 2
    dtype = np.result_type(values.dtype, np.float32)  # float32 maps stay float32: a colour needs 3 digits
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        scale = (top / (np.asarray(high, dtype=np.float64) - low)).astype(dtype)
        t = values * scale
        t += (0.5 - low * scale).astype(dtype)  # + 0.5: the cast below truncates, so this rounds to the nearest colour
        np.clip(t, 0, top + 0.5, out=t)
        if np.isfinite(t.sum()):
            return palette[t.astype(np.intp)]
        t[~np.isfinite(values)] = top + 1  # the non-finite colour
        t[~np.isfinite(t)] = top  # a NaN left by degenerate levels (high == low)
        return palette[t.astype(np.intp)]


class ImageTiles(pg.GraphicsObject):
    """Images of one shape, each drawn into its own rectangle of the parent's coordinates.

    ``set_pixels`` takes (tiles, rows, columns) RGB32 pixels, row 0 at the
    rectangle's low-y edge (the bottom in a y-up plot), column 0 at its
    low-x edge.  The tiles are one image, stacked, drawn piece by piece:
    a QImage per tile per frame cost more than drawing them.
    """

    def __init__(self) -> None:
        super().__init__()
        self._rects: list[QtCore.QRectF] = []
        self._sources: list[QtCore.QRectF] = []
        self._atlas: QtGui.QImage | None = None
        self._bounds = QtCore.QRectF()

    def set_rects(self, rects: list[QtCore.QRectF]) -> None:
        """Where the tiles go; pixels for as many tiles must follow."""
        self.prepareGeometryChange()
        self._rects, self._sources, self._atlas = list(rects), [], None
        self._bounds = QtCore.QRectF()
        for rect in self._rects:
            self._bounds = self._bounds.united(rect)
        self.update()

    def set_pixels(self, pixels: np.ndarray) -> None:
        """One image per tile, in the order of ``set_rects``."""
        tiles, rows, columns = pixels.shape
        if tiles != len(self._rects):
            raise ValueError(f"{tiles} images for {len(self._rects)} tiles")
        atlas = np.ascontiguousarray(pixels, dtype=np.uint32).reshape(tiles * rows, columns)
        self._atlas = pg.functions.ndarray_to_qimage(atlas, QtGui.QImage.Format.Format_RGB32)
        if len(self._sources) != tiles or (tiles and self._sources[0].size() != QtCore.QSizeF(columns, rows)):
            self._sources = [QtCore.QRectF(0, tile * rows, columns, rows) for tile in range(tiles)]
        self.update()

    def paint(self, painter: QtGui.QPainter, *args) -> None:
        if self._atlas is None:
            return
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, False)
        for rect, source in zip(self._rects, self._sources, strict=True):
            painter.drawImage(rect, self._atlas, source)

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds
