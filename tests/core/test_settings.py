"""Settings: one-line validation messages, which changes keep the weights, building a run."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from core import LAB_PRESET, Settings, datasets
from core.settings import KEEP_WEIGHTS, REBUILD


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hidden": (0,)}, r"layer sizes must be ≥ 1, got 0"),
        ({"hidden": (8, -3)}, r"layer sizes must be ≥ 1, got -3"),
        ({"hidden": (129,)}, r"layer sizes must be ≤ 128, got 129"),
        ({"hidden": (2,) * 9}, r"at most 8 hidden layers"),
        ({"lr": float("nan")}, r"learning rate must be a finite number > 0, got nan"),
        ({"lr": float("inf")}, r"learning rate must be a finite number > 0, got inf"),
        ({"lr": 0.0}, r"learning rate must be a finite number > 0, got 0.0"),
        ({"lr": -0.1}, r"learning rate must be a finite number > 0, got -0.1"),
        ({"epochs": -1}, r"epochs must be ≥ 0, got -1"),
        ({"batch_size": -2}, r"batch size must be ≥ 0 \(0 = full batch\), got -2"),
        ({"n_points": 1}, r"number of points must be between 2 and 100000, got 1"),
        ({"noise": 1.5}, r"noise must be between 0 and 1, got 1.5"),
        ({"noise": float("nan")}, r"noise must be between 0 and 1, got nan"),
        ({"seed": -1}, r"seeds must be ≥ 0"),
        ({"data_seed": -1}, r"seeds must be ≥ 0"),
        ({"dataset": "moons"}, r"unknown dataset 'moons'; choose one of linear, xor, circle, spiral"),
        ({"activation": "gelu"}, r"unknown activation 'gelu'; choose one of sigmoid, tanh, relu, leaky_relu, none"),
        ({"output_activation": "tanh"}, r"unknown output activation 'tanh'; choose one of sigmoid, none"),
        ({"init": "lecun"}, r"unknown init 'lecun'; choose one of uniform01, xavier, he"),
        ({"loss": "hinge"}, r"unknown loss 'hinge'; choose one of mse, bce"),
        ({"optimizer": "rmsprop"}, r"unknown optimizer 'rmsprop'; choose one of sgd, momentum, adam"),
        ({"loss": "bce", "output_activation": "none"}, r"loss 'bce' needs output activation 'sigmoid'"),
    ],
)
def test_bad_settings_are_refused_with_one_line(changes, message):
    for attempt in (Settings(**changes).validated, Settings(**changes).build, lambda: LAB_PRESET.with_(**changes)):
        with pytest.raises(ValueError, match=message) as error:
            attempt()
        assert "\n" not in str(error.value)


def test_good_settings_pass_and_with_returns_a_new_value():
    assert LAB_PRESET.validated() is LAB_PRESET
    faster = LAB_PRESET.with_(lr=0.5, hidden=(2, 2))
    assert (faster.lr, faster.hidden) == (0.5, (2, 2))
    assert (LAB_PRESET.lr, LAB_PRESET.hidden) == (0.15, (8, 8))
    assert Settings(hidden=()).sizes == [2, 1]


def test_every_field_is_either_kept_or_rebuilt():
    names = {f.name for f in fields(Settings)}
    assert names == KEEP_WEIGHTS | REBUILD
    assert not KEEP_WEIGHTS & REBUILD


@pytest.mark.parametrize(
    ("changes", "rebuild"),
    [
        ({"lr": 0.5}, False),
        ({"activation": "tanh", "optimizer": "adam"}, False),
        ({"batch_size": 4, "epochs": 10}, False),
        ({"hidden": (4,)}, True),
        ({"seed": 3}, True),
        ({"dataset": "linear", "lr": 0.5}, True),
        ({"init": "xavier"}, True),
        ({}, False),
    ],
)
def test_needs_rebuild(changes, rebuild):
    other = LAB_PRESET.with_(**changes)
    assert LAB_PRESET.changed(other) == set(changes)
    assert LAB_PRESET.needs_rebuild(other) is rebuild
    assert other.needs_rebuild(LAB_PRESET) is rebuild


def test_build_follows_every_setting():
    settings = Settings(
        dataset="circle",
        n_points=60,
        noise=0.1,
        data_seed=4,
        hidden=(3, 5, 2),
        activation="relu",
        output_activation="none",
        init="he",
        optimizer="momentum",
        lr=0.01,
        batch_size=10,
    )
    trainer = settings.build()
    X, y = datasets.make_dataset("circle", 60, 0.1, np.random.default_rng(4))
    assert np.array_equal(trainer.X, X) and np.array_equal(trainer.y, y)
    assert trainer.net.sizes == [2, 3, 5, 2, 1]
    assert (trainer.net.activation, trainer.net.output_activation) == ("relu", "none")
    assert (trainer.optimizer, trainer.lr, trainer.batch_size, trainer.loss) == ("momentum", 0.01, 10, "mse")


def test_build_with_given_data():
    X, y = datasets.from_arrays([[0, 0], [1, 1], [0, 1]], [0, 0, 1])
    trainer = Settings().build((X, y))
    assert np.array_equal(trainer.X, X) and trainer.y.shape == (3, 1)
