"""Errors from the spread over networks (crit.analysis.resampling) against known answers: the jackknife,
resamples of whole networks, and the bootstrap of an estimator over them (its coverage of a known exponent,
its spread and covariance)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crit.analysis import resampling
from crit.analysis.fit_ranges import tail_exponent
from crit.models import exact_models as em


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


def test_the_network_bootstrap_covers_a_known_exponent_at_its_nominal_rate():
    # 300 independent data sets of 4000 critical Galton-Watson trees (Borel sizes, tau = 3/2 exactly up to
    # 1/(12 s) corrections), each in 80 artificial networks of 50; x_min re-selected in every resample
    reps, n, per, known = 300, 4000, 50, 1.5
    gw = em.galton_watson(reps * n, keep_traces=False, max_generations=30_000, rng=7)
    labels = np.arange(n) // per
    covered, estimates = [], []
    for r in range(reps):
        part = slice(r * n, (r + 1) * n)
        ended = ~gw.survived[part]
        s = gw.sizes[part][ended]
        boot = resampling.network_bootstrap(labels[ended], lambda i, s=s: [tail_exponent(s[i], discrete=True)[0]],
                                            names=["tau_s"], n_resamples=100, rng=np.random.default_rng(r))
        estimate, error = boot.estimate[0], boot.errors[0]
        covered.append(abs(estimate - known) <= 1.96 * error)
        estimates.append(estimate)
    coverage = float(np.mean(covered))
    assert 0.90 <= coverage <= 0.98, coverage
    assert abs(np.mean(estimates) - known) < 0.005  # the estimator itself is unbiased here


def test_a_generic_bootstrap_gives_the_spread_and_covariance_over_networks():
    rng = np.random.default_rng(0)
    per_network = rng.normal(size=(60, 1)) + 0.3 * rng.normal(size=(60, 40))  # 60 networks, correlated within
    x = per_network.ravel()
    labels = np.repeat(np.arange(60), 40)
    noise = rng.normal(size=x.size)

    def estimator(idx):
        return [x[idx].mean(), x[idx].mean() + 0.2 * noise[idx].mean()]

    boot = resampling.network_bootstrap(labels, estimator, names=["a", "b"], n_resamples=300,
                                        rng=np.random.default_rng(1))
    assert boot.determined and boot.replicates.shape == (300, 2) and boot.n_networks == 60
    # the error of a mean over networks: the spread of the network means / sqrt(60), not that of the points
    network_means = per_network.mean(1)
    assert boot.errors[0] == pytest.approx(network_means.std(ddof=1) / math.sqrt(60), rel=0.15)
    assert boot.errors[0] > 3 * x.std() / math.sqrt(x.size)
    cov = boot.covariance()
    diff = boot.replicates[:, 0] - boot.replicates[:, 1]
    assert diff.var(ddof=1) == pytest.approx(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    assert diff.std(ddof=1) < math.hypot(*boot.errors)  # positively correlated: the joint error is smaller
    low, high = boot.interval(0.95)[0]
    assert low < boot.estimate[0] < high


def test_a_bootstrap_over_too_few_networks_is_undetermined_not_an_error():
    boot = resampling.network_bootstrap(np.zeros(10, int), lambda i: [1.0], names=["x"], n_resamples=5,
                                        rng=np.random.default_rng(0))
    assert boot.replicates.shape == (0, 1) and np.isnan(boot.errors).all() and not boot.determined


def test_a_bootstrap_with_bad_input_raises_and_names_the_value():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="n_resamples"):
        resampling.network_bootstrap([0, 1, 2], lambda i: [0.0], names=["x"], n_resamples=2, rng=rng)
    with pytest.raises(ValueError, match="names is empty"):
        resampling.network_bootstrap([0, 1, 2], lambda i: [0.0], names=[], rng=rng)
    with pytest.raises(TypeError, match="expected 2"):
        resampling.network_bootstrap([0, 1, 2], lambda i: [0.0], names=["a", "b"], rng=rng)
    with pytest.raises(TypeError, match="Generator"):
        resampling.network_bootstrap([0, 1, 2], lambda i: [0.0], names=["x"], rng=3)


def _heavy_estimator(values):
    """A closure the processes inherit (it could not be pickled): the mean, the median and a fitted exponent."""
    return lambda idx: [values[idx].mean(), np.median(values[idx]), tail_exponent(values[idx], discrete=False)[0]]


@pytest.mark.parametrize("n_workers", ["2", "3"])
def test_the_bootstrap_gives_the_same_numbers_in_several_processes(monkeypatch, n_workers):
    rng = np.random.default_rng(4)
    values = rng.pareto(1.5, 4000) + 1.0
    labels = np.repeat(np.arange(40), 100)
    names = ["mean", "median", "alpha"]
    monkeypatch.delenv(resampling.WORKERS_ENV, raising=False)
    one = resampling.network_bootstrap(labels, _heavy_estimator(values), names=names, n_resamples=25,
                                       rng=np.random.default_rng(9))
    monkeypatch.setenv(resampling.WORKERS_ENV, n_workers)
    several = resampling.network_bootstrap(labels, _heavy_estimator(values), names=names, n_resamples=25,
                                           rng=np.random.default_rng(9))
    assert resampling.workers() == int(n_workers)
    np.testing.assert_array_equal(one.replicates, several.replicates)
    np.testing.assert_array_equal(one.estimate, several.estimate)
    # and the same resamples as network_resamples draws from the same generator
    again = [values[i].mean() for i in resampling.network_resamples(labels, 25, np.random.default_rng(9))]
    np.testing.assert_array_equal(one.replicates[:, 0], again)


def test_an_error_in_a_process_reaches_the_caller(monkeypatch):
    monkeypatch.setenv(resampling.WORKERS_ENV, "2")
    with pytest.raises(TypeError, match="expected 2"):
        # right on all the data, wrong on the resamples (evaluated in the processes)
        resampling.network_bootstrap(np.repeat(np.arange(5), 3),
                                     lambda idx: [1.0, 2.0] if np.array_equal(idx, np.arange(15)) else [1.0],
                                     names=["a", "b"], n_resamples=4, rng=np.random.default_rng(0))


@pytest.mark.parametrize("raw", ["0", "-2", "two", "1.5"])
def test_a_bad_number_of_workers_is_named(monkeypatch, raw):
    monkeypatch.setenv(resampling.WORKERS_ENV, raw)
    with pytest.raises(ValueError, match="CRIT_WORKERS"):
        resampling.workers()
