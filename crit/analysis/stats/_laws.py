"""Vectorised pieces of the power-law likelihood, CDF and KS distance (private).

Continuous laws are written in ``y = ln(x / xmin)``: on ``[xmin, xmax]`` the density of ``y`` is a
truncated exponential with rate ``beta = alpha - 1`` on ``[0, L]``, ``L = ln(xmax / xmin)``
(``L = inf`` without an upper cut-off). Discrete laws use the Hurwitz zeta function
``zeta(alpha, q) = sum_{k>=0} (k + q)^-alpha`` (``scipy.special.zeta``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

ALPHA_MAX_DISCRETE = 30.0
_BISECT = 80


def cont_mean_y(beta, L):
    """Mean of ``y`` (truncated exponential, rate ``beta`` on ``[0, L]``)."""
    beta, L = np.broadcast_arrays(np.asarray(beta, float), np.asarray(L, float))
    out = np.empty(beta.shape)
    bl = beta * L
    small = np.abs(bl) < 1e-6
    inf = ~np.isfinite(L)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        regular = 1.0 / beta - L / np.expm1(bl)
        out[...] = np.where(inf, 1.0 / beta, np.where(small, L / 2 - beta * L * L / 12, regular))
    return out


def cont_var_y(beta, L):
    """Variance of ``y``: the Fisher information per point for ``alpha``."""
    beta, L = np.broadcast_arrays(np.asarray(beta, float), np.asarray(L, float))
    bl = beta * L
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        regular = 1.0 / beta**2 - L * L / (4.0 * np.sinh(bl / 2) ** 2)
        out = np.where(~np.isfinite(L), 1.0 / beta**2, np.where(np.abs(bl) < 1e-4, L * L / 12, regular))
    return out


def cont_log_norm(beta, L):
    """``ln[beta / (1 - exp(-beta L))]``: log density of ``y`` at 0."""
    beta, L = np.broadcast_arrays(np.asarray(beta, float), np.asarray(L, float))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        regular = np.log(beta / -np.expm1(-beta * L))
        out = np.where(~np.isfinite(L), np.log(beta), np.where(np.abs(beta * L) < 1e-10, -np.log(L), regular))
    return out


def cont_cdf(beta, d, L):
    """P(y <= d) for the truncated exponential; increasing in ``beta`` and ``d``, decreasing in ``L``."""
    beta, d, L = np.broadcast_arrays(np.asarray(beta, float), np.asarray(d, float), np.asarray(L, float))
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        num = -np.expm1(-beta * d)
        regular = num / -np.expm1(-beta * L)
        out = np.where(~np.isfinite(L), num, np.where(np.abs(beta * L) < 1e-10, d / L, regular))
    return np.clip(out, 0.0, 1.0)


def solve_beta_continuous(ybar, L):
    """MLE of ``beta`` given the mean ``ybar`` of ``y``: closed form without ``L``, else bisection."""
    ybar, L = np.broadcast_arrays(np.asarray(ybar, float), np.asarray(L, float))
    if not np.any(np.isfinite(L)):
        with np.errstate(divide="ignore"):
            return 1.0 / ybar
    lo = -1.0 / np.maximum(L - ybar, 1e-300) - 1.0
    hi = 1.0 / ybar + 1.0
    for _ in range(_BISECT):
        mid = 0.5 * (lo + hi)
        above = cont_mean_y(mid, L) > ybar  # the mean decreases with beta
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    beta = 0.5 * (lo + hi)
    with np.errstate(divide="ignore"):
        return np.where(np.isfinite(L), beta, 1.0 / ybar)


def disc_log_norm(alpha, xmin, xmax=None):
    """``ln sum_{x=xmin}^{xmax} x^-alpha`` (``xmax=None``: to infinity)."""
    z = special.zeta(alpha, xmin)
    if xmax is not None:
        z = z - special.zeta(alpha, np.asarray(xmax, float) + 1.0)
    with np.errstate(divide="ignore"):
        return np.log(z)


def disc_mean_log(alpha, xmin, xmax=None, h=1e-6):
    """Model mean of ``ln x`` = ``-d ln Z / d alpha`` (central difference)."""
    return -(disc_log_norm(alpha + h, xmin, xmax) - disc_log_norm(alpha - h, xmin, xmax)) / (2 * h)


def disc_var_log(alpha, xmin, xmax=None, h=1e-4):
    """Model variance of ``ln x`` = ``d^2 ln Z / d alpha^2``: the Fisher information per point."""
    return (
        disc_log_norm(alpha + h, xmin, xmax) - 2 * disc_log_norm(alpha, xmin, xmax) + disc_log_norm(alpha - h, xmin, xmax)
    ) / h**2


def solve_alpha_discrete(lnbar, xmin, xmax=None):
    """Discrete MLE of ``alpha`` in (1, ALPHA_MAX_DISCRETE] from the mean of ``ln x`` (bisection)."""
    lnbar, xmin = np.broadcast_arrays(np.asarray(lnbar, float), np.asarray(xmin, float))
    lo = np.full(lnbar.shape, 1.0 + 1e-7)
    hi = np.full(lnbar.shape, ALPHA_MAX_DISCRETE)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        above = disc_mean_log(mid, xmin, xmax) > lnbar  # the model mean decreases with alpha
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return 0.5 * (lo + hi)


def _zeta_at(alpha, u):
    """``zeta(alpha, u)`` for a scalar ``alpha`` and a sorted 1-D ``u``, evaluated once per distinct value.

    Avalanche durations repeat: a million of them hold a thousand distinct values, and the Hurwitz
    zeta function is the cost of a discrete fit. Any other ``u`` is evaluated as given.
    """
    u = np.asarray(u, float)
    if np.ndim(alpha) or u.ndim != 1 or u.size < 64 or not np.all(u[1:] >= u[:-1]):
        return special.zeta(alpha, u)
    new = np.empty(u.size, bool)
    new[0] = True
    np.not_equal(u[1:], u[:-1], out=new[1:])
    if np.count_nonzero(new) > u.size // 2:
        return special.zeta(alpha, u)
    return special.zeta(alpha, u[new])[np.cumsum(new) - 1]


def disc_cdf_below(alpha, u, xmin, xmax=None):
    """P(X < u) for the discrete law on [xmin, xmax]."""
    top = special.zeta(alpha, xmin)
    norm = top if xmax is None else top - special.zeta(alpha, float(xmax) + 1.0)
    return np.clip((top - _zeta_at(alpha, u)) / norm, 0.0, 1.0)


def run_bounds(x_sorted):
    """First and last index of the run of equal values that each position belongs to."""
    n = x_sorted.size
    idx = np.arange(n)
    new = np.ones(n, bool)
    new[1:] = x_sorted[1:] != x_sorted[:-1]
    first = np.maximum.accumulate(np.where(new, idx, 0))
    end = np.ones(n, bool)
    end[:-1] = x_sorted[:-1] != x_sorted[1:]
    last = np.minimum.accumulate(np.where(end, idx, n)[::-1])[::-1]
    return first, last


def effective_convention(convention, discrete):
    """The KS statistic a convention computes for this data type.

    plfit's discrete branch takes the supremum over every integer of |F_data - F_model| (both
    CDFs at or below the integer), which is the two-sided statistic; its continuous branch is
    the positional one, ``'plfit'`` here.
    """
    return "two-sided" if convention == "plfit" and discrete else convention


def ks_from_cdfs(first, last, n_tail, p_below, p_at_or_below, convention):
    """KS distance of a sorted tail given model P(X < x_i) and P(X <= x_i) at each point.

    ``first`` and ``last`` are the first and last (0-based) positions of the run of equal values
    each point belongs to. ``convention='clauset'`` compares the empirical CDF just below each
    distinct value, ``first/n``, with P(X < x) (powerlaw 2.0). ``'two-sided'`` is the textbook
    statistic: also ``(last + 1)/n`` against P(X <= x). ``'plfit'`` (continuous data) is
    Clauset's plfit.m: position ``i`` (0-based) compared with ``i/n`` for every point, ties not
    merged, so that a run contributes ``first/n`` and ``last/n``; without ties it equals
    ``'clauset'``. For discrete data map ``'plfit'`` through :func:`effective_convention` first.
    """
    e_below = first / n_tail
    d = np.abs(e_below - p_below)
    if convention == "two-sided":
        d = np.maximum(d, np.abs((last + 1) / n_tail - p_at_or_below))
    elif convention == "plfit":
        d = np.maximum(d, np.abs(last / n_tail - p_below))
    return float(d.max())
