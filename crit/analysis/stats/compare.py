"""Likelihood-ratio tests of a power law against other heavy-ish tails (Clauset et al. 2009, §5).

Every alternative is fitted by maximum likelihood to the same tail (x >= xmin) as the power law,
normalised on [xmin, inf). For discrete data the alternatives' mass at an integer x is
F(x + 1/2) - F(x - 1/2) normalised by 1 - F(xmin - 1/2) (the 'round' discretisation of powerlaw 2.0),
except the power law with cut-off, whose mass x^-alpha e^(-lambda x) is summed exactly.

R = sum_i [ln p_PL(x_i) - ln p_alt(x_i)] > 0 favours the power law. For non-nested alternatives the
significance is Vuong's: normalised ratio R / (sqrt(n) s), with s the standard deviation of the
pointwise log-ratios, and two-sided p = erfc(|R| / (sqrt(2 n) s)). The power law is nested in the
power law with cut-off (lambda = 0), so there p = P(chi^2_1 > 2|R|) (Wilks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special, stats

from crit import _validate
from crit.analysis.stats import _checks
from crit.analysis.stats.powerlaw import PowerLawFit, log_pdf
from crit.records import Record

__all__ = ["LikelihoodRatio", "compare_to", "ALTERNATIVES"]

ALTERNATIVES = ("exponential", "lognormal", "stretched_exponential", "power_law_cutoff")


@dataclass(frozen=True, eq=False)
class LikelihoodRatio(Record):
    """Power law versus one alternative on the same tail.

    Attributes
    ----------
    alternative : str
    R : float
        Log-likelihood ratio (natural log), positive when the power law fits better.
    normalized_ratio : float
        Vuong's R / (sqrt(n) s).
    p : float
        Significance of the sign of R (small p: the sign can be trusted).
    nested : bool
    params : dict
        Fitted parameters of the alternative.
    loglik_power_law, loglik_alternative : float
    """

    alternative: str
    R: float
    normalized_ratio: float
    p: float
    nested: bool
    params: dict
    loglik_power_law: float
    loglik_alternative: float


def _log_norm_cutoff(alpha, lam, xmin):
    """ln of int_xmin^inf x^-alpha e^(-lam x) dx (substitution x = xmin e^u)."""
    def f(u):
        with np.errstate(over="ignore"):
            return np.exp((1 - alpha) * u - lam * xmin * np.expm1(u))

    val, _ = integrate.quad(f, 0, np.inf, limit=200)
    return (1 - alpha) * np.log(xmin) - lam * xmin + np.log(val)


def _logsf(name, theta, x):
    if name == "exponential":
        return -theta[0] * x
    if name == "lognormal":
        return special.log_ndtr(-(np.log(np.maximum(x, 1e-300)) - theta[0]) / theta[1])
    if name == "stretched_exponential":
        return -theta[0] * np.maximum(x, 0.0) ** theta[1]
    raise ValueError(name)


def _logpdf(name, theta, x, xmin, discrete):
    """Pointwise log-likelihood of the alternative on [xmin, inf)."""
    if name == "power_law_cutoff":
        alpha, lam = theta
        if discrete:  # exact sum over the first 2000 integers, then the midpoint-rule integral
            k = np.arange(xmin, xmin + 2000)
            head = -alpha * np.log(k) - lam * k
            logz = special.logsumexp(np.r_[head, _log_norm_cutoff(alpha, lam, xmin + 1999.5)])
        else:
            logz = _log_norm_cutoff(alpha, lam, xmin)
        return -alpha * np.log(x) - lam * x - logz
    if discrete:
        lo, hi = _logsf(name, theta, x - 0.5), _logsf(name, theta, x + 0.5)
        with np.errstate(divide="ignore"):  # log[sf(x - 1/2) - sf(x + 1/2)], in log space
            return lo + np.log(-np.expm1(hi - lo)) - _logsf(name, theta, xmin - 0.5)
    if name == "exponential":
        lam = theta[0]
        return np.log(lam) - lam * (x - xmin)
    if name == "lognormal":
        mu, s = theta
        z = (np.log(x) - mu) / s
        return -np.log(x * s * np.sqrt(2 * np.pi)) - 0.5 * z * z - _logsf(name, theta, xmin)
    lam, b = theta  # stretched exponential (Weibull)
    return np.log(b * lam) + (b - 1) * np.log(x) - lam * (x**b - xmin**b)


def _fit_alternative(name, tail, xmin, discrete, alpha0):
    """MLE of the alternative's parameters (unconstrained transforms, Nelder–Mead)."""
    lx = np.log(tail)
    if name == "exponential":
        start, back = [np.log(1.0 / max(np.mean(tail - xmin), 1e-12))], lambda t: (np.exp(t[0]),)
    elif name == "lognormal":
        start, back = [np.mean(lx), np.log(max(np.std(lx), 1e-3))], lambda t: (t[0], np.exp(t[1]))
    elif name == "stretched_exponential":
        start = [np.log(1.0 / np.mean(tail) ** 0.5), np.log(0.5)]
        back = lambda t: (np.exp(t[0]), np.exp(t[1]))  # noqa: E731
    else:
        start = [alpha0, np.log(1e-3 / np.mean(tail))]
        back = lambda t: (t[0], np.exp(t[1]))  # noqa: E731

    def nll(t):
        theta = back(t)
        with np.errstate(all="ignore"):
            v = -np.sum(_logpdf(name, theta, tail, xmin, discrete))
        return v if np.isfinite(v) else 1e300

    best = None
    starts = [start] if name != "power_law_cutoff" else [start, [alpha0, np.log(1.0 / np.max(tail))], [max(alpha0 - 0.5, 0.5), np.log(1.0 / np.median(tail))]]
    for s0 in starts:
        res = optimize.minimize(nll, np.asarray(s0, float), method="Nelder-Mead",
                                options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 4000})
        if best is None or res.fun < best.fun:
            best = res
    theta = back(best.x)
    if name == "exponential" and not discrete:
        theta = (1.0 / np.mean(tail - xmin),)  # closed form
    return theta


def compare_to(data, fit, alternative) -> LikelihoodRatio:
    """Likelihood-ratio test of the power law ``fit`` against ``alternative``.

    Parameters
    ----------
    data : array_like
        The data ``fit`` was fitted to.
    fit : PowerLawFit
        Untruncated fits only (``fit.xmax`` None), as in Clauset et al.
    alternative : {'exponential', 'lognormal', 'stretched_exponential', 'power_law_cutoff'}

    Returns
    -------
    LikelihoodRatio
    """
    if not isinstance(fit, PowerLawFit):
        raise TypeError(f"fit must be a PowerLawFit, got {type(fit).__name__}")
    alternative = _validate.choice("alternative", alternative, ALTERNATIVES)
    if fit.xmax is not None:
        raise ValueError(f"compare_to needs an untruncated fit (xmax=None), got xmax={fit.xmax}")
    x = _checks.positive_data(data, discrete=fit.discrete)
    tail = x[x >= fit.xmin]
    if tail.size != fit.n_tail:
        raise ValueError(f"data do not match fit: {tail.size} points >= xmin, fit has n_tail={fit.n_tail}")
    theta = _fit_alternative(alternative, tail, fit.xmin, fit.discrete, fit.alpha)
    l_pl = log_pdf(fit, tail)
    l_alt = _logpdf(alternative, theta, tail, fit.xmin, fit.discrete)
    diff = l_pl - l_alt
    R = float(np.sum(diff))
    n = tail.size
    s = float(np.std(diff))
    nested = alternative == "power_law_cutoff"
    if nested:
        R = min(R, 0.0)  # the larger model cannot fit worse; clip optimiser noise
        p = float(stats.chi2.sf(2 * abs(R), 1))
    else:
        p = float(special.erfc(abs(R) / (np.sqrt(2 * n) * s))) if s > 0 else 1.0
    names = {"exponential": ("lambda",), "lognormal": ("mu", "sigma"),
             "stretched_exponential": ("lambda", "beta"), "power_law_cutoff": ("alpha", "lambda")}[alternative]
    return LikelihoodRatio(alternative, R, R / (np.sqrt(n) * s) if s > 0 else 0.0, p, nested,
                           {k: float(v) for k, v in zip(names, theta)}, float(np.sum(l_pl)), float(np.sum(l_alt)))
