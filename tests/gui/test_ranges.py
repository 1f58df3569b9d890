"""Stepped axis ranges: ladder ceilings and whole decades."""

import numpy as np
import pytest

from gui.ranges import decades, nice_ceiling


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1.0, 1.0), (1.01, 1.2), (2.0, 2.0), (3.1, 4.0), (7.0, 8.0), (0.24, 0.25), (20_000, 20_000), (20_001, 25_000)],
)
def test_nice_ceiling(value, expected):
    assert nice_ceiling(value) == pytest.approx(expected)


def test_decades_cover_the_positive_finite_values():
    values = [np.array([3e-4, 0.2, np.nan, 0.0]), np.array([-1.0, 7.0, np.inf])]
    assert decades(values) == (-4.0, 1.0)
    assert decades([np.array([0.5])]) == (-1.0, 0.0)  # one value still spans a decade
    assert decades([np.array([0.0, -2.0, np.nan])]) is None
