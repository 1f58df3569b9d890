"""Every neuron's map over the plane agrees with the network evaluated point by point.

The maps are computed in float32 (``DISPLAY_DTYPE``) and compared with the
float64 network: they must agree to 1e-5 of the map's scale, four hundred
times finer than one of the 254 colour steps a map is drawn with.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import MLP, datasets
from core.field import DISPLAY_DTYPE, domain, evaluate_field, grid
from tests.core.lab_reference import FEW

DISPLAY_TOLERANCE = 1e-5


def assert_displays(drawn: np.ndarray, exact: np.ndarray) -> None:
    """``drawn`` shows ``exact``: equal to 1e-5 of the larger of 1 and the largest |value|."""
    scale = max(1.0, float(np.abs(exact).max()))
    np.testing.assert_allclose(drawn, exact, rtol=0, atol=DISPLAY_TOLERANCE * scale)


@FEW
@given(
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    activation=st.sampled_from(["sigmoid", "tanh", "relu", "leaky_relu", "none"]),
    resolution=st.integers(1, 8),
    bounds=st.tuples(st.floats(-5, 0), st.floats(0.1, 5), st.floats(-5, 0), st.floats(0.1, 5)),
    seed=st.integers(0, 2**32 - 1),
)
def test_maps_are_the_network_at_each_cell_centre(hidden, activation, resolution, bounds, seed):
    net = MLP([2, *hidden, 1], activation, "sigmoid", init="xavier", seed=seed)
    x1_min, x1_width, x2_min, x2_width = bounds
    box = (x1_min, x1_min + x1_width, x2_min, x2_min + x2_width)
    field = evaluate_field(net, box, resolution)
    assert field.resolution == resolution and field.bounds == box
    assert [m.shape for m in field.maps] == [(units, resolution, resolution) for units in [*hidden, 1]]
    assert field.output.shape == (resolution, resolution)
    for i in range(resolution):
        for j in range(resolution):
            x1 = x1_min + (i + 0.5) * x1_width / resolution
            x2 = x2_min + (j + 0.5) * x2_width / resolution
            centre = np.array([[x1, x2]])
            trace = net.trace(centre)
            assert_displays(field.output[i, j], net.forward(centre)[0, 0])
            for layer, activations in enumerate(trace.A[1:]):
                assert_displays(field.maps[layer][:, i, j], activations[0])


def test_map_orientation_is_x_major():
    """maps[i, j] lies at x1 = xs[i], x2 = ys[j]: a network computing x1 alone varies along the first axis."""
    net = MLP([2, 1], "sigmoid", "none")
    net.params = [(np.array([[1.0], [0.0]]), np.zeros((1, 1)))]
    field = evaluate_field(net, (0.0, 1.0, 0.0, 1.0), 4)
    expected = np.repeat(np.array([0.125, 0.375, 0.625, 0.875])[:, None], 4, axis=1)
    np.testing.assert_array_equal(field.output, expected)  # eighths are exact in float32 too


def test_domain_pads_the_data_box():
    X, _ = datasets.generate_xor_easy()
    assert domain(X) == pytest.approx((-0.1, 1.1, -0.1, 1.1), abs=1e-15)
    assert domain(X, margin=0.5) == pytest.approx((-0.5, 1.5, -0.5, 1.5), abs=1e-15)
    # a degenerate axis still gets a visible width
    assert domain(np.array([[2.0, 3.0], [4.0, 3.0]])) == pytest.approx((1.8, 4.2, 2.95, 3.05), abs=1e-15)


def test_a_diverged_network_evaluates_without_warnings():
    net = MLP([2, 8, 8, 1], "sigmoid", "sigmoid")
    net.flat *= 1e6
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        field = evaluate_field(net, (-1.0, 1.0, -1.0, 1.0), 20)
    assert np.all((field.output >= 0.0) & (field.output <= 1.0))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "none"])
def test_every_map_of_a_lab_sized_grid_shows_the_float64_network(activation):
    net = MLP([2, 8, 8, 1], activation, "sigmoid", init="xavier", seed=3)
    box = (-1.3, 2.1, -0.7, 1.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        field = evaluate_field(net, box, 40)
    _, _, points = grid(box, 40)
    trace = net.trace(points)
    for layer, activations in enumerate(trace.A[1:]):
        assert field.maps[layer].dtype == DISPLAY_DTYPE
        assert_displays(field.maps[layer].reshape(activations.shape[1], -1), activations.T)


def test_huge_weights_saturate_to_the_limits_without_warnings():
    """e^−D overflows float32 already at D < −88: the sigmoid still lands exactly on 0 or 1."""
    net = MLP([2, 3, 1], "sigmoid", "sigmoid", init="xavier", seed=1)
    net.params = [(W * 1e4, b * 1e4) for W, b in net.params]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        field = evaluate_field(net, (-1.0, 1.0, -1.0, 1.0), 30)
    hidden = field.maps[0]
    assert np.isin(hidden, [0.0, 1.0]).mean() > 0.9  # |D| is in the thousands almost everywhere
    assert ((hidden >= 0.0) & (hidden <= 1.0)).all()


def test_non_finite_weights_draw_a_non_finite_field_without_warnings():
    net = MLP([2, 4, 1], "sigmoid", "sigmoid", init="xavier", seed=0)
    flat = net.flat.copy()
    flat[0] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        field = evaluate_field(MLP.from_flat([2, 4, 1], flat), (0.0, 1.0, 0.0, 1.0), 8)
    assert np.isnan(field.output).any()
