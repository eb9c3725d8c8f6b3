"""The errors of the cut-off exponents b_S, b_T and b_S/b_T describe their spread over independent draws
of the networks.

Known answer: a sweep whose duration cut-off grows as N^1 with a quenched cut-off scale per network
(x_c = N e^η, η ~ N(0, 0.5²)) and a power law T^-3/2 below it; the spread of the fitted b_T over
independent sweeps is the error to be stated. Propagating each width's jackknife error through the
weighted fit (the code before) understated it by about half: its weights are those noisy errors,
which go with the values.
"""

from types import SimpleNamespace

import numpy as np

from crit.analysis import finite_size, universality
from crit.analysis.pipeline import PIPELINE
from crit.analysis.resampling import jackknife_error
from crit.models import exact_models


def quenched_sweep(rng, widths=(32, 64, 128, 256), networks=60, per_network=40, disorder=0.5):
    """{width: record} with T ~ T^-3/2 cut off at x_c = N e^η, η drawn per network; S = T^3/2."""
    out = {}
    for n in widths:
        cutoff = n * np.exp(disorder * rng.standard_normal(networks))
        t = np.floor(rng.uniform(size=(networks, per_network)) ** -2.0)
        t[rng.uniform(size=t.shape) > np.exp(-t / cutoff[:, None])] = 0  # cut off: no avalanche
        d = t.ravel()
        out[n] = SimpleNamespace(sizes=d**1.5, durations=d, survived=np.zeros(d.size, bool),
                                 network=np.repeat(np.arange(networks), per_network))
    return out


def _propagated(sweep, groups=20):
    """b_T and the error of the code before: each width's jackknife error through the weighted fit."""
    tc, te = [], []
    for n in sorted(sweep):
        a = sweep[n]
        ok = a.durations > 0
        d, g = a.durations[ok], a.network[ok] % groups
        d2, d3 = np.bincount(g, d**2, groups), np.bincount(g, d**3, groups)
        tc.append(d3.sum() / d2.sum())
        te.append(jackknife_error((d3.sum() - d3) / (d2.sum() - d2)))
    return universality.power_law_in_width(np.array(sorted(sweep), float), tc, te)


def test_the_error_of_b_T_is_its_spread_over_independent_sweeps():
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(150):
        sweep = quenched_sweep(rng)
        b, propagated = _propagated(sweep)
        rows.append((b, propagated, finite_size.cutoff_exponent_errors(sweep, sorted(sweep), 20)[1]))
    b, propagated, jackknifed = np.array(rows).T
    spread = b.std(ddof=1)
    assert 0.8 < spread / jackknifed.mean() < 1.25, (spread, jackknifed.mean())
    assert spread / propagated.mean() > 1.4, (spread, propagated.mean())  # the code before


def test_finite_size_scaling_states_the_jackknife_of_the_whole_fit():
    sweeps = {n: exact_models.finite_population_branching(3000, width=n, rng=n) for n in (1024, 4096, 16384)}
    f = finite_size.finite_size_scaling(sweeps, finite_size.BRANCHING, pipeline=PIPELINE)
    errors = finite_size.cutoff_exponent_errors(sweeps, f.widths, PIPELINE.max_groups, PIPELINE.selection)
    assert np.all(np.isfinite(errors)) and np.all(errors > 0)
    assert (f.size_cutoff_exponent_err, f.duration_cutoff_exponent_err, f.cutoff_ratio_err) == tuple(errors)
    assert f.omega_err == f.duration_cutoff_exponent_err  # carried into the N → ∞ limits
    # the values are the weighted fits of each width's cut-offs, as before
    assert f.duration_cutoff_exponent == universality.power_law_in_width(f.widths, f.duration_cutoff,
                                                                         f.duration_cutoff_err)[0]
    # with the blocks of the measurement, the jackknife of one width reproduces its cut-off and error
    sums = finite_size._cutoff_sums(sweeps[1024], PIPELINE.max_groups, PIPELINE.selection)
    assert np.isclose(sums[4].sum() / sums[3].sum(), f.duration_cutoff[0])
    loo = (sums[4].sum() - sums[4]) / (sums[3].sum() - sums[3])
    assert np.isclose(jackknife_error(loo[sums[0] > 0]), f.duration_cutoff_err[0])


def test_too_few_blocks_or_widths_give_no_error():
    sweep = quenched_sweep(np.random.default_rng(1), networks=2)
    assert np.all(np.isnan(finite_size.cutoff_exponent_errors(sweep, sorted(sweep), 20)))
    sweep = quenched_sweep(np.random.default_rng(1))
    assert np.all(np.isnan(finite_size.cutoff_exponent_errors(sweep, [64], 20)))
