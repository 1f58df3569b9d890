"""The lab's data sets exactly as the handout builds them, the TF-style sets, and loading user data."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import datasets
from tests.core.lab_reference import FEW

TF_SETS = ["circle", "spiral", "gaussians", "checkerboard"]


# -- the lab's XOR ---------------------------------------------------------------------------
def handout_xor() -> tuple[list[list[float]], list[int]]:
    """The handout's loop, verbatim apart from the names."""
    inputs, labels = [], []
    for i in range(11):
        inputs.append([0.1 * i, 0.1 * i])
        labels.append(0)
        if i == 5:
            continue
        inputs.append([0.1 * i, 1 - 0.1 * i])
        labels.append(1)
    return inputs, labels


def test_xor_easy_is_the_handouts_21_points_bit_for_bit():
    X, y = datasets.generate_xor_easy()
    inputs, labels = handout_xor()
    assert X.shape == (21, 2) and y.shape == (21, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.tolist() == inputs  # exact float equality, element by element
    assert y.ravel().tolist() == labels


def test_xor_easy_order_and_float_artefacts():
    X, y = datasets.generate_xor_easy()
    assert X[:4].tolist() == [[0.0, 0.0], [0.0, 1.0], [0.1, 0.1], [0.1, 0.9]]
    assert y[:4].ravel().tolist() == [0, 1, 0, 1]
    assert X[6, 0] == 0.30000000000000004  # 0.1 * 3, not 0.3
    assert X[7].tolist() == [0.1 * 3, 1 - 0.1 * 3]
    assert np.count_nonzero(y == 0) == 11 and np.count_nonzero(y == 1) == 10
    # the centre (0.5, 0.5) appears once, on the diagonal, with label 0
    centre = np.flatnonzero(np.all(X == 0.5, axis=1))
    assert centre.tolist() == [10] and y[10, 0] == 0


def test_xor_easy_labels_follow_the_diagonals():
    X, y = datasets.generate_xor_easy()
    on_diagonal = X[:, 0] == X[:, 1]
    assert np.array_equal(y.ravel() == 0, on_diagonal)
    np.testing.assert_allclose(X[~on_diagonal].sum(axis=1), 1.0, rtol=0, atol=1e-15)


# -- the lab's linear set --------------------------------------------------------------------
@FEW
@given(n=st.integers(1, 500), seed=st.integers(0, 2**32 - 1))
def test_linear_shapes_range_and_rule(n, seed):
    X, y = datasets.generate_linear(n, seed)
    assert X.shape == (n, 2) and y.shape == (n, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.all((X >= 0.0) & (X < 1.0))
    assert np.array_equal(y.ravel(), np.where(X[:, 0] > X[:, 1], 0.0, 1.0))


def test_linear_is_uniform_draws_from_the_seed():
    """Same seed → same points; the points are the Generator's uniform draws, in row order."""
    X, _ = datasets.generate_linear(50, seed=7)
    assert np.array_equal(X, np.random.default_rng(7).uniform(0.0, 1.0, (50, 2)))
    again, _ = datasets.generate_linear(50, seed=7)
    other, _ = datasets.generate_linear(50, seed=8)
    assert np.array_equal(X, again)
    assert not np.any(other == X)


def test_linear_accepts_a_generator_and_advances_it():
    rng = np.random.default_rng(3)
    first, _ = datasets.generate_linear(10, rng)
    second, _ = datasets.generate_linear(10, rng)
    reference = np.random.default_rng(3)
    assert np.array_equal(first, reference.uniform(0.0, 1.0, (10, 2)))
    assert np.array_equal(second, reference.uniform(0.0, 1.0, (10, 2)))


def test_linear_rule_puts_ties_in_class_one():
    """Points with x1 == x2 are class 1 (0 only if x1 > x2): checked on a Generator that returns ties."""

    class Ties(np.random.Generator):
        def uniform(self, low=0.0, high=1.0, size=None):
            return np.array([[0.25, 0.25], [0.5, 0.25], [0.25, 0.5]])

    _, y = datasets.generate_linear(3, Ties(np.random.PCG64(0)))
    assert y.ravel().tolist() == [1.0, 0.0, 1.0]


# -- TF Playground's sets --------------------------------------------------------------------
@pytest.mark.parametrize("name", TF_SETS)
@FEW
@given(n=st.integers(2, 400), seed=st.integers(0, 2**32 - 1), noise=st.floats(0.0, 1.0))
def test_tf_sets_shapes_labels_and_determinism(name, n, seed, noise):
    X, y = datasets.make_dataset(name, n, noise, seed)
    assert X.shape == (n, 2) and y.shape == (n, 1)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.all(np.isfinite(X))
    assert set(np.unique(y)) <= {0.0, 1.0}
    again = datasets.make_dataset(name, n, noise, seed)
    assert np.array_equal(X, again[0]) and np.array_equal(y, again[1])


@pytest.mark.parametrize("name", ["circle", "spiral", "gaussians", "checkerboard"])
@FEW
@given(n=st.integers(2, 400), seed=st.integers(0, 2**32 - 1))
def test_structured_sets_have_both_classes_for_any_n(name, n, seed):
    _, y = datasets.make_dataset(name, n, 0.0, seed)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert abs(np.count_nonzero(y) - n / 2) <= 0.5  # half each, the odd point to one side


@FEW
@given(n=st.integers(200, 400), seed=st.integers(0, 2**32 - 1))
def test_checkerboard_quadrants_with_a_gap(n, seed):
    X, y = datasets.make_dataset("checkerboard", n, 0.0, seed)
    assert np.all(np.abs(X) >= 0.3)
    assert np.array_equal(y.ravel(), (X[:, 0] * X[:, 1] >= 0).astype(float))


@FEW
@given(n=st.integers(2, 400), seed=st.integers(0, 2**32 - 1))
def test_circle_without_noise_is_a_disc_inside_a_ring(n, seed):
    X, y = datasets.make_dataset("circle", n, 0.0, seed)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.all(radius[y.ravel() == 1] <= 2.5 + 1e-12)
    assert np.all((radius[y.ravel() == 0] >= 3.5 - 1e-12) & (radius[y.ravel() == 0] <= 5.0 + 1e-12))


@pytest.mark.parametrize("name", TF_SETS)
@FEW
@given(n=st.integers(2, 400), seed=st.integers(0, 2**32 - 1), noise=st.floats(0.05, 1.0))
def test_noise_moves_points_not_shapes(name, n, seed, noise):
    clean, _ = datasets.make_dataset(name, n, 0.0, seed)
    noisy, labels = datasets.make_dataset(name, n, noise, seed)
    assert noisy.shape == clean.shape and labels.shape == (n, 1)
    assert not np.array_equal(noisy, clean)


@pytest.mark.parametrize("name", TF_SETS)
def test_tf_sets_differ_between_seeds(name):
    a, _ = datasets.make_dataset(name, 100, 0.2, seed=1)
    b, _ = datasets.make_dataset(name, 100, 0.2, seed=2)
    assert not np.array_equal(a, b)


# -- the registry ---------------------------------------------------------------------------
def test_make_dataset_defaults_and_lab_sets():
    X, y = datasets.make_dataset("xor")
    assert np.array_equal(X, datasets.generate_xor_easy()[0]) and y.shape == (21, 1)
    X, _ = datasets.make_dataset("linear", seed=5)
    assert X.shape == (100, 2)
    assert np.array_equal(X, datasets.generate_linear(100, 5)[0])
    for name, spec in datasets.DATASETS.items():
        assert datasets.make_dataset(name)[0].shape == (spec.default_n, 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "moons"}, r"unknown dataset 'moons'; choose one of linear, xor, circle"),
        ({"name": "circle", "n": 1}, r"number of points must be between 2 and 100000, got 1"),
        ({"name": "linear", "n": 100_001}, r"number of points must be between 2 and 100000, got 100001"),
        ({"name": "spiral", "noise": -0.1}, r"noise must be between 0 and 1, got -0.1"),
        ({"name": "spiral", "noise": 1.5}, r"noise must be between 0 and 1, got 1.5"),
        ({"name": "gaussians", "noise": float("nan")}, r"noise must be between 0 and 1, got nan"),
    ],
)
def test_make_dataset_rejects_bad_input_with_one_line(kwargs, message):
    with pytest.raises(ValueError, match=message) as error:
        datasets.make_dataset(**kwargs)
    assert "\n" not in str(error.value)


# -- user data --------------------------------------------------------------------------------
def test_from_arrays_accepts_lists_and_flat_labels():
    X, y = datasets.from_arrays([[0, 1], [2, 3]], [1, 0])
    assert X.dtype == np.float64 and y.shape == (2, 1)
    assert y.ravel().tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.zeros((3, 3)), np.zeros(3), r"points must have shape \(n, 2\)"),
        (np.zeros((0, 2)), np.zeros(0), r"points must have shape \(n, 2\)"),
        (np.zeros(4), np.zeros(2), r"points must have shape \(n, 2\)"),
        (np.zeros((3, 2)), np.zeros(2), r"3 points but 2 labels"),
        (np.array([[0.0, np.inf]]), np.zeros(1), r"points must be finite"),
        (np.array([[0.0, np.nan]]), np.zeros(1), r"points must be finite"),
        (np.zeros((2, 2)), np.array([0.0, 2.0]), r"labels must be 0 or 1"),
        (np.zeros((2, 2)), np.array([0.0, 0.5]), r"labels must be 0 or 1"),
    ],
)
def test_from_arrays_rejects(X, y, message):
    with pytest.raises(ValueError, match=message):
        datasets.from_arrays(X, y)


def test_load_csv_with_and_without_header(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("0.5,-1,1\n2,3e-1,0\n\n")
    X, y = datasets.load_csv(str(plain))
    assert X.tolist() == [[0.5, -1.0], [2.0, 0.3]] and y.ravel().tolist() == [1.0, 0.0]
    header = tmp_path / "header.csv"
    header.write_text("x1,x2,label\n0.5,-1,1\n2,3e-1,0\n")
    X2, y2 = datasets.load_csv(str(header))
    assert np.array_equal(X, X2) and np.array_equal(y, y2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0,0,0\n1,a,1\n", r":2: expected numbers"),
        ("x1,x2,label\nx1,x2,label\n", r":2: expected numbers"),
        ("0,0\n", r":1: expected 3 columns x1,x2,label, got 2"),
        ("0,0,0\n1,1,1,1\n", r":2: expected 3 columns x1,x2,label, got 4"),
        ("", r"no data rows"),
        ("x1,x2,label\n", r"no data rows"),
        ("0,0,0\n1,1,2\n", r"labels must be 0 or 1"),
        ("0,nan,1\n", r"points must be finite"),
    ],
)
def test_load_csv_errors_name_the_file(tmp_path, text, message):
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as error:
        datasets.load_csv(str(path))
    assert str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_load_csv_counts_lines_as_in_the_file(tmp_path):
    """Blank lines count: the message must point at the line the user sees in an editor."""
    path = tmp_path / "gaps.csv"
    path.write_text("x1,x2,label\n\n0,0,0\n\n1,a,1\n")
    with pytest.raises(ValueError, match=re.escape(f"{path}:5: expected numbers")):
        datasets.load_csv(str(path))


def test_load_csv_missing_and_binary_files(tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(ValueError, match="cannot read") as error:
        datasets.load_csv(str(missing))
    assert str(missing) in str(error.value)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(ValueError, match="not a text file") as error:
        datasets.load_csv(str(binary))
    assert str(binary) in str(error.value)
