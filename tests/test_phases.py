"""Order parameters, susceptibilities and ridges of crit.analysis.phases against known answers."""

from __future__ import annotations

import dataclasses
import json

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
        ({"sigma_w2": [1.0, 0.9]}, "increasing"),
        ({"sigma_w2": [1.0, -1.0]}, "variances"),
        ({"sigma_b2": [np.nan]}, "non-finite"),
        ({"n_inputs": 150, "inputs_per_network": 100}, "multiple"),
        ({"n_inputs": 100, "inputs_per_network": 50}, "at least 3"),
    ],
)
def test_scan_rejects_bad_grids(kwargs, match):
    args = {"sigma_w2": [0.9, 1.0], "width": 8, "depth": 8, "n_inputs": 300, "inputs_per_network": 100}
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


# ------------------------------------------------- ended avalanches, survival derivative, common random numbers


def _paired_scan(x, m, rng, common):
    """Per-network survival curves ρ_k(σ) = logistic((σ − 1.1 − δ_k)/0.05), δ_k ~ N(0, 0.03²), the same
    networks at every σ (paired, as with common random numbers); 10⁴ inputs per network, so the
    binomial noise is small beside the network-to-network spread."""
    delta = rng.normal(0, 0.03, m)
    rho = 1 / (1 + np.exp(-(x[:, None] - 1.1 - delta[None]) / 0.05))
    n_in = np.full((1, x.size, m), 10_000)
    survived = rng.binomial(n_in, rho[None])
    scan = _synthetic_scan(survived, n_in, sigma_w2=x)
    return dataclasses.replace(scan, common_random_numbers=common)


def test_survival_derivative_error_of_paired_networks_needs_the_joint_jackknife():
    x = np.linspace(1.0, 1.2, 9)
    rng = np.random.default_rng(4)
    derivs, joint, pointwise = [], [], []
    for _ in range(200):
        scan = _paired_scan(x, 12, rng, common=True)
        d, e = scan.survival_derivative()
        derivs.append(d[0, 4])
        joint.append(e[0, 4])
        pointwise.append(dataclasses.replace(scan, common_random_numbers=False).survival_derivative()[1][0, 4])
    spread = np.std(derivs, ddof=1)
    # the joint jackknife measures the real spread of the derivative over draws of the networks
    assert np.mean(joint) == pytest.approx(spread, rel=0.25)
    # adding the variances of paired points, as for independent ones, overstates it several times
    assert np.mean(pointwise) > 3 * spread
    # and the derivative is the derivative of the pooled curve
    rho, _ = scan.surviving_fraction()
    np.testing.assert_allclose(scan.survival_derivative()[0][0], np.gradient(rho[0], x))


def test_ended_mean_size_is_the_pooled_mean_of_the_ended_avalanches():
    n_end = np.array([[[10, 30, 0], [0, 0, 0]]])  # (1, 2, 3): the second point has no ended avalanche
    sums = np.array([[[20.0, 90.0, 0.0], [0.0, 0.0, 0.0]]])
    scan = dataclasses.replace(_synthetic_scan(np.zeros((1, 2, 3), int), np.full((1, 2, 3), 40)),
                               n_ended=n_end, sum_size_ended=sums, sum_size2_ended=sums**2)
    mean, err = scan.ended_mean_size()
    assert mean[0, 0] == pytest.approx(110 / 40) and np.isnan(mean[0, 1])
    assert np.isfinite(err[0, 0])
    with pytest.raises(ValueError, match="saved before"):
        _synthetic_scan(np.zeros((1, 2, 3), int), np.full((1, 2, 3), 40)).ended_mean_size()


def test_scans_saved_before_the_ended_counts_still_load(tmp_path):
    scan = _synthetic_scan(np.zeros((1, 3, 4), int), np.full((1, 3, 4), 10))
    path = scan.save(tmp_path / "old.npz")  # the fields an old scan lacks are None and are stored as such
    with np.load(path) as data:  # strip them, as in a file written before they existed
        stored = {k: data[k] for k in data.files}
    header = json.loads(str(stored["__header__"]))
    for name in ("n_ended", "sum_size_ended", "sum_size2_ended", "common_random_numbers"):
        header["fields"].pop(name)
    stored["__header__"] = np.array(json.dumps(header))
    np.savez(path, **stored)
    old = phases.PhaseScan.load(path)
    assert old.n_ended is None and old.common_random_numbers is False
    assert np.allclose(old.surviving_fraction()[0], 0)
    with pytest.raises(ValueError, match="scan again"):
        old.ended_mean_size()


def test_a_real_scan_counts_every_recorded_avalanche_as_ended_or_surviving(tmp_path):
    scan = phases.scan([0.9, 1.2], width=12, depth=24, n_inputs=120, inputs_per_network=40, seed=2)
    assert np.array_equal(scan.n_ended + scan.n_survived, scan.n_recorded)
    assert np.all(scan.sum_size_ended <= scan.sum_size + 1e-9) and np.all(scan.sum_size2_ended >= 0)
    again = phases.PhaseScan.load(scan.save(tmp_path / "scan.npz"))
    assert np.array_equal(again.n_ended, scan.n_ended) and again.common_random_numbers is False


def test_the_default_scan_keeps_the_stream_of_earlier_scans():
    from crit.models import avalanches as av
    from crit.seeds import sub_seed

    scan = phases.scan([0.9, 1.2], width=12, depth=24, n_inputs=120, inputs_per_network=40, seed=2)
    rec = av.simulate(12, 24, 1.2, 0.0, n_inputs=120, inputs_per_network=40, seed=sub_seed(2, 0, 1))
    assert np.allclose(scan.sum_size[0, 1], rec.per_network_sum(rec.sizes))


def test_common_random_numbers_give_every_sigma_w2_of_a_row_the_same_networks():
    kw = {"width": 12, "depth": 24, "n_inputs": 90, "inputs_per_network": 30, "seed": 5, "common_random_numbers": True}
    wide = phases.scan([0.8, 1.1, 1.4], **kw)
    alone = phases.scan([1.1], **kw)
    assert wide.common_random_numbers
    for name in ("n_survived", "n_ended"):
        assert np.array_equal(getattr(wide, name)[:, 1], getattr(alone, name)[:, 0])
    for name in ("sum_size", "sum_size_ended"):  # the batched product may round in another order
        np.testing.assert_allclose(getattr(wide, name)[:, 1], getattr(alone, name)[:, 0], rtol=1e-5)
    with pytest.raises(TypeError, match="True or False"):
        phases.scan([1.1], **{**kw, "common_random_numbers": 1})
