"""A bare plot for the tests of single painted items."""

import pyqtgraph as pg
import pytest


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    widget.resize(300, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
