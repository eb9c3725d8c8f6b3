"""The crackling bootstrap: the joint crackling test and the fit range re-selected in every resample of the
networks (exact models with artificial network labels, and a small simulation)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crit.analysis import bootstrap as bs
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


def test_the_residual_is_the_relation_multiplied_through_and_its_error_reads_delta(branching):
    s, d, network = branching
    cb = bs.crackling_bootstrap(s, d, network, range_rule="quantile", quantile=0.9, discrete_sizes=True,
                                gamma_min_count=20, n_resamples=30, rng=np.random.default_rng(3))
    tau_s, tau_d, gamma, _, delta = cb.values
    value, error = cb.residual
    assert value == pytest.approx(gamma * (tau_s - 1) - (tau_d - 1)) == pytest.approx(delta * (tau_s - 1))
    reps = cb.replicates
    assert error == pytest.approx(np.std(reps[:, 2] * (reps[:, 0] - 1) - (reps[:, 1] - 1), ddof=1))
    assert cb.delta_test_error == pytest.approx(error / (tau_s - 1))
    v = bs.crackling_verdict(cb)
    assert v.error == pytest.approx(cb.delta_test_error) and v.z == pytest.approx(value / error)


def test_the_crackling_test_error_is_the_spread_over_independent_critical_trees():
    # exact model, Delta = 0 in the limit: over 30 independent sets the residual scatters as its error says
    values, errors, z = [], [], []
    for k in range(30):
        gw = em.galton_watson(20_000, keep_traces=False, max_generations=20_000, rng=100 + k)
        ended = ~gw.survived
        cb = bs.crackling_bootstrap(gw.sizes[ended], gw.durations[ended], (np.arange(20_000) // 500)[ended],
                                    range_rule="quantile", quantile=0.9, discrete_sizes=True, gamma_min_count=20,
                                    n_resamples=30, rng=np.random.default_rng(k))
        values.append(cb.residual[0])
        errors.append(cb.residual[1])
        z.append(cb.values[4] / cb.delta_test_error)
    z = np.array(z)
    assert 0.6 < np.std(values, ddof=1) / np.mean(errors) < 1.5
    assert abs(z.mean()) < 0.6 and np.sum(np.abs(z) > 2) <= 4
    assert np.allclose(z, np.array(values) / np.array(errors))


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


def test_too_few_networks_or_no_data_are_undetermined_not_errors():
    s = np.arange(1.0, 301.0)
    d = np.ones(300)
    cb = bs.crackling_bootstrap(s, d, np.zeros(300, int), range_rule="quantile", n_resamples=5,
                                rng=np.random.default_rng(0))
    assert not cb.determined and "at least 3 networks" in cb.undetermined and np.isnan(cb.errors).all()
    empty = bs.crackling_bootstrap([], [], [], n_resamples=5, rng=np.random.default_rng(0))
    assert empty.undetermined == "no avalanche to fit" and np.isnan(empty.values).all()
    assert bs.crackling_verdict(empty).outcome == "undetermined"


def test_bad_input_raises_and_names_the_value():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="sizes must be > 0"):
        bs.crackling_bootstrap([1.0, -2.0], [1, 2], [0, 1], rng=rng)
    with pytest.raises(ValueError, match="durations must be whole"):
        bs.crackling_bootstrap([1.0, 2.0], [1, 2.5], [0, 1], rng=rng)
    with pytest.raises(ValueError, match="same length"):
        bs.crackling_bootstrap([1.0, 2.0], [1, 2], [0], rng=rng)
    with pytest.raises(ValueError, match="range_rule"):
        bs.crackling_bootstrap([1.0, 2.0], [1, 2], [0, 1], range_rule="widest", rng=rng)
