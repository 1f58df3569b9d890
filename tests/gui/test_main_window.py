"""The whole window driven through real widgets: clicks, keys and the timer."""

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QToolBar

from core import LAB_PRESET
from core.datasets import DATASETS
from gui.adapter import TrainingLoop
from gui.diagram import NetworkDiagram
from gui.main_window import SPEEDS, MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot):
    window = MainWindow(TrainingLoop(LAB_PRESET))
    qtbot.addWidget(window)
    window.resize(1400, 850)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.loop.pause()


def click_action(qtbot, window, action):
    toolbar = window.findChild(QToolBar)
    qtbot.mouseClick(toolbar.widgetForAction(action), Qt.MouseButton.LeftButton)


def curve_points(window) -> int:
    return len(window.loss_plot.loss_curve.data[0])


def test_step_advances_exactly_one_epoch_and_the_curve_gains_one_point(window, qtbot):
    click_action(qtbot, window, window.step_action)
    assert window.loop.trainer.epoch == 1
    assert curve_points(window) == 1
    click_action(qtbot, window, window.step_action)
    assert window.loop.trainer.epoch == 2
    assert curve_points(window) == 2
    assert window.status["epoch"].text() == "epoch 2"


def test_play_then_pause(window, qtbot):
    assert window.speed_label.text() == "max at 30 fps"  # the default: as fast as a smooth picture allows
    click_action(qtbot, window, window.play_action)
    assert window.play_action.text() == "⏸ Pause"
    assert not window.diagram._edges.antialiased  # drawn for speed while it runs
    qtbot.waitUntil(lambda: window.loop.trainer.epoch >= 500, timeout=5000)
    click_action(qtbot, window, window.play_action)
    stopped = window.loop.trainer.epoch
    qtbot.wait(80)
    assert window.loop.trainer.epoch == stopped
    assert window.play_action.text() == "▶ Play"
    assert window.diagram._edges.antialiased
    assert curve_points(window) == stopped


def test_keyboard_space_right_left_and_r(window, qtbot):
    initial = window.loop.trainer.net.flat.copy()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.loop.trainer.epoch == 2
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.loop.shown_epoch == 1 and window.loop.trainer.epoch == 2
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.loop.running
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.loop.running
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.loop.trainer.epoch == 0
    np.testing.assert_array_equal(window.loop.trainer.net.flat, initial)


def test_layer_size_changes_rebuild_the_diagram(window, qtbot):
    qtbot.mouseClick(window.panel.add_layer, Qt.MouseButton.LeftButton)
    window.panel.width_boxes[0].setValue(3)
    sizes = window.loop.trainer.net.sizes
    assert sizes == [2, 3, 8, 8, 1]
    assert window.diagram.node_count == sum(sizes)
    assert window.diagram.edge_count == sum(a * b for a, b in itertools.pairwise(sizes))
    assert window.gradients.images[0].shape == (2, 3)


def test_activation_toggle_reaches_the_trainer_and_keeps_the_weights(window, qtbot):
    click_action(qtbot, window, window.step_action)
    weights = window.loop.trainer.net.flat.copy()
    combo = window.panel.activation
    combo.setCurrentIndex(combo.findData("relu"))
    assert window.loop.trainer.net.activation == "relu"
    np.testing.assert_array_equal(window.loop.trainer.net.flat, weights)


def test_reset_reproduces_the_initial_weights(window, qtbot):
    initial = window.loop.trainer.net.flat.copy()
    window.speed.setValue(SPEEDS.index(1000))
    click_action(qtbot, window, window.play_action)
    qtbot.waitUntil(lambda: window.loop.trainer.epoch > 100, timeout=5000)
    click_action(qtbot, window, window.reset_action)
    assert window.loop.trainer.epoch == 0 and not window.loop.running
    np.testing.assert_array_equal(window.loop.trainer.net.flat, initial)
    assert curve_points(window) == 0


def test_a_huge_learning_rate_pauses_with_the_banner(window, qtbot):
    edit = window.panel.lr.edit
    edit.selectAll()
    qtbot.keyClicks(edit, "100")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.loop.trainer.lr == 100.0
    click_action(qtbot, window, window.play_action)
    qtbot.waitUntil(lambda: not window.loop.running, timeout=5000)
    assert window.banner.isVisible()
    assert "diverged at epoch" in window.banner.text()
    assert "lower the learning rate" in window.banner.text()
    epoch = window.loop.trainer.epoch
    click_action(qtbot, window, window.play_action)
    assert window.loop.trainer.epoch == epoch
    click_action(qtbot, window, window.reset_action)
    assert not window.banner.isVisible()


def test_scrubbing_shows_exactly_the_recorded_epoch(window, qtbot):
    window.lens.setCurrentIndex(window.lens.findData("weight"))
    window.loop.set_epochs_per_tick(1500)
    window.loop.tick()
    window.timeline.setValue(640)
    assert window.loop.shown_epoch == 640
    assert window.timeline_label.text() == "epoch 640 of 1,500"
    reference = LAB_PRESET.build()
    reference.train(640)
    np.testing.assert_array_equal(window._frame.snapshot.weights, reference.net.flat)
    twin = NetworkDiagram()
    qtbot.addWidget(twin)
    twin.show_snapshot(reference.snapshot())
    np.testing.assert_array_equal(window.diagram.edge_colours(), twin.edge_colours())
    assert window.resume_button.isEnabled()
    window.lower_tabs.setCurrentIndex(1)  # the loss plot misses the frames from here until it is back
    qtbot.mouseClick(window.resume_button, Qt.MouseButton.LeftButton)
    assert window.loop.trainer.epoch == 640 and not window.resume_button.isEnabled()
    edit = window.panel.lr.edit  # a different run from here on: the curve must show it, not the forgotten one
    edit.selectAll()
    qtbot.keyClicks(edit, "0.5")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    window.loop.set_epochs_per_tick(860)
    window.loop.tick()
    assert window.loop.trainer.epoch == 1500
    window.lower_tabs.setCurrentIndex(0)
    x, y = window.loss_plot.loss_curve.data
    np.testing.assert_array_equal(y[x == 1500], window.loop.trainer.history.loss[-1:])
    assert y[x == 1500][0] != reference_loss_at(1500)


def test_clicking_the_loss_plot_shows_that_epoch(window, qtbot):
    window.loop.set_epochs_per_tick(300)
    window.loop.tick()
    plot = window.loss_plot
    qtbot.wait(20)  # the axes take their widths for the new range
    view = plot.getPlotItem().getViewBox()
    at = plot.mapFromScene(view.mapViewToScene(QPointF(120, 0.1)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    epoch = window.loop.shown_epoch
    assert abs(epoch - 120) <= 1 and window.timeline.value() == epoch  # 300 epochs on ~450 pixels
    assert window.timeline_label.text() == f"epoch {epoch} of 300" and window.loop.trainer.epoch == 300
    assert plot.marker.value() == epoch


def reference_loss_at(epoch: int) -> float:
    reference = LAB_PRESET.build()
    reference.train(epoch)
    return float(reference.history.loss[-1])


def test_lens_switch_recolours_the_diagram(window, qtbot):
    click_action(qtbot, window, window.step_action)
    window.lens.setCurrentIndex(window.lens.findData("gradient"))
    assert window.diagram.lens == "gradient"


def test_gradient_check_button(window, qtbot):
    window.show_panel("gradients")
    qtbot.mouseClick(window.gradcheck_button, Qt.MouseButton.LeftButton)
    text = window.gradcheck_result.text()
    assert "agree" in text and "DISAGREE" not in text and "layer 3" in text


def test_walkthrough_follows_a_clicked_point(window, qtbot):
    window.boundary.point_clicked.emit(3)
    assert window.lower_tabs.currentWidget() is window.walkthrough
    steps = window.walkthrough.steps
    assert len(steps) == 6 and steps[0].phase == "forward"
    assert window.diagram.highlighted_layer == 1
    qtbot.mouseClick(window.walkthrough.next, Qt.MouseButton.LeftButton)
    assert window.diagram.highlighted_layer == 2
    assert "Sample 3" in window.walkthrough.sample.text()


def test_invalid_settings_leave_a_message_not_a_traceback(window):
    combo = window.panel.loss
    combo.setCurrentIndex(combo.findData("bce"))
    out = window.panel.output_activation
    out.setCurrentIndex(out.findData("none"))
    assert window.loop.trainer.net.output_activation == "sigmoid"
    assert "sigmoid" in window.statusBar().currentMessage()


@pytest.mark.parametrize("name", list(DATASETS))
def test_smoke_200_ticks_of_the_full_window(window, qtbot, name):
    combo = window.panel.dataset
    combo.setCurrentIndex(combo.findData(name))
    assert window.loop.settings.dataset == name
    window.loop.set_epochs_per_tick(5)
    for tick in range(200):
        window.loop.tick()
        if tick % 50 == 0:
            qtbot.wait(1)
    assert window.loop.trainer.epoch == 1000 or window.loop.trainer.divergence is not None
    assert np.isfinite(window._frame.field.output).all()


def test_screenshot_writes_a_picture_of_the_window(tmp_path):
    target = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "main.py", "--screenshot", str(target), "--epochs", "300", "--show", "gradients"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    image = QImage(str(target))
    assert image.width() >= 1000 and image.height() >= 600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 200


def test_rebuilding_while_running_keeps_running(window, qtbot):
    click_action(qtbot, window, window.play_action)
    qtbot.waitUntil(lambda: window.loop.trainer.epoch > 100, timeout=5000)
    qtbot.mouseClick(window.panel.add_layer, Qt.MouseButton.LeftButton)
    assert window.loop.trainer.net.sizes == [2, 8, 8, 8, 1]
    assert window.loop.running
    qtbot.waitUntil(lambda: window.loop.trainer.epoch > 100, timeout=5000)
    assert window.diagram.node_count == 27
    click_action(qtbot, window, window.play_action)


def test_loading_points_from_a_csv_file(window, qtbot, monkeypatch, tmp_path):
    from PyQt6.QtWidgets import QFileDialog

    points = tmp_path / "points.csv"
    points.write_text("x1,x2,label\n0,0,0\n1,1,0\n0,1,1\n1,0,1\n0.5,0.2,1\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(points), ""))
    qtbot.mouseClick(window.panel.load_file, Qt.MouseButton.LeftButton)
    assert len(window.loop.trainer.X) == 5 and window.loop.trainer.epoch == 0
    assert window.panel.source.isVisible() and "points.csv" in window.panel.source.text()
    np.testing.assert_array_equal(window.boundary.points_of_class(1)[:, 0], [0.0, 1.0, 0.5])
    click_action(qtbot, window, window.step_action)
    click_action(qtbot, window, window.reset_action)  # a reset keeps the file's points
    assert len(window.loop.trainer.X) == 5

    points.write_text("0,0,0\n1,1,nan-label\n")
    qtbot.mouseClick(window.panel.load_file, Qt.MouseButton.LeftButton)
    assert "points.csv:2" in window.statusBar().currentMessage()
    assert len(window.loop.trainer.X) == 5  # nothing lost

    combo = window.panel.dataset  # choosing the data set it shows, XOR, leaves the file too, though nothing changed
    combo.showPopup()
    item = combo.view().visualRect(combo.model().index(combo.findData("xor"), 0)).center()
    qtbot.mouseClick(combo.view().viewport(), Qt.MouseButton.LeftButton, pos=item)
    assert len(window.loop.trainer.X) == 21 and window.loop.data is None
    assert not window.panel.source.isVisible()

    points.write_text("x1,x2,label\n0,0,0\n1,1,0\n0,1,1\n1,0,1\n0.5,0.2,1\n")
    qtbot.mouseClick(window.panel.load_file, Qt.MouseButton.LeftButton)
    assert len(window.loop.trainer.X) == 5
    combo.setCurrentIndex(combo.findData("linear"))  # choosing another data set leaves the file
    assert len(window.loop.trainer.X) == 100 and window.loop.data is None
    assert not window.panel.source.isVisible()
