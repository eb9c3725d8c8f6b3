"""Maximum-likelihood power-law fits, with or without an upper cut-off, and the choice of xmin.

The law is ``p(x) ∝ x^-alpha`` on ``[xmin, xmax]`` (``xmax=None``: no upper cut-off).

* continuous data: ``p(x) = (alpha - 1) x^-alpha / (xmin^(1-alpha) - xmax^(1-alpha))`` (truncated
  Pareto; Deluca & Corral 2013, Acta Geophys. 61, 1351), closed form ``alpha = 1 + n / sum ln(x/xmin)``
  without ``xmax`` (Clauset, Shalizi & Newman 2009, SIAM Rev. 51, 661, eq. 3.1);
* discrete data: ``p(x) = x^-alpha / (zeta(alpha, xmin) - zeta(alpha, xmax + 1))`` with the Hurwitz
  zeta function (Clauset et al. 2009, eq. 3.5; truncated form as in the NCC toolbox, Marshall et al.
  2016, Front. Physiol. 7:250).

``xmin=None`` chooses xmin by the minimum Kolmogorov–Smirnov distance (Clauset et al. 2009, §3.3),
exactly but fast (:mod:`crit.analysis.stats.xmin_search`).

KS conventions and Clauset et al.'s Table 6.1 (their Table 3 in arXiv:0706.1062). The eight data
sets of that table that ship with the ``powerlaw`` package (``powerlaw.load_test_dataset``; words
and terrorism discrete, the rest continuous; blackouts, cities, quakes and surnames in thousands,
i.e. times 1e-3) give the published (x̂min, n_tail, α̂) as follows:

* ``ks_convention='plfit'``: all eight. This is the statistic of Clauset's own ``plfit.m``: for
  continuous data every sorted tail point i = 1..n is compared with (i - 1)/n, ties not merged; for
  integers, the supremum of |F_data - F_model| over every integer (the two-sided statistic).
  The exponent is the exact maximum-likelihood one (plfit.m takes, for integers, the best of a
  grid of step 0.01: words 1.95, terrorism 2.37 there, 1.9527 and 2.3699 here).
* ``'clauset'`` (the default, the statistic of powerlaw 2.0): the six data sets words, terrorism,
  blackouts, cities, fires and flares. On quakes and surnames, continuous data with many tied
  values, it compares only the first point of each run of ties and chooses another xmin (quakes:
  10, α̂ 1.952, as powerlaw 2.0; surnames: 14.92, α̂ 2.200).
* ``'two-sided'`` (the textbook statistic): words, terrorism, blackouts, fires, flares, quakes and
  surnames (seven), but cities comes out at xmin 52.648 (n_tail 576) instead of 52.457 (580).

Without tied values 'plfit' and 'clauset' are the same statistic; with ties, the default
'clauset' is Clauset's convention as powerlaw 2.0 implements it, not plfit's.

Undetermined fits. A maximum-likelihood exponent above :data:`ALPHA_LIMIT` (10) is not a power-law
tail: such a law loses a factor 2^10 ≈ 1000 in density over a doubling of x, so the "tail" is
data bunched just above xmin (2000 uniform values on [1, 2] give α̂ from about 20 to a few
hundred, depending on the sample; Poisson(20) counts 13 to 21). Avalanche exponents lie between
1 and about 3, and no data set of Clauset et al.'s Table 6.1 comes near 10. Such a fit is
returned with ``alpha`` and ``sigma`` NaN and the reason in ``undetermined``; everything else
(xmin, n_tail, the KS distance and log-likelihood of the maximum-likelihood law) is kept.

The criterion catches a tail that is not there, not every poor fit: a fixed xmin at the bottom
of bounded data still gives a moderate exponent (3.6 for uniform data on [1, 2] from xmin = 1),
which the goodness-of-fit test (:func:`crit.analysis.stats.bootstrap_pvalue`) rejects. With an
upper cut-off, a flat or rising density is a legitimate law (α ≤ 1) and stays determined. The
discrete solver only reaches α = 30: a fixed-xmin discrete tail steeper than that raises
ValueError, as before, and so does an xmin search in which every candidate is that steep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis.stats import _checks, _laws, xmin_search
from crit.records import Record

__all__ = ["ALPHA_LIMIT", "KS_CONVENTIONS", "PowerLawFit", "fit_power_law", "sample_power_law", "log_pdf", "tail_ks"]

KS_CONVENTIONS = ("clauset", "two-sided", "plfit")
ALPHA_LIMIT = 10.0  # steeper maximum-likelihood exponents make a fit undetermined (module docstring)


@dataclass(frozen=True, eq=False)
class PowerLawFit(Record):
    """A fitted power law ``p(x) ∝ x^-alpha`` on ``[xmin, xmax]``.

    Attributes
    ----------
    alpha : float
        Maximum-likelihood exponent (called τ for avalanche sizes, α for durations elsewhere).
    sigma : float
        Its standard error, ``1 / sqrt(n_tail * I(alpha))`` with ``I`` the Fisher information per
        point (equals ``(alpha - 1)/sqrt(n_tail)`` for untruncated continuous data, Clauset eq. 3.2).
    xmin, xmax : float, float or None
        Support of the fit, in the units of the data; ``xmax`` is None without an upper cut-off.
    n_tail, n : int
        Points inside ``[xmin, xmax]`` and points given.
    ks : float
        Kolmogorov–Smirnov distance between the tail and the maximum-likelihood law
        (``ks_convention``), also when the fit is undetermined.
    loglik : float
        Log-likelihood of the tail under that law (natural log; densities in inverse data units).
    discrete : bool
        Whether the discrete (integer) law was fitted.
    xmin_method : str
        ``'fixed'`` (given) or ``'ks'`` (minimum KS distance over ``n_candidates`` values).
    ks_convention : str
        ``'clauset'`` (empirical CDF just below each distinct value, as powerlaw 2.0),
        ``'two-sided'`` (textbook) or ``'plfit'`` (Clauset's plfit.m); see the module docstring.
    n_candidates : int
        Number of xmin values examined (1 when fixed).
    undetermined : str
        Empty for a power-law fit; otherwise why the tail has no power-law exponent (the
        maximum-likelihood exponent exceeds :data:`ALPHA_LIMIT`), and ``alpha``, ``sigma`` are NaN.
    """

    alpha: float
    sigma: float
    xmin: float
    xmax: float | None
    n_tail: int
    n: int
    ks: float
    loglik: float
    discrete: bool
    xmin_method: str
    ks_convention: str
    n_candidates: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the tail has a power-law exponent (``undetermined`` is empty)."""
        return not self.undetermined

    @property
    def tau(self) -> float:
        """Alias of ``alpha`` in avalanche notation."""
        return self.alpha

    def cdf(self, x) -> np.ndarray:
        """Model P(X <= x) for x in the support (clipped to [0, 1] outside)."""
        x = np.asarray(x, dtype=float)
        if self.discrete:
            return _laws.disc_cdf_below(self.alpha, np.floor(np.maximum(x, self.xmin - 1)) + 1.0, self.xmin, self.xmax)
        L = np.inf if self.xmax is None else np.log(self.xmax / self.xmin)
        d = np.log(np.maximum(x, self.xmin) / self.xmin)
        return _laws.cont_cdf(self.alpha - 1.0, np.minimum(d, L), L)

    def ccdf(self, x) -> np.ndarray:
        """Model P(X > x)."""
        return 1.0 - self.cdf(x)

    def pdf(self, x) -> np.ndarray:
        """Model density (continuous, per data unit) or probability mass (discrete); 0 outside."""
        x = np.asarray(x, dtype=float)
        inside = (x >= self.xmin) & ((x <= self.xmax) if self.xmax is not None else True)
        return np.where(inside, np.exp(log_pdf(self, np.where(inside, x, self.xmin))), 0.0)


def log_pdf(fit, x) -> np.ndarray:
    """Log density (or log mass) of a fitted law at points ``x`` inside its support."""
    x = np.asarray(x, dtype=float)
    if fit.discrete:
        return -fit.alpha * np.log(x) - _laws.disc_log_norm(fit.alpha, fit.xmin, fit.xmax)
    L = np.inf if fit.xmax is None else np.log(fit.xmax / fit.xmin)
    beta = fit.alpha - 1.0
    return _laws.cont_log_norm(beta, L) - np.log(fit.xmin) - (1.0 + beta) * np.log(x / fit.xmin)


def _fit_fixed(tail, xmin, xmax, discrete):
    """(alpha, sigma) for a tail on [xmin, xmax] (xmax None: untruncated)."""
    n_tail = tail.size
    if discrete:
        alpha = float(_laws.solve_alpha_discrete(np.mean(np.log(tail)), xmin, xmax))
        if alpha >= _laws.ALPHA_MAX_DISCRETE - 1e-6 or alpha <= 1 + 1e-6:
            raise ValueError(
                f"the discrete MLE of alpha left (1, {_laws.ALPHA_MAX_DISCRETE}] for xmin={xmin}, "
                f"xmax={xmax}: the tail is not power-law-like"
            )
        info = float(_laws.disc_var_log(alpha, xmin, xmax))
    else:
        L = np.inf if xmax is None else float(np.log(xmax / xmin))
        ybar = float(np.mean(np.log(tail / xmin)))
        beta = float(_laws.solve_beta_continuous(ybar, L))
        alpha = 1.0 + beta
        info = float(_laws.cont_var_y(beta, L))
    return alpha, 1.0 / np.sqrt(n_tail * info)


def fit_power_law(
    data,
    *,
    discrete,
    xmin=None,
    xmax=None,
    ks_convention="clauset",
    min_tail=_checks.MIN_TAIL,
    max_alpha=None,
) -> PowerLawFit:
    """Fit ``p(x) ∝ x^-alpha`` on ``[xmin, xmax]`` by maximum likelihood.

    Parameters
    ----------
    data : array_like
        Positive, finite observations (avalanche sizes or durations, any units).
    discrete : bool
        True for integer data (Hurwitz-zeta likelihood), False for continuous data. Using the
        wrong one biases alpha badly (Clauset et al. 2009, Table 2).
    xmin : float, optional
        Lower end of the power-law range. None: the value minimising the KS distance among the
        distinct data values (each candidate with its own MLE alpha; Clauset et al. 2009, §3.3).
    xmax : float, optional
        Upper cut-off; data above it are ignored and the likelihood is normalised on
        ``[xmin, xmax]`` (use it for durations censored by a finite depth).
    ks_convention : {'clauset', 'two-sided', 'plfit'}
        How the KS distance is computed (see :class:`PowerLawFit`). The default, 'clauset', gives
        powerlaw 2.0's xmin and D, and Clauset et al.'s on data without tied values; 'plfit'
        reproduces Clauset et al.'s plfit.m, ties included (all eight rows of their Table 6.1
        that ship with powerlaw; see the module docstring for which rows each convention gives).
    min_tail : int
        Fewest points allowed in the tail (at least 10).
    max_alpha : float, optional
        Ignore xmin candidates whose alpha reaches this value (powerlaw 2.0 effectively uses 3).

    Returns
    -------
    PowerLawFit
        Undetermined (``alpha`` NaN, reason in ``undetermined``) when the maximum-likelihood
        exponent exceeds :data:`ALPHA_LIMIT`: the data have no power-law tail.

    Raises
    ------
    ValueError
        Empty data, values <= 0, NaN/inf, all values equal, xmin above the data, xmax <= xmin,
        fewer than ``min_tail`` points in the tail, no xmin candidate with a valid exponent, a
        discrete exponent beyond the solver's range (1, 30].
    TypeError
        Data that are not an array of numbers, ``discrete`` not a bool.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = (1 - rng.random(5000)) ** (-1 / 1.5)          # Pareto, alpha = 2.5, xmin = 1
    >>> fit = fit_power_law(x, discrete=False, xmin=1.0)
    >>> round(fit.alpha, 2), fit.n_tail
    (2.5, 5000)
    >>> flat = fit_power_law(rng.uniform(1.0, 2.0, 5000), discrete=False)   # no power-law tail
    >>> flat.determined, flat.alpha
    (False, nan)
    """
    discrete = _checks.flag("discrete", discrete)
    ks_convention = _validate.choice("ks_convention", ks_convention, KS_CONVENTIONS)
    min_tail = _validate.integer("min_tail", min_tail, minimum=_checks.MIN_TAIL)
    if max_alpha is not None:
        max_alpha = _validate.real("max_alpha", max_alpha, minimum=1.0, strict_min=True)
    x = _checks.positive_data(data, discrete=discrete)
    n = x.size
    if xmax is not None:
        xmax = _checks.bound("xmax", xmax, discrete=discrete)
        if xmin is not None and xmax <= _checks.bound("xmin", xmin, discrete=discrete):
            raise ValueError(f"xmax must be > xmin; got xmin={xmin}, xmax={xmax}")
        x = x[x <= xmax]
        if x.size == 0 or x[0] == x[-1]:
            raise ValueError(f"xmax={xmax} leaves {x.size} point(s) with fewer than two distinct values")
    if xmin is not None:
        xmin = _checks.bound("xmin", xmin, discrete=discrete)
        if xmin > x[-1]:
            raise ValueError(f"xmin={xmin} is above the largest data value {x[-1]!r} (within xmax)")
        tail = x[x >= xmin]
        _checks.tail_size(tail.size, xmin, xmax)
        if tail[0] == tail[-1]:
            raise ValueError(f"all {tail.size} points >= xmin={xmin} are equal; no exponent can be fitted")
        xmin_method, n_cand = "fixed", 1
    else:
        search = xmin_search.discrete_search if discrete else xmin_search.continuous_search
        k, _, _, n_cand = search(x, xmax=xmax, min_tail=min_tail, max_alpha=max_alpha, convention=ks_convention)
        xmin, tail, xmin_method = float(x[k]), x[k:], "ks"
    if not discrete:
        _checks.warn_integer_as_continuous(tail, discrete)
    alpha, sigma = _fit_fixed(tail, xmin, xmax, discrete)
    ks = tail_ks(tail, alpha, xmin, xmax, discrete, ks_convention)
    partial = PowerLawFit(alpha, sigma, float(xmin), xmax, int(tail.size), int(n), ks, 0.0, discrete,
                          xmin_method, ks_convention, int(n_cand))
    loglik = float(np.sum(log_pdf(partial, tail)))
    why = _undetermined_reason(alpha, xmin, tail)
    if why:
        alpha = sigma = float("nan")
    return PowerLawFit(float(alpha), float(sigma), float(xmin), xmax, int(tail.size), int(n), float(ks), loglik,
                       discrete, xmin_method, ks_convention, int(n_cand), why)


def _undetermined_reason(alpha, xmin, tail):
    """Why a maximum-likelihood exponent is no power law ('' when it is one)."""
    if alpha <= ALPHA_LIMIT:
        return ""
    return (
        f"no power-law tail: the maximum-likelihood exponent {alpha:.4g} exceeds {ALPHA_LIMIT:g} "
        f"(the {tail.size} points from xmin={xmin:.6g} span only a factor {tail[-1] / xmin:.3g})"
    )


def tail_ks(tail, alpha, xmin, xmax, discrete, convention="clauset") -> float:
    """KS distance between a sorted tail and the power law (alpha, xmin, xmax)."""
    first, last = _laws.run_bounds(tail)
    convention = _laws.effective_convention(convention, discrete)
    if discrete:
        below = _laws.disc_cdf_below(alpha, tail, xmin, xmax)
        at = _laws.disc_cdf_below(alpha, tail + 1.0, xmin, xmax)
    else:
        L = np.inf if xmax is None else np.log(xmax / xmin)
        below = at = _laws.cont_cdf(alpha - 1.0, np.log(tail / xmin), L)
    return _laws.ks_from_cdfs(first, last, tail.size, below, at, convention)


def sample_power_law(alpha, xmin, size, *, discrete, xmax=None, rng):
    """Draw ``size`` values from the power law on ``[xmin, xmax]``.

    Continuous: exact inverse CDF. Discrete: exact inverse CDF on a table of the first 10^5
    integers above xmin (Hurwitz zeta), then Clauset et al. (2009, App. D) continuous approximation
    ``floor((xmin - 1/2) u^(-1/(alpha-1)) + 1/2)`` for the rare points beyond the table.

    Parameters
    ----------
    alpha, xmin : float
    size : int or tuple of int
    discrete : bool
    xmax : float, optional
    rng : numpy.random.Generator or int
    """
    rng = _validate.rng("rng", rng, allow_seed=True)
    u = rng.random(size)
    beta = alpha - 1.0
    if not discrete:
        L = np.inf if xmax is None else np.log(xmax / xmin)
        if np.isfinite(L):
            # invert P(y <= d) = (1 - e^{-beta d}) / (1 - e^{-beta L})
            y = -np.log1p(u * np.expm1(-beta * L)) / beta if abs(beta * L) > 1e-10 else u * L
        else:
            y = -np.log1p(-u) / beta
        return xmin * np.exp(y)
    top = xmin + 100_000 if xmax is None else min(xmax, xmin + 100_000)
    grid = np.arange(xmin, top + 1.0)
    ccdf_next = 1.0 - _laws.disc_cdf_below(alpha, grid + 1.0, xmin, xmax)  # P(X > grid)
    # X = smallest grid value with P(X > value) < 1 - u
    v = 1.0 - u
    idx = np.searchsorted(-ccdf_next, -v, side="right")
    out = grid[np.minimum(idx, grid.size - 1)].astype(float)
    beyond = idx >= grid.size
    if np.any(beyond):
        approx = np.floor((xmin - 0.5) * v[beyond] ** (-1.0 / beta) + 0.5)
        if xmax is not None:
            approx = np.minimum(approx, xmax)
        out[beyond] = np.maximum(approx, top + 1.0)
    return out
