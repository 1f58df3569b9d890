"""Colour maps painted from NumPy: the colour lookup, and where each pixel lands on screen."""

import numpy as np
import pytest
from PyQt6 import QtCore, QtGui

from gui.raster import ImageTiles, colour_pixels, packed_colours
from tests.gui.painted import colour_at

PALETTE = np.arange(10, 16, dtype=np.uint32)  # five colours (10..14) and the non-finite one (15)


def test_packed_colours_are_opaque_rgb32_pixels():
    packed = packed_colours(np.array([[255, 0, 0], [1, 2, 3], [0, 0, 255]]))
    assert packed.tolist() == [0xFFFF0000, 0xFF010203, 0xFF0000FF]
    assert QtGui.QColor.fromRgb(int(packed[1])).getRgb() == (1, 2, 3, 255)


def test_levels_map_to_the_end_colours_and_values_round_to_the_nearest():
    values = np.array([-5.0, 0.0, 0.24, 0.26, 0.5, 1.0, 7.0])
    # Four steps between the levels: 0.24 and 0.26 sit either side of the midpoint between colours 0 and 1.
    assert colour_pixels(values, 0.0, 1.0, PALETTE).tolist() == [10, 10, 11, 11, 12, 14, 14]


def test_non_finite_values_take_the_last_colour_and_the_rest_are_still_coloured():
    values = np.array([np.nan, 1.0, np.inf, 0.0, -np.inf, 1e308])
    assert colour_pixels(values, 0.0, 1.0, PALETTE).tolist() == [15, 14, 15, 10, 15, 14]


def test_levels_broadcast_per_map():
    maps = np.array([[[0.0, 1.0]], [[0.0, 1.0]]])  # two 1 × 2 maps
    low, high = np.array([0.0, -1.0])[:, None, None], np.array([1.0, 1.0])[:, None, None]
    assert colour_pixels(maps, low, high, PALETTE).tolist() == [[[10, 14]], [[12, 14]]]


def test_pixel_rows_run_up_the_y_axis_and_columns_along_x(plot):
    colours = packed_colours(np.array([[200, 0, 0], [0, 200, 0], [0, 0, 200], [200, 200, 0]]))
    tiles = ImageTiles()
    plot.addItem(tiles)
    tiles.set_rects([QtCore.QRectF(0, 0, 2, 2), QtCore.QRectF(3, 0, 2, 2)])
    first = colours.reshape(1, 2, 2)  # row 0: red, green; row 1: blue, yellow
    tiles.set_pixels(np.concatenate([first, first[:, ::-1]]))
    plot.setRange(xRange=(0, 5), yRange=(0, 2), padding=0)
    shot = plot.grab().toImage()
    assert colour_at(plot, shot, 0.5, 0.5) == (200, 0, 0)  # row 0, column 0: bottom left
    assert colour_at(plot, shot, 1.5, 0.5) == (0, 200, 0)  # row 0, column 1: bottom right
    assert colour_at(plot, shot, 0.5, 1.5) == (0, 0, 200)  # row 1: the top
    # The second tile: rows flipped.
    assert colour_at(plot, shot, 3.5, 0.5) == (0, 0, 200) and colour_at(plot, shot, 3.5, 1.5) == (200, 0, 0)
    with pytest.raises(ValueError, match="3 images for 2 tiles"):
        tiles.set_pixels(np.zeros((3, 2, 2), dtype=np.uint32))


def test_tiles_take_new_shapes_and_none(plot):
    tiles = ImageTiles()
    plot.addItem(tiles)
    tiles.set_rects([QtCore.QRectF(0, 0, 1, 1)])
    for side in (1, 3, 2):  # the map resolution changes with the data set's field
        tiles.set_pixels(np.full((1, side, side), 0xFF00C800, dtype=np.uint32))
        plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        assert colour_at(plot, plot.grab().toImage(), 0.5, 0.5) == (0, 200, 0)
    tiles.set_rects([])
    tiles.set_pixels(np.zeros((0, 2, 2), dtype=np.uint32))
    plot.grab()  # paints nothing, and does not fail
