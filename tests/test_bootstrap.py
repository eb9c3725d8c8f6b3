"""Errors over networks: coverage of the bootstrap, the joint crackling test, γ* over networks, and
likelihood ratios and goodness of fit under quenched disorder (exact models with artificial network labels)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crit.analysis import bootstrap as bs
from crit.analysis import stats
from crit.models import avalanches as av
from crit.models import exact_models as em
from crit.models import theory


@pytest.fixture(scope="module")
def branching():
    """Critical Galton–Watson trees (mean field: τ_s = 3/2, τ_d = 2, γ = 2), 80 artificial networks of 500."""
    gw = em.galton_watson(40_000, keep_traces=False, max_generations=20_000, rng=11)
    network = np.arange(40_000) // 500
    ended = ~gw.survived
    return gw.sizes[ended], gw.durations[ended], network[ended]


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
        boot = bs.network_bootstrap(labels[ended], lambda i, s=s: [bs.tail_exponent(s[i], discrete=True)[0]],
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

    boot = bs.network_bootstrap(labels, estimator, names=["a", "b"], n_resamples=300, rng=np.random.default_rng(1))
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


def test_crackling_of_critical_branching_is_zero_within_its_joint_error(branching):
    s, d, network = branching
    cb = bs.crackling_bootstrap(s, d, network, range_rule="quantile", quantile=0.9, discrete_sizes=True,
                                gamma_min_count=20, n_resamples=60, rng=np.random.default_rng(3))
    tau_s, tau_d, gamma, pred, delta = cb.values
    assert cb.determined and cb.selection == "ended" and cb.range_rule == "quantile"
    assert abs(tau_s - 1.5) < 3 * cb.errors[0] + 0.01  # mean field, up to the finite-duration corrections
    assert abs(tau_d - 2.0) < 0.1 and abs(gamma - 2.0) < 0.15
    assert delta == pytest.approx(gamma - pred) and pred == pytest.approx((tau_d - 1) / (tau_s - 1))
    verdict = bs.crackling_verdict(cb)
    assert verdict.outcome == "zero", verdict.text
    assert bs.crackling_verdict(cb, by="interval").outcome == "zero"
    # near-Gaussian replicates: the robust error is the spread, and the 95 % intervals hold the values
    assert np.allclose(cb.robust_errors, cb.errors, rtol=0.35)
    assert np.all((cb.intervals[:, 0] < cb.values) & (cb.values < cb.intervals[:, 1]))
    # the joint error is the spread of delta over the same resamples
    reps = cb.replicates
    ok = np.isfinite(reps[:, 4])
    assert cb.errors[4] == pytest.approx(reps[ok, 4].std(ddof=1))
    c = np.cov(reps[ok, 2], reps[ok, 3])
    assert cb.errors[4] ** 2 == pytest.approx(c[0, 0] + c[1, 1] - 2 * c[0, 1])
    # gamma and its prediction are measured on the same trees: correlated, so the joint error is smaller
    assert cb.correlation > 0.2
    assert cb.errors[4] < cb.delta_error_independent == pytest.approx(math.hypot(cb.errors[2], cb.errors[3]))


def test_the_range_is_reselected_in_every_resample():
    width = 16
    rec = av.simulate(width, 40, float(theory.finite_width_critical_sigma_w2(width)), n_inputs=4000,
                      inputs_per_network=100, seed=4)
    cb = bs.bootstrap_record(rec, range_rule="support", n_resamples=8, gamma_min_count=10, support_grid=10,
                             rng=np.random.default_rng(0), fixed_range_errors=True)
    assert cb.range_replicates.shape == (8, 4) and cb.n_networks == 40 and cb.depth == 40
    chosen = cb.range_replicates[np.isfinite(cb.range_replicates).all(1)]
    assert len({tuple(r) for r in chosen}) > 1  # not the full data's range every time
    assert cb.ranges[3] <= 40 - 2  # durations never fitted above depth - 2
    assert np.isfinite(cb.fixed_range_errors[:2]).all()
    both = bs.bootstrap_record(rec, selection="all", range_rule="authors", n_resamples=5, gamma_min_count=10,
                               rng=np.random.default_rng(0))
    assert both.n_avalanches == int(np.sum(rec.sizes > 0)) > cb.n_avalanches  # never-ending ones included
    assert both.ranges[0] == 0.5 and both.ranges[2] == 5.0


def test_a_crackling_bootstrap_round_trips_through_the_cache_format(branching, tmp_path):
    s, d, network = branching
    cb = bs.crackling_bootstrap(s[:5000], d[:5000], network[:5000], range_rule="quantile", discrete_sizes=True,
                                gamma_min_count=20, n_resamples=5, rng=np.random.default_rng(0))
    back = bs.CracklingBootstrap.load(cb.save(tmp_path / "c.npz"))
    assert np.array_equal(back.values, cb.values, equal_nan=True) and back.depth is None
    assert np.array_equal(back.range_replicates, cb.range_replicates, equal_nan=True)


def test_gamma_star_has_its_spread_over_networks():
    rw = em.random_walk_excursions(40_000, max_steps=2000, rng=2)  # semicircle shapes, gamma* = 3/2
    sb = bs.shape_bootstrap(rw, dmin=21, dmax=121, min_count=20, gamma_range=(1.0, 2.5), n_resamples=40,
                            rng=np.random.default_rng(0))
    ended = ~rw.survived
    plain = stats.shape_collapse(rw.traces.take(np.flatnonzero(ended)), rw.durations[ended], dmin=21, dmax=121,
                                 min_count=20, gamma_range=(1.0, 2.5))
    assert sb.determined and sb.gamma_star == plain.gamma  # the data's collapse is the stats one
    assert sb.gamma_star_err_curvature == pytest.approx(plain.sigma)
    assert 0 < sb.gamma_star_err < sb.gamma_star_err_curvature
    assert abs(sb.gamma_star - 1.5) < 3 * sb.gamma_star_err + 0.01
    assert np.unique(sb.replicates).size > 1 and sb.n_networks == 20


def _disordered(kind, n_networks=60, per=200, seed=0):
    """Power laws that differ from network to network (quenched disorder): in their exponent
    (``"exponent"``) or in an exponential cut-off (``"cutoff"``)."""
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(n_networks):
        if kind == "exponent":
            parts.append(stats.sample_power_law(rng.uniform(1.3, 2.5), 1.0, per, discrete=False, rng=rng))
        else:
            x = stats.sample_power_law(1.6, 1.0, 20 * per, discrete=False, rng=rng)
            parts.append(x[rng.random(x.size) < np.exp(-(10 ** rng.uniform(-3, -1)) * x)][:per])
    return np.concatenate(parts), np.repeat(np.arange(n_networks), [p.size for p in parts])


def test_likelihood_ratios_take_their_variance_over_networks():
    rng = np.random.default_rng(1)
    iid = stats.sample_power_law(1.6, 1.0, 12_000, discrete=False, rng=rng)
    labels = np.repeat(np.arange(60), 200)
    fit = stats.fit_power_law(iid, discrete=False, xmin=1.0)
    lr = bs.likelihood_ratio_over_networks(iid, labels, fit, "exponential")
    plain = stats.compare_to(iid, fit, "exponential")
    assert lr.determined and lr.R == plain.R and lr.p_iid == plain.p
    assert 0.6 < lr.design_effect < 1.6  # independent avalanches: no design effect
    x, labels = _disordered("cutoff")
    fit = stats.fit_power_law(x, discrete=False, xmin=1.0)
    lr = bs.likelihood_ratio_over_networks(x, labels, fit, "exponential")
    assert lr.design_effect > 1.5 and abs(lr.normalized_ratio) < abs(lr.normalized_ratio_iid)
    assert lr.normalized_ratio == pytest.approx(lr.normalized_ratio_iid / math.sqrt(lr.design_effect))
    nested = bs.likelihood_ratio_over_networks(x, labels, fit, "power_law_cutoff")
    assert nested.nested and nested.design_effect > 1.5 and nested.p > nested.p_iid
    few = bs.likelihood_ratio_over_networks(x[:400], labels[:400], stats.fit_power_law(x[:400], discrete=False,
                                                                                        xmin=1.0), "exponential")
    assert not few.determined and "at least 3 networks" in few.undetermined and np.isnan(few.p)


def test_goodness_of_fit_corrects_for_disorder_and_says_what_it_cannot_claim():
    x, labels = _disordered("exponent")
    fit = stats.fit_power_law(x, discrete=False, xmin=1.0)
    g = bs.goodness_over_networks(x, labels, fit, n_sets=60, n_resamples=40, rng=np.random.default_rng(0))
    assert g.determined and g.design_effect > 5
    assert g.p_network > g.p_iid
    assert "independent" in g.cannot_claim and g.cannot_claim == bs.GOODNESS_LIMITS
    rng = np.random.default_rng(2)
    iid = stats.sample_power_law(1.6, 1.0, 12_000, discrete=False, rng=rng)
    g = bs.goodness_over_networks(iid, np.repeat(np.arange(60), 200), stats.fit_power_law(iid, discrete=False,
                                  xmin=1.0), n_sets=30, n_resamples=40, rng=rng)
    assert 0.5 < g.design_effect < 1.8


def test_too_few_networks_or_no_data_are_undetermined_not_errors():
    s = np.arange(1.0, 301.0)
    d = np.ones(300)
    cb = bs.crackling_bootstrap(s, d, np.zeros(300, int), range_rule="quantile", n_resamples=5,
                                rng=np.random.default_rng(0))
    assert not cb.determined and "at least 3 networks" in cb.undetermined and np.isnan(cb.errors).all()
    empty = bs.crackling_bootstrap([], [], [], n_resamples=5, rng=np.random.default_rng(0))
    assert empty.undetermined == "no avalanche to fit" and np.isnan(empty.values).all()
    assert bs.crackling_verdict(empty).outcome == "undetermined"
    boot = bs.network_bootstrap(np.zeros(10, int), lambda i: [1.0], names=["x"], n_resamples=5,
                                rng=np.random.default_rng(0))
    assert boot.replicates.shape == (0, 1) and np.isnan(boot.errors).all() and not boot.determined


def test_bad_input_raises_and_names_the_value():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="n_resamples"):
        bs.network_bootstrap([0, 1, 2], lambda i: [0.0], names=["x"], n_resamples=2, rng=rng)
    with pytest.raises(ValueError, match="names is empty"):
        bs.network_bootstrap([0, 1, 2], lambda i: [0.0], names=[], rng=rng)
    with pytest.raises(TypeError, match="expected 2"):
        bs.network_bootstrap([0, 1, 2], lambda i: [0.0], names=["a", "b"], rng=rng)
    with pytest.raises(TypeError, match="Generator"):
        bs.network_bootstrap([0, 1, 2], lambda i: [0.0], names=["x"], rng=3)
    with pytest.raises(ValueError, match="sizes must be > 0"):
        bs.crackling_bootstrap([1.0, -2.0], [1, 2], [0, 1], rng=rng)
    with pytest.raises(ValueError, match="durations must be whole"):
        bs.crackling_bootstrap([1.0, 2.0], [1, 2.5], [0, 1], rng=rng)
    with pytest.raises(ValueError, match="same length"):
        bs.crackling_bootstrap([1.0, 2.0], [1, 2], [0], rng=rng)
    with pytest.raises(ValueError, match="range_rule"):
        bs.crackling_bootstrap([1.0, 2.0], [1, 2], [0, 1], range_rule="widest", rng=rng)
    with pytest.raises(ValueError, match="quantile must be < 1"):
        bs.tail_exponent([1.0, 2.0], discrete=False, quantile=1.5)
    with pytest.raises(ValueError, match="data must be > 0"):
        bs.tail_exponent([1.0, 0.0], discrete=False)
    with pytest.raises(TypeError, match="traces"):
        bs.shape_bootstrap(em.galton_watson(10, keep_traces=False, rng=0), dmin=2, dmax=5, rng=rng)
    with pytest.raises(ValueError, match="dmax must be > 5"):
        bs.shape_bootstrap(em.galton_watson(10, rng=0), dmin=5, dmax=5, rng=rng)
    fit = stats.fit_power_law(np.geomspace(1.0, 200.0, 199), discrete=False, xmin=1.0)
    with pytest.raises(ValueError, match="same length"):
        bs.likelihood_ratio_over_networks(np.geomspace(1.0, 200.0, 199), [0, 1], fit, "exponential")
    with pytest.raises(TypeError, match="PowerLawFit"):
        bs.goodness_over_networks([1.0, 2.0], [0, 1], object(), rng=rng)
