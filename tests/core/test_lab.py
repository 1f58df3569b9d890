"""The lab preset reproduces the report: same algorithm, same results."""

from __future__ import annotations

import numpy as np
import pytest

from core import LAB_PRESET, Settings
from tests.core import lab_reference


def test_preset_is_the_reports_setup():
    trainer = LAB_PRESET.build()
    net = trainer.net
    assert net.sizes == [2, 8, 8, 1]
    assert (net.activation, net.output_activation) == ("sigmoid", "sigmoid")
    assert (trainer.loss, trainer.optimizer, trainer.lr, trainer.batch_size) == ("mse", "sgd", 0.15, 0)
    assert LAB_PRESET.epochs == 20000
    for W, b in net.params:  # U(0, 1) weights, zero biases
        assert np.all((W >= 0.0) & (W < 1.0)) and np.all(b == 0.0)
    assert trainer.X.shape == (21, 2)


@pytest.mark.parametrize(("dataset", "accuracy"), [("xor", 0.95), ("linear", 1.0)])
def test_preset_reaches_the_reports_accuracy(dataset, accuracy):
    trainer = Settings(dataset=dataset, seed=0).build()
    assert trainer.train(20000) == 20000
    assert trainer.divergence is None
    _, loss, final = trainer.evaluate()
    assert final >= accuracy
    assert loss < trainer.history.loss[0] / 5  # and the loss came down on the way


def test_trainer_is_the_reports_loop_on_xor():
    """The fast feature-major path follows the report's plain loop for 200 epochs."""
    trainer = Settings().build()
    initial = [(W.copy(), b.copy()) for W, b in trainer.net.params]
    losses, params = lab_reference.train(initial, trainer.X, trainer.y, lr=0.15, epochs=200)
    trainer.train(200)
    np.testing.assert_allclose(trainer.history.loss, losses, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trainer.net.flat, lab_reference.flatten(params), rtol=0, atol=1e-9)


def test_trainer_is_the_reports_loop_on_linear_epoch_by_epoch():
    """On the linear set, lr 0.15 on a 100-sample sum makes the first ~50 epochs chaotic: two exact
    implementations drift apart from rounding alone (1e-15 → 1e-8 by epoch 30).  So every epoch is
    compared as one step of the report's loop from the trainer's own weights."""
    trainer = Settings(dataset="linear").build()
    for _ in range(200):
        before = [(W.copy(), b.copy()) for W, b in trainer.net.params]
        [loss], after = lab_reference.train(before, trainer.X, trainer.y, lr=0.15, epochs=1)
        trainer.step()
        assert trainer.last_loss == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(trainer.net.flat, lab_reference.flatten(after), rtol=0, atol=1e-12)
