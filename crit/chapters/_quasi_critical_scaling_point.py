"""The measurement of the critical point of the chapter "quasi-critical scaling" (one cached call).

:func:`critical_point` simulates one point with its traces and measures everything the page says
about it (:class:`CriticalPoint`): the authors' fits and the plotting data
(:func:`crit.analysis.crackling.analyse`), the crackling bootstrap of both selections with the fit
range re-selected in every resample and the fixed-range errors beside it
(:mod:`crit.analysis.bootstrap`), the same bootstrap under the authors' fixed ranges, γ* with its
spread over networks (:func:`crit.analysis.shapes.shape_bootstrap`), and the goodness of fit and the
likelihood ratios with the design effect of quenched disorder (:mod:`crit.analysis.design_effect`).

It takes the keywords of :func:`crit.analysis.drive.measure_point` (and a few of its own), so that
the page's critical point is also the undriven point at σ_c(N) of its sweeps: its ``exponents`` is
the :class:`~crit.analysis.drive.PointExponents` that ``measure_point`` would give there. It lives
apart from the chapter module so that its cache key follows the science only (not the page's tables
and figures).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit.analysis import bootstrap, crackling, design_effect, drive, shapes, stats
from crit.models import avalanches as av
from crit.records import Record
from crit.seeds import sub_seed

__all__ = ["AUTHORS_GAMMA_MIN_COUNT", "LR_FIELDS", "CriticalPoint", "critical_point"]

#: Fewest avalanches a duration needs in the authors' fit of γ (their notebook's choice, as
#: :func:`crit.analysis.crackling.fit_both`).
AUTHORS_GAMMA_MIN_COUNT = 100
#: The numbers of each likelihood ratio in :attr:`CriticalPoint.lr`, in order.
LR_FIELDS = ("R", "normalized_ratio_iid", "p_iid", "normalized_ratio", "p", "design_effect")


@dataclass(frozen=True, eq=False)
class CriticalPoint(Record):
    """Everything measured at the critical point.

    Attributes
    ----------
    analysis : crit.analysis.crackling.CracklingAnalysis
        The authors' fits (never-ending avalanches kept, their fixed ranges, errors over networks
        and their i.i.d. formula), the binned distributions, ⟨S⟩(T) and the shape collapse.
    exponents : crit.analysis.drive.PointExponents
        Our fits (the ``"support"`` rule), ended avalanches and the never-ending ones included, the
        range re-selected in every resample; ``fixed_range_errors`` of each holds the errors with the
        range kept.
    authors_convention : crit.analysis.bootstrap.CracklingBootstrap
        The never-ending avalanches included and the authors' fixed ranges (γ over the durations with
        at least :data:`AUTHORS_GAMMA_MIN_COUNT` avalanches): Δ = γ − γ_pred with its joint error
        under their convention.
    shape : crit.analysis.shapes.ShapeBootstrap
        γ* with its spread over networks and the authors' curvature error.
    goodness_sizes, goodness_durations : crit.analysis.design_effect.NetworkGoodness
        Of our truncated fits of the ended avalanches, on the range chosen on all the data.
    lr : numpy.ndarray, shape (2, n_alternatives, 6)
        Sizes then durations; per alternative the :data:`LR_FIELDS` of
        :func:`crit.analysis.design_effect.likelihood_ratio_over_networks` (an untruncated power law
        at our x_min against each alternative; NaN where undetermined).
    alternatives : tuple of str
    lr_undetermined : tuple of str
        Why each ratio (sizes first) is undetermined; "" where it is not.
    """

    analysis: crackling.CracklingAnalysis
    exponents: drive.PointExponents
    authors_convention: bootstrap.CracklingBootstrap
    shape: shapes.ShapeBootstrap
    goodness_sizes: design_effect.NetworkGoodness
    goodness_durations: design_effect.NetworkGoodness
    lr: np.ndarray
    alternatives: tuple
    lr_undetermined: tuple


def _no_goodness(reason, n_networks, n_sets, n_resamples) -> design_effect.NetworkGoodness:
    nan = float("nan")
    return design_effect.NetworkGoodness(p_iid=nan, p_iid_error=nan, p_network=nan, design_effect=nan,
                                         design_effect_iid_sigma=nan, ks=nan, n_tail=0, n_networks=n_networks,
                                         n_sets=n_sets, n_resamples=n_resamples, undetermined=reason)


def _fit(data, low, high, discrete):
    """A power law on [low, high] (untruncated when ``high`` is None or inf), or (None, reason)."""
    if data.size == 0 or not (np.isfinite(low) and low > 0):
        return None, "no fit range was chosen on the data"
    try:
        fit = stats.fit_power_law(data, discrete=discrete, xmin=low,
                                  xmax=None if high is None or not np.isfinite(high) else high)
    except ValueError as exc:
        return None, str(exc)
    return (fit, "") if fit.determined else (None, fit.undetermined)


def _goodness(data, network, low, high, discrete, *, n_sets, n_resamples, rng):
    fit, why = _fit(data, low, high, discrete)
    m = int(np.unique(network).size)
    if fit is None or n_sets == 0:
        return _no_goodness(why or "no synthetic sets were drawn (n_sets = 0)", m, n_sets, n_resamples)
    try:
        return design_effect.goodness_over_networks(data, network, fit, n_sets=n_sets, n_resamples=n_resamples,
                                                    rng=rng)
    except ValueError as exc:
        return _no_goodness(str(exc), m, n_sets, n_resamples)


def _ratios(data, network, low, discrete):
    out = np.full((len(stats.ALTERNATIVES), len(LR_FIELDS)), np.nan)
    fit, why = _fit(data, low, None, discrete)
    reasons = [why] * len(stats.ALTERNATIVES)
    if fit is None:
        return out, reasons
    for k, alt in enumerate(stats.ALTERNATIVES):
        try:
            r = design_effect.likelihood_ratio_over_networks(data, network, fit, alt)
        except ValueError as exc:
            reasons[k] = str(exc)
            continue
        out[k] = [getattr(r, name) for name in LR_FIELDS]
        reasons[k] = r.undetermined
    return out, reasons


def critical_point(*, width, depth, sigma_w2, h=0.0, q0=0.1, n_inputs, inputs_per_network, seed, collapse_range,
                   range_rule="support", n_resamples=50, gamma_min_count=10, support_grid=16, n_sets=100, device=None,
                   progress=False) -> CriticalPoint:
    """Simulate one point with its traces and measure everything the page shows of it (:class:`CriticalPoint`).

    Parameters
    ----------
    width, depth, sigma_w2, h, q0, n_inputs, inputs_per_network, seed, range_rule, n_resamples, gamma_min_count,
    support_grid, device, progress
        As in :func:`crit.analysis.drive.measure_point` (``exponents`` is what it would give).
    collapse_range : (int, int, int)
        (D_min, D_max, min_count) of the shape collapse, durations in layers.
    n_sets : int
        Synthetic sets of each goodness-of-fit p-value (0: none).
    """
    sigma_b2 = drive.drive_to_sigma_b2(h, width, q0)
    rec = av.simulate(width, depth, sigma_w2, sigma_b2, n_inputs=n_inputs, q0=q0,
                      inputs_per_network=inputs_per_network, record_traces=True, seed=seed, device=device,
                      progress=progress)
    exponents = drive.exponents_of(rec, rng=np.random.default_rng(sub_seed(seed, "network bootstrap")),
                                   range_rule=range_rule, n_resamples=n_resamples, gamma_min_count=gamma_min_count,
                                   support_grid=support_grid, fixed_range_errors=True)
    ended = exponents.ended
    rest = np.random.default_rng(sub_seed(seed, "critical point"))
    authors = bootstrap.bootstrap_record(rec, selection="all", range_rule="authors", n_resamples=n_resamples, rng=rest,
                                         gamma_min_count=AUTHORS_GAMMA_MIN_COUNT)
    analysis = crackling.analyse(rec, collapse_range=collapse_range, rng=rest, n_resamples=n_resamples, n_sets=0,
                                 gamma_min_count=gamma_min_count, likelihood_ratios=False)
    dmin, dmax, min_count = collapse_range
    shape = shapes.shape_bootstrap(rec, dmin=dmin, dmax=dmax, min_count=min_count, gamma_range=(1.0, 2.6),
                                   n_resamples=n_resamples, rng=rest)
    keep = (rec.sizes > 0) & ~rec.survived
    s, d, net = rec.sizes[keep], rec.durations[keep].astype(float), rec.network[keep]
    xs, hs, xd, hd = ended.ranges
    goodness = {"n_sets": n_sets, "n_resamples": n_resamples, "rng": rest}
    lr_s, why_s = _ratios(s, net, xs, False)
    lr_d, why_d = _ratios(d, net, xd, True)
    return CriticalPoint(
        analysis=analysis, exponents=exponents, authors_convention=authors, shape=shape,
        goodness_sizes=_goodness(s, net, xs, hs, False, **goodness),
        goodness_durations=_goodness(d, net, xd, hd, True, **goodness),
        lr=np.stack([lr_s, lr_d]), alternatives=tuple(stats.ALTERNATIVES), lr_undetermined=tuple(why_s + why_d))
