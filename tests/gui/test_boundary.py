"""BoundaryView: the heatmap shows the field, the contour follows it, errors are marked, NaN is survived."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor

from core import Settings
from core.field import Field, domain, evaluate_field, grid
from gui.boundary import BoundaryView, contour_segments, washed_lut
from gui.palette import CLASS_COLOURS, MISCLASSIFIED
from tests.gui.painted import colour_at

BOUNDS = (-1.0, 1.0, -0.5, 1.5)
RES = 100


def crafted_field(output, hidden=None, bounds=BOUNDS, res=RES) -> Field:
    """A field whose maps are given functions of the grid points (x-major, as evaluate_field)."""
    xs, ys, _ = grid(bounds, res)
    x1, x2 = np.meshgrid(xs, ys, indexing="ij")
    hidden = hidden or [lambda a, b: a, lambda a, b: b - 0.5, lambda a, b: np.tanh(a + b)]
    maps = [np.stack([f(x1, x2) for f in hidden]), output(x1, x2)[None]]
    return Field(bounds, res, maps)


@pytest.fixture
def view(qtbot):
    w = BoundaryView()
    qtbot.addWidget(w)
    return w


@pytest.fixture(scope="module")
def xor_run():
    trainer = Settings().build()
    trainer.train(3000)
    field = evaluate_field(trainer.net, domain(trainer.X), 100)
    return trainer, field, trainer.net.forward(trainer.X).ravel()


def test_image_is_the_output_over_the_bounds(view, xor_run):
    trainer, field, predictions = xor_run
    view.set_data(trainer.X, trainer.y)
    view.show_field(field, predictions, epoch=trainer.epoch)
    np.testing.assert_array_equal(view.image, field.output)
    rect = view.image_rect
    x1_min, x1_max, x2_min, x2_max = field.bounds
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == pytest.approx((x1_min, x1_max, x2_min, x2_max))
    assert view.contour_level == 0.5
    assert view.title.startswith(f"Output (epoch {trainer.epoch})")
    # The view range is the field's bounds (aspect locking may only widen one axis).
    (vx0, vx1), (vy0, vy1) = view.getPlotItem().getViewBox().viewRange()
    assert vx0 <= x1_min + 1e-9 and vx1 >= x1_max - 1e-9 and vy0 <= x2_min + 1e-9 and vy1 >= x2_max - 1e-9
    assert min(vx1 - vx0 - (x1_max - x1_min), vy1 - vy0 - (x2_max - x2_min)) == pytest.approx(0.0, abs=1e-6)


def test_discretize_thresholds_at_one_half(view, xor_run):
    trainer, field, predictions = xor_run
    view.set_data(trainer.X, trainer.y)
    view.show_field(field, predictions)
    view.set_discretize(True)
    np.testing.assert_array_equal(view.image, (field.output > 0.5).astype(float))
    assert set(np.unique(view.image)) <= {0.0, 1.0}
    view.set_discretize(False)
    np.testing.assert_array_equal(view.image, field.output)


def test_misclassified_mask_and_overlay(view):
    X = np.array([[0.0, 0.0], [0.5, 0.5], [-0.5, 1.0], [0.9, 0.1]])
    y = np.array([[0.0], [1.0], [0.0], [1.0]])
    predictions = np.array([0.2, 0.3, 0.7, 0.9])
    view.set_data(X, y)
    view.show_field(crafted_field(lambda a, b: 1 / (1 + np.exp(-a))), predictions, epoch=7)
    expected = (predictions > 0.5) != (y.ravel() > 0.5)
    np.testing.assert_array_equal(view.misclassified, expected)
    np.testing.assert_array_equal(view.misclassified, [False, True, True, False])
    np.testing.assert_array_equal(view.error_positions, X[expected])
    assert view.title == "Output (epoch 7) · 2 misclassified"
    # Each class has its own marker colour.
    for label in (0, 1):
        np.testing.assert_array_equal(view.points_of_class(label), X[y.ravel() == label])
    shot = view.grab().toImage()
    for point, label in zip(X, y.ravel(), strict=True):  # each class in its colour, at its place
        pixel = view.mapFromScene(view.getPlotItem().vb.mapViewToScene(pg.Point(*point)))
        assert shot.pixelColor(pixel).getRgb()[:3] == CLASS_COLOURS[int(label)]


def test_contour_follows_the_map(view):
    """Output = sigmoid(8·(x1 − 0.2)): the 0.5 contour is the vertical line x1 = 0.2."""
    view.set_data(np.zeros((1, 2)), np.zeros((1, 1)))
    view.show_field(crafted_field(lambda a, b: 1 / (1 + np.exp(-8 * (a - 0.2)))), np.zeros(1))
    x, y = view.contour
    assert len(x) > 0 and len(x) % 2 == 0
    np.testing.assert_allclose(x, 0.2, atol=1e-3)
    assert y.min() == pytest.approx(BOUNDS[2]) and y.max() == pytest.approx(BOUNDS[3])  # reaches the edges
    # Next frame, the boundary moved: so did the line.
    view.show_field(crafted_field(lambda a, b: 1 / (1 + np.exp(-8 * (b - 1.0)))), np.zeros(1))
    x, y = view.contour
    np.testing.assert_allclose(y, 1.0, atol=1e-3)


def test_show_neuron_and_back(view):
    field = crafted_field(lambda a, b: 1 / (1 + np.exp(-a)))
    view.set_data(np.zeros((1, 2)), np.zeros((1, 1)))
    view.show_field(field, np.zeros(1), epoch=3, activation="tanh")
    view.show_neuron(1, 2)
    np.testing.assert_array_equal(view.image, field.maps[0][2])
    assert view.title == "Hidden 1, unit 3 (epoch 3)"
    assert view.contour_level == 0.0  # tanh: the sign change
    half = np.abs(field.maps[0][2]).max()
    assert view.levels == pytest.approx([-half, half])  # symmetric colour scale
    # Remembered across frames until cleared.
    view.show_field(field, np.zeros(1), epoch=4, activation="tanh")
    np.testing.assert_array_equal(view.image, field.maps[0][2])
    view.clear_neuron()
    np.testing.assert_array_equal(view.image, field.output)
    assert view.contour_level == 0.5
    assert view.title.startswith("Output (epoch 4)")


def test_sigmoid_hidden_neuron_uses_zero_to_one(view):
    field = crafted_field(lambda a, b: a, hidden=[lambda a, b: 1 / (1 + np.exp(-3 * b))])
    view.show_field(field, np.zeros(0), activation="sigmoid", output_activation="none")
    assert view.contour_level == 0.5  # the decision threshold, even for a linear output
    assert view.levels == pytest.approx([0.0, 1.0])  # the targets' scale, not the map's extremes
    view.show_neuron(1, 0)
    assert view.contour_level == 0.5
    assert view.levels == pytest.approx([0.0, 1.0])
    view.show_neuron(9, 0)  # no such layer in this field: the output, never an exception
    np.testing.assert_array_equal(view.image, field.output)


def test_non_finite_field_keeps_last_picture(view):
    good = crafted_field(lambda a, b: 1 / (1 + np.exp(-a)))
    view.set_data(np.zeros((2, 2)), np.array([[0.0], [1.0]]))
    view.show_field(good, np.array([0.1, 0.9]), epoch=10)
    contour = view.contour
    bad_output = good.output.copy()
    bad_output[3, 4] = np.nan
    bad = Field(good.bounds, good.resolution, [good.maps[0], bad_output[None]])
    view.show_field(bad, np.array([0.1, 0.9]), epoch=11)
    np.testing.assert_array_equal(view.image, good.output)
    np.testing.assert_array_equal(view.contour[0], contour[0])
    assert view.title == "no finite output (epoch 11)"
    view.show_field(good, np.array([np.inf, 0.9]), epoch=12)
    assert view.title == "no finite output (epoch 12)"
    view.show_field(good, np.array([0.1, 0.9]), epoch=13)
    assert view.title == "Output (epoch 13) · 0 misclassified"


def test_nan_before_any_good_frame(view):
    field = crafted_field(lambda a, b: np.full_like(a, np.nan))
    view.show_field(field, np.zeros(0))
    assert view.image is None
    assert view.title == "no finite output"


def test_frames_do_not_add_items(view, xor_run):
    trainer, field, predictions = xor_run
    view.set_data(trainer.X, trainer.y)
    view.show_field(field, predictions)
    plot_items, scene_items = len(view.getPlotItem().items), len(view.scene().items())
    for epoch in range(5):
        view.set_data(trainer.X, trainer.y)
        view.show_field(field, predictions, epoch=epoch)
        view.set_discretize(epoch % 2 == 0)
        view.show_neuron(1, epoch)
        view.clear_neuron()
    assert len(view.getPlotItem().items) == plot_items
    assert len(view.scene().items()) == scene_items


def test_frame_for_other_data_marks_nothing(view, xor_run):
    trainer, field, predictions = xor_run
    view.set_data(trainer.X[:5], trainer.y[:5])
    view.show_field(field, predictions)  # 21 outputs for 5 points: a frame from before a rebuild
    assert not view.misclassified.any() and len(view.misclassified) == 5


def test_contour_segments_closed_forms():
    xs, ys = np.linspace(-1, 1, 41), np.linspace(-1, 1, 41)
    x1, x2 = np.meshgrid(xs, ys, indexing="ij")
    # A plane: exact (linear interpolation is exact for a linear function).
    x, y = contour_segments(x1 + 2 * x2, xs, ys, 0.3)
    np.testing.assert_allclose(x + 2 * y, 0.3, atol=1e-12)
    # A circle: every vertex within a grid step of the true radius, and the curve goes all the way round.
    x, y = contour_segments(np.hypot(x1, x2), xs, ys, 0.6)
    np.testing.assert_allclose(np.hypot(x, y), 0.6, atol=0.05)
    angles = np.arctan2(y, x)
    assert np.histogram(angles, bins=12, range=(-np.pi, np.pi))[0].min() > 0
    # Nothing to draw when the level is never crossed.
    assert contour_segments(x1, xs, ys, 5.0)[0].size == 0


def test_contour_segments_saddle():
    """A 2×2 saddle gives two segments; the centre's side decides which corners they cut off."""
    xs = ys = np.array([0.0, 1.0])
    values = np.array([[1.0, 0.0], [0.0, 1.0]])  # corners (0,0) and (1,1) high; centre 0.5
    x, y = contour_segments(values, xs, ys, 0.4)  # centre above: the high corners join, the low ones are cut off
    pairs = {tuple(sorted(map(tuple, np.column_stack([x, y])[i : i + 2].round(6)))) for i in (0, 2)}
    assert pairs == {((0.0, 0.6), (0.4, 1.0)), ((0.6, 0.0), (1.0, 0.4))}
    x, y = contour_segments(values, xs, ys, 0.6)  # centre below: the high corners are cut off
    pairs = {tuple(sorted(map(tuple, np.column_stack([x, y])[i : i + 2].round(6)))) for i in (0, 2)}
    assert pairs == {((0.0, 0.4), (0.4, 0.0)), ((0.6, 1.0), (1.0, 0.6))}


def test_lut_is_washed_towards_white():
    lut = washed_lut(0.75).astype(int)
    assert lut.shape == (256, 3)
    np.testing.assert_array_equal(lut[0], np.round(0.75 * np.array(CLASS_COLOURS[0]) + 0.25 * 255))
    np.testing.assert_array_equal(lut[-1], np.round(0.75 * np.array(CLASS_COLOURS[1]) + 0.25 * 255))


def _pixels(image) -> np.ndarray:
    """Every third pixel's RGB, as ints."""
    return np.array(
        [
            QColor(image.pixel(x, y)).getRgb()[:3]
            for x in range(0, image.width(), 3)
            for y in range(0, image.height(), 3)
        ]
    )


def _has_colour(pixels, rgb, tolerance=40) -> bool:
    return bool((np.abs(pixels - np.array(rgb, dtype=int)).sum(axis=1) < tolerance).any())


def test_renders_xor_and_spiral(view, qtbot, tmp_path, xor_run):
    trainer, field, predictions = xor_run
    view.resize(600, 500)
    view.show()
    qtbot.waitExposed(view)
    view.set_data(trainer.X, trainer.y)
    view.show_field(field, predictions, epoch=trainer.epoch)
    image = view.grab().toImage()
    assert image.save(str(tmp_path / "boundary.png"))
    xs, ys, _ = grid(field.bounds, field.resolution)
    for orange, cells in ((True, field.output < 0.4), (False, field.output > 0.6)):  # both classes' regions, coloured
        assert cells.mean() > 0.05
        red, _, blue = np.array([colour_at(view, image, xs[i], ys[j]) for i, j in np.argwhere(cells)]).T
        assert ((red > blue) == orange).mean() > 0.95  # all but where a point or the line covers the cell
    pixels = _pixels(image)
    assert _has_colour(pixels, (33, 37, 41))  # the boundary line
    assert view.misclassified.any() and _has_colour(pixels, MISCLASSIFIED, tolerance=60)  # errors left at epoch 3000

    spiral = Settings(dataset="spiral", hidden=(16, 16), activation="tanh", optimizer="adam", lr=0.01).build()
    spiral.train(2000)
    view.set_data(spiral.X, spiral.y)
    view.show_field(
        evaluate_field(spiral.net, domain(spiral.X), 100),
        spiral.net.forward(spiral.X).ravel(),
        epoch=spiral.epoch,
        activation="tanh",
    )
    assert view.image.shape == (100, 100)
    assert view.grab().save(str(tmp_path / "boundary_spiral.png"))


def test_clicking_a_point_reports_its_index(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(500, 500)
    trainer = Settings().build()
    view.set_data(trainer.X, trainer.y)
    view.show_field(evaluate_field(trainer.net, domain(trainer.X), 100), trainer.net.forward(trainer.X).ravel())
    view.show()
    qtbot.waitExposed(view)
    target = 3  # (0.1, 0.9), label 1
    scene_pos = view.getPlotItem().vb.mapViewToScene(pg.Point(*trainer.X[target]))
    widget_pos = view.mapFromScene(scene_pos)
    with qtbot.waitSignal(view.point_clicked) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=widget_pos)
    assert blocker.args == [target]
    view.select_point(target)
    np.testing.assert_array_equal(view.selection.getData()[0], trainer.X[target : target + 1, 0])
