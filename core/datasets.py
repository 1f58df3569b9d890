"""2-D binary classification data sets, in one registry.

``generate_linear`` and ``generate_xor_easy`` are the lab's, kept exactly as
the handout builds them (point order, labels, float artefacts such as
0.1*3 = 0.30000000000000004); only the random source changed, from the global
NumPy state to an explicit seed or Generator.  The others are TensorFlow
Playground's classics, for any number of points and a noise level.

Every generator returns ``X`` of shape (n, 2) and ``y`` of shape (n, 1), both
float64, labels 0.0 or 1.0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Seed = int | np.random.Generator


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def generate_linear(n: int = 100, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """The lab's linear set: uniform points in [0, 1)², label 0 if x1 > x2 else 1."""
    X = _rng(seed).uniform(0.0, 1.0, (n, 2))
    y = np.where(X[:, 0] > X[:, 1], 0.0, 1.0).reshape(n, 1)
    return X, y


def generate_xor_easy() -> tuple[np.ndarray, np.ndarray]:
    """The lab's 21 XOR points: the diagonal is class 0, the anti-diagonal class 1."""
    inputs, labels = [], []
    for i in range(11):
        inputs.append([0.1 * i, 0.1 * i])
        labels.append(0)
        if 0.1 * i == 0.5:
            continue
        inputs.append([0.1 * i, 1 - 0.1 * i])
        labels.append(1)
    return np.array(inputs, dtype=np.float64), np.array(labels, dtype=np.float64).reshape(21, 1)


def circle(n: int = 200, noise: float = 0.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """A disc of class 1 inside a ring of class 0 (radius 5 scene, as in TF Playground)."""
    rng = _rng(seed)
    half = n // 2
    radius = np.concatenate([rng.uniform(0.0, 2.5, half), rng.uniform(3.5, 5.0, n - half)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.uniform(-5.0, 5.0, X.shape) * noise
    y = (np.hypot(X[:, 0], X[:, 1]) < 3.0).astype(np.float64).reshape(n, 1)
    return X, y


def spiral(n: int = 200, noise: float = 0.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, one per class."""
    rng = _rng(seed)
    half = n // 2
    counts = (half, n - half)
    parts, labels = [], []
    for label, (count, delta) in enumerate(zip(counts, (0.0, np.pi), strict=False)):
        i = np.arange(count)
        r = i / max(count, 1) * 5.0
        t = 1.75 * i / max(count, 1) * 2 * np.pi + delta
        points = np.column_stack([r * np.sin(t), r * np.cos(t)])
        points += rng.uniform(-1.0, 1.0, points.shape) * noise
        parts.append(points)
        labels.append(np.full(count, float(label)))
    return np.vstack(parts), np.concatenate(labels).reshape(n, 1)


def gaussians(n: int = 200, noise: float = 0.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs at (2, 2) and (−2, −2); noise widens them until they overlap."""
    rng = _rng(seed)
    half = n // 2
    sigma = 0.5 + 2.0 * noise
    X = np.vstack([rng.normal(2.0, sigma, (half, 2)), rng.normal(-2.0, sigma, (n - half, 2))])
    y = np.concatenate([np.ones(half), np.zeros(n - half)]).reshape(n, 1)
    return X, y


def checkerboard(n: int = 200, noise: float = 0.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground's XOR: four quadrants, class 1 where x1·x2 ≥ 0.

    Points take the quadrants in turn, so that any n ≥ 2 has both classes,
    half each (random quadrants left a small set with one class only).
    """
    rng = _rng(seed)
    quadrants = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0], [-1.0, 1.0]])
    X = quadrants[np.arange(n) % 4] * rng.uniform(0.3, 5.3, (n, 2))  # a gap of 0.3 along the axes
    y = (X[:, 0] * X[:, 1] >= 0).astype(np.float64).reshape(n, 1)
    X += rng.uniform(-5.0, 5.0, X.shape) * noise
    return X, y


def from_arrays(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A data set from user arrays, checked: (n, 2) finite points, n labels of 0/1."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"points must have shape (n, 2) with n ≥ 1, got {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"{len(X)} points but {len(y)} labels")
    if not np.all(np.isfinite(X)):
        raise ValueError("points must be finite numbers")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    return X, y


def load_csv(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``x1,x2,label`` (a header line is allowed), checked by ``from_arrays``."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [(number, line.strip()) for number, line in enumerate(handle, 1) if line.strip()]
    except OSError as error:
        raise ValueError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not a text file") from None
    rows = []
    for index, (number, line) in enumerate(lines):
        cells = line.split(",")
        try:
            values = [float(c) for c in cells]
        except ValueError:
            if index == 0:
                continue  # header
            raise ValueError(f"{path}:{number}: expected numbers x1,x2,label") from None
        if len(values) != 3:
            raise ValueError(f"{path}:{number}: expected 3 columns x1,x2,label, got {len(values)}")
        rows.append(values)
    if not rows:
        raise ValueError(f"{path}: no data rows")
    data = np.array(rows)
    try:
        return from_arrays(data[:, :2], data[:, 2])
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


@dataclass(frozen=True)
class DatasetSpec:
    """How the GUI and the command line build a named data set."""

    name: str
    label: str
    build: Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    uses_n: bool = True
    uses_noise: bool = True
    default_n: int = 200


DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            "linear", "Linear (lab)", lambda n, noise, rng: generate_linear(n, rng), uses_noise=False, default_n=100
        ),
        DatasetSpec(
            "xor",
            "XOR easy (lab)",
            lambda n, noise, rng: generate_xor_easy(),
            uses_n=False,
            uses_noise=False,
            default_n=21,
        ),
        DatasetSpec("circle", "Circle", circle),
        DatasetSpec("spiral", "Spiral", spiral),
        DatasetSpec("gaussians", "Two Gaussians", gaussians),
        DatasetSpec("checkerboard", "Checkerboard (XOR)", checkerboard),
    )
}


def make_dataset(name: str, n: int | None = None, noise: float = 0.0, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Build a registered data set, validating n and noise."""
    try:
        spec = DATASETS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}") from None
    n = spec.default_n if n is None else int(n)
    if spec.uses_n and not 2 <= n <= 100_000:
        raise ValueError(f"number of points must be between 2 and 100000, got {n}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must be between 0 and 1, got {noise}")
    return spec.build(n, noise, _rng(seed))
