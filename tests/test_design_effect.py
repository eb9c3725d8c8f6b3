"""Likelihood ratios and goodness of fit under quenched disorder: the design effect measured over networks
(power laws that differ from network to network, against independent draws)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crit.analysis import design_effect as de
from crit.analysis import stats


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
    lr = de.likelihood_ratio_over_networks(iid, labels, fit, "exponential")
    plain = stats.compare_to(iid, fit, "exponential")
    assert lr.determined and lr.R == plain.R and lr.p_iid == plain.p
    assert 0.6 < lr.design_effect < 1.6  # independent avalanches: no design effect
    x, labels = _disordered("cutoff")
    fit = stats.fit_power_law(x, discrete=False, xmin=1.0)
    lr = de.likelihood_ratio_over_networks(x, labels, fit, "exponential")
    assert lr.design_effect > 1.5 and abs(lr.normalized_ratio) < abs(lr.normalized_ratio_iid)
    assert lr.normalized_ratio == pytest.approx(lr.normalized_ratio_iid / math.sqrt(lr.design_effect))
    nested = de.likelihood_ratio_over_networks(x, labels, fit, "power_law_cutoff")
    assert nested.nested and nested.design_effect > 1.5 and nested.p > nested.p_iid
    few = de.likelihood_ratio_over_networks(x[:400], labels[:400], stats.fit_power_law(x[:400], discrete=False,
                                                                                        xmin=1.0), "exponential")
    assert not few.determined and "at least 3 networks" in few.undetermined and np.isnan(few.p)


def test_goodness_of_fit_corrects_for_disorder_and_says_what_it_cannot_claim():
    x, labels = _disordered("exponent")
    fit = stats.fit_power_law(x, discrete=False, xmin=1.0)
    g = de.goodness_over_networks(x, labels, fit, n_sets=60, n_resamples=40, rng=np.random.default_rng(0))
    assert g.determined and g.design_effect > 5
    assert g.p_network > g.p_iid
    assert "independent" in g.cannot_claim and g.cannot_claim == de.GOODNESS_LIMITS
    rng = np.random.default_rng(2)
    iid = stats.sample_power_law(1.6, 1.0, 12_000, discrete=False, rng=rng)
    g = de.goodness_over_networks(iid, np.repeat(np.arange(60), 200), stats.fit_power_law(iid, discrete=False,
                                  xmin=1.0), n_sets=30, n_resamples=40, rng=rng)
    assert 0.5 < g.design_effect < 1.8


def test_bad_input_raises_and_names_the_value():
    rng = np.random.default_rng(0)
    fit = stats.fit_power_law(np.geomspace(1.0, 200.0, 199), discrete=False, xmin=1.0)
    with pytest.raises(ValueError, match="same length"):
        de.likelihood_ratio_over_networks(np.geomspace(1.0, 200.0, 199), [0, 1], fit, "exponential")
    with pytest.raises(TypeError, match="PowerLawFit"):
        de.goodness_over_networks([1.0, 2.0], [0, 1], object(), rng=rng)
