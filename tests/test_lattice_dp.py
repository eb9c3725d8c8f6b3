"""1+1-D directed bond percolation: spreading exponents at p_c, and the avalanche record.

Known answers: p_c = 0.644700185 (Jensen, J. Phys. A 32, 5233 (1999)); δ = 0.159464 and
θ = 0.313686 (Hinrichsen, Adv. Phys. 49, 815 (2000), Table 1). Slopes are fitted on t = 16 … 255;
the tolerance is 4 standard errors of the slope (spread over 8 independent batches) plus 0.02 for
corrections to scaling at these short times.
"""

import numpy as np
import pytest

from crit.models import lattice_dp


def _slopes(rng_seed, n_batches=8, n_runs=500, max_steps=256):
    t = np.arange(16, max_steps)
    out = []
    for k in range(n_batches):
        s = lattice_dp.spreading(n_runs, max_steps=max_steps, rng=rng_seed + k)
        out.append((-np.polyfit(np.log(t), np.log(s.survival[t]), 1)[0],
                    np.polyfit(np.log(t), np.log(s.mean_active[t]), 1)[0]))
    out = np.array(out)
    return out.mean(0), out.std(0, ddof=1) / np.sqrt(n_batches)


def test_spreading_exponents_at_pc():
    (delta, theta), (se_delta, se_theta) = _slopes(100)
    assert abs(delta - lattice_dp.DELTA) < 4 * se_delta + 0.02, (delta, se_delta)
    assert abs(theta - lattice_dp.THETA) < 4 * se_theta + 0.02, (theta, se_theta)


def test_off_critical_spreading_is_not_critical():
    """Below p_c clusters die exponentially: the survival slope is far steeper than δ (can fail)."""
    s = lattice_dp.spreading(1000, p=0.60, max_steps=128, rng=5)
    t = np.arange(16, 100)
    alive = s.survival[t] > 0
    slope = -np.polyfit(np.log(t[alive]), np.log(s.survival[t][alive]), 1)[0]
    assert slope > lattice_dp.DELTA + 0.3


def test_avalanche_exponents_from_spreading_relations():
    tau, alpha, gamma = lattice_dp.AVALANCHE_EXPONENTS  # Muñoz et al., PRE 59, 6175 (1999)
    assert (round(tau, 3), round(alpha, 3), round(gamma, 3)) == (1.108, 1.159, 1.473)


def test_bond_dp_record_is_consistent_and_seeded():
    a = lattice_dp.bond_dp(300, max_steps=64, keep_traces=True, rng=3)
    b = lattice_dp.bond_dp(300, max_steps=64, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.sizes, b.sizes)
    assert np.array_equal(a.traces.lengths, a.durations.astype(int))
    np.testing.assert_allclose([a.traces[i].sum() for i in range(len(a.traces))], a.sizes)
    assert a.survived.sum() == (a.durations == 64).sum()
    with pytest.raises(ValueError, match="p must be"):
        lattice_dp.bond_dp(10, p=1.5, rng=0)
