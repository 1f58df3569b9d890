"""LossPlot: curves carry the history, accuracy in percent, log mode survives zeros and NaN."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtCore import QPointF, Qt

from core import Settings
from gui.loss_plot import (
    ACCURACY_COLOUR,
    LOG_FLOOR,
    LOSS_COLOUR,
    MAX_POINTS,
    LossPlot,
    peak_decimate,
    without_flat_runs,
)


@pytest.fixture
def plot(qtbot):
    w = LossPlot()
    qtbot.addWidget(w)
    w.resize(600, 400)
    w.show()
    qtbot.waitExposed(w)
    return w


def history(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    epochs = np.arange(1, n + 1)
    loss = 0.3 * np.exp(-epochs / max(n / 5, 1)) + 0.01 * rng.random(n)
    accuracy = np.clip(epochs / n + 0.1 * rng.random(n), 0.0, 1.0)
    return epochs, loss, accuracy


def curve_data(curve) -> tuple[np.ndarray, np.ndarray]:
    """The points the curve draws, in the plot's coordinates (log10 of the loss on the log scale)."""
    return curve.data


def test_curves_hold_the_history(plot):
    epochs, loss, accuracy = history(500)
    plot.show_history(epochs, loss, accuracy, current_epoch=500)
    x, y = curve_data(plot.loss_curve)
    assert len(x) == 500
    np.testing.assert_array_equal(x, epochs)
    np.testing.assert_array_equal(y, loss)
    x, y = curve_data(plot.accuracy_curve)
    assert x[0] == 1 and x[-1] == 500
    np.testing.assert_allclose(np.interp(epochs, x, y), 100 * accuracy)  # percent, through every epoch
    assert plot.accuracy_view.viewRange()[1] == pytest.approx([0, 100], abs=3)
    assert plot.marker.value() == 500


def test_both_curves_are_drawn_whole(plot, qtbot):
    """After a paint, what is on screen spans all epochs, in both views."""
    epochs, loss, accuracy = history(2000)
    plot.show_history(epochs, loss, accuracy, current_epoch=2000)
    plot.repaint()
    qtbot.wait(1)
    for curve in (plot.loss_curve, plot.accuracy_curve):
        x, _ = curve_data(curve)
        assert x[0] == 1 and x[-1] == 2000
    x_range = plot.getPlotItem().getViewBox().viewRange()[0]
    assert x_range[0] <= 1 and x_range[1] >= 2000
    assert plot.accuracy_view.viewRange()[0] == pytest.approx(x_range)


def test_growing_live_and_marker_follows(plot):
    epochs, loss, accuracy = history(300)
    for n in (1, 2, 50, 300):
        plot.show_history(epochs[:n], loss[:n], accuracy[:n], current_epoch=n)
        assert len(curve_data(plot.loss_curve)[0]) == n
        assert plot.marker.value() == n
    plot.show_history(epochs, loss, accuracy, current_epoch=120)  # a scrub to a past epoch
    assert plot.marker.value() == 120


def test_accuracy_axis_is_linked_on_x(plot, qtbot):
    epochs, loss, accuracy = history(1000)
    plot.show_history(epochs, loss, accuracy, current_epoch=1000)
    plot.getPlotItem().getViewBox().setXRange(100, 400, padding=0)
    qtbot.wait(1)
    assert plot.accuracy_view.viewRange()[0] == pytest.approx([100, 400])
    assert plot.getPlotItem().getAxis("right").labelText == "accuracy (%)"
    assert plot.getPlotItem().getAxis("left").labelText == "loss"
    assert plot.getPlotItem().getAxis("bottom").labelText == "epoch"
    # The loss view is on top, so dragging and zooming act on the loss (the accuracy axis is fixed).
    main = plot.getPlotItem().getViewBox()
    views = [item for item in plot.scene().items(main.sceneBoundingRect().center()) if isinstance(item, pg.ViewBox)]
    assert views[0] is main


def test_log_mode_with_zero_and_nan(plot, qtbot):
    epochs, loss, accuracy = history(100)
    loss[10], loss[20], loss[30] = 0.0, np.nan, np.inf
    accuracy[40] = np.nan
    with np.errstate(all="raise"):  # log10 of zero or NaN arithmetic anywhere would raise here
        plot.show_history(epochs, loss, accuracy, current_epoch=100)
        x, y = curve_data(plot.loss_curve)
        assert len(x) == 98 and 21 not in x and 31 not in x  # non-finite epochs dropped
        x, y = curve_data(plot.accuracy_curve)
        assert 41 not in x and np.isfinite(y).all()
        finite = np.isfinite(accuracy)
        np.testing.assert_allclose(np.interp(epochs[finite], x, y), 100 * accuracy[finite])
        plot.set_log(True)
        plot.repaint()
        qtbot.wait(1)
        x, y = curve_data(plot.loss_curve)
        assert plot.log and plot.getPlotItem().getAxis("left").logMode
        assert not plot.getPlotItem().getAxis("right").logMode  # accuracy stays linear
        assert np.isfinite(y).all() and (y >= np.log10(LOG_FLOOR)).all()
        assert y[x == 11] == np.log10(LOG_FLOOR)  # the zero loss sits on the floor
        np.testing.assert_allclose(10 ** y[x == 1], loss[0])
        # The view shows log10 of the data: the floor is at -12, the largest loss at its log.
        y_range = plot.getPlotItem().getViewBox().viewRange()[1]
        assert y_range[0] <= -12 and y_range[1] >= np.log10(np.nanmax(loss[np.isfinite(loss)]))
        plot.show_history(epochs, loss, accuracy, current_epoch=100)  # frames keep coming in log mode
        plot.repaint()
        plot.set_log(False)
        plot.repaint()
        qtbot.wait(1)
    x, y = curve_data(plot.loss_curve)
    assert y[x == 11] == 0.0  # linear mode shows the true zero again
    assert not plot.getPlotItem().getAxis("left").logMode


def test_empty_history(plot, qtbot):
    empty = np.empty(0)
    plot.show_history(np.arange(0), empty, empty, current_epoch=0)
    plot.set_log(True)
    plot.repaint()
    plot.set_log(False)
    qtbot.wait(1)
    assert len(curve_data(plot.loss_curve)[0]) == 0
    assert len(curve_data(plot.accuracy_curve)[0]) == 0
    assert plot.marker.value() == 0


def test_peak_decimate_keeps_the_envelope():
    epochs, loss, _ = history(1_000_003)
    loss[777_777] = 5.0  # a spike in the middle must survive
    x, y = peak_decimate(epochs, loss, max_points=MAX_POINTS)
    assert len(x) <= MAX_POINTS
    assert y.max() == 5.0 and y.min() == loss.min()
    assert x[-1] == epochs[-1] and y[-1] == loss[-1]  # the newest epoch is exact
    assert (np.diff(x) >= 0).all()  # still ordered for clip-to-view
    # Each block's two points are its min and max.
    block = int(x[2] - x[0])
    np.testing.assert_array_equal(y[:2], [loss[:block].min(), loss[:block].max()])
    small_x, small_y = peak_decimate(epochs[:100], loss[:100])
    np.testing.assert_array_equal(small_x, epochs[:100])  # short histories are untouched
    np.testing.assert_array_equal(small_y, loss[:100])


def test_million_epochs_are_reduced(plot):
    epochs, loss, accuracy = history(1_000_000)
    plot.show_history(epochs, loss, accuracy, current_epoch=1_000_000)
    plot.set_log(True)
    x, y = curve_data(plot.loss_curve)
    assert len(x) <= MAX_POINTS and x[-1] == 1_000_000
    assert 10 ** y.min() == pytest.approx(loss.min()) and 10 ** y.max() == pytest.approx(loss.max())  # log scale
    x, y = curve_data(plot.accuracy_curve)
    assert len(x) <= MAX_POINTS and y.max() == pytest.approx(100 * accuracy.max())


def test_renders_a_real_run(plot, tmp_path):
    trainer = Settings().build()
    trainer.train(5000)
    h = trainer.history
    plot.show_history(h.epochs, h.loss, h.accuracy, trainer.epoch)
    x, _ = curve_data(plot.loss_curve)
    assert len(x) <= MAX_POINTS and x[0] == 1 and x[-1] == 5000
    assert plot.grab().save(str(tmp_path / "loss.png"))
    plot.set_log(True)
    assert plot.grab().save(str(tmp_path / "loss_log.png"))


def test_flat_runs_lose_their_inner_points_and_the_line_stays_the_same():
    x = np.arange(1.0, 13.0)
    y = np.array([0.5, 0.5, 0.5, 0.6, 0.6, 0.5, 0.5, 0.5, 0.5, 0.9, 1.0, 1.0])
    kept_x, kept_y = without_flat_runs(x, y)
    assert kept_x.tolist() == [1, 3, 4, 5, 6, 9, 10, 11, 12]
    np.testing.assert_array_equal(np.interp(x, kept_x, kept_y), y)  # the polyline through every epoch
    for n in (0, 1, 2):
        assert without_flat_runs(x[:n], y[:n])[0].tolist() == x[:n].tolist()


def test_the_accuracy_curve_of_a_lab_run_keeps_only_its_changes(plot):
    trainer = Settings().build()
    trainer.train(2000)
    history = trainer.history
    plot.show_history(history.epochs, history.loss, history.accuracy, current_epoch=2000)
    x, y = curve_data(plot.accuracy_curve)
    assert len(x) < 400 and x[0] == 1 and x[-1] == 2000
    np.testing.assert_allclose(np.interp(history.epochs, x, y), 100 * history.accuracy)


def test_an_unchanged_revision_moves_only_the_marker(plot):
    epochs, loss, accuracy = history(300)
    plot.show_history(epochs, loss, accuracy, current_epoch=300, revision=(1, 0, 300))
    plot.show_history(epochs, 2 * loss, accuracy, current_epoch=120, revision=(1, 0, 300))  # a scrub
    assert plot.marker.value() == 120
    np.testing.assert_array_equal(curve_data(plot.loss_curve)[1], loss)  # the curves were left alone
    plot.show_history(epochs, 2 * loss, accuracy, current_epoch=300, revision=(1, 1, 300))  # cut off and regrown
    np.testing.assert_array_equal(curve_data(plot.loss_curve)[1], 2 * loss)
    plot.show_history(epochs, loss, accuracy, current_epoch=300)  # no revision: always drawn
    np.testing.assert_array_equal(curve_data(plot.loss_curve)[1], loss)


def _near(colour, rgb, tolerance=30) -> bool:
    return sum(abs(a - b) for a, b in zip(colour, rgb, strict=True)) < tolerance


def _coverage(pixels, rgb) -> float:
    """How much of one pixel of ``rgb`` over white the pixels hold: an antialiased line spreads its one over two."""
    ink = 255.0 - np.array(pixels, dtype=float)
    return float((ink.sum(axis=0) / (255.0 - np.array(rgb))).mean())


def test_the_key_is_a_line_above_the_plot_and_hides_no_curve(plot):
    # A net stuck at loss 0.25 and 50 % draws both curves across the middle, where a key inside would sit.
    plot.show_history(np.arange(1, 301), np.full(300, 0.25), np.full(300, 0.5), current_epoch=300)
    shot = plot.grab().toImage()
    main = plot.getPlotItem().getViewBox()
    for view, value, colour in ((main, 0.25, LOSS_COLOUR), (plot.accuracy_view, 50.0, ACCURACY_COLOUR)):
        for epoch in range(10, 291, 10):
            point = plot.mapFromScene(view.mapViewToScene(QPointF(epoch, value)))
            column = [shot.pixelColor(point.x(), point.y() + dy).getRgb()[:3] for dy in (-1, 0, 1)]
            assert _coverage(column, colour) > 0.7, (epoch, value, column)
    top = plot.mapFromScene(main.sceneBoundingRect().topLeft()).y()
    assert top > 10  # the key's own line
    key = [shot.pixelColor(x, y).getRgb()[:3] for x in range(shot.width()) for y in range(top)]
    assert any(_near(c, LOSS_COLOUR) for c in key) and any(_near(c, ACCURACY_COLOUR) for c in key)


def _screen_point(plot, epoch: float, value: float):
    return plot.mapFromScene(plot.getPlotItem().getViewBox().mapViewToScene(QPointF(epoch, value)))


def test_hovering_reads_out_the_epoch_under_the_pointer_and_a_click_asks_for_it(plot, qtbot):
    epochs, loss, accuracy = history(100)  # fewer epochs than pixels: the pointer names one exactly
    plot.show_history(epochs, loss, accuracy, current_epoch=100)
    qtbot.wait(20)  # let the axes take their new widths before mapping an epoch to the screen
    for epoch in (7, 63, 100):
        qtbot.mouseMove(plot.viewport(), _screen_point(plot, epoch, 0.1))
        assert plot.readout == f"epoch {epoch}\nloss {loss[epoch - 1]:.4g}\naccuracy {100 * accuracy[epoch - 1]:.1f} %"
    with qtbot.waitSignal(plot.epoch_clicked) as clicked:
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=_screen_point(plot, 42, 0.1))
    assert clicked.args == [42]
    qtbot.mouseMove(plot.viewport(), _screen_point(plot, 50, 10.0))  # above the plot, over the key
    assert plot.readout == ""


def test_the_readout_stays_inside_the_plot_at_its_corners(plot, qtbot):
    epochs, loss, accuracy = history(100)
    plot.show_history(epochs, loss, accuracy, current_epoch=100)
    qtbot.wait(20)
    view = plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = view.viewRange()
    for epoch, value in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        qtbot.mouseMove(plot.viewport(), _screen_point(plot, epoch + (1 if epoch == x0 else -1), value * 0.98))
        assert plot.readout
        qtbot.wait(20)  # pyqtgraph places a TextItem when it paints it
        assert view.sceneBoundingRect().contains(plot._readout.sceneBoundingRect())


def test_the_auto_range_button_goes_back_to_the_whole_run_on_steady_axes(plot, qtbot):
    epochs, loss, accuracy = history(1000)
    plot.show_history(epochs[:450], loss[:450], accuracy[:450], current_epoch=450)
    qtbot.wait(20)
    view = plot.getPlotItem().getViewBox()
    whole = view.viewRange()
    view.scaleBy((0.2, 0.2))  # as the mouse wheel zooms
    assert view.viewRange() != whole
    qtbot.mouseMove(plot.viewport(), _screen_point(plot, 250, 0.2))  # the button shows while the pointer is over
    button = plot.getPlotItem().autoBtn
    assert button.isVisible()
    at = plot.mapFromScene(button.sceneBoundingRect().center())
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert view.viewRange() == whole and not any(view.autoRangeEnabled())
    plot.show_history(epochs[:451], loss[:451], accuracy[:451], current_epoch=451)  # the next epoch moves nothing
    assert view.viewRange() == whole
