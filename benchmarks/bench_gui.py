"""Frame costs of the window: a full redraw, live training at the lab's pace, scrubbing.

    python benchmarks/bench_gui.py [--speed K] [--repeats N]

Runs the real main window offscreen at 1500×900 (``QT_QPA_PLATFORM=offscreen``
unless a display is set).  Figures, medians of ``--repeats`` samples:

* full redraw after a Step (one more epoch, paused, so drawn antialiased):
  building the frame (the field of every neuron on a 100×100 grid,
  predictions, saturation), then the views' update and painting the window,
  each timed; every sample draws new weights, as a person stepping sees;
* the same frame sent again (how this was measured before: less work than a Step);
* live: the lab preset (XOR, 20 000 epochs) played through the QTimer at
  ``--speed`` epochs per frame: wall time, frames per second, epochs per second;
* scrub: show a random past epoch (replayed from the nearest checkpoint) and paint,
  with the decision boundary in front, then with the gradient panel.

The targets are absolute (≤ 8 ms a redraw, 20 000 epochs in ≤ 5 s at ≥ 30 fps,
≤ 16 ms a scrub), so this machine's noise shows in the spread: the output
gives the quartiles, not just the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as main.py runs the window

import numpy as np

from core import LAB_PRESET
from gui.adapter import AUTO, TrainingLoop
from gui.app import application
from gui.main_window import MainWindow


def quartiles(samples: list[float]) -> str:
    q1, q2, q3 = statistics.quantiles(samples, n=4)
    return f"median {q2:6.2f} ms  (quartiles {q1:.2f}–{q3:.2f})"


def report(label: str, samples: list[float], target: str = "") -> None:
    print(f"{label + ':':<58} {quartiles(samples)}{'   target ' + target if target else ''}")


def timed(action, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1e3)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--speed", type=int, default=AUTO, help="epochs per frame for the live run (default 0: as many as 30 fps allow)"
    )
    parser.add_argument("--repeats", type=int, default=60, help="samples per measurement (default 60)")
    args = parser.parse_args(argv)

    app = application()
    loop = TrainingLoop(LAB_PRESET)
    window = MainWindow(loop)
    window.resize(1500, 900)
    window.show()
    app.processEvents()
    loop.train_now(2000)  # a realistic picture: weights of both signs, a loss curve
    app.processEvents()
    print(f"lab preset (XOR, 2-8-8-1), window 1500×900, Qt platform {app.platformName()}")

    build, redraw, total = [], [], []
    for _ in range(args.repeats):
        loop.trainer.train(1)  # what Step does before its frame, untimed: 40 µs
        start = time.perf_counter()
        frame = loop.frame()
        built = time.perf_counter()
        window._on_frame(frame)  # the slot the frame signal drives
        app.processEvents()  # paints what the frame changed, as the event loop does
        done = time.perf_counter()
        build.append((built - start) * 1e3)
        redraw.append((done - built) * 1e3)
        total.append((done - start) * 1e3)
    report("Step: build the frame (100×100 field, predictions)", build)
    report("Step: update the views and paint them", redraw)
    report("Step: full redraw (both)", total, "≤ 8 ms")

    def same_frame() -> None:
        loop.emit_frame()
        app.processEvents()

    report("the same frame sent again", timed(same_frame, args.repeats))

    def redraw_frame() -> None:
        loop.trainer.train(1)
        loop.emit_frame()
        app.processEvents()

    window.show_panel("gradients")
    with_gradients = timed(redraw_frame, args.repeats)
    report("Step with the gradients tab in front", with_gradients)
    window.show_panel("boundary")

    loop.reset()
    loop.set_epochs_per_tick(args.speed)
    frames = []
    loop.frame_ready.connect(lambda _: frames.append(time.perf_counter()))
    start = time.perf_counter()
    loop.start()
    while loop.running:
        app.processEvents()
    elapsed = time.perf_counter() - start
    fps = (len(frames) - 1) / (frames[-1] - frames[0])
    print(
        f"live: {loop.trainer.epoch:,} epochs at {args.speed or 'auto'} epochs/frame in {elapsed:.2f} s "
        f"({loop.trainer.epoch / elapsed:,.0f} epochs/s), {fps:.0f} fps   target ≤ 5 s at ≥ 30 fps"
    )

    rng = np.random.default_rng(0)

    def scrub() -> list[float]:
        samples = []
        window.timeline.setSliderDown(True)  # dragging the timeline, as a person scrubs
        for epoch in rng.integers(0, loop.trainer.epoch, args.repeats):
            start = time.perf_counter()
            window.timeline.setValue(int(epoch))
            app.processEvents()
            samples.append((time.perf_counter() - start) * 1e3)
        window.timeline.setSliderDown(False)
        return samples

    report("drag the timeline to a random past epoch, paint", scrub(), "≤ 16 ms")
    window.show_panel("gradients")
    report("the same with the gradients tab in front", scrub(), "≤ 16 ms")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
