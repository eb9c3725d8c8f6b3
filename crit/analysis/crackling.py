r"""Crackling-noise analysis of network avalanches: the authors' fits and ours, side by side.

Given one simulation (:class:`crit.models.avalanches.Avalanches`) this module measures the size exponent
τ_s (P(S) ~ S^{−τ_s}), the duration exponent τ_d (P(T) ~ T^{−τ_d}), γ (⟨S⟩(T) ~ T^γ), the
crackling prediction γ_pred = (τ_d − 1)/(τ_s − 1) and the shape-collapse γ*, two ways:

``authors``
    The choices of the authors' notebook (`paper-method.md` §5): S continuous with x_min = 0.5,
    T discrete with x_min = 5, no upper cut-off, never-ending avalanches kept, the closed-form
    estimators of ``powerlaw`` 1.x (continuous α = 1 + n/Σ ln(x/x_min); discrete
    α = 1 + n/Σ ln(x/(x_min − ½)); σ = (α − 1)/√n), γ by their weighted least squares.
``ours``
    Never-ending avalanches dropped; truncated power laws on the widest plausible support
    [x_min, x_max] (:func:`crit.analysis.stats.support_search`, in the manner of the NCC toolbox — a plain
    minimum-KS x_min settles in the finite-size cut-off), durations never above the longest one
    that can end within the depth (depth − 2); goodness of fit by the semi-parametric bootstrap on
    that support; likelihood ratios against the alternatives; γ by least squares weighted by
    counts (NCC toolbox) over the duration support.

Every exponent carries two errors: the i.i.d. formula and the spread over a bootstrap of whole
networks. Quenched disorder makes the second one the honest one (`paper-method.md` §7), and it is
the one used in the crackling-relation distances.

Data that do not allow a fit (nothing recorded, no avalanche ended, too few avalanches in a window,
fewer than 3 networks for the errors) give NaN numbers and the reason in the ``undetermined`` field
of :class:`ExponentSet` and :class:`CracklingAnalysis`; only bad input (wrong types, NaN or negative
sizes, a record without traces) raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import stats
from crit.analysis.resampling import network_resamples, too_few_networks
from crit.analysis.shapes import _placeholder, _shape_collapse
from crit.analysis.stats.binning import BinnedPDF
from crit.analysis.stats.scaling import GammaFit, ShapeCollapse
from crit.models.avalanches import Avalanches, simulate
from crit.records import Record

__all__ = [
    "AUTHORS_NOTEBOOK",
    "CracklingAnalysis",
    "ExponentSet",
    "analyse",
    "authors_exponent",
    "fit_both",
    "simulate_and_analyse",
]


@dataclass(frozen=True, eq=False)
class ExponentSet(Record):
    """One set of fitting choices applied to one simulation.

    Exponent fields come with ``*_err`` (bootstrap over networks) and ``*_err_iid`` (the i.i.d.
    formula). ``distance`` is abs(γ − γ_pred) in units of their combined network error; ``p_s`` and
    ``p_d`` are goodness-of-fit p-values (NaN where not computed). ``undetermined`` says why numbers
    are NaN because of the data (empty when every computed number was determined).
    """

    choices: str
    tau_s: float
    tau_s_err: float
    tau_s_err_iid: float
    xmin_s: float
    xmax_s: float
    n_s: int
    tau_d: float
    tau_d_err: float
    tau_d_err_iid: float
    xmin_d: float
    xmax_d: float
    n_d: int
    gamma: float
    gamma_err: float
    gamma_err_iid: float
    gamma_pred: float
    gamma_pred_err: float
    distance: float
    p_s: float
    p_d: float
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the data gave every exponent and error (see ``undetermined`` for why not)."""
        return not self.undetermined


@dataclass(frozen=True, eq=False)
class CracklingAnalysis(Record):
    """Both fits of one simulation, the shape collapse, likelihood ratios and plotting data.

    Parts the data do not allow are NaN (exponents, likelihood ratios) or records of their type
    with nothing in them (the bins of a PDF; a shape collapse with NaN γ and no curves), and
    ``undetermined`` lists why, part by part (empty when everything was determined).
    """

    authors: ExponentSet
    ours: ExponentSet
    collapse: ShapeCollapse
    gamma_fit: GammaFit
    pdf_sizes: BinnedPDF
    pdf_durations: BinnedPDF
    alternatives: tuple
    lr_sizes: np.ndarray  # (n_alternatives, 2): normalised ratio, p
    lr_durations: np.ndarray
    width: int
    depth: int
    sigma_w2: float
    sigma_b2: float
    n_inputs: int
    n_recorded: int
    n_networks: int
    surviving_fraction: float
    seed: int
    device: str
    wall_time_s: float
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether every part was determined (see ``undetermined`` for what was not, and why)."""
        return not self.undetermined


def authors_exponent(data, xmin, *, discrete):
    """The closed-form estimators of ``powerlaw`` 1.x that the authors' notebook used.

    Parameters
    ----------
    data : array_like
        Finite, non-negative values (may be empty).
    xmin : float
        Smallest value fitted (> 0.5 when ``discrete``).
    discrete : bool

    Returns
    -------
    (alpha, sigma, n) : tuple
        α = 1 + n/Σ ln(x/x_min) (continuous) or 1 + n/Σ ln(x/(x_min − ½)) (discrete, Clauset et
        al. 2009 eq. 3.7), σ = (α − 1)/√n, and n, the number of points with x ≥ x_min. α and σ are
        NaN when the data give no exponent: fewer than 2 points at or above x_min (see n), or all of
        them equal.
    """
    x = _validate.finite_array("data", data, allow_empty=True)
    xmin = _validate.real("xmin", xmin, minimum=0.0, strict_min=True)
    if (x < 0).any():
        raise ValueError(f"data must be >= 0 (avalanche sizes or durations), got {x.min()!r}")
    shift = xmin - 0.5 if discrete else xmin
    if shift <= 0:
        raise ValueError(f"the discrete approximation needs xmin > 0.5, got {xmin}")
    tail = x[x >= xmin]
    if tail.size < 2 or np.ptp(tail) == 0:
        return float("nan"), float("nan"), int(tail.size)
    alpha = 1.0 + tail.size / np.sum(np.log(tail / shift))
    return float(alpha), float((alpha - 1.0) / math.sqrt(tail.size)), int(tail.size)


def _authors_reason(name, fit, xmin):
    if not np.isnan(fit[0]):
        return ""
    if fit[2] < 2:
        return f"{name}: {fit[2]} value(s) >= xmin={xmin:g}, at least 2 are needed"
    return f"{name}: all {fit[2]} values >= xmin={xmin:g} are equal"


def _empty_gamma_fit(weighting, reason):
    empty = np.zeros(0)
    return _placeholder(GammaFit, reason, gamma=float("nan"), sigma=float("nan"), intercept=float("nan"),
                        durations=empty, mean_sizes=empty, counts=np.zeros(0, np.int64), weights=empty,
                        weighting=weighting)


def _attempt(fn, *args, **kwargs):
    """``(fn(*args, **kwargs), "")``, or ``(None, reason)`` when the data do not allow it (the
    :mod:`crit.analysis.stats` functions raise ValueError, or return a record marked undetermined)."""
    try:
        out = fn(*args, **kwargs)
    except ValueError as exc:
        return None, str(exc)
    reason = getattr(out, "undetermined", "")
    return (None, reason) if reason else (out, "")


def _gamma_fit(s, d, **kwargs):
    """``stats.gamma_from_sizes(s, d, **kwargs)`` and "", or None and why the data give no γ."""
    g, reason = _attempt(stats.gamma_from_sizes, s, d, **kwargs) if s.size else (None, "no avalanche to fit")
    if g is not None and not np.isfinite(g.gamma):
        g, reason = None, "the fitted slope is NaN"
    return g, (f"gamma: {reason}" if reason else "")


def _bootstrap(fit, network, n_resamples, rng):
    """``fit(idx)`` on ``n_resamples`` resamples of whole networks; a resample that cannot be fitted
    (too few avalanches of some kind) gives NaNs and is left out of the spread."""
    out = []
    for idx in network_resamples(network, n_resamples, rng):
        try:
            out.append(fit(idx))
        except ValueError:
            out.append((np.nan, np.nan, np.nan))
    return np.array(out, dtype=float).reshape(-1, 3)


def _spread(values):
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    return float(values.std(ddof=1)) if values.size > 2 else float("nan")


def _error_reason(errs, network, values):
    """Why the network-bootstrap errors of determined ``values`` are NaN ("" when they are not)."""
    if not any(np.isnan(e) and np.isfinite(v) for e, v in zip(errs, values)):
        return ""
    n = np.unique(network).size
    return "errors: " + (too_few_networks(n, "a bootstrap over networks")
                         or "fewer than 3 resamples of the networks could be fitted")


def _prediction(tau_s, tau_d, err_s, err_d):
    pred = (tau_d - 1.0) / (tau_s - 1.0)
    err = math.hypot(err_d / (tau_s - 1.0), (tau_d - 1.0) * err_s / (tau_s - 1.0) ** 2)
    return pred, err


def _distance(gamma, pred, err_gamma, err_pred):
    combined = math.hypot(err_gamma, err_pred)
    if math.isnan(combined) or math.isnan(gamma - pred):
        return float("nan")
    return abs(gamma - pred) / combined if combined > 0 else float("inf")


def _authors_set(s, d, network, n_resamples, rng, xmin_s=0.5, xmin_d=5, min_count=100):
    def fit(idx):
        ts = authors_exponent(s[idx], xmin_s, discrete=False)
        td = authors_exponent(d[idx], xmin_d, discrete=True)
        keep = idx[(d[idx] >= xmin_d) & (s[idx] >= xmin_s)]  # their coupled_filter(Dmin=5, Smin=0.5)
        return ts, td, keep

    def exponents(idx):
        ts, td, keep = fit(idx)
        if np.isnan(ts[0]) or np.isnan(td[0]):  # a resample without an exponent counts as not fitted at all
            raise ValueError("no exponent")
        g = stats.gamma_from_sizes(s[keep], d[keep], weighting="authors", min_count=min_count, dmin=xmin_d)
        return ts[0], td[0], g.gamma

    ts, td, keep = fit(np.arange(s.size))
    g, g_reason = _gamma_fit(s[keep], d[keep], weighting="authors", min_count=min_count, dmin=xmin_d)
    gamma, gamma_iid = (g.gamma, g.sigma) if g is not None else (float("nan"), float("nan"))
    boot = _bootstrap(exponents, network, n_resamples, rng)
    errs = [_spread(boot[:, k]) for k in range(3)]
    pred, pred_err = _prediction(ts[0], td[0], errs[0], errs[1])
    reasons = [_authors_reason("tau_s", ts, xmin_s), _authors_reason("tau_d", td, xmin_d), g_reason,
               _error_reason(errs, network, (ts[0], td[0], gamma))]
    return ExponentSet(
        "authors", ts[0], errs[0], ts[1], xmin_s, float("inf"), ts[2], td[0], errs[1], td[1], float(xmin_d), float("nan"),
        td[2], gamma, errs[2], gamma_iid, pred, pred_err, _distance(gamma, pred, errs[2], pred_err),
        float("nan"), float("nan"), "; ".join(r for r in reasons if r),
    ), (g if g is not None else _empty_gamma_fit("authors", g_reason))


def _our_set(s, d, network, depth, n_resamples, n_sets, rng, gamma_min_count):
    nan = float("nan")
    if s.size:
        fit_s, why_s = _attempt(stats.support_search, s, discrete=False)
        fit_d, why_d = _attempt(stats.support_search, d, discrete=True, xmax_limit=depth - 2)  # longest T that can end
    else:
        fit_s = fit_d = None
        why_s = why_d = "no avalanche ended within the depth"
    reasons = [f"tau_s: {why_s}" if why_s else "", f"tau_d: {why_d}" if why_d else ""]
    g = None
    if fit_d is not None:
        g_range = {"weighting": "ncc", "min_count": gamma_min_count, "dmin": fit_d.xmin, "dmax": fit_d.xmax}
        g, g_reason = _gamma_fit(s, d, **g_range)
        reasons.append(g_reason)
    else:
        reasons.append("gamma: no duration window (tau_d undetermined)")

    def refit(idx):  # NaN for a part the full data did not give
        a = stats.fit_power_law(s[idx], discrete=False, xmin=fit_s.xmin, xmax=fit_s.xmax).alpha if fit_s else nan
        b = stats.fit_power_law(d[idx], discrete=True, xmin=fit_d.xmin, xmax=fit_d.xmax).alpha if fit_d else nan
        return a, b, stats.gamma_from_sizes(s[idx], d[idx], **g_range).gamma if g else nan

    def summary(fit):
        return (fit.alpha, fit.sigma, fit.xmin, fit.xmax, fit.n_tail) if fit else (nan, nan, nan, nan, 0)

    alpha_s, sigma_s, xmin_s, xmax_s, n_s = summary(fit_s)
    alpha_d, sigma_d, xmin_d, xmax_d, n_d = summary(fit_d)
    gamma, gamma_iid = (g.gamma, g.sigma) if g else (nan, nan)
    boot = _bootstrap(refit, network, n_resamples, rng) if fit_s or fit_d else np.zeros((0, 3))
    errs = [_spread(boot[:, k]) for k in range(3)]
    reasons.append(_error_reason(errs, network, (alpha_s, alpha_d, gamma)))
    pred, pred_err = _prediction(alpha_s, alpha_d, errs[0], errs[1])
    p_s = p_d = nan
    if n_sets:
        p_s = stats.bootstrap_pvalue(s, fit_s, n_sets=n_sets, rng=rng).p if fit_s else nan
        p_d = stats.bootstrap_pvalue(d, fit_d, n_sets=n_sets, rng=rng).p if fit_d else nan
    ours = ExponentSet(
        "ours", alpha_s, errs[0], sigma_s, xmin_s, xmax_s, n_s, alpha_d, errs[1], sigma_d, xmin_d, xmax_d, n_d,
        gamma, errs[2], gamma_iid, pred, pred_err, _distance(gamma, pred, errs[2], pred_err), p_s, p_d,
        "; ".join(r for r in reasons if r),
    )
    return ours, (fit_s, fit_d), g


def _check_record(rec):
    for name in ("sizes", "durations"):
        values = _validate.finite_array(name, getattr(rec, name), allow_empty=True)
        if (values < 0).any():
            raise ValueError(f"rec.{name} must be >= 0, got {values.min()!r}")
    if np.any(np.asarray(rec.durations) != np.round(rec.durations)):
        raise ValueError("rec.durations must be whole numbers of layers")
    n = np.asarray(rec.sizes).size
    if not (np.shape(rec.durations) == np.shape(rec.survived) == np.shape(rec.network) == (n,)):
        raise ValueError("rec.sizes, durations, survived and network must have the same length")


def fit_both(rec: Avalanches, *, rng, n_resamples=100, n_sets=0, gamma_min_count=50, authors_min_count=100):
    """The authors' and our exponent sets of one simulation (see the module docstring).

    ``gamma_min_count`` and ``authors_min_count`` are the fewest avalanches a duration needs in our
    and in the authors' γ fit (theirs: 100, for 10⁶ avalanches; lower it for small runs).

    Returns
    -------
    (authors, authors_gamma_fit, ours, (size_fit, duration_fit))
        Each :class:`ExponentSet` NaN where the data do not allow a number, with the reason in its
        ``undetermined``; the authors' γ fit then has NaN γ and no points, and a fit of ours that
        the data do not allow is None.
    """
    _check_record(rec)
    positive = rec.sizes > 0
    authors, gamma_fit = _authors_set(rec.sizes[positive], rec.durations[positive], rec.network[positive],
                                      n_resamples, rng, min_count=authors_min_count)
    ended = positive & ~rec.survived
    ours, fits, _ = _our_set(rec.sizes[ended], rec.durations[ended], rec.network[ended], rec.depth,
                             n_resamples, n_sets, rng, gamma_min_count)
    return authors, gamma_fit, ours, fits


def analyse(
    rec: Avalanches,
    *,
    collapse_range,
    rng,
    n_resamples=100,
    n_sets=100,
    gamma_min_count=50,
    likelihood_ratios=True,
    wall_time_s=0.0,
) -> CracklingAnalysis:
    """Fit one simulation both ways and collect what the chapter plots.

    Parameters
    ----------
    rec : Avalanches
        A simulation with ``record_traces=True`` (for the shape collapse).
    collapse_range : (int, int, int)
        (D_min, D_max, min_count) of the shape collapse (authors: 60, 250, 20).
    rng : numpy.random.Generator
        Drives the network bootstrap and the goodness-of-fit bootstrap.
    n_resamples : int
        Bootstrap resamples of whole networks for the errors.
    n_sets : int
        Synthetic sets of each goodness-of-fit p-value (0: skip).
    gamma_min_count : int
        Fewest avalanches a duration needs in our γ fit.
    likelihood_ratios : bool
        Compare our power-law fits with every alternative in :data:`crit.analysis.stats.ALTERNATIVES`
        (for durations, with an untruncated power law at the same x_min, as the alternatives are
        untruncated too).
    """
    if not isinstance(rec, Avalanches):
        raise TypeError(f"rec must be a crit.models.avalanches.Avalanches record, got {type(rec).__name__}")
    rng = _validate.rng("rng", rng)
    if rec.traces is None:
        raise ValueError("rec has no traces: simulate with record_traces=True for the shape collapse")
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=3)
    n_sets = _validate.integer("n_sets", n_sets, minimum=0)
    dmin, dmax, min_count = collapse_range
    authors, gamma_fit, ours, (fit_s, fit_d) = fit_both(rec, rng=rng, n_resamples=n_resamples, n_sets=n_sets,
                                                         gamma_min_count=gamma_min_count)
    positive = rec.sizes > 0
    s_all = rec.sizes[positive]
    ended = positive & ~rec.survived
    s, d = rec.sizes[ended], rec.durations[ended]
    collapse, why_collapse = _shape_collapse(rec.traces, rec.durations, dmin=dmin, dmax=dmax, min_count=min_count,
                                             gamma_range=(1.0, 2.6), gamma_step=0.01)
    alternatives = stats.ALTERNATIVES if likelihood_ratios else ()

    def ratios(data, fit):
        out = np.full((len(alternatives), 2), np.nan)
        if fit is None:
            return out, "no power-law fit to compare" if alternatives else ""
        if fit.xmax is not None:  # the alternatives are untruncated: compare like with like
            fit, reason = _attempt(stats.fit_power_law, data, discrete=fit.discrete, xmin=fit.xmin)
            if fit is None:
                return out, reason
        failed = []
        for k, alt in enumerate(alternatives):
            r, reason = _attempt(stats.compare_to, data, fit, alt)
            if r is None:
                failed.append(f"{alt}: {reason}")
            else:
                out[k] = r.normalized_ratio, r.p
        return out, "; ".join(failed)

    def pdf(data, discrete, min_count):
        if not data.size:
            got, reason = None, "nothing to bin"
        else:
            got, reason = _attempt(stats.equal_count_pdf, data, discrete=discrete, min_count=min_count)
        if got is None:
            empty = np.zeros(0)
            got = _placeholder(BinnedPDF, reason, centers=empty, density=empty, counts=empty, edges=empty,
                               discrete=discrete)
        return got, reason

    n = rec.sizes.size
    pdf_sizes, why_ps = pdf(s_all, False, max(30, n // 300))
    pdf_durations, why_pd = pdf(rec.durations[rec.durations > 0], True, max(30, n // 250))
    lr_sizes, why_ls = ratios(s, fit_s)
    lr_durations, why_ld = ratios(d, fit_d)
    parts = {"authors' fit": authors.undetermined, "our fit": ours.undetermined, "shape collapse": why_collapse,
             "P(S) bins": why_ps, "P(T) bins": why_pd, "likelihood ratios of sizes": why_ls,
             "likelihood ratios of durations": why_ld}
    return CracklingAnalysis(
        authors=authors, ours=ours, collapse=collapse, gamma_fit=gamma_fit, pdf_sizes=pdf_sizes,
        pdf_durations=pdf_durations, alternatives=tuple(alternatives), lr_sizes=lr_sizes, lr_durations=lr_durations,
        width=rec.width, depth=rec.depth, sigma_w2=rec.sigma_w2, sigma_b2=rec.sigma_b2, n_inputs=rec.n_inputs,
        n_recorded=rec.n_recorded, n_networks=rec.n_networks, surviving_fraction=rec.surviving_fraction,
        seed=rec.seed, device=rec.device, wall_time_s=wall_time_s + rec.wall_time_s,
        undetermined=" | ".join(f"{k}: {v}" for k, v in parts.items() if v),
    )


def simulate_and_analyse(*, width, depth, sigma_w2, sigma_b2=0.0, n_inputs, inputs_per_network, collapse_range,
                         n_resamples=100, n_sets=100, gamma_min_count=50, seed=0, device=None,
                         progress=False) -> CracklingAnalysis:
    """Simulate one point with its traces and :func:`analyse` it: the whole measurement of one run.

    Parameters
    ----------
    width, depth : int
        Neurons per layer N and number of layers.
    sigma_w2, sigma_b2 : float
        Weight variance times N, and bias variance.
    n_inputs, inputs_per_network : int
        Random inputs in all, and inputs per network (a new network every that many).
    collapse_range, n_resamples, n_sets, gamma_min_count
        As in :func:`analyse`.
    seed : int
        Seed of the simulation and of the bootstraps (``numpy.random.default_rng(seed)``).
    device, progress
        As in :func:`crit.models.avalanches.simulate`.
    """
    seed = _validate.integer("seed", seed, minimum=0)
    rec = simulate(width, depth, sigma_w2, sigma_b2, n_inputs=n_inputs, inputs_per_network=inputs_per_network,
                   record_traces=True, seed=seed, device=device, progress=progress)
    return analyse(rec, collapse_range=collapse_range, rng=np.random.default_rng(seed), n_resamples=n_resamples,
                   n_sets=n_sets, gamma_min_count=gamma_min_count)


#: The authors' published fit of their headline run (width 500, depth 1000, σ_w² = 1.002, σ_b² = 0,
#: 2·10⁶ inputs): their notebook's cells 3 and 5 (github ArshamCS/DNN_criticality, commit 4982bc4;
#: paper-method.md §4). Errors are their i.i.d. formulas.
AUTHORS_NOTEBOOK = {
    "tau_s": (1.3050, 0.0004),
    "tau_d": (1.5094, 0.0008),
    "gamma": (1.5848, 0.0),
    "gamma_pred": (1.66997, float("nan")),
    "gamma_star": (1.6100, 0.1296),
    "n_recorded": 1_002_587,
}
