"""The control panel: real clicks and typing produce the right settings requests."""

import pytest
from PyQt6.QtCore import Qt

from core import LAB_PRESET
from gui.controls import ControlPanel


@pytest.fixture
def panel(qtbot):
    panel = ControlPanel(LAB_PRESET)
    qtbot.addWidget(panel)
    requests = []
    panel.settings_requested.connect(requests.append)
    panel.requests = requests
    # The window confirms each request; emulate it so the panel shows the new state.
    panel.settings_requested.connect(panel.set_settings)
    return panel


def test_add_and_remove_hidden_layer(panel, qtbot):
    qtbot.mouseClick(panel.add_layer, Qt.MouseButton.LeftButton)
    assert panel.requests[-1].hidden == (8, 8, 8)
    assert len(panel.width_boxes) == 3
    qtbot.mouseClick(panel.remove_layer, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.remove_layer, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.remove_layer, Qt.MouseButton.LeftButton)
    assert panel.requests[-1].hidden == ()
    assert not panel.remove_layer.isEnabled()


def test_neuron_count_step(panel, qtbot):
    box = panel.width_boxes[1]
    box.stepUp()
    assert panel.requests[-1].hidden == (8, 9)


def test_activation_toggle(panel):
    panel.activation.setCurrentIndex(panel.activation.findData("relu"))
    assert panel.requests[-1].activation == "relu"


def test_typed_learning_rate(panel, qtbot):
    edit = panel.lr.edit
    edit.selectAll()
    qtbot.keyClicks(edit, "0.5")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert panel.requests[-1].lr == 0.5


@pytest.mark.parametrize("text", ["0", "-1", "abc", "nan", "inf"])
def test_bad_learning_rate_is_refused_with_a_message(panel, qtbot, text):
    messages = []
    panel.message.connect(messages.append)
    edit = panel.lr.edit
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert panel.requests == []
    assert messages and "learning rate" in messages[0]
    assert edit.text() == "0.15"


def test_learning_rate_steps_on_a_log_scale(panel, qtbot):
    qtbot.mouseClick(panel.lr.up, Qt.MouseButton.LeftButton)
    assert panel.requests[-1].lr == 0.3
    qtbot.mouseClick(panel.lr.down, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.lr.down, Qt.MouseButton.LeftButton)
    assert panel.requests[-1].lr == 0.1


def test_invalid_combination_is_refused(panel):
    messages = []
    panel.message.connect(messages.append)
    panel.loss.setCurrentIndex(panel.loss.findData("bce"))
    panel.output_activation.setCurrentIndex(panel.output_activation.findData("none"))
    assert "sigmoid" in messages[-1]
    assert panel.output_activation.currentData() == "sigmoid"


def test_lab_data_sets_disable_the_point_count(panel):
    assert not panel.points.isEnabled()
    panel.dataset.setCurrentIndex(panel.dataset.findData("spiral"))
    assert panel.requests[-1].dataset == "spiral"
    assert panel.points.isEnabled() and panel.noise.isEnabled()


def test_presets_and_lab_button(panel, qtbot):
    index = next(i for i in range(panel.preset.count()) if "too large" in panel.preset.itemText(i))
    panel.preset.activated.emit(index)
    assert panel.requests[-1].lr == 2.0
    qtbot.mouseClick(panel.lab_button, Qt.MouseButton.LeftButton)
    assert panel.requests[-1] == LAB_PRESET


def test_typed_numbers_out_of_range_are_refused_with_a_message(panel, qtbot):
    messages = []
    panel.message.connect(messages.append)
    box = panel.width_boxes[0]
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "100")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert any("out of range: 1 to 64" in m for m in messages)
    assert panel.settings.hidden[0] == 10  # the "0" that made 100 was refused; 10 stands
    panel.noise.setEnabled(True)
    panel.noise.lineEdit().selectAll()
    qtbot.keyClicks(panel.noise.lineEdit(), "5")
    assert any("out of range: 0 to 1" in m for m in messages)
