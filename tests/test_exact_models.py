"""Exact models recover their exponents (notes: shared/reference/theory-and-known-answers.md §5, §4.4)."""

import math

import numpy as np
import pytest

from crit.analysis.stats import fit_power_law
from crit.models import exact_models as em


@pytest.fixture(scope="module")
def trees():
    return em.galton_watson(60_000, m=1.0, max_generations=3000, rng=1)


@pytest.fixture(scope="module")
def walks():
    return em.random_walk_excursions(60_000, max_steps=3000, rng=2)


def test_galton_watson_borel_law(trees):
    # Borel: P(S = s) = e^-s s^(s-1)/s!  (notes §5.1: 0.36788, 0.13534, 0.07468 at s = 1, 2, 3)
    n = trees.sizes.size
    for s in (1, 2, 3):
        exact = math.exp(-s) * s ** (s - 1) / math.factorial(s)
        got = np.mean(trees.sizes == s)
        assert abs(got - exact) < 4 * math.sqrt(exact * (1 - exact) / n)


def test_galton_watson_exponents(trees):
    ok = ~trees.survived
    size = fit_power_law(trees.sizes[ok], discrete=True, xmin=10)
    # notes §4.4: x_min 10 -> 1.5042 +- 0.0044 on 5e4 trees; allow 3 sigma plus that 0.004 drift
    assert abs(size.alpha - 1.5) < 3 * size.sigma + 0.005
    dur = fit_power_law(trees.durations, discrete=True, xmin=30, xmax=3000)
    # notes §4.4: truncation-aware x_min 30 -> 1.969 (drift -0.03); 3 sigma + 0.03
    assert abs(dur.alpha - 2.0) < 3 * dur.sigma + 0.035


def test_galton_watson_sub_and_supercritical():
    sub = em.galton_watson(5000, m=0.5, max_generations=200, rng=3)
    assert not sub.survived.any()
    assert np.mean(sub.sizes) == pytest.approx(1 / (1 - 0.5), rel=0.1)  # E[S] = 1/(1-m)
    sup = em.galton_watson(2000, m=1.5, max_generations=60, keep_traces=False, max_population=10**6, rng=4)
    # survival probability q solves 1 - q = exp(-m q): q = 0.5828 for m = 1.5
    q = 0.5828
    assert abs(sup.survived.mean() - q) < 4 * math.sqrt(q * (1 - q) / 2000)
    assert sup.traces is None


def test_profiles_match_sizes_and_durations(trees, walks):
    for rec in (trees, walks):
        sums = np.add.reduceat(rec.traces.values, rec.traces.offsets[:-1])
        np.testing.assert_allclose(sums, rec.sizes)
        np.testing.assert_array_equal(rec.traces.lengths, rec.durations)


def test_random_walk_catalan_durations(walks):
    # P(T = 2k+1) = C_k / 2^(2k+1): 0.5, 0.125, 0.0625 for T = 1, 3, 5 (notes §5.2)
    n = walks.durations.size
    for T, exact in ((1, 0.5), (3, 0.125), (5, 0.0625)):
        assert abs(np.mean(walks.durations == T) - exact) < 4 * math.sqrt(exact * (1 - exact) / n)


def test_random_walk_exponents(walks):
    ok = ~walks.survived
    # T = 2k + 1 takes odd values only: fit k + 1 = (T + 1)/2, whose law is ~ k^-3/2 on all integers
    k = (walks.durations[ok] + 1) / 2
    dur = fit_power_law(k, discrete=True, xmin=6, xmax=1500)
    assert abs(dur.alpha - 1.5) < 3 * dur.sigma + 0.02  # exact 3/2
    # 4/3. Dropping the walks still alive at 3000 steps depletes sizes well below 0.64*3000^1.5,
    # so fit below xmax = 5000 (T ~ 380 steps), truncation-aware; untruncated gives ~1.40 here.
    size = fit_power_law(walks.sizes[ok], discrete=True, xmin=20, xmax=5000)
    assert abs(size.alpha - 4 / 3) < 3 * size.sigma + 0.01


def test_abbm_exact_durations_and_sizes():
    rec = em.abbm(20_000, c=0.0, v0=0.1, dt=2e-3, max_time=40.0, rng=5)
    # c = 0: P(S > s) = erf(v0 / (2 sqrt s)) (notes §5.3); check at s = 0.01 (v0 = 0.1)
    exact = math.erf(0.1 / (2 * math.sqrt(0.01)))
    assert abs(np.mean(rec.sizes > 0.01) - exact) < 4 * math.sqrt(exact * (1 - exact) / 20_000) + 0.01
    # exact durations T = v0/Gamma(1 - c): P(T > t) = P(1 - c, v0/t) -> alpha = 2 - c
    half = em.abbm(40_000, c=0.5, v0=0.1, max_time=0.01, rng=6)  # short run: only exact T needed
    for c, T in ((0.0, rec.exact_durations), (0.5, half.exact_durations)):
        fit = fit_power_law(T, discrete=False, xmin=1.0)  # t >= 10 v0
        # finite-size drift of P(1-c, v0/t) at t >= 10 v0 is < 0.03 (notes §4.4: 2.010, 1.469)
        assert abs(fit.alpha - (2 - c)) < 3 * fit.sigma + 0.03


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_trees"):
        em.galton_watson(0, rng=0)
    with pytest.raises(ValueError, match="c must be <"):
        em.abbm(10, c=1.0, rng=0)
    with pytest.raises(TypeError, match="rng"):
        em.random_walk_excursions(10, rng="seed")


def test_finite_population_branching_is_galton_watson_without_collisions():
    """With N ≫ activity the law is the Poisson(1) tree: P(T > t) = 1 − f^t(0), f(s) = e^{s−1}."""
    runs = em.finite_population_branching(40_000, width=2**40, max_generations=20, rng=3)
    q, exact = 0.0, []
    for _ in range(20):
        q = math.exp(q - 1.0)
        exact.append(1.0 - q)
    for t in (1, 2, 5, 10):
        got = np.mean(runs.durations > t)
        assert abs(got - exact[t - 1]) < 4 * math.sqrt(exact[t - 1] / 40_000), t
    assert runs.survived.mean() == pytest.approx(exact[18], abs=4 * math.sqrt(exact[18] / 40_000))  # alive at T = 20


def test_finite_population_branching_saturates_at_small_n():
    """Collisions only remove activity: sizes are stochastically smaller on fewer sites."""
    small = em.finite_population_branching(20_000, width=32, rng=4)
    large = em.finite_population_branching(20_000, width=2**30, max_generations=2000, rng=4)
    ok = ~large.survived
    assert small.sizes.mean() < large.sizes[ok].mean()
    assert np.quantile(small.sizes, 0.999) < np.quantile(large.sizes[ok], 0.999)
    with pytest.raises(ValueError, match="width"):
        em.finite_population_branching(10, width=0, rng=0)
