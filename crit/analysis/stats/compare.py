"""Likelihood-ratio tests of a power law against other heavy-ish tails (Clauset et al. 2009, §5).

Every alternative is fitted by maximum likelihood to the same tail (x >= xmin) as the power law,
normalised on [xmin, inf). For discrete data the alternatives' mass at an integer x is
F(x + 1/2) - F(x - 1/2) normalised by 1 - F(xmin - 1/2) (the 'round' discretisation of powerlaw 2.0),
except the power law with cut-off, whose mass x^-alpha e^(-lambda x) is summed exactly.

R = sum_i [ln p_PL(x_i) - ln p_alt(x_i)] > 0 favours the power law. For non-nested alternatives the
significance is Vuong's: normalised ratio R / (sqrt(n) s), with s the standard deviation of the
pointwise log-ratios, and two-sided p = erfc(|R| / (sqrt(2 n) s)). The power law is nested in the
power law with cut-off (lambda = 0), so there p = P(chi^2_1 > 2|R|) (Wilks).

Degenerate alternatives. The lognormal and the stretched exponential both contain the power law as
a limit on the edge of their parameter space: the lognormal density on [xmin, inf) is
``x^-a exp(-c ln(x)^2 / 2)`` up to normalisation, with ``c = 1/sigma^2`` and ``a = 1 - mu c``, so
``c -> 0`` (sigma -> inf while mu -> -inf) leaves ``x^-a``; the stretched exponential
``x^(beta-1) exp(-lambda x^beta)`` tends to ``x^-(1 + lambda beta)`` as ``beta -> 0``. When that
edge is where the likelihood is largest, the optimiser runs off towards it (on the words data
mu reaches about -44 000), the fitted "alternative" is the power law again, R tends to 0 and its
sign, which the test is about, is noise. Such a comparison is *undetermined*: R, the normalised
ratio and p are NaN, ``undetermined`` says why and a :class:`DegenerateFitWarning` is emitted.

The criterion is exact, not a threshold on the fitted parameters. Take the best power law of the
edge (for discrete data the 'round' discretisation of the continuous law x^-a, mass on
[x - 1/2, x + 1/2]) and ``s = ln(x / x0)`` (x0 = xmin, or xmin - 1/2 for discrete data). Moving
into the interior (c > 0, or beta > 0) changes the log-likelihood at the rate
``-(n/2) [mean_i E_i(s^2) - E(s^2)]`` (times ``lambda beta`` for the stretched exponential), where
E_i averages over point i's cell (the point itself for continuous data) and E over the power law
above x0. The alternative is degenerate when this rate is <= 0 and the optimiser found no fit
better than the edge's power law (by more than 1e-6 nats). For continuous data the rate reads
``var(s) >= mean(s)^2``: the log-excesses spread at least as much as the exponential law that
the power law predicts; no lognormal then fits better at all (its log-likelihood is concave in
(a, c)). On Clauset et al.'s data (xmin from the default search) the lognormal and the stretched
exponential are degenerate on words, quakes and surnames, not on terrorism, blackouts, cities,
fires or flares. The exponential (closed-form fit) and the nested power law with cut-off (whose
edge lambda = 0 is the null hypothesis of its Wilks test: R = 0, p = 1 is a valid answer) are
never declared degenerate, except that any alternative whose fit is not finite is.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import integrate, optimize, special, stats

from crit import _validate
from crit.analysis.stats import _checks
from crit.analysis.stats.powerlaw import PowerLawFit, log_pdf
from crit.records import Record

__all__ = ["DegenerateFitWarning", "LikelihoodRatio", "compare_to", "ALTERNATIVES"]

ALTERNATIVES = ("exponential", "lognormal", "stretched_exponential", "power_law_cutoff")
_EDGE_TOL = 1e-6  # nats: an alternative this close to its power-law edge is on it


class DegenerateFitWarning(UserWarning):
    """An alternative's maximum-likelihood fit degenerated into the power law (module docstring).

    A UserWarning, not a RuntimeWarning: the comparison is returned as undetermined, not failed.
    """


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
        Fitted parameters of the alternative (where the optimiser stopped, for a degenerate one).
    loglik_power_law, loglik_alternative : float
    undetermined : str
        Empty for a comparison; otherwise why there is none (the alternative degenerates into the
        power law, see the module docstring, or the power-law fit is itself undetermined), and
        ``R``, ``normalized_ratio`` and ``p`` are NaN.
    """

    alternative: str
    R: float
    normalized_ratio: float
    p: float
    nested: bool
    params: dict
    loglik_power_law: float
    loglik_alternative: float
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the comparison has a ratio and a p-value (``undetermined`` is empty)."""
        return not self.undetermined


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


def _weibull_drop(theta, u, v):
    """``lambda (v^beta - u^beta)``, the fall of -ln sf from u to v, without cancellation.

    Near the power-law edge lambda is huge and beta tiny (module docstring); the direct
    difference then loses most of its digits and the optimiser feeds on the rounding noise.
    """
    lam, b = theta
    return np.exp(np.log(lam) + b * np.log(u)) * np.expm1(b * np.log(v / u))


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
    if discrete and name == "stretched_exponential":
        with np.errstate(divide="ignore"):  # mass on [x - 1/2, x + 1/2] over sf(xmin - 1/2), as below
            cell = np.log(-np.expm1(-_weibull_drop(theta, x - 0.5, x + 0.5)))
            return cell - _weibull_drop(theta, xmin - 0.5, x - 0.5)
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
    return np.log(b * lam) + (b - 1) * np.log(x) - _weibull_drop(theta, xmin, x)


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


def _cell_moments(eps):
    """Mean and mean square of u on [0, 1] with density proportional to exp(-eps u)."""
    eps = np.asarray(eps, float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        em1 = np.expm1(eps)
        m1 = 1.0 / eps - 1.0 / em1
        m2 = (2.0 * em1 - 2.0 * eps - eps * eps) / (eps * eps * em1)
    small, big = eps < 1e-3, eps > 50.0  # series (cancellation) and asymptotes (overflow)
    m1 = np.where(small, 0.5 - eps / 12, np.where(big, 1.0 / eps, m1))
    m2 = np.where(small, 1.0 / 3 - eps / 12 + eps * eps / 360, np.where(big, 2.0 / (eps * eps), m2))
    return m1, m2


def _power_law_edge(tail, xmin, discrete):
    """The best power law on the edge of the lognormal and stretched-exponential families.

    Returns its log-likelihood and ``mean_i E_i(s^2) - E(s^2)`` (module docstring): when this is
    >= 0 the likelihood decreases into the interior of both families.
    """
    if not discrete:
        s = np.log(tail / xmin)
        b = 1.0 / np.mean(s)
        return float(tail.size * np.log(b / xmin) - (1.0 + b) * np.sum(s)), float(np.mean(s * s) - 2.0 / b**2)
    u, c = np.unique(tail, return_counts=True)
    lo = np.log((u - 0.5) / (xmin - 0.5))
    width = np.log((u + 0.5) / (u - 0.5))

    def score(b):  # d/db of the log-likelihood of the rounded power law, decreasing in b
        return float(np.sum(c * (width / np.expm1(b * width) - lo)))

    hi = 1.0
    while score(hi) > 0:
        hi *= 2.0
    b = optimize.brentq(score, 1e-9, hi, xtol=1e-14, rtol=1e-13)
    loglik = float(np.sum(c * (-b * lo + np.log(-np.expm1(-b * width)))))
    m1, m2 = _cell_moments(b * width)
    cell_s2 = lo * lo + 2.0 * lo * width * m1 + width * width * m2
    return loglik, float(np.sum(c * cell_s2) / tail.size - 2.0 / b**2)


def _degenerate(name, theta, loglik_alt, tail, xmin, discrete):
    """Why the fitted alternative is degenerate ('' when it is not); see the module docstring."""
    if not (np.all(np.isfinite(theta)) and np.isfinite(loglik_alt)):
        return f"{name}: the maximum-likelihood fit is not finite (parameters {tuple(map(float, theta))})"
    if name not in ("lognormal", "stretched_exponential"):
        return ""
    loglik_edge, excess = _power_law_edge(tail, xmin, discrete)
    if excess < 0 or loglik_alt > loglik_edge + _EDGE_TOL:
        return ""
    if name == "lognormal":
        where = (f"sigma -> inf with mu -> -inf; the optimiser stopped at mu = {theta[0]:.4g}, "
                 f"sigma = {theta[1]:.4g}, with ln xmin = {np.log(xmin):.4g}")
    else:
        where = f"beta -> 0; the optimiser stopped at beta = {theta[1]:.3g}"
    return (f"{name}: its likelihood is largest at its power-law limit ({where}); no {name} fits the "
            "tail better than a power law, so R -> 0 and its sign cannot be tested")


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
        Undetermined (``R``, ``normalized_ratio``, ``p`` NaN; the reason in ``undetermined``) when
        the alternative degenerates into the power law (a :class:`DegenerateFitWarning` is then
        emitted) or when ``fit`` is undetermined (no warning: the fit says so already).

    Raises
    ------
    ValueError
        ``fit`` truncated (``xmax`` set), ``data`` not the data of ``fit``, an unknown alternative.
    TypeError
        ``fit`` not a :class:`PowerLawFit`.

    Examples
    --------
    >>> from crit.analysis.stats import fit_power_law
    >>> x = np.random.default_rng(0).lognormal(0.0, 1.0, 5000)
    >>> fit = fit_power_law(x, discrete=False, xmin=1.0)
    >>> res = compare_to(x, fit, "lognormal")
    >>> res.determined, res.R < 0, res.p < 1e-6       # the lognormal is clearly better
    (True, True, True)
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
    names = {"exponential": ("lambda",), "lognormal": ("mu", "sigma"),
             "stretched_exponential": ("lambda", "beta"), "power_law_cutoff": ("alpha", "lambda")}[alternative]
    nested = alternative == "power_law_cutoff"
    nan = float("nan")
    if not fit.determined:
        return LikelihoodRatio(alternative, nan, nan, nan, nested, {}, fit.loglik, nan,
                               f"the power-law fit is undetermined: {fit.undetermined}")
    theta = _fit_alternative(alternative, tail, fit.xmin, fit.discrete, fit.alpha)
    params = {k: float(v) for k, v in zip(names, theta)}
    l_pl = log_pdf(fit, tail)
    with np.errstate(all="ignore"):
        l_alt = _logpdf(alternative, theta, tail, fit.xmin, fit.discrete)
    why = _degenerate(alternative, theta, float(np.sum(l_alt)), tail, fit.xmin, fit.discrete)
    if why:
        warnings.warn(f"comparison undetermined: {why}", DegenerateFitWarning, stacklevel=2)
        return LikelihoodRatio(alternative, nan, nan, nan, nested, params, float(np.sum(l_pl)),
                               float(np.sum(l_alt)), why)
    diff = l_pl - l_alt
    R = float(np.sum(diff))
    n = tail.size
    s = float(np.std(diff))
    if nested:
        R = min(R, 0.0)  # the larger model cannot fit worse; clip optimiser noise
        p = float(stats.chi2.sf(2 * abs(R), 1))
    else:
        p = float(special.erfc(abs(R) / (np.sqrt(2 * n) * s))) if s > 0 else 1.0
    return LikelihoodRatio(alternative, R, R / (np.sqrt(n) * s) if s > 0 else 0.0, p, nested,
                           params, float(np.sum(l_pl)), float(np.sum(l_alt)))
