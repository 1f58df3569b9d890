"""The multi-layer perceptron: batch-first, bias folded into the weights.

Shapes follow the report: ``D = A_prev @ W + b`` with W (fan_in, fan_out) and
b (1, fan_out); ``params`` exposes those (W, b) pairs as writable views.

Inside, each layer is one matrix ``[Wᵀ | bᵀ]`` of shape (fan_out, fan_in + 1)
and all layers live in one flat parameter vector.  The training workspace
keeps activations feature-major, (units, samples), with a row of ones under
each layer's activations.  Then one ``np.dot`` per layer gives D straight
into the next layer's contiguous buffer, the activation runs in place, one
``np.dot`` gives dW and db together, and an optimizer updates every layer in
one call on the flat vector: a training step is a few dozen NumPy calls on
small contiguous arrays, with nothing allocated.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.activations import OUTPUT_ACTIVATIONS, Activation, Op, get_activation
from core.initializers import get_initializer
from core.losses import Loss, get_loss

MAX_LAYERS = 8
MAX_WIDTH = 128


def layer_shapes(sizes: Sequence[int]) -> list[tuple[int, int]]:
    """Shapes of the folded [Wᵀ | bᵀ] matrices for the given layer sizes."""
    return [(fan_out, fan_in + 1) for fan_in, fan_out in itertools.pairwise(sizes)]


def split_layer(layer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) views of one folded layer, in the report's shapes."""
    return layer[:, :-1].T, layer[:, -1:].T


def flat_views(flat: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    """Split a flat vector into per-layer (fan_out, fan_in + 1) views."""
    views, start = [], 0
    for shape in layer_shapes(sizes):
        stop = start + shape[0] * shape[1]
        views.append(flat[start:stop].reshape(shape))
        start = stop
    return views


def validate_sizes(sizes: Sequence[int]) -> list[int]:
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2:
        raise ValueError("a network needs at least an input and an output layer")
    if len(sizes) - 2 > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} hidden layers")
    for s in sizes:
        if s < 1:
            raise ValueError(f"layer sizes must be ≥ 1, got {s}")
        if s > MAX_WIDTH:
            raise ValueError(f"layer sizes must be ≤ {MAX_WIDTH}, got {s}")
    return sizes


@dataclass(frozen=True)
class Trace:
    """Every layer's pre-activation D and activation A for one forward pass.

    ``A[0]`` is the input; ``D[l]`` and ``A[l + 1]`` belong to layer l + 1.
    The walk-through, the neuron thumbnails and the saturation marks read it.
    """

    D: list[np.ndarray]
    A: list[np.ndarray]


class MLP:
    """A fully connected network for 2-D binary classification and beyond.

    ``seed`` may be an int or a ``np.random.Generator``; the weights are drawn
    layer by layer from it, so the same seed gives the same network.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        init: str = "uniform01",
        seed: int | np.random.Generator = 0,
        *,
        flat: np.ndarray | None = None,
    ) -> None:
        """``flat``: start from these weights (``MLP.flat``'s layout) instead of drawing them."""
        self.sizes = validate_sizes(sizes)
        self.activation = activation
        self.output_activation = output_activation
        self.init = init
        draw = get_initializer(init)
        self.flat = np.zeros(sum(r * c for r, c in layer_shapes(self.sizes)))
        self.layers = flat_views(self.flat, self.sizes)
        if flat is not None:
            if np.shape(flat) != self.flat.shape:
                raise ValueError(f"expected {self.flat.size} parameters for sizes {self.sizes}, got {np.shape(flat)}")
            self.flat[...] = flat
            return
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        for layer in self.layers:
            layer[:, :-1] = draw(rng, layer.shape[1] - 1, layer.shape[0]).T

    # -- configuration -----------------------------------------------------
    @property
    def activation(self) -> str:
        return self._activation.name

    @activation.setter
    def activation(self, name: str) -> None:
        self._activation = get_activation(name)

    @property
    def output_activation(self) -> str:
        return self._output_activation.name

    @output_activation.setter
    def output_activation(self, name: str) -> None:
        if name not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"unknown output activation {name!r}; choose one of {', '.join(OUTPUT_ACTIVATIONS)}")
        self._output_activation = get_activation(name)

    def activation_of(self, layer: int) -> Activation:
        """The activation of layer ``layer`` (0-based over weight layers)."""
        return self._output_activation if layer == len(self.layers) - 1 else self._activation

    @property
    def depth(self) -> int:
        """Number of weight layers (hidden layers + 1)."""
        return len(self.layers)

    # -- parameters ----------------------------------------------------------
    @property
    def params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W, b) per layer, as views: writing into them changes the network."""
        return [split_layer(layer) for layer in self.layers]

    @params.setter
    def params(self, values: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        values = list(values)
        if len(values) != len(self.layers):
            raise ValueError(f"expected {len(self.layers)} (W, b) pairs, got {len(values)}")
        staged = []
        for i, ((W, b), layer) in enumerate(zip(values, self.layers, strict=False)):
            W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
            fan_out, fan_in = layer.shape[0], layer.shape[1] - 1
            if W.shape != (fan_in, fan_out) or b.shape != (1, fan_out):
                raise ValueError(
                    f"layer {i + 1}: expected W {(fan_in, fan_out)} and b {(1, fan_out)}, got {W.shape} and {b.shape}"
                )
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise ValueError(f"layer {i + 1}: weights must be finite")
            staged.append((W, b))
        for (W, b), layer in zip(staged, self.layers, strict=False):
            layer[:, :-1], layer[:, -1:] = W.T, b.T

    @classmethod
    def from_flat(
        cls, sizes: Sequence[int], flat: np.ndarray, activation: str = "sigmoid", output_activation: str = "sigmoid"
    ) -> MLP:
        """A network with the given weights in the flat [W; b] layout (no random draw)."""
        return cls(sizes, activation, output_activation, flat=flat)

    def keep_weights_in(self, buffer: np.ndarray) -> None:
        """Move the weights into ``buffer`` (a contiguous vector of ``flat``'s size) and keep them there.

        The trainer holds weights, gradient and update as the rows of one
        array, so that recording their norms squares all three in one call.
        ``flat`` and the layer views point into ``buffer`` from now on; a
        ``Workspace`` built before still points at the old array.
        """
        if buffer.shape != self.flat.shape or buffer.dtype != np.float64 or not buffer.flags.c_contiguous:
            raise ValueError(f"expected a contiguous float64 vector of {self.flat.size} parameters")
        buffer[...] = self.flat
        self.flat = buffer
        self.layers = flat_views(buffer, self.sizes)

    def copy(self) -> MLP:
        """An independent network with the same configuration and weights."""
        twin = MLP.from_flat(self.sizes, self.flat, self.activation, self.output_activation)
        twin.init = self.init
        return twin

    # -- computation ---------------------------------------------------------
    def trace(self, X: np.ndarray) -> Trace:
        """Forward pass keeping every layer's D and A."""
        A = [np.asarray(X, dtype=np.float64)]
        D = []
        for i, (W, b) in enumerate(self.params):
            D.append(A[-1] @ W + b)
            A.append(self.activation_of(i)(D[-1]))
        return Trace(D, A)

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Network output for a batch X of shape (n, sizes[0])."""
        return self.trace(X).A[-1]

    def gradients(self, X: np.ndarray, y: np.ndarray, loss: str = "mse") -> list[tuple[np.ndarray, np.ndarray]]:
        """(dW, db) per layer of the *summed* loss (see ``core.losses``)."""
        workspace = Workspace(self, len(X), get_loss(loss))
        workspace.load(np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64).reshape(len(X), -1))
        with np.errstate(over="ignore"):
            workspace.forward()
            workspace.backward()
        return [tuple(part.copy() for part in split_layer(g)) for g in workspace.grad_layers]


class Workspace:
    """Preallocated feature-major buffers and the calls of one epoch on them.

    ``inputs[l]`` is layer l's input, (fan_in + 1, n), its last row ones;
    hidden activations are computed in place in ``inputs[l + 1][:-1]``.  The
    output layer keeps D (``logits``) apart because cross-entropy needs it.
    The forward and backward passes are compiled into flat lists of NumPy
    calls with every argument bound, so an epoch costs the calls and nothing
    else: Python method dispatch would cost as much as the arithmetic on
    these tiny arrays.  The lists are rebuilt when the activation or the loss
    changes.  Gradients land in ``grad`` (flat, same layout as ``MLP.flat``):
    a new zeroed array, or the one given (the trainer's, see ``Trainer``).
    Callers silence overflow (``np.errstate``): see ``Sigmoid``.
    """

    def __init__(self, net: MLP, n: int, loss: Loss, grad: np.ndarray | None = None) -> None:
        self.net = net
        self.n = n
        sizes = net.sizes
        self.inputs = [np.ones((s + 1, n)) for s in sizes[:-1]]
        self.y = np.zeros((sizes[-1], n))
        self.logits = np.empty((sizes[-1], n))
        self.output = np.empty((sizes[-1], n))
        self.A = [inp[:-1] for inp in self.inputs[1:]] + [self.output]
        # A hidden layer's delta is the top of a buffer one row taller, so that
        # backward multiplies by the whole contiguous [W | b]ᵀ (the spare row
        # takes the bias column): np.dot copies a strided Wᵀ view first.
        self.back = [np.empty((s + 1, n)) for s in sizes[1:-1]]
        self.delta = [rows[:-1] for rows in self.back] + [np.empty((sizes[-1], n))]
        self.tmp = [np.empty((s, n)) for s in sizes[1:]]
        # A snapshot before the first epoch shows no gradient: a new one starts at zero.
        self.grad = np.zeros_like(net.flat) if grad is None else grad
        self.grad_layers = flat_views(self.grad, sizes)
        self.compile(loss)

    def compile(self, loss: Loss) -> None:
        """Bind this network's activations and ``loss`` into the call lists."""
        net, last = self.net, len(self.net.layers) - 1
        self.loss = loss
        self.compiled_for = (net._activation, net._output_activation)
        forward: list[Op] = []
        for i in range(last):
            forward.append((np.dot, (net.layers[i], self.inputs[i], self.A[i])))
            forward += net._activation.apply_ops(self.A[i], self.A[i], self.tmp[i])
        forward.append((np.dot, (net.layers[last], self.inputs[last], self.logits)))
        forward += net._output_activation.apply_ops(self.logits, self.output, self.tmp[last])
        before, self.loss_value, after = loss.output_ops(
            self.output, self.y, self.logits, net._output_activation, self.delta[last], self.tmp[last]
        )
        backward = list(after)
        for i in range(last, 0, -1):
            backward.append((np.dot, (self.delta[i], self.inputs[i].T, self.grad_layers[i])))
            backward.append((np.dot, (net.layers[i].T, self.delta[i], self.back[i - 1])))
            backward += net._activation.derivative_ops(self.delta[i - 1], self.A[i - 1], self.tmp[i - 1])
        backward.append((np.dot, (self.delta[0], self.inputs[0].T, self.grad_layers[0])))
        self._forward, self._before_loss, self._backward = forward, before, backward

    def load(self, X: np.ndarray, y: np.ndarray) -> None:
        """Copy a batch in: X (n, fan_in) and y (n, outputs), transposed to feature-major."""
        self.inputs[0][:-1] = X.T
        self.y[...] = y.T

    def recompile_if_stale(self) -> None:
        """Rebuild the call lists if the network's activations changed since they were built."""
        if self.compiled_for != (self.net._activation, self.net._output_activation):
            self.compile(self.loss)

    def forward(self) -> None:
        self.recompile_if_stale()
        for function, args in self._forward:
            function(*args)

    def backward(self) -> float:
        """Fill ``grad`` from the last forward pass; return the mean loss."""
        for function, args in self._before_loss:
            function(*args)
        value = self.loss_value()
        for function, args in self._backward:
            function(*args)
        return value
