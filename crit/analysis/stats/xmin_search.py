"""Choosing ``xmin`` by the minimum KS distance (Clauset, Shalizi & Newman 2009, §3.3), fast.

Candidates are the distinct data values (all but the largest) with at least ``min_tail`` points
at or above them. For every candidate the MLE exponent comes from suffix sums of ``ln x`` over the
sorted data (one pass). The KS distance of each candidate needs a maximum over its whole tail, so
an exhaustive search costs O(n^2); instead the continuous search is an exact branch and bound:

* a *block* of consecutive candidates, examined on every ``m``-th tail point, gets a rigorous lower
  bound on the KS distance of each of its candidates, because the empirical CDF and the model CDF
  are both monotone in the data value and in the candidate (interval arithmetic on the bounds of
  the exponent, of ``xmin`` and of the empirical rank over the block);
* blocks whose bound exceeds the best exact distance found so far are dropped; the rest are split
  and examined more finely until single candidates on every point remain (exact distances).

The minimiser is therefore the same as an exhaustive search would give (ties: the smallest xmin).
Discrete data have few distinct values, so their search is exhaustive with Hurwitz zeta CDFs.
"""

from __future__ import annotations

import numpy as np

from crit.analysis.stats import _laws

__all__ = ["continuous_search", "discrete_search"]

_CHUNK = 4_000_000  # points evaluated at once (memory ~ 10 float arrays of this length)


def _candidates(first, n, min_tail):
    cand = np.flatnonzero(first == np.arange(n))[:-1]  # first index of each distinct value but the last
    return cand[n - cand >= min_tail]


def _ragged(counts):
    """Owner id and position-within-owner for ``counts[j]`` items per owner, flattened."""
    owner = np.repeat(np.arange(counts.size), counts)
    offs = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - offs[owner], offs


class _Tail:
    """Sorted data in log units with everything a KS evaluation needs (all arrays, no copies)."""

    def __init__(self, x, xmax, convention):
        self.n = x.size
        self.y = np.log(x / x[0])
        self.first, self.last = _laws.run_bounds(x)
        self.ymax = np.inf if xmax is None else float(np.log(xmax / x[0]))
        # upper empirical CDF compared at a run of ties: (last + 1)/n two-sided, last/n plfit
        self.up_shift = {"clauset": None, "two-sided": 1, "plfit": 0}[convention]

    def cdfs(self, k, beta, i):
        """Lower and upper empirical CDF at point(s) ``i``, and the model CDF, for candidate(s) ``k``.

        The KS terms are ``|e_lo - p|`` and ``|e_up - p|`` (see :func:`_laws.ks_from_cdfs`);
        both ``e_lo`` and ``e_up`` are non-decreasing in ``i``, which the bounds rely on.
        """
        nt = (self.n - k).astype(float)
        p = _laws.cont_cdf(beta, self.y[i] - self.y[k], self.ymax - self.y[k])
        e_lo = (self.first[i] - k) / nt
        e_up = e_lo if self.up_shift is None else (self.last[i] + self.up_shift - k) / nt
        return e_lo, e_up, p

    def deviations(self, k, beta, i):
        """Signed deviations (E_up - P, P - E_lo) of candidate(s) ``k`` at point(s) ``i``."""
        e_lo, e_up, p = self.cdfs(k, beta, i)
        return e_up - p, p - e_lo


def _segment_max(owner, value, index, best, where):
    """Update per-owner maxima ``best`` and their positions ``where`` (owners sorted)."""
    if owner.size == 0:
        return
    seg = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    mx = np.maximum.reduceat(value, seg)
    hit = np.flatnonzero(value == np.repeat(mx, np.diff(np.r_[seg, owner.size])))
    first_hit = hit[np.r_[True, owner[hit][1:] != owner[hit][:-1]]]
    ow = owner[first_hit]
    better = mx > best[ow]
    best[ow[better]] = mx[better]
    where[ow[better]] = index[first_hit][better]


def _exact_ks(tail, k, beta, stop_above=np.inf):
    """Exact KS distances of candidates ``k`` (first indices) with exponents ``beta + 1``.

    Each tail is first examined on a grid of about sqrt(n_tail)/8 points apart. Both CDFs are
    monotone, so inside a gap (a, b) no deviation exceeds max(E_up(b) - P(a), P(b) - E_lo(a)); only
    gaps whose bound beats the largest deviation found so far are subdivided (16-fold), until none
    is left. A candidate whose deviations already exceed ``stop_above`` is not refined further: its
    returned distance is then only a lower bound, larger than ``stop_above``. Returns the distances
    and, per candidate, the points where each signed deviation peaks.
    """
    n = tail.n
    out_d = np.empty(k.size)
    out_i = np.empty((k.size, 2), dtype=np.int64)
    step_all = np.maximum(1, (np.sqrt(n - k) / 8).astype(np.int64))
    cnt_all = (n - 1 - k) // step_all + 2
    start = 0
    while start < k.size:
        stop = min(k.size, start + max(1, int(np.searchsorted(np.cumsum(cnt_all[start:]), _CHUNK // 8))))
        kk, bb = k[start:stop], beta[start:stop]
        owner, j, _ = _ragged(cnt_all[start:stop])
        i = np.minimum(kk[owner] + j * step_all[start:stop][owner], n - 1)
        best_up = np.full(kk.size, -np.inf)
        best_down = np.full(kk.size, -np.inf)
        at_up = np.zeros(kk.size, dtype=np.int64)
        at_down = np.zeros(kk.size, dtype=np.int64)
        while owner.size:
            e_lo, e_up, p = tail.cdfs(kk[owner], bb[owner], i)
            _segment_max(owner, e_up - p, i, best_up, at_up)
            _segment_max(owner, p - e_lo, i, best_down, at_down)
            best = np.maximum(best_up, best_down)
            same = (owner[1:] == owner[:-1]) & (i[1:] - i[:-1] > 1)
            bound = np.maximum(e_up[1:] - p[:-1], p[1:] - e_lo[:-1])
            need = np.flatnonzero(same & (bound > best[owner[:-1]]) & (best[owner[:-1]] <= stop_above))
            a, b, who = i[need], i[need + 1], owner[need]
            step = np.maximum(1, (b - a) // 16)
            cnt = (b - a - 1) // step + 2  # a, a+step, ..., and b
            if cnt.sum() > _CHUNK:  # keep memory bounded: refine the first gaps now, the rest later
                keep = np.cumsum(cnt) <= _CHUNK
                keep[0] = True
                a, b, who, step, cnt = a[keep], b[keep], who[keep], step[keep], cnt[keep]
            g, jj, _ = _ragged(cnt)
            i = np.minimum(a[g] + jj * step[g], b[g])
            owner = who[g]
        out_d[start:stop] = np.maximum(best_up, best_down)
        out_i[start:stop, 0], out_i[start:stop, 1] = at_up, at_down
        start = stop
    return out_d, out_i


def continuous_search(x, *, xmax=None, min_tail=10, max_alpha=None, convention="clauset"):
    """Exact minimum-KS ``xmin`` for continuous data ``x`` (sorted, positive, all <= xmax).

    ``convention`` is one of ``'clauset'``, ``'two-sided'``, ``'plfit'`` (see
    :func:`crit.analysis.stats.fit_power_law`).

    Strategy: exact distances (see :func:`_exact_ks`) for about 500 evenly spread *anchor*
    candidates; every other candidate gets a lower bound from its deviations at the points where
    the deviations of its neighbouring anchors peak (a deviation at any point bounds the KS
    distance from below); only candidates whose bound does not exceed the best exact distance are
    then evaluated exactly, best bound first. The answer equals an exhaustive search's.

    Returns ``(index_of_xmin, beta, ks, n_candidates)`` with ``beta = alpha - 1``.
    """
    tail = _Tail(x, xmax, convention)
    n = tail.n
    cand = _candidates(tail.first, n, min_tail)
    if cand.size == 0:
        raise ValueError(
            f"no candidate xmin leaves {min_tail} or more points in the tail ({n} points, "
            f"{np.unique(x).size} distinct values); more data are needed"
        )
    suffix = np.cumsum(tail.y[::-1])[::-1]
    nt = (n - cand).astype(float)
    ybar = suffix[cand] / nt - tail.y[cand]
    beta = _laws.solve_beta_continuous(ybar, tail.ymax - tail.y[cand])
    ok = np.isfinite(beta) & ((beta > 0) if xmax is None else True)
    if max_alpha is not None:
        ok &= beta + 1 < max_alpha
    cand, beta = cand[ok], beta[ok]
    K = cand.size
    if K == 0:
        raise ValueError("no candidate xmin gives a valid exponent (check max_alpha)")
    anchors = np.unique(np.linspace(0, K - 1, min(K, 512)).astype(np.int64))
    first_few = anchors[np.unique(np.linspace(0, anchors.size - 1, 16).astype(np.int64))]
    best = float(_exact_ks(tail, cand[first_few], beta[first_few])[0].min())
    d_anchor, peaks = _exact_ks(tail, cand[anchors], beta[anchors], stop_above=best)
    exact = np.full(K, np.nan)
    exact[anchors] = d_anchor
    if anchors.size < K:
        # lower bounds from the peak points of the anchors on either side
        right = np.clip(np.searchsorted(anchors, np.arange(K)), 0, anchors.size - 1)
        left = np.clip(right - 1, 0, anchors.size - 1)
        lb = np.zeros(K)
        for nb in (left, right):
            for col in (0, 1):
                pts = np.maximum(peaks[nb, col], cand)  # a point inside the candidate's tail
                up, down = tail.deviations(cand, beta, pts)
                lb = np.maximum(lb, np.maximum(up, down))
        lb[anchors] = d_anchor
        best = float(d_anchor.min())
        todo = np.flatnonzero(np.isnan(exact) & (lb <= best))
        todo = todo[np.argsort(lb[todo], kind="stable")]
        size = 8
        while todo.size:  # small batches first, so that the incumbent improves early
            batch, todo = todo[:size], todo[size:]
            size = min(2 * size, 256)
            d, _ = _exact_ks(tail, cand[batch], beta[batch], stop_above=best)
            exact[batch] = d
            best = min(best, float(d.min()))
            todo = todo[lb[todo] <= best]
    j = int(np.nanargmin(exact))  # first (smallest xmin) among equal minima
    return int(cand[j]), float(beta[j]), float(exact[j]), K


def discrete_search(x, *, xmax=None, min_tail=10, max_alpha=None, convention="clauset"):
    """Exhaustive minimum-KS ``xmin`` for integer data ``x`` (sorted, positive, all <= xmax).

    ``'plfit'`` computes the two-sided statistic here, as plfit.m does for integers (the supremum
    of |F_data - F_model| over every integer of the tail).

    Returns ``(index_of_xmin, alpha, ks, n_candidates)``.
    """
    n = x.size
    first, last = _laws.run_bounds(x)
    cand = _candidates(first, n, min_tail)
    if cand.size == 0:
        raise ValueError(
            f"no candidate xmin leaves {min_tail} or more points in the tail ({n} points, "
            f"{np.unique(x).size} distinct values); more data are needed"
        )
    lnx = np.log(x)
    suffix = np.cumsum(lnx[::-1])[::-1]
    nt = n - cand
    alpha = _laws.solve_alpha_discrete(suffix[cand] / nt, x[cand], xmax)
    ok = alpha < _laws.ALPHA_MAX_DISCRETE - 1e-6
    if max_alpha is not None:
        ok &= alpha < max_alpha
    cand, alpha = cand[ok], alpha[ok]
    if cand.size == 0:
        raise ValueError("no candidate xmin gives a valid exponent (check max_alpha)")
    uniq = np.flatnonzero(first == np.arange(n))  # positions of the distinct values
    u_val, u_first, u_last = x[uniq], first[uniq], last[uniq]
    pos = np.searchsorted(uniq, cand)
    ks = np.empty(cand.size)
    two_sided = _laws.effective_convention(convention, True) == "two-sided"
    for c in range(cand.size):  # O(#distinct) vectorised work per candidate
        k, a = cand[c], alpha[c]
        u = u_val[pos[c] :]
        below = _laws.disc_cdf_below(a, u, x[k], xmax)
        d = np.abs((u_first[pos[c] :] - k) / (n - k) - below)
        if two_sided:
            at = _laws.disc_cdf_below(a, u + 1.0, x[k], xmax)
            d = np.maximum(d, np.abs((u_last[pos[c] :] + 1 - k) / (n - k) - at))
        ks[c] = d.max()
    j = int(np.argmin(ks))
    return int(cand[j]), float(alpha[j]), float(ks[j]), int(cand.size)
