"""Verdicts of the chapter "quasi-critical scaling" (:mod:`crit.chapters.quasi_critical_scaling` re-exports them).

Each function turns numbers of the chapter's
:class:`~crit.chapters.quasi_critical_scaling.QuasiCriticalScalingResults` and their errors over
networks into the Markdown sentence the page glues (:mod:`crit.analysis.verdicts`, and the verdicts of
:mod:`crit.analysis.bootstrap`, :mod:`crit.analysis.drive_lines` and
:mod:`crit.analysis.threshold_and_disorder`); a comparison the numbers cannot make is undetermined,
with the reason, and never raises. :func:`verdicts` collects every sentence of the page under the
glue name the notebook gives it.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import numpy as np

from crit.analysis import bootstrap, crackling, drive_lines, threshold_and_disorder
from crit.analysis import verdicts as vd
from crit.analysis.verdicts import Verdict
from crit.chapters._quasi_critical_scaling_point import LR_FIELDS

if TYPE_CHECKING:
    from crit.chapters.quasi_critical_scaling import QuasiCriticalScalingResults

__all__ = [
    "AUTHORS_SIZES", "RESOLUTION", "abbm_line", "crackling_test", "crackling_tests", "separation_verdicts", "verdicts",
]

#: The sizes of the authors' released run, the label of their numbers wherever the page shows them.
AUTHORS_SIZES = "width 500, depth 1000, $2\\cdot10^6$ inputs, $q_0$ = 0.1"
#: Largest error of Δ = γ − γ_pred at which the crackling test decides: a quarter of the gap 1/2
#: between the γ of the absorbed free Brownian motion (3/2) and of mean-field directed percolation (2),
#: so that the interval of ± 2 errors (width 4 errors) is narrower than that gap.
RESOLUTION = 0.125
_NAN = float("nan")
_SYMBOL = {"tau_s": "$\\tau_s$", "tau_d": "$\\tau_d$", "gamma": "$\\gamma$", "gamma_pred": "$\\gamma_{pred}$",
           "delta": "$\\Delta$"}
_SELECTION = {"ended": "ended avalanches", "all": "never-ending avalanches included"}
_ALTERNATIVE = {"power_law_cutoff": "a power law with exponential cut-off", "stretched_exponential": "a stretched "
                "exponential", "lognormal": "a lognormal", "exponential": "an exponential"}


def _undetermined(reason, value=_NAN, error=_NAN) -> Verdict:
    return Verdict("undetermined", f"undetermined: {reason}", float(value), float(error), _NAN, reason)


def _compare(value, error, reference, reference_error=0.0, *, what, reference_name) -> Verdict:
    """:func:`crit.analysis.verdicts.compare`, undetermined (not raising) for a NaN reference."""
    value, error, reference, reference_error = (float(x) for x in (value, error, reference, reference_error))
    if math.isnan(reference):
        return _undetermined(f"{reference_name} could not be measured (NaN)", value, error)
    return vd.compare(value, error, reference, reference_error, what=what, reference_name=reference_name)


def _labelled(label, v: Verdict) -> Verdict:
    return Verdict(v.outcome, f"{label}: {v.text}", v.value, v.error, v.z, v.undetermined)


def _join(items) -> str:
    return "; ".join(str(v) for v in items)


# ------------------------------------------------------------------------------------------ the critical point


def crackling_test(result: bootstrap.CracklingBootstrap, label: str, *, resolution=RESOLUTION) -> Verdict:
    """Δ = γ − γ_pred of one crackling bootstrap against 0 within 2 errors of the crackling test,
    undetermined when that error exceeds ``resolution`` (the test could not tell the classes apart)
    or a number is NaN.

    The error is ``CracklingBootstrap.delta_test_error``: the spread over the resamples of the
    networks of the residual D = γ(τ_s − 1) − (τ_d − 1), over τ_s − 1, so that Δ over it is D over
    its error. Δ's own spread is set by the few resamples with τ_s near 1 (γ_pred divides by
    τ_s − 1), and half the central 68 % of Δ, used before, came out too small on some seeds. Measured
    at the CI point over 400 seeds of the networks, 50 resamples each, on an AMD EPYC
    (``benchmarks/crackling_test_calibration.py``): the scatter of D over the seeds was 0.93 of the
    root mean square of its error (90 %: 0.79 to 1.06), and D more than 2 errors from 0 at 14 of the 400 seeds; half
    the central 68 % of Δ put Δ there at 51. The methods page gives the details.

    Parameters
    ----------
    result : crit.analysis.bootstrap.CracklingBootstrap
    label : str
        Names the convention in the sentence (Markdown).
    resolution : float
        Largest error at which the test decides (default :data:`RESOLUTION`).
    """
    tau_s = float(result.values[0])
    v = bootstrap.crackling_verdict(result, n_sigma=2.0)
    if v.undetermined:
        why = v.undetermined
        if np.isfinite(tau_s) and tau_s <= 1.0:
            why = f"$\\tau_s$ = {tau_s:.3g} is not above 1, so $\\gamma_{{pred}}$ has no meaning"
        elif result.undetermined:
            why = f"{why} ({result.undetermined})"
        v = _undetermined(why, v.value, v.error)
    elif v.outcome == "zero" and v.error > resolution:
        v = _undetermined(f"$\\Delta$ = {vd.fmt(v.value, v.error)}: its error is above {resolution:g}, so its "
                          "interval of ± 2 errors is wider than the gap 1/2 between $\\gamma$ = 3/2 and 2 and the "
                          "test cannot decide", v.value, v.error)
    return _labelled(label, v)


def crackling_tests(results: QuasiCriticalScalingResults) -> dict[str, Verdict]:
    """The crackling test at the critical point in each convention: ``"ours"`` (ended avalanches,
    our ranges), ``"all"`` (never-ending included, our ranges), ``"authors"`` (never-ending included,
    the authors' fixed ranges)."""
    p = results.point
    return {"ours": crackling_test(p.exponents.ended, "with ended avalanches and our ranges"),
            "all": crackling_test(p.exponents.with_never_ending, "with the never-ending avalanches included and "
                                  "our ranges"),
            "authors": crackling_test(p.authors_convention, "in the authors' convention (never-ending avalanches "
                                      "included, their fixed ranges)")}


def joint_error(result: bootstrap.CracklingBootstrap) -> str:
    """The spread of Δ over the resamples (its joint error) beside the error it would have if γ and
    γ_pred were independent, and the error of the crackling test (Markdown)."""
    joint, independent, r = result.errors[4], result.delta_error_independent, result.correlation
    name = _SELECTION[result.selection]
    if not (np.isfinite(joint) and np.isfinite(independent)):
        return f"with {name}, the joint error of $\\Delta$ is undetermined ({result.undetermined or 'NaN'})"
    test = result.delta_test_error
    test_text = (f"{test:.3g}" if np.isfinite(test) else "undetermined ($\\tau_s$ not above 1, or NaN)")
    return (f"with {name}, the spread of $\\Delta$ over the resamples (its joint error) is {joint:.3g}, against "
            f"{independent:.3g} if $\\gamma$ and $\\gamma_{{pred}}$ were independent (their correlation over the "
            f"resamples: {r:.2f}); the error of the crackling test, from the residual, is {test_text}")


def range_errors(result: bootstrap.CracklingBootstrap) -> str:
    """The errors with the fit range re-selected in every resample over those with the range kept (Markdown)."""
    parts = []
    for k, q in enumerate(("tau_s", "tau_d", "gamma")):
        a, b = result.errors[k], result.fixed_range_errors[k]
        if np.isfinite(a) and np.isfinite(b) and b > 0:
            parts.append(f"{_SYMBOL[q]} {a:.3g} against {b:.3g} ({a / b:.2g}×)")
        else:
            parts.append(f"{_SYMBOL[q]} undetermined (no error: see the notes of the table)")
    return (f"with {_SELECTION[result.selection]}, errors with the range re-selected against the range kept: "
            + ", ".join(parts))


def precision(results: QuasiCriticalScalingResults) -> Verdict:
    """The network-bootstrap error of the authors' τ_s over the i.i.d. formula they quote, against 1
    (the ratio's error that of a standard deviation from B resamples, ratio/√(2(B − 1)))."""
    a, b = results.point.analysis.authors, results.point_profile.n_resamples
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(np.float64(a.tau_s_err) / np.float64(a.tau_s_err_iid))
    ratio = ratio if math.isfinite(ratio) else _NAN
    error = ratio / math.sqrt(2 * (b - 1)) if b > 1 and math.isfinite(ratio) else _NAN
    v = _compare(ratio, error, 1.0, what="the network-bootstrap error of the authors' $\\tau_s$ over the i.i.d. "
                 "formula they quote", reference_name="counting alone")
    if v.outcome == "differs":
        tail = ("quenched disorder, more than counting, sets the precision" if ratio > 1
                else "the i.i.d. formula overstates the spread over networks")
        return Verdict(v.outcome, f"{v.text}: {tail}", v.value, v.error, v.z)
    return v


def gamma_star(results: QuasiCriticalScalingResults) -> str:
    """γ* with its spread over networks (and the curvature error beside it), against γ and γ_pred of our
    fits of the ended avalanches (Markdown)."""
    sh, e = results.point.shape, results.point.exponents.ended
    if not np.isfinite(sh.gamma_star):
        return f"$\\gamma^*$ undetermined: {sh.undetermined or 'no duration has enough avalanches'}"
    head = (f"$\\gamma^*$ = {vd.fmt(sh.gamma_star, sh.gamma_star_err)} (spread over networks; the curvature of the "
            f"collapse gives ± {sh.gamma_star_err_curvature:.2g})")
    if sh.n_at_edge:
        head += f", with {sh.n_at_edge} of {sh.n_resamples} resamples at the edge of the grid of $\\gamma$"
    checks = [_compare(sh.gamma_star, sh.gamma_star_err, *e.value(q), what="$\\gamma^*$",
                       reference_name=f"{_SYMBOL[q]} (ended avalanches)") for q in ("gamma", "gamma_pred")]
    return head + "; " + _join(checks)


def conventions(results: QuasiCriticalScalingResults) -> str:
    """τ_s, τ_d and γ of our fits of the ended avalanches against the authors' convention, and against
    ours with the never-ending avalanches included (combined errors; Markdown)."""
    p = results.point
    out = []
    for other, name in ((p.authors_convention, "the authors' convention"),
                        (p.exponents.with_never_ending, "ours with the never-ending avalanches included")):
        out += [_compare(*p.exponents.ended.value(q), *other.value(q), what=f"{_SYMBOL[q]} (ended, ours)",
                         reference_name=f"{_SYMBOL[q]} in {name}") for q in ("tau_s", "tau_d", "gamma")]
    return _join(out)


def authors_notebook(results: QuasiCriticalScalingResults) -> str:
    """τ_s, τ_d and γ of this run in the authors' convention against their notebook's numbers (Markdown)."""
    p, s = results.point, results.point_profile
    pub = crackling.AUTHORS_NOTEBOOK
    head = (f"this run (width {s.width}, depth {s.depth}, {s.n_inputs:,d} inputs) in the authors' convention "
            f"against their notebook ({AUTHORS_SIZES})")
    found = []
    for q in ("tau_s", "tau_d", "gamma"):
        value, error = pub[q]
        found.append(_compare(*p.authors_convention.value(q), value, error, what=_SYMBOL[q],
                              reference_name="their notebook's value"))
    return f"{head}: " + _join(found)


def goodness(results: QuasiCriticalScalingResults, level=0.1) -> dict[str, str]:
    """What the goodness-of-fit test of our fits of the ended avalanches says, without and with the
    design effect of quenched disorder (p < ``level`` counts against a pure power law on the range).
    Keys ``"sizes"``, ``"durations"``; Markdown."""
    out = {}
    for key, g in (("sizes", results.point.goodness_sizes), ("durations", results.point.goodness_durations)):
        if not (np.isfinite(g.p_iid) and np.isfinite(g.p_network)):
            out[key] = f"{key}: undetermined: {g.undetermined or 'p is NaN'}"
            continue
        p_text = functools.partial(_p_text, n_sets=g.n_sets)
        verdict = ("rejects" if g.p_network < level else "does not reject")
        out[key] = (f"{key}: {p_text(g.p_iid)} treating the avalanches as independent, {p_text(g.p_network)} with "
                    f"the design effect {g.design_effect:.2g} of the networks ({g.n_sets} synthetic sets), so the "
                    f"corrected test {verdict} a pure power law on our range at p < {level:g}")
    return out


def _p_text(p, n_sets):
    return f"p < {1 / n_sets:.2g}" if p == 0 else f"p = {p:.2f}"


def likelihood_ratios(results: QuasiCriticalScalingResults, level=0.1) -> dict[str, str]:
    """Which model the likelihood ratio over networks favours, the power law or each alternative, at
    p < ``level``. Keys ``"sizes"``, ``"durations"``; Markdown."""
    point, out = results.point, {}
    k_ratio, k_p = LR_FIELDS.index("normalized_ratio"), LR_FIELDS.index("p")
    for row, key in enumerate(("sizes", "durations")):
        groups = {"power law": [], "alternative": [], "neither": [], "undetermined": []}
        for j, alt in enumerate(point.alternatives):
            r, p = point.lr[row, j, k_ratio], point.lr[row, j, k_p]
            name = f"{_ALTERNATIVE.get(alt, alt)} (ratio {r:.1f}, p = {p:.2g})"
            if math.isnan(r) or math.isnan(p):
                groups["undetermined"].append(_ALTERNATIVE.get(alt, alt))
            elif p >= level:
                groups["neither"].append(name)
            else:
                groups["power law" if r > 0 else "alternative"].append(name)
        parts = []
        if groups["power law"]:
            parts.append("the power law is favoured over " + ", ".join(groups["power law"]))
        if groups["alternative"]:
            verb = " is" if len(groups["alternative"]) == 1 else " are"
            parts.append(", ".join(groups["alternative"]) + verb + " favoured over the power law")
        if groups["neither"]:
            parts.append(f"no model favoured at p < {level:g} against " + ", ".join(groups["neither"]))
        if groups["undetermined"]:
            n = len(point.alternatives)
            why = "; ".join(sorted({w for w in point.lr_undetermined[row * n:(row + 1) * n] if w})) or "NaN"
            parts.append("undetermined against " + ", ".join(groups["undetermined"]) + f" ({why})")
        out[key] = f"{key}: " + ("; ".join(parts) if parts else "undetermined: no alternative was compared")
    return out


def reference_classes(results: QuasiCriticalScalingResults) -> dict[str, Verdict]:
    """The critical point against the absorbed free Brownian motion (τ_s = 4/3, τ_d = γ = 3/2) and
    mean-field directed percolation (τ_d = 2), ours (ended) and the authors' convention.

    Keys ``"<exponent>_<class>_<convention>"`` with convention ``ours`` or ``authors``.
    """
    p = results.point
    out = {}
    for key, fit, label in (("ours", p.exponents.ended, "ended, ours"), ("authors", p.authors_convention,
                                                                          "authors' convention")):
        ts, td, g = fit.value("tau_s"), fit.value("tau_d"), fit.value("gamma")
        out[f"tau_s_brownian_{key}"] = _compare(*ts, 4 / 3, what=f"$\\tau_s$ ({label})",
                                                reference_name="the free-Brownian 4/3")
        out[f"tau_d_brownian_{key}"] = _compare(*td, 1.5, what=f"$\\tau_d$ ({label})",
                                                reference_name="the free-Brownian 3/2")
        out[f"tau_d_mfdp_{key}"] = _compare(*td, 2.0, what=f"$\\tau_d$ ({label})",
                                            reference_name="the mean-field DP value 2")
        out[f"gamma_brownian_{key}"] = vd.sign(g[0] - 1.5, g[1], what=f"$\\gamma - 3/2$ ({label})")
    return out


# ------------------------------------------------------------------------------------------------- the drive


def line_verdicts(results: QuasiCriticalScalingResults) -> dict[str, str | Verdict]:
    """The quasi-critical line: its start σ_w²(0) against σ_c(N), its trend against h, and how many
    peaks reached the target error 0.2/N. Keys ``"start"``, ``"trend"``, ``"target"``."""
    h = np.asarray(results.separation.drives, float)
    peak = np.array([r.peak for r in results.line])
    err = np.array([r.peak_err for r in results.line])
    start = _compare(peak[0], err[0], results.sigma_c, what="the peak of $\\bar S_{end}$ at $h$ = 0",
                     reference_name="$\\sigma_c(N)$")
    if h.size >= 3:
        trend = vd.trend(h, peak, err, what="the quasi-critical line $\\sigma_w^2(h)$", against="the drive $h$")
    elif h.size == 2:
        trend = _compare(peak[1], err[1], peak[0], err[0], what=f"$\\sigma_w^2(h = {h[1]:g})$",
                         reference_name="$\\sigma_w^2(0)$")
    else:
        trend = _undetermined("one drive only")
    n = len(results.line)
    reached = sum(r.reached for r in results.line)
    target = (f"{reached} of the {n} peaks reached the target error $0.2/N$ = {0.2 / results.settings.width:.2g} "
              f"(errors from {np.nanmin(err):.2g} to {np.nanmax(err):.2g})" if np.isfinite(err).any() else
              f"none of the {n} peaks has an error over networks")
    notes = [f"$h$ = {x:g}: {w}" for x, w, y in zip(h, results.line_notes, peak, strict=True)
             if w and not np.isfinite(y)]
    if notes:
        target += "; " + "; ".join(notes)
    return {"start": start, "trend": trend, "target": target}


def separation_verdicts(results: QuasiCriticalScalingResults, selection="ended") -> dict[str, drive_lines.DriveVerdict]:
    """:func:`crit.analysis.drive_lines.drive_verdict` of τ_s, τ_d and γ for one selection (not of
    γ_pred = (τ_d − 1)/(τ_s − 1): a ratio with a heavy tail when τ_s is near 1, whose spread over
    resamples is then set by a few of them)."""
    return {q: drive_lines.drive_verdict(results.separation, q, selection) for q in ("tau_s", "tau_d", "gamma")}


def separation_summary(results: QuasiCriticalScalingResults, selection="ended") -> str:
    """Which effect moves each exponent, in one line (Markdown)."""
    found = separation_verdicts(results, selection)
    groups = {}
    for q, v in found.items():
        groups.setdefault(v.outcome, []).append(_SYMBOL[q])
    words = {"drive": "moved by the drive", "distance": "moved by the distance to the critical point",
             "both": "moved by both", "undetermined": "undetermined (neither effect beyond 2 errors, or NaN)"}
    return f"with {_SELECTION[selection]}: " + "; ".join(f"{', '.join(g)} {words[k]}" for k, g in groups.items())


def line_crackling(results: QuasiCriticalScalingResults, selection="ended") -> str:
    """At how many points of the quasi-critical line Δ is zero within 2 errors of the crackling test
    (as :func:`crackling_test`; Markdown)."""
    values, errors = results.separation.delta_test(selection)
    h = results.separation.drives
    found = [vd.sign(float(values[1, k]), float(errors[1, k]), what="") for k in range(h.size)]
    determined = [(k, v) for k, v in enumerate(found) if v.determined and v.error <= RESOLUTION]
    head = f"with {_SELECTION[selection]}"
    if not determined:
        return (f"{head}, the crackling test along the quasi-critical line is undetermined at every drive (a NaN, "
                f"or an error above {RESOLUTION:g})")
    zero = sum(v.outcome == "zero" for _, v in determined)
    far = max(determined, key=lambda kv: abs(kv[1].z))
    return (f"{head}, $\\Delta$ is zero within 2 errors at {zero} of the {len(determined)} drives where the "
            f"test can decide (error at most {RESOLUTION:g}; the farthest: {vd.fmt(far[1].value, far[1].error)} "
            f"at $h$ = {h[far[0]]:g}); undetermined at {h.size - len(determined)} of the {h.size}")


def abbm_line(results: QuasiCriticalScalingResults, selection="ended") -> str:
    """The driven points of the quasi-critical line against the driven ABBM line τ_d = 2τ_s − 1
    (distance τ_d − (2τ_s − 1) with error √(σ_d² + 4σ_s²), against 0; Markdown)."""
    ts, es = results.separation.value("tau_s", selection)
    td, ed = results.separation.value("tau_d", selection)
    h = results.separation.drives
    found = [_compare(td[1, k] - (2 * ts[1, k] - 1), math.hypot(ed[1, k], 2 * es[1, k]), 0.0,
                      what=f"at $h$ = {h[k]:g}, $\\tau_d - (2\\tau_s - 1)$", reference_name="0")
             for k in np.flatnonzero(h > 0)]
    determined = [v for v in found if v.determined]
    if not determined:
        return (f"the distance from the ABBM line with {_SELECTION[selection]}: undetermined: no driven point has both "
                "exponents with errors")
    k = sum(v.outcome == "agrees" for v in determined)
    far = max(determined, key=lambda v: v.z)
    return (f"with {_SELECTION[selection]}, {k} of the {len(determined)} driven points of the quasi-critical line "
            f"{'lies' if k == 1 else 'lie'} within 2 combined errors of the ABBM line $\\tau_d = 2\\tau_s - 1$ (the "
            f"farthest: {vd.fmt(far.value, far.error)}, {far.z:.1f} combined errors)")


def _composed(found, head) -> str:
    return f"{head}: " + _join(found)


def variants(results: QuasiCriticalScalingResults, selection="ended") -> dict[str, str]:
    """The q0 dependence and the annealed run against the quenched one for τ_s, τ_d, γ (Markdown).
    Keys ``"threshold"``, ``"disorder"``."""
    qs = ("tau_s", "tau_d", "gamma")
    label = _SELECTION[selection]
    return {"threshold": _composed([threshold_and_disorder.threshold_verdict(results.thresholds, q, selection)
                                    for q in qs], f"at $\\sigma_c(N)$, $h$ = 0, with {label}"),
            "disorder": _composed([threshold_and_disorder.disorder_verdict(results.disorder, q, selection)
                                   for q in qs], f"at $\\sigma_c(N)$, $h$ = 0, $q_0$ = 0.1, with {label}")}


def verdicts(results: QuasiCriticalScalingResults) -> dict[str, str | Verdict]:
    """Every computed sentence of the page, by the glue name the notebook gives it (Markdown)."""
    p = results.point
    out = {f"crackling_{k}": v for k, v in crackling_tests(results).items()}
    out.update({f"joint_{sel}": joint_error(f) for sel, f in (("ended", p.exponents.ended),
                                                               ("all", p.exponents.with_never_ending))})
    out.update({
        "range_errors": range_errors(p.exponents.ended),
        "range_errors_all": range_errors(p.exponents.with_never_ending),
        "precision": precision(results), "gamma_star": gamma_star(results), "conventions": conventions(results),
        "authors_notebook": authors_notebook(results),
        "gof_limits": p.goodness_sizes.cannot_claim,
    })
    out.update({f"gof_{k}": v for k, v in goodness(results).items()})
    out.update({f"lr_{k}": v for k, v in likelihood_ratios(results).items()})
    out.update({f"line_{k}": v for k, v in line_verdicts(results).items()})
    for sel in ("ended", "all"):
        out.update({f"moves_{q}_{sel}": v for q, v in separation_verdicts(results, sel).items()})
        out[f"separation_{sel}"] = separation_summary(results, sel)
        out[f"line_crackling_{sel}"] = line_crackling(results, sel)
        out[f"abbm_{sel}"] = abbm_line(results, sel)
        out.update({f"{k}_{sel}": v for k, v in variants(results, sel).items()})
    out.update(reference_classes(results))
    return out
