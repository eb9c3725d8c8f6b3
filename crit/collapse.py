r"""Data collapse of avalanche-size distributions across widths, with a quality measure and errors.

Finite-size scaling says :math:`P(S; N) = S^{-\tau} F(S/N^{\sigma})`, so the complementary
cumulative distribution obeys

.. math::

    C(S; N) \equiv P(S' \ge S; N) = S^{1-\tau}\, G(S/N^{\sigma}),

and the curves :math:`y = C\, S^{\tau - 1}` against :math:`x = S/N^{\sigma}` of all widths fall on
one curve G. The cumulative form is used because every point of it rests on all the larger
avalanches: the binned density, whose tail bins hold a handful of events, could not pin σ (the
minimum of its quality ran to the edge of any range at our sample sizes).

**Quality.** For every pair of widths, on 30 points of the overlap of their ranges of ln x, the
squared difference of ln y divided by its variance, 1/n_≥ for each curve (n_≥ the number of
avalanches at or above S, Poisson), averaged over points and pairs: a χ² per point, ≈ 1 for a
collapse as good as the counting noise allows (the points of one curve are correlated, so this is a
scale, not a test). Only S ≥ ``s_min`` and points with n_≥ ≥ 10 take part.

**Exponents.** (τ, σ) minimise the quality (a grid, then Nelder–Mead); errors are a delete-one-group
jackknife over blocks of networks, as everywhere in :mod:`crit.universality`. A minimum on the edge
of the searched box is flagged (``at_edge``): no collapse was found there. The pairwise overlaps
follow Bhattacharjee & Seno, J. Phys. A 34, 6375 (2001); the error-weighted χ² per point, whose
minimum should be near 1, follows Houdayer & Hartmann, Phys. Rev. B 70, 014418 (2004).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from crit import _validate
from crit.records import Record

__all__ = ["Collapse", "cumulative_curve", "quality", "size_collapse"]

_POINTS, _MIN_COUNT = 40, 10


def cumulative_curve(sizes, s_min=1.0):
    """``(S, C(S), n_≥)`` on 40 log-spaced S from ``s_min`` to the largest size, where n_≥ ≥ 10.

    Parameters
    ----------
    sizes : array_like
        Sizes of ended avalanches (> 0).
    s_min : float
        Smallest size of the curve (units of S).
    """
    s = np.sort(_validate.finite_array("sizes", sizes))
    s = s[s > 0]
    if s.size < _MIN_COUNT:
        raise ValueError(f"a cumulative curve needs at least {_MIN_COUNT} positive sizes, got {s.size}")
    grid = np.geomspace(max(float(s_min), s[0]), s[-1], _POINTS)
    n_ge = s.size - np.searchsorted(s, grid, side="left")
    ok = n_ge >= _MIN_COUNT
    return grid[ok], n_ge[ok] / s.size, n_ge[ok]


def quality(curves, widths, tau, sigma) -> float:
    """χ² per point of the collapse of ``curves`` (from :func:`cumulative_curve`) with (τ, σ).

    NaN when no two curves overlap in S/N^σ.
    """
    lx = [np.log(s) - sigma * np.log(n) for (s, _, _), n in zip(curves, widths)]
    ly = [np.log(c) + (tau - 1.0) * np.log(s) for s, c, _ in curves]
    var = [1.0 / k for _, _, k in curves]
    out = []
    for i in range(len(curves)):
        for j in range(i + 1, len(curves)):
            lo, hi = max(lx[i][0], lx[j][0]), min(lx[i][-1], lx[j][-1])
            if hi <= lo:
                continue
            g = np.linspace(lo, hi, 30)
            d = np.interp(g, lx[i], ly[i]) - np.interp(g, lx[j], ly[j])
            out.append(np.mean(d**2 / (np.interp(g, lx[i], var[i]) + np.interp(g, lx[j], var[j]))))
    return float(np.mean(out)) if out else float("nan")


def _best(curves, widths, box, start=None):
    (t0, t1), (s0, s1) = box

    def q(p):
        if not (t0 <= p[0] <= t1 and s0 <= p[1] <= s1):
            return np.inf
        v = quality(curves, widths, p[0], p[1])
        return v if np.isfinite(v) else np.inf

    if start is None:
        grid = [(t, s) for t in np.linspace(t0, t1, 15) for s in np.linspace(s0, s1, 24)]
        start = min(grid, key=q)
    res = optimize.minimize(q, np.asarray(start, float), method="Nelder-Mead",
                            options={"xatol": 1e-3, "fatol": 1e-4})
    return res.x, float(res.fun)


@dataclass(frozen=True, eq=False)
class Collapse(Record):
    """Collapse C(S) S^{τ−1} against S/N^σ over widths, at the (τ, σ) of best quality.

    Attributes
    ----------
    widths : numpy.ndarray
    x, y : numpy.ndarray, shape (n_widths, n_points)
        S/N^σ and C(S) S^{τ−1} of every width (NaN-padded).
    tau, tau_err, sigma, sigma_err : float
        Best exponents and their jackknife errors over groups of networks.
    quality : float
        χ² per point at the best (τ, σ) (see the module docstring; ≈ 1 is as good as counting noise
        allows).
    at_edge : bool
        The best point lies on the edge of the searched box: no collapse inside it.
    box : tuple
        ((τ_low, τ_high), (σ_low, σ_high)) searched.
    s_min : float
    n_groups : int
    """

    widths: np.ndarray
    x: np.ndarray
    y: np.ndarray
    tau: float
    tau_err: float
    sigma: float
    sigma_err: float
    quality: float
    at_edge: bool
    box: tuple
    s_min: float
    n_groups: int


def _ended_sizes(a, keep=None):
    ok = ~np.asarray(a.survived, bool) & (np.asarray(a.sizes) > 0)
    return np.asarray(a.sizes, float)[ok if keep is None else ok & keep]


def size_collapse(system_sweeps: dict, *, s_min=1.0, tau_range=(1.05, 1.8), sigma_range=(0.2, 2.5),
                  n_groups=10) -> Collapse:
    """Best collapse of the size distributions of one system over widths, with jackknife errors.

    Parameters
    ----------
    system_sweeps : dict
        ``{width: record}``; each record has ``sizes``, ``survived`` and ``network`` arrays
        (:class:`crit.avalanches.Avalanches`, :class:`crit.sparse_networks.SparseAvalanches`).
    s_min : float
        Smallest size used (units of S): leave out the non-universal smallest avalanches.
    tau_range, sigma_range : (float, float)
        The box searched for (τ, σ).
    n_groups : int
        Blocks of networks (``network % n_groups``) left out one at a time for the errors.

    Returns
    -------
    Collapse
    """
    if len(system_sweeps) < 2:
        raise ValueError(f"a collapse needs at least 2 widths, got {len(system_sweeps)}")
    n_groups = _validate.integer("n_groups", n_groups, minimum=3)
    box = (tuple(map(float, tau_range)), tuple(map(float, sigma_range)))
    widths = np.array(sorted(system_sweeps), float)
    records = [system_sweeps[int(w)] for w in widths]
    curves = [cumulative_curve(_ended_sizes(a), s_min) for a in records]
    (tau, sigma), q = _best(curves, widths, box)
    leave = []
    for k in range(n_groups):
        try:
            sub = [cumulative_curve(_ended_sizes(a, np.asarray(a.network) % n_groups != k), s_min) for a in records]
        except ValueError:
            continue
        leave.append(_best(sub, widths, box, start=(tau, sigma))[0])
    leave = np.array(leave)
    m = len(leave)
    err = np.sqrt((m - 1) / m * ((leave - leave.mean(0)) ** 2).sum(0)) if m >= 3 else np.full(2, np.nan)
    step = np.array([(box[0][1] - box[0][0]) / 14, (box[1][1] - box[1][0]) / 23])
    lows, highs = np.array([box[0][0], box[1][0]]), np.array([box[0][1], box[1][1]])
    at_edge = bool(np.any(np.array([tau, sigma]) - lows < step / 2) or np.any(highs - np.array([tau, sigma]) < step / 2))
    n_max = max(c[0].size for c in curves)
    pad = lambda arrs: np.array([np.pad(a, (0, n_max - a.size), constant_values=np.nan) for a in arrs])  # noqa: E731
    x = pad([s / n**sigma for (s, _, _), n in zip(curves, widths)])
    y = pad([c * s ** (tau - 1.0) for s, c, _ in curves])
    return Collapse(widths, x, y, float(tau), float(err[0]), float(sigma), float(err[1]), q, at_edge, box,
                    float(s_min), int(m))
