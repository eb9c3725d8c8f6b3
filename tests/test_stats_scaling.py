"""gamma from <S>(T), the crackling relation and the shape collapse (notes §2.1, §5; paper-method §5.2-5.3)."""

import numpy as np
import pytest

from crit.analysis.stats import crackling_check, gamma_from_sizes, shape_collapse
from crit.models import exact_models as em
from crit.traces import Traces


def _synthetic_pairs(gamma, rng, n=60_000):
    T = rng.integers(5, 200, n).astype(float)
    S = 0.3 * T**gamma * rng.lognormal(0.0, 0.4, n)  # E[S|T] = 0.3 e^{0.08} T^gamma exactly
    return S, T


@pytest.mark.parametrize("weighting", ["authors", "ncc", "none"])
def test_wls_recovers_known_slope(weighting):
    rng = np.random.default_rng(1)
    S, T = _synthetic_pairs(1.7, rng)
    fit = gamma_from_sizes(S, T, weighting=weighting, min_count=100)
    assert fit.weighting == weighting
    # the error from ~300 points per T with log-sd 0.4: about 0.003; allow 5 sigma_NCC
    assert fit.gamma == pytest.approx(1.7, abs=0.015)
    assert np.all(fit.counts >= 100) and fit.durations.min() >= 5


def test_authors_weights_are_count_over_log_variance():
    rng = np.random.default_rng(2)
    S, T = _synthetic_pairs(1.5, rng)
    fit = gamma_from_sizes(S, T, weighting="authors", min_count=100)
    j = 3
    sel = T == fit.durations[j]
    expected = sel.sum() / (np.var(np.log10(S[sel]), ddof=1) + 1e-8)
    assert fit.weights[j] == pytest.approx(expected, rel=1e-10)
    assert fit.mean_sizes[j] == pytest.approx(S[sel].mean())


def test_random_walk_gamma_is_three_halves():
    walks = em.random_walk_excursions(60_000, max_steps=2000, rng=3)
    ok = ~walks.survived
    fit = gamma_from_sizes(walks.sizes[ok], walks.durations[ok], weighting="ncc", min_count=50, dmin=11)
    # notes §5.2: <S|T> = 0.64 T^1.5 for T >= 21; small-T corrections pull the slope down slightly
    assert fit.gamma == pytest.approx(1.5, abs=0.04)


def test_crackling_check_propagates_errors():
    chk = crackling_check((1.5, 0.01), (2.0, 0.02), (1.9, 0.05))
    assert chk.gamma_predicted == pytest.approx(2.0)
    # sigma_pred^2 = (0.02/0.5)^2 + (1.0*0.01/0.25)^2 = 0.0016 + 0.0016
    assert chk.sigma_predicted == pytest.approx(np.sqrt(0.0032))
    assert chk.distance == pytest.approx(0.1 / np.sqrt(0.0025 + 0.0032))
    with pytest.raises(ValueError, match="tau must be > 1"):
        crackling_check((0.9, 0.01), (2.0, 0.02), (1.9, 0.05))
    with pytest.raises(TypeError, match="gamma_fit"):
        crackling_check((1.5, 0.01), (2.0, 0.02), 1.9)


def test_shape_collapse_random_walk_gives_three_halves():
    walks = em.random_walk_excursions(80_000, max_steps=400, rng=4)
    sc = shape_collapse(walks.traces, walks.durations, dmin=21, dmax=301, min_count=20)
    assert not sc.at_edge
    assert sc.gamma == pytest.approx(1.5, abs=0.05)  # absorbed free BM: 3/2 (notes §2.2)
    assert sc.curves.shape == (sc.durations.size, sc.u.size)
    # the collapsed shape is the semicircle sqrt(u(1-u)) up to a constant (notes §2.1)
    shape = sc.mean_curve / sc.mean_curve.max()
    assert np.max(np.abs(shape - np.sqrt(sc.u * (1 - sc.u)) / 0.5)) < 0.1


def test_shape_collapse_branching_gives_two():
    trees = em.galton_watson(120_000, max_generations=400, rng=5)
    sc = shape_collapse(trees.traces, trees.durations, dmin=15, dmax=200, min_count=20)
    assert sc.gamma == pytest.approx(2.0, abs=0.1)  # mean-field DP / critical branching: 2


def test_shape_collapse_bad_input():
    prof = Traces.from_list([[1.0, 2.0, 1.0]] * 30)
    with pytest.raises(ValueError, match="at least 2"):
        shape_collapse(prof, np.full(30, 3.0), dmin=2, dmax=10)
    with pytest.raises(ValueError, match="durations has 5"):
        shape_collapse(prof, np.full(5, 3.0), dmin=2, dmax=10)
    with pytest.raises(TypeError, match="Traces"):
        shape_collapse([[1, 2]], [2.0], dmin=1, dmax=3)


def test_collapse_error_is_the_authors_nmse_not_averaged_over_durations():
    # paper-method.md §5.3: NMSE(g) = sum_T,u (scaled - mean_T)^2 / sum_u mean_T^2, no 1/n_T factor
    from crit.analysis.stats import shape_collapse
    from crit.traces import Traces

    rng = np.random.default_rng(3)
    durations, traces = [], []
    for T in (10, 14, 20, 28):
        for _ in range(5):
            t = (np.arange(T) + 0.5) / T
            traces.append(T**0.6 * np.sqrt(t * (1 - t)) * (1 + 0.2 * rng.standard_normal(T)))
            durations.append(T)
    res = shape_collapse(Traces.from_list(traces), durations, dmin=10, dmax=28, min_count=5,
                         gamma_range=(1.0, 2.5), gamma_step=0.01)
    u = (np.arange(50) + 0.5) / 50
    k = 40  # gamma = 1.40
    scaled = []
    for T in (10, 14, 20, 28):
        mean = np.mean([p for p, d in zip(traces, durations) if d == T], axis=0)
        scaled.append(np.interp(u, (np.arange(T) + 0.5) / T, mean) / T ** (res.gammas[k] - 1))
    scaled = np.array(scaled)
    centre = scaled.mean(0)
    expected = np.sum((scaled - centre) ** 2) / np.sum(centre**2)
    assert res.errors[k] == pytest.approx(expected, rel=1e-10)
