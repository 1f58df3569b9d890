"""Backpropagation against finite differences, the gradient checker itself, and the lab's convention."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core import MLP, Settings, datasets
from core.gradcheck import TOLERANCE, relative_errors
from core.losses import LOSSES
from tests.core.lab_reference import FEW, backward, flatten

HEADS = [("mse", "sigmoid"), ("mse", "none"), ("bce", "sigmoid")]  # (loss, output activation)
ACTIVATION_NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "none"]
STEP = 1e-4  # of the five-point stencil: truncation ~STEP⁴, rounding ~1e-16·|objective|/STEP
ROUNDING = 1e-10  # floor of the comparison, per unit of objective: ~100× the stencil's rounding error
KINK_MARGIN = 1e-2  # stencil steps of 2·STEP cannot carry a hidden pre-activation across 0


def objective(net: MLP, X: np.ndarray, y: np.ndarray, loss: str) -> float:
    trace = net.trace(X)
    return LOSSES[loss].objective(trace.A[-1], y, trace.D[-1])


def stencil_gradient(net: MLP, X: np.ndarray, y: np.ndarray, loss: str) -> list[np.ndarray]:
    """Five-point central differences of the summed objective, per layer as [Wᵀ | bᵀ]."""
    probe = net.copy()
    result = []
    for layer in probe.layers:
        grad = np.empty(layer.shape)
        for index in np.ndindex(layer.shape):
            original = layer[index]
            values = {}
            for k in (-2, -1, 1, 2):
                layer[index] = original + k * STEP
                values[k] = objective(probe, X, y, loss)
            layer[index] = original
            grad[index] = (8.0 * (values[1] - values[-1]) - (values[2] - values[-2])) / (12.0 * STEP)
        result.append(grad)
    return result


def random_problem(seed: int, sizes: list[int], activation: str, out: str, samples: int):
    """A network with random weights and non-zero biases, inputs away from every ReLU kink."""
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activation, out, init="xavier", seed=rng)
    net.params = [(rng.normal(0.0, 1.0, W.shape), rng.normal(0.0, 0.5, b.shape)) for W, b in net.params]
    X = rng.uniform(-1.0, 1.0, (samples, sizes[0]))
    y = rng.integers(0, 2, (samples, sizes[-1])).astype(np.float64)
    if activation in ("relu", "leaky_relu"):
        keep = np.ones(samples, dtype=bool)
        for D in net.trace(X).D[:-1]:
            keep &= np.all(np.abs(D) > KINK_MARGIN, axis=1)
        X, y = X[keep], y[keep]
    return net, X, y


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
@pytest.mark.parametrize(("loss", "out"), HEADS)
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@FEW
@given(data=st.data())
def test_backprop_matches_finite_differences(activation, loss, out, depth, data):
    widths = data.draw(st.lists(st.integers(1, 6), min_size=depth, max_size=depth), label="hidden")
    sizes = [data.draw(st.integers(1, 3), label="inputs"), *widths, data.draw(st.integers(1, 2), label="outputs")]
    samples = data.draw(st.integers(1, 8), label="samples")
    net, X, y = random_problem(data.draw(st.integers(0, 2**32 - 1), label="seed"), sizes, activation, out, samples)
    assume(len(X) > 0)
    before = net.flat.copy()
    analytic = net.gradients(X, y, loss)
    assert np.array_equal(net.flat, before)  # computing gradients changes nothing
    numeric = stencil_gradient(net, X, y, loss)
    floor = ROUNDING * (1.0 + abs(objective(net, X, y, loss)))  # matters only for layers whose gradient vanishes
    assert len(analytic) == len(numeric) == depth + 1
    for (dW, db), expected, (fan_in, fan_out) in zip(analytic, numeric, itertools.pairwise(sizes), strict=True):
        assert dW.shape == (fan_in, fan_out) and db.shape == (1, fan_out)
        got = np.hstack([dW.T, db.T])
        scale = float(np.max(np.abs(expected)))
        assert float(np.max(np.abs(got - expected))) <= 1e-6 * scale + floor


def test_gradients_are_summed_over_samples():
    """The lab's convention: no 1/n, so the same data twice gives twice the gradient."""
    net = MLP([2, 5, 3, 1], "tanh", "sigmoid", init="xavier", seed=4)
    X, y = datasets.generate_linear(30, seed=1)
    for loss in LOSSES:
        once = net.gradients(X, y, loss)
        twice = net.gradients(np.vstack([X, X]), np.vstack([y, y]), loss)
        for (dW1, db1), (dW2, db2) in zip(once, twice, strict=True):
            np.testing.assert_allclose(dW2, 2 * dW1, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(db2, 2 * db1, rtol=1e-12, atol=1e-15)


def test_bce_with_sigmoid_output_is_logistic_regression():
    """No hidden layer: ∂/∂W Σ BCE(sigmoid(XW + b), y) = Xᵀ(p − y), ∂/∂b = Σ(p − y)."""
    rng = np.random.default_rng(11)
    net = MLP([2, 1], "sigmoid", "sigmoid", init="xavier", seed=rng)
    net.params = [(rng.normal(size=(2, 1)), rng.normal(size=(1, 1)))]
    X, y = datasets.generate_linear(40, rng)
    W, b = net.params[0]
    p = 1.0 / (1.0 + np.exp(-(X @ W + b)))
    [(dW, db)] = net.gradients(X, y, "bce")
    np.testing.assert_allclose(dW, X.T @ (p - y), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(db, np.sum(p - y, keepdims=True), rtol=1e-12, atol=1e-14)


# -- the gradient checker -----------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize(("loss", "out"), HEADS)
def test_gradcheck_passes_a_correct_backprop(activation, loss, out):
    net, X, y = random_problem(5, [2, 4, 3, 1], activation, out, 12)
    errors = relative_errors(net, X, y, loss)
    assert len(errors) == 3
    assert max(errors) < TOLERANCE


@pytest.mark.parametrize("activation", ["relu", "leaky_relu"])
def test_gradcheck_handles_the_kink_at_the_labs_origin(activation):
    """Zero biases put the XOR point (0, 0) exactly on ReLU's kink; the checker must leave it out."""
    net = MLP([2, 8, 8, 1], activation, "sigmoid", init="he", seed=0)
    X, y = datasets.generate_xor_easy()
    assert np.any(net.trace(X).D[0] == 0.0)
    assert max(relative_errors(net, X, y, "mse")) < TOLERANCE


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    net, X, y = random_problem(9, [2, 5, 4, 1], "tanh", "sigmoid", 10)
    right = net.gradients

    def off_by_one_percent(X, y, loss="mse"):
        return [(1.01 * dW, 1.01 * db) for dW, db in right(X, y, loss)]

    monkeypatch.setattr(net, "gradients", off_by_one_percent)
    errors = relative_errors(net, X, y, "mse")
    assert min(errors) > TOLERANCE
    np.testing.assert_allclose(errors, 0.01, rtol=1e-3)


def test_gradcheck_pinpoints_the_wrong_layer(monkeypatch):
    net, X, y = random_problem(10, [2, 5, 4, 1], "sigmoid", "sigmoid", 10)
    right = net.gradients

    def wrong_bias_in_layer_two(X, y, loss="mse"):
        grads = right(X, y, loss)
        dW, db = grads[1]
        grads[1] = (dW, db + 1e-3 * np.max(np.abs(dW)))
        return grads

    monkeypatch.setattr(net, "gradients", wrong_bias_in_layer_two)
    first, second, third = relative_errors(net, X, y, "mse")
    assert first < TOLERANCE and third < TOLERANCE
    assert second > TOLERANCE


# -- the lab's convention, written out as the report does -----------------------------------
@pytest.mark.parametrize("dataset", ["xor", "linear"])
@pytest.mark.parametrize("epochs", [0, 300])
def test_lab_gradient_is_the_reports_backward(dataset, epochs):
    trainer = Settings(dataset=dataset).build()
    trainer.train(epochs)
    net, X, y = trainer.net, trainer.X, trainer.y
    ours = net.gradients(X, y, "mse")
    report = backward(net.params, X, y)
    for (dW, db), (rW, rb) in zip(ours, report, strict=True):
        np.testing.assert_allclose(dW, rW, rtol=0, atol=1e-12)
        np.testing.assert_allclose(db, rb, rtol=0, atol=1e-12)
    if epochs == 0:  # the trainer's own gradient of its first epoch, in the flat layout
        trainer.train(1)
        squares = [np.sum(rW**2) + np.sum(rb**2) for rW, rb in report]
        np.testing.assert_allclose(trainer.history.grad_norm[0] ** 2, squares, rtol=1e-12)


def test_printed_loss_is_the_mean_squared_error():
    trainer = Settings().build()
    X, y = trainer.X, trainer.y
    initial = [(W.copy(), b.copy()) for W, b in trainer.net.params]
    out = trainer.net.forward(X)
    expected = float(np.mean((y - out) ** 2))
    assert trainer.evaluate()[1] == pytest.approx(expected, rel=1e-14)
    trainer.step()
    assert trainer.last_loss == pytest.approx(expected, rel=1e-14)
    assert trainer.history.loss[0] == trainer.last_loss
    assert trainer.last_accuracy == np.mean((out > 0.5) == (y > 0.5))
    # the epoch's gradient is the report's backward() at the weights before the update
    np.testing.assert_allclose(trainer.grad, flatten(backward(initial, X, y)), rtol=0, atol=1e-12)
