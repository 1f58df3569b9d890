"""Any past epoch, rebuilt from checkpoints, is the run as it was, bit for bit."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from core import MLP, Settings, Trainer, datasets
from core.timeline import Timeline


def snapshots_every_epoch(trainer: Trainer, epochs: int, changes: dict[int, dict]) -> list:
    """Train epoch by epoch; ``changes[e]`` applies once e epochs are done.  Entry e of the result is
    the run at epoch e as the next epoch starts from it (after that epoch's changes)."""
    kept = []
    for epoch in range(epochs):
        for name, value in changes.get(epoch, {}).items():
            if name == "lr":
                trainer.lr = value
            else:
                getattr(trainer, f"set_{name}")(value)
        kept.append(trainer.snapshot())
        trainer.step()
    kept.append(trainer.snapshot())
    return kept


def assert_same_snapshot(a, b) -> None:
    assert (a.epoch, a.activation, a.optimizer_name, a.lr, a.batch_size) == (
        b.epoch,
        b.activation,
        b.optimizer_name,
        b.lr,
        b.batch_size,
    )
    assert np.array_equal(a.weights, b.weights)
    assert np.array_equal(a.grad, b.grad)
    assert np.array_equal(a.update, b.update)
    assert a.loss == b.loss or (np.isnan(a.loss) and np.isnan(b.loss))


CHANGES = {
    30: {"lr": 0.3},
    55: {"activation": "tanh", "optimizer": "adam"},
    56: {"lr": 0.01},
    70: {"batch_size": 5},
}


@pytest.mark.parametrize("budget", [None, 40_000])
def test_snapshot_at_rebuilds_every_past_epoch_exactly(budget):
    """With settings changed mid-run, and with a budget so small the checkpoints must thin out."""
    X, y = datasets.generate_xor_easy()
    make = lambda: MLP([2, 8, 8, 1], seed=0)  # noqa: E731
    timeline = Timeline() if budget is None else Timeline(budget=budget)
    trainer = Trainer(make(), X, y, timeline=timeline)
    truth = snapshots_every_epoch(Trainer(make(), X, y, record=False), 120, CHANGES)
    snapshots_every_epoch(trainer, 120, CHANGES)
    if budget is not None:
        assert timeline.nbytes <= budget and timeline.stride > 16
    for epoch in [*range(0, 121, 7), 29, 30, 31, 55, 56, 57, 70, 71, 119, 120, 3, 2]:
        assert_same_snapshot(trainer.snapshot_at(epoch), truth[epoch])
    assert_same_snapshot(trainer.snapshot(), truth[120])


def test_snapshot_at_after_restore_forgets_the_abandoned_future():
    trainer = Settings(batch_size=4, optimizer="momentum", lr=0.05).build()
    trainer.train(80)
    middle = trainer.snapshot_at(40)
    trainer.restore(middle)
    trainer.lr = 0.02
    trainer.train(20)
    straight = Settings(batch_size=4, optimizer="momentum", lr=0.05).build()
    straight.train(40)
    straight.lr = 0.02
    truth = snapshots_every_epoch(straight, 20, {})
    for epoch in range(40, 61, 4):
        assert_same_snapshot(trainer.snapshot_at(epoch), truth[epoch - 40])


def test_snapshot_at_bounds():
    trainer = Settings().build()
    trainer.train(5)
    with pytest.raises(ValueError, match="epoch must be between 0 and 5, got 6"):
        trainer.snapshot_at(6)
    with pytest.raises(ValueError, match="epoch must be between 0 and 5, got -1"):
        trainer.snapshot_at(-1)
    net = MLP([2, 3, 1])
    bare = Trainer(net, *datasets.generate_xor_easy(), record=False)
    bare.train(3)
    assert bare.snapshot_at(3).epoch == 3
    with pytest.raises(ValueError, match="keeps no checkpoints"):
        bare.snapshot_at(1)


def test_timeline_thins_to_its_budget_and_keeps_pinned_checkpoints():
    trainer = Settings(hidden=(2,)).build()
    size = trainer.snapshot().nbytes + 2048
    timeline = Timeline(budget=10 * size, stride=1)
    trainer = Trainer(trainer.net, trainer.X, trainer.y, timeline=timeline)
    trainer.train(7)
    trainer.lr = 0.2  # pinned at epoch 7
    trainer.train(300)
    assert timeline.nbytes <= timeline.budget and len(timeline) <= 10
    assert 0 in timeline.epochs and 7 in timeline.epochs
    regular = [e for e in timeline.epochs[:-1] if e not in (0, 7)]  # the latest one stays until the next
    assert all(e % timeline.stride == 0 for e in regular)
    assert timeline.at_or_before(6).epoch == 0 and timeline.at_or_before(7).epoch == 7


def test_the_trainer_uses_the_timeline_it_is_given():
    timeline = Timeline(budget=1_000_000, stride=4)
    trainer = Trainer(MLP([2, 3, 1]), *datasets.generate_xor_easy(), timeline=timeline)
    assert trainer.timeline is timeline
    trainer.train(9)
    assert timeline.epochs == [0, 4, 8]


def test_snapshot_at_after_restore_and_a_different_future_replays_the_new_run():
    """Checkpoints after a restore are new snapshots at old epochs: a replay must not reuse the old run."""
    trainer = Settings().build()
    trainer.train(20)
    at_20 = trainer.snapshot()
    trainer.train(80)
    old = trainer.snapshot_at(70)  # replayed from the checkpoint at 64
    trainer.restore(at_20)
    trainer.lr = 0.6
    trainer.train(80)
    straight = Settings().build()
    straight.train(20)
    straight.lr = 0.6
    straight.train(50)
    new = trainer.snapshot_at(70)
    assert not np.array_equal(new.weights, old.weights)
    assert_same_snapshot(new, straight.snapshot())


def test_200_000_epochs_stay_within_the_memory_budget_and_replay_exactly():
    """The budget holds over a long run (measured with tracemalloc), and thinned epochs still replay bit for bit."""
    budget = 4 * 2**20
    settings = Settings()
    X, y = settings.data()
    tracemalloc.start()
    trainer = Trainer(MLP(settings.sizes, seed=0), X, y, timeline=Timeline(budget=budget))
    before = tracemalloc.get_traced_memory()[0]
    trainer.train(200_000)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert trainer.epoch == 200_000
    assert trainer.timeline.nbytes <= budget
    assert trainer.timeline.stride >= 256  # thinned: 200 000 / 16 checkpoints would not fit
    # Everything the run holds: the checkpoints, plus the per-epoch history the app keeps by design.
    assert grown <= budget + trainer.history.nbytes() + 2**20
    target = 123_457  # not on any checkpoint's stride
    reference = Trainer(MLP(settings.sizes, seed=0), X, y, record=False)
    reference.train(target)
    np.testing.assert_array_equal(trainer.snapshot_at(target).weights, reference.net.flat)
