"""The model never imports Qt: core must run, and be tested, without a display or PyQt6 installed."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PyQt6", "pyqtgraph", "gui")

PROBE = """
import importlib, json, pkgutil, sys
import core
names = [m.name for m in pkgutil.iter_modules(core.__path__, "core.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "loaded": sorted(sys.modules)}))
"""


def test_importing_all_of_core_loads_no_qt_and_no_gui():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    expected = sorted(m.name for m in pkgutil.iter_modules(core.__path__, "core."))
    assert sorted(report["modules"]) == expected and "core.trainer" in expected
    offenders = [m for m in report["loaded"] if m.split(".")[0] in FORBIDDEN]
    assert offenders == []
