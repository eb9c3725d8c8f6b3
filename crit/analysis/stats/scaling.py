"""Crackling-noise scaling: ⟨S⟩(T) ~ T^gamma, the crackling relation, and the shape collapse.

With P(S) ~ S^-tau, P(T) ~ T^-alpha and ⟨S⟩(T) ~ T^gamma (gamma = 1/(sigma nu z)), scaling theory
gives gamma = (alpha - 1)/(tau - 1), and the mean trace of avalanches of duration T is
⟨s(t, T)⟩ = T^(gamma - 1) F(t/T) (Sethna, Dahmen & Myers, Nature 410, 242 (2001); Friedman et al.,
PRL 108, 208102 (2012)). The three estimates of gamma are computed here the way the paper's authors
did (arXiv:2509.22649, code `stats.estimate_gamma_SD`, `plots.gamma_shape_collapse`) and, where
stated, the way the NCC toolbox does (Marshall et al., Front. Physiol. 7:250 (2016)).
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.records import Record
from crit.traces import Traces

__all__ = ["GammaFit", "CracklingCheck", "ShapeCollapse", "gamma_from_sizes", "crackling_check", "shape_collapse",
           "mean_traces"]


@dataclass(frozen=True, eq=False)
class GammaFit(Record):
    """Slope gamma of log10 ⟨S⟩ against log10 T by weighted least squares.

    Attributes
    ----------
    gamma, sigma : float
        Slope and its standard error.
    intercept : float
        log10 ⟨S⟩ at T = 1 on the fitted line.
    durations, mean_sizes, counts, weights : numpy.ndarray
        The points fitted: each duration value T kept, ⟨S | T⟩, the number of avalanches, the weight.
    weighting : str
        ``'authors'`` (count / var(log10 S)), ``'ncc'`` (count) or ``'none'``.
    """

    gamma: float
    sigma: float
    intercept: float
    durations: np.ndarray
    mean_sizes: np.ndarray
    counts: np.ndarray
    weights: np.ndarray
    weighting: str


def _paired(sizes, durations):
    s = _validate.finite_array("sizes", sizes)
    d = _validate.finite_array("durations", durations)
    if s.shape != d.shape:
        raise ValueError(f"sizes and durations must have the same length, got {s.size} and {d.size}")
    return s, d


def gamma_from_sizes(sizes, durations, *, weighting="authors", min_count=100, dmin=5, dmax=None):
    """Estimate gamma from ⟨S⟩(T) ~ T^gamma by weighted least squares in log10–log10.

    For each distinct duration T in ``[dmin, dmax]`` with at least ``min_count`` avalanches of
    positive size: ⟨S | T⟩ and var(log10 S | T) (ddof 1). Weights:

    * ``'authors'``: count / (var(log10 S) + 1e-8), non-positive variances replaced by 1e-8, error
      ``sqrt([sum w r^2 / max(W - 2, 1)] / S_xx)`` with ``W = sum w`` and ``S_xx`` the weighted
      spread of log10 T (paper-method §5.2, reproduced as written);
    * ``'ncc'``: count (NCC ``sizegivdurwls.m``; ``lscov`` error with N - 2 degrees of freedom);
    * ``'none'``: ordinary least squares.

    Parameters
    ----------
    sizes, durations : array_like
        Paired avalanche sizes S and durations T (durations take discrete values: integers, or
        time steps; group continuous durations yourself first).
    weighting : {'authors', 'ncc', 'none'}
    min_count : int
        Fewest avalanches a duration needs to enter the fit (authors: 100).
    dmin, dmax : float
        Range of durations used (authors: dmin = 5, no dmax).

    Returns
    -------
    GammaFit
    """
    s, d = _paired(sizes, durations)
    weighting = _validate.choice("weighting", weighting, ("authors", "ncc", "none"))
    min_count = _validate.integer("min_count", min_count, minimum=2)
    dmin = _validate.real("dmin", dmin)
    if dmax is not None:
        dmax = _validate.real("dmax", dmax, minimum=dmin, strict_min=True)
    keep = (s > 0) & (d >= dmin) & ((d <= dmax) if dmax is not None else True)
    s, d = s[keep], d[keep]
    values, inverse, counts = np.unique(d, return_inverse=True, return_counts=True)
    logs = np.log10(s) if s.size else s
    mean_s = np.bincount(inverse, weights=s, minlength=values.size) / np.maximum(counts, 1)
    mean_l = np.bincount(inverse, weights=logs, minlength=values.size) / np.maximum(counts, 1)
    ss = np.bincount(inverse, weights=(logs - mean_l[inverse]) ** 2, minlength=values.size)
    var_l = ss / np.maximum(counts - 1, 1)
    ok = counts >= min_count
    if ok.sum() < 3:
        raise ValueError(
            f"only {int(ok.sum())} duration value(s) in [{dmin}, {dmax}] have >= {min_count} avalanches; "
            "at least 3 are needed (lower min_count or dmin, or simulate more)"
        )
    T, M, n_T, v = values[ok], mean_s[ok], counts[ok], var_l[ok]
    x, y = np.log10(T), np.log10(M)
    if weighting == "authors":
        w = n_T / (np.where(v > 0, v, 1e-8) + 1e-8)
    elif weighting == "ncc":
        w = n_T.astype(float)
    else:
        w = np.ones(T.size)
    W = w.sum()
    xb, yb = np.sum(w * x) / W, np.sum(w * y) / W
    sxx = np.sum(w * (x - xb) ** 2)
    slope = np.sum(w * (x - xb) * (y - yb)) / sxx
    intercept = yb - slope * xb
    r = y - intercept - slope * x
    dof = max(W - 2.0, 1.0) if weighting == "authors" else T.size - 2.0
    sigma = float(np.sqrt(np.sum(w * r**2) / dof / sxx))
    return GammaFit(float(slope), sigma, float(intercept), T, M, n_T, w, weighting)


@dataclass(frozen=True, eq=False)
class CracklingCheck(Record):
    """The crackling relation gamma = (alpha - 1)/(tau - 1), checked with propagated errors.

    Attributes
    ----------
    gamma, sigma_gamma : float
        Measured gamma (from ⟨S⟩(T) or a shape collapse) and its error.
    gamma_predicted, sigma_predicted : float
        (alpha - 1)/(tau - 1) from the size exponent tau and the duration exponent alpha, with the
        first-order propagated error (independent errors assumed).
    distance : float
        abs(gamma - gamma_predicted) / sqrt(sigma_gamma^2 + sigma_predicted^2): the discrepancy in
        units of the combined error (≲ 2: consistent).
    tau, sigma_tau, alpha, sigma_alpha : float
        The inputs.
    """

    gamma: float
    sigma_gamma: float
    gamma_predicted: float
    sigma_predicted: float
    distance: float
    tau: float
    sigma_tau: float
    alpha: float
    sigma_alpha: float


def _value_error(name, obj, attr):
    if hasattr(obj, attr) and hasattr(obj, "sigma"):
        return float(getattr(obj, attr)), float(obj.sigma)
    if isinstance(obj, (tuple, list)) and len(obj) == 2 and all(isinstance(v, numbers.Real) for v in obj):
        return _validate.real(name, obj[0]), _validate.variance(f"sigma of {name}", obj[1])
    raise TypeError(f"{name} must be a fit record (with .{attr} and .sigma) or a (value, sigma) pair, got {obj!r}")


def crackling_check(size_fit, duration_fit, gamma_fit) -> CracklingCheck:
    """Compare a measured gamma with (alpha - 1)/(tau - 1).

    Parameters
    ----------
    size_fit : PowerLawFit or (tau, sigma_tau)
        Size exponent tau (> 1).
    duration_fit : PowerLawFit or (alpha, sigma_alpha)
        Duration exponent alpha.
    gamma_fit : GammaFit, ShapeCollapse or (gamma, sigma_gamma)

    Returns
    -------
    CracklingCheck
    """
    tau, s_tau = _value_error("size_fit", size_fit, "alpha")
    alpha, s_alpha = _value_error("duration_fit", duration_fit, "alpha")
    gamma, s_gamma = _value_error("gamma_fit", gamma_fit, "gamma")
    if tau <= 1:
        raise ValueError(f"the size exponent tau must be > 1 for the crackling relation, got {tau}")
    pred = (alpha - 1.0) / (tau - 1.0)
    s_pred = float(np.hypot(s_alpha / (tau - 1.0), (alpha - 1.0) * s_tau / (tau - 1.0) ** 2))
    comb = float(np.hypot(s_gamma, s_pred))
    dist = abs(gamma - pred) / comb if comb > 0 else np.inf
    return CracklingCheck(gamma, s_gamma, float(pred), s_pred, float(dist), tau, s_tau, alpha, s_alpha)


@dataclass(frozen=True, eq=False)
class ShapeCollapse(Record):
    """Collapse of mean avalanche traces ⟨s(t, T)⟩ T^-(gamma - 1) against t/T.

    Attributes
    ----------
    gamma, sigma : float
        Exponent minimising the collapse error, and sqrt(1/(2a)) from a parabola a g^2 + b g + c
        fitted to the error at the 5 grid points around the minimum (paper-method §5.3).
    gammas, errors : numpy.ndarray
        The grid searched and the normalised mean-squared error NMSE(gamma) at each point.
    durations, counts : numpy.ndarray
        Durations T whose mean traces were used and how many avalanches each averaged.
    u : numpy.ndarray
        Rescaled time t/T at which the traces were resampled (bin midpoints (i + 1/2)/n_grid).
    curves : numpy.ndarray
        Rescaled mean traces at the best gamma, shape (len(durations), len(u)), for plotting.
    mean_curve : numpy.ndarray
        Their average over durations (the scaling function F(u), up to a constant).
    at_edge : bool
        True when the minimum lies on the edge of the grid (then gamma and sigma are unreliable).
    """

    gamma: float
    sigma: float
    gammas: np.ndarray
    errors: np.ndarray
    durations: np.ndarray
    counts: np.ndarray
    u: np.ndarray
    curves: np.ndarray
    mean_curve: np.ndarray
    at_edge: bool


def mean_traces(traces, durations, *, dmin, dmax, min_count):
    """Mean trace of the avalanches of each duration in [dmin, dmax] with >= min_count of them.

    Returns (durations_used, counts, list of mean traces).
    """
    if not isinstance(traces, Traces):
        raise TypeError(f"traces must be a crit.traces.Traces record, got {type(traces).__name__}")
    d = _validate.finite_array("durations", durations)
    if d.size != len(traces):
        raise ValueError(f"durations has {d.size} entries but traces holds {len(traces)} avalanches")
    lengths = traces.lengths
    sel = (d >= dmin) & (d <= dmax)
    values, counts = np.unique(d[sel], return_counts=True)
    keep = counts >= min_count
    used, means = [], []
    for T, cnt in zip(values[keep], counts[keep]):
        idx = np.flatnonzero(d == T)
        L = lengths[idx]
        if np.any(L != L[0]) or L[0] < 2:
            raise ValueError(
                f"the {idx.size} traces of duration {T} must all have the same length >= 2, "
                f"got lengths {np.unique(L)[:5]}"
            )
        block = traces.values[traces.offsets[idx][:, None] + np.arange(L[0])]
        used.append((T, cnt))
        means.append(block.mean(axis=0))
    if len(used) < 2:
        raise ValueError(
            f"only {len(used)} duration(s) in [{dmin}, {dmax}] have >= {min_count} traces; at least 2 "
            "are needed for a collapse (widen the range or lower min_count)"
        )
    T, cnt = map(np.asarray, zip(*used))
    return T.astype(float), cnt.astype(np.int64), means


def shape_collapse(traces, durations, *, dmin, dmax, min_count=20, n_grid=50, gamma_range=(1.0, 3.0), gamma_step=0.01):
    """Find gamma that best collapses the mean avalanche traces (paper-method §5.3).

    For each duration T in ``[dmin, dmax]`` with at least ``min_count`` avalanches, the mean trace
    is resampled by linear interpolation from t = (i + 1/2)/T to u = (j + 1/2)/n_grid and scaled by
    T^-(gamma - 1); NMSE(gamma) = sum (scaled - mean over T)^2 / sum (mean over T)^2 is minimised on a
    grid of step ``gamma_step`` over ``gamma_range``.

    Parameters
    ----------
    traces : crit.traces.Traces
        One trace per avalanche.
    durations : array_like
        Duration of each avalanche (used to group traces; authors: 60 < T < 250).
    dmin, dmax : float
    min_count : int
        Authors: 20.
    n_grid : int
        Authors: 50.
    gamma_range : (float, float)
    gamma_step : float

    Returns
    -------
    ShapeCollapse
    """
    min_count = _validate.integer("min_count", min_count, minimum=1)
    n_grid = _validate.integer("n_grid", n_grid, minimum=5)
    dmin = _validate.real("dmin", dmin)
    dmax = _validate.real("dmax", dmax, minimum=dmin, strict_min=True)
    g0 = _validate.real("gamma_range[0]", gamma_range[0])
    g1 = _validate.real("gamma_range[1]", gamma_range[1], minimum=g0, strict_min=True)
    step = _validate.real("gamma_step", gamma_step, minimum=0.0, strict_min=True)
    T, counts, means = mean_traces(traces, durations, dmin=dmin, dmax=dmax, min_count=min_count)
    u = (np.arange(n_grid) + 0.5) / n_grid
    resampled = np.stack([np.interp(u, (np.arange(m.size) + 0.5) / m.size, m) for m in means])
    gammas = np.arange(g0, g1 + step / 2, step)
    logT = np.log(T)
    scaled = resampled[None, :, :] * np.exp(-(gammas[:, None, None] - 1.0) * logT[None, :, None])
    centre = scaled.mean(axis=1, keepdims=True)
    # the authors' NMSE (their plots.gamma_shape_collapse): not divided by the number of durations,
    # which matters for the curvature error sqrt(1/(2a))
    errors = np.sum((scaled - centre) ** 2, axis=(1, 2)) / np.sum(centre**2, axis=(1, 2))
    j = int(np.argmin(errors))
    at_edge = j < 2 or j > gammas.size - 3
    if at_edge:
        warnings.warn(f"collapse error is smallest at the edge of gamma_range {gamma_range}; widen it", UserWarning, stacklevel=2)
        sigma = np.nan
    else:
        a = np.polyfit(gammas[j - 2 : j + 3], errors[j - 2 : j + 3], 2)[0]
        sigma = float(np.sqrt(1.0 / (2.0 * a))) if a > 0 else np.nan
    curves = scaled[j]
    return ShapeCollapse(float(gammas[j]), sigma, gammas, errors, T, counts, u, curves, centre[j, 0], bool(at_edge))
