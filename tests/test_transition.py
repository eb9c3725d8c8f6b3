"""Refined susceptibility peaks, their finite-size scaling and collapse (crit.analysis.transition) against
known answers: exact peaked curves, exact FSS laws, and small real scans at the finite-width critical point."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from crit.analysis import phases, transition
from crit.models.theory import finite_width_critical_sigma_w2

TRUTH = 1.0312  # peak of the synthetic curves


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """One torch thread: the small real scans below are faster so on a shared machine."""
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(saved)


def _fake_run(*, m=40, inputs=50, shift_sd=0.01, point_sd=0.05, curve_width=0.05, seed=0, nothing_ends=False):
    """``run(sigma_w2) -> PhaseScan`` of an exact peaked curve with network noise.

    Network k's mean ended size is 10 / (1 + ((σ − TRUTH − δ_k)/w)²) times (1 + noise), δ_k ~ N(0, shift_sd²):
    the curve pooled over networks peaks at TRUTH in expectation. Every call draws fresh networks.
    """
    calls = [0]

    def run(x):
        rng = np.random.default_rng([seed, calls[0]])
        calls[0] += 1
        delta = rng.normal(0, shift_sd, m)
        f = 10 / (1 + ((x[:, None] - TRUTH - delta[None]) / curve_width) ** 2)
        f = f * (1 + point_sd * rng.standard_normal(f.shape))
        n = np.full((1, x.size, m), inputs)
        ended = np.zeros_like(n) if nothing_ends else n
        return phases.PhaseScan(
            sigma_w2=x, sigma_b2=np.zeros(1), n_in=n, n_recorded=n, n_survived=n - ended, sum_size=inputs * f[None],
            width=64, depth=256, q0=0.1, n_inputs=m * inputs, inputs_per_network=inputs, activation="tanh", seed=seed,
            device="cpu", versions={}, wall_time_s=0.0, n_ended=ended, sum_size_ended=ended * f[None],
            sum_size2_ended=ended * f[None] ** 2, common_random_numbers=True,
        )

    return run


# ----------------------------------------------------------------------------------- locating a peak


def test_locate_peak_finds_the_vertex_the_edge_and_says_when_there_is_none():
    x = np.linspace(0.9, 1.3, 9)
    peak, height, at_edge, reason = transition.locate_peak(x, 3 - 20 * (x - 1.137) ** 2)
    assert peak == pytest.approx(1.137, abs=1e-12) and height == pytest.approx(3) and not at_edge and not reason
    y = np.where(x < 1.0, np.nan, 3 - 20 * (x - 1.137) ** 2)  # undetermined points are left out
    assert transition.locate_peak(x, y)[0] == pytest.approx(1.137, abs=1e-12)
    peak, _, at_edge, _ = transition.locate_peak(x, x)  # rising: the maximum is the last point
    assert at_edge and peak == 1.3
    assert "constant" in transition.locate_peak(x, np.ones(9))[3]
    assert "at 0 values" in transition.locate_peak(x, np.full(9, np.nan))[3]


# ----------------------------------------------------------------------------------- refining a peak


def test_select_networks_resamples_whole_networks_and_rejects_bad_indices():
    scan = _fake_run(m=4, inputs=20)(np.linspace(0.9, 1.1, 3))
    sub = transition.select_networks(scan, [3, 3, 0])
    assert np.array_equal(sub.sum_size_ended, scan.sum_size_ended[..., [3, 3, 0]]) and sub.n_inputs == 60
    assert sub.sum_size_ended[0, 1, 0] != sub.sum_size_ended[0, 1, 2]  # networks differ
    with pytest.raises(ValueError, match="0 … 3"):
        transition.select_networks(scan, [4])
    with pytest.raises(ValueError, match="non-empty"):
        transition.select_networks(scan, [])


def test_refine_peak_reaches_the_target_and_covers_the_true_peak():
    target = 0.2 / 64
    start = np.linspace(0.8, 1.4, 13)  # step 0.05, as coarse as the peak is wide
    # the pooled curve's height is the mean over networks of the shifted curves at TRUTH
    delta = np.random.default_rng(99).normal(0, 0.01, 10**6)
    true_height = np.mean(10 / (1 + (delta / 0.05) ** 2))
    z = []
    for seed in range(8):
        r = transition.refine_peak(_fake_run(seed=seed), start, target=target, rng=np.random.default_rng(seed),
                                   max_rounds=5)
        assert r.reached and r.determined and r.peak_err <= target and r.n_rounds >= 2
        spans = [np.ptp(r.grid[r.grid_round == k]) for k in range(r.n_rounds)]
        assert all(b < a for a, b in itertools.pairwise(spans))  # every round is narrower
        assert r.height == pytest.approx(true_height, abs=3 * r.height_err)
        z.append((r.peak - TRUTH) / r.peak_err)
    assert np.all(np.abs(z) < 3)
    # the first, coarse grid alone gives a biased vertex whose error over networks is small: a stop
    # on the error alone would have claimed the target with the peak several errors off
    first = transition.refine_peak(_fake_run(seed=0), start, target=target, rng=np.random.default_rng(0), max_rounds=1)
    assert not first.reached and abs(first.peak - TRUTH) > 3 * first.peak_err


def test_refine_peak_reports_what_it_could_not_do():
    start = np.linspace(0.8, 1.4, 13)
    rng = np.random.default_rng(0)
    everything_survives = transition.refine_peak(_fake_run(nothing_ends=True), start, target=1e-3, rng=rng)
    assert not everything_survives.reached and "determined at 0 values" in everything_survives.undetermined
    assert np.isnan(everything_survives.peak) and everything_survives.n_rounds == 1
    one_network = transition.refine_peak(_fake_run(m=1), start, target=1e-3, rng=rng, max_rounds=2)
    assert not one_network.reached and "at least 3 networks, got 1" in one_network.undetermined
    assert np.isfinite(one_network.peak) and np.isnan(one_network.peak_err)
    noisy = transition.refine_peak(_fake_run(m=4, shift_sd=0.05), start, target=1e-4, rng=rng, max_rounds=3)
    assert not noisy.reached and ("not reached in 3 rounds" in noisy.undetermined
                                  or "only more networks" in noisy.undetermined)
    edge = transition.refine_peak(_fake_run(), np.linspace(0.5, 0.9, 9), target=1e-3, rng=rng, max_rounds=1)
    assert "edge" in edge.undetermined and np.isnan(edge.peak) and edge.round_at_edge[0]


def test_refine_peak_rejects_bad_input():
    run, x, rng = _fake_run(), np.linspace(0.8, 1.4, 13), np.random.default_rng(0)
    with pytest.raises(TypeError, match="callable"):
        transition.refine_peak(None, x, target=1e-3, rng=rng)
    with pytest.raises(TypeError, match="Generator"):
        transition.refine_peak(run, x, target=1e-3, rng=0)
    with pytest.raises(ValueError, match="susceptibility"):
        transition.refine_peak(run, x, target=1e-3, rng=rng, susceptibility="heat capacity")
    with pytest.raises(ValueError, match="target"):
        transition.refine_peak(run, x, target=-1.0, rng=rng)
    with pytest.raises(ValueError, match="increasing"):
        transition.refine_peak(run, x[::-1], target=1e-3, rng=rng)
    with pytest.raises(ValueError, match="non-finite"):
        transition.refine_peak(run, np.r_[x, np.nan], target=1e-3, rng=rng)
    with pytest.raises(ValueError, match="asked for"):
        transition.refine_peak(lambda g: run(g + 0.01), x, target=1e-3, rng=rng)
    with pytest.raises(TypeError, match="PhaseScan"):
        transition.refine_peak(lambda g: g, x, target=1e-3, rng=rng)


# ---------------------------------------------------------------------------------- finite-size scaling


def _fss_peaks(widths, *, inv_nu=0.5, gamma_over_nu=0.75, sigma_inf=1.0, rel=0.01, seed=0):
    rng = np.random.default_rng(seed)
    n = np.asarray(widths, float)
    peak_err = 0.02 * 0.8 * n ** (-inv_nu)  # 2 % of the shift
    height = 2.0 * n**gamma_over_nu
    return (sigma_inf + 0.8 * n ** (-inv_nu) + peak_err * rng.standard_normal(n.size), peak_err,
            height * (1 + rel * rng.standard_normal(n.size)), rel * height)


def test_peak_scaling_recovers_exact_exponents_and_the_shift_from_the_finite_width_critical_point():
    widths = [16, 32, 64, 128, 256]
    peak, peak_err, height, height_err = _fss_peaks(widths)
    s = transition.peak_scaling(widths, peak, peak_err, height, height_err)
    assert s.determined and not s.sigma_inf_fitted and s.sigma_inf == 1.0
    assert s.inv_nu == pytest.approx(0.5, abs=3 * s.inv_nu_err) and s.inv_nu_err < 0.05
    assert s.nu == pytest.approx(2.0, abs=3 * s.nu_err)
    assert s.gamma_over_nu == pytest.approx(0.75, abs=3 * s.gamma_over_nu_err) and s.gamma_over_nu_err < 0.05
    np.testing.assert_allclose(s.critical, finite_width_critical_sigma_w2(np.array(widths)))
    np.testing.assert_allclose(s.scaled_shift, np.array(widths) * (peak - s.critical))
    np.testing.assert_allclose(s.scaled_shift_err, np.array(widths) * peak_err)
    fitted = transition.peak_scaling(widths, peak, peak_err, height, height_err, sigma_inf=None)
    assert fitted.sigma_inf_fitted and fitted.determined
    assert fitted.sigma_inf == pytest.approx(1.0, abs=3 * fitted.sigma_inf_err)
    assert fitted.inv_nu == pytest.approx(0.5, abs=3 * fitted.inv_nu_err)
    # a wrong sigma_inf is seen in the fit: the exponent moves away from the truth
    wrong = transition.peak_scaling(widths, peak, peak_err, height, height_err, sigma_inf=0.98)
    assert abs(wrong.inv_nu - 0.5) > 3 * s.inv_nu_err


def test_a_peak_that_tracks_the_finite_width_critical_point_has_a_constant_scaled_shift():
    widths = np.array([32, 64, 128])
    peak = finite_width_critical_sigma_w2(widths) + 1.3 / widths
    s = transition.peak_scaling(widths, peak, np.full(3, 1e-4), 2.0 * widths, 0.01 * widths)
    np.testing.assert_allclose(s.scaled_shift, 1.3, atol=1e-9)
    assert s.gamma_over_nu == pytest.approx(1.0)


def test_peak_scaling_with_too_few_widths_or_no_power_law_is_undetermined():
    peak, peak_err, height, height_err = _fss_peaks([32, 64])
    two = transition.peak_scaling([32, 64], peak, peak_err, height, height_err, sigma_inf=None)
    assert np.isnan(two.inv_nu) and "3 widths" in two.undetermined and np.isfinite(two.gamma_over_nu)
    one = transition.peak_scaling([32], peak[:1], peak_err[:1], height[:1], height_err[:1])
    assert np.isnan(one.inv_nu) and np.isnan(one.gamma_over_nu) and "2 widths" in one.undetermined
    both_sides = transition.peak_scaling([32, 64, 128], [1.1, 0.95, 1.02], [0.01] * 3, [1, 2, 3], [0.1] * 3)
    assert np.isnan(both_sides.inv_nu) and "changes sign" in both_sides.undetermined
    lost = transition.peak_scaling([32, 64, 128], [np.nan, 1.05, 1.02], [np.nan, 0.01, 0.01], [1, 2, 3], [0.1] * 3)
    assert np.isfinite(lost.inv_nu) and "[32]" in lost.undetermined
    no_error = transition.peak_scaling([32, 64, 128], [1.1, 1.05, 1.02], [np.nan] * 3, [1, 2, 3], [0.1] * 3)
    assert np.isfinite(no_error.inv_nu) and np.isnan(no_error.inv_nu_err) and "no error" in no_error.undetermined


def test_peak_scaling_rejects_bad_input():
    with pytest.raises(ValueError, match="one value per width"):
        transition.peak_scaling([32, 64], [1.1], [0.1], [1, 2], [0.1, 0.1])
    with pytest.raises(ValueError, match=">= 0"):
        transition.peak_scaling([32, 64], [1.1, 1.05], [0.1, -0.1], [1, 2], [0.1, 0.1])
    with pytest.raises(ValueError, match="inf"):
        transition.peak_scaling([32, 64], [1.1, np.inf], [0.1, 0.1], [1, 2], [0.1, 0.1])
    with pytest.raises(ValueError, match="distinct"):
        transition.peak_scaling([32, 32], [1.1, 1.05], [0.1, 0.1], [1, 2], [0.1, 0.1])
    with pytest.raises(TypeError, match="array-like"):
        transition.peak_scaling([32, 64], ["a", "b"], [0.1, 0.1], [1, 2], [0.1, 0.1])


# ----------------------------------------------------------------------------------------- collapse


def _fss_curves(widths, inv_nu, gamma_over_nu, rel=0.02, seed=0):
    """χ = N^{γ/ν} F((σ − σ_c(N)) N^{1/ν}), F(u) = 1/(1 + u²), with 2 % noise and its error."""
    rng = np.random.default_rng(seed)
    xs, ys, es = [], [], []
    for n in widths:
        x = finite_width_critical_sigma_w2(n) + np.linspace(-3, 3, 25) * n ** (-inv_nu)
        y = n**gamma_over_nu / (1 + ((x - finite_width_critical_sigma_w2(n)) * n**inv_nu) ** 2)
        xs.append(x)
        ys.append(y * (1 + rel * rng.standard_normal(y.size)))
        es.append(rel * y)
    return xs, ys, es


def test_collapse_curves_is_good_at_the_true_exponents_and_bad_at_wrong_ones():
    widths = [16, 32, 64]
    xs, ys, es = _fss_curves(widths, 1.0, 1.5)
    good = transition.collapse_curves(widths, xs, ys, es, inv_nu=1.0, gamma_over_nu=1.5)
    assert good.determined and good.n_pairs == 3 and 0.2 < good.quality < 3
    assert transition.collapse_curves(widths, xs, ys, es, inv_nu=1.0, gamma_over_nu=1.3).quality > 20 * good.quality
    assert transition.collapse_curves(widths, xs, ys, es, inv_nu=0.7, gamma_over_nu=1.5).quality > 20 * good.quality
    exact_x, exact_y, _ = _fss_curves(widths, 1.0, 1.5, rel=0.0)
    exact = transition.collapse_curves(widths, exact_x, exact_y, [1e-6 * y for y in exact_y], inv_nu=1.0,
                                       gamma_over_nu=1.5)
    assert exact.quality < 1e-6
    assert good.x.shape == (3, 25) and np.allclose(good.x[0], np.linspace(-3, 3, 25))


def test_collapse_curves_without_exponents_or_overlap_is_undetermined_and_bad_input_raises():
    widths = [16, 32]
    xs, ys, es = _fss_curves(widths, 1.0, 1.5)
    nan = transition.collapse_curves(widths, xs, ys, es, inv_nu=float("nan"), gamma_over_nu=1.5)
    assert not nan.determined and np.isnan(nan.quality) and "undetermined" in nan.undetermined
    one = transition.collapse_curves([16], xs[:1], ys[:1], es[:1], inv_nu=1.0, gamma_over_nu=1.5)
    assert np.isnan(one.quality) and "2 curves" in one.undetermined
    apart = transition.collapse_curves(widths, [xs[0], xs[1] + 5], ys, es, inv_nu=1.0, gamma_over_nu=1.5)
    assert np.isnan(apart.quality) and "overlap" in apart.undetermined
    with pytest.raises(ValueError, match="one curve per width"):
        transition.collapse_curves(widths, xs[:1], ys, es, inv_nu=1.0, gamma_over_nu=1.5)
    with pytest.raises(ValueError, match="one shape"):
        transition.collapse_curves(widths, xs, [ys[0][:3], ys[1]], es, inv_nu=1.0, gamma_over_nu=1.5)
    with pytest.raises(ValueError, match=">= 0"):
        transition.collapse_curves(widths, xs, ys, [-es[0], es[1]], inv_nu=1.0, gamma_over_nu=1.5)


# ----------------------------------------------------------------------------------------- real scans


def test_common_random_numbers_shrink_the_error_of_the_survival_derivative():
    """dρ/dσ_w² at σ_c(16) + 0.08 on a step of 0.02, 20 networks of 30 inputs, summed over three seeds: paired
    networks leave only the inputs whose fate flips between neighbouring σ_w² as noise (measured: CRN errors
    0.3–0.8 times the independent ones, seed by seed)."""
    x = [1.13, 1.15, 1.17]
    errs = {True: 0.0, False: 0.0}
    for seed in (3, 4, 5):
        kw = {"width": 16, "depth": 64, "n_inputs": 20 * 30, "inputs_per_network": 30, "seed": seed}
        for crn in (False, True):
            errs[crn] += phases.scan(x, **kw, common_random_numbers=crn).survival_derivative()[1][0, 1]
    assert errs[True] < 0.7 * errs[False]


def test_the_ended_mean_size_peaks_near_the_finite_width_critical_point():
    """N = 32, L = 4N: the mean size of the ended avalanches peaks within 3/N of σ_c(N) = 1.032, where
    χ = dS̄/dσ_w² (which counts the never-ending inputs) peaks far above it (measured over seeds 1–8:
    S̄_end 0.02–0.07 above σ_c(N), χ 0.14–0.16 above)."""
    n = 32
    scan = phases.scan(np.linspace(0.9, 1.3, 9), width=n, depth=4 * n, n_inputs=20 * 40, inputs_per_network=40, seed=1,
                       common_random_numbers=True)
    critical = finite_width_critical_sigma_w2(n)
    ended = transition.locate_peak(scan.sigma_w2, transition.susceptibility(scan, "ended_mean_size")[0][0])
    chi = transition.locate_peak(scan.sigma_w2, transition.susceptibility(scan, "response")[0][0])
    assert not ended[2] and abs(ended[0] - critical) < 3 / n
    assert chi[0] - critical > 2 * abs(ended[0] - critical)


def test_the_records_save_and_load_with_their_parameters(tmp_path):
    r = transition.refine_peak(_fake_run(), np.linspace(0.8, 1.4, 13), target=0.2 / 64, rng=np.random.default_rng(0))
    back = transition.PeakRefinement.load(r.save(tmp_path / "refine.npz"))
    assert back.peak == r.peak and back.reached == r.reached and back.target == r.target
    assert np.array_equal(back.grid, r.grid) and np.array_equal(back.round_at_edge, r.round_at_edge)
    s = transition.peak_scaling([32, 64], [1.07, 1.04], [0.005, 0.004], [33.0, 51.0], [4.0, 7.0])
    assert transition.PeakScaling.load(s.save(tmp_path / "fss.npz")).inv_nu == s.inv_nu


def test_two_coarse_grids_that_agree_do_not_reach_the_target():
    """Two rounds whose peaks agree and whose errors are below the target still do not resolve the vertex
    when the grid step is many targets wide."""
    rounds = [(1.065, 0.002, 9.0, 0.1, False), (1.0652, 0.002, 9.0, 0.1, False)]
    assert "grid step" in transition._not_reached(rounds, 0.003, "", step=0.05)
    assert transition._not_reached(rounds, 0.003, "", step=0.01) == ""
