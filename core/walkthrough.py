"""Backpropagation for one sample, step by step, in the report's notation.

Forward, layer by layer: D_l = A_{l−1}·W_l + b_l, A_l = f(D_l).
Backward: Δ_out = ∂h/∂D_out (for MSE (z_out − y)·f'(D_out)), then
Δ_l = (Δ_{l+1}·W_{l+1}ᵀ)·f'(D_l), and the sample's dW_l = A_{l−1}ᵀ·Δ_l,
db_l = Δ_l.  Summed over the samples these are exactly ``MLP.gradients``
(the lab's summed loss), which is what the walk-through lets a person check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.network import MLP


@dataclass(frozen=True)
class WalkStep:
    phase: str  # "forward" or "backward"
    layer: int  # 1..depth (weight layers); the diagram highlights it
    title: str
    formula: str
    values: dict[str, np.ndarray] = field(default_factory=dict)


def _layer_name(layer: int, depth: int) -> str:
    return "out" if layer == depth else str(layer)


def walk(net: MLP, x: np.ndarray, y: float, loss: str = "mse") -> list[WalkStep]:
    """Every forward and backward step for one sample (x of shape (2,), label y)."""
    x = np.asarray(x, dtype=np.float64).reshape(1, -1)
    target = np.array([[float(y)]])
    with np.errstate(all="ignore"):
        trace = net.trace(x)
    depth = net.depth
    params = net.params
    steps = []
    for layer in range(1, depth + 1):
        name = _layer_name(layer, depth)
        act = net.activation_of(layer - 1)
        W, b = params[layer - 1]
        prev = "x" if layer == 1 else f"A_{_layer_name(layer - 1, depth)}"
        steps.append(
            WalkStep(
                "forward",
                layer,
                f"Forward, layer {name}",
                f"D_{name} = {prev}·W_{name} + b_{name};   A_{name} = {act.name}(D_{name})",
                {prev: trace.A[layer - 1][0], f"D_{name}": trace.D[layer - 1][0], f"A_{name}": trace.A[layer][0],
                 f"W_{name}": W.copy(), f"b_{name}": b[0].copy()},
            )
        )
    out = trace.A[-1]
    out_act = net.activation_of(depth - 1)
    if loss == "bce":
        delta = out - target
        formula = "Δ_out = z_out − y   (cross-entropy with a sigmoid output)"
    else:
        delta = (out - target) * out_act.derivative(out)
        formula = f"Δ_out = (z_out − y)·{out_act.name}'(D_out)"
    for layer in range(depth, 0, -1):
        name = _layer_name(layer, depth)
        A_prev = trace.A[layer - 1]
        prev = "x" if layer == 1 else f"A_{_layer_name(layer - 1, depth)}"
        values = {f"Δ_{name}": delta[0], f"dW_{name}": A_prev.T @ delta, f"db_{name}": delta[0].copy()}
        if layer == depth:
            values = {"z_out": out[0], "y": target[0], **values}
        steps.append(
            WalkStep("backward", layer, f"Backward, layer {name}", f"{formula};   dW_{name} = {prev}ᵀ·Δ_{name};   "
                     f"db_{name} = Δ_{name}", values)
        )
        if layer > 1:
            W = params[layer - 1][0]
            A = trace.A[layer - 1]
            act = net.activation_of(layer - 2)
            delta = (delta @ W.T) * act.derivative(A)
            below = _layer_name(layer - 1, depth)
            formula = f"Δ_{below} = (Δ_{name}·W_{name}ᵀ)·{act.name}'(D_{below})"
    return steps


def sample_gradients(steps: list[WalkStep], depth: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(dW, db) per layer, read back from a walk's backward steps."""
    grads = {}
    for step in steps:
        if step.phase == "backward":
            name = _layer_name(step.layer, depth)
            grads[step.layer] = (step.values[f"dW_{name}"], step.values[f"db_{name}"].reshape(1, -1))
    return [grads[layer] for layer in range(1, depth + 1)]


def saturation(net: MLP, X: np.ndarray) -> list[np.ndarray]:
    """Per hidden layer, the share of samples on which each unit is saturated or dead.

    Saturated: f'(D) < 0.01 for sigmoid and tanh (the unit passes almost no
    gradient back); dead: D ≤ 0 for ReLU (exactly none).  Leaky ReLU and the
    identity never stop a gradient, so their shares are 0.
    """
    with np.errstate(all="ignore"):
        trace = net.trace(X)
    name = net.activation
    shares = []
    for D, A in zip(trace.D[:-1], trace.A[1:-1], strict=True):
        if name in ("sigmoid", "tanh"):
            stuck = net.activation_of(0).derivative(A) < 0.01
        elif name == "relu":
            stuck = D <= 0
        else:
            stuck = np.zeros(D.shape, dtype=bool)
        shares.append(stuck.mean(axis=0))
    return shares
