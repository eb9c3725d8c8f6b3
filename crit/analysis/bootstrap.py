r"""Errors over networks for the crackling exponents: the fit range re-selected, the crackling test joint.

One network serves many inputs, so its avalanches share its weights (quenched disorder) and the
honest error of any exponent is its spread over resamples of whole networks
(:func:`crit.analysis.resampling.network_resamples`). This module makes four of the chapter's
errors that way:

:func:`network_bootstrap`
    Any estimator, evaluated on every resample of the networks; the spread, the covariance and the
    percentile intervals of its outputs. The other functions build on it.
:func:`crackling_bootstrap`
    τ_s, τ_d, γ and γ_pred = (τ_d − 1)/(τ_s − 1) with the fit range **re-selected in every
    resample** (x_min and x_max of sizes and durations, and with them the duration window of γ):
    the range is the largest systematic of a power-law fit, so an error that keeps it fixed is too
    small. The crackling test uses the **joint** distribution of (γ, γ_pred): in each resample
    Δ = γ − γ_pred is formed, and its spread is the error of Δ, which carries the covariance of γ
    and γ_pred (both are measured on the same avalanches) instead of adding their errors as if they
    were independent.
:func:`shape_bootstrap`
    The shape-collapse exponent γ* with its spread over networks (the curvature of the collapse
    error, the authors' error, measures how sharp the minimum is, not how much it moves from one
    draw of the networks to another).
:func:`likelihood_ratio_over_networks`, :func:`goodness_over_networks`
    Likelihood ratios whose variance is taken over networks (a cluster-robust Vuong test), and the
    goodness-of-fit p-value beside a version corrected by the measured design effect, with a field
    that says what neither can claim.

Range rules (``range_rule``)
----------------------------
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

Data that do not allow a number (too few networks, a resample without a fit) give NaN and the
reason in ``undetermined``; only bad input raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy import stats as scipy_stats

from crit import _validate
from crit.analysis import stats, verdicts
from crit.analysis.crackling import authors_exponent
from crit.analysis.resampling import network_resamples, too_few_networks
from crit.analysis.shapes import _shape_collapse
from crit.analysis.stats.compare import _logpdf
from crit.analysis.stats.powerlaw import log_pdf
from crit.records import Record
from crit.traces import Traces

__all__ = [
    "GOODNESS_LIMITS",
    "QUANTITIES",
    "RANGE_RULES",
    "SELECTIONS",
    "CracklingBootstrap",
    "NetworkBootstrap",
    "NetworkGoodness",
    "NetworkLikelihoodRatio",
    "ShapeBootstrap",
    "bootstrap_record",
    "crackling_bootstrap",
    "crackling_verdict",
    "goodness_over_networks",
    "likelihood_ratio_over_networks",
    "network_bootstrap",
    "shape_bootstrap",
    "tail_exponent",
]

#: The quantities of a crackling bootstrap, in the order of its arrays: the exponents, the predicted γ
#: and Δ = γ − γ_pred.
QUANTITIES = ("tau_s", "tau_d", "gamma", "gamma_pred", "delta")
#: How the fit range is chosen (module docstring).
RANGE_RULES = ("support", "authors", "quantile")
#: Which avalanches are fitted: those that ended within the depth, or all, the never-ending ones
#: included with T = depth − 3 (the authors' convention).
SELECTIONS = ("ended", "all")
_RANGES = ("xmin_s", "xmax_s", "xmin_d", "xmax_d")


# ----------------------------------------------------------------------------------------------
# the generic bootstrap over networks


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
        Draws the resamples (nothing is drawn with fewer than 3 networks).

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
    reps = [_evaluate(estimator, idx, k) for idx in network_resamples(labels, n_resamples, rng)]
    replicates = np.array(reps, dtype=float).reshape(-1, k)
    n_networks = int(np.unique(labels).size)
    reason = _reason(names, estimate, replicates, n_networks, n_resamples)
    return NetworkBootstrap(names, estimate, replicates, n_networks, int(labels.size), reason)


def _reason(names, estimate, replicates, n_networks, n_resamples) -> str:
    """Why some of ``names`` has no estimate or no error ("" when all have both)."""
    reasons = []
    missing = [n for n, v in zip(names, estimate) if not np.isfinite(v)]
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
# the crackling exponents with the range re-selected


@dataclass(frozen=True, eq=False)
class CracklingBootstrap(Record):
    """τ_s, τ_d, γ, γ_pred and Δ = γ − γ_pred of one data set, with errors over networks.

    Attributes
    ----------
    selection : str
        ``"ended"`` or ``"all"`` (:data:`SELECTIONS`).
    range_rule : str
        How the fit range was chosen (:data:`RANGE_RULES`); re-chosen in every resample.
    values, errors : numpy.ndarray, shape (5,)
        The :data:`QUANTITIES` on all the data and their spread over resamples of the networks
        (dimensionless). The error of Δ is the spread of Δ over the resamples: the joint error
        of (γ, γ_pred).
    robust_errors : numpy.ndarray, shape (5,)
        Half the width of the central 68.3 % of the replicates: the spread without the weight of
        rare resamples (γ_pred = (τ_d − 1)/(τ_s − 1) has a heavy tail when τ_s is near 1, and then
        the standard deviation is set by a few resamples).
    intervals : numpy.ndarray, shape (5, 2)
        Central 95 % percentile intervals of the replicates.
    delta_error_independent : float
        hypot(error of γ, error of γ_pred): what the error of Δ would be if γ and γ_pred were
        independent.
    correlation : float
        Correlation of γ and γ_pred over the resamples; positive makes the joint error smaller.
    fixed_range_errors : numpy.ndarray, shape (5,)
        The same errors with the range kept at the one chosen on all the data (NaN when not
        computed), to show how much the choice of range adds.
    ranges : numpy.ndarray, shape (4,)
        x_min and x_max of sizes, x_min and x_max of durations chosen on all the data (x_max inf
        without an upper cut-off); sizes in the units of S, durations in layers.
    range_replicates : numpy.ndarray, shape (n_resamples, 4)
        The range chosen in each resample.
    replicates : numpy.ndarray, shape (n_resamples, 5)
        The quantities in each resample.
    n_avalanches, n_networks, n_resamples : int
    depth : int or None
        Durations above ``depth − 2`` are never fitted under the ``"support"`` rule.
    undetermined : str
        Why a value or an error is NaN; empty when none is.
    """

    selection: str
    range_rule: str
    values: np.ndarray
    errors: np.ndarray
    robust_errors: np.ndarray
    intervals: np.ndarray
    delta_error_independent: float
    correlation: float
    fixed_range_errors: np.ndarray
    ranges: np.ndarray
    range_replicates: np.ndarray
    replicates: np.ndarray
    n_avalanches: int
    n_networks: int
    n_resamples: int
    depth: int | None
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether every value and error was determined (see ``undetermined``)."""
        return not self.undetermined

    def value(self, quantity) -> tuple:
        """``(value, error)`` of one of :data:`QUANTITIES`."""
        k = QUANTITIES.index(_validate.choice("quantity", quantity, QUANTITIES))
        return float(self.values[k]), float(self.errors[k])

    @property
    def n_failed(self) -> int:
        """Resamples in which some quantity could not be computed."""
        return int(np.sum(~np.isfinite(self.replicates).all(axis=1))) if self.replicates.size else 0


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


def _check_pairs(sizes, durations, network):
    s = _validate.finite_array("sizes", sizes, allow_empty=True)
    d = _validate.finite_array("durations", durations, allow_empty=True)
    labels = _labels("network", network)
    if not (s.shape == d.shape == labels.shape):
        raise ValueError(f"sizes, durations and network must have the same length, got {s.size}, {d.size} and "
                         f"{labels.size}")
    if (s <= 0).any():
        raise ValueError(f"sizes must be > 0 (drop the avalanches of size 0 first), got {s.min()!r}")
    if (d < 1).any() or np.any(d != np.round(d)):
        raise ValueError("durations must be whole numbers >= 1 (layers, generations or steps), got "
                         f"{d[(d < 1) | (d != np.round(d))][0]!r}")
    return s, d, labels


def crackling_bootstrap(sizes, durations, network, *, depth=None, range_rule="support", selection="ended",
                        n_resamples=100, rng, gamma_min_count=50, discrete_sizes=False, quantile=0.8,
                        support_grid=16, fixed_range_errors=False) -> CracklingBootstrap:
    """The crackling exponents of paired sizes and durations, with the fit range re-selected per resample.

    Parameters
    ----------
    sizes, durations : array_like, shape (n,)
        Avalanche sizes S (> 0, units of the activity) and durations T (whole layers ≥ 1), already
        selected (``selection`` only labels the result; :func:`bootstrap_record` selects).
    network : array_like of int, shape (n,)
        The network of each avalanche: the unit resampled.
    depth : int, optional
        The depth L: under the ``"support"`` rule durations above L − 2 are never fitted.
    range_rule : {"support", "authors", "quantile"}
        How the range is chosen (module docstring), in the data and again in every resample.
    selection : {"ended", "all"}
        Which avalanches these are, recorded in the result.
    n_resamples : int
        Resamples of whole networks (≥ 3).
    rng : numpy.random.Generator
    gamma_min_count : int
        Fewest avalanches a duration needs in the fit of γ.
    discrete_sizes : bool
        Sizes are integers (exact models), fitted with the discrete likelihood.
    quantile : float
        x_min's quantile under the ``"quantile"`` rule.
    support_grid : int
        Candidate range ends per grid of the ``"support"`` rule (:func:`crit.analysis.stats.support_search`).
    fixed_range_errors : bool
        Also bootstrap with the range kept at the full data's choice, on the same resamples.

    Returns
    -------
    CracklingBootstrap
        NaN values and errors, with the reason, where the data do not allow them.
    """
    s, d, labels = _check_pairs(sizes, durations, network)
    range_rule = _validate.choice("range_rule", range_rule, RANGE_RULES)
    selection = _validate.choice("selection", selection, SELECTIONS)
    if depth is not None:
        depth = _validate.integer("depth", depth, minimum=3)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=3)
    rng = _validate.rng("rng", rng)
    gamma_min_count = _validate.integer("gamma_min_count", gamma_min_count, minimum=2)
    quantile = _validate.real("quantile", quantile, minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    support_grid = _validate.integer("support_grid", support_grid, minimum=3)
    if not isinstance(discrete_sizes, (bool, np.bool_)) or not isinstance(fixed_range_errors, (bool, np.bool_)):
        raise TypeError("discrete_sizes and fixed_range_errors must be True or False")
    options = {"depth": depth, "discrete_sizes": bool(discrete_sizes), "gamma_min_count": gamma_min_count,
               "quantile": quantile, "n_grid": support_grid}
    names = QUANTITIES + _RANGES
    seed = int(rng.integers(2**63))  # the same resamples for the re-selected and the fixed range
    boot = network_bootstrap(labels, lambda idx: _parts(s[idx], d[idx], range_rule, **options), names=names,
                             n_resamples=n_resamples, rng=np.random.default_rng(seed))
    values, reps = boot.estimate[:5], boot.replicates[:, :5]
    errors = np.array([_spread(reps[:, k]) for k in range(5)])
    fixed_errors = np.full(5, np.nan)
    if fixed_range_errors and range_rule != "authors":
        ranges = boot.estimate[5:]
        fixed = network_bootstrap(labels, lambda idx: _parts(s[idx], d[idx], range_rule, fixed=ranges, **options),
                                  names=names, n_resamples=n_resamples, rng=np.random.default_rng(seed))
        fixed_errors = np.array([_spread(fixed.replicates[:, k]) for k in range(5)])
    elif fixed_range_errors:
        fixed_errors = errors.copy()  # the authors' range is fixed by convention
    robust = np.diff(_percentiles(reps, [15.865, 84.135]), axis=1)[:, 0] / 2
    both = np.isfinite(reps[:, 2]) & np.isfinite(reps[:, 3])
    corr = float(np.corrcoef(reps[both, 2], reps[both, 3])[0, 1]) if both.sum() >= 3 else float("nan")
    return CracklingBootstrap(
        selection=selection, range_rule=range_rule, values=values, errors=errors, robust_errors=robust,
        intervals=_percentiles(reps, [2.5, 97.5]),
        delta_error_independent=float(math.hypot(errors[2], errors[3])), correlation=corr,
        fixed_range_errors=fixed_errors, ranges=boot.estimate[5:], range_replicates=boot.replicates[:, 5:],
        replicates=reps, n_avalanches=int(s.size), n_networks=boot.n_networks, n_resamples=n_resamples,
        depth=depth,
        undetermined=_reason(QUANTITIES, values, reps, boot.n_networks, n_resamples) if s.size else "no avalanche to fit",
    )


def bootstrap_record(rec, *, selection="ended", range_rule="support", n_resamples=100, rng, gamma_min_count=50,
                     discrete_sizes=False, quantile=0.8, support_grid=16,
                     fixed_range_errors=False) -> CracklingBootstrap:
    """:func:`crackling_bootstrap` of an avalanche record's positive-size avalanches.

    Parameters
    ----------
    rec : crit.models.avalanche_record.AvalancheRecord
        Any avalanche record with ``network`` (a simulation, or an exact model with its batches).
    selection : {"ended", "all"}
        ``"ended"``: the avalanches that ended within the depth; ``"all"``: the never-ending ones
        too, with their censored T = depth − 3 and S (the authors' convention).
    range_rule, n_resamples, rng, gamma_min_count, discrete_sizes, quantile, support_grid, fixed_range_errors
        As in :func:`crackling_bootstrap`; ``depth`` is taken from the record when it has one.
    """
    for name in ("sizes", "durations", "survived", "network"):
        if not hasattr(rec, name):
            raise TypeError(f"rec must be an avalanche record with {name}, got {type(rec).__name__}")
    selection = _validate.choice("selection", selection, SELECTIONS)
    sizes = _validate.finite_array("rec.sizes", rec.sizes, allow_empty=True)
    keep = sizes > 0
    if selection == "ended":
        keep &= ~np.asarray(rec.survived, bool)
    depth = getattr(rec, "depth", None)
    return crackling_bootstrap(sizes[keep], np.asarray(rec.durations)[keep], np.asarray(rec.network)[keep],
                               depth=depth, range_rule=range_rule, selection=selection, n_resamples=n_resamples,
                               rng=rng, gamma_min_count=gamma_min_count, discrete_sizes=discrete_sizes,
                               quantile=quantile, support_grid=support_grid, fixed_range_errors=fixed_range_errors)


def crackling_verdict(result: CracklingBootstrap, *, n_sigma=2.0, by="spread") -> verdicts.Verdict:
    """Whether Δ = γ − γ_pred is zero within its joint error (the crackling relation).

    Parameters
    ----------
    result : CracklingBootstrap
    n_sigma : float
        Errors within which Δ counts as zero (``by="spread"``).
    by : {"spread", "interval"}
        ``"spread"``: Δ against ``n_sigma`` times the spread of Δ over the resamples;
        ``"interval"``: the central 95 % percentile interval of Δ against zero (for replicates with
        heavy tails, see ``CracklingBootstrap.robust_errors``).

    Returns
    -------
    crit.analysis.verdicts.Verdict
        ``"zero"``: the relation holds within errors; ``"positive"``/``"negative"``: γ exceeds or
        falls short of (τ_d − 1)/(τ_s − 1); ``"undetermined"`` when Δ or its error is NaN.
    """
    if not isinstance(result, CracklingBootstrap):
        raise TypeError(f"result must be a CracklingBootstrap, got {type(result).__name__}")
    by = _validate.choice("by", by, ("spread", "interval"))
    what = "$\\gamma - (\\tau_d - 1)/(\\tau_s - 1)$"
    value, error = result.value("delta")
    if by == "interval":
        low, high = result.intervals[4]
        return verdicts.interval(value, float(low), float(high), what=what)
    return verdicts.sign(value, error, what=what, n_sigma=n_sigma)


# ----------------------------------------------------------------------------------------------
# the shape-collapse exponent over networks


@dataclass(frozen=True, eq=False)
class ShapeBootstrap(Record):
    """The shape-collapse exponent γ* with its spread over networks.

    Attributes
    ----------
    gamma_star : float
        The exponent that best collapses the mean traces of the ended avalanches of durations
        [dmin, dmax] (:func:`crit.analysis.stats.shape_collapse`), dimensionless.
    gamma_star_err : float
        Its spread over resamples of whole networks.
    gamma_star_err_curvature : float
        The authors' error, sqrt(1/(2a)) from the curvature of the collapse error at its minimum.
    replicates : numpy.ndarray, shape (n_resamples,)
        γ* of each resample (NaN where fewer than 2 durations keep ``min_count`` avalanches).
    n_at_edge : int
        Resamples whose minimum lies at the edge of the γ grid (their γ* is kept, but widen the grid).
    durations : numpy.ndarray
        Durations collapsed on all the data (layers).
    dmin, dmax, min_count, n_grid : int, int, int, int
    gamma_range : tuple
    gamma_step : float
    n_networks, n_resamples : int
    undetermined : str
    """

    gamma_star: float
    gamma_star_err: float
    gamma_star_err_curvature: float
    replicates: np.ndarray
    n_at_edge: int
    durations: np.ndarray
    dmin: float
    dmax: float
    min_count: int
    n_grid: int
    gamma_range: tuple
    gamma_step: float
    n_networks: int
    n_resamples: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether γ* and its error over networks were determined."""
        return not self.undetermined


def _interp_matrix(length, u):
    """(length, n_u) matrix A with trace @ A = np.interp(u, (arange(length) + 1/2)/length, trace)."""
    x = (np.arange(length) + 0.5) / length
    return np.stack([np.interp(u, x, row) for row in np.eye(length)])


def shape_bootstrap(rec, *, dmin, dmax, min_count=20, n_grid=50, gamma_range=(1.0, 3.0), gamma_step=0.01,
                    n_resamples=100, rng) -> ShapeBootstrap:
    """γ* of the ended avalanches of ``rec`` and its spread over resamples of whole networks.

    The mean trace of each duration is a sum over networks divided by a count over networks, so a
    resample of the networks reweights per-network sums; each resample is collapsed exactly as
    :func:`crit.analysis.stats.shape_collapse` collapses the data (same grid, same error), keeping
    the durations that hold ``min_count`` avalanches in that resample.

    Parameters
    ----------
    rec : crit.models.avalanche_record.AvalancheRecord
        With ``traces`` (one trace of length T per avalanche) and ``network``.
    dmin, dmax : float
        Durations collapsed (layers).
    min_count, n_grid, gamma_range, gamma_step
        As in :func:`crit.analysis.stats.shape_collapse`.
    n_resamples : int
    rng : numpy.random.Generator

    Returns
    -------
    ShapeBootstrap
        γ* is NaN, with the reason, when fewer than 2 durations hold ``min_count`` avalanches; its
        error is NaN with fewer than 3 networks or 3 resamples that collapse.
    """
    traces = getattr(rec, "traces", None)
    if not isinstance(traces, Traces):
        raise TypeError("rec must be an avalanche record with traces (simulate with record_traces=True)")
    dmin = _validate.real("dmin", dmin, minimum=0.0)
    dmax = _validate.real("dmax", dmax, minimum=dmin, strict_min=True)
    min_count = _validate.integer("min_count", min_count, minimum=1)
    n_grid = _validate.integer("n_grid", n_grid, minimum=5)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=3)
    rng = _validate.rng("rng", rng)
    g0 = _validate.real("gamma_range[0]", gamma_range[0])
    g1 = _validate.real("gamma_range[1]", gamma_range[1], minimum=g0, strict_min=True)
    step = _validate.real("gamma_step", gamma_step, minimum=0.0, strict_min=True)
    durations = _validate.finite_array("rec.durations", rec.durations, allow_empty=True)
    labels = _labels("rec.network", rec.network)
    ended = ~np.asarray(rec.survived, bool)
    collapse, why = _shape_collapse(traces.take(np.flatnonzero(ended)), durations[ended], dmin=dmin, dmax=dmax,
                                    min_count=min_count, n_grid=n_grid, gamma_range=(g0, g1), gamma_step=step)
    ids, net = np.unique(labels[ended], return_inverse=True)
    m = ids.size
    window = ended & (durations >= dmin) & (durations <= dmax)
    Ts = np.unique(durations[window])
    u = (np.arange(n_grid) + 0.5) / n_grid
    net_of = np.full(labels.size, -1)
    net_of[np.flatnonzero(ended)] = net
    sums = np.zeros((m, Ts.size, n_grid))
    counts = np.zeros((m, Ts.size))
    for j, T in enumerate(Ts):
        idx = np.flatnonzero(window & (durations == T))
        length = int(traces.lengths[idx[0]])
        if np.any(traces.lengths[idx] != length) or length < 2:
            continue  # the collapse of the data skips such durations too (or the data raised above)
        block = traces.values[traces.offsets[idx][:, None] + np.arange(length)]
        per_net = np.zeros((m, length))
        np.add.at(per_net, net_of[idx], block)
        sums[:, j] = per_net @ _interp_matrix(length, u)
        counts[:, j] = np.bincount(net_of[idx], minlength=m)
    gammas = np.arange(g0, g1 + step / 2, step)
    logT = np.log(np.maximum(Ts, 1e-300))
    per_network = np.bincount(net, minlength=m)
    reps, at_edge = [], 0
    for idx in network_resamples(labels[ended], n_resamples, rng):
        weight = np.bincount(net[idx], minlength=m) / np.maximum(per_network, 1)
        c = weight @ counts
        keep = c >= min_count
        if keep.sum() < 2:
            reps.append(np.nan)
            continue
        means = (np.tensordot(weight, sums, axes=1)[keep]) / c[keep, None]
        scaled = means[None] * np.exp(-(gammas[:, None, None] - 1.0) * logT[keep][None, :, None])
        centre = scaled.mean(axis=1, keepdims=True)
        err = np.sum((scaled - centre) ** 2, axis=(1, 2)) / np.sum(centre**2, axis=(1, 2))
        j = int(np.argmin(err))
        at_edge += int(j < 2 or j > gammas.size - 3)
        reps.append(float(gammas[j]))
    reps = np.array(reps, dtype=float)
    reasons = [f"gamma*: {why}"] if why else []
    if not why:
        few = too_few_networks(m, "the spread of gamma* over networks")
        if few:
            reasons.append(few)
        elif np.isfinite(reps).sum() < 3:
            reasons.append(f"fewer than 3 of {n_resamples} resamples of the networks collapse")
    return ShapeBootstrap(
        gamma_star=float(collapse.gamma), gamma_star_err=_spread(reps) if not reasons else float("nan"),
        gamma_star_err_curvature=float(collapse.sigma), replicates=reps, n_at_edge=at_edge,
        durations=np.asarray(collapse.durations, float), dmin=dmin, dmax=dmax, min_count=min_count, n_grid=n_grid,
        gamma_range=(g0, g1), gamma_step=step, n_networks=int(m), n_resamples=n_resamples,
        undetermined="; ".join(reasons),
    )


# ----------------------------------------------------------------------------------------------
# likelihood ratios and goodness of fit under quenched disorder


@dataclass(frozen=True, eq=False)
class NetworkLikelihoodRatio(Record):
    """A power law against an alternative, with the significance taken over networks.

    Attributes
    ----------
    alternative : str
    R : float
        Log-likelihood ratio (nats), positive when the power law fits better.
    normalized_ratio_iid, p_iid : float
        Vuong's ratio and p treating the avalanches as independent (:func:`crit.analysis.stats.compare_to`).
    normalized_ratio, p : float
        The same with the variance of R taken over networks: R over the square root of
        m/(m − 1) Σ_k (R_k − n_k R/n)², R_k the log-ratio summed over the tail avalanches of network
        k (a cluster-robust Vuong test). For the nested alternative (power law with cut-off) Wilks's
        χ²₁ is applied to 2|R|/design_effect (a first-order Rao–Scott correction).
    design_effect : float
        Variance of R over networks divided by its i.i.d. variance n s²: how many avalanches one
        independent one is worth, inverted.
    nested : bool
    n_tail, n_networks : int
    undetermined : str
    """

    alternative: str
    R: float
    normalized_ratio_iid: float
    p_iid: float
    normalized_ratio: float
    p: float
    design_effect: float
    nested: bool
    n_tail: int
    n_networks: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the comparison over networks has a ratio and a p-value."""
        return not self.undetermined


def _data_and_labels(data, network, fit):
    if not isinstance(fit, stats.PowerLawFit):
        raise TypeError(f"fit must be a PowerLawFit, got {type(fit).__name__}")
    x = _validate.finite_array("data", data)
    labels = _labels("network", network)
    if labels.shape != x.shape:
        raise ValueError(f"data and network must have the same length, got {x.size} and {labels.size}")
    return x, labels


def likelihood_ratio_over_networks(data, network, fit, alternative) -> NetworkLikelihoodRatio:
    """Likelihood-ratio test of ``fit`` against ``alternative`` whose variance is taken over networks.

    Parameters
    ----------
    data : array_like
        The data ``fit`` was fitted to (all of it).
    network : array_like of int
        The network of each data point.
    fit : crit.analysis.stats.PowerLawFit
        An untruncated fit (as :func:`crit.analysis.stats.compare_to` requires).
    alternative : str
        One of :data:`crit.analysis.stats.ALTERNATIVES`.

    Returns
    -------
    NetworkLikelihoodRatio
        Undetermined when the i.i.d. comparison is (a degenerate alternative), or with fewer than 3
        networks holding tail avalanches.
    """
    x, labels = _data_and_labels(data, network, fit)
    lr = stats.compare_to(x, fit, alternative)
    nan = float("nan")
    tail_mask = x >= fit.xmin
    tail_labels = labels[tail_mask]
    ids, inverse = np.unique(tail_labels, return_inverse=True)
    m = int(ids.size)
    base = {"alternative": lr.alternative, "R": lr.R, "normalized_ratio_iid": lr.normalized_ratio, "p_iid": lr.p,
            "nested": lr.nested, "n_tail": int(tail_mask.sum()), "n_networks": m}
    if not lr.determined:
        return NetworkLikelihoodRatio(**base, normalized_ratio=nan, p=nan, design_effect=nan,
                                      undetermined=lr.undetermined)
    few = too_few_networks(m, "a variance over networks")
    if few:
        return NetworkLikelihoodRatio(**base, normalized_ratio=nan, p=nan, design_effect=nan, undetermined=few)
    tail = x[tail_mask]
    with np.errstate(all="ignore"):
        diff = log_pdf(fit, tail) - _logpdf(lr.alternative, tuple(lr.params.values()), tail, fit.xmin, fit.discrete)
    n = tail.size
    total = float(np.sum(diff))
    per_net = np.bincount(inverse, weights=diff, minlength=m)
    n_k = np.bincount(inverse, minlength=m)
    var_net = m / (m - 1) * float(np.sum((per_net - n_k * total / n) ** 2))
    var_iid = n * float(np.var(diff))
    deff = var_net / var_iid if var_iid > 0 else nan
    R = lr.R
    if lr.nested:
        p = float(scipy_stats.chi2.sf(2 * abs(R) / deff, 1)) if deff > 0 else 1.0
        z = R / math.sqrt(var_net) if var_net > 0 else 0.0
    else:
        z = R / math.sqrt(var_net) if var_net > 0 else 0.0
        p = float(special.erfc(abs(z) / math.sqrt(2))) if var_net > 0 else 1.0
    return NetworkLikelihoodRatio(**base, normalized_ratio=float(z), p=p, design_effect=float(deff))


#: What the goodness-of-fit numbers cannot claim, stored with each result.
GOODNESS_LIMITS = (
    "p_iid is Clauset et al.'s p-value: it treats the avalanches as independent draws from one law, "
    "but those of one network share its weights, so when the design effect exceeds 1 it overstates the "
    "evidence against the power law. p_network rescales the synthetic KS distances by the square root of "
    "the design effect measured on the exponent, assuming disorder widens the KS distance by the same "
    "factor (a first-order correction, not an exact test). Both test the pooled distribution of all "
    "networks: neither says whether each network follows the same law, and a p above 0.1 only means that "
    "the power law is not rejected at these sizes."
)


@dataclass(frozen=True, eq=False)
class NetworkGoodness(Record):
    """Goodness of fit of a power law, with and without the correction for quenched disorder.

    Attributes
    ----------
    p_iid, p_iid_error : float
        Clauset et al.'s semi-parametric bootstrap p-value and its Monte-Carlo error.
    p_network : float
        The fraction of synthetic KS distances, scaled by sqrt(design_effect) (≥ 1), above the data's.
    design_effect, design_effect_iid_sigma : float, float
        (spread of the exponent over networks / its i.i.d. error)², the exponent refitted on the
        fixed range in every resample; and that i.i.d. error.
    ks : float
        The KS distance of the data.
    n_tail, n_networks, n_sets, n_resamples : int
    cannot_claim : str
        What these numbers cannot claim (:data:`GOODNESS_LIMITS`).
    undetermined : str
    """

    p_iid: float
    p_iid_error: float
    p_network: float
    design_effect: float
    design_effect_iid_sigma: float
    ks: float
    n_tail: int
    n_networks: int
    n_sets: int
    n_resamples: int
    cannot_claim: str = GOODNESS_LIMITS
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether both p-values were determined."""
        return not self.undetermined


def goodness_over_networks(data, network, fit, *, n_sets=200, n_resamples=100, rng) -> NetworkGoodness:
    """Clauset et al.'s p-value of ``fit`` and its version corrected for the design effect of disorder.

    Parameters
    ----------
    data : array_like
        The data ``fit`` was fitted to (all of it, below x_min too).
    network : array_like of int
        The network of each data point.
    fit : crit.analysis.stats.PowerLawFit
        A determined fit; its range is kept in the synthetic sets and in the resamples.
    n_sets : int
        Synthetic sets of the p-value.
    n_resamples : int
        Resamples of the networks for the design effect.
    rng : numpy.random.Generator

    Returns
    -------
    NetworkGoodness
        ``p_network`` NaN, with the reason, when the design effect is undetermined (fewer than 3
        networks).
    """
    x, labels = _data_and_labels(data, network, fit)
    if not fit.determined:
        raise ValueError(f"fit is undetermined, so there is no power law to test: {fit.undetermined}")
    n_sets = _validate.integer("n_sets", n_sets, minimum=1)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=3)
    rng = _validate.rng("rng", rng)
    pv = stats.bootstrap_pvalue(x, fit, n_sets=n_sets, rng=rng)
    xmax = fit.xmax

    def alpha(idx):
        return [stats.fit_power_law(x[idx], discrete=fit.discrete, xmin=fit.xmin, xmax=xmax).alpha]

    boot = network_bootstrap(labels, alpha, names=["alpha"], n_resamples=n_resamples, rng=rng)
    deff = float(boot.errors[0] / fit.sigma) ** 2 if fit.sigma > 0 else float("nan")
    p_network = float(np.mean(pv.ks_synthetic * math.sqrt(max(deff, 1.0)) > pv.ks)) if np.isfinite(deff) else \
        float("nan")
    return NetworkGoodness(
        p_iid=float(pv.p), p_iid_error=float(pv.p_error), p_network=p_network, design_effect=deff,
        design_effect_iid_sigma=float(fit.sigma), ks=float(pv.ks), n_tail=int(fit.n_tail),
        n_networks=int(np.unique(labels).size), n_sets=n_sets, n_resamples=n_resamples,
        undetermined="" if np.isfinite(deff) else f"design effect: {boot.undetermined or 'NaN'}",
    )

