"""The chapter "quasi-critical scaling": crackling exponents at the critical point and along the drive.

Settings (:data:`PROFILES`) and what each profile can show (:data:`SCOPE`), the cached computation
of the page (:func:`compute`, which returns a :class:`QuasiCriticalScalingResults`), the verdicts
that every result sentence of the page glues (:func:`verdicts` and the smaller functions it collects,
built on :mod:`crit.analysis.verdicts`), the paper's claim (:func:`claim`), and the page's tables.
The verdicts live in ``_quasi_critical_scaling_verdicts`` and the figures in
``_quasi_critical_scaling_figures``; both are re-exported. The science is in
:mod:`crit.analysis.crackling` (the authors' fits and ours of one run) and
:mod:`crit.analysis.quasicritical` (the exponents along the susceptibility ridge under drive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crit.analysis import crackling, quasicritical
from crit.analysis import verdicts as vd
from crit.book import claims, tables
from crit.book.cache import cached_call
from crit.chapters._quasi_critical_scaling_figures import (
    collapse,
    distributions,
    drive_exponents,
    exponent_plane,
)
from crit.chapters._quasi_critical_scaling_verdicts import (
    _FITS,
    _row_reason,
    abbm_line,
    change,
    conventions,
    crackling_relation,
    drift,
    goodness_of_fit,
    likelihood_ratios,
    precision,
    reference_classes,
    ridge_errors,
    ridge_ratio,
    ridge_relation,
    verdicts,
)
from crit.chapters.settings import Grid, Profiles, Results, Settings
from crit.models import avalanches, theory
from crit.seeds import sub_seed

__all__ = [
    "PROFILES", "SCOPE", "QuasiCriticalScalingResults", "QuasiCriticalScalingSettings", "abbm_line", "change",
    "claim", "collapse", "comparison_table", "compute", "conventions", "crackling_relation", "distributions",
    "drift", "drive_exponents", "drive_table", "exponent_plane", "goodness_of_fit", "likelihood_ratio_table",
    "likelihood_ratios", "precision", "reference_classes", "relation_table", "ridge_errors", "ridge_ratio",
    "ridge_relation", "verdicts",
]


@dataclass(frozen=True, kw_only=True)
class QuasiCriticalScalingSettings(Settings):
    """Sizes of the quasi-critical-scaling page.

    Parameters
    ----------
    width : int
        Neurons per layer N of every simulation.
    depth : int
        Layers of every network.
    sigma_w2 : float or None
        σ_w² (weight variance times N) of the headline point at σ_b² = 0; ``None``: the
        finite-width critical point e^{ln(N/2) − ψ(N/2)} of ``width``.
    n_inputs : int
        Random inputs of the headline point.
    inputs_per_network : int
        Inputs per network of the headline point (a new network every that many).
    collapse_range : (int, int, int)
        (D_min, D_max, min_count) of the shape collapse, durations in layers.
    n_resamples : int
        Bootstrap resamples of whole networks at the headline point (half of it, at least 10,
        along the drive).
    n_sets : int
        Synthetic sets of each goodness-of-fit p-value.
    gamma_min_count : int
        Fewest avalanches a duration needs in our γ fit.
    sweep_sigma_b2 : tuple of float
        Bias variances σ_b² of the drive sweep, increasing; 0 is the finite-width critical point.
    drive_n_inputs : int
        Random inputs at each drive.
    drive_inputs_per_network : int
        Inputs per network at each drive.
    ridge_sigma_w2 : Grid
        σ_w² grid on which the ridge of χ_F is located at each drive.
    ridge_n_inputs : int
        Inputs per grid point of the ridge scans (100 per network).
    """

    width: int
    depth: int
    sigma_w2: float | None
    n_inputs: int
    inputs_per_network: int
    collapse_range: tuple[int, int, int]
    n_resamples: int
    n_sets: int
    gamma_min_count: int
    sweep_sigma_b2: tuple[float, ...]
    drive_n_inputs: int
    drive_inputs_per_network: int
    ridge_sigma_w2: Grid
    ridge_n_inputs: int


PROFILES = Profiles(
    ci=QuasiCriticalScalingSettings(
        width=100, depth=200, sigma_w2=None, n_inputs=100_000, inputs_per_network=1000,
        collapse_range=(20, 80, 20), n_resamples=50, n_sets=100, gamma_min_count=50,
        sweep_sigma_b2=(0.0, 3e-6, 1e-5, 3e-5), drive_n_inputs=20_000, drive_inputs_per_network=500,
        ridge_sigma_w2=Grid.linear(0.85, 1.25, 9), ridge_n_inputs=1000,
    ),
    # the authors' point (paper-method.md §3-4): width 500, depth 1000, sigma_w2 = 1.002, 2e6 inputs
    paper=QuasiCriticalScalingSettings(
        width=500, depth=1000, sigma_w2=1.002, n_inputs=2_000_000, inputs_per_network=1000,
        collapse_range=(60, 250, 20), n_resamples=100, n_sets=200, gamma_min_count=100,
        sweep_sigma_b2=(0.0, 1e-6, 3e-6, 1e-5, 3e-5), drive_n_inputs=200_000, drive_inputs_per_network=1000,
        ridge_sigma_w2=Grid.linear(0.9, 1.1, 21), ridge_n_inputs=10_000,
    ),
)


#: What each profile's sizes can and cannot show.
SCOPE = {
    "ci": ("One critical point at width 100 and depth 200 with $10^5$ inputs, and three drives "
           "$\\sigma_b^2 \\le 3\\cdot10^{-5}$ with $2\\cdot10^4$ inputs each: these sizes cannot give the exponents "
           "of the authors' run ($2\\cdot10^6$ inputs into width 500, depth 1000), and three driven points are the "
           "fewest a trend can be fitted through."),
    "paper": ("The authors' run (width 500, depth 1000, $\\sigma_w^2 = 1.002$, $2\\cdot10^6$ inputs) and four "
              "drives $\\sigma_b^2$ from $10^{-6}$ to $3\\cdot10^{-5}$ with $2\\cdot10^5$ inputs each; one width "
              "only, so how the exponents change with the width is left to the universality chapter."),
}


@dataclass(frozen=True, eq=False)
class QuasiCriticalScalingResults(Results):
    """Everything the page shows.

    Attributes
    ----------
    point : crit.analysis.crackling.CracklingAnalysis
        Both fits, the shape collapse and the likelihood ratios of the headline point (σ_b² = 0).
    sweep : crit.analysis.quasicritical.DriveSweep
        Exponents along the ridge against the drive.
    plane_points : dict
        ``{label: (tau_s, tau_s_err, tau_d, tau_d_err)}``: the headline point with both fits and
        every driven point with the authors' fit, for :func:`exponent_plane`.
    """

    point: crackling.CracklingAnalysis
    sweep: quasicritical.DriveSweep
    plane_points: dict


def compute(profile="ci", *, seed=0, device="auto", progress=False) -> QuasiCriticalScalingResults:
    """The page's results: the headline point and the drive sweep (cached), and the points of the exponent plane.

    Parameters
    ----------
    profile : str or QuasiCriticalScalingSettings
        A name of :data:`PROFILES` ("ci", "paper") or settings of one's own, e.g.
        ``dataclasses.replace(PROFILES["ci"], n_inputs=20_000)``.
    seed : int
        The notebook's ``SEED``.
    device : str or torch.device
        "auto", "cpu" or "cuda"; not part of the cache key.
    progress : bool
        Show progress bars.
    """
    s = PROFILES.resolve(profile)
    dev = avalanches.resolve_device(device)
    sigma_w2 = s.sigma_w2 if s.sigma_w2 is not None else float(theory.finite_width_critical_sigma_w2(s.width))
    point = cached_call(
        crackling.CracklingAnalysis, crackling.simulate_and_analyse, width=s.width, depth=s.depth,
        sigma_w2=sigma_w2, sigma_b2=0.0, n_inputs=s.n_inputs, inputs_per_network=s.inputs_per_network,
        collapse_range=s.collapse_range, n_resamples=s.n_resamples, n_sets=s.n_sets, gamma_min_count=s.gamma_min_count,
        seed=sub_seed(seed, "point"), device=dev, progress=progress)
    sweep = cached_call(
        quasicritical.DriveSweep, quasicritical.drive_sweep, sigma_b2=s.sweep_sigma_b2, width=s.width, depth=s.depth,
        n_inputs=s.drive_n_inputs, inputs_per_network=s.drive_inputs_per_network,
        ridge_sigma_w2=s.ridge_sigma_w2.values(), ridge_n_inputs=s.ridge_n_inputs, seed=sub_seed(seed, "drive sweep"),
        n_resamples=max(10, s.n_resamples // 2), device=dev, progress=progress)
    return QuasiCriticalScalingResults(settings=s, seed=seed, point=point, sweep=sweep,
                                       plane_points=_plane_points(point, sweep))


def _plane_points(point, sweep) -> dict:
    """(τ_s, its error, τ_d, its error) of the headline point (both fits) and of every driven point (authors')."""
    a, o = point.authors, point.ours
    points = {
        "critical point, authors' fit": (a.tau_s, a.tau_s_err, a.tau_d, a.tau_d_err),
        "critical point, our fit": (o.tau_s, o.tau_s_err, o.tau_d, o.tau_d_err),
    }
    for k in range(1, sweep.sigma_b2.size):
        points[f"ridge σ_b²={sweep.sigma_b2[k]:g}, authors' fit"] = tuple(float(v) for v in sweep.authors[k, :2].ravel())
    return points


# ----------------------------------------------------------------------------------------------- claim


def claim(results: QuasiCriticalScalingResults) -> claims.Claim:
    """Claim 2 at the critical point: the crackling relation with our fits and with the authors'.

    "reproduced" when γ agrees with γ_pred within 2 combined errors with both fitting choices,
    "partly reproduced" with one of them, "not reproduced" with neither, "undetermined" when either
    comparison cannot be made (a NaN exponent or error).
    """
    ours, authors = crackling_relation(results.point.ours, "ours"), crackling_relation(results.point.authors, "authors")
    agree = [v.outcome == "agrees" for v in (ours, authors)]
    if ours.undetermined or authors.undetermined:
        verdict = "undetermined"
    else:
        verdict = ("not reproduced", "partly reproduced", "reproduced")[sum(agree)]
    p = results.point
    reason = (f"at the critical point ($\\sigma_w^2$ = {p.sigma_w2:.4f}, $\\sigma_b^2$ = 0, width {p.width}, "
              f"{p.n_inputs:,d} inputs): {ours}; {authors}")
    key = "; ".join(f"{label}: $\\gamma$ = {vd.fmt(e.gamma, e.gamma_err)}, $\\gamma_{{pred}}$ = "
                    f"{vd.fmt(e.gamma_pred, e.gamma_pred_err)}"
                    for label, e in (("ours", p.ours), ("authors'", p.authors)))
    s = results.settings
    own = s.profile in PROFILES and PROFILES[s.profile] != s
    return claims.Claim(
        number=2, claim="at the critical point avalanches obey the crackling relation $\\gamma = "
        "(\\tau_d-1)/(\\tau_s-1)$ (approximately, in the quasi-critical regime under drive)",
        verdict=verdict, reason=reason, key=key, profile=f"{s.profile} (settings of one's own)" if own else s.profile,
        chapter="quasi_critical_scaling")


# ---------------------------------------------------------------------------------------------- tables


def _cell(value, error=None, digits=3, reason=""):
    """``value ± error``, or an :class:`~crit.book.tables.Undetermined` cell with ``reason`` when the value is NaN."""
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return tables.Undetermined(reason or "the data gave no number")
    return tables.fmt(value, error, digits)


def comparison_table(results: QuasiCriticalScalingResults) -> str:
    """The authors' fits and ours of the headline point side by side (and the authors' published
    numbers in the paper profile), as Markdown; numbers the data could not give are undetermined cells."""
    analysis = results.point
    with_published = results.settings.profile == "paper"
    a, o, c = analysis.authors, analysis.ours, analysis.collapse
    fmt = tables.fmt

    def pair(e, name):
        return _cell(getattr(e, name), getattr(e, name + "_err"), 3, e.undetermined)

    def p_value(e, p):
        why = "no synthetic sets were drawn (n_sets = 0)" if results.settings.n_sets == 0 else e.undetermined
        n_sets = results.settings.n_sets
        return f"< {1 / n_sets:.2g}" if p == 0 and n_sets > 0 else _cell(p, digits=2, reason=why)

    collapse_why = getattr(c, "undetermined", "") or "no duration has enough avalanches"
    rows = [
        ["$\\tau_s$", pair(a, "tau_s"), pair(o, "tau_s")],
        ["$\\tau_d$", pair(a, "tau_d"), pair(o, "tau_d")],
        ["$\\gamma$ from $\\langle S\\rangle(T)$", pair(a, "gamma"), pair(o, "gamma")],
        ["$\\gamma_{pred} = (\\tau_d-1)/(\\tau_s-1)$", pair(a, "gamma_pred"), pair(o, "gamma_pred")],
        ["$|\\gamma-\\gamma_{pred}|$ / error", _cell(a.distance, digits=1, reason=a.undetermined),
         _cell(o.distance, digits=1, reason=o.undetermined)],
        ["$\\gamma^*$ (shape collapse)", _cell(c.gamma, c.sigma, 2, collapse_why), _cell(c.gamma, c.sigma, 2, collapse_why)],
        ["size range $[S_{min}, S_{max}]$", f"[{a.xmin_s:g}, ∞)", f"[{o.xmin_s:.3g}, {o.xmax_s:.3g}]"],
        ["duration range $[T_{min}, T_{max}]$", f"[{a.xmin_d:g}, ∞)", f"[{o.xmin_d:g}, {o.xmax_d:g}]"],
        ["never-ending avalanches", "kept", "dropped"],
        ["GoF p-value, sizes", "not tested", p_value(o, o.p_s)],
        ["GoF p-value, durations", "not tested", p_value(o, o.p_d)],
    ]
    headers = ["", "authors' choices", "our choices"]
    if with_published:
        pub = crackling.AUTHORS_NOTEBOOK
        extra = [fmt(*pub["tau_s"], 4), fmt(*pub["tau_d"], 4), fmt(pub["gamma"][0], digits=4),
                 fmt(pub["gamma_pred"][0], digits=3), "not given", fmt(*pub["gamma_star"], 2), "[0.5, ∞)", "[5, ∞)",
                 "kept", "not tested", "not tested"]
        rows = [r + [e] for r, e in zip(rows, extra)]
        headers.append("authors' notebook")
    return tables.markdown(headers, rows)


def likelihood_ratio_table(results: QuasiCriticalScalingResults) -> str:
    """Vuong's normalised ratio R and its p-value of our power-law fits against each alternative, as Markdown."""
    point = results.point
    why = point.undetermined or "the likelihood ratio could not be computed"
    return tables.markdown(
        ["alternative", "sizes: $R$", "sizes: p", "durations: $R$", "durations: p"],
        [[alt, _cell(s[0], digits=2, reason=why), _cell(s[1], digits=3, reason=why), _cell(d[0], digits=2, reason=why),
          _cell(d[1], digits=3, reason=why)]
         for alt, s, d in zip(point.alternatives, point.lr_sizes, point.lr_durations)],
    )


def drive_table(results: QuasiCriticalScalingResults) -> str:
    """Ridge point, surviving fraction and both sets of exponents at every drive, as Markdown."""
    sweep, rows = results.sweep, []
    for k, b2 in enumerate(sweep.sigma_b2):
        why = _row_reason(results, k)
        a_k, o_k = sweep.authors[k], sweep.ours[k]
        rows.append([f"{b2:g}", _cell(sweep.sigma_w2[k], sweep.sigma_w2_err[k], 3, why),
                     _cell(sweep.surviving_fraction[k], digits=3, reason=why)]
                    + [_cell(*a_k[j], 3, why) for j in range(4)] + [_cell(*o_k[j], 3, why) for j in range(4)])
    return tables.markdown(
        ["$\\sigma_b^2$", "$\\sigma_w^2$", "$\\rho$", "$\\tau_s$ (a)", "$\\tau_d$ (a)", "$\\gamma$ (a)",
         "$\\gamma_{pred}$ (a)", "$\\tau_s$ (o)", "$\\tau_d$ (o)", "$\\gamma$ (o)", "$\\gamma_{pred}$ (o)"], rows)


def relation_table(results: QuasiCriticalScalingResults) -> str:
    """|γ − γ_pred| in combined errors and the verdict (within 2 of them or not) at every drive, both
    fits, as Markdown."""
    found = {fits: ridge_relation(results, fits) for fits in _FITS}
    rows = []
    for k, b2 in enumerate(results.sweep.sigma_b2):
        row = [f"{b2:g}"]
        for fits in _FITS:
            v = found[fits][k]
            row += ([tables.Undetermined(v.undetermined)] * 2 if v.undetermined
                    else [f"{v.z:.1f}", "within 2" if v.outcome == "agrees" else "beyond 2"])
        rows.append(row)
    return tables.markdown(["$\\sigma_b^2$", "authors': $|\\gamma-\\gamma_{pred}|$ / error", "authors'",
                            "ours: $|\\gamma-\\gamma_{pred}|$ / error", "ours"], rows)
