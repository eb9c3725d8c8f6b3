"""crit.analysis.correlation against samples of known rank correlation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from crit.analysis import correlation


def _normal_pair(rho, n, rng):
    cov = [[1.0, rho], [rho, 1.0]]
    return rng.multivariate_normal([0.0, 0.0], cov, size=n).T


def test_spearman_rows_matches_scipy_with_ties():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, (4, 30)).astype(float)  # many ties
    y = rng.standard_normal((4, 30))
    expected = [stats.spearmanr(a, b).statistic for a, b in zip(x, y)]
    np.testing.assert_allclose(correlation.spearman_rows(x, y), expected, rtol=1e-12)
    assert np.isnan(correlation.spearman_rows(np.ones(5), np.arange(5.0)))
    assert correlation.spearman(np.arange(5.0), np.arange(5.0) ** 3) == pytest.approx(1.0)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9])
def test_known_spearman_of_a_bivariate_normal(rho):
    x, y = _normal_pair(rho, 20_000, np.random.default_rng(1))
    expected = correlation.normal_spearman(rho)
    # the standard error of Spearman's rho is below 1/sqrt(n) = 0.007: 4 of them
    assert correlation.spearman(x, y) == pytest.approx(expected, abs=0.03)


def test_bootstrap_interval_covers_the_truth_and_has_the_right_width():
    rng = np.random.default_rng(2)
    rho, n = 0.6, 300
    x, y = _normal_pair(rho, n, rng)
    table = correlation.bootstrap(y, {"x": x}, rng=rng, n_resamples=2000)
    truth = correlation.normal_spearman(rho)
    assert table.low[0] < truth < table.high[0]
    # asymptotic s.e. of Spearman's rho is about (1 - rho_s^2)/sqrt(n) (Fieller et al.): 95 % width ~ 3.9 s.e.
    width = table.high[0] - table.low[0]
    assert 0.5 * 3.92 * (1 - truth**2) / np.sqrt(n) < width < 1.6 * 3.92 * (1 - truth**2) / np.sqrt(n)


def test_bootstrap_coverage_over_repeated_samples():
    rng = np.random.default_rng(3)
    truth, hits = correlation.normal_spearman(0.5), 0
    for _ in range(40):
        x, y = _normal_pair(0.5, 120, rng)
        t = correlation.bootstrap(y, {"x": x}, rng=rng, n_resamples=400)
        hits += t.low[0] < truth < t.high[0]
    assert hits >= 33  # 95 % nominal: P(hits <= 32) < 0.3 % for binomial(40, 0.95)


def test_paired_comparison_finds_the_better_predictor():
    rng = np.random.default_rng(4)
    n = 400
    signal = rng.standard_normal(n)
    score = signal + 0.5 * rng.standard_normal(n)
    strong, weak = signal, signal + 1.5 * rng.standard_normal(n)
    t = correlation.bootstrap(score, {"strong": strong, "weak": weak}, rng=rng, n_resamples=1000)
    i, j = t.index("strong"), t.index("weak")
    assert t.diff[i, j] > 0 and t.diff_low[i, j] > 0
    assert t.p_not_better[i, j] < 0.01 and t.p_not_better[j, i] > 0.99
    np.testing.assert_allclose(t.diff, -t.diff.T)


def test_same_predictor_twice_is_never_better():
    rng = np.random.default_rng(5)
    x, y = _normal_pair(0.4, 100, rng)
    t = correlation.bootstrap(y, {"a": x, "b": x.copy()}, rng=rng, n_resamples=200)
    assert t.diff[0, 1] == 0 and t.diff_low[0, 1] == 0 and t.diff_high[0, 1] == 0


def test_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        correlation.bootstrap(np.arange(5.0), {"a": np.arange(5.0)}, rng=0)
    with pytest.raises(ValueError, match="needs 5 values"):
        correlation.bootstrap(np.arange(5.0), {"a": np.arange(4.0)}, rng=rng)
    with pytest.raises(TypeError, match="non-empty dict"):
        correlation.bootstrap(np.arange(5.0), [np.arange(5.0)], rng=rng)
    with pytest.raises(ValueError, match="non-finite"):
        correlation.spearman([1.0, np.nan, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="at least 3"):
        correlation.spearman([1.0, 2.0], [1.0, 2.0])
