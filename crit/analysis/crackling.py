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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import stats
from crit.analysis.resampling import network_resamples
from crit.analysis.stats.binning import BinnedPDF
from crit.analysis.stats.scaling import GammaFit, ShapeCollapse
from crit.models.avalanches import Avalanches, simulate
from crit.records import Record

__all__ = [
    "ExponentSet", "CracklingAnalysis", "authors_exponent", "fit_both", "analyse", "simulate_and_analyse",
    "AUTHORS_NOTEBOOK",
]


@dataclass(frozen=True, eq=False)
class ExponentSet(Record):
    """One set of fitting choices applied to one simulation.

    Exponent fields come with ``*_err`` (bootstrap over networks) and ``*_err_iid`` (the i.i.d.
    formula). ``distance`` is abs(γ − γ_pred) in units of their combined network error; ``p_s`` and
    ``p_d`` are goodness-of-fit p-values (NaN where not computed).
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


@dataclass(frozen=True, eq=False)
class CracklingAnalysis(Record):
    """Both fits of one simulation, the shape collapse, likelihood ratios and plotting data."""

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


def authors_exponent(data, xmin, *, discrete):
    """The closed-form estimators of ``powerlaw`` 1.x that the authors' notebook used.

    Returns
    -------
    (alpha, sigma, n) : tuple
        α = 1 + n/Σ ln(x/x_min) (continuous) or 1 + n/Σ ln(x/(x_min − ½)) (discrete, Clauset et
        al. 2009 eq. 3.7), σ = (α − 1)/√n, and n, the number of points with x ≥ x_min.
    """
    x = _validate.finite_array("data", data)
    xmin = _validate.real("xmin", xmin, minimum=0.0, strict_min=True)
    tail = x[x >= xmin]
    if tail.size < 2:
        raise ValueError(f"only {tail.size} value(s) >= xmin={xmin}; at least 2 are needed")
    shift = xmin - 0.5 if discrete else xmin
    if shift <= 0:
        raise ValueError(f"the discrete approximation needs xmin > 0.5, got {xmin}")
    alpha = 1.0 + tail.size / np.sum(np.log(tail / shift))
    return float(alpha), float((alpha - 1.0) / math.sqrt(tail.size)), int(tail.size)


def _bootstrap(fit, network, n_resamples, rng):
    """``fit(idx)`` on ``n_resamples`` resamples of whole networks; a resample that cannot be fitted
    (too few avalanches of some kind) gives NaNs and is left out of the spread."""
    out = []
    for idx in network_resamples(network, n_resamples, rng):
        try:
            out.append(fit(idx))
        except ValueError:
            out.append((np.nan, np.nan, np.nan))
    return np.array(out, dtype=float)


def _spread(values):
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    return float(values.std(ddof=1)) if values.size > 2 else float("nan")


def _prediction(tau_s, tau_d, err_s, err_d):
    pred = (tau_d - 1.0) / (tau_s - 1.0)
    err = math.hypot(err_d / (tau_s - 1.0), (tau_d - 1.0) * err_s / (tau_s - 1.0) ** 2)
    return pred, err


def _authors_set(s, d, network, n_resamples, rng, xmin_s=0.5, xmin_d=5, min_count=100):
    def fit(idx):
        ts = authors_exponent(s[idx], xmin_s, discrete=False)
        td = authors_exponent(d[idx], xmin_d, discrete=True)
        keep = idx[(d[idx] >= xmin_d) & (s[idx] >= xmin_s)]  # their coupled_filter(Dmin=5, Smin=0.5)
        g = stats.gamma_from_sizes(s[keep], d[keep], weighting="authors", min_count=min_count, dmin=xmin_d)
        return ts, td, g

    def exponents(idx):
        ts, td, g = fit(idx)
        return ts[0], td[0], g.gamma

    ts, td, g = fit(np.arange(s.size))
    boot = _bootstrap(exponents, network, n_resamples, rng)
    errs = [_spread(boot[:, k]) for k in range(3)]
    pred, pred_err = _prediction(ts[0], td[0], errs[0], errs[1])
    return ExponentSet(
        "authors", ts[0], errs[0], ts[1], xmin_s, float("inf"), ts[2], td[0], errs[1], td[1], float(xmin_d), float("nan"),
        td[2], g.gamma, errs[2], g.sigma, pred, pred_err, abs(g.gamma - pred) / math.hypot(errs[2], pred_err),
        float("nan"), float("nan"),
    ), g


def _our_set(s, d, network, depth, n_resamples, n_sets, rng, gamma_min_count):
    fit_s = stats.support_search(s, discrete=False)
    fit_d = stats.support_search(d, discrete=True, xmax_limit=depth - 2)  # longest T that can end
    g_range = dict(weighting="ncc", min_count=gamma_min_count, dmin=fit_d.xmin, dmax=fit_d.xmax)
    g = stats.gamma_from_sizes(s, d, **g_range)

    def refit(idx):
        a = stats.fit_power_law(s[idx], discrete=False, xmin=fit_s.xmin, xmax=fit_s.xmax).alpha
        b = stats.fit_power_law(d[idx], discrete=True, xmin=fit_d.xmin, xmax=fit_d.xmax).alpha
        return a, b, stats.gamma_from_sizes(s[idx], d[idx], **g_range).gamma

    boot = _bootstrap(refit, network, n_resamples, rng)
    errs = [_spread(boot[:, k]) for k in range(3)]
    pred, pred_err = _prediction(fit_s.alpha, fit_d.alpha, errs[0], errs[1])
    p_s = p_d = float("nan")
    if n_sets:
        p_s = stats.bootstrap_pvalue(s, fit_s, n_sets=n_sets, rng=rng).p
        p_d = stats.bootstrap_pvalue(d, fit_d, n_sets=n_sets, rng=rng).p
    distance = abs(g.gamma - pred) / math.hypot(errs[2], pred_err)
    ours = ExponentSet(
        "ours", fit_s.alpha, errs[0], fit_s.sigma, fit_s.xmin, fit_s.xmax, fit_s.n_tail, fit_d.alpha, errs[1], fit_d.sigma,
        fit_d.xmin, fit_d.xmax, fit_d.n_tail, g.gamma, errs[2], g.sigma, pred, pred_err, distance, p_s, p_d,
    )
    return ours, (fit_s, fit_d), g


def fit_both(rec: Avalanches, *, rng, n_resamples=100, n_sets=0, gamma_min_count=50, authors_min_count=100):
    """The authors' and our exponent sets of one simulation (see the module docstring).

    ``gamma_min_count`` and ``authors_min_count`` are the fewest avalanches a duration needs in our
    and in the authors' γ fit (theirs: 100, for 10⁶ avalanches; lower it for small runs).

    Returns
    -------
    (authors, authors_gamma_fit, ours, (size_fit, duration_fit))
    """
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
    collapse = stats.shape_collapse(rec.traces, rec.durations, dmin=dmin, dmax=dmax, min_count=min_count,
                                    gamma_range=(1.0, 2.6), gamma_step=0.01)
    alternatives = stats.ALTERNATIVES if likelihood_ratios else ()

    def ratios(data, fit):
        if fit.xmax is not None:  # the alternatives are untruncated: compare like with like
            fit = stats.fit_power_law(data, discrete=fit.discrete, xmin=fit.xmin)
        rows = [stats.compare_to(data, fit, alt) for alt in alternatives]
        return np.array([[r.normalized_ratio, r.p] for r in rows]).reshape(-1, 2)

    n = rec.sizes.size
    return CracklingAnalysis(
        authors=authors, ours=ours, collapse=collapse, gamma_fit=gamma_fit,
        pdf_sizes=stats.equal_count_pdf(s_all, discrete=False, min_count=max(30, n // 300)),
        pdf_durations=stats.equal_count_pdf(rec.durations[rec.durations > 0], discrete=True,
                                            min_count=max(30, n // 250)),
        alternatives=tuple(alternatives), lr_sizes=ratios(s, fit_s), lr_durations=ratios(d, fit_d),
        width=rec.width, depth=rec.depth, sigma_w2=rec.sigma_w2, sigma_b2=rec.sigma_b2, n_inputs=rec.n_inputs,
        n_recorded=rec.n_recorded, n_networks=rec.n_networks, surviving_fraction=rec.surviving_fraction,
        seed=rec.seed, device=rec.device, wall_time_s=wall_time_s + rec.wall_time_s,
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
