"""The size collapse recovers (τ, σ) of data built with exact finite-size scaling, and says when
there is none.

Known answer: exact finite-size scaling, P(S; N) = (τ − 1) S^{-τ} exp(−S/N^σ) on S ≥ 1, with
τ = 3/2 and σ = 1 (the mean-field-DP values; notes §2.4). A Pareto draw is kept with probability
exp(−S/N^σ); a rejected draw becomes a "small avalanche" of size 1/2, below every ``s_min``, so that
the normalisation does not depend on N (dropping them would add the correction 1/Z(N) ≈ 1 + √(π/N^σ)
to every curve, a real correction to scaling that biases τ by about 0.03 at N = 100).
"""

from types import SimpleNamespace

import numpy as np
import pytest

from crit.analysis import collapse


def scaled_sizes(width, n, tau, sigma, rng):
    s = rng.uniform(size=n) ** (-1.0 / (tau - 1.0))  # Pareto, P(S) ∝ S^-tau on S ≥ 1
    s[rng.uniform(size=n) >= np.exp(-s / width**sigma)] = 0.5
    return SimpleNamespace(sizes=s, survived=np.zeros(n, bool), network=np.arange(n) % 20)


def sweep(tau, sigma, rng, widths=(100, 400, 1600, 6400), n=40_000):
    return {w: scaled_sizes(w, n, tau, sigma, rng) for w in widths}


def test_collapse_recovers_sigma():
    c = collapse.size_collapse(sweep(1.5, 1.0, np.random.default_rng(0)), tau=1.5, s_min=3.0)
    assert not c.at_edge
    assert abs(c.sigma - 1.0) < 3 * c.sigma_err + 0.02, (c.sigma, c.sigma_err)
    assert c.sigma_err < 0.05 and 0.3 < c.quality < 3.0


def test_collapse_of_critical_branching_on_n_sites():
    """Mean-field DP on N sites: S_c ∝ N exactly (σ = 1), found from the cut-off regions.

    At these sizes (the chapter's) the whole-curve quality puts σ near 1.9: a wrong σ slides the cut-off
    regions apart until only flat parts overlap.
    """
    from crit.models.exact_models import finite_population_branching

    runs = {n: finite_population_branching(20_000, width=n, rng=n) for n in (1024, 4096, 16384, 65536, 262144)}
    c = collapse.size_collapse(runs, tau=1.5)
    assert abs(c.sigma - 1.0) < 3 * c.sigma_err + 0.05, (c.sigma, c.sigma_err)
    assert c.sigma_err < 0.15


def test_quality_is_worse_for_the_wrong_exponent():
    data = sweep(1.5, 1.0, np.random.default_rng(1))
    curves = collapse.cutoff_region([collapse.cumulative_curve(data[w].sizes, 3.0) for w in sorted(data)], 1.5)
    widths = np.array(sorted(data), float)
    assert collapse.quality(curves, widths, 1.5, 1.3) > 10 * collapse.quality(curves, widths, 1.5, 1.0)


def test_no_width_dependence_means_no_collapse_inside_the_range():
    rng = np.random.default_rng(2)
    same = {w: scaled_sizes(1000, 40_000, 1.5, 1.0, rng) for w in (100, 400, 1600)}
    c = collapse.size_collapse(same, tau=1.5, s_min=3.0, sigma_range=(0.0, 2.0))
    assert c.sigma < 0.05 + 2 * c.sigma_err


def test_data_that_cannot_collapse_give_an_undetermined_result():
    rng = np.random.default_rng(3)
    one = {100: scaled_sizes(100, 4000, 1.5, 1.0, rng)}
    nothing = {100: SimpleNamespace(sizes=np.zeros(0), survived=np.zeros(0, bool), network=np.zeros(0, int)),
               200: SimpleNamespace(sizes=np.zeros(0), survived=np.zeros(0, bool), network=np.zeros(0, int))}
    all_survive = {w: SimpleNamespace(sizes=np.full(50, 7.0), survived=np.ones(50, bool), network=np.arange(50))
                   for w in (100, 200)}
    # sizes six decades apart at neighbouring widths: no sigma in the range brings the cut-offs together
    apart = {w: SimpleNamespace(sizes=np.linspace(1.0, 40.0, 200) * scale, survived=np.zeros(200, bool),
                                network=np.arange(200)) for w, scale in ((100, 1e6), (200, 1.0))}
    for data, reason in ((one, "2 widths"), ({}, "2 widths"), (nothing, "2 widths"), (all_survive, "2 widths"),
                         (apart, "overlapping")):
        c = collapse.size_collapse(data, tau=1.5)
        assert not c.determined and reason in c.undetermined, c.undetermined
        assert np.isnan(c.sigma) and np.isnan(c.sigma_err) and np.isnan(c.quality)
    no_tau = collapse.size_collapse(sweep(1.5, 1.0, rng), tau=float("nan"), s_min=3.0)
    assert not no_tau.determined and "tau" in no_tau.undetermined
    good = collapse.size_collapse(sweep(1.5, 1.0, rng), tau=1.5, s_min=3.0)
    assert good.determined and good.undetermined == ""


def test_bad_input():
    one = {100: scaled_sizes(100, 100, 1.5, 1.0, np.random.default_rng(0))}
    with pytest.raises(TypeError, match="dict"):
        collapse.size_collapse(list(one.values()), tau=1.5)
    with pytest.raises(ValueError, match="tau"):
        collapse.size_collapse({**one, 200: one[100]}, tau=0.9)
    with pytest.raises(ValueError, match="sigma_range"):
        collapse.size_collapse({**one, 200: one[100]}, tau=1.5, sigma_range=(2.0, 1.0))
    with pytest.raises(ValueError, match="sizes"):
        collapse.cumulative_curve([1.0, np.nan])
    with pytest.raises(ValueError, match=">= 0"):
        collapse.cumulative_curve([1.0, -2.0])
