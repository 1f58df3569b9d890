"""The MLP: the report's shapes and forward pass, parameter views, copies and validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import MLP
from core.initializers import INITIALIZERS
from tests.core.lab_reference import CLOSED_FORMS, FEW, flatten

sizes_strategy = st.lists(st.integers(1, 6), min_size=2, max_size=5)


@FEW
@given(
    sizes=sizes_strategy,
    activation=st.sampled_from(sorted(CLOSED_FORMS)),
    output=st.sampled_from(["sigmoid", "none"]),
    samples=st.integers(1, 10),
    seed=st.integers(0, 2**32 - 1),
)
def test_forward_is_the_reports_batch_first_pass(sizes, activation, output, samples, seed):
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activation, output, init="xavier", seed=rng)
    net.params = [(W, rng.normal(size=b.shape)) for W, b in net.params]  # non-zero biases
    X = rng.normal(size=(samples, sizes[0]))
    A = X
    for layer, (W, b) in enumerate(net.params):
        assert W.shape == (sizes[layer], sizes[layer + 1]) and b.shape == (1, sizes[layer + 1])
        f = CLOSED_FORMS[output if layer == net.depth - 1 else activation]
        A = f(A @ W + b)
    np.testing.assert_allclose(net.forward(X), A, rtol=1e-12, atol=1e-14)
    trace = net.trace(X)
    assert len(trace.D) == net.depth == len(sizes) - 1 and len(trace.A) == len(sizes)
    assert np.array_equal(trace.A[0], X)
    assert [d.shape for d in trace.D] == [(samples, s) for s in sizes[1:]]


def test_flat_layout_is_transposed_weights_then_bias_per_layer():
    net = MLP([2, 3, 1], seed=1)
    assert np.array_equal(net.flat, flatten(net.params))
    assert net.flat.size == 3 * (2 + 1) + 1 * (3 + 1)


def test_params_are_writable_views():
    net = MLP([2, 3, 1], seed=2)
    X = np.array([[0.3, -0.7]])
    D_out = net.trace(X).D[-1]
    _, b = net.params[1]
    b += 1.0
    assert net.flat[-1] == b[0, 0]
    np.testing.assert_allclose(net.forward(X), 1.0 / (1.0 + np.exp(-(D_out + 1.0))), rtol=1e-14)
    net.params[0][0][1, 2] = 5.0
    assert net.layers[0][2, 1] == 5.0


def test_params_assignment_is_checked_and_all_or_nothing():
    net = MLP([2, 3, 1], seed=3)
    before = net.flat.copy()
    good = [(np.ones((2, 3)), np.zeros((1, 3))), (np.ones((3, 1)), np.ones((1, 1)))]
    with pytest.raises(ValueError, match=r"layer 2: expected W \(3, 1\) and b \(1, 1\), got \(1, 3\) and \(1, 1\)"):
        net.params = [good[0], (np.ones((1, 3)), np.ones((1, 1)))]
    with pytest.raises(ValueError, match="layer 2: weights must be finite"):
        net.params = [good[0], (np.full((3, 1), np.nan), np.ones((1, 1)))]
    with pytest.raises(ValueError, match=r"expected 2 \(W, b\) pairs, got 1"):
        net.params = good[:1]
    assert np.array_equal(net.flat, before)  # the valid first layer was not half-applied
    net.params = good
    assert np.array_equal(net.flat, flatten(good))


def test_copy_and_from_flat_are_independent_twins():
    net = MLP([2, 4, 1], "tanh", "none", seed=4)
    twin = net.copy()
    X = np.random.default_rng(0).normal(size=(5, 2))
    assert (twin.sizes, twin.activation, twin.output_activation) == (net.sizes, "tanh", "none")
    assert np.array_equal(twin.forward(X), net.forward(X))
    twin.flat[:] = 0.0
    assert not np.array_equal(twin.forward(X), net.forward(X))
    rebuilt = MLP.from_flat(net.sizes, net.flat, "tanh", "none")
    assert np.array_equal(rebuilt.flat, net.flat) and rebuilt.flat is not net.flat
    with pytest.raises(ValueError, match=r"expected 17 parameters for sizes \[2, 4, 1\]"):
        MLP.from_flat([2, 4, 1], np.zeros(16))


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([2], "at least an input and an output layer"),
        ([2, 0, 1], "layer sizes must be ≥ 1, got 0"),
        ([2, 129, 1], "layer sizes must be ≤ 128, got 129"),
        ([2, *[1] * 9, 1], "at most 8 hidden layers"),
    ],
)
def test_bad_sizes(sizes, message):
    with pytest.raises(ValueError, match=message):
        MLP(sizes)


def test_bad_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        MLP([2, 1], activation="swish")
    with pytest.raises(ValueError, match="unknown output activation 'relu'; choose one of sigmoid, none"):
        MLP([2, 1], output_activation="relu")
    with pytest.raises(ValueError, match="unknown init 'orthogonal'; choose one of uniform01, xavier, he"):
        MLP([2, 1], init="orthogonal")


def test_same_seed_same_network_and_zero_biases():
    for init in INITIALIZERS:
        a, b = MLP([2, 8, 8, 1], init=init, seed=5), MLP([2, 8, 8, 1], init=init, seed=5)
        assert np.array_equal(a.flat, b.flat)
        assert not np.array_equal(a.flat, MLP([2, 8, 8, 1], init=init, seed=6).flat)
        assert all(np.all(bias == 0.0) for _, bias in a.params)


def test_uniform01_is_the_reports_draw_layer_after_layer():
    """np.random.uniform(0, 1, (fan_in, fan_out)) per layer, from one Generator."""
    net = MLP([2, 8, 8, 1], init="uniform01", seed=np.random.default_rng(9))
    rng = np.random.default_rng(9)
    for W, _ in net.params:
        assert np.array_equal(W, rng.uniform(0.0, 1.0, W.shape))


def test_initializer_scales():
    rng = np.random.default_rng(0)
    xavier = INITIALIZERS["xavier"](rng, 60, 40)
    assert np.max(np.abs(xavier)) <= np.sqrt(6 / 100) and np.max(np.abs(xavier)) > 0.9 * np.sqrt(6 / 100)
    he = INITIALIZERS["he"](rng, 50, 400)
    assert he.std() == pytest.approx(np.sqrt(2 / 50), rel=0.05) and abs(he.mean()) < 0.01
