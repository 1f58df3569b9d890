"""Start the window, or render it once to a PNG (``--screenshot``)."""

from __future__ import annotations

import ctypes
import os
import sys

import numpy as np

from core import Settings

SCREENSHOT_SIZE = (1500, 900)
CHUNK = 2000  # epochs trained between event-loop turns while preparing a screenshot
# glibc's mallopt parameters (malloc.h) and the values keep_freed_memory gives them.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
KEPT_BYTES = 256 * 2**20  # freed memory kept at the top of the heap before any is returned
MAPPED_FROM_BYTES = 32 * 2**20  # blocks this large and larger get their own mapping (glibc's maximum)


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

    from gui.adapter import TrainingLoop
    from gui.main_window import MainWindow

    app = application()
    loop = TrainingLoop(settings, data)
    window = MainWindow(loop)
    if data is not None:
        window.panel.show_data_source(data_name or "a file")
    if show:
        window.show_panel(show)
    if not screenshot:
        available = window.screen().availableGeometry()
        window.resize(*first_size(available.width(), available.height()))
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


def first_size(screen_width: int, screen_height: int) -> tuple[int, int]:
    """The window's size when it opens: the screenshots' size, or 90 % of a smaller screen's free area.

    A window larger than the screen would open with its status bar or side panel out of reach.
    """
    width, height = SCREENSHOT_SIZE
    return min(width, int(0.9 * screen_width)), min(height, int(0.9 * screen_height))


def application():
    """The QApplication, set up as the window expects: pyqtgraph's options, the style sheet, the allocator.

    Shared by ``run`` and the benchmarks, so these measure the window a person sees.
    """
    import pyqtgraph as pg
    from PyQt6.QtWidgets import QApplication

    from gui.assets import stylesheet

    keep_freed_memory()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    pg.setConfigOptions(antialias=True, background="w", foreground="k")
    app.setStyleSheet(stylesheet())
    return app


def keep_freed_memory() -> None:
    """Ask glibc's allocator to keep freed memory for reuse, where that allocator is in use.

    A frame allocates and frees a few megabytes of arrays (every neuron's map, their colours).
    By default glibc hands freed memory at the top of the heap back to the system and serves
    blocks above a size threshold from fresh mappings, so the next frame faults the same pages
    in again, zero-filled: about a hundred page faults a frame.  The thresholds raised, the
    memory is reused, the faults are gone, and the process keeps what its largest frame needed.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # another C library (musl): its own policy
        return
    libc.mallopt(M_TRIM_THRESHOLD, KEPT_BYTES)
    libc.mallopt(M_MMAP_THRESHOLD, MAPPED_FROM_BYTES)


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
