"""Mean avalanche shapes: a parabola for critical branching, a semicircle for random-walk excursions
(Laurson et al., Nat. Commun. 4, 2927 (2013); notes §1.3), recovered by the shape exponent a of
F ∝ [u(1 − u)]^a (1 and 1/2)."""

from types import SimpleNamespace

import numpy as np
import pytest

from crit.analysis import shapes, stats
from crit.models import exact_models as em


def test_shape_exponent_of_exact_curves():
    u = (np.arange(50) + 0.5) / 50
    rng = np.random.default_rng(0)
    for a in (0.5, 1.0):
        curves = np.array([(u * (1 - u)) ** a * np.exp(0.01 * rng.normal(size=u.size)) for _ in range(20)])
        got, err = shapes.shape_exponent(SimpleNamespace(u=u, curves=curves))
        assert abs(got - a) < 4 * err + 1e-3


def test_exact_models_have_the_parabola_and_the_semicircle():
    got = shapes.exact_shape_exponents(rng=1)
    (a_tree, e_tree), (a_walk, e_walk) = got["mean-field DP"], got["free BM"]
    assert abs(a_walk - 0.5) < 3 * e_walk + 0.05, (a_walk, e_walk)
    assert a_tree > 0.75 and a_tree - a_walk > 5 * np.hypot(e_tree, e_walk), (a_tree, a_walk)


def test_bad_input():
    with pytest.raises(ValueError, match="length 10"):
        shapes.shape_exponent(SimpleNamespace(u=np.linspace(0.01, 0.99, 10), curves=np.ones((3, 9))))


def test_shape_exponents_error_is_the_spread_over_networks():
    """Critical-tree traces tagged by network: the jackknife error over blocks of networks is finite and of
    the size of the spread between independent halves of the networks."""
    from crit.models import exact_models
    from crit.traces import Traces

    rng = np.random.default_rng(3)
    a = exact_models.galton_watson(60_000, rng=rng)
    run = SimpleNamespace(traces=a.traces, durations=a.durations, survived=a.survived,
                          network=np.arange(a.durations.size) % 40)
    (value, err), = shapes.shape_exponents({"sparse step": run}).values()
    assert np.isfinite(value) and 0 < err < 0.1
    one = SimpleNamespace(**{**run.__dict__, "network": np.zeros(a.durations.size, int)})
    assert np.isnan(shapes.shape_exponents({"sparse step": one})["sparse step"][1])
    assert isinstance(run.traces, Traces)


def test_traces_take_matches_a_list_rebuild():
    from crit.traces import Traces

    t = Traces.from_list([[1.0], [2.0, 3.0], [], [4.0, 5.0, 6.0]])
    picked = t.take(np.array([3, 0, 2, 1]))
    assert [picked[i].tolist() for i in range(4)] == [[4.0, 5.0, 6.0], [1.0], [], [2.0, 3.0]]
    assert len(t.take(np.array([], dtype=int))) == 0
    with pytest.raises(IndexError):
        t.take(np.array([4]))


def test_gamma_star_has_its_spread_over_networks():
    rw = em.random_walk_excursions(40_000, max_steps=2000, rng=2)  # semicircle shapes, gamma* = 3/2
    sb = shapes.shape_bootstrap(rw, dmin=21, dmax=121, min_count=20, gamma_range=(1.0, 2.5), n_resamples=40,
                                rng=np.random.default_rng(0))
    ended = ~rw.survived
    plain = stats.shape_collapse(rw.traces.take(np.flatnonzero(ended)), rw.durations[ended], dmin=21, dmax=121,
                                 min_count=20, gamma_range=(1.0, 2.5))
    assert sb.determined and sb.gamma_star == plain.gamma  # the data's collapse is the stats one
    assert sb.gamma_star_err_curvature == pytest.approx(plain.sigma)
    assert 0 < sb.gamma_star_err < sb.gamma_star_err_curvature
    assert abs(sb.gamma_star - 1.5) < 3 * sb.gamma_star_err + 0.01
    assert np.unique(sb.replicates).size > 1 and sb.n_networks == 20


def test_a_shape_bootstrap_of_bad_input_raises_and_names_the_value():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="traces"):
        shapes.shape_bootstrap(em.galton_watson(10, keep_traces=False, rng=0), dmin=2, dmax=5, rng=rng)
    with pytest.raises(ValueError, match="dmax must be > 5"):
        shapes.shape_bootstrap(em.galton_watson(10, rng=0), dmin=5, dmax=5, rng=rng)


def test_a_shape_analysis_refuses_a_record_without_the_traces_it_reads():
    """A run that kept the traces of durations 20–80 only serves the 20–80 collapse exactly as a full
    run does, and a wider window is refused by name instead of collapsing empty traces."""
    from crit.models import sparse_networks as sn

    kwargs = dict(width=16384, depth=300, sigma_w2=sn.critical_sigma_w2(4, 1.0), n_inputs=20_000,
                  inputs_per_network=1000, seed=1, record_traces=True)
    full = sn.simulate(**kwargs)
    part = sn.simulate(**kwargs, trace_durations=shapes.WINDOWS["sparse step"][:2])
    got = shapes.shape_exponents({"sparse step": part})["sparse step"]
    assert np.all(np.isfinite(got)) and got == shapes.shape_exponents({"sparse step": full})["sparse step"]
    with pytest.raises(ValueError, match="durations 20–80 only"):
        shapes.shape_bootstrap(part, dmin=10, dmax=80, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="trace_durations"):
        shapes.mean_shapes({"tanh": part})
