r"""Data collapse of avalanche-size distributions across widths, with a quality measure and errors.

Finite-size scaling says :math:`P(S; N) = S^{-\tau} F(S/N^{\sigma})`, so the complementary
cumulative distribution obeys

.. math::

    C(S; N) \equiv P(S' \ge S; N) = S^{1-\tau}\, G(S/N^{\sigma}),

and the curves :math:`y = C\, S^{\tau - 1}` against :math:`x = S/N^{\sigma}` of all widths fall on
one curve G. The cumulative form is used because every point of it rests on all the larger
avalanches: the binned density, whose tail bins hold a handful of events, could not pin σ.

**What is collapsed.** τ is given (the fitted size exponent) and σ is searched. Below the cut-off
every curve is flat whatever σ, so only the *cut-off region* carries information on σ: the points
of each curve past its maximum where y has fallen below ``tail_fraction`` of that maximum. Using
the whole curve lets a wrong σ win by sliding the cut-off regions apart until only flat parts
overlap (seen on critical branching on N sites, whose whole-curve optimum was σ ≈ 2.2 against the
exact 1).

**Quality.** For every pair of widths whose cut-off regions overlap in ln x, on 30 points of the
overlap, the squared difference of ln y divided by its variance 1/n_≥ + 1/n_≥' (n_≥ the number of
avalanches at or above S, Poisson), averaged over points and pairs: a χ² per point, ≈ 1 for a
collapse as good as the counting noise allows (points of one curve are correlated, so this is a
scale, not a test). Only S ≥ ``s_min`` and points with n_≥ ≥ 10 take part.

**σ and its error.** σ minimises the quality on a grid of step 0.01. It is not a smooth function of
the data: an argmin over a grid, of curves whose points and cut-off regions are chosen by the data
(the largest size sets the S grid, n_≥ ≥ 10 and the tail fraction select points), at a τ that is
itself fitted on windows set by quantiles. The delete-one jackknife, consistent for smooth statistics,
is not for such ones (the median is the classic case: Efron & Tibshirani, An Introduction to the
Bootstrap (1993), ch. 11), and here it was not: holding
τ fixed it understated the spread of σ over independent draws of the networks (ratio 1.12 over 40 seeds
of the driven tanh line at the CI sizes), and refitting τ in each replicate it overstated it (0.75).
The error is therefore a delete-d jackknife with d = half the blocks (Shao & Wu, Ann. Stat. 17, 1176
(1989): consistent for non-smooth statistics when d grows with the number of blocks), on the
balanced half-samples of ``n_groups`` blocks of networks (the rows of a Hadamard matrix but the first,
each with its complement: McCarthy, Rev. Int. Stat. Inst. 37, 239 (1969); for a linear statistic they give
exactly the variance of the mean over blocks): v = (r/d) · mean (σ_S − mean σ_S)², r/d = 1. Given
``refit_tau``, every half-sample is collapsed at its own fitted τ, so that the fit's spread enters
σ's error: over 400 seeds of the same line (``benchmarks/collapse_calibration.py``) the spread of σ
was 0.96 of the root mean square of this error (90 %: 0.90 to 1.03), and 1.25 with τ held fixed
(0.80 and 1.01 on the undriven tanh and ReLU lines). Seed by seed it is less good (σ lay beyond 2
errors of its mean at 31 of the 400 seeds, against about 20 for exact errors): each error is itself
measured on 16 blocks. A minimum on the edge
of the range is flagged (``at_edge``): no collapse inside it. When the data cannot give σ (fewer
than two widths with a cumulative curve, or no two cut-off regions that overlap at any σ) the
result is *undetermined*: σ, its error and the quality are NaN and ``undetermined`` says why; when
they give σ but no error (fewer than 3 blocks hold networks, or fewer than 3 half-samples leave a
collapse), σ stands, its error is NaN and ``undetermined`` says why. The pairwise overlaps follow
Bhattacharjee & Seno, J. Phys. A 34, 6375 (2001); the error-weighted χ² per point follows Houdayer
& Hartmann, Phys. Rev. B 70, 014418 (2004).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis.resampling import MIN_NETWORKS
from crit.records import Record

__all__ = ["Collapse", "cumulative_curve", "cutoff_region", "half_samples", "half_sample_error", "quality",
           "size_collapse"]

_POINTS, _MIN_COUNT = 40, 10


def cumulative_curve(sizes, s_min=1.0):
    """``(S, C(S), n_≥)`` on 40 log-spaced S from ``s_min`` to the largest size, where n_≥ ≥ 10.

    Parameters
    ----------
    sizes : array_like
        Sizes of ended avalanches (≥ 0; sizes 0 are left out).
    s_min : float
        Smallest size of the curve (units of S).

    Returns
    -------
    (S, C, n_ge) : tuple of numpy.ndarray
        Empty when fewer than 10 sizes are positive: no point has n_≥ ≥ 10.
    """
    s = np.sort(_validate.finite_array("sizes", sizes, allow_empty=True))
    if s.size and s[0] < 0:
        raise ValueError(f"sizes must be >= 0, got {s[0]!r}")
    s = s[s > 0]
    if s.size < _MIN_COUNT:
        return np.zeros(0), np.zeros(0), np.zeros(0, np.int64)
    grid = np.geomspace(max(float(s_min), s[0]), s[-1], _POINTS)
    n_ge = s.size - np.searchsorted(s, grid, side="left")
    ok = n_ge >= _MIN_COUNT
    return grid[ok], n_ge[ok] / s.size, n_ge[ok]


def quality(curves, widths, tau, sigma) -> float:
    """χ² per point of the collapse of ``curves`` (from :func:`cumulative_curve`) with (τ, σ).

    NaN when no two curves (of at least 2 points) overlap in S/N^σ.
    """
    use = [k for k, c in enumerate(curves) if np.asarray(c[0]).size >= 2]
    curves, widths = [curves[k] for k in use], [widths[k] for k in use]
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


def cutoff_region(curves, tau, tail_fraction=0.8):
    """The part of each curve past its maximum of C S^{τ−1} where it is below ``tail_fraction`` of it."""
    out = []
    for s, c, k in curves:
        if s.size == 0:
            out.append((s, c, k))
            continue
        y = c * s ** (tau - 1.0)
        top = int(np.argmax(y))
        keep = (np.arange(y.size) >= top) & (y < tail_fraction * y[top])
        out.append((s[keep], c[keep], k[keep]))
    return out


def _quality_curve(curves, widths, tau, grid, tail_fraction):
    tails = cutoff_region(curves, tau, tail_fraction)
    use = [i for i, c in enumerate(tails) if c[0].size >= 2]
    if len(use) < 2:
        return np.full(grid.size, np.inf)
    q = np.array([quality([tails[i] for i in use], widths[use], tau, g) for g in grid])
    return np.where(np.isfinite(q), q, np.inf)


def half_samples(n_groups) -> np.ndarray:
    """Balanced half-samples of ``n_groups`` blocks: rows 2… of the Sylvester–Hadamard matrix and their
    complements, shape (2(n_groups − 1), n_groups), True where a half-sample keeps a block.

    Every block is kept by half of them and every pair of blocks together by a quarter.

    Examples
    --------
    >>> h = half_samples(4)
    >>> h.shape, h.sum(axis=1).tolist(), h.sum(axis=0).tolist()
    ((6, 4), [2, 2, 2, 2, 2, 2], [3, 3, 3, 3])
    """
    from scipy.linalg import hadamard

    n = _validate.integer("n_groups", n_groups, minimum=2)
    if n & (n - 1):
        raise ValueError(f"n_groups must be a power of 2 (a Sylvester-Hadamard design), got {n}")
    rows = hadamard(n)[1:] > 0
    return np.concatenate([rows, ~rows])


def half_sample_error(estimates) -> float:
    """Delete-d jackknife error, d = half the blocks, from the estimates on half-samples (NaN ignored).

    sqrt((r/d) · mean (θ_S − mean θ_S)²) with r = d kept blocks (Shao & Wu 1989); NaN when fewer than
    3 estimates are finite.

    Examples
    --------
    >>> x = np.arange(8.0)
    >>> halves = [x[keep].mean() for keep in half_samples(8)]
    >>> bool(np.isclose(half_sample_error(halves), x.std(ddof=1) / np.sqrt(8)))
    True
    """
    e = np.asarray(estimates, float)
    e = e[np.isfinite(e)]
    return float(np.sqrt(np.mean((e - e.mean()) ** 2))) if e.size >= 3 else float("nan")


def _half_sigma(keys, records, widths, keep, tau, refit_tau, grid, s_min, tail_fraction):
    """σ of the avalanches ``keep`` (``{width: mask}``) at ``tau`` or at ``refit_tau(keep)``; NaN when
    a width keeps fewer than 10 sizes, τ is not above 1 or no two cut-off regions overlap."""
    if refit_tau is not None:
        tau = float(refit_tau(keep))
        if not tau > 1.0:
            return float("nan")
    sub = [cumulative_curve(_ended_sizes(a, keep[k]), s_min) for k, a in zip(keys, records)]
    if any(c[0].size == 0 for c in sub):
        return float("nan")
    q = _quality_curve(sub, widths, tau, grid, tail_fraction)
    return float(grid[int(np.argmin(q))]) if np.isfinite(q).any() else float("nan")


@dataclass(frozen=True, eq=False)
class Collapse(Record):
    """Collapse C(S) S^{τ−1} against S/N^σ over widths, at the σ of best quality for a given τ.

    Attributes
    ----------
    widths : numpy.ndarray
    x, y : numpy.ndarray, shape (n_widths, n_points)
        S/N^σ and C(S) S^{τ−1} of every width (NaN-padded).
    tau : float
        The size exponent used (given).
    sigma, sigma_err : float
        Best cut-off exponent and its error, a delete-d jackknife on balanced half-samples of blocks of
        networks (module docstring).
    quality : float
        χ² per point of the cut-off regions at the best σ (≈ 1 is as good as counting noise allows).
    at_edge : bool
        The best σ lies on the edge of ``sigma_range``: no collapse inside it.
    sigma_grid, quality_grid : numpy.ndarray
        The quality against σ (inf where fewer than two cut-off regions overlap).
    sigma_range : tuple
    s_min, tail_fraction : float
    n_groups : int
        Half-samples whose collapse gave σ (0 when σ is undetermined).
    undetermined : str
        Why σ (or only its error) could not be determined from these data; empty when both were.
    """

    widths: np.ndarray
    x: np.ndarray
    y: np.ndarray
    tau: float
    sigma: float
    sigma_err: float
    quality: float
    at_edge: bool
    sigma_grid: np.ndarray
    quality_grid: np.ndarray
    sigma_range: tuple
    s_min: float
    tail_fraction: float
    n_groups: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the data gave σ and its error (see ``undetermined`` for why not)."""
        return not self.undetermined


def _ended_sizes(a, keep=None):
    ok = ~np.asarray(a.survived, bool) & (np.asarray(a.sizes) > 0)
    return np.asarray(a.sizes, float)[ok if keep is None else ok & keep]


def _ended_networks(a):
    """The network of every avalanche that :func:`_ended_sizes` keeps."""
    ok = ~np.asarray(a.survived, bool) & (np.asarray(a.sizes) > 0)
    return np.asarray(a.network, np.int64)[ok]


def size_collapse(system_sweeps: dict, *, tau, s_min=1.0, sigma_range=(0.2, 2.5), tail_fraction=0.8,
                  n_groups=16, refit_tau=None) -> Collapse:
    """Best collapse of the size distributions of one system over widths for a given τ, with errors.

    Parameters
    ----------
    system_sweeps : dict
        ``{width: record}``; each record has ``sizes``, ``survived`` and ``network`` (the jackknife
        groups) arrays (:class:`crit.models.avalanches.Avalanches`,
        :class:`crit.models.sparse_networks.SparseAvalanches`, :class:`crit.models.exact_models.ExactAvalanches`).
    tau : float
        Size exponent (the fitted τ_s).
    s_min : float
        Smallest size used (units of S).
    sigma_range : (float, float)
        Range searched for σ.
    tail_fraction : float
        The cut-off region starts where C S^{τ−1} falls below this fraction of its maximum.
    n_groups : int
        Blocks of networks (``network % n_groups``) of the half-samples of the error; a power of 2, ≥ 4.
    refit_tau : callable, optional
        ``refit_tau(keep) -> float``, ``keep`` a dict ``{width: bool array over that record's
        avalanches}`` (every width of ``system_sweeps``): τ fitted on the avalanches kept, as ``tau``
        was fitted on all of them. Each half-sample is then collapsed at its own τ (a τ that is NaN
        or not above 1 gives no σ); without it, at ``tau`` (the error then leaves out the spread of the fitted τ).

    Returns
    -------
    Collapse
        Undetermined (NaN σ, with the reason) when the data hold no two overlapping cut-off regions.
    """
    if not isinstance(system_sweeps, dict):
        raise TypeError(f"system_sweeps must be a dict {{width: record}}, got {type(system_sweeps).__name__}")
    # an undetermined fit hands on a NaN tau: that is a result to report, not bad input
    tau_missing = isinstance(tau, float) and np.isnan(tau)
    tau = float("nan") if tau_missing else _validate.real("tau", tau, minimum=1.0, strict_min=True)
    tail_fraction = _validate.real("tail_fraction", tail_fraction, minimum=0.0, maximum=1.0, strict_min=True,
                                   strict_max=True)
    n_groups = _validate.integer("n_groups", n_groups, minimum=4)
    halves = half_samples(n_groups)
    if refit_tau is not None and not callable(refit_tau):
        raise TypeError(f"refit_tau must be callable or None, got {type(refit_tau).__name__}")
    lo, hi = (float(x) for x in sigma_range)
    if not 0 <= lo < hi:
        raise ValueError(f"sigma_range must be (low, high) with 0 <= low < high, got {sigma_range!r}")
    grid = np.round(np.arange(lo, hi + 1e-9, 0.01), 4)
    keys = sorted(system_sweeps)
    widths = np.array(keys, float)
    records = [system_sweeps[k] for k in keys]
    sizes = [_ended_sizes(a) for a in records]
    usable = [i for i, s in enumerate(sizes) if (s >= s_min).sum() >= _MIN_COUNT]
    curves = [cumulative_curve(sizes[i], s_min) for i in usable]
    reason = ""
    if tau_missing:
        reason = "the size exponent tau is undetermined (NaN), so there is nothing to collapse with"
    elif len(usable) < 2:
        reason = (f"a collapse needs 2 widths; only {len(usable)} of {widths.size} widths have {_MIN_COUNT} or more "
                  f"ended avalanches of size >= {s_min:g}")
    else:
        quality_curve = _quality_curve(curves, widths[usable], tau, grid, tail_fraction)
        if not np.isfinite(quality_curve).any():
            reason = "no two widths have overlapping cut-off regions at any sigma in the range"
    if reason:
        nan = np.full((len(curves), 1), np.nan)
        return Collapse(widths[usable], nan, nan, tau, float("nan"), float("nan"), float("nan"), False, grid,
                        np.full(grid.size, np.inf), (lo, hi), float(s_min), tail_fraction, 0, reason)
    every = dict(zip(keys, records))
    keys, widths, records = [keys[i] for i in usable], widths[usable], [records[i] for i in usable]
    best = int(np.argmin(quality_curve))
    present = np.unique(np.concatenate([_ended_networks(a) % n_groups for a in records]))
    estimates = []
    if present.size >= MIN_NETWORKS:
        for kept in halves:
            keep = {k: kept[np.asarray(a.network, np.int64) % n_groups] for k, a in every.items()}
            estimates.append(_half_sigma(keys, records, widths, keep, tau, refit_tau, grid, s_min, tail_fraction))
    m = int(np.isfinite(estimates).sum())
    err = half_sample_error(estimates)
    if present.size < MIN_NETWORKS:
        reason = (f"sigma's error: the ended avalanches come from {present.size} of the {n_groups} groups of "
                  f"networks (at least {MIN_NETWORKS} are needed)")
    elif m < 3:
        reason = (f"sigma's error: only {m} of {len(halves)} half-samples of the groups of networks leave a "
                  "collapse (at least 3 are needed)")
    sigma = float(grid[best])
    n_max = max(c[0].size for c in curves)
    pad = lambda arrs: np.array([np.pad(a, (0, n_max - a.size), constant_values=np.nan) for a in arrs])  # noqa: E731
    x = pad([s / n**sigma for (s, _, _), n in zip(curves, widths)])
    y = pad([c * s ** (tau - 1.0) for s, c, _ in curves])
    return Collapse(widths, x, y, tau, sigma, err, float(quality_curve[best]), best in (0, grid.size - 1), grid,
                    quality_curve, (lo, hi), float(s_min), tail_fraction, int(m), reason)
