"""The lab report's network written out in plain NumPy: the yardstick for ``core``.

Nothing here imports ``core``'s computation: the report's ``forward()``,
``backward()`` and update loop, batch-first, with sigmoid as
1 / (1 + exp(−x)) and its derivative through exp, as the report writes them.
The tests compare the fast, feature-major implementation against this.
"""

from __future__ import annotations

import numpy as np
from hypothesis import settings

FEW = settings(max_examples=15, deadline=None)
"""Hypothesis budget for the core suite: enough variety, whole suite well under a minute."""


CLOSED_FORMS = {
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": lambda x: (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)),
    "relu": lambda x: np.where(x > 0, x, 0.0),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.01 * x),
    "none": lambda x: x,
}
"""Every activation as its textbook formula (tanh through exp, for moderate inputs)."""


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def derivative_sigmoid(x: np.ndarray) -> np.ndarray:
    return sigmoid(x) * (1.0 - sigmoid(x))


def forward(params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The report's forward(): D = A_prev @ W + b, A = sigmoid(D) on every layer, the output included."""
    A, D = [X], []
    for W, b in params:
        D.append(A[-1] @ W + b)
        A.append(sigmoid(D[-1]))
    return D, A


def backward(
    params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, y: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The report's backward(): the gradient of ½·Σ(out − y)², no 1/n."""
    D, A = forward(params, X)
    delta = (A[-1] - y) * derivative_sigmoid(D[-1])
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W, _ = params[layer]
        grads.append((A[layer].T @ delta, delta.sum(axis=0, keepdims=True)))
        if layer:
            delta = (delta @ W.T) * derivative_sigmoid(D[layer - 1])
    return grads[::-1]


def train(
    params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, y: np.ndarray, lr: float, epochs: int
) -> tuple[list[float], list[tuple[np.ndarray, np.ndarray]]]:
    """The report's loop: print mean((y − out)²), then W −= lr·dW, b −= lr·db, full batch."""
    params = [(W.copy(), b.copy()) for W, b in params]
    losses = []
    for _ in range(epochs):
        _, A = forward(params, X)
        losses.append(float(np.mean((y - A[-1]) ** 2)))
        grads = backward(params, X, y)
        params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads, strict=True)]
    return losses, params


def flatten(pairs: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """(W, b) pairs in ``MLP.flat``'s layout: per layer [Wᵀ | bᵀ], row-major."""
    return np.concatenate([np.hstack([W.T, b.T]).ravel() for W, b in pairs])
