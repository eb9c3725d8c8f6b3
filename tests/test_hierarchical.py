"""crit.analysis.hierarchical: the hierarchical bootstrap covers the truth, and the optimum and choice tests find
what synthetic data put there."""

from __future__ import annotations

import numpy as np
import pytest

from crit.analysis import hierarchical


def moran_spearman(rho, n):
    """Expected sample Spearman correlation of n bivariate-normal pairs with Pearson correlation rho (Moran 1948)."""
    return 6 / (np.pi * (n + 1)) * (np.arcsin(rho) + (n - 2) * np.arcsin(rho / 2))


def _draw(rng, rows, inits, seeds, slope, init_sd, seed_sd):
    """Initialisations drawn from a population: x ~ N(0, 1), their quality slope·x + N(0, init_sd²), and each
    seed's score that quality plus N(0, seed_sd²)."""
    x = rng.standard_normal((rows, inits))
    quality = slope * x + init_sd * rng.standard_normal((rows, inits))
    return x, quality[..., None] + seed_sd * rng.standard_normal((rows, inits, seeds))


@pytest.mark.parametrize("slope", [0.0, 1.0])
def test_hierarchical_bootstrap_covers_the_true_correlation(slope):
    """Nominal 95 %: over 200 synthetic experiments the interval holds the exact expected within-row Spearman
    correlation of x with the seed-mean score, within [0.90, 0.98]."""
    rng = np.random.default_rng(11)
    rows, inits, seeds, init_sd, seed_sd = 4, 8, 3, 0.7, 1.0
    rho = slope / np.sqrt(slope**2 + init_sd**2 + seed_sd**2 / seeds)
    truth = moran_spearman(rho, inits)
    hits = []
    for _ in range(200):
        x, y = _draw(rng, rows, inits, seeds, slope, init_sd, seed_sd)
        t = hierarchical.compare_predictors(y, {"x": x}, rng=rng, n_resamples=400)
        hits.append(t.low[0] <= truth <= t.high[0])
    assert 0.90 <= np.mean(hits) <= 0.98


def test_seeds_counted_as_initialisations_would_be_too_sure():
    """The point of the hierarchy: with noisy initialisations, resampling seeds alone gives narrower intervals."""
    rng = np.random.default_rng(2)
    x, y = _draw(rng, 4, 8, 3, 1.0, 1.0, 0.3)
    init, seed = hierarchical.resample(y.shape, rng=rng, n_resamples=500)
    fixed, _ = hierarchical.resample(y.shape, rng=rng, n_resamples=500, initialisations=False)
    assert init.shape == fixed.shape == (500, 4, 8) and seed.shape == (500, 4, 8, 3)
    r = np.arange(4)[None, :, None, None]
    full = hierarchical.within_row_spearman(np.take_along_axis(x[None], init, -1), y[r, init[..., None], seed].mean(-1))
    seeds_only = hierarchical.within_row_spearman(x[None], y[r, fixed[..., None], seed].mean(-1))
    assert np.std(seeds_only) < 0.6 * np.std(full)


def test_paired_difference_finds_the_better_predictor():
    rng = np.random.default_rng(3)
    x, y = _draw(rng, 5, 10, 3, 1.0, 0.3, 0.3)
    t = hierarchical.compare_predictors(y, {"x": x, "noise": rng.standard_normal(x.shape),
                                            "flat": np.ones_like(x)}, rng=rng, n_resamples=500)
    assert t.rho[0] > 0.7 and t.diff_low[0, 1] > 0 and t.p_not_better[0, 1] < 0.01
    assert t.undetermined_predictors == ("flat",) and np.isnan(t.rho[2]) and t.n == y.size
    with pytest.raises(ValueError, match="shape"):
        hierarchical.compare_predictors(y, {"x": x[:2]}, rng=rng)
    with pytest.raises(ValueError, match="finite"):
        hierarchical.compare_predictors(np.where(y > 2, np.nan, y), {"x": x}, rng=rng)
    with pytest.raises(TypeError, match="dict"):
        hierarchical.compare_predictors(y, [x], rng=rng)


def _peaked(rng, optimum, seeds=4, noise=0.005):
    """Scores of rows whose mean peaks (a parabola in ln sigma_w2) at ln sigma_w2 = optimum[row]."""
    ln_w = np.linspace(-0.6, 1.2, 10)[None].repeat(len(optimum), 0)
    mean = 0.9 - 0.3 * (ln_w - np.asarray(optimum)[:, None]) ** 2
    return np.exp(ln_w), mean[..., None] + noise * rng.standard_normal((*ln_w.shape, seeds))


def test_row_optima_locate_the_peak_and_say_which_line_is_nearer():
    rng = np.random.default_rng(4)
    optimum = np.array([0.1, 0.3, 0.5, 0.7])
    sw, y = _peaked(rng, optimum)
    lines = {"near": optimum + 0.02, "far": optimum - 0.4}
    o = hierarchical.row_optima(sw, y, lines, {"near": np.full(4, 0.01)}, rng=rng, n_resamples=200)
    np.testing.assert_allclose(o.ln_best, optimum, atol=0.05)
    assert not o.at_edge.any() and np.all(o.ln_best_err < 0.05)
    np.testing.assert_allclose(o.offset["far"], 0.4, atol=0.05)
    assert np.all(o.closer_high["far"] < 0)  # negative: every optimum is nearer the first line ("near")
    edge = hierarchical.row_optima(sw, _peaked(rng, [1.5, 0.3, 0.3, 0.3])[1], lines, rng=rng, n_resamples=50)
    assert edge.at_edge.tolist() == [True, False, False, False]


def test_out_of_sample_rewards_the_rule_that_tracks_the_optimum():
    rng = np.random.default_rng(5)
    optimum = np.array([-0.2, 0.1, 0.4, 0.7, 1.0])
    sw, y = _peaked(rng, optimum, noise=0.002)
    lines = {"tracks": optimum - 0.3, "static": np.full(5, 0.2)}
    c = hierarchical.out_of_sample(sw, y, lines, rng=rng, n_resamples=200)
    assert c.names == ("tracks", "static", "constant") and c.determined and c.n_rows_fitted == 5
    i, j = c.index("tracks"), c.index("static")
    assert c.mean[i] > c.mean[j] and c.diff_low[i, j] > 0
    assert c.mean[i] == pytest.approx(c.best, abs=0.01) and c.mean[j] == pytest.approx(c.mean[c.index("constant")])
    with pytest.raises(ValueError, match="name"):
        c.index("nope")
