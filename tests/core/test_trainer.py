"""The trainer: stepping, divergence, snapshots and resuming, settings changes mid-run, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import MLP, Settings, Trainer, datasets
from core.losses import LOSSES
from tests.core.lab_reference import flatten

RUNS = [
    pytest.param({}, id="sgd-full"),
    pytest.param({"batch_size": 5}, id="sgd-minibatch"),
    pytest.param({"optimizer": "momentum", "lr": 0.05}, id="momentum-full"),
    pytest.param({"optimizer": "momentum", "lr": 0.05, "batch_size": 4}, id="momentum-minibatch"),
    pytest.param({"optimizer": "adam", "lr": 0.01}, id="adam-full"),
    pytest.param({"optimizer": "adam", "lr": 0.01, "batch_size": 8}, id="adam-minibatch"),
]


def run(settings: Settings, epochs: int) -> Trainer:
    trainer = settings.build()
    trainer.train(epochs)
    return trainer


def assert_same_run(a: Trainer, b: Trainer) -> None:
    assert a.epoch == b.epoch
    assert np.array_equal(a.net.flat, b.net.flat)
    for name in ("loss", "accuracy", "grad_norm", "update_ratio"):
        assert np.array_equal(getattr(a.history, name), getattr(b.history, name)), name


# -- stepping -------------------------------------------------------------------------------
def test_step_trains_exactly_one_epoch():
    trainer = Settings().build()
    assert trainer.epoch == 0 and len(trainer.history) == 0 and math.isnan(trainer.last_loss)
    before = trainer.net.flat.copy()
    assert trainer.step() == 1
    assert trainer.epoch == 1 and len(trainer.history) == 1
    np.testing.assert_allclose(trainer.net.flat, before - 0.15 * trainer.grad, rtol=1e-15, atol=0)
    assert trainer.train(5) == 5
    assert trainer.epoch == 6 and len(trainer.history) == 6
    assert trainer.history.epochs.tolist() == [1, 2, 3, 4, 5, 6]
    assert trainer.train(0) == 0 and trainer.epoch == 6


def test_one_minibatch_epoch_visits_every_sample_once():
    """Batch size 4 on 21 points: six updates (5 × 4 + 1), the epoch's gradient is their sum."""
    trainer = Settings(batch_size=4).build()
    X, y, net = trainer.X, trainer.y, trainer.net
    shuffle = np.random.Generator(np.random.PCG64())
    shuffle.bit_generator.state = trainer.rng.bit_generator.state
    order = shuffle.permutation(len(X))
    reference = net.copy()
    grad_sum = np.zeros_like(net.flat)
    loss_sum = 0.0
    for start in range(0, len(X), 4):
        rows = order[start : start + 4]
        out = reference.forward(X[rows])
        loss_sum += float(np.sum((out - y[rows]) ** 2))
        grad = flatten(reference.gradients(X[rows], y[rows]))
        grad_sum += grad
        reference.flat -= 0.15 * grad
    trainer.step()
    assert trainer.epoch == 1
    np.testing.assert_allclose(net.flat, reference.flat, rtol=0, atol=1e-14)
    np.testing.assert_allclose(trainer.grad, grad_sum, rtol=0, atol=1e-13)
    assert trainer.last_loss == pytest.approx(loss_sum / len(X), rel=1e-13)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_minibatch_training_is_the_optimizer_applied_batch_after_batch(optimizer):
    """The optimizer's state must carry over from one batch to the next, across epoch boundaries too."""
    settings = Settings(dataset="linear", optimizer=optimizer, lr=0.02, batch_size=16)
    trainer = settings.build()
    shuffle = np.random.Generator(np.random.PCG64())
    shuffle.bit_generator.state = trainer.rng.bit_generator.state
    net = trainer.net.copy()
    flat = net.flat
    m = v = velocity = np.zeros_like(flat)
    t = 0
    for _ in range(4):
        order = shuffle.permutation(len(trainer.X))
        for start in range(0, len(order), 16):
            rows = order[start : start + 16]
            g = flatten(net.gradients(trainer.X[rows], trainer.y[rows]))
            if optimizer == "sgd":
                flat -= 0.02 * g
            elif optimizer == "momentum":
                velocity = 0.9 * velocity - 0.02 * g
                flat += velocity
            else:
                t += 1
                m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
                flat -= 0.02 * math.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-8)
        trainer.step()
        np.testing.assert_allclose(trainer.net.flat, flat, rtol=0, atol=1e-12)


def test_evaluate_is_a_forward_pass_without_training():
    trainer = Settings(dataset="linear").build()
    trainer.train(50)
    before = trainer.net.flat.copy()
    out, loss, accuracy = trainer.evaluate()
    assert np.array_equal(trainer.net.flat, before) and trainer.epoch == 50
    np.testing.assert_allclose(out, trainer.net.forward(trainer.X), rtol=0, atol=0)
    assert loss == pytest.approx(np.mean((trainer.y - out) ** 2), rel=1e-14)
    assert accuracy == np.mean((out > 0.5) == (trainer.y == 1))


# -- divergence -------------------------------------------------------------------------------
def test_huge_learning_rate_on_xor_diverges_and_says_so():
    trainer = Settings(lr=100).build()
    done = trainer.train(20000)
    divergence = trainer.divergence
    assert divergence is not None
    assert divergence.epoch >= 1 and done == divergence.epoch == trainer.epoch < 20000
    message = divergence.message()
    assert f"diverged at epoch {divergence.epoch}" in message and "lower the learning rate" in message
    assert "\n" not in message
    # saturated on the wrong side: the outputs are pinned to 0/1 and some are wrong
    out, _, accuracy = trainer.evaluate()
    assert accuracy < 1.0
    assert np.all(np.minimum(out, 1 - out) < 1e-6)


def test_overflowing_run_diverges_on_a_non_finite_loss():
    settings = Settings(dataset="linear", activation="relu", output_activation="none", init="he", lr=50)
    trainer = settings.build()
    trainer.train(1000)
    assert trainer.divergence is not None
    assert "finite" in trainer.divergence.reason
    assert not math.isfinite(trainer.history.loss[-1])


def test_a_diverged_trainer_trains_no_more():
    trainer = Settings(lr=100).build()
    trainer.train(20000)
    epoch, weights, size = trainer.epoch, trainer.net.flat.copy(), len(trainer.history)
    assert trainer.train(100) == 0
    assert trainer.step() == 0
    assert trainer.epoch == epoch and len(trainer.history) == size
    assert np.array_equal(trainer.net.flat, weights)


def test_a_healthy_lab_run_does_not_flag_divergence():
    trainer = Settings(lr=2.0).build()  # the report's "unstable" rate: slow or stuck, but not a divergence
    trainer.train(2000)
    assert trainer.divergence is None or trainer.evaluate()[2] < 1.0


# -- snapshots ----------------------------------------------------------------------------------
def test_snapshot_is_a_read_only_copy():
    trainer = Settings().build()
    trainer.train(10)
    snapshot = trainer.snapshot()
    assert (snapshot.epoch, snapshot.loss, snapshot.accuracy) == (10, trainer.last_loss, trainer.last_accuracy)
    for array in (snapshot.weights, snapshot.grad, snapshot.update):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0
    assert np.array_equal(snapshot.weights, trainer.net.flat)
    weights = snapshot.weights.copy()
    trainer.train(5)
    assert np.array_equal(snapshot.weights, weights)


@pytest.mark.parametrize("changes", RUNS)
def test_snapshot_before_the_first_epoch_has_no_gradient_and_no_update(changes):
    """Epoch 0 has not computed a gradient yet: a view must see zeros, never uninitialised memory."""
    Settings(hidden=(30, 30), **changes).build().train(3)  # leave freed buffers behind
    snapshot = Settings(hidden=(30, 30), **changes).build().snapshot()
    assert snapshot.epoch == 0
    assert np.all(snapshot.grad == 0.0) and np.all(snapshot.update == 0.0)


def test_snapshot_params_have_the_networks_shapes_and_values():
    trainer = Settings().build()
    trainer.train(3)
    snapshot = trainer.snapshot()
    layers = [
        (snapshot.params, trainer.net.params),
        (snapshot.grads, _pairs(trainer.grad, trainer.net)),
        (snapshot.updates, _pairs(trainer.update, trainer.net)),
    ]
    for got, expected in layers:
        assert [(W.shape, b.shape) for W, b in got] == [(W.shape, b.shape) for W, b in expected]
        for (W, b), (eW, eb) in zip(got, expected, strict=True):
            assert np.array_equal(W, eW) and np.array_equal(b, eb)


def _pairs(flat: np.ndarray, net: MLP) -> list[tuple[np.ndarray, np.ndarray]]:
    """A flat vector in the (W, b) shapes of ``net.params``, through a network of the same shape."""
    return MLP.from_flat(net.sizes, flat, net.activation, net.output_activation).params


def test_snapshot_network_is_the_network_at_that_epoch():
    trainer = Settings(activation="tanh").build()
    trainer.train(7)
    snapshot = trainer.snapshot()
    twin = snapshot.network()
    assert (twin.sizes, twin.activation, twin.output_activation) == (trainer.net.sizes, "tanh", "sigmoid")
    assert np.array_equal(twin.forward(trainer.X), trainer.net.forward(trainer.X))
    twin.flat[:] = 0.0
    assert np.array_equal(snapshot.weights, trainer.net.flat)


@pytest.mark.parametrize("changes", RUNS)
def test_restore_then_train_is_bit_identical_to_training_straight_through(changes):
    settings = Settings(**changes)
    straight = run(settings, 70)
    resumed = settings.build()
    resumed.train(30)
    assert resumed.divergence is None
    snapshot = resumed.snapshot()
    resumed.train(25)  # a detour, then back
    resumed.restore(snapshot)
    assert resumed.epoch == 30 and len(resumed.history) == 30
    assert np.array_equal(resumed.net.flat, snapshot.weights)
    assert np.array_equal(resumed.grad, snapshot.grad) and np.array_equal(resumed.update, snapshot.update)
    assert resumed.last_loss == snapshot.loss
    resumed.train(40)
    assert_same_run(straight, resumed)


def test_two_trainers_on_one_network_share_its_weights():
    """A trainer keeps the weights in its own array; the other takes them back before it trains."""
    first = Settings().build()
    straight = Settings().build()
    first.train(5)
    second = Trainer(first.net, first.X, first.y)
    second.train(5)
    first.train(5)
    straight.train(15)  # plain SGD keeps no state: the same 15 steps
    assert np.array_equal(first.net.flat, straight.net.flat)
    assert np.array_equal(first.snapshot().weights, straight.net.flat)
    assert np.array_equal(second.snapshot().weights, straight.net.flat)


@pytest.mark.parametrize("batch_sizes", [(0, 5), (5, 0)], ids=["to-mini-batches", "to-full-batch"])
def test_a_batch_size_change_keeps_the_last_gradient_in_view(batch_sizes):
    """The checkpoint pinned at the change shows the gradient of the epoch before it, not zeros."""
    trainer = Settings(batch_size=batch_sizes[0]).build()
    trainer.train(20)
    grad = trainer.grad.copy()
    trainer.set_batch_size(batch_sizes[1])
    assert np.any(grad != 0.0)
    assert np.array_equal(trainer.timeline.at_or_before(20).grad, grad)
    assert np.array_equal(trainer.snapshot().grad, grad)


def test_checkpoints_taken_in_an_interrupted_train_call_are_kept():
    """Checkpoints become Snapshots when train() returns, raising or not."""
    trainer = Settings().build()
    calls = 0

    def interrupt_at_epoch_40(*args):
        nonlocal calls
        calls += 1
        if calls == 40:
            raise KeyboardInterrupt
        return step(*args)

    step = trainer._optimizer.step
    trainer._optimizer.step = interrupt_at_epoch_40
    with pytest.raises(KeyboardInterrupt):
        trainer.train(100)
    assert trainer.epoch == 39 and trainer.timeline.epochs == [0, 16, 32]


def test_restore_brings_back_the_settings_of_the_snapshot():
    trainer = Settings().build()
    trainer.train(5)
    snapshot = trainer.snapshot()
    trainer.lr = 0.5
    trainer.set_activation("tanh")
    trainer.set_optimizer("adam")
    trainer.restore(snapshot)
    assert (trainer.lr, trainer.net.activation, trainer.optimizer) == (0.15, "sigmoid", "sgd")


def test_restore_clears_divergence():
    trainer = Settings(lr=100).build()
    start = trainer.snapshot()
    trainer.train(1000)
    assert trainer.divergence is not None
    trainer.restore(start)
    assert trainer.divergence is None and trainer.epoch == 0
    assert trainer.step() == 1


def test_restore_refuses_another_architecture():
    small = Settings(hidden=(2, 2)).build()
    with pytest.raises(ValueError, match="another shape"):
        Settings().build().restore(small.snapshot())


# -- changes that keep the weights ---------------------------------------------------------------
def test_new_learning_rate_keeps_weights_and_drives_the_next_step():
    trainer = Settings().build()
    trainer.train(10)
    before = trainer.net.flat.copy()
    trainer.lr = 0.5
    assert np.array_equal(trainer.net.flat, before) and trainer.lr == 0.5
    trainer.step()
    np.testing.assert_allclose(trainer.net.flat - before, -0.5 * trainer.grad, rtol=1e-12, atol=1e-15)
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="learning rate"):
            trainer.lr = bad
    assert trainer.lr == 0.5


def test_new_activation_keeps_weights_and_is_used_from_the_next_epoch():
    trainer = Settings().build()
    trainer.train(10)
    before = trainer.net.flat.copy()
    trainer.set_activation("tanh")
    assert np.array_equal(trainer.net.flat, before)
    expected = MLP.from_flat(trainer.net.sizes, before, "tanh", "sigmoid").forward(trainer.X)
    trainer.step()
    assert trainer.last_loss == pytest.approx(np.mean((trainer.y - expected) ** 2), rel=1e-13)


def test_new_optimizer_keeps_weights_and_starts_fresh():
    trainer = Settings().build()
    trainer.train(10)
    before = trainer.net.flat.copy()
    trainer.set_optimizer("adam")
    trainer.lr = 0.01
    assert np.array_equal(trainer.net.flat, before) and trainer.optimizer == "adam"
    trainer.step()
    moved = trainer.net.flat - before
    big = np.abs(trainer.grad) > 1e-4  # Adam's first step is ±lr wherever eps is negligible
    np.testing.assert_allclose(moved[big], -0.01 * np.sign(trainer.grad[big]), rtol=1e-3)


def test_new_loss_keeps_weights_and_changes_the_gradient():
    trainer = Settings().build()
    trainer.train(10)
    before = trainer.net.flat.copy()
    trainer.set_loss("bce")
    assert np.array_equal(trainer.net.flat, before)
    expected = flatten(MLP.from_flat(trainer.net.sizes, before).gradients(trainer.X, trainer.y, "bce"))
    trainer.step()
    np.testing.assert_allclose(trainer.grad, expected, rtol=0, atol=1e-13)
    out = MLP.from_flat(trainer.net.sizes, before).trace(trainer.X)
    assert trainer.last_loss == pytest.approx(LOSSES["bce"].value(out.A[-1], trainer.y, out.D[-1]), rel=1e-13)


def test_cross_entropy_needs_a_sigmoid_output():
    message = "loss 'bce' needs output activation 'sigmoid'"
    with pytest.raises(ValueError, match=message):
        Settings(loss="bce", output_activation="none").validated()
    trainer = Settings(loss="bce").build()
    with pytest.raises(ValueError, match=message):
        trainer.set_output_activation("none")
    assert trainer.net.output_activation == "sigmoid"
    linear_out = Settings(output_activation="none").build()
    with pytest.raises(ValueError, match=message):
        linear_out.set_loss("bce")
    assert linear_out.loss == "mse"
    net = MLP([2, 3, 1], output_activation="none")
    X, y = datasets.generate_xor_easy()
    with pytest.raises(ValueError, match=message):
        Trainer(net, X, y, loss="bce")


def test_batch_size_rules():
    trainer = Settings().build()
    trainer.set_batch_size(21)
    assert trainer.batch_size == 0  # ≥ n is full batch
    trainer.set_batch_size(7)
    assert trainer.batch_size == 7
    with pytest.raises(ValueError, match=r"batch size must be ≥ 0 \(0 = full batch\), got -1"):
        trainer.set_batch_size(-1)
    assert trainer.batch_size == 7


# -- determinism ---------------------------------------------------------------------------------
@pytest.mark.parametrize("changes", RUNS)
def test_same_settings_give_the_same_run_bit_for_bit(changes):
    settings = Settings(dataset="linear", **changes)
    assert_same_run(run(settings, 150), run(settings, 150))


@pytest.mark.parametrize("changes", RUNS)
def test_another_seed_gives_other_weights(changes):
    a, b = Settings(**changes).build(), Settings(seed=1, **changes).build()
    assert not np.array_equal(a.net.flat, b.net.flat)
    a.train(20)
    b.train(20)
    assert not np.array_equal(a.history.loss, b.history.loss)


def test_data_seed_moves_the_data_not_the_weights():
    a, b = Settings(dataset="linear").build(), Settings(dataset="linear", data_seed=1).build()
    assert np.array_equal(a.net.flat, b.net.flat)
    assert not np.array_equal(a.X, b.X)


def test_minibatches_do_not_change_the_initial_weights():
    full, mini = Settings().build(), Settings(batch_size=4).build()
    assert np.array_equal(full.net.flat, mini.net.flat)
