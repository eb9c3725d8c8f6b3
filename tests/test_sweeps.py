"""The batched common-random-numbers sweep against a naive loop on the same networks, and its law."""

import numpy as np
import pytest
import torch

from crit.models import avalanches as av
from crit.models import sweeps


def _naive(w2, b2, *, width, depth, n_networks, inputs_per_network, seed):
    """Every network of the sweep, one at a time, through its own weights (``from_weights``)."""
    out = []
    for k in range(n_networks):
        x, z, beta = sweeps.network_normals(k, width=width, depth=depth, inputs_per_network=inputs_per_network,
                                            seed=seed, n_networks=n_networks, dtype=torch.float64)
        out.append(av.from_weights(x, np.sqrt(w2 / width) * z, np.sqrt(b2) * beta))
    return out


@pytest.mark.parametrize("sigma_b2", [0.0, 0.002])
def test_every_network_at_every_sigma_w2_equals_a_naive_loop_on_its_weights(sigma_b2):
    """34 networks: two blocks, the second of 2; σ_w² from the absorbing to the active phase."""
    kw = {"width": 12, "depth": 24, "n_networks": 34, "inputs_per_network": 4, "seed": 7}
    grid = [0.7, 1.0, 1.15, 1.6]
    records = sweeps.simulate_sweep(sigma_w2=grid, sigma_b2=sigma_b2, dtype=torch.float64, **kw)
    assert [r.sigma_w2 for r in records] == grid and {r.method for r in records} == {"sweep"}
    survived = [r.survived.mean() for r in records]
    assert survived[0] == 0.0 < survived[-1]
    for rec, w2 in zip(records, grid, strict=True):
        for k, ref in enumerate(_naive(w2, sigma_b2, **kw)):
            mine = rec.network == k
            np.testing.assert_array_equal(rec.durations[mine], ref.durations)
            np.testing.assert_array_equal(rec.survived[mine], ref.survived)
            np.testing.assert_allclose(rec.sizes[mine], ref.sizes, rtol=1e-10, atol=1e-12)


def test_another_grid_and_another_memory_split_meet_the_same_networks(monkeypatch):
    kw = {"width": 10, "depth": 20, "n_networks": 6, "inputs_per_network": 5, "seed": 3, "dtype": torch.float64}
    wide = sweeps.simulate_sweep(sigma_w2=[0.9, 1.1, 1.3], **kw)
    alone = sweeps.simulate_sweep(sigma_w2=1.1, **kw)[0]
    monkeypatch.setitem(sweeps._BUDGET_BYTES, "cpu", 1)  # one σ_w² per pass
    split = sweeps.simulate_sweep(sigma_w2=[0.9, 1.1, 1.3], **kw)
    for other in (alone, split[1]):
        np.testing.assert_array_equal(other.durations, wide[1].durations)
        np.testing.assert_array_equal(other.network, wide[1].network)
        np.testing.assert_allclose(other.sizes, wide[1].sizes, rtol=1e-12)
    np.testing.assert_array_equal(split[2].durations, wide[2].durations)


def test_same_seed_same_numbers_other_seed_other_networks():
    kw = {"width": 10, "depth": 20, "n_networks": 5, "inputs_per_network": 8}
    a, b = (sweeps.simulate_sweep(sigma_w2=[1.2], seed=1, **kw)[0] for _ in range(2))
    c = sweeps.simulate_sweep(sigma_w2=[1.2], seed=2, **kw)[0]
    assert np.array_equal(a.sizes, b.sizes) and np.array_equal(a.durations, b.durations)
    assert not (a.sizes.size == c.sizes.size and np.allclose(a.sizes, c.sizes))


def test_each_sigma_w2_has_the_law_of_independent_explicit_networks():
    """Against ``simulate(method="explicit")`` on other networks, N = 16, L = 48, 150 networks of 20 inputs:
    the surviving fraction and the mean duration of ended avalanches agree within 4 errors, the errors from
    the spread over networks (quenched disorder)."""
    kw = {"width": 16, "depth": 48, "inputs_per_network": 20}
    grid = [1.0, 1.1, 1.25]
    records = sweeps.simulate_sweep(sigma_w2=grid, n_networks=150, seed=11, **kw)
    for rec, w2 in zip(records, grid, strict=True):
        ref = av.simulate(sigma_w2=w2, n_inputs=150 * 20, seed=12, method="explicit", **kw)
        for stat in (_surviving, _ended_duration):
            (x, ex), (y, ey) = stat(rec), stat(ref)
            assert abs(x - y) < 4 * np.hypot(ex, ey), (w2, stat.__name__, x, y, ex, ey)


def _per_network_mean(values, weights, rec):
    num, den = rec.per_network_sum(values * weights), rec.per_network_sum(weights)
    keep = den > 0
    means = num[keep] / den[keep]
    return means.mean(), means.std(ddof=1) / np.sqrt(keep.sum())


def _surviving(rec):
    per = rec.per_network_sum(rec.survived) / rec.inputs_per_network
    return per.mean(), per.std(ddof=1) / np.sqrt(per.size)


def _ended_duration(rec):
    return _per_network_mean(rec.durations.astype(float), (~rec.survived).astype(float), rec)


@pytest.mark.parametrize(("change", "error", "match"), [
    ({"sigma_w2": [1.0, -0.5]}, ValueError, "variances >= 0"),
    ({"sigma_w2": [1.0, float("nan")]}, ValueError, "non-finite"),
    ({"sigma_w2": []}, ValueError, "empty"),
    ({"sigma_w2": "1.0"}, TypeError, "sigma_w2"),
    ({"sigma_b2": -1.0}, ValueError, "sigma_b2"),
    ({"n_networks": 0}, ValueError, "n_networks"),
    ({"inputs_per_network": 2.5}, TypeError, "inputs_per_network"),
])
def test_bad_input_is_named(change, error, match):
    kw = {"width": 8, "depth": 8, "sigma_w2": [1.0], "n_networks": 3, "inputs_per_network": 2, **change}
    with pytest.raises(error, match=match):
        sweeps.simulate_sweep(**kw)


def test_network_normals_names_a_network_outside_the_sweep():
    with pytest.raises(ValueError, match="not one of the 4 networks"):
        sweeps.network_normals(4, width=4, depth=2, inputs_per_network=1, n_networks=4)
