"""The gradient panel draws exactly the snapshot's gradients and the run's history."""

import dataclasses
import itertools

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtCore import QPointF, Qt

from core import Settings
from gui.gradients import COLUMNS, MAX_BINS, ROW_MIN_HEIGHT, GradientPanel, log_curves


@pytest.fixture
def panel(qtbot):
    panel = GradientPanel()
    qtbot.addWidget(panel)
    panel.resize(620, 560)
    return panel


def trained(settings: Settings, epochs: int):
    trainer = settings.build()
    trainer.train(epochs)
    return trainer


def show(panel: GradientPanel, trainer, snapshot=None) -> None:
    history = trainer.history
    panel.show_gradients(snapshot or trainer.snapshot(), history.epochs, history.grad_norm, history.update_ratio)


def test_heatmaps_and_bars_are_the_gradients_of_the_shown_epoch(panel):
    trainer = trained(Settings(), 4)
    before = trainer.snapshot()
    trainer.train(1)
    show(panel, trainer)
    # Epoch 5's gradient is the backprop gradient at the weights left by epoch 4, computed independently here.
    expected = before.network().gradients(trainer.X, trainer.y, loss="mse")
    assert len(panel.images) == len(expected) == 3
    for image, bars, (dW, db), (shown_dW, _) in zip(
        panel.images, panel.bar_heights, expected, trainer.snapshot().grads, strict=True
    ):
        np.testing.assert_array_equal(image, shown_dW)
        assert image.shape == dW.shape  # (fan_in, fan_out): one row per source unit
        np.testing.assert_allclose(image, dW, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(bars, db.ravel(), rtol=1e-10, atol=1e-15)
    norms = trainer.history.grad_norm[-1]
    assert panel.titles == [f"Layer {layer}  ‖∇‖ = {norm:.1e}" for layer, norm in enumerate(norms, start=1)]


def test_shared_scale_by_default_and_per_layer_after_a_click(panel, qtbot):
    trainer = trained(Settings(), 10)
    show(panel, trainer)
    panel.show()
    qtbot.waitExposed(panel)
    grads = [(panel.images[layer], panel.bar_heights[layer]) for layer in range(3)]
    peaks = [max(np.abs(dW).max(), np.abs(db).max()) for dW, db in grads]
    assert panel.shared_scale
    assert panel.levels == [(-max(peaks), max(peaks))] * 3
    assert panel.colour_bar_range == (-max(peaks), max(peaks))

    qtbot.mouseClick(panel.shared_box, Qt.MouseButton.LeftButton)
    assert not panel.shared_scale
    assert panel.levels == [(-peak, peak) for peak in peaks]
    assert panel.colour_bar_range == (-1.0, 1.0)
    panel.set_shared_scale(True)
    assert panel.shared_box.isChecked() and panel.levels == [(-max(peaks), max(peaks))] * 3


def test_shared_scale_shows_the_vanishing_gradient_of_a_deep_sigmoid_net(panel):
    """Six sigmoid layers on U(0, 1) weights: layer 1 is invisible on the shared scale, not on its own."""
    trainer = trained(Settings(hidden=(8,) * 6), 10)
    show(panel, trainer)

    def reach() -> list[float]:
        """How far along its colour scale each layer's largest gradient gets."""
        drawn = zip(panel.images, panel.bar_heights, panel.levels, strict=True)
        return [max(np.abs(dW).max(), np.abs(db).max()) / high for dW, db, (_, high) in drawn]

    shared = reach()
    assert shared[0] < 1e-4 < shared[-1]
    assert max(shared) == 1.0
    panel.set_shared_scale(False)
    assert reach() == [1.0] * 7


def test_history_curves_marker_and_downsampling(panel):
    trainer = trained(Settings(), 60)
    scrubbed = trainer.snapshot()
    trainer.train(40)
    history = trainer.history
    show(panel, trainer, scrubbed)
    for curves, values in ((panel.norm_curves, history.grad_norm), (panel.ratio_curves, history.update_ratio)):
        assert len(curves) == 3
        for layer, (x, y) in enumerate(curves):
            assert len(x) == len(y) == 100
            np.testing.assert_array_equal(x, history.epochs)
            np.testing.assert_array_equal(y, values[:, layer])
    assert panel.marker_epochs == [60.0, 60.0]
    for plot_curves in (panel._norm_curves, panel._ratio_curves):
        for curve in plot_curves:
            assert curve.opts["autoDownsample"] and curve.opts["downsampleMethod"] == "peak"
            assert curve.opts["clipToView"]


def test_non_positive_and_non_finite_history_values_are_dropped(panel):
    trainer = trained(Settings(), 20)
    epochs = trainer.history.epochs
    norms = trainer.history.grad_norm.copy()
    norms[3, 0], norms[5, 1], norms[7, 2], norms[9, 0] = 0.0, np.nan, np.inf, -1.0
    ratios = np.full_like(norms, np.nan)  # e.g. all-zero weights: 0/0
    panel.show_gradients(trainer.snapshot(), epochs, norms, ratios)
    for layer, (x, y) in enumerate(panel.norm_curves):
        keep = np.isfinite(norms[:, layer]) & (norms[:, layer] > 0)
        assert len(y) == [18, 19, 19][layer]
        np.testing.assert_array_equal(x, epochs[keep])
        np.testing.assert_array_equal(y, norms[keep, layer])
    assert all(len(x) == len(y) == 0 for x, y in panel.ratio_curves)


def test_long_history_keeps_every_block_min_and_max():
    rng = np.random.default_rng(1)
    n = 5 * MAX_BINS + 7
    epochs = np.arange(1, n + 1)
    values = np.exp(rng.normal(-4, 2, (n, 2)))
    values[100:130, 1] = 0.0  # dropped, not drawn as a min
    (x0, y0), (x1, y1) = log_curves(epochs, values)
    assert len(y0) <= 2 * MAX_BINS + 2
    assert y0.max() == values[:, 0].max() and y0.min() == values[:, 0].min()
    block = int(np.ceil(n / MAX_BINS))
    for start in (0, block * 7, n - n % block):
        chunk = values[start : start + block, 0]
        where = np.flatnonzero(x0 == epochs[start])
        assert sorted(y0[where]) == [chunk.min(), chunk.max()]
    assert (y1 > 0).all() and y1.min() == values[values[:, 1] > 0, 1].min()
    assert block == 6 and epochs[102] not in x1 and epochs[96] in x1  # rows 102..107 are all zero: no point


def test_rebuilding_the_architecture_does_not_leak_items(panel):
    trainer = trained(Settings(), 5)
    show(panel, trainer)
    counts = (len(panel.heat_canvas.scene().items()), len(panel.history_canvas.scene().items()))
    for sizes in ([2, 4, 4, 4, 1], [2, 1], [2, 8, 8, 1]) * 3:
        panel.set_architecture(sizes)
        assert len(panel.images) == len(sizes) - 1
        assert len(panel._legend.items) == len(sizes) - 1
        assert len(panel._norm_plot.listDataItems()) == len(panel._ratio_plot.listDataItems()) == len(sizes) - 1
    show(panel, trainer)
    assert (len(panel.heat_canvas.scene().items()), len(panel.history_canvas.scene().items())) == counts


def test_non_finite_gradients_do_not_raise_and_are_left_grey(panel, qtbot):
    trainer = trained(Settings(), 5)
    snapshot = trainer.snapshot()
    grad = snapshot.grad.copy()
    grad[[0, 1, 2]] = [np.nan, np.inf, -np.inf]  # layer 1: [Wᵀ | bᵀ] row 0 = W[0, 0], W[1, 0], b[0]
    broken = dataclasses.replace(snapshot, grad=grad)
    show(panel, trainer, broken)
    image = panel.images[0]
    assert np.isnan(image[0, 0]) and np.isnan(image[1, 0]) and np.isfinite(image[:, 1:]).all()
    assert panel.bar_heights[0][0] == 0.0
    assert all(np.isfinite(level).all() for level in panel.levels)
    assert panel.titles[0] == "Layer 1  ‖∇‖ = nan"
    everything_broken = dataclasses.replace(snapshot, grad=np.full_like(grad, np.nan))
    show(panel, trainer, everything_broken)
    assert panel.levels == [(-1.0, 1.0)] * 3
    panel.show()
    qtbot.waitExposed(panel)
    assert not panel.grab().isNull()  # painting NaN raises no warning either


@pytest.mark.parametrize("magnitude", [7e-310, 1e-200, 1e200, 1.7e308])
def test_extreme_gradients_paint_without_overflow(panel, qtbot, magnitude):
    """Denormals (what uninitialised memory looks like) and huge values must not overflow the colour levels."""
    trainer = trained(Settings(), 3)
    snapshot = trainer.snapshot()
    signs = np.where(np.arange(snapshot.grad.size) % 2, 1.0, -1.0)
    show(panel, trainer, dataclasses.replace(snapshot, grad=magnitude * signs))
    panel.show()
    qtbot.waitExposed(panel)
    assert not panel.grab().isNull()  # a RuntimeWarning inside paint() would fail the test
    panel.set_shared_scale(False)
    assert not panel.grab().isNull()
    assert all(1e-300 <= high <= 1e300 for _, high in panel.levels)


@pytest.mark.parametrize("hidden", [(), (8,) * 6])
def test_no_hidden_layer_and_six_hidden_layers(panel, qtbot, hidden):
    trainer = trained(Settings(hidden=hidden), 30)
    show(panel, trainer)  # the snapshot's sizes build the items
    depth = len(hidden) + 1
    assert [image.shape for image in panel.images] == list(itertools.pairwise(trainer.net.sizes))
    assert len(panel.norm_curves) == depth
    panel.resize(540, 480)  # the tab's width in the default window
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(20)  # let the layout settle
    plots = panel.heatmap_plots
    if depth > COLUMNS:  # a grid: the next row's first layer sits under the first
        first, below = (plot.sceneBoundingRect() for plot in (plots[0], plots[COLUMNS]))
        assert below.top() > first.bottom() and abs(below.left() - first.left()) < 1
    width = panel.heat_canvas.viewport().width()
    assert all(plot.sceneBoundingRect().right() <= width for plot in plots)  # nothing cut off on the right
    assert panel._colour_bar.sceneBoundingRect().right() <= width
    rows = -(-depth // COLUMNS)
    assert panel.heat_canvas.height() >= rows * ROW_MIN_HEIGHT  # rows keep their room and the panel scrolls
    assert not panel._heat_scroll.horizontalScrollBar().isVisible()
    assert panel._heat_scroll.verticalScrollBar().isVisible() == (depth > COLUMNS)  # three rows do not fit


def test_hovering_a_cell_reads_out_its_value(panel, qtbot):
    trainer = trained(Settings(), 10)
    show(panel, trainer)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(20)  # let the layout settle before mapping a cell to the screen
    canvas = panel.heat_canvas
    plot = panel.heatmap_plots[1]
    scene_point = plot.getViewBox().mapViewToScene(QPointF(3.5, 5.5))  # column j = 3, row i = 5
    qtbot.mouseMove(canvas.viewport(), canvas.mapFromScene(scene_point))
    qtbot.waitUntil(lambda: panel.readout.startswith("dW[2]"))
    assert panel.readout == f"dW[2][5, 3] = {panel.images[1][5, 3]:.3g}"
    trainer.train(1)  # a new epoch arrives while the pointer rests on the cell
    show(panel, trainer)
    assert panel.readout == f"dW[2][5, 3] = {panel.images[1][5, 3]:.3g}"

    bars = panel.bar_plots[1].getViewBox()
    # bar j = 6, within 1/60 s of the last move: the scene's own signal would drop it, and the readout stay put
    qtbot.mouseMove(canvas.viewport(), canvas.mapFromScene(bars.mapViewToScene(QPointF(6.5, 0.0))))
    qtbot.waitUntil(lambda: panel.readout.startswith("db[2]"))
    assert panel.readout == f"db[2][6] = {panel.bar_heights[1][6]:.3g}"


def test_history_shape_mismatch_is_a_clear_error(panel):
    trainer = trained(Settings(), 5)
    history = trainer.history
    with pytest.raises(ValueError, match="grad_norm must have shape"):
        panel.show_gradients(trainer.snapshot(), history.epochs, history.grad_norm[:, :2], history.update_ratio)


def test_the_healthy_ratio_label_reads_over_the_curves_and_leaves_the_newest_epochs_free(panel, qtbot):
    show(panel, trained(Settings(), 50))
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(20)
    plot = panel._ratio_plot
    guide = next(item for item in plot.items if isinstance(item, pg.InfiniteLine))
    view = plot.getViewBox().sceneBoundingRect()
    assert guide.label.toPlainText() == "1e-3 healthy"
    assert guide.label.sceneBoundingRect().right() < view.left() + 0.3 * view.width()
    assert all(guide.zValue() > curve.zValue() for curve in panel._ratio_curves)
