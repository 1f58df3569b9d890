"""Each activation against its closed form, and its derivative against central differences."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS, get_activation
from tests.core.lab_reference import CLOSED_FORMS, FEW

moderate = arrays(
    np.float64,
    st.tuples(st.integers(1, 5), st.integers(1, 5)),
    elements=st.floats(-20.0, 20.0, allow_nan=False, allow_infinity=False),
)


def test_every_registered_activation_has_a_closed_form_here():
    assert set(ACTIVATIONS) == set(CLOSED_FORMS)
    assert set(OUTPUT_ACTIVATIONS) <= set(ACTIVATIONS)


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
@FEW
@given(D=moderate)
def test_activation_matches_closed_form(name, D):
    out = ACTIVATIONS[name](D)
    assert out.shape == D.shape and out.dtype == np.float64
    np.testing.assert_allclose(out, CLOSED_FORMS[name](D), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
def test_activation_does_not_touch_its_input(name):
    D = np.linspace(-3.0, 3.0, 13).reshape(1, 13)
    before = D.copy()
    ACTIVATIONS[name](D)
    assert np.array_equal(D, before)


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
@FEW
@given(
    D=arrays(
        np.float64,
        st.integers(1, 12),
        elements=st.floats(-6.0, 6.0).filter(lambda x: abs(x) > 1e-3),
    )
)
def test_derivative_matches_central_differences(name, D):
    """f'(D) is computed from A = f(D) alone; it must agree with (f(D+h) − f(D−h)) / 2h away from kinks."""
    f = ACTIVATIONS[name]
    h = 1e-6
    numeric = (f(D + h) - f(D - h)) / (2 * h)
    np.testing.assert_allclose(f.derivative(f(D)), numeric, rtol=1e-7, atol=1e-9)


def test_piecewise_derivatives_at_and_around_zero():
    D = np.array([-2.0, -1e-300, 0.0, 1e-300, 2.0])
    assert ACTIVATIONS["relu"].derivative(ACTIVATIONS["relu"](D)).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    leaky = ACTIVATIONS["leaky_relu"]
    assert leaky.derivative(leaky(D)).tolist() == [0.01, 0.01, 0.01, 1.0, 1.0]
    assert ACTIVATIONS["none"].derivative(D).tolist() == [1.0] * 5


def test_sigmoid_saturates_exactly_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ACTIVATIONS["sigmoid"](np.array([-1e4, -800.0, 800.0, 1e4]))
    assert out.tolist() == [0.0, 0.0, 1.0, 1.0]
    assert ACTIVATIONS["sigmoid"].derivative(out).tolist() == [0.0, 0.0, 0.0, 0.0]


def test_sigmoid_leaves_the_callers_error_state_alone():
    """Silencing overflow inside the call must not leak out of it (no global np.seterr)."""
    before = np.geterr()
    ACTIVATIONS["sigmoid"](np.array([-1e4]))
    assert np.geterr() == before


def test_tanh_saturates_exactly():
    assert ACTIVATIONS["tanh"](np.array([-1e4, 1e4])).tolist() == [-1.0, 1.0]


def test_unknown_activation_lists_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'gelu'; choose one of sigmoid, tanh, relu"):
        get_activation("gelu")
