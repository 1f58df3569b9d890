"""The per-epoch history against quantities computed independently from the network."""

from __future__ import annotations

import numpy as np
import pytest

from core import History, Settings, Trainer


def layer_norms(pairs: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    return np.array([np.linalg.norm(np.vstack([W, b])) for W, b in pairs])


def params_copy(net) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(W.copy(), b.copy()) for W, b in net.params]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_grad_norm_and_update_ratio_per_layer(optimizer):
    trainer = Settings(hidden=(5, 4, 3), activation="tanh", optimizer=optimizer, lr=0.05).build()
    net, X, y = trainer.net, trainer.X, trainer.y
    expected_grad, expected_ratio = [], []
    for _ in range(25):
        before = params_copy(net)
        expected_grad.append(layer_norms(net.gradients(X, y)))
        trainer.step()
        after = params_copy(net)
        moved = layer_norms([(W1 - W0, b1 - b0) for (W0, b0), (W1, b1) in zip(before, after, strict=True)])
        expected_ratio.append(moved / layer_norms(after))
    assert trainer.history.grad_norm.shape == (25, 4)
    np.testing.assert_allclose(trainer.history.grad_norm, expected_grad, rtol=1e-12)
    np.testing.assert_allclose(trainer.history.update_ratio, expected_ratio, rtol=1e-8)


def assert_next_epoch_recorded_from_the_network(trainer: Trainer) -> None:
    """One more epoch, and its history row against norms computed from the network itself.

    The history squares the rows of the trainer's own [gradient; update;
    weights] array; this checks that the network still keeps its weights
    there, and the optimizer its steps.
    """
    net = trainer.net
    before = params_copy(net)
    expected_grad = layer_norms(net.gradients(trainer.X, trainer.y, trainer.loss))
    trainer.step()
    after = params_copy(net)
    moved = layer_norms([(W1 - W0, b1 - b0) for (W0, b0), (W1, b1) in zip(before, after, strict=True)])
    assert moved.min() > 0.0  # the weights the trainer trains are the network's
    np.testing.assert_allclose(trainer.history.grad_norm[-1], expected_grad, rtol=1e-12)
    np.testing.assert_allclose(trainer.history.update_ratio[-1], moved / layer_norms(after), rtol=1e-8)


def _restore_a_past_epoch(trainer: Trainer) -> None:
    trainer.restore(trainer.snapshot_at(23))


def _train_a_second_trainer_on_the_same_network(trainer: Trainer) -> None:
    Trainer(trainer.net, trainer.X, trainer.y, lr=0.3).train(3)


@pytest.mark.parametrize(
    "disturb",
    [
        pytest.param(_restore_a_past_epoch, id="restore"),
        pytest.param(lambda t: t.snapshot_at(10), id="replay"),
        pytest.param(lambda t: t.set_optimizer("momentum"), id="optimizer"),
        pytest.param(lambda t: setattr(t, "lr", 0.4), id="lr"),
        pytest.param(lambda t: t.set_activation("tanh"), id="activation"),
        pytest.param(lambda t: t.set_loss("bce"), id="loss"),
        pytest.param(lambda t: (t.set_batch_size(4), t.train(3), t.set_batch_size(0)), id="mini-batches"),
        pytest.param(_train_a_second_trainer_on_the_same_network, id="second-trainer"),
    ],
)
def test_norms_follow_the_network_after_a_restore_or_a_change(disturb):
    trainer = Settings().build()
    trainer.train(40)
    disturb(trainer)
    assert_next_epoch_recorded_from_the_network(trainer)
    trainer.train(20)  # past a checkpoint
    assert_next_epoch_recorded_from_the_network(trainer)


def test_loss_and_accuracy_per_epoch_before_the_update():
    trainer = Settings(dataset="linear").build()
    losses, accuracies = [], []
    for _ in range(30):
        out = trainer.net.forward(trainer.X)
        losses.append(np.mean((trainer.y - out) ** 2))
        accuracies.append(np.mean((out > 0.5) == (trainer.y == 1)))
        trainer.step()
    np.testing.assert_allclose(trainer.history.loss, losses, rtol=1e-13)
    assert trainer.history.accuracy.tolist() == accuracies
    assert trainer.history.epochs.tolist() == list(range(1, 31))


def test_growth_beyond_the_initial_capacity_keeps_every_value():
    trainer = Settings(hidden=(3,)).build()
    losses, accuracies, norms = [], [], []
    for _ in range(2500):  # two doublings past 1024
        trainer.step()
        losses.append(trainer.last_loss)
        accuracies.append(trainer.last_accuracy)
        norms.append(np.linalg.norm(trainer.grad))
    history = trainer.history
    assert len(history) == 2500 and history.epochs[-1] == 2500
    assert history.loss.tolist() == losses
    assert history.accuracy.tolist() == accuracies
    np.testing.assert_allclose(np.sqrt(np.sum(history.grad_norm**2, axis=1)), norms, rtol=1e-12)


def test_restore_truncates_and_recording_resumes_there():
    trainer = Settings().build()
    trainer.train(10)
    snapshot = trainer.snapshot()
    first_ten = trainer.history.loss.copy()
    trainer.train(1100)
    trainer.restore(snapshot)
    assert len(trainer.history) == 10 and np.array_equal(trainer.history.loss, first_ten)
    trainer.step()
    assert len(trainer.history) == 11 and trainer.history.loss[-1] == trainer.last_loss


def test_history_by_hand():
    """Two layers of 2 and 3 parameters: norms and ratios from the squared sums, per layer."""
    history = History([2, 3])
    grad, update = np.array([3.0, 4.0, 1.0, 2.0, 2.0]), np.array([0.0, 0.0, 1.0, 0.0, 0.0])
    history.record_with_norms(0.5, 0.25, grad, update, np.ones(5))
    assert len(history) == 1
    assert history.loss.tolist() == [0.5] and history.accuracy.tolist() == [0.25]
    np.testing.assert_allclose(history.grad_norm, [[5.0, 3.0]])
    np.testing.assert_allclose(history.update_ratio, [[0.0, 1 / np.sqrt(3)]])
    history.record(0.4, 0.5)  # loss and accuracy only: this epoch has no norms
    assert history.loss.tolist() == [0.5, 0.4]
    assert np.all(np.isnan(history.grad_norm[1])) and np.all(np.isnan(history.update_ratio[1]))
    history.truncate(1)
    history.record_with_norms(0.3, 1.0, 2 * grad, update, 2 * np.ones(5))
    np.testing.assert_allclose(history.grad_norm, [[5.0, 3.0], [10.0, 6.0]])
    np.testing.assert_allclose(history.update_ratio, [[0.0, 1 / np.sqrt(3)], [0.0, 1 / np.sqrt(12)]])
    history.truncate(0)
    assert len(history) == 0 and history.grad_norm.shape == (0, 2)


def test_norms_asked_for_while_training_stay_right():
    """The derived norms are cached between calls: asking every epoch must give what asking once gives."""
    polled, once = Settings(hidden=(3,)).build(), Settings(hidden=(3,)).build()
    for _ in range(1100):
        polled.step()
        polled.history.grad_norm  # noqa: B018 - a view polling every frame
    once.train(1100)
    assert np.array_equal(polled.history.grad_norm, once.history.grad_norm)
    assert np.array_equal(polled.history.update_ratio, once.history.update_ratio)
    snapshot = polled.snapshot_at(500)
    polled.restore(snapshot)
    polled.train(600)
    assert np.array_equal(polled.history.grad_norm, once.history.grad_norm)


def test_revision_changes_exactly_when_the_records_do():
    trainer = Settings().build()
    history = trainer.history
    start = history.revision
    assert history.revision == start  # asking changes nothing
    trainer.train(5)
    grown = history.revision
    assert grown != start
    history.truncate(3)
    cut = history.revision
    assert cut != grown
    trainer.train(2)  # back to five records, but not the same ones
    assert history.revision not in (grown, cut)
    assert Settings().build().history.revision != start  # another run's history, even at the same length
