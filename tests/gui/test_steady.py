"""Steady widgets: a new text or value repaints only what it changes, and the screen stays right."""

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtWidgets import QApplication, QHBoxLayout, QLabel, QSlider, QWidget

from gui.steady import SteadyLabel, Timeline
from tests.gui.painted import on_screen


class Counter(QObject):
    """Counts one kind of event reaching the watched objects."""

    def __init__(self, kind: QEvent.Type, *watched: QObject) -> None:
        super().__init__()
        self.kind, self.count = kind, 0
        for obj in watched:
            obj.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        self.count += event.type() == self.kind
        return False


def shown(qtbot, *widgets) -> QWidget:
    window = QWidget()
    row = QHBoxLayout(window)
    for widget in widgets:
        row.addWidget(widget)
    qtbot.addWidget(window)
    window.resize(400, 40)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()  # the first layout and paint
    return window


def test_a_steady_label_fits_its_sample_and_new_text_does_not_lay_out_its_parent(qtbot):
    label = SteadyLabel("epoch 1,000,000", 50)
    window = shown(qtbot, label, QLabel("neighbour"))
    assert label.text() == ""
    assert label.width() >= QLabel("epoch 1,000,000").sizeHint().width()
    layouts = Counter(QEvent.Type.LayoutRequest, window)
    for epoch in (1, 22, 333, 999_999):
        label.setText(f"epoch {epoch:,}")
        QApplication.processEvents()
    assert layouts.count == 0
    assert SteadyLabel("x", 110).width() == 110  # the floor


def test_a_steady_label_grows_for_a_longer_text(qtbot):
    label = SteadyLabel("epoch 1", 0)
    _window = shown(qtbot, label)  # held: the window lives as long as the test
    narrow = label.width()
    label.setText("epoch 1,000,000,000,000")
    assert label.width() > narrow
    assert label.sizeHint().width() <= label.width() and label.sizeHint().height() <= label.height()
    label.setText("epoch 2")  # never shrinks back: the next long text would move everything again
    assert label.width() >= QLabel("epoch 1,000,000,000,000").sizeHint().width()


def test_the_timeline_repaints_only_when_its_handle_moves(qtbot):
    timeline = Timeline()
    _window = shown(qtbot, timeline)  # held: the window lives as long as the test
    timeline.setRange(0, 10_000)
    timeline.setValue(10_000)
    QApplication.processEvents()
    paints = Counter(QEvent.Type.Paint, timeline)
    for latest in range(10_001, 10_011):  # ten more epochs at the end: the handle stays at the end
        timeline.setRange(0, latest)
        timeline.setValue(latest)
        QApplication.processEvents()
    assert paints.count == 0
    timeline.setValue(5_000)  # half way: the handle moves
    QApplication.processEvents()
    assert paints.count == 1
    timeline.setRange(0, 5_000)  # the same value now at the end: the handle moves again
    QApplication.processEvents()
    assert paints.count == 2


def test_what_the_timeline_shows_is_what_a_fresh_slider_draws(qtbot):
    timeline, reference = Timeline(), QSlider(Qt.Orientation.Horizontal)
    _window = shown(qtbot, timeline, reference)  # held: the window lives as long as the test
    assert timeline.size() == reference.size()
    steps = [(0, 100, 100), (0, 101, 101), (0, 102, 40), (0, 1000, 40), (0, 1000, 1000), (0, 1003, 1003)]
    for low, high, value in steps:
        for slider in (timeline, reference):
            slider.setRange(low, high)
            slider.setValue(value)
        QApplication.processEvents()
        assert on_screen(timeline) == on_screen(reference), (low, high, value)
