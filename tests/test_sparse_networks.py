"""Sparse threshold networks: exact branching law, quenched consistency, a naive reference, class.

Known answers: a lone active unit fires Binomial(K, p) targets, p = Φ̄(θ√K/σ_w); while active units
share no target the activity is that Galton–Watson process, whose survival P(T > t) = 1 − f^t(0)
follows from the offspring generating function f(s) = (1 − p + p s)^K (Harris 1963). Mean-field DP
finite-size scaling: T_c ∝ N^{1/2}, S_c ∝ N (notes §2.4).
"""

import numpy as np
import pytest
from scipy import stats

from crit.analysis import universality
from crit.models import sparse_networks as sn

SC = sn.critical_sigma_w2(4, 1.0)


def naive(seed_unit, tables, width, threshold):
    """One input, one dense 0/1 vector per layer, a Python loop over the active units."""
    x = np.zeros(width, bool)
    x[seed_unit] = True
    counts = [1]
    for targets, weights in tables:
        h = np.zeros(width)
        for j in np.flatnonzero(x):
            h[targets[j]] += weights[j]
        x = h > threshold
        counts.append(int(x.sum()))
        if not x.any():
            break
    counts = np.array(counts)
    return counts.sum(), int((counts > 0).sum()), bool(x.any()), counts


def test_fast_propagation_equals_a_naive_loop_on_the_same_weights():
    rng = np.random.default_rng(3)
    width, depth = 40, 30
    for sigma_w2 in (SC, 1.4 * SC):  # critical and active: collisions happen often at N = 40
        tables = [sn.draw_rows(width, width, 4, sigma_w2, rng) for _ in range(depth)]
        seeds = rng.integers(width, size=200)
        s, d, alive, counts = sn.propagate(seeds, lambda l, u: (tables[l][0][u], tables[l][1][u]), width=width,
                                           threshold=1.0, depth=depth, record_traces=True)
        for i, unit in enumerate(seeds):
            ns, nd, nalive, ncounts = naive(unit, tables, width, 1.0)
            assert (s[i], d[i], alive[i]) == (ns, nd, nalive)
            assert np.array_equal(counts[i, : ncounts.size], ncounts)
        assert alive.any() if sigma_w2 > SC else True


def test_inputs_of_one_network_share_its_weights():
    """The lazily drawn network is quenched: the same seed unit gives the same avalanche."""
    a = sn.simulate(width=6, depth=50, sigma_w2=1.3 * SC, n_inputs=600, inputs_per_network=300, seed=1,
                    record_traces=True)
    seeds = np.random.default_rng(1).integers(6, size=300)  # network 0 draws its seeds first
    first = {}
    for i in range(300):
        key = seeds[i]
        if key in first:
            j = first[key]
            assert a.sizes[i] == a.sizes[j] and a.durations[i] == a.durations[j]
            assert np.array_equal(a.traces[i], a.traces[j])
        else:
            first[key] = i
    assert len(first) == 6
    # and two networks differ
    assert not np.array_equal(a.sizes[:300], a.sizes[300:])


def test_rows_have_distinct_targets_and_the_right_weight_variance():
    t, w = sn.draw_rows(20_000, 10, 4, 2.0, np.random.default_rng(0))
    assert all(len(set(r)) == 4 for r in t[:2000])
    assert t.min() == 0 and t.max() == 9
    assert abs(w.var() - 0.5) < 0.02
    full, _ = sn.draw_rows(50, 12, 12, 1.0, np.random.default_rng(1))  # K = N: a permutation per row
    assert all(sorted(r) == list(range(12)) for r in full)


@pytest.fixture(scope="module")
def wide():
    return sn.simulate(width=2**22, depth=12, sigma_w2=SC, n_inputs=40_000, inputs_per_network=500, seed=7,
                       record_traces=True)


def test_first_generation_is_binomial_with_the_branching_ratio(wide):
    first = np.array([p[1] if p.size > 1 else 0.0 for p in wide.traces])
    p = sn.branching_ratio(SC) / 4
    assert abs(first.mean() - 1.0) < 4 * np.sqrt(4 * p * (1 - p) / first.size)
    observed = np.bincount(first.astype(int), minlength=5)[:5]
    chi2 = stats.chisquare(observed, stats.binom.pmf(np.arange(5), 4, p) * first.size)
    assert chi2.pvalue > 1e-3


def test_survival_follows_the_galton_watson_generating_function(wide):
    exact = sn.survival(12, 4)  # P(T > t), t = 1 … 12
    assert exact[0] == pytest.approx(1 - 0.75**4)  # the seed fires at least one of its 4 targets
    n = wide.durations.size
    for t in (1, 2, 4, 8, 12):
        got = np.mean(wide.durations > t)
        assert abs(got - exact[t - 1]) < 4 * np.sqrt(exact[t - 1] / n), t


def test_effective_duration_exponent_tends_to_two():
    """Kolmogorov: P(T > t) ~ 2/(σ² t), so the window slope creeps up to τ_d = 2."""
    early, late = sn.effective_duration_exponent(3, 20), sn.effective_duration_exponent(1000, 5000)
    assert 1.6 < early < 1.8 and abs(late - 2.0) < 0.01
    assert 5000 * sn.survival(5000)[-1] == pytest.approx(2 / 0.75, rel=0.01)


def test_critical_point_and_branching_ratio():
    assert sn.branching_ratio(SC, 4, 1.0) == pytest.approx(1.0, abs=1e-12)
    assert sn.branching_ratio(0.5 * SC) < 1 < sn.branching_ratio(2 * SC)
    assert sn.critical_sigma_w2(8, 2.0) == pytest.approx(8 * 4 / stats.norm.isf(1 / 8) ** 2)


def test_finite_size_scaling_is_mean_field_dp():
    """Cut-offs grow as N^{1/2} (duration) and N (size), not N and N^{3/2} (free BM)."""
    from crit.analysis.universality import power_law_in_width

    widths = np.array([1024, 4096, 16384])
    runs = [sn.simulate(width=int(n), depth=int(10 * np.sqrt(n)), sigma_w2=SC, n_inputs=12_000,
                        inputs_per_network=600, seed=int(n)) for n in widths]
    ex = [universality.measure(a.sizes, a.durations, groups=a.network, survived=a.survived, discrete_sizes=True,
                               discrete_durations=True, dmin=10, gamma_dmin=10, fixed_dmin=True) for a in runs]
    b_t, e_t = power_law_in_width(widths, [e.duration_cutoff for e in ex], [e.duration_cutoff_err for e in ex])
    b_s, e_s = power_law_in_width(widths, [e.size_cutoff for e in ex], [e.size_cutoff_err for e in ex])
    assert abs(b_t - 0.5) < 3 * e_t + 0.1 and b_t < 0.8
    assert abs(b_s - 1.0) < 3 * e_s + 0.15 and b_s < 1.3
    assert abs(ex[-1].tau_s - 1.5) < 3 * ex[-1].tau_s_err + 0.05


def test_same_seed_same_avalanches_and_bad_input():
    kw = dict(width=64, depth=20, sigma_w2=SC, n_inputs=300, inputs_per_network=100)
    a, b = sn.simulate(**kw, seed=5), sn.simulate(**kw, seed=5)
    assert np.array_equal(a.sizes, b.sizes) and np.array_equal(a.network, b.network)
    assert not np.array_equal(a.sizes, sn.simulate(**kw, seed=6).sizes)
    with pytest.raises(ValueError, match="sigma_w2"):
        sn.simulate(**{**kw, "sigma_w2": -1.0})
    with pytest.raises(ValueError, match="fan_out"):
        sn.simulate(**kw, fan_out=65)
    with pytest.raises(TypeError, match="width"):
        sn.simulate(**{**kw, "width": "64"})
    with pytest.raises(ValueError, match="fan_out"):
        sn.critical_sigma_w2(2)


def test_a_trace_window_keeps_only_the_ended_avalanches_of_those_durations():
    kwargs = dict(width=4096, depth=60, sigma_w2=SC, n_inputs=3000, inputs_per_network=300, seed=3,
                  record_traces=True)
    full, part = sn.simulate(**kwargs), sn.simulate(**kwargs, trace_durations=(4, 20))
    np.testing.assert_array_equal(part.sizes, full.sizes)
    inside = ~full.survived & (full.durations >= 4) & (full.durations <= 20)
    np.testing.assert_array_equal(part.traces.lengths, np.where(inside, full.durations, 0))
    i = int(np.flatnonzero(inside)[0])
    np.testing.assert_array_equal(part.traces[i], full.traces[i])
    assert part.trace_durations == (4, 20)
