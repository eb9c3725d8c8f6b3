"""Errors from the spread over networks (crit.analysis.resampling) against known answers."""

from __future__ import annotations

import numpy as np
import pytest

from crit.analysis import resampling


def test_jackknife_of_a_mean_is_the_standard_error():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=400)
    est, err = resampling.jackknife(lambda a: a.mean(-1), x)
    assert est == pytest.approx(x.mean())
    assert err == pytest.approx(x.std(ddof=1) / np.sqrt(x.size), rel=1e-10)


def test_jackknife_of_fewer_than_three_networks_keeps_the_estimate_without_an_error():
    est, err = resampling.jackknife(lambda a: a.mean(-1), np.array([1.0, 3.0]))
    assert est == 2.0 and np.isnan(err)
    assert "at least 3 networks, got 2" in resampling.too_few_networks(2) and resampling.too_few_networks(3) == ""


def test_network_resamples_take_whole_networks_with_replacement():
    network = np.repeat(np.arange(5), [3, 1, 4, 2, 5])
    draws = list(resampling.network_resamples(network, 50, np.random.default_rng(3)))
    for idx in draws:
        counts = np.bincount(network[idx], minlength=5)
        sizes = np.bincount(network, minlength=5)
        assert np.all((counts % np.where(sizes > 0, sizes, 1)) == 0)  # whole networks only
        assert counts.sum() // 1 == sum(sizes[k] * (counts[k] // sizes[k]) for k in range(5))
    assert len({tuple(np.sort(i)) for i in draws}) > 10
    with pytest.raises(TypeError, match="Generator"):
        next(resampling.network_resamples(network, 2, 0))


def test_jackknife_error_is_the_standard_error_of_a_mean_and_skips_failed_estimates():
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    loo = np.array([np.delete(x, k).mean() for k in range(x.size)])
    assert resampling.jackknife_error(loo) == pytest.approx(x.std(ddof=1) / np.sqrt(x.size), rel=1e-12)
    # a left-out sample that could not be estimated (NaN) counts as missing, not as zero
    with_gap = np.append(loo, np.nan)
    assert resampling.jackknife_error(with_gap) == pytest.approx(resampling.jackknife_error(loo))
    assert np.isnan(resampling.jackknife_error([1.0, np.nan]))
    per_row = resampling.jackknife_error(np.vstack([loo, 2 * loo]), axis=1)
    assert per_row[1] == pytest.approx(2 * per_row[0])
