"""The light painted items: what they draw, where, and what they keep."""

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtWidgets import QApplication, QGraphicsRectItem

from gui.items import Bars, EpochMarker, Polyline, Segments, repaint_cheaply
from tests.gui.painted import colour_at, on_screen


def test_bars_rise_and_fall_from_zero_in_their_brushes(plot):
    bars = Bars(3, pg.mkPen(None))
    plot.addItem(bars)
    red, blue = pg.mkBrush(200, 0, 0), pg.mkBrush(0, 0, 200)
    bars.set_bars(np.array([0.5, -1.0, 0.0]), [red, blue, red])
    plot.setRange(xRange=(0, 3), yRange=(-1, 1), padding=0)
    shot = plot.grab().toImage()
    assert colour_at(plot, shot, 0.5, 0.25) == (200, 0, 0)  # inside the first bar
    assert colour_at(plot, shot, 0.5, 0.75) == (255, 255, 255)  # above its top
    assert colour_at(plot, shot, 1.5, -0.5) == (0, 0, 200)  # the second hangs below zero
    assert colour_at(plot, shot, 1.5, 0.25) == (255, 255, 255)
    assert colour_at(plot, shot, 0.05, -0.5) == (255, 255, 255)  # the gap between bars
    rect = bars.boundingRect()
    assert rect.top() <= -1.0 and rect.bottom() >= 0.5
    with pytest.raises(ValueError, match="2 heights and 3 brushes for 3 bars"):
        bars.set_bars(np.zeros(2), [red] * 3)


def test_a_polyline_keeps_a_copy_and_bounds_its_points(plot):
    line = Polyline(pg.mkPen("k", width=1))
    plot.addItem(line)
    x, y = np.array([1.0, 2.0, 3.0]), np.array([5.0, -2.0, 0.5])
    line.set_data(x, y)
    y[0] = 99.0  # the caller's record changes later
    np.testing.assert_array_equal(line.data[1], [5.0, -2.0, 0.5])
    rect = line.boundingRect()
    assert rect.left() <= 1 and rect.right() >= 3 and rect.top() <= -2 and rect.bottom() >= 5
    assert line.opts["pen"].color().name() == "#000000"  # what a legend draws its sample with


def test_an_epoch_marker_spans_the_view_wherever_it_moves(plot):
    marker = EpochMarker(pg.mkPen(200, 0, 0, width=1))
    plot.addItem(marker, ignoreBounds=True)
    plot.setRange(xRange=(0, 100), yRange=(-3, 3), padding=0)
    marker.set_value(40)
    assert marker.value() == 40
    plot.setRange(yRange=(10, 20), padding=0)  # the view moves on: the line still spans it
    shot = plot.grab().toImage()
    for y in (10.5, 15.0, 19.5):
        assert colour_at(plot, shot, 40, y) == (200, 0, 0)
    assert colour_at(plot, shot, 60, 15.0) == (255, 255, 255)


def test_segments_draw_each_pair_of_points_as_one_line(plot):
    segments = Segments(pg.mkPen((200, 0, 0), width=3))
    plot.addItem(segments)
    # Two separate horizontal lines: (0, 1)-(4, 1) and (0, 3)-(4, 3); nothing joins (4, 1) to (0, 3).
    segments.set_segments(np.array([0.0, 4.0, 0.0, 4.0]), np.array([1.0, 1.0, 3.0, 3.0]))
    plot.setRange(xRange=(-1, 5), yRange=(0, 4), padding=0)
    shot = plot.grab().toImage()
    assert segments.count == 2
    assert colour_at(plot, shot, 2.0, 1.0) == (200, 0, 0)
    assert colour_at(plot, shot, 2.0, 3.0) == (200, 0, 0)
    assert colour_at(plot, shot, 2.0, 2.0) == (255, 255, 255)  # where a path of all points would cross
    rect = segments.boundingRect()
    assert rect.left() <= 0 and rect.right() >= 4 and rect.top() <= 1 and rect.bottom() >= 3
    segments.set_segments(np.empty(0), np.empty(0))
    assert segments.count == 0 and colour_at(plot, plot.grab().toImage(), 2.0, 1.0) == (255, 255, 255)
    with pytest.raises(ValueError, match="3 x and 3 y"):
        segments.set_segments(np.zeros(3), np.zeros(3))


def test_a_view_that_repaints_cheaply_leaves_no_trace_of_an_item_that_moved(qtbot):
    """Its viewport neither clears itself nor keeps a background picture: the view must paint white itself."""
    view = pg.PlotWidget()
    repaint_cheaply(view)
    square = QGraphicsRectItem(0.0, 0.0, 1.0, 1.0)
    square.setBrush(pg.mkBrush(200, 0, 0))
    square.setPen(pg.mkPen(None))
    view.addItem(square)
    view.setRange(xRange=(0, 4), yRange=(0, 4), padding=0)
    qtbot.addWidget(view)
    view.resize(300, 300)
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    assert colour_at(view, on_screen(view), 0.5, 0.5) == (200, 0, 0)
    square.setPos(2.0, 2.0)
    QApplication.processEvents()  # the repaint a frame gets: only the box around what changed
    shot = on_screen(view)
    assert colour_at(view, shot, 0.5, 0.5) == (255, 255, 255)
    assert colour_at(view, shot, 2.5, 2.5) == (200, 0, 0)
