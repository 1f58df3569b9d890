"""The network diagram: one node per unit, one edge per weight, styled by the lens, hover reports."""

import itertools
from dataclasses import replace

import numpy as np
import pytest
from PyQt6 import QtCore

from core import MLP, Settings
from core.field import domain, evaluate_field
from gui.diagram import EDGE_BUDGET, NAN_RGBA, NetworkDiagram, fmt
from gui.palette import diverging_colormap

ARCHITECTURES = [[2, 1], [2, 8, 8, 1], [2, 3, 5, 1], [2, 64, 64, 1], [2, 64, 64, 64, 64, 64, 64, 1]]


@pytest.fixture
def diagram(qtbot):
    view = NetworkDiagram()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture(scope="module")
def trained():
    """A lab-shaped net with weights of both signs, a few epochs in so gradients and updates are non-zero."""
    trainer = Settings(init="xavier").build()
    trainer.train(20)
    snapshot = trainer.snapshot()
    return snapshot, evaluate_field(snapshot.network(), domain(trainer.X), 60)


def blue(colours: np.ndarray) -> np.ndarray:
    """True where the colour is on the positive (blue) side of the diverging scale."""
    return colours[:, 2].astype(int) > colours[:, 0].astype(int)


def edge_values(flat: np.ndarray, sizes) -> np.ndarray:
    """W of every layer in the documented edge order, read through the MLP's own (W, b) views."""
    return np.concatenate([W.ravel() for W, _ in MLP.from_flat(sizes, flat).params])


@pytest.mark.parametrize("sizes", ARCHITECTURES)
def test_one_node_per_unit_and_one_edge_per_weight(diagram, sizes):
    diagram.set_architecture(sizes)
    assert diagram.node_count == sum(sizes)
    assert diagram.edge_count == sum(a * b for a, b in itertools.pairwise(sizes))
    assert diagram.edge_colours().shape == (diagram.edge_count, 4)
    assert diagram.edge_widths().shape == (diagram.edge_count,)


def test_rebuilding_leaves_no_items_behind(diagram):
    scene = diagram.scene()
    diagram.set_architecture([2, 8, 8, 1])
    before = len(scene.items())
    for sizes in ARCHITECTURES * 2:
        diagram.set_architecture(sizes)
    diagram.set_architecture([2, 8, 8, 1])
    assert len(scene.items()) == before


def test_edge_colours_follow_the_sign_of_the_weights(diagram):
    snapshot = Settings(init="xavier").build().snapshot()
    diagram.show_snapshot(snapshot, None)
    weights = edge_values(snapshot.weights, snapshot.sizes)
    assert (weights > 0).any() and (weights < 0).any()
    np.testing.assert_array_equal(blue(diagram.edge_colours()), weights > 0)


def test_edge_widths_grow_with_the_magnitude_and_the_strongest_is_widest(diagram):
    snapshot = Settings(init="xavier").build().snapshot()
    diagram.show_snapshot(snapshot, None)
    magnitude = np.abs(edge_values(snapshot.weights, snapshot.sizes))
    widths = diagram.edge_widths()
    assert np.all(np.diff(widths[np.argsort(magnitude)]) >= 0)
    assert widths[np.argmax(magnitude)] == widths.max() > widths[np.argmin(magnitude)]


@pytest.mark.parametrize("animating", [False, True])
def test_the_strongest_edges_are_painted_in_their_colour(diagram, animating):
    snapshot = Settings(init="xavier").build().snapshot()
    diagram.show_snapshot(snapshot, None)
    diagram.set_animating(animating)  # plain lines while training runs, smooth and cached when paused
    magnitude = np.abs(edge_values(snapshot.weights, snapshot.sizes))
    shot = diagram.grab().toImage()
    for edge in np.argsort(magnitude)[-3:]:
        expected = diagram.edge_colours()[edge].astype(int)
        along = np.linspace(0.15, 0.85, 8)  # a crossing line may cover a stretch, never most of it
        drawn = [shot.pixelColor(diagram.edge_position(int(edge), float(t))).getRgb() for t in along]
        assert sum(np.abs(np.subtract(colour, expected)).max() <= 3 for colour in drawn) >= 5


def test_gradient_lens_colours_by_the_gradient_signs(diagram, trained):
    snapshot, field = trained
    diagram.show_snapshot(snapshot, field)
    diagram.set_lens("gradient")
    grads = edge_values(snapshot.grad, snapshot.sizes)
    weights = edge_values(snapshot.weights, snapshot.sizes)
    assert np.any(np.sign(grads) != np.sign(weights))  # else the test could not tell the lenses apart
    drawn = grads != 0
    np.testing.assert_array_equal(blue(diagram.edge_colours())[drawn], grads[drawn] > 0)
    diagram.set_lens("update")
    updates = edge_values(snapshot.update, snapshot.sizes)
    np.testing.assert_array_equal(blue(diagram.edge_colours())[updates != 0], updates[updates != 0] > 0)


def test_an_unknown_lens_is_refused_with_the_choices(diagram):
    with pytest.raises(ValueError, match="weight, gradient, update"):
        diagram.set_lens("momentum")
    assert diagram.lens == "weight"


def test_non_finite_values_draw_grey_and_the_rest_still_draws(diagram, trained):
    snapshot, _ = trained
    weights = snapshot.weights.copy()
    weights[0], weights[5] = np.nan, np.inf  # layer 1 is [Wᵀ | bᵀ] (8, 3): W[0, 0] (edge 0) and b[1]
    broken = replace(snapshot, weights=weights)
    field = evaluate_field(broken.network(), (-0.1, 1.1, -0.1, 1.1), 30)
    diagram.show_snapshot(broken, field)
    colours = diagram.edge_colours()
    np.testing.assert_array_equal(colours[0], NAN_RGBA)
    finite = edge_values(weights, snapshot.sizes)
    ok = np.isfinite(finite) & (finite != 0)
    np.testing.assert_array_equal(blue(colours)[ok], finite[ok] > 0)


def test_a_snapshot_of_another_shape_rebuilds_and_a_mismatched_field_is_refused(diagram, trained):
    snapshot, field = trained
    diagram.set_architecture([2, 4, 1])
    diagram.show_snapshot(snapshot, field)
    assert diagram.node_count == sum(snapshot.sizes)
    other = evaluate_field(MLP([2, 3, 1]), field.bounds, 20)
    with pytest.raises(ValueError, match="field has layers of"):
        diagram.show_snapshot(snapshot, other)


def test_crowded_layers_draw_only_the_strongest_edges(diagram):
    snapshot = Settings(hidden=(64, 64, 64), init="xavier").build().snapshot()
    diagram.show_snapshot(snapshot, None)
    drawn = diagram.edge_colours()[:, 3] > 0
    magnitude = np.abs(edge_values(snapshot.weights, snapshot.sizes))
    assert 0 < drawn.sum() <= EDGE_BUDGET < diagram.edge_count
    assert drawn[np.argmax(magnitude)]
    assert magnitude[drawn].min() >= magnitude[~drawn].max()


def test_hovering_a_neuron_emits_its_layer_and_unit_and_leaving_emits_minus_one(diagram, qtbot, trained):
    snapshot, field = trained
    diagram.show_snapshot(snapshot, field)
    for layer, unit in [(1, 3), (2, 7), (3, 0)]:
        with qtbot.waitSignal(diagram.neuron_hovered, timeout=1000) as blocker:
            qtbot.mouseMove(diagram.viewport(), diagram.node_position(layer, unit))
        assert blocker.args == [layer, unit]
        bias = MLP.from_flat(snapshot.sizes, snapshot.weights).params[layer - 1][1][0, unit]
        assert f"bias = {fmt(bias)}" in diagram.hover_text
    with qtbot.waitSignal(diagram.neuron_hovered, timeout=1000) as blocker:
        qtbot.mouseMove(diagram.viewport(), QtCore.QPoint(3, 3))
    assert blocker.args == [-1, -1]
    assert diagram.hover_text == ""


def test_input_nodes_are_not_neurons(diagram, qtbot):
    with qtbot.assertNotEmitted(diagram.neuron_hovered, wait=100):
        qtbot.mouseMove(diagram.viewport(), diagram.node_position(0, 1))
    assert diagram.hover_text == "Input x2"


def test_hovering_an_edge_shows_its_weight_and_gradient(diagram, qtbot, trained):
    snapshot, field = trained
    diagram.show_snapshot(snapshot, field)
    edge = 2 * 8 + 2 * 8 + 4  # layer 2, W[2, 4]
    qtbot.mouseMove(diagram.viewport(), diagram.edge_position(edge, along=0.1))  # edges cross in the middle
    weight = MLP.from_flat(snapshot.sizes, snapshot.weights).params[1][0][2, 4]
    grad = MLP.from_flat(snapshot.sizes, snapshot.grad).params[1][0][2, 4]
    qtbot.waitUntil(lambda: diagram.hover_text != "", timeout=1000)
    assert diagram.hover_text == f"w[2] 3→5 = {fmt(weight)}, grad = {fmt(grad)}"


def test_show_without_arguments_is_qt_show(qtbot):
    view = NetworkDiagram()
    qtbot.addWidget(view)
    view.show()
    assert view.isVisible()


def test_thumbnails_show_each_neurons_map_on_its_activations_range(diagram, trained):
    snapshot, field = trained
    diagram.show_snapshot(snapshot, field)
    image, levels = diagram.thumbnail(3, 0)
    np.testing.assert_array_equal(image, field.output[::2, ::2])  # 60 px strided to 30: fine for a ~40 px square
    assert levels == (0.0, 1.0)  # sigmoid output
    x1, (low, high) = diagram.thumbnail(0, 0)
    assert x1[0, 0] < x1[-1, 0] and x1[0, 0] == x1[0, -1]  # x1 grows along the first (x) axis only
    assert low == -high

    tanh = Settings(hidden=(4, 20), activation="tanh", init="xavier").build().snapshot()
    tanh_field = evaluate_field(tanh.network(), field.bounds, 40)
    diagram.show_snapshot(tanh, tanh_field)
    image, (low, high) = diagram.thumbnail(1, 2)
    assert high == -low == pytest.approx(np.abs(tanh_field.maps[0][2]).max())
    assert diagram.thumbnail(2, 0) is None  # 20 units: too crowded for thumbnails


@pytest.mark.parametrize("sizes", ARCHITECTURES)
def test_every_node_fits_in_the_widget(diagram, sizes):
    diagram.set_architecture(sizes)
    area = diagram.viewport().rect()
    depth = len(sizes) - 1
    corners = [(0, 0), (0, sizes[0] - 1), (depth, 0), *[(layer, sizes[layer] - 1) for layer in range(depth + 1)]]
    assert all(area.contains(diagram.node_position(layer, unit)) for layer, unit in corners)


def test_impossible_sizes_are_refused_with_a_reason(diagram):
    with pytest.raises(ValueError, match="at least an input and an output"):
        diagram.set_architecture([2])
    assert diagram.node_count == 3  # the previous diagram stays


def test_saturation_marks_follow_the_data(diagram):
    from core.walkthrough import saturation

    trainer = Settings(hidden=(40, 40)).build()  # U(0, 1) weights from 40 sigmoids: layer 2 starts saturated
    snapshot = trainer.snapshot()
    shares = saturation(snapshot.network(), trainer.X)
    diagram.show_snapshot(snapshot)
    diagram.show_saturation(shares)
    marks = diagram.saturation_marks
    expected = [(layer + 1, unit, s) for layer, per in enumerate(shares) for unit, s in enumerate(per) if s >= 0.05]
    assert len(expected) > 0
    np.testing.assert_allclose(marks, np.array(expected, dtype=float))
    shot = diagram.grab().toImage()
    for layer, unit, _ in expected[:3]:
        r, g, b, _ = shot.pixelColor(diagram.node_position(layer, unit, (0.5, 0.5))).getRgb()
        assert r > g + 60 and r > b + 60, "a red dot on the node's corner"
    fresh = Settings().build()
    diagram.show_snapshot(fresh.snapshot())
    diagram.show_saturation(saturation(fresh.net, fresh.X))
    assert diagram.saturation_marks.shape[0] == sum(int((s >= 0.05).sum()) for s in saturation(fresh.net, fresh.X))
    with pytest.raises(ValueError):
        diagram.show_saturation([np.zeros(3)])


def test_highlight_layer_shades_one_column_pair(diagram):
    diagram.set_architecture([2, 8, 8, 1])
    diagram.highlight_layer(2)
    assert diagram.highlighted_layer == 2
    diagram.highlight_layer(None)
    assert diagram.highlighted_layer is None
    diagram.highlight_layer(7)  # no such layer: nothing shaded
    assert diagram.highlighted_layer is None


def test_nodes_are_painted_in_their_bias_colour_around_their_own_map(diagram, trained):
    snapshot, field = trained
    diagram.show_snapshot(snapshot, field)
    biases = np.concatenate([b.ravel() for _, b in MLP.from_flat(snapshot.sizes, snapshot.weights).params])
    fills = diagram.node_fills()
    np.testing.assert_array_equal(blue(fills[2:]), biases > 0)  # inputs first, then every neuron's bias
    shot = diagram.grab().toImage()
    for layer, unit in [(1, 0), (2, 7), (3, 0)]:
        index = [0, 2, 10, 18][layer] + unit
        frame = shot.pixelColor(diagram.node_position(layer, unit, (0.45, 0.0))).getRgb()
        assert frame == tuple(int(c) for c in fills[index]), "the bias fill shows as a frame around the map"
        image, (low, high) = diagram.thumbnail(layer, unit)
        centre = shot.pixelColor(diagram.node_position(layer, unit)).getRgb()[:3]
        middle = image[len(image) // 2 - 1 : len(image) // 2 + 1, len(image) // 2 - 1 : len(image) // 2 + 1]
        t = np.clip((middle.ravel() - low) / (high - low), 0, 1)
        expected = [tuple(colour[:3]) for colour in diverging_colormap().map(t, mode="byte")]
        assert min(np.abs(np.subtract(expected, centre)).max(axis=1)) <= 2, "the map's centre at the node's centre"
    def blueness(layer: int, unit: int, offset: tuple[float, float]) -> int:
        r, _, b, _ = shot.pixelColor(diagram.node_position(layer, unit, offset)).getRgb()
        return b - r

    assert blueness(0, 0, (0.3, 0.0)) > blueness(0, 0, (-0.3, 0.0))  # x1 grows to the right
    assert blueness(0, 1, (0.0, 0.3)) > blueness(0, 1, (0.0, -0.3))  # x2 grows upwards
    assert blueness(0, 0, (0.0, 0.3)) == blueness(0, 0, (0.0, -0.3))
