"""The one pipeline (crit.analysis.pipeline): its fits recover known exponents, its windows follow its
rules, what the data cannot fill is undetermined, and finite-size scaling uses it with ω = b_T.

Known answers: a power law x^-τ thinned by e^{−x/x_c} (an exponential cut-off) has exponent τ below
the cut-off; a random-walk excursion has (τ_s, τ_d, γ) = (4/3, 3/2, 3/2) (Feller; notes §5.2); critical
branching on N sites has T_c ∝ N^{1/2} (notes §2.4).
"""

import numpy as np
import pytest

from crit.analysis import class_assignment, finite_size, pipeline
from crit.analysis.pipeline import PIPELINE, Pipeline, fit_with_cutoff, measure
from crit.analysis.stats import sample_power_law
from crit.models import exact_models


def _thinned(tau, x_c, n, *, discrete, rng):
    x = sample_power_law(tau, 1.0, 4 * n, discrete=discrete, rng=rng)
    return x[rng.random(x.size) < np.exp(-x / x_c)][:n]


@pytest.mark.parametrize("discrete", [False, True])
def test_the_cutoff_fit_recovers_tau_where_a_truncated_fit_is_steepened(discrete):
    rng = np.random.default_rng(3)
    x = _thinned(1.5, 300.0, 20_000, discrete=discrete, rng=rng)
    lo, hi = 10.0, 450.0  # the window reaches into the bend (T_c = (3 − τ) x_c = 450)
    tau, lam, n = fit_with_cutoff(x, discrete=discrete, xmin=lo, xmax=hi)
    plain, lam0, _ = fit_with_cutoff(x, discrete=discrete, xmin=lo, xmax=hi, cutoff=False)
    assert lam0 == 0.0 and lam > 0.5
    assert abs(tau - 1.5) < 0.1, tau  # σ ≈ 0.03–0.04 over seeds
    assert plain - 1.5 > 0.12, plain  # the bias the cut-off term removes (≈ +0.2 here)
    # a hard cap: no cut-off to fit, λ stays near 0
    y = sample_power_law(1.5, 1.0, 20_000, discrete=discrete, xmax=450.0, rng=rng)
    tau_c, lam_c, _ = fit_with_cutoff(y, discrete=discrete, xmin=lo, xmax=hi)
    assert abs(tau_c - 1.5) < 0.1 and lam_c < 1.0


def _walks(n, cap, rng):
    a = exact_models.random_walk_excursions(n, max_steps=2 * cap - 1, keep_traces=False, rng=rng)
    return a.sizes, (a.durations + 1) / 2, a.survived  # time in returns (pairs of steps)


def test_measure_recovers_the_random_walk_exponents_with_the_rules_windows():
    s, d, alive = _walks(6000, 500, np.random.default_rng(1))
    e = measure(PIPELINE, s, d, groups=np.arange(s.size) % 20, survived=alive, discrete_sizes=True,
                discrete_durations=True, name="walk")
    assert e.determined, e.undetermined
    assert abs(e.tau_s - 4 / 3) < 3 * e.tau_s_err + 0.03
    assert abs(e.tau_d - 1.5) < 3 * e.tau_d_err + 0.05
    assert abs(e.gamma - 1.5) < 3 * e.gamma_err + 0.03
    ended = d[~alive]
    t_c = (ended**3).sum() / (ended**2).sum()
    assert e.duration_window == (PIPELINE.dmin, np.floor(min(PIPELINE.window_fraction * t_c, 0.5 * 500)))
    assert e.size_window[0] == np.floor(np.quantile(s[~alive][ended < PIPELINE.dmin], 1 - PIPELINE.size_quantile))
    cov = np.array(e.covariance)
    assert cov.shape == (3, 3) and np.allclose(cov, cov.T) and np.allclose(np.sqrt(np.diag(cov)), e.errors, rtol=0.3)
    assert e.duration_cutoff == pytest.approx(t_c)


def test_what_the_data_cannot_fill_is_undetermined():
    rng = np.random.default_rng(2)
    short = measure(PIPELINE, rng.integers(1, 5, 500).astype(float), rng.integers(1, 8, 500).astype(float),
                    groups=np.arange(500) % 20, discrete_sizes=True, discrete_durations=True)
    assert not short.determined and "no duration window" in short.undetermined and np.isnan(short.tau_d)
    none = measure(PIPELINE, np.ones(4), np.ones(4), groups=np.arange(4), survived=np.ones(4, bool),
                   discrete_sizes=True, discrete_durations=True)
    assert "no selected avalanche" in none.undetermined
    s, d, alive = _walks(3000, 300, rng)
    two = measure(PIPELINE, s, d, groups=np.arange(s.size) % 2, survived=alive, discrete_sizes=True,
                  discrete_durations=True)
    assert np.isfinite(two.tau_s) and np.isnan(two.tau_s_err) and "at least 3" in two.undetermined
    # the authors' selection keeps the censored avalanches at the cap
    authors = measure(Pipeline(selection="all"), s, d, groups=np.arange(s.size) % 20, survived=alive,
                      discrete_sizes=True, discrete_durations=True)
    assert authors.n_avalanches == int(np.sum((s > 0) & (d > 0))) > two.n_avalanches


def test_finite_size_scaling_uses_the_pipeline_and_omega_is_the_measured_b_T():
    sweeps = {n: exact_models.finite_population_branching(3000, width=n, rng=n) for n in (1024, 4096, 16384)}
    f = finite_size.finite_size_scaling(sweeps, finite_size.BRANCHING, pipeline=PIPELINE)
    assert f.pipeline == PIPELINE.name and f.cutoff_correlations.shape == (3,)
    assert f.omega == f.duration_cutoff_exponent and f.omega_err == f.duration_cutoff_exponent_err
    assert abs(f.duration_cutoff_exponent - 0.5) < 3 * f.duration_cutoff_exponent_err + 0.05
    assert all(np.isfinite(f.limit[k][0]) for k in ("tau_s", "tau_d", "gamma"))
    # its N → ∞ exponents and cut-off exponents, assigned: critical branching on N sites is mean-field DP
    m = class_assignment.from_finite_size(f, shape=(1.0, 0.05))
    assert set(m.values) == {"tau_s", "tau_d", "gamma", "b_S", "b_T", "shape"}
    a = class_assignment.assign(m, rng=0, n_draws=0)
    assert a.best == "mean-field DP" and set(a.statistics_used["mean-field DP"]) == set(m.values)
    # ω held at a number: its error is 0, and the limit's error is then the fit's alone
    fixed = finite_size.finite_size_scaling(sweeps, finite_size.BRANCHING, pipeline=Pipeline(omega=0.5))
    assert fixed.omega == 0.5 and fixed.omega_err == 0.0
    assert pipeline.correction_exponent(PIPELINE, float("nan"))[0] != pipeline.correction_exponent(PIPELINE, 1.0)[0]


def test_bad_input_raises():
    with pytest.raises(ValueError, match="dmin"):
        Pipeline(dmin=0.0)
    with pytest.raises(ValueError, match="selection"):
        Pipeline(selection="survivors")
    with pytest.raises(ValueError, match="cutoff_model"):
        Pipeline(cutoff_model="gaussian")
    with pytest.raises(ValueError, match="systematic"):
        Pipeline(systematic={"tau": 0.1})
    with pytest.raises(TypeError, match="pipeline"):
        measure({"dmin": 10}, [1.0], [1.0], groups=[0], discrete_sizes=True, discrete_durations=True)
    with pytest.raises(ValueError, match="same length"):
        measure(PIPELINE, [1.0, 2.0], [1.0], groups=[0, 1], discrete_sizes=True, discrete_durations=True)
    with pytest.raises(ValueError, match="sizes must be >= 0"):
        measure(PIPELINE, [-1.0], [1.0], groups=[0], discrete_sizes=False, discrete_durations=True)
    with pytest.raises(ValueError, match="non-integer"):
        measure(PIPELINE, [1.5], [1.0], groups=[0], discrete_sizes=True, discrete_durations=True)
    with pytest.raises(TypeError, match="groups"):
        measure(PIPELINE, [1.0], [1.0], groups=[0.5], discrete_sizes=True, discrete_durations=True)
    with pytest.raises(ValueError, match="xmax > xmin"):
        fit_with_cutoff([1.0, 2.0], discrete=False, xmin=2.0, xmax=1.0)
    with pytest.raises(ValueError, match="are needed"):
        fit_with_cutoff([1.0, 2.0], discrete=False, xmin=1.0, xmax=3.0)
    with pytest.raises(TypeError, match="system_sweeps"):
        finite_size.finite_size_scaling([], "tanh", pipeline=PIPELINE)
    with pytest.raises(TypeError, match="pipeline"):
        finite_size.finite_size_scaling({}, "tanh", pipeline="one")
