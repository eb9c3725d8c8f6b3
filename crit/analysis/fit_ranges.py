r"""How the fit range of the crackling exponents is chosen, and the exponents of one data set under each rule.

The range of a power-law fit is its largest systematic, so the crackling bootstrap
(:mod:`crit.analysis.bootstrap`) chooses it again in every resample of the networks, by one of
these rules (``range_rule``, :data:`RANGE_RULES`):

``"support"``
    Ours (as :mod:`crit.analysis.crackling`): truncated power laws on the widest plausible support
    (:func:`crit.analysis.stats.support_search`), durations never above ``depth − 2``; γ by least
    squares weighted by counts over the duration support.
``"authors"``
    The authors' notebook: sizes continuous from x_min = 0.5, durations discrete from x_min = 5, the
    closed-form estimators of ``powerlaw`` 1.x, no upper cut-off; γ by their weighting from T = 5 on
    the avalanches above both x_min. The range is a fixed convention, so re-selecting it changes
    nothing.
``"quantile"``
    A cheap rule for tests and exact models: x_min at a fixed quantile of the data, no upper
    cut-off, closed-form estimators (:func:`tail_exponent`); γ over durations from x_min on. It
    ignores an upper cut-off, so it suits data without one.

Under a rule, one data set gives τ_s, τ_d, γ, γ_pred = (τ_d − 1)/(τ_s − 1), Δ = γ − γ_pred and the
four range ends (NaN where the data do not allow them): the estimator the crackling bootstrap
evaluates on every resample.
"""

from __future__ import annotations

import math

import numpy as np

from crit import _validate
from crit.analysis import stats
from crit.analysis.crackling import authors_exponent

__all__ = ["RANGE_RULES", "tail_exponent"]

#: How the fit range is chosen (module docstring).
RANGE_RULES = ("support", "authors", "quantile")


# ----------------------------------------------------------------------------------------------
# the cheap range rule


def tail_exponent(data, *, discrete, quantile=0.8):
    """Power-law exponent above x_min = the ``quantile`` of the data, by the closed-form estimators.

    A cheap range rule (re-selected on every resample it is applied to): continuous data
    α = 1 + n/Σ ln(x/x_min) (Clauset et al. 2009, eq. 3.1), discrete data
    α = 1 + n/Σ ln(x/(x_min − ½)) (their eq. 3.7, good to about 1 % for x_min ≳ 6). No upper
    cut-off: for data without one (exact models).

    Parameters
    ----------
    data : array_like
        Positive finite values (sizes or durations, any units).
    discrete : bool
        Integer data (then x_min must come out above 0.5).
    quantile : float
        Where x_min is put, in (0, 1).

    Returns
    -------
    (alpha, xmin, n_tail) : tuple
        α dimensionless, x_min in the units of the data, n_tail the points at or above it. α is NaN
        when fewer than 2 points lie at or above x_min, all of them are equal, or (discrete) x_min
        ≤ 0.5.

    Examples
    --------
    >>> x = (1 - np.random.default_rng(0).random(20_000)) ** (-1 / 0.5)   # Pareto, alpha = 1.5, xmin = 1
    >>> alpha, xmin, n = tail_exponent(x, discrete=False, quantile=0.5)
    >>> bool(abs(alpha - 1.5) < 0.03), n
    (True, 10001)
    """
    x = _validate.finite_array("data", data, allow_empty=True)
    if (x <= 0).any():
        raise ValueError(f"data must be > 0 (avalanche sizes or durations), got {x.min()!r}")
    quantile = _validate.real("quantile", quantile, minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    if x.size < 2:
        return float("nan"), float("nan"), int(x.size)
    xmin = float(np.quantile(x, quantile, method="lower"))
    if discrete and xmin <= 0.5:
        return float("nan"), xmin, 0
    alpha, _, n = authors_exponent(x, xmin, discrete=bool(discrete))
    return alpha, xmin, n


# ----------------------------------------------------------------------------------------------
# the quantities of one data set under a range rule


def _nan_parts():
    return [float("nan")] * 9


def _ranges_support(s, d, *, depth, discrete_sizes, n_grid):
    fs = fd = None
    try:
        fs = stats.support_search(s, discrete=discrete_sizes, n_grid=n_grid)
    except ValueError:
        pass
    try:
        fd = stats.support_search(d, discrete=True, n_grid=n_grid, xmax_limit=None if depth is None else depth - 2)
    except ValueError:
        pass
    rs = (fs.xmin, fs.xmax) if fs is not None else (float("nan"), float("nan"))
    rd = (fd.xmin, fd.xmax) if fd is not None else (float("nan"), float("nan"))
    return rs, rd, (fs.alpha if fs is not None else float("nan")), (fd.alpha if fd is not None else float("nan"))


def _fit_on(x, lo, hi, discrete):
    if not (np.isfinite(lo) and lo > 0):
        return float("nan")
    try:
        fit = stats.fit_power_law(x, discrete=discrete, xmin=lo, xmax=None if not np.isfinite(hi) else hi)
    except ValueError:
        return float("nan")
    return float(fit.alpha)  # NaN when undetermined


def _gamma(s, d, *, weighting, min_count, dmin, dmax):
    if not np.isfinite(dmin):
        return float("nan")
    try:
        g = stats.gamma_from_sizes(s, d, weighting=weighting, min_count=min_count, dmin=dmin,
                                   dmax=None if not np.isfinite(dmax) or dmax <= dmin else dmax)
    except ValueError:
        return float("nan")
    return float(g.gamma)


def _parts(s, d, rule, *, depth, discrete_sizes, gamma_min_count, quantile, n_grid, fixed=None):
    """(τ_s, τ_d, γ, γ_pred, Δ, xmin_s, xmax_s, xmin_d, xmax_d) of one data set (NaN parts where the
    data do not allow them); ``fixed`` = the 4 range ends to use instead of choosing them."""
    nan = float("nan")
    if s.size < 2:
        return _nan_parts()
    if rule == "authors":
        tau_s = authors_exponent(s, 0.5, discrete=False)[0]
        tau_d = authors_exponent(d, 5, discrete=True)[0]
        keep = (d >= 5) & (s >= 0.5)
        gamma = _gamma(s[keep], d[keep], weighting="authors", min_count=gamma_min_count, dmin=5, dmax=nan)
        ranges = (0.5, math.inf, 5.0, math.inf)
    elif rule == "quantile":
        if fixed is None:
            tau_s, xs, _ = tail_exponent(s, discrete=discrete_sizes, quantile=quantile)
            tau_d, xd, _ = tail_exponent(d, discrete=True, quantile=quantile)
        else:
            xs, xd = fixed[0], fixed[2]
            tau_s = authors_exponent(s, xs, discrete=discrete_sizes)[0] if np.isfinite(xs) else nan
            tau_d = authors_exponent(d, xd, discrete=True)[0] if np.isfinite(xd) and xd > 0.5 else nan
        gamma = _gamma(s, d, weighting="ncc", min_count=gamma_min_count, dmin=xd, dmax=nan)
        ranges = (xs, math.inf, xd, math.inf)
    else:  # support
        if fixed is None:
            (xs, hs), (xd, hd), tau_s, tau_d = _ranges_support(s, d, depth=depth, discrete_sizes=discrete_sizes,
                                                                 n_grid=n_grid)
        else:
            xs, hs, xd, hd = fixed
            tau_s = _fit_on(s, xs, hs, discrete_sizes)
            tau_d = _fit_on(d, xd, hd, True)
        gamma = _gamma(s, d, weighting="ncc", min_count=gamma_min_count, dmin=xd, dmax=hd)
        ranges = (xs, hs, xd, hd)
    pred = (tau_d - 1.0) / (tau_s - 1.0) if np.isfinite(tau_s) and tau_s > 1 else nan
    return [tau_s, tau_d, gamma, pred, gamma - pred, *ranges]
