"""Order parameters, susceptibilities and ridges of crit.analysis.phases against known answers."""

from __future__ import annotations

import numpy as np
import pytest

from crit.analysis import phases


def _synthetic_scan(survived, n_in, sum_size=None, n_rec=None, sigma_w2=None, width=50):
    shape = survived.shape
    return phases.PhaseScan(
        sigma_w2=np.linspace(0.9, 1.1, shape[1]) if sigma_w2 is None else sigma_w2,
        sigma_b2=np.zeros(shape[0]),
        n_in=n_in, n_recorded=n_in if n_rec is None else n_rec, n_survived=survived,
        sum_size=np.zeros(shape) if sum_size is None else sum_size,
        width=width, depth=10, q0=0.1, n_inputs=int(n_in[0, 0].sum()), inputs_per_network=int(n_in[0, 0, 0]),
        activation="tanh", seed=0, device="cpu", versions={}, wall_time_s=0.0,
    )


def test_fluctuation_susceptibility_removes_binomial_noise_and_finds_disorder():
    rng = np.random.default_rng(1)
    m, b = 2000, 50
    n_in = np.full((1, 2, m), b)
    # column 0: every network has p = 0.3 (no disorder); column 1: p ~ Uniform(0.1, 0.5), Var = 0.4²/12
    p = np.stack([np.full(m, 0.3), rng.uniform(0.1, 0.5, m)])[None]
    scan = _synthetic_scan(rng.binomial(b, p), n_in, width=50)
    chi, err = scan.fluctuation_susceptibility()
    assert abs(chi[0, 0]) < 3 * err[0, 0]
    assert chi[0, 1] == pytest.approx(50 * 0.4**2 / 12, abs=3 * err[0, 1])
    assert err[0, 1] < 0.2 * chi[0, 1]


def test_response_susceptibility_is_the_gradient_of_the_pooled_mean_size():
    rng = np.random.default_rng(2)
    x = np.array([0.9, 1.0, 1.05, 1.2, 1.4])
    mean = 10 * x**3
    n_rec = np.full((1, 5, 40), 30)
    sum_size = n_rec * (mean[None, :, None] + rng.normal(0, 0.5, (1, 5, 40)))
    scan = _synthetic_scan(np.zeros((1, 5, 40), int), np.full((1, 5, 40), 30), sum_size, n_rec, sigma_w2=x)
    chi, err = scan.response_susceptibility()
    size, _ = scan.mean_size()
    np.testing.assert_allclose(chi[0], np.gradient(size[0], x))
    assert np.all(np.abs(chi[0] - np.gradient(mean, x)) < 5 * err[0] + 1e-9)


def test_ridge_finds_the_vertex_of_a_parabola():
    x = np.linspace(0.9, 1.5, 13)
    chi = np.stack([5 - 40 * (x - 1.137) ** 2, 2 - 10 * (x - 1.31) ** 2])
    peak, err, height = phases.ridge(x, chi, np.zeros_like(chi), rng=np.random.default_rng(0))
    np.testing.assert_allclose(peak, [1.137, 1.31], atol=1e-12)
    np.testing.assert_allclose(height, [5, 2], atol=1e-12)
    assert np.all(err < 1e-12)
    _, err_noisy, _ = phases.ridge(x, chi, np.full_like(chi, 0.5), rng=np.random.default_rng(0))
    assert np.all(err_noisy > 0)
    with pytest.raises(TypeError, match="Generator"):
        phases.ridge(x, chi, chi, rng=0)


def test_scan_of_a_small_network_crosses_from_absorbing_to_active():
    scan = phases.scan([0.6, 1.0, 1.6], width=24, depth=24, n_inputs=300, inputs_per_network=50, seed=3)
    rho, rho_err = scan.surviving_fraction()
    size, _ = scan.mean_size()
    assert rho[0, 0] == 0 and rho[0, 2] > 0.5 and np.all(np.diff(size[0]) > 0)
    assert scan.n_in.shape == (1, 3, 6) and (scan.n_in == 50).all()
    assert rho_err[0, 2] > 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sigma_w2=[1.0, 0.9]), "increasing"),
        (dict(sigma_w2=[1.0, -1.0]), "variances"),
        (dict(sigma_b2=[np.nan]), "non-finite"),
        (dict(n_inputs=150, inputs_per_network=100), "multiple"),
        (dict(n_inputs=100, inputs_per_network=50), "at least 3"),
    ],
)
def test_scan_rejects_bad_grids(kwargs, match):
    args = dict(sigma_w2=[0.9, 1.0], width=8, depth=8, n_inputs=300, inputs_per_network=100)
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        phases.scan(**args)


def test_peaks_are_sorted_by_width_and_find_the_maximum_of_chi():
    x = np.linspace(0.9, 1.5, 13)
    n_rec = np.full((1, x.size, 4), 100)
    sweeps = {}
    for width, top in ((64, 1.2), (32, 1.3)):  # S̄ rises fastest at `top`: χ = dS̄/dσ_w² peaks there
        mean = 2 + np.tanh((x - top) / 0.1)
        sweeps[width] = _synthetic_scan(np.zeros((1, x.size, 4), int), n_rec, n_rec * mean[None, :, None], n_rec,
                                        sigma_w2=x, width=width)
    p = phases.peaks(sweeps, rng=np.random.default_rng(0))
    assert p.width.tolist() == [32, 64] and p.depth.tolist() == [10, 10]
    np.testing.assert_allclose(p.response_peak, [1.3, 1.2], atol=1e-6)
    assert np.all(p.response_err < 1e-12)  # S̄ is the same in every network: no error
