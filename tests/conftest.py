"""Test set-up: Qt runs offscreen, before any test module imports it."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
