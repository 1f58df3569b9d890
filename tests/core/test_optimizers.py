"""Optimizers against their closed forms on the flat parameter vector."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core.optimizers import OPTIMIZERS, Adam, Momentum, make_optimizer
from tests.core.lab_reference import FEW

vectors = st.integers(1, 20).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, n, elements=st.floats(-10, 10)),
        arrays(np.float64, n, elements=st.floats(-10, 10)),
        arrays(np.float64, n, elements=st.floats(-10, 10)),
    )
)
rates = st.floats(1e-4, 2.0)


@FEW
@given(vectors=vectors, lr=rates)
def test_sgd_step(vectors, lr):
    theta, g, _ = vectors
    params = theta.copy()
    sgd = OPTIMIZERS["sgd"](theta.size, lr)
    sgd.step(params, g)
    np.testing.assert_allclose(params, theta - lr * g, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(sgd.update, -lr * g, rtol=1e-15, atol=0)


@FEW
@given(vectors=vectors, lr=rates)
def test_momentum_two_steps(vectors, lr):
    """v1 = −lr·g1, θ1 = θ + v1; v2 = 0.9·v1 − lr·g2, θ2 = θ1 + v2."""
    theta, g1, g2 = vectors
    params = theta.copy()
    momentum = OPTIMIZERS["momentum"](theta.size, lr)
    momentum.step(params, g1)
    v1 = -lr * g1
    np.testing.assert_allclose(params, theta + v1, rtol=1e-14, atol=1e-13)
    momentum.step(params, g2)
    v2 = 0.9 * v1 - lr * g2
    np.testing.assert_allclose(momentum.update, v2, rtol=1e-14, atol=1e-13)
    np.testing.assert_allclose(params, theta + v1 + v2, rtol=1e-14, atol=1e-13)


@FEW
@given(vectors=vectors, lr=rates)
def test_adam_first_step_is_lr_times_sign(vectors, lr):
    """Bias correction makes the first step ±lr whatever the gradient's scale (Kingma & Ba, §3)."""
    theta, g, _ = vectors
    g = np.where(np.abs(g) < 1e-2, np.copysign(1e-2, g), g)  # away from 0, where eps matters
    params = theta.copy()
    OPTIMIZERS["adam"](theta.size, lr).step(params, g)
    np.testing.assert_allclose(params - theta, -lr * np.sign(g), rtol=1e-4)


@FEW
@given(vectors=vectors, lr=rates)
def test_adam_three_steps_against_the_paper(vectors, lr):
    """Algorithm 1 of the paper with the 'efficient' ordering: α_t = α·√(1−β₂ᵗ)/(1−β₁ᵗ), θ −= α_t·m/(√v + ε)."""
    theta, g1, g2 = vectors
    params = theta.copy()
    adam = Adam(theta.size, lr)
    m = v = np.zeros_like(theta)
    expected = theta.copy()
    for t, g in enumerate((g1, g2, g1), start=1):
        adam.step(params, g)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        alpha = lr * math.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        expected = expected - alpha * m / (np.sqrt(v) + 1e-8)
        np.testing.assert_allclose(params, expected, rtol=1e-12, atol=1e-12)
    assert adam.t == 3


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("lr", [0.0, -1.0, float("nan"), float("inf"), float("-inf")])
def test_invalid_learning_rate_is_refused(name, lr):
    with pytest.raises(ValueError, match=r"learning rate must be a finite number > 0, got"):
        make_optimizer(name, 3, lr)


def test_unknown_optimizer_and_bad_momentum():
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'; choose one of sgd, momentum, adam"):
        make_optimizer("rmsprop", 3, 0.1)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        Momentum(3, 0.1, momentum=1.0)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_state_round_trip_resumes_bit_identically(name):
    rng = np.random.default_rng(2)
    grads = rng.normal(size=(6, 5))
    straight = make_optimizer(name, 5, 0.05)
    params = rng.normal(size=5)
    resumed_params = None
    for k, g in enumerate(grads):
        if k == 3:
            saved, resumed_params = straight.state(), params.copy()
        straight.step(params, g)
    resumed = make_optimizer(name, 5, 0.05)
    resumed.load_state(saved)
    for g in grads[3:]:
        resumed.step(resumed_params, g)
    assert np.array_equal(params, resumed_params)
