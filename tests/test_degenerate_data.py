"""Data that do not allow an answer give a result marked undetermined, with the reason; bad input raises.

Every analysis of crit.analysis (but the stats package) is fed the degenerate cases of the issue "Runs on
any machine and any seed": nothing recorded, every input surviving, one network, one width, no overlap
between widths, a single avalanche size repeated. Each would have raised, or given a wrong number
without a word, before analyses returned undetermined results. Records are tiny: synthetic
namespaces, or small simulations edited with ``dataclasses.replace``.
"""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from crit.analysis import (
    collapse,
    correlation,
    crackling,
    drive,
    finite_size,
    hierarchical,
    learning,
    phases,
    resampling,
    shapes,
    universality,
)
from crit.models import avalanches as av
from crit.models import exact_models, theory

GENERATOR = np.random.default_rng


def _nan(*values):
    return all(np.all(np.isnan(np.asarray(v, float))) for v in values)


# ---------------------------------------------------------------------------------------- records


@pytest.fixture(scope="module")
def run():
    """A critical tanh network, 10 networks of 200 inputs, with traces: a few hundred avalanches."""
    width = 16
    return av.simulate(width, 20, float(theory.finite_width_critical_sigma_w2(width)), n_inputs=2000,
                       inputs_per_network=200, record_traces=True, seed=1)


@pytest.fixture(scope="module")
def degenerate(run):
    """The run edited into each degenerate case (sizes, durations and traces stay consistent)."""
    n = run.n_recorded
    nothing = av.simulate(8, 10, 0.01, n_inputs=100, inputs_per_network=50, record_traces=True)
    assert nothing.n_recorded == 0
    return {
        "nothing recorded": nothing,
        "every input surviving": dataclasses.replace(run, survived=np.ones(n, bool)),
        "one network": dataclasses.replace(run, network=np.zeros(n, np.int64), n_networks=1,
                                           inputs_per_network=run.n_inputs),
        "one size repeated": dataclasses.replace(run, sizes=np.full(n, 3.0)),
    }


def _scan(survived, n_in, sigma_w2=np.linspace(0.9, 1.1, 5), width=50):
    """A PhaseScan of counts (n_b, n_w, n_networks); S̄ rises along σ_w² so that χ has a peak."""
    n_rec = np.maximum(n_in, 1)
    sum_size = n_rec * (2 + np.tanh((sigma_w2 - 1.0) / 0.05))[None, :, None]
    return phases.PhaseScan(sigma_w2=sigma_w2, sigma_b2=np.zeros(survived.shape[0]), n_in=n_in, n_recorded=n_rec,
                            n_survived=survived, sum_size=sum_size, width=width, depth=10, q0=0.1,
                            n_inputs=int(n_in[0, 0].sum()), inputs_per_network=int(n_in[0, 0, 0]), activation="tanh",
                            seed=0, device="cpu", versions={}, wall_time_s=0.0)


# -------------------------------------------------------------------------------------- resampling


def test_one_network_keeps_the_estimate_without_an_error():
    est, err = resampling.jackknife(lambda a: a.sum(-1), np.array([[4.0], [6.0]]))
    assert est.tolist() == [4.0, 6.0] and _nan(err) and err.shape == (2,)
    rng = GENERATOR(0)
    assert list(resampling.network_resamples(np.zeros(5, int), 10, rng)) == []
    assert list(resampling.network_resamples(np.zeros(0, int), 10, rng)) == []
    assert rng.integers(1 << 30) == GENERATOR(0).integers(1 << 30)  # nothing was drawn
    assert _nan(resampling.jackknife_error([]), resampling.jackknife_error([np.nan, np.nan]))
    assert "at least 3 networks, got 1" in resampling.too_few_networks(1)
    with pytest.raises(TypeError, match="Generator"):
        next(resampling.network_resamples(np.zeros(5, int), 2, rng=0))


# ------------------------------------------------------------------------------------------ phases


def test_phase_scan_of_one_network_has_no_errors_and_no_disorder_variance():
    scan = _scan(np.full((1, 5, 1), 10), np.full((1, 5, 1), 50))
    rho, rho_err = scan.surviving_fraction()
    chi_f, chi_f_err = scan.fluctuation_susceptibility()
    assert np.allclose(rho, 0.2) and _nan(rho_err, chi_f, chi_f_err)
    assert "at least 3 networks, got 1" in scan.undetermined and "2 networks" in scan.undetermined
    p = phases.peaks({50: scan}, rng=GENERATOR(0))
    assert not p.determined and "chi_F peak" in p.undetermined[0] and "NaN" in p.undetermined[0]
    assert np.isfinite(p.response_peak[0]) and _nan(p.response_err, p.fluctuation_peak, p.fluctuation_height)


def test_ridge_of_a_flat_or_undetermined_susceptibility_is_undetermined():
    x = np.linspace(0.9, 1.5, 7)
    every_input_survives = _scan(np.full((1, 7, 4), 50), np.full((1, 7, 4), 50), sigma_w2=x)
    chi_f, err = every_input_survives.fluctuation_susceptibility()
    assert np.all(chi_f == 0)  # ρ = 1 on every network: no disorder, no peak
    good = 1 - (x - 1.2) ** 2
    chi = np.vstack([chi_f, np.full(7, np.nan), good, good])
    errors = np.vstack([err, np.zeros(7), np.zeros(7), np.full(7, np.nan)])
    peak, peak_err, height = phases.ridge(x, chi, errors, rng=GENERATOR(0))
    assert _nan(peak[:2], peak_err[:2], height[:2], peak_err[3])
    np.testing.assert_allclose(peak[2:], 1.2, atol=1e-12)
    reasons = phases.ridge_undetermined(chi)
    assert "constant" in reasons[0] and "NaN" in reasons[1] and reasons[2:] == ["", ""]
    p = phases.peaks({50: every_input_survives}, rng=GENERATOR(0))
    assert _nan(p.fluctuation_peak) and "constant" in p.undetermined[0]
    assert phases.peaks({}, rng=GENERATOR(0)).width.size == 0


def test_ridge_rejects_bad_input():
    x = np.linspace(0.9, 1.5, 7)
    with pytest.raises(ValueError, match="shape"):
        phases.ridge(x, np.ones((1, 6)), np.ones((1, 6)), rng=GENERATOR(0))
    with pytest.raises(ValueError, match=">= 0"):
        phases.ridge(x, -((x - 1.2) ** 2), -np.ones(7), rng=GENERATOR(0))
    with pytest.raises(ValueError, match="inf"):
        phases.ridge(x, np.r_[np.inf, np.ones(6)], np.ones(7), rng=GENERATOR(0))
    with pytest.raises(TypeError, match="dict"):
        phases.peaks([1], rng=GENERATOR(0))


# ---------------------------------------------------------------------------------------- crackling


def test_authors_estimator_without_a_tail_is_undetermined():
    for data, n in (([], 0), ([0.1, 3.0], 1), ([2.0] * 50, 50), ([0.5] * 5, 5)):
        alpha, sigma, got_n = crackling.authors_exponent(data, 0.5, discrete=False)
        assert _nan(alpha, sigma) and got_n == n
    with pytest.raises(ValueError, match="xmin > 0.5"):
        crackling.authors_exponent([], 0.5, discrete=True)


@pytest.mark.parametrize("case, why", [("nothing recorded", "no avalanche ended"),
                                       ("every input surviving", "no avalanche ended"),
                                       ("one network", "at least 3 networks, got 1"),
                                       ("one size repeated", "equal")])
def test_crackling_analysis_of_degenerate_data_is_undetermined(degenerate, case, why, tmp_path):
    a = crackling.analyse(degenerate[case], collapse_range=(3, 10, 5), rng=GENERATOR(0), n_resamples=5, n_sets=0,
                          gamma_min_count=10)
    back = crackling.CracklingAnalysis.load(a.save(tmp_path / "a.npz"))  # the book caches it
    assert back.undetermined == a.undetermined and back.ours.undetermined == a.ours.undetermined
    assert not a.determined and not a.ours.determined and why in a.ours.undetermined, a.ours.undetermined
    assert "our fit" in a.undetermined
    if case == "one network":  # the estimates stand, their errors do not
        assert np.isfinite(a.ours.tau_s) and _nan(a.ours.tau_s_err, a.authors.tau_s_err)
        assert "at least 3 networks" in a.authors.undetermined
    else:
        assert _nan(a.ours.tau_s, a.ours.tau_d, a.ours.gamma, a.ours.gamma_pred, a.ours.distance)
    if case == "nothing recorded":
        assert _nan(a.authors.tau_s, a.collapse.gamma, a.lr_sizes) and a.pdf_sizes.centers.size == 0
        assert "shape collapse" in a.undetermined and "P(S) bins" in a.undetermined


def test_fit_both_rejects_bad_records(run):
    with pytest.raises(ValueError, match="sizes must be >= 0"):
        crackling.fit_both(dataclasses.replace(run, sizes=-run.sizes), rng=GENERATOR(0))


def test_drive_where_every_input_survives_is_undetermined(tmp_path):
    p = drive.measure_point(width=8, depth=10, sigma_w2=1.2, h=50.0, n_inputs=300, inputs_per_network=100, seed=1,
                            n_resamples=20)
    assert not p.determined and "ended" in p.undetermined
    assert drive.PointExponents.load(p.save(tmp_path / "p.npz")).undetermined == p.undetermined
    with pytest.raises(ValueError, match="non-finite"):
        drive.measure_point(width=8, depth=10, sigma_w2=1.2, h=float("nan"), n_inputs=300, inputs_per_network=100,
                            seed=1)


# -------------------------------------------------------------------------------------- universality


def _measure(a, groups=None):
    return universality.measure(a.sizes, a.durations.astype(float), groups=a.network if groups is None else groups,
                                survived=a.survived, discrete_sizes=False, discrete_durations=True, dmin=2.0,
                                gamma_dmin=2.0, name="x")


@pytest.mark.parametrize("case, why", [("nothing recorded", "nothing was recorded"),
                                       ("every input surviving", "survived"),
                                       ("one network", "at least 3 networks, got 1"),
                                       ("one size repeated", "equal")])
def test_exponents_of_degenerate_data_are_undetermined(degenerate, case, why):
    e = _measure(degenerate[case])
    assert not e.determined and why in e.undetermined and e.name == "x", e.undetermined
    assert _nan(e.errors)
    if case == "one network":
        assert np.all(np.isfinite(e.values)) and e.n_groups == 1
    else:
        assert _nan(e.values, e.size_cutoff, e.duration_cutoff)
    c = universality.classify(e)
    assert c.assigned == "undetermined" and not c.determined and why in c.undetermined


def test_measure_rejects_bad_input(run):
    with pytest.raises(ValueError, match="sizes must be >= 0"):
        _measure(dataclasses.replace(run, sizes=-run.sizes))
    with pytest.raises(ValueError, match="same length"):
        _measure(run, groups=run.network[:-1])


def test_finite_size_scaling_of_one_width_and_of_a_width_without_ended_avalanches():
    runs = {n: exact_models.finite_population_branching(1500, width=n, rng=n) for n in (256, 1024)}
    one = finite_size.finite_size_scaling({256: runs[256]}, finite_size.BRANCHING)
    assert not one.determined and "needs 2 widths" in one.undetermined and "needs 3 widths" in one.undetermined
    assert _nan(one.size_cutoff_exponent, one.duration_cutoff_exponent, one.limit["tau_s"])
    assert np.isfinite(one.tau_s[0]) and "N→∞" in one.limit_exponents().name
    assert "needs 3 widths" in one.limit_exponents().undetermined
    dead = dataclasses.replace(runs[1024], survived=np.ones(runs[1024].sizes.size, bool))
    two = finite_size.finite_size_scaling({256: runs[256], 1024: dead}, finite_size.BRANCHING)
    assert "N=1024: no ended avalanche" in two.undetermined and two.width_undetermined[0] == ""
    assert _nan(two.tau_s[1]) and np.isfinite(two.tau_s[0])
    assert "no ended avalanche" in two.exponents_at(1).undetermined and two.exponents_at(0).determined
    with pytest.raises(TypeError, match="dict"):
        finite_size.finite_size_scaling([runs[256]], finite_size.BRANCHING)


# ------------------------------------------------------------------------------------------ collapse


def _sizes(width, n, rng, network=None):
    s = rng.uniform(size=n) ** -2.0  # τ = 3/2, cut off at S ~ width
    s[rng.uniform(size=n) >= np.exp(-s / width)] = 0.5
    network = np.arange(n) % 20 if network is None else network
    return SimpleNamespace(sizes=s, survived=np.zeros(n, bool), network=network)


def test_size_collapse_of_one_network_has_no_error_and_short_curves_are_empty():
    rng = GENERATOR(0)
    one_network = {w: _sizes(w, 20_000, rng, network=np.zeros(20_000, int)) for w in (100, 400, 1600)}
    c = collapse.size_collapse(one_network, tau=1.5, s_min=3.0)
    assert np.isfinite(c.sigma) and _nan(c.sigma_err)  # before: 0, from nine copies of the full estimate
    assert not c.determined and "groups of networks" in c.undetermined
    # no overlap between widths: six decades apart
    apart = {w: SimpleNamespace(sizes=np.linspace(1.0, 40.0, 200) * k, survived=np.zeros(200, bool),
                                network=np.arange(200)) for w, k in ((100, 1e6), (200, 1.0))}
    c = collapse.size_collapse(apart, tau=1.5)
    assert not c.determined and "overlapping" in c.undetermined and _nan(c.sigma, c.sigma_err, c.quality)
    for few in ([], [2.0] * 9, [0.0] * 50):
        s, cum, n_ge = collapse.cumulative_curve(few)
        assert s.size == cum.size == n_ge.size == 0
    empty = collapse.cumulative_curve([])
    curves = [collapse.cumulative_curve(np.geomspace(1, 100, 50)), empty]
    assert collapse.cutoff_region(curves, 1.5)[1][0].size == 0
    assert _nan(collapse.quality(curves, np.array([100.0, 200.0]), 1.5, 1.0))
    with pytest.raises(ValueError, match=">= 0"):
        collapse.cumulative_curve([-1.0] + [2.0] * 20)


# -------------------------------------------------------------------------------------------- shapes


def test_shapes_of_degenerate_data_are_undetermined(degenerate):
    u = (np.arange(50) + 0.5) / 50
    a, a_err = shapes.shape_exponent(SimpleNamespace(u=u, curves=[(u * (1 - u)) ** 0.7]))
    assert a == pytest.approx(0.7) and _nan(a_err)  # one mean trace: no spread
    assert _nan(*shapes.shape_exponent(SimpleNamespace(u=u, curves=-np.ones((3, 50)))))
    for case in ("every input surviving", "nothing recorded", "one network"):  # the last: too few per duration
        got = shapes.mean_shapes({"tanh": degenerate[case]})["tanh"]
        assert _nan(got.gamma) and got.curves.size == 0, case
        assert _nan(*shapes.shape_exponent(got))
    with pytest.raises(TypeError, match="traces"):
        shapes.mean_shapes({"tanh": SimpleNamespace(traces=None, durations=np.ones(3), survived=np.zeros(3, bool))})


# ------------------------------------------------------------------------------ correlation, learning


def test_constant_or_undetermined_predictors_are_undetermined():
    rng = GENERATOR(0)
    y = rng.standard_normal(30)
    t = correlation.bootstrap(y, {"good": y + rng.standard_normal(30), "flat": np.ones(30),
                                  "upstream": np.full(30, np.nan)}, rng=rng, n_resamples=50)
    assert not t.determined and t.undetermined_predictors == ("flat", "upstream")
    assert "'flat' is constant" in t.undetermined and "'upstream' is NaN" in t.undetermined
    assert np.isfinite(t.rho[0]) and _nan(t.rho[1:], t.low[1:], t.diff[0, 1:], t.p_not_better[0, 1:])
    same = correlation.bootstrap(np.ones(30), {"x": y}, rng=rng, n_resamples=50)
    assert "score is constant" in same.undetermined and same.undetermined_predictors == ("x",) and _nan(same.rho)
    with pytest.raises(ValueError, match="inf"):
        correlation.bootstrap(y, {"x": np.r_[np.inf, y[1:]]}, rng=rng)


def test_learning_references_of_a_scan_of_one_network():
    """A scan of one network: the peaks are located, their errors over networks are NaN, nothing raises."""
    x = np.geomspace(0.5, 2.0, 7)
    survived = np.round(50 / (1 + np.exp(-8 * (x - 1.0)))).astype(np.int64)[None, :, None]
    ended = 50 - survived
    scan = dataclasses.replace(_scan(survived, np.full((1, 7, 1), 50), sigma_w2=x), n_ended=ended,
                               sum_size_ended=ended * (1 + 5 * np.exp(-(((x - 1) / 0.2) ** 2)))[None, :, None],
                               sum_size2_ended=np.zeros_like(ended, float))
    refs = learning.references(scan, rng=GENERATOR(0), n_resamples=10)
    assert _nan(refs.ln_sigma_w2_err["chi_peak"], refs.ln_sigma_w2_err["ended_peak"])
    assert refs.ln_sigma_w2_err["critical"][0] == 0


def test_hierarchical_tests_on_flat_or_edge_data_are_undetermined():
    rng = GENERATOR(0)
    flat = np.full((3, 5, 2), 0.5)
    t = hierarchical.compare_predictors(flat, {"x": rng.standard_normal((3, 5))}, rng=rng, n_resamples=20)
    assert "mean score is constant" in t.undetermined and _nan(t.rho)
    rising = np.broadcast_to(np.arange(5.0), (3, 5))[..., None] + np.zeros((3, 5, 2))
    sw = np.broadcast_to(np.geomspace(0.5, 2, 5), (3, 5))
    oos = hierarchical.out_of_sample(sw, rising, {"a": np.zeros(3)}, rng=rng, n_resamples=20)
    assert not oos.determined and "inside the grid in 0 of 3 rows" in oos.undetermined and _nan(oos.mean)
    two = hierarchical.out_of_sample(sw[:2], rising[:2], {"a": np.zeros(2)}, rng=rng, n_resamples=20)
    assert "2 rows" in two.undetermined

