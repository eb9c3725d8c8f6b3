"""Errors from the spread over networks: the delete-one jackknife and the bootstrap of whole networks.

One network serves many inputs, so avalanches of one network are correlated (quenched disorder) and
two runs differ by far more than counting statistics say (`paper-method.md` §7). Every error in
`crit` therefore resamples networks, or blocks of networks, never single avalanches:

- :func:`jackknife` and :func:`jackknife_error`: leave one network (or block) out at a time;
- :func:`network_resamples`: draw whole networks with replacement (the bootstrap).

A run that drew fewer than :data:`MIN_NETWORKS` networks is data, not an error: its estimate stands,
but a spread over one or two networks is no error bar. :func:`jackknife` then returns a NaN error,
:func:`network_resamples` draws no resample (so a spread over the resamples is NaN), and
:func:`too_few_networks` gives the reason that analyses report in their ``undetermined`` field.
"""

from __future__ import annotations

import numpy as np

from crit import _validate

__all__ = ["MIN_NETWORKS", "too_few_networks", "jackknife", "jackknife_error", "network_resamples"]

#: Fewest networks (or blocks of them) whose spread is taken as an error.
MIN_NETWORKS = 3


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
    order = np.argsort(network, kind="stable")
    ids, starts, counts = np.unique(network[order], return_index=True, return_counts=True)
    if ids.size < MIN_NETWORKS:
        return
    for _ in range(n_resamples):
        pick = rng.integers(0, ids.size, ids.size)
        yield np.concatenate([order[starts[k] : starts[k] + counts[k]] for k in pick])
