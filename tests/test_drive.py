"""The dimensionless drive h = N sigma_b^2/q0: its conversions, and the drives of the old sweep along the ridge.
One point's exponents are checked through the sweeps (tests/test_drive_lines.py and
tests/test_threshold_and_disorder.py)."""

from __future__ import annotations

import numpy as np
import pytest

from crit.analysis import drive


def test_the_drive_round_trips_and_is_the_bias_share_of_the_threshold():
    assert drive.drive_from_sigma_b2(1e-4, 100, 0.1) == pytest.approx(0.1)
    assert drive.drive_to_sigma_b2(0.1, 100, 0.1) == pytest.approx(1e-4)
    assert drive.drive_from_sigma_b2(1e-2, 48, 0.1) == pytest.approx(4.8)  # the rows where every input survives
    h = np.array([0.0, 1e-3, 0.3, 2.0])
    for width, q0 in ((16, 0.01), (100, 0.1), (500, 0.1)):
        back = drive.drive_from_sigma_b2(drive.drive_to_sigma_b2(h, width, q0), width, q0)
        assert isinstance(back, np.ndarray) and np.allclose(back, h, rtol=1e-14, atol=0)
    assert isinstance(drive.drive_to_sigma_b2(0.5, 10, 0.1), float)
    # h = N sigma_b^2 / q0 is the bias's share of ||h||^2 per layer: the bias alone adds N sigma_b^2
    width, q0, h_value = 200, 0.1, 0.5
    sigma_b2 = drive.drive_to_sigma_b2(h_value, width, q0)
    b = np.random.default_rng(0).normal(0, np.sqrt(sigma_b2), (4000, width))
    assert np.mean(np.sum(b**2, axis=1)) / q0 == pytest.approx(h_value, rel=0.01)


def test_bad_drives_raise_and_name_the_value():
    with pytest.raises(ValueError, match="h must be >= 0"):
        drive.drive_to_sigma_b2(-0.1, 10, 0.1)
    with pytest.raises(ValueError, match="sigma_b2 contains 1 non-finite"):
        drive.drive_from_sigma_b2([0.1, np.nan], 10, 0.1)
    with pytest.raises(ValueError, match="q0 must be > 0"):
        drive.drive_to_sigma_b2(0.1, 10, 0.0)
    with pytest.raises(ValueError, match="width must be an integer >= 1"):
        drive.drive_from_sigma_b2(0.1, 0, 0.1)
