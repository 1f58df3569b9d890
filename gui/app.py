"""Start the window, or render it once to a PNG (``--screenshot``)."""

from __future__ import annotations

import os
import sys

import numpy as np

from core import Settings

SCREENSHOT_SIZE = (1500, 900)
CHUNK = 2000  # epochs trained between event-loop turns while preparing a screenshot


def run(
    settings: Settings,
    *,
    data: tuple[np.ndarray, np.ndarray] | None = None,
    data_name: str | None = None,
    epochs: int | None = None,
    screenshot: str | None = None,
    show: str | None = None,
) -> int:
    """Open the main window (returns the exit code) or save a screenshot and exit.

    ``data``: points to train on instead of the settings' data set (from the file ``data_name``).
    """
    if not screenshot and not _display_available():
        print(
            "error: no display to open the window on (DISPLAY is not set); "
            "use --screenshot PATH to render it to a file, or 'main.py train' for the command line",
            file=sys.stderr,
        )
        return 2
    if screenshot:  # the command line has checked that the path can be written
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    import pyqtgraph as pg
    from PyQt6.QtWidgets import QApplication

    from gui.adapter import TrainingLoop
    from gui.assets import stylesheet
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    app.setStyleSheet(stylesheet())
    loop = TrainingLoop(settings, data)
    window = MainWindow(loop)
    if data is not None:
        window.panel.show_data_source(data_name or "a file")
    if show:
        window.show_panel(show)
    if not screenshot:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        code = app.exec()
        _tear_down(app, window)
        return code

    window.resize(*SCREENSHOT_SIZE)
    window.show()
    remaining = epochs or 0
    while remaining > 0 and loop.trainer.divergence is None:
        chunk = min(CHUNK, remaining)
        loop.train_now(chunk)
        remaining -= chunk
        app.processEvents()
    loop.emit_frame()
    app.processEvents()
    saved = window.grab().save(screenshot)
    _tear_down(app, window)
    if not saved:
        print(f"error: cannot write screenshot to {screenshot}", file=sys.stderr)
        return 2
    print(f"saved {screenshot} (epoch {loop.trainer.epoch})")
    return 0


def _display_available() -> bool:
    """False where Qt would abort the process for want of a screen (Linux without X or Wayland)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _tear_down(app, window) -> None:
    """Delete the window's C++ objects while the QApplication still exists.

    Left to interpreter shutdown, PyQt may destroy the application first and
    the widgets' destructors then crash the process after the work is done.
    """
    from PyQt6.QtCore import QEvent

    window.close()
    window.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    app.processEvents()
