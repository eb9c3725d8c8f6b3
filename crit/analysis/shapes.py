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

Data without a shape (no duration with enough avalanches, no avalanche that ended, a single mean
trace) give NaN, not an error: :func:`mean_shapes` returns a collapse with NaN γ and no curves for
such a system, and :func:`shape_exponent` NaN (the reason is in its docstring's Returns).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from crit import _validate

__all__ = ["REFERENCE_SHAPES", "WINDOWS", "shape_exponent", "mean_shapes", "shape_exponents", "exact_shape_exponents"]

#: Exponent a of F ∝ [u(1 − u)]^a for each class.
REFERENCE_SHAPES = {"mean-field DP": 1.0, "free BM": 0.5}
#: Durations (layers) whose mean traces are collapsed, and the fewest avalanches per duration:
#: well inside each system's power-law range at the CI sizes (T_c is a few hundred layers for both).
WINDOWS = {"tanh": (20, 120, 10), "sparse step": (20, 80, 20)}


def shape_exponent(collapse, *, trim=0.1):
    """Exponent a of F(u) ∝ [u(1 − u)]^a, from the curves of a :class:`crit.analysis.stats.ShapeCollapse`.

    Each duration's rescaled mean trace gives one estimate (least squares of ln F on ln u(1 − u)
    for ``trim`` ≤ u ≤ 1 − ``trim``); the result is their mean and its standard error.

    Parameters
    ----------
    collapse : ShapeCollapse
        Or any object with ``u`` (n_u,) and ``curves`` (n_durations, n_u).
    trim : float
        Fraction of u left out at each end, in [0, 0.5).

    Returns
    -------
    (a, a_err) : tuple of float
        Dimensionless. Only the mean traces positive over the fitted u give an estimate: with one
        such trace a_err is NaN (no spread), with none (e.g. an undetermined collapse, whose curves
        are NaN or absent, or fewer than 2 values of u inside the trim) both are NaN.
    """
    trim = _validate.real("trim", trim, minimum=0.0, maximum=0.5, strict_max=True)
    u = np.asarray(collapse.u, float)
    curves = np.asarray(collapse.curves, float)
    if u.ndim != 1 or (curves.size and curves.shape[-1] != u.size):
        raise ValueError(f"collapse.curves must have u's length {u.size} along their last axis, got {curves.shape}")
    keep = (u >= trim) & (u <= 1 - trim)
    x = np.log(u[keep] * (1 - u[keep]))
    slopes = []
    for curve in (np.atleast_2d(curves) if curves.size and x.size >= 2 else ()):
        y = curve[keep]
        if np.all(y > 0):
            slopes.append(np.polyfit(x, np.log(y), 1)[0])
    slopes = np.array(slopes)
    if slopes.size < 2:
        return (float(slopes[0]) if slopes.size else float("nan")), float("nan")
    return float(slopes.mean()), float(slopes.std(ddof=1) / np.sqrt(slopes.size))


def _placeholder(cls, reason, **values):
    """A record of ``cls`` (a :mod:`crit.analysis.stats` type) standing for a part the data did not
    allow: the given values, and the reason when ``cls`` has an ``undetermined`` field."""
    if "undetermined" in {f.name for f in dataclasses.fields(cls)}:
        values["undetermined"] = reason
    return cls(**values)


def _shape_collapse(traces, durations, **kwargs):
    """``(stats.shape_collapse(traces, durations, **kwargs), "")``, or a collapse with NaN γ and no
    curves and the reason when the data hold too few durations with enough avalanches."""
    from crit.analysis.stats import ShapeCollapse, shape_collapse
    from crit.traces import Traces

    durations = _validate.finite_array("durations", durations, allow_empty=True)
    if not isinstance(traces, Traces):
        raise TypeError(f"traces must be a crit.traces.Traces record, got {type(traces).__name__}")
    if len(traces) != durations.size:
        raise ValueError(f"traces holds {len(traces)} avalanches but there are {durations.size} durations")
    window = (durations >= kwargs["dmin"]) & (durations <= kwargs["dmax"])
    pairs = np.unique(np.stack([durations[window], traces.lengths[window]]), axis=1)
    if np.unique(pairs[0]).size != pairs.shape[1]:
        raise ValueError("the traces of one duration must all have the same length")
    reason = "" if durations.size else "no avalanche to collapse (none recorded, or none ended)"
    if not reason:
        try:
            got = shape_collapse(traces, durations, **kwargs)
        except ValueError as exc:  # bad input is checked above: here only the data can fail
            reason = str(exc)
        else:
            reason = getattr(got, "undetermined", "")
            if not reason:
                return got, ""
    empty, nan = np.zeros(0), float("nan")
    return _placeholder(ShapeCollapse, reason, gamma=nan, sigma=nan, gammas=empty, errors=empty, durations=empty,
                        counts=np.zeros(0, np.int64), u=empty, curves=np.zeros((0, 0)), mean_curve=empty,
                        at_edge=False), reason


def _ended(a):
    """Traces and durations of the avalanches of ``a`` that ended, and their networks."""
    from crit.traces import Traces

    if not isinstance(getattr(a, "traces", None), Traces):
        raise TypeError("the record has no traces: simulate it with record_traces=True")
    ended = ~np.asarray(a.survived, bool)
    network = np.asarray(a.network)
    if ended.all():
        return a.traces, np.asarray(a.durations), network
    keep = np.flatnonzero(ended)  # survivors' traces are cut at the depth: leave them out
    return a.traces.take(keep), np.asarray(a.durations)[keep], network[keep]


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
        ``{system: ShapeCollapse}``, on the durations of :data:`WINDOWS`; a system whose data hold
        fewer than 2 durations with enough ended avalanches gets a collapse with NaN γ and no curves
        (and the reason in its ``undetermined`` field where :class:`~crit.analysis.stats.ShapeCollapse`
        has one).
    """
    if not isinstance(runs, dict):
        raise TypeError(f"runs must be a dict {{system: record}}, got {type(runs).__name__}")
    out = {}
    for system, a in runs.items():
        dmin, dmax, count = WINDOWS[_validate.choice("system", system, tuple(WINDOWS))]
        traces, durations, _ = _ended(a)
        out[system] = _shape_collapse(traces, durations, dmin=dmin, dmax=dmax, min_count=count)[0]
    return out


def shape_exponents(runs: dict, *, trim=0.1, max_groups=20) -> dict:
    """Shape exponent a of every system (:func:`shape_exponent` of :func:`mean_shapes`), with its
    error from a delete-one-block jackknife over networks.

    The spread over durations (the error of :func:`shape_exponent`) mixes noise with the finite-T
    drift of a and is no error bar; the jackknife recomputes the whole collapse without each block
    of networks (``network % max_groups``), so the error is the network-to-network spread.

    Parameters
    ----------
    runs : dict
        As for :func:`mean_shapes`; every record also has ``network``.
    trim : float
        As for :func:`shape_exponent`.
    max_groups : int
        Largest number of blocks of networks (at least 3).

    Returns
    -------
    dict
        ``{system: (a, a_err)}``, dimensionless; a_err is NaN with fewer than 3 blocks of networks,
        a NaN when the collapse is undetermined.
    """
    from crit.analysis.resampling import MIN_NETWORKS, jackknife_error

    max_groups = _validate.integer("max_groups", max_groups, minimum=MIN_NETWORKS)
    out = {}
    for system, collapse in mean_shapes(runs).items():
        a = shape_exponent(collapse, trim=trim)[0]
        dmin, dmax, _ = WINDOWS[system]
        traces, durations, network = _ended(runs[system])
        # the durations of the full collapse stay fixed: a block left out must not change which
        # durations enter the mean (a jump that the jackknife would read as noise)
        chosen = np.flatnonzero(np.isin(durations, np.asarray(collapse.durations)))
        traces, durations, blocks = traces.take(chosen), durations[chosen], network[chosen] % max_groups
        labels = np.unique(blocks)
        if np.isnan(a) or labels.size < MIN_NETWORKS:
            out[system] = (a, float("nan"))
            continue
        leave = []
        for k in labels:
            keep = np.flatnonzero(blocks != k)
            part = _shape_collapse(traces.take(keep), durations[keep], dmin=dmin, dmax=dmax, min_count=1)[0]
            leave.append(shape_exponent(part, trim=trim)[0])
        out[system] = (a, float(jackknife_error(np.array(leave))))
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
