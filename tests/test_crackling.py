"""Crackling-noise analysis: the authors' estimators, the support search and the network bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crit.analysis import bootstrap, crackling, stats
from crit.models import avalanches as av
from crit.models import theory


def test_authors_continuous_estimator_is_the_hill_formula_and_recovers_a_pareto_exponent():
    rng = np.random.default_rng(0)
    x = 0.5 * (1 - rng.random(200_000)) ** (-1 / 0.3)  # Pareto, alpha = 1.3, xmin = 0.5
    alpha, sigma, n = crackling.authors_exponent(x, 0.5, discrete=False)
    assert alpha == pytest.approx(1 + x.size / np.log(x / 0.5).sum())
    assert sigma == pytest.approx((alpha - 1) / math.sqrt(n))
    assert abs(alpha - 1.3) < 4 * sigma


def test_authors_discrete_estimator_is_clauset_eq_3_7():
    # Clauset et al. 2009 eq. 3.7: alpha = 1 + n / sum ln(x / (xmin - 1/2)), good to ~1% for xmin >~ 6
    rng = np.random.default_rng(1)
    x = stats.sample_power_law(1.5, 5, 100_000, discrete=True, rng=rng)
    alpha, _, n = crackling.authors_exponent(x, 5, discrete=True)
    assert alpha == pytest.approx(1 + n / np.log(x[x >= 5] / 4.5).sum())
    assert abs(alpha - 1.5) < 0.015


def test_authors_estimator_rejects_bad_input():
    with pytest.raises(ValueError, match="xmin"):
        crackling.authors_exponent([1.0, 2.0, 3.0], 0.0, discrete=False)
    with pytest.raises(ValueError, match=">= 0"):
        crackling.authors_exponent([1.0, -2.0, 3.0], 0.5, discrete=False)
    with pytest.raises(ValueError, match="non-finite"):
        crackling.authors_exponent([1.0, np.nan], 0.5, discrete=False)


def test_support_search_finds_the_power_law_stretch_between_a_body_and_a_cutoff():
    rng = np.random.default_rng(2)
    body = rng.uniform(0.01, 1.0, 5_000)  # flat below the scaling range
    law = stats.sample_power_law(1.5, 1.0, 40_000, discrete=False, xmax=300.0, rng=rng)
    tail = 300 * np.exp(rng.exponential(0.3, 400))  # a steep cut-off beyond it
    fit = stats.support_search(np.concatenate([body, law, tail]), discrete=False)
    assert fit.xmin_method == "support"
    assert 0.5 <= fit.xmin <= 2.5 and 100 <= fit.xmax <= 600
    assert abs(fit.alpha - 1.5) < 0.05
    plain = stats.fit_power_law(np.concatenate([body, law, tail]), discrete=False)
    assert abs(plain.alpha - 1.5) > abs(fit.alpha - 1.5)  # the plain KS search is pulled by the cut-off


def test_support_search_rejects_impossible_requests():
    with pytest.raises(ValueError, match="no support"):
        stats.support_search(np.linspace(1, 2, 500), discrete=False, min_decades=3)


@pytest.fixture(scope="module")
def small_analysis():
    width = 40
    rec = av.simulate(width, 80, float(theory.finite_width_critical_sigma_w2(width)), n_inputs=30_000,
                      inputs_per_network=300, record_traces=True, seed=5)
    return rec, crackling.analyse(rec, collapse_range=(8, 30, 20), rng=np.random.default_rng(0), n_resamples=30,
                                  n_sets=20, gamma_min_count=30)


def test_analysis_reports_both_choices_consistently(small_analysis):
    rec, res = small_analysis
    a, o = res.authors, res.ours
    tau, err_iid, n = crackling.authors_exponent(rec.sizes[rec.sizes > 0], 0.5, discrete=False)
    assert a.tau_s == pytest.approx(tau) and a.tau_s_err_iid == pytest.approx(err_iid) and a.n_s == n
    assert a.gamma_pred == pytest.approx((a.tau_d - 1) / (a.tau_s - 1))
    assert a.distance == pytest.approx(abs(a.gamma - a.gamma_pred) / math.hypot(a.gamma_err, a.gamma_pred_err))
    assert o.xmax_d <= rec.depth - 2 and o.xmin_s < o.xmax_s
    assert 0 <= o.p_s <= 1 and 0 <= o.p_d <= 1
    # quenched disorder: errors from whole networks exceed the i.i.d. formula (paper-method.md §7)
    assert a.tau_s_err > a.tau_s_err_iid
    # a critical tanh network: exponents in the free-Brownian neighbourhood, not mean-field DP
    assert 1.2 < a.tau_s < 1.45 and 1.3 < a.tau_d < 1.75
    assert 1.3 < res.collapse.gamma < 2.0
    assert res.lr_sizes.shape == (len(stats.ALTERNATIVES), 2)


def test_the_bootstrap_with_the_range_reselected_keeps_both_fits_values(small_analysis):
    # crit.analysis.bootstrap measures the same numbers as fit_both: the authors' rule on every avalanche
    # (never-ending ones included) is their set, the support rule on the ended ones is ours
    rec, _ = small_analysis
    authors, _, ours, _ = crackling.fit_both(rec, rng=np.random.default_rng(0), n_resamples=3, gamma_min_count=30,
                                             authors_min_count=30)
    theirs = bootstrap.bootstrap_record(rec, selection="all", range_rule="authors", gamma_min_count=30,
                                        n_resamples=3, rng=np.random.default_rng(0))
    mine = bootstrap.bootstrap_record(rec, selection="ended", range_rule="support", gamma_min_count=30,
                                      n_resamples=3, rng=np.random.default_rng(0))
    for got, want in ((theirs, authors), (mine, ours)):
        assert got.values[:4] == pytest.approx([want.tau_s, want.tau_d, want.gamma, want.gamma_pred])
    assert mine.ranges.tolist() == pytest.approx([ours.xmin_s, ours.xmax_s, ours.xmin_d, ours.xmax_d])


def test_analysis_round_trips_through_the_cache_format(small_analysis, tmp_path):
    _, res = small_analysis
    back = crackling.CracklingAnalysis.load(res.save(tmp_path / "a.npz"))
    assert back.authors.tau_s == res.authors.tau_s and back.ours.xmax_d == res.ours.xmax_d
    assert np.array_equal(back.collapse.curves, res.collapse.curves)


def test_simulate_and_analyse_is_simulate_then_analyse_with_the_same_seed():
    sigma_w2 = float(theory.finite_width_critical_sigma_w2(24))
    args = {"n_inputs": 20_000, "inputs_per_network": 500}
    rec = av.simulate(24, 48, sigma_w2, 0.0, record_traces=True, seed=2, **args)
    fits = {"collapse_range": (5, 20, 10), "n_resamples": 5, "n_sets": 0, "gamma_min_count": 10}
    manual = crackling.analyse(rec, rng=np.random.default_rng(2), **fits)
    both = crackling.simulate_and_analyse(width=24, depth=48, sigma_w2=sigma_w2, seed=2, **args, **fits)
    assert both.authors.tau_s == manual.authors.tau_s and both.ours.tau_d_err == manual.ours.tau_d_err
    assert both.collapse.gamma == manual.collapse.gamma and both.n_recorded == manual.n_recorded


def test_analysis_needs_profiles_and_a_generator():
    rec = av.simulate(16, 20, 1.0, n_inputs=200, inputs_per_network=50)
    with pytest.raises(ValueError, match="record_traces"):
        crackling.analyse(rec, collapse_range=(5, 10, 5), rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        crackling.analyse(rec, collapse_range=(5, 10, 5), rng=1)
