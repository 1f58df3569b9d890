"""The process set-up the window runs with."""

import subprocess
import sys
from pathlib import Path

import pytest

from gui.app import SCREENSHOT_SIZE, first_size

ROOT = Path(__file__).resolve().parents[2]

# Page faults per frame of the field: the allocator's default policy against keep_freed_memory.
FRAMES = """
import resource, sys
from core import LAB_PRESET
from core.field import domain, evaluate_field
from gui.app import keep_freed_memory
if sys.argv[1] == "keep":
    keep_freed_memory()
trainer = LAB_PRESET.build()
net, bounds = trainer.snapshot().network(), domain(trainer.X)
for _ in range(5):
    evaluate_field(net, bounds, 100)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(40):
    evaluate_field(net, bounds, 100)
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 40)
"""


def faults_per_frame(policy: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", FRAMES, policy], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return float(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the setting is glibc's")
def test_kept_freed_memory_spares_the_frames_their_page_faults():
    kept, default = faults_per_frame("keep"), faults_per_frame("default")
    assert kept <= 1.0
    assert default >= 50 * max(kept, 1.0)  # what it is for: glibc's default faults hundreds of pages a frame


def test_the_window_opens_within_a_smaller_screen_and_at_full_size_on_a_large_one():
    assert first_size(1366, 728) == (1229, 655)  # a laptop's screen less its task bar: 90 % of it
    assert first_size(2560, 1400) == SCREENSHOT_SIZE
    assert first_size(1920, 900) == (SCREENSHOT_SIZE[0], 810)
