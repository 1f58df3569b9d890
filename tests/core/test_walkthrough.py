"""The one-sample walk-through adds up to the network's gradient; saturation shares by definition."""

from __future__ import annotations

import numpy as np
import pytest

from core import MLP, Settings, datasets
from core.walkthrough import sample_gradients, saturation, walk
from tests.core.lab_reference import CLOSED_FORMS


@pytest.mark.parametrize(("loss", "out"), [("mse", "sigmoid"), ("mse", "none"), ("bce", "sigmoid")])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "none"])
def test_walks_summed_over_the_samples_are_the_gradient(activation, loss, out):
    rng = np.random.default_rng(1)
    net = MLP([2, 4, 3, 1], activation, out, init="xavier", seed=rng)
    net.params = [(W, rng.normal(0.0, 0.5, b.shape)) for W, b in net.params]
    X, y = datasets.generate_xor_easy()
    total = [(np.zeros_like(W), np.zeros_like(b)) for W, b in net.params]
    for x, label in zip(X, y[:, 0], strict=True):
        for (sW, sb), (dW, db) in zip(total, sample_gradients(walk(net, x, label, loss), net.depth), strict=True):
            sW += dW
            sb += db
    for (sW, sb), (dW, db) in zip(total, net.gradients(X, y, loss), strict=True):
        np.testing.assert_allclose(sW, dW, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(sb, db, rtol=1e-12, atol=1e-14)


def test_walk_shows_the_forward_pass_in_order():
    trainer = Settings().build()
    trainer.train(100)
    net = trainer.net
    x = np.array([0.1, 0.9])
    steps = walk(net, x, 1.0)
    assert [(s.phase, s.layer) for s in steps] == [
        ("forward", 1),
        ("forward", 2),
        ("forward", 3),
        ("backward", 3),
        ("backward", 2),
        ("backward", 1),
    ]
    trace = net.trace(x.reshape(1, 2))
    assert np.array_equal(steps[0].values["x"], x)
    for step, D, A in zip(steps[:3], trace.D, trace.A[1:], strict=True):
        name = "out" if step.layer == 3 else str(step.layer)
        np.testing.assert_array_equal(step.values[f"D_{name}"], D[0])
        np.testing.assert_array_equal(step.values[f"A_{name}"], A[0])
    out = trace.A[-1][0, 0]
    np.testing.assert_allclose(steps[3].values["Δ_out"], [(out - 1.0) * out * (1.0 - out)], rtol=1e-14)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "none"])
def test_saturation_shares(activation):
    rng = np.random.default_rng(3)
    net = MLP([2, 6, 5, 1], activation, "sigmoid", init="xavier", seed=rng)
    net.params = [(4.0 * W, rng.normal(0.0, 1.0, b.shape)) for W, b in net.params]  # some units saturate
    X = rng.uniform(-3.0, 3.0, (200, 2))
    shares = saturation(net, X)
    trace = net.trace(X)
    assert [s.shape for s in shares] == [(6,), (5,)]
    for share, D in zip(shares, trace.D[:-1], strict=True):
        A = CLOSED_FORMS[activation](D)
        if activation == "sigmoid":
            expected = np.mean(A * (1 - A) < 0.01, axis=0)
        elif activation == "tanh":
            expected = np.mean(1 - A**2 < 0.01, axis=0)
        elif activation == "relu":
            expected = np.mean(D <= 0, axis=0)
        else:
            expected = np.zeros(D.shape[1])
        np.testing.assert_array_equal(share, expected)
    if activation in ("sigmoid", "tanh", "relu"):
        assert 0.0 < np.mean(np.concatenate(shares)) < 1.0  # the case is not trivial
