"""Backprop Lab's model: pure NumPy, no Qt, testable without a display."""

from core import datasets
from core.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from core.history import History
from core.initializers import INITIALIZERS
from core.losses import LOSSES
from core.network import MLP, Trace
from core.optimizers import OPTIMIZERS
from core.settings import LAB_PRESET, Settings
from core.snapshot import Snapshot
from core.trainer import Divergence, Trainer

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LAB_PRESET",
    "LOSSES",
    "MLP",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "Divergence",
    "History",
    "Settings",
    "Snapshot",
    "Trace",
    "Trainer",
    "datasets",
]
