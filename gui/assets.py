"""Files under ``assets/``, found next to the code, never via the working directory."""

from __future__ import annotations

import json
from pathlib import Path

from core import LAB_PRESET, Settings

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def presets() -> dict[str, Settings]:
    """Named one-click experiments: the lab preset with some fields changed."""
    raw = json.loads((ASSETS / "presets.json").read_text(encoding="utf-8"))
    out = {}
    for name, changes in raw.items():
        if "hidden" in changes:
            changes["hidden"] = tuple(changes["hidden"])
        out[name] = LAB_PRESET.with_(**changes)
    return out


def stylesheet() -> str:
    return (ASSETS / "style.qss").read_text(encoding="utf-8")
