"""Errors from the spread over networks: the delete-one jackknife and the bootstrap of whole networks.

One network serves many inputs, so avalanches of one network are correlated (quenched disorder) and
two runs differ by far more than counting statistics say (`paper-method.md` §7). Every error in
`crit` therefore resamples networks, or blocks of networks, never single avalanches:

- :func:`jackknife` and :func:`jackknife_error`: leave one network (or block) out at a time;
- :func:`network_resamples`: draw whole networks with replacement (the bootstrap);
- :func:`network_bootstrap`: any estimator evaluated on all the data and on every resample of the
  networks, with the spread, the covariance and the percentile intervals of its outputs
  (:class:`NetworkBootstrap`). The crackling bootstrap (:mod:`crit.analysis.bootstrap`), γ* over
  networks (:func:`crit.analysis.shapes.shape_bootstrap`) and the tests corrected for the design
  effect (:mod:`crit.analysis.design_effect`) build on it.

A run that drew fewer than :data:`MIN_NETWORKS` networks is data, not an error: its estimate stands,
but a spread over one or two networks is no error bar. :func:`jackknife` then returns a NaN error,
:func:`network_resamples` draws no resample (so a spread over the resamples is NaN), and
:func:`too_few_networks` gives the reason that analyses report in their ``undetermined`` field.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.records import Record

__all__ = [
    "MIN_NETWORKS",
    "WORKERS_ENV",
    "NetworkBootstrap",
    "jackknife",
    "jackknife_error",
    "network_bootstrap",
    "network_resamples",
    "too_few_networks",
    "workers",
]

#: Fewest networks (or blocks of them) whose spread is taken as an error.
MIN_NETWORKS = 3
#: The environment variable that sets how many processes evaluate the resamples of
#: :func:`network_bootstrap` (:func:`workers`).
WORKERS_ENV = "CRIT_WORKERS"


def workers() -> int:
    """Processes that evaluate the resamples of :func:`network_bootstrap`: ``$CRIT_WORKERS``, else 1.

    The resamples are drawn in this process whatever the number, so the results do not depend on
    it; ``python -m crit compute`` sets it to the machine's cores. Raises ``ValueError`` when the
    variable is set to anything but a whole number >= 1.
    """
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if not raw:
        return 1
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"${WORKERS_ENV} must be a whole number >= 1 (processes for the bootstrap), got {raw!r}")
    return n


def too_few_networks(n_networks, what="an error over networks") -> str:
    """Why an error over ``n_networks`` networks is undetermined; empty when there are enough.

    Examples
    --------
    >>> too_few_networks(1)
    'an error over networks needs at least 3 networks, got 1'
    >>> too_few_networks(20)
    ''
    """
    n = int(n_networks)
    return f"{what} needs at least {MIN_NETWORKS} networks, got {n}" if n < MIN_NETWORKS else ""


def jackknife_error(leave_out, axis=-1) -> np.ndarray:
    """Jackknife standard error from the ``m`` leave-one-out estimates along ``axis``.

    sqrt((m − 1)/m · Σ_k (θ_k − θ̄)²), ignoring NaN estimates (a left-out sample too thin to
    estimate from); NaN when fewer than 2 estimates are finite.

    Examples
    --------
    >>> x = np.arange(10.0)
    >>> loo = np.array([np.delete(x, k).mean() for k in range(10)])
    >>> bool(np.isclose(jackknife_error(loo), x.std(ddof=1) / np.sqrt(10)))
    True
    """
    leave_out = np.asarray(leave_out, float)
    finite = np.isfinite(leave_out)
    m = np.sum(finite, axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        # the mean of the finite estimates, as numpy.nanmean computes it, without its warning when none is finite
        mean = np.sum(np.where(finite, leave_out, 0.0), axis=axis, keepdims=True) / np.sum(finite, axis=axis,
                                                                                              keepdims=True)
        centred = leave_out - mean
        err = np.sqrt((m - 1) / m * np.nansum(centred**2, axis=axis))
    return np.where(m >= 2, err, np.nan)


def jackknife(estimator, *arrays):
    """Delete-one-network jackknife of ``estimator(*arrays)`` over the last axis.

    Parameters
    ----------
    estimator : callable
        Maps arrays of shape (..., n_networks) to an array of shape (...).
    *arrays : numpy.ndarray
        Per-network quantities, networks on the last axis.

    Returns
    -------
    (estimate, error) : tuple of numpy.ndarray
        The estimate on all networks and its jackknife standard error. With fewer than
        :data:`MIN_NETWORKS` networks the error is NaN (:func:`too_few_networks` says why).
    """
    m = arrays[0].shape[-1]
    full = estimator(*arrays)
    if m < MIN_NETWORKS:
        return full, np.full(np.shape(full), np.nan)
    keep = ~np.eye(m, dtype=bool)
    leave_out = np.stack([estimator(*(a[..., k] for a in arrays)) for k in keep], axis=-1)
    err = np.sqrt((m - 1) / m * ((leave_out - leave_out.mean(-1, keepdims=True)) ** 2).sum(-1))
    return full, err


def _groups(network):
    """(order, starts, counts): the avalanches of each distinct network, for :func:`_indices`."""
    order = np.argsort(network, kind="stable")
    _, starts, counts = np.unique(network[order], return_index=True, return_counts=True)
    return order, starts, counts


def _indices(groups, pick):
    """Indices of the avalanches of the networks ``pick`` (positions among the distinct networks)."""
    order, starts, counts = groups
    return np.concatenate([order[starts[k] : starts[k] + counts[k]] for k in pick])


def _picks(n_networks, n_resamples, rng) -> list:
    """The networks drawn (with replacement) in each resample; none with fewer than MIN_NETWORKS."""
    if n_networks < MIN_NETWORKS:
        return []
    return [rng.integers(0, n_networks, n_networks) for _ in range(n_resamples)]


def network_resamples(network, n_resamples, rng):
    """Index arrays of ``n_resamples`` bootstrap resamples of whole networks.

    Parameters
    ----------
    network : numpy.ndarray of int
        The network of each avalanche (``Avalanches.network``).
    n_resamples : int
        Number of resamples.
    rng : numpy.random.Generator

    Yields
    ------
    numpy.ndarray
        Indices of the avalanches of a resample of the networks (drawn with replacement). Nothing
        when fewer than :data:`MIN_NETWORKS` networks are present (:func:`too_few_networks` says why),
        and then nothing is drawn from ``rng``.
    """
    rng = _validate.rng("rng", rng)
    network = np.asarray(network)
    groups = _groups(network)
    n_networks = groups[1].size
    if n_networks < MIN_NETWORKS:
        return
    for _ in range(n_resamples):
        yield _indices(groups, rng.integers(0, n_networks, n_networks))


# ----------------------------------------------------------------------------------------------
# the bootstrap of an estimator over networks


@dataclass(frozen=True, eq=False)
class NetworkBootstrap(Record):
    """An estimator on all the data and on resamples of whole networks.

    Attributes
    ----------
    names : tuple of str
        What each output of the estimator is.
    estimate : numpy.ndarray, shape (k,)
        The estimator on all the data (NaN where the data give no value).
    replicates : numpy.ndarray, shape (n_resamples, k)
        The estimator on each resample of the networks (NaN where a resample gives no value).
    n_networks : int
        Distinct networks in the data.
    n_items : int
        Data points (avalanches) resampled.
    undetermined : str
        Why some estimate or error is NaN; empty when none is.
    """

    names: tuple
    estimate: np.ndarray
    replicates: np.ndarray
    n_networks: int
    n_items: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether every estimate and error was determined (see ``undetermined``)."""
        return not self.undetermined

    @property
    def errors(self) -> np.ndarray:
        """Standard error of each output: the spread (ddof 1) of its finite replicates; NaN with
        fewer than 3 of them. Units of the output."""
        return np.array([_spread(self.replicates[:, k]) for k in range(len(self.names))])

    @property
    def n_failed(self) -> int:
        """Resamples in which some output could not be computed."""
        return int(np.sum(~np.isfinite(self.replicates).all(axis=1))) if self.replicates.size else 0

    def covariance(self) -> np.ndarray:
        """Covariance matrix (k, k) of the outputs over the resamples, each pair over the resamples
        where both are finite (NaN with fewer than 3 such resamples)."""
        k = len(self.names)
        out = np.full((k, k), np.nan)
        for i in range(k):
            for j in range(k):
                both = np.isfinite(self.replicates[:, i]) & np.isfinite(self.replicates[:, j])
                if both.sum() >= 3:
                    a, b = self.replicates[both, i], self.replicates[both, j]
                    out[i, j] = float(np.sum((a - a.mean()) * (b - b.mean())) / (a.size - 1))
        return out

    def interval(self, level=0.95) -> np.ndarray:
        """Percentile intervals, shape (k, 2), at ``level`` (NaN rows with fewer than 3 replicates)."""
        level = _validate.real("level", level, minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
        return _percentiles(self.replicates.reshape(-1, len(self.names)), [50 * (1 - level), 50 * (1 + level)])


def _spread(values) -> float:
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    return float(values.std(ddof=1)) if values.size >= 3 else float("nan")


def _percentiles(replicates, q) -> np.ndarray:
    """Percentiles ``q`` (in %) of each column's finite replicates, shape (k, len(q)); NaN rows with
    fewer than 3."""
    out = np.full((replicates.shape[1], len(q)), np.nan)
    for k in range(replicates.shape[1]):
        r = replicates[:, k]
        r = r[np.isfinite(r)]
        if r.size >= 3:
            out[k] = np.percentile(r, q)
    return out


def _evaluate(estimator, idx, k):
    """``estimator(idx)`` as k floats; NaN when the data of ``idx`` do not allow it (ValueError)."""
    try:
        out = estimator(idx)
    except ValueError:
        return np.full(k, np.nan)
    out = np.asarray(out, dtype=float).reshape(-1)
    if out.size != k:
        raise TypeError(f"the estimator returned {out.size} value(s), expected {k} (one per name)")
    return out


def _labels(name, network):
    labels = np.asarray(network)
    if labels.ndim != 1:
        raise ValueError(f"{name} must be 1-dimensional (one network label per avalanche), got shape {labels.shape}")
    if labels.size and not (np.issubdtype(labels.dtype, np.integer) or np.issubdtype(labels.dtype, np.bool_)):
        raise TypeError(f"{name} must hold integer network labels, got dtype {labels.dtype}")
    return labels.astype(np.int64)


def network_bootstrap(network, estimator, *, names, n_resamples=100, rng) -> NetworkBootstrap:
    """Evaluate ``estimator`` on all the data and on ``n_resamples`` resamples of whole networks.

    The resamples are evaluated in :func:`workers` processes (``$CRIT_WORKERS``; forked, so the
    estimator may be any callable), with the same results as in one.

    Parameters
    ----------
    network : array_like of int, shape (n,)
        The network of each data point (avalanche).
    estimator : callable
        ``estimator(idx)`` maps an index array into the data (with repeats: a network drawn twice
        appears twice) to k numbers; a ValueError means "these data give no value" (NaN).
    names : sequence of str
        The k names of its outputs.
    n_resamples : int
        Resamples of the networks (≥ 3).
    rng : numpy.random.Generator
        Draws the resamples (nothing is drawn with fewer than 3 networks), all in this process.

    Returns
    -------
    NetworkBootstrap
        Undetermined, with the reason, when there are fewer than 3 networks (no replicates), when
        the full data give no value of some output, or when fewer than 3 resamples give one.

    Examples
    --------
    >>> x = np.arange(100.0)
    >>> b = network_bootstrap(np.arange(100) // 10, lambda i: [x[i].mean()], names=["mean"], n_resamples=200,
    ...                       rng=np.random.default_rng(0))
    >>> float(b.estimate[0]), 5 < float(b.errors[0]) < 12
    (49.5, True)
    """
    labels = _labels("network", network)
    if not callable(estimator):
        raise TypeError(f"estimator must be callable, got {type(estimator).__name__}")
    if isinstance(names, str):
        raise TypeError(f"names must be a sequence of names, got the string {names!r}")
    names = tuple(str(n) for n in names)
    if not names:
        raise ValueError("names is empty: the estimator must return at least one value")
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=3)
    rng = _validate.rng("rng", rng)
    k = len(names)
    estimate = _evaluate(estimator, np.arange(labels.size), k)
    groups = _groups(labels)
    n_networks = int(groups[1].size)
    reps = _evaluate_all(estimator, groups, _picks(n_networks, n_resamples, rng), k, workers())
    replicates = np.array(reps, dtype=float).reshape(-1, k)
    reason = _reason(names, estimate, replicates, n_networks, n_resamples)
    return NetworkBootstrap(names, estimate, replicates, n_networks, int(labels.size), reason)


# The work of the forked processes of _evaluate_all: set before the fork, so the estimator (often a
# closure over large arrays) is inherited rather than pickled.
_TASK = None
_IN_WORKER = False


def _mark_worker():
    global _IN_WORKER
    _IN_WORKER = True


def _evaluate_span(span):
    estimator, groups, picks, k = _TASK
    return [_evaluate(estimator, _indices(groups, picks[j]), k) for j in range(*span)]


def _evaluate_all(estimator, groups, picks, k, n_workers) -> list:
    """The estimator on every resample ``picks``, in order, over ``n_workers`` forked processes.

    Serial with one worker, one resample, inside a worker (no nested pools) or where the platform
    cannot fork; the resamples are fixed before, so the results are the same either way.
    """
    global _TASK
    n_workers = min(int(n_workers), len(picks))
    if n_workers <= 1 or _IN_WORKER or "fork" not in multiprocessing.get_all_start_methods():
        return [_evaluate(estimator, _indices(groups, pick), k) for pick in picks]
    bounds = np.linspace(0, len(picks), n_workers + 1).astype(int)
    _TASK = (estimator, groups, picks, k)
    try:
        with multiprocessing.get_context("fork").Pool(n_workers, initializer=_mark_worker) as pool:
            parts = pool.map(_evaluate_span, list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)))
    finally:
        _TASK = None
    return [r for part in parts for r in part]


def _reason(names, estimate, replicates, n_networks, n_resamples) -> str:
    """Why some of ``names`` has no estimate or no error ("" when all have both)."""
    reasons = []
    missing = [n for n, v in zip(names, estimate, strict=True) if not np.isfinite(v)]
    if missing:
        reasons.append(f"the data give no value of {', '.join(missing)}")
    few = too_few_networks(n_networks, "a bootstrap over networks")
    if few:
        reasons.append(few)
    else:
        thin = [n for j, n in enumerate(names) if np.isfinite(replicates[:, j]).sum() < 3]
        if thin:
            reasons.append(f"fewer than 3 of {n_resamples} resamples of the networks give {', '.join(thin)}")
    return "; ".join(reasons)
