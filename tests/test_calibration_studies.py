"""The calibration studies of benchmarks/ judge an error by the scatter of its value over seeds: the
judge itself is checked here on values drawn with known errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import torch

_path = Path(__file__).resolve().parents[1] / "benchmarks" / "_calibration.py"
_spec = importlib.util.spec_from_file_location("_calibration", _path)
calibration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(calibration)


def test_right_errors_that_vary_from_seed_to_seed_give_a_ratio_near_one():
    """Over 200 draws like this one the ratio was 1.00 ± 0.04 and its interval held 1 at 88 % of them."""
    rng = np.random.default_rng(1)
    error = rng.uniform(0.5, 2.0, 400)
    value = 3.0 + error * rng.standard_normal(400)  # errors that vary from seed to seed, all right
    ratio, low, high, n = calibration.scatter_ratio(value, error, np.random.default_rng(2))
    assert n == 400 and 0.85 < ratio < 1.15 and low < ratio < high and high - low < 0.25
    assert np.isclose(ratio, value.std(ddof=1) / np.sqrt(np.mean(error**2)))  # the rms error, not the mean
    assert value.std(ddof=1) / error.mean() > ratio * 1.05  # which would have put these right errors above 1


def test_an_error_half_too_small_is_caught():
    rng = np.random.default_rng(3)
    value = rng.standard_normal(400)
    ratio, low, high, _ = calibration.scatter_ratio(value, np.full(400, 0.5), np.random.default_rng(4))
    assert 1.8 < low < ratio < high < 2.2


def test_unusable_seeds_are_left_out_and_few_seeds_get_no_interval():
    value = np.array([1.0, 2.0, np.nan, 3.0, 4.0])
    error = np.array([1.0, 1.0, 1.0, 0.0, np.inf])
    ratio, low, high, n = calibration.scatter_ratio(value, error, np.random.default_rng(0))
    assert n == 2 and np.isclose(ratio, np.std([1.0, 2.0], ddof=1)) and np.isnan(low) and np.isnan(high)
    assert np.isnan(calibration.scatter_ratio([1.0], [1.0], np.random.default_rng(0))[0])


def test_seeds_come_back_in_order_on_any_number_of_processes():
    seeds = [5, 1, 3]
    threads = torch.get_num_threads()
    assert list(calibration.over_seeds(abs, seeds, jobs=1)) == [(5, 5), (1, 1), (3, 3)]
    assert torch.get_num_threads() == threads
    assert list(calibration.over_seeds(abs, seeds, jobs=2)) == [(5, 5), (1, 1), (3, 3)]


def test_the_seeds_beyond_two_errors_of_the_truth_or_of_the_mean_are_counted():
    rng = np.random.default_rng(5)
    error = np.where(rng.uniform(size=400) < 0.5, 0.5, 2.0)
    value = 1.0 + error * rng.standard_normal(400)
    assert 8 <= calibration.beyond_two_errors(value, error, centre=1.0) <= 35  # 5 % of 400 is 20
    assert calibration.beyond_two_errors(value, error, centre=0.0) > 60  # the wrong truth
    # right on average, wrong seed by seed: each error swapped between the small and the large
    swapped = np.where(error == 0.5, 2.0, 0.5)
    assert calibration.beyond_two_errors(value, swapped) > 100
    line = calibration.ratio_line("x", value, swapped)
    assert line.endswith(f"from the mean over seeds at {calibration.beyond_two_errors(value, swapped)}")
