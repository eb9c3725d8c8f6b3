r"""Mean avalanche shapes as a signature of the universality class, and the shape exponent γ* over networks.

The mean trace of avalanches of duration T, rescaled as :math:`\langle s(t, T)\rangle T^{1-\gamma}`
against u = t/T, collapses onto one curve F(u) (:func:`crit.analysis.stats.shape_collapse`). Its form tells
the two classes apart without any exponent fit of P(S) or P(T) (Laurson et al., Nat. Commun. 4,
2927 (2013)):

* mean-field DP, the log trap (critical branching): the parabola F ∝ u(1 − u);
* absorbed free Brownian motion (a random-walk excursion): the semicircle F ∝ √(u(1 − u)).

:func:`shape_exponent` fits F ∝ [u(1 − u)]^a, so a = 1 and a = 1/2 are the two references.
Finite durations flatten the ends (a discrete avalanche starts and ends with one active unit, not
zero), which pulls a below its asymptotic value; compare systems at similar durations.

:func:`shape_bootstrap` gives the exponent γ* of the collapse with its spread over resamples of
whole networks (:class:`ShapeBootstrap`): the curvature of the collapse error, the authors' error,
measures how sharp the minimum is, not how much it moves from one draw of the networks to another.

Data without a shape (no duration with enough avalanches, no avalanche that ended, a single mean
trace) give NaN, not an error: :func:`mean_shapes` returns a collapse with NaN γ and no curves for
such a system, and :func:`shape_exponent` NaN (the reason is in its docstring's Returns).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis.resampling import _labels, _spread, network_resamples, too_few_networks
from crit.records import Record
from crit.traces import Traces, check_window

__all__ = [
    "REFERENCE_SHAPES",
    "WINDOWS",
    "ShapeBootstrap",
    "exact_shape_exponents",
    "mean_shapes",
    "shape_bootstrap",
    "shape_exponent",
    "shape_exponents",
]

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


def _ended(a, dmin, dmax):
    """Traces and durations of the avalanches of ``a`` that ended, and their networks (the traces of
    durations ``dmin``–``dmax`` are read)."""
    if not isinstance(getattr(a, "traces", None), Traces):
        raise TypeError("the record has no traces: simulate it with record_traces=True")
    check_window(a, dmin, dmax)
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
        traces, durations, _ = _ended(a, dmin, dmax)
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
        traces, durations, network = _ended(runs[system], dmin, dmax)
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


# ----------------------------------------------------------------------------------------------
# the shape-collapse exponent over networks


@dataclass(frozen=True, eq=False)
class ShapeBootstrap(Record):
    """The shape-collapse exponent γ* with its spread over networks.

    Attributes
    ----------
    gamma_star : float
        The exponent that best collapses the mean traces of the ended avalanches of durations
        [dmin, dmax] (:func:`crit.analysis.stats.shape_collapse`), dimensionless.
    gamma_star_err : float
        Its spread over resamples of whole networks.
    gamma_star_err_curvature : float
        The authors' error, sqrt(1/(2a)) from the curvature of the collapse error at its minimum.
    replicates : numpy.ndarray, shape (n_resamples,)
        γ* of each resample (NaN where fewer than 2 durations keep ``min_count`` avalanches).
    n_at_edge : int
        Resamples whose minimum lies at the edge of the γ grid (their γ* is kept, but widen the grid).
    durations : numpy.ndarray
        Durations collapsed on all the data (layers).
    dmin, dmax, min_count, n_grid : int, int, int, int
    gamma_range : tuple
    gamma_step : float
    n_networks, n_resamples : int
    undetermined : str
    """

    gamma_star: float
    gamma_star_err: float
    gamma_star_err_curvature: float
    replicates: np.ndarray
    n_at_edge: int
    durations: np.ndarray
    dmin: float
    dmax: float
    min_count: int
    n_grid: int
    gamma_range: tuple
    gamma_step: float
    n_networks: int
    n_resamples: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether γ* and its error over networks were determined."""
        return not self.undetermined


def _interp_matrix(length, u):
    """(length, n_u) matrix A with trace @ A = np.interp(u, (arange(length) + 1/2)/length, trace)."""
    x = (np.arange(length) + 0.5) / length
    return np.stack([np.interp(u, x, row) for row in np.eye(length)])


def shape_bootstrap(rec, *, dmin, dmax, min_count=20, n_grid=50, gamma_range=(1.0, 3.0), gamma_step=0.01,
                    n_resamples=100, rng) -> ShapeBootstrap:
    """γ* of the ended avalanches of ``rec`` and its spread over resamples of whole networks.

    The mean trace of each duration is a sum over networks divided by a count over networks, so a
    resample of the networks reweights per-network sums; each resample is collapsed exactly as
    :func:`crit.analysis.stats.shape_collapse` collapses the data (same grid, same error), keeping
    the durations that hold ``min_count`` avalanches in that resample.

    Parameters
    ----------
    rec : crit.models.avalanche_record.AvalancheRecord
        With ``traces`` (one trace of length T per avalanche) and ``network``.
    dmin, dmax : float
        Durations collapsed (layers).
    min_count, n_grid, gamma_range, gamma_step
        As in :func:`crit.analysis.stats.shape_collapse`.
    n_resamples : int
    rng : numpy.random.Generator

    Returns
    -------
    ShapeBootstrap
        γ* is NaN, with the reason, when fewer than 2 durations hold ``min_count`` avalanches; its
        error is NaN with fewer than 3 networks or 3 resamples that collapse.
    """
    traces = getattr(rec, "traces", None)
    if not isinstance(traces, Traces):
        raise TypeError("rec must be an avalanche record with traces (simulate with record_traces=True)")
    dmin = _validate.real("dmin", dmin, minimum=0.0)
    dmax = _validate.real("dmax", dmax, minimum=dmin, strict_min=True)
    check_window(rec, dmin, dmax)
    min_count = _validate.integer("min_count", min_count, minimum=1)
    n_grid = _validate.integer("n_grid", n_grid, minimum=5)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=3)
    rng = _validate.rng("rng", rng)
    g0 = _validate.real("gamma_range[0]", gamma_range[0])
    g1 = _validate.real("gamma_range[1]", gamma_range[1], minimum=g0, strict_min=True)
    step = _validate.real("gamma_step", gamma_step, minimum=0.0, strict_min=True)
    durations = _validate.finite_array("rec.durations", rec.durations, allow_empty=True)
    labels = _labels("rec.network", rec.network)
    ended = ~np.asarray(rec.survived, bool)
    collapse, why = _shape_collapse(traces.take(np.flatnonzero(ended)), durations[ended], dmin=dmin, dmax=dmax,
                                    min_count=min_count, n_grid=n_grid, gamma_range=(g0, g1), gamma_step=step)
    ids, net = np.unique(labels[ended], return_inverse=True)
    m = ids.size
    window = ended & (durations >= dmin) & (durations <= dmax)
    Ts = np.unique(durations[window])
    u = (np.arange(n_grid) + 0.5) / n_grid
    net_of = np.full(labels.size, -1)
    net_of[np.flatnonzero(ended)] = net
    sums = np.zeros((m, Ts.size, n_grid))
    counts = np.zeros((m, Ts.size))
    for j, T in enumerate(Ts):
        idx = np.flatnonzero(window & (durations == T))
        length = int(traces.lengths[idx[0]])
        if np.any(traces.lengths[idx] != length) or length < 2:
            continue  # the collapse of the data skips such durations too (or the data raised above)
        block = traces.values[traces.offsets[idx][:, None] + np.arange(length)]
        per_net = np.zeros((m, length))
        np.add.at(per_net, net_of[idx], block)
        sums[:, j] = per_net @ _interp_matrix(length, u)
        counts[:, j] = np.bincount(net_of[idx], minlength=m)
    gammas = np.arange(g0, g1 + step / 2, step)
    logT = np.log(np.maximum(Ts, 1e-300))
    per_network = np.bincount(net, minlength=m)
    reps, at_edge = [], 0
    for idx in network_resamples(labels[ended], n_resamples, rng):
        weight = np.bincount(net[idx], minlength=m) / np.maximum(per_network, 1)
        c = weight @ counts
        keep = c >= min_count
        if keep.sum() < 2:
            reps.append(np.nan)
            continue
        means = (np.tensordot(weight, sums, axes=1)[keep]) / c[keep, None]
        scaled = means[None] * np.exp(-(gammas[:, None, None] - 1.0) * logT[keep][None, :, None])
        centre = scaled.mean(axis=1, keepdims=True)
        err = np.sum((scaled - centre) ** 2, axis=(1, 2)) / np.sum(centre**2, axis=(1, 2))
        j = int(np.argmin(err))
        at_edge += int(j < 2 or j > gammas.size - 3)
        reps.append(float(gammas[j]))
    reps = np.array(reps, dtype=float)
    reasons = [f"gamma*: {why}"] if why else []
    if not why:
        few = too_few_networks(m, "the spread of gamma* over networks")
        if few:
            reasons.append(few)
        elif np.isfinite(reps).sum() < 3:
            reasons.append(f"fewer than 3 of {n_resamples} resamples of the networks collapse")
    return ShapeBootstrap(
        gamma_star=float(collapse.gamma), gamma_star_err=_spread(reps) if not reasons else float("nan"),
        gamma_star_err_curvature=float(collapse.sigma), replicates=reps, n_at_edge=at_edge,
        durations=np.asarray(collapse.durations, float), dmin=dmin, dmax=dmax, min_count=min_count, n_grid=n_grid,
        gamma_range=(g0, g1), gamma_step=step, n_networks=int(m), n_resamples=n_resamples,
        undetermined="; ".join(reasons),
    )
