"""The training loop adapter: timer, ticks, frames, re-configuration."""

import numpy as np
import pytest

from core import LAB_PRESET
from gui.adapter import TrainingLoop


@pytest.fixture
def loop(qtbot):
    loop = TrainingLoop(LAB_PRESET)
    yield loop
    loop.pause()


def test_tick_trains_k_epochs_and_emits_one_frame(loop, qtbot):
    loop.set_epochs_per_tick(37)
    frames = []
    loop.frame_ready.connect(frames.append)
    loop.tick()
    assert loop.trainer.epoch == 37
    assert len(frames) == 1
    frame = frames[0]
    assert frame.snapshot.epoch == 37
    assert len(frame.loss) == 37
    assert frame.field.output.shape == (100, 100)
    np.testing.assert_allclose(frame.predictions, loop.trainer.net.forward(loop.trainer.X).ravel())


def test_step_is_exactly_one_epoch(loop):
    loop.set_epochs_per_tick(500)
    loop.step()
    loop.step()
    assert loop.trainer.epoch == 2
    assert len(loop.trainer.history) == 2


def test_timer_runs_and_pauses(loop, qtbot):
    with qtbot.waitSignal(loop.running_changed):
        loop.start()
    assert loop.running
    qtbot.waitUntil(lambda: loop.trainer.epoch >= 300, timeout=5000)
    loop.pause()
    stopped_at = loop.trainer.epoch
    qtbot.wait(100)
    assert loop.trainer.epoch == stopped_at
    assert not loop.running


def test_reset_reproduces_initial_weights(loop):
    initial = loop.trainer.net.flat.copy()
    loop.set_epochs_per_tick(50)
    loop.tick()
    assert not np.array_equal(loop.trainer.net.flat, initial)
    loop.reset()
    assert loop.trainer.epoch == 0
    np.testing.assert_array_equal(loop.trainer.net.flat, initial)


def test_learning_rate_and_activation_keep_weights(loop):
    loop.tick()
    weights = loop.trainer.net.flat.copy()
    trainer = loop.trainer
    loop.apply(loop.settings.with_(lr=0.5, activation="tanh", optimizer="momentum"))
    assert loop.trainer is trainer
    np.testing.assert_array_equal(trainer.net.flat, weights)
    assert trainer.lr == 0.5
    assert trainer.net.activation == "tanh"
    assert trainer.optimizer == "momentum"


def test_layer_sizes_rebuild(loop):
    rebuilt = []
    loop.rebuilt.connect(rebuilt.append)
    loop.tick()
    loop.apply(loop.settings.with_(hidden=(3, 4, 5)))
    assert rebuilt and rebuilt[-1].net.sizes == [2, 3, 4, 5, 1]
    assert loop.trainer.epoch == 0


def test_switching_loss_and_output_together_in_either_order(loop):
    loop.apply(loop.settings.with_(loss="bce"))
    assert loop.trainer.loss == "bce"
    with pytest.raises(ValueError):
        loop.apply(loop.settings.with_(output_activation="none"))
    assert loop.settings.output_activation == "sigmoid"
    loop.apply(loop.settings.with_(loss="mse", output_activation="none"))
    assert (loop.trainer.loss, loop.trainer.net.output_activation) == ("mse", "none")


def test_divergence_pauses_and_reports(loop, qtbot):
    loop.apply(loop.settings.with_(lr=100.0))
    messages = []
    loop.diverged.connect(messages.append)
    loop.start()
    qtbot.waitUntil(lambda: not loop.running, timeout=5000)
    assert messages and "diverged at epoch" in messages[0]
    epoch = loop.trainer.epoch
    loop.start()  # refused: a diverged run stays paused until reset
    assert not loop.running
    assert loop.trainer.epoch == epoch


def test_epoch_limit_pauses_once(loop, qtbot):
    loop.apply(loop.settings.with_(epochs=250))
    loop.set_epochs_per_tick(100)
    finished = []
    loop.finished.connect(finished.append)
    loop.start()
    qtbot.waitUntil(lambda: not loop.running, timeout=5000)
    assert loop.trainer.epoch == 250
    assert finished == [250]


def test_show_epoch_shows_exactly_that_epoch(loop):
    loop.set_epochs_per_tick(1000)
    loop.tick()
    frames = []
    loop.frame_ready.connect(frames.append)
    loop.show_epoch(437)
    reference = LAB_PRESET.build()
    reference.train(437)
    shown = frames[-1]
    assert shown.snapshot.epoch == 437 and shown.latest_epoch == 1000
    np.testing.assert_array_equal(shown.snapshot.weights, reference.net.flat)
    np.testing.assert_array_equal(shown.predictions, reference.net.forward(reference.X).ravel())
    loop.step_back()
    assert frames[-1].snapshot.epoch == 436
    loop.step()  # moves the view forward; trains nothing
    assert frames[-1].snapshot.epoch == 437 and loop.trainer.epoch == 1000


def test_resume_from_the_past_is_bit_identical(loop):
    loop.apply(loop.settings.with_(optimizer="adam", lr=0.01, batch_size=5))
    loop.set_epochs_per_tick(600)
    loop.tick()
    loop.show_epoch(250)
    loop.resume_here()
    assert loop.trainer.epoch == 250 and loop.viewed_epoch is None
    loop.set_epochs_per_tick(100)
    loop.tick()
    reference = loop.settings.build()
    reference.train(350)
    np.testing.assert_array_equal(loop.trainer.net.flat, reference.net.flat)
    np.testing.assert_array_equal(loop.trainer.history.loss, reference.history.loss)


def test_play_from_the_past_returns_to_the_present(loop, qtbot):
    loop.set_epochs_per_tick(200)
    loop.tick()
    loop.show_epoch(50)
    loop.start()
    assert loop.viewed_epoch is None
    qtbot.waitUntil(lambda: loop.trainer.epoch > 200, timeout=5000)


def test_auto_speed_fills_a_30_fps_frame_with_training(loop):
    from gui.adapter import AUTO, TARGET_FPS

    loop.set_epochs_per_tick(AUTO)
    loop._epoch_seconds, loop._other_seconds = 50e-6, 0.013  # measured costs: 50 µs an epoch, 13 ms drawing
    assert loop._auto_epochs() == int((1 / TARGET_FPS - 0.013) / 50e-6)
    loop._other_seconds = 0.5  # drawing alone is slower than a frame: still train, a little
    assert loop._auto_epochs() == int(0.002 / 50e-6)
    loop.tick()
    assert loop.trainer.epoch == int(0.002 / 50e-6)
