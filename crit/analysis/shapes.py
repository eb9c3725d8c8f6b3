r"""Mean avalanche shapes as a signature of the universality class.

The mean trace of avalanches of duration T, rescaled as :math:`\langle s(t, T)\rangle T^{1-\gamma}`
against u = t/T, collapses onto one curve F(u) (:func:`crit.analysis.stats.shape_collapse`). Its form tells
the two classes apart without any exponent fit of P(S) or P(T) (Laurson et al., Nat. Commun. 4,
2927 (2013)):

* mean-field DP, the log trap (critical branching): the parabola F ∝ u(1 − u);
* absorbed free Brownian motion (a random-walk excursion): the semicircle F ∝ √(u(1 − u)).

:func:`shape_exponent` fits F ∝ [u(1 − u)]^a, so a = 1 and a = 1/2 are the two references.
Finite durations flatten the ends (a discrete avalanche starts and ends with one active unit, not
zero), which pulls a below its asymptotic value; compare systems at similar durations.
"""

from __future__ import annotations

import numpy as np

from crit import _validate

__all__ = ["REFERENCE_SHAPES", "WINDOWS", "shape_exponent", "mean_shapes", "exact_shape_exponents"]

#: Exponent a of F ∝ [u(1 − u)]^a for each class.
REFERENCE_SHAPES = {"mean-field DP": 1.0, "free BM": 0.5}
#: Durations (layers) whose mean traces are collapsed, and the fewest avalanches per duration:
#: well inside each system's power-law range at the CI sizes (T_c is a few hundred layers for both).
WINDOWS = {"tanh": (20, 120, 10), "sparse step": (20, 80, 20)}


def shape_exponent(collapse, *, trim=0.1):
    """Exponent a of F(u) ∝ [u(1 − u)]^a, from the curves of a :class:`crit.analysis.stats.ShapeCollapse`.

    Each duration's rescaled mean trace gives one estimate (least squares of ln F on ln u(1 − u)
    for ``trim`` ≤ u ≤ 1 − ``trim``); the result is their mean and its standard error.

    Returns
    -------
    (a, a_err) : tuple of float
    """
    trim = _validate.real("trim", trim, minimum=0.0, maximum=0.5, strict_max=True)
    u = np.asarray(collapse.u)
    keep = (u >= trim) & (u <= 1 - trim)
    x = np.log(u[keep] * (1 - u[keep]))
    slopes = []
    for curve in np.atleast_2d(collapse.curves):
        y = np.asarray(curve)[keep]
        if np.all(y > 0):
            slopes.append(np.polyfit(x, np.log(y), 1)[0])
    slopes = np.array(slopes)
    if slopes.size < 2:
        raise ValueError(f"need at least 2 positive mean traces to fit the shape, got {slopes.size}")
    return float(slopes.mean()), float(slopes.std(ddof=1) / np.sqrt(slopes.size))


def mean_shapes(runs: dict) -> dict:
    """Shape collapse (:func:`crit.analysis.stats.shape_collapse`) of avalanches recorded with their traces.

    Parameters
    ----------
    runs : dict
        ``{system: record}``, a system of :data:`WINDOWS` and a record with ``traces``,
        ``durations`` and ``survived`` (e.g. :func:`crit.models.avalanches.simulate` or
        :func:`crit.models.sparse_networks.simulate` with ``record_traces=True``).

    Returns
    -------
    dict
        ``{system: ShapeCollapse}``, on the durations of :data:`WINDOWS`.
    """
    from crit.analysis.stats import shape_collapse

    out = {}
    for system, a in runs.items():
        dmin, dmax, count = WINDOWS[system]
        ended = ~np.asarray(a.survived)
        if ended.all():
            traces, durations = a.traces, a.durations
        else:  # survivors' traces are cut at the depth: leave them out
            from crit.traces import Traces

            keep = np.flatnonzero(ended)
            traces = Traces.from_list([a.traces[i] for i in keep])
            durations = np.asarray(a.durations)[keep]
        out[system] = shape_collapse(traces, durations, dmin=dmin, dmax=dmax, min_count=count)
    return out


def exact_shape_exponents(*, n_runs=200_000, dmin=20, dmax=80, rng) -> dict:
    """Shape exponents of the exact models on durations ``dmin`` … ``dmax``: the finite-duration
    yardsticks for :func:`shape_exponent` (critical Galton–Watson trees, whose ends are flattened by
    the single seed, and random-walk excursions, which have odd durations only).

    Returns
    -------
    dict
        ``{"mean-field DP": (a, a_err), "free BM": (a, a_err)}``.
    """
    from crit.analysis.stats import shape_collapse
    from crit.models import exact_models

    rng = _validate.rng("rng", rng, allow_seed=True)
    trees = exact_models.galton_watson(n_runs, max_generations=5 * dmax, rng=rng)
    walks = exact_models.random_walk_excursions(n_runs, max_steps=5 * dmax, rng=rng)
    odd = lambda x: x + 1 - x % 2  # noqa: E731
    return {
        "mean-field DP": shape_exponent(shape_collapse(trees.traces, trees.durations, dmin=dmin, dmax=dmax)),
        "free BM": shape_exponent(shape_collapse(walks.traces, walks.durations, dmin=odd(dmin), dmax=odd(dmax))),
    }
