"""Verdicts of the chapter "quasi-critical scaling" (:mod:`crit.chapters.quasi_critical_scaling` re-exports them).

Each function turns numbers of the chapter's
:class:`~crit.chapters.quasi_critical_scaling.QuasiCriticalScalingResults` and their network-bootstrap
errors into the Markdown sentence the page glues (:mod:`crit.analysis.verdicts`); a comparison the
numbers cannot make is undetermined, with the reason, and never raises. :func:`verdicts` collects
every sentence of the page under the glue name the notebook gives it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from crit.analysis import crackling
from crit.analysis import verdicts as vd
from crit.analysis.verdicts import Verdict

if TYPE_CHECKING:
    from crit.chapters.quasi_critical_scaling import QuasiCriticalScalingResults

__all__ = [
    "abbm_line", "change", "conventions", "crackling_relation", "drift", "goodness_of_fit", "likelihood_ratios",
    "precision", "reference_classes", "ridge_errors", "ridge_ratio", "ridge_relation", "verdicts",
]

_FITS = {"authors": "the authors' fits", "ours": "our fits"}
_SYMBOL = {"tau_s": "$\\tau_s$", "tau_d": "$\\tau_d$", "gamma": "$\\gamma$", "gamma_pred": "$\\gamma_{pred}$"}
_COLUMN = {"tau_s": 0, "tau_d": 1, "gamma": 2, "gamma_pred": 3}  # of DriveSweep.authors / .ours
_PREDICTION = "$\\gamma_{pred} = (\\tau_d-1)/(\\tau_s-1)$"
_NAN = float("nan")
_ALTERNATIVE = {"power_law_cutoff": "a power law with exponential cut-off", "stretched_exponential": "a stretched "
                "exponential", "lognormal": "a lognormal", "exponential": "an exponential"}


def _check_fits(fits):
    if fits not in _FITS:
        raise ValueError(f"fits must be one of {tuple(_FITS)}, got {fits!r}")


def _undetermined(reason, value=_NAN, error=_NAN) -> Verdict:
    return Verdict("undetermined", f"undetermined: {reason}", float(value), float(error), _NAN, reason)


def _compare(value, error, reference, reference_error=0.0, *, what, reference_name, why="") -> Verdict:
    """:func:`crit.analysis.verdicts.compare`, undetermined (not raising) for a NaN reference; ``why``
    (the data's reason, e.g. a fit's ``undetermined``) is added to an undetermined verdict."""
    value, error, reference, reference_error = (float(x) for x in (value, error, reference, reference_error))
    if math.isnan(reference):
        verdict = _undetermined(f"{reference_name} could not be measured (NaN)", value, error)
    else:
        verdict = vd.compare(value, error, reference, reference_error, what=what, reference_name=reference_name)
    if verdict.undetermined and why:
        verdict = _undetermined(f"{verdict.undetermined} ({why})", verdict.value, verdict.error)
    return verdict


def _join(items) -> str:
    return "; ".join(str(v) for v in items)


def _rows(results, fits) -> np.ndarray:
    """(n_drives, 4, 2) exponents of the sweep: τ_s, τ_d, γ, γ_pred, each value and error."""
    _check_fits(fits)
    return getattr(results.sweep, fits)


def _row_reason(results, k) -> str:
    """Why numbers of drive ``k`` are NaN (the sweep's reason, or a generic one for records without it)."""
    why = results.sweep.undetermined[k] if k < len(results.sweep.undetermined) else ""
    return why or "the fit gave no number at this drive"


def crackling_relation(exponents: crackling.ExponentSet, fits="ours") -> Verdict:
    """γ against γ_pred = (τ_d − 1)/(τ_s − 1) of one set of fits, within 2 combined network errors.

    Parameters
    ----------
    exponents : crit.analysis.crackling.ExponentSet
        E.g. ``results.point.ours``.
    fits : {"ours", "authors"}
        Which fitting choices ``exponents`` holds (names the sentence).
    """
    _check_fits(fits)
    e = exponents
    return _compare(e.gamma, e.gamma_err, e.gamma_pred, e.gamma_pred_err, what=f"with {_FITS[fits]}, $\\gamma$",
                    reference_name=_PREDICTION, why=e.undetermined)


def precision(results: QuasiCriticalScalingResults) -> Verdict:
    """The network-bootstrap error of the authors' τ_s over the i.i.d. formula they quote, against 1.

    The ratio's error is that of a standard deviation estimated from B resamples,
    ratio/√(2(B − 1)), with B = ``settings.n_resamples``.
    """
    a, b = results.point.authors, results.settings.n_resamples
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(np.float64(a.tau_s_err) / np.float64(a.tau_s_err_iid))
    if not math.isfinite(ratio):
        ratio = _NAN
    error = ratio / math.sqrt(2 * (b - 1)) if b > 1 and math.isfinite(ratio) else _NAN
    v = _compare(ratio, error, 1.0, what="the network-bootstrap error of the authors' $\\tau_s$ over the i.i.d. "
                 "formula they quote", reference_name="counting alone", why=a.undetermined)
    if v.outcome == "agrees":
        return Verdict(v.outcome, f"{v.text}: counting alone accounts for the precision", v.value, v.error, v.z)
    if v.outcome == "differs":
        tail = ("quenched disorder, more than counting, sets the precision" if ratio > 1
                else "the i.i.d. formula overstates the spread over networks")
        return Verdict(v.outcome, f"{v.text}: {tail}", v.value, v.error, v.z)
    return v


def conventions(results: QuasiCriticalScalingResults) -> dict[str, Verdict]:
    """Our τ_s, τ_d and γ of the headline point against the authors', within 2 combined errors
    (the errors of both fits added in quadrature; both come from the same avalanches)."""
    a, o = results.point.authors, results.point.ours
    return {name: _compare(getattr(o, name), getattr(o, name + "_err"), getattr(a, name), getattr(a, name + "_err"),
                           what=f"our {_SYMBOL[name]}", reference_name=f"the authors' {_SYMBOL[name]}",
                           why=" | ".join(w for w in (o.undetermined, a.undetermined) if w))
            for name in ("tau_s", "tau_d", "gamma")}


def goodness_of_fit(results: QuasiCriticalScalingResults, level=0.1) -> dict[str, str]:
    """What the goodness-of-fit test says of our fits: p < ``level`` counts against a pure power law
    on the fitted support. Keys ``"sizes"``, ``"durations"``; Markdown sentences."""
    o, n_sets = results.point.ours, results.settings.n_sets
    out = {}
    for key, p, lo, hi, name in (("sizes", o.p_s, o.xmin_s, o.xmax_s, "sizes"),
                                 ("durations", o.p_d, o.xmin_d, o.xmax_d, "durations")):
        if math.isnan(p):
            why = "no synthetic sets were drawn (n_sets = 0)" if n_sets == 0 else (o.undetermined or "p is NaN")
            out[key] = f"{name}: undetermined: {why}"
            continue
        p_text = f"p < {1 / n_sets:.2g}" if p == 0 and n_sets > 0 else f"p = {p:.2f}"
        verdict = "rejects" if p < level else "does not reject"
        relation = "<" if p < level else "≥"
        out[key] = (f"{name} on [{lo:.3g}, {hi:.3g}]: {p_text} {relation} {level:g} ({n_sets} synthetic sets), "
                    f"so the test {verdict} a pure power law there")
    return out


def likelihood_ratios(results: QuasiCriticalScalingResults, level=0.1) -> dict[str, str]:
    """Which model Vuong's test favours, power law or each alternative, at p < ``level``. Keys
    ``"sizes"``, ``"durations"``; Markdown sentences."""
    point, out = results.point, {}
    for key, lr in (("sizes", point.lr_sizes), ("durations", point.lr_durations)):
        groups = {"power law": [], "alternative": [], "neither": [], "undetermined": []}
        for alt, (r, p) in zip(point.alternatives, np.asarray(lr, float)):
            name = f"{_ALTERNATIVE.get(alt, alt)} ($R$ = {r:.1f})"
            if math.isnan(r) or math.isnan(p):
                groups["undetermined"].append(_ALTERNATIVE.get(alt, alt))
            elif p >= level:
                groups["neither"].append(name)
            else:
                groups["power law" if r > 0 else "alternative"].append(name)
        parts = []
        if groups["power law"]:
            parts.append("our power-law fit is favoured over " + ", ".join(groups["power law"]))
        if groups["alternative"]:
            verb = " is" if len(groups["alternative"]) == 1 else " are"
            parts.append(", ".join(groups["alternative"]) + verb + " favoured over our power-law fit")
        if groups["neither"]:
            parts.append(f"no model favoured at p < {level:g} against " + ", ".join(groups["neither"]))
        if groups["undetermined"]:
            why = point.undetermined or "the likelihood ratio is NaN"
            parts.append("undetermined against " + ", ".join(groups["undetermined"]) + f" ({why})")
        out[key] = f"{key}: " + ("; ".join(parts) if parts else "undetermined: no alternative was compared")
    return out


def ridge_relation(results: QuasiCriticalScalingResults, fits="authors") -> list[Verdict]:
    """γ against γ_pred at every drive of the sweep (the undriven row included), within 2 combined errors."""
    rows, b2 = _rows(results, fits), results.sweep.sigma_b2
    return [_compare(rows[k, 2, 0], rows[k, 2, 1], rows[k, 3, 0], rows[k, 3, 1],
                     what=f"at $\\sigma_b^2$ = {b2[k]:g}, $\\gamma$", reference_name="$\\gamma_{pred}$",
                     why=_row_reason(results, k) if np.isnan(rows[k, 2:]).any() else "")
            for k in range(b2.size)]


def _ridge_summary(results, fits) -> str:
    """How many drives give γ within 2 combined errors of γ_pred (Markdown)."""
    found = ridge_relation(results, fits)
    determined = [v for v in found if v.determined]
    n, label = len(found), _FITS[fits]
    if not determined:
        return f"with {label}: undetermined: no drive gave $\\gamma$ and $\\gamma_{{pred}}$ with errors"
    k = sum(v.outcome == "agrees" for v in determined)
    worst = int(np.argmax([v.z if v.determined else -1.0 for v in found]))
    text = (f"with {label}, $\\gamma$ lies within 2 combined errors of $\\gamma_{{pred}}$ at {k} of the "
            f"{len(determined)} drives where both were measured (the farthest: {found[worst].z:.1f} combined "
            f"errors, at $\\sigma_b^2$ = {results.sweep.sigma_b2[worst]:g})")
    if len(determined) < n:
        text += f"; {n - len(determined)} of the {n} drives undetermined (table)"
    return text


def ridge_ratio(results: QuasiCriticalScalingResults, fits="authors") -> str:
    """The range of γ/γ_pred over the drives where both were measured (Markdown)."""
    rows = _rows(results, fits)
    ratio = rows[:, 2, 0] / rows[:, 3, 0]
    ratio = ratio[np.isfinite(ratio)]
    if ratio.size == 0:
        return f"$\\gamma/\\gamma_{{pred}}$ with {_FITS[fits]}: undetermined: no drive gave both"
    return (f"$\\gamma/\\gamma_{{pred}}$ with {_FITS[fits]} lies between {ratio.min():.2f} and {ratio.max():.2f} "
            f"over the {ratio.size} drives where both were measured")


def drift(results: QuasiCriticalScalingResults, fits="authors") -> dict[str, Verdict]:
    """The trend of τ_s, τ_d and γ against ln σ_b² along the ridge (driven rows only; a weighted
    least-squares slope against zero, :func:`crit.analysis.verdicts.trend`)."""
    rows, b2 = _rows(results, fits), results.sweep.sigma_b2
    driven = b2 > 0
    x = np.log(b2[driven])
    return {name: vd.trend(x, rows[driven, j, 0], rows[driven, j, 1], what=f"{_SYMBOL[name]} ({_FITS[fits]})",
                           against="$\\ln\\sigma_b^2$ along the ridge")
            for name, j in _COLUMN.items() if name != "gamma_pred"}


def change(results: QuasiCriticalScalingResults, fits="authors") -> dict[str, Verdict]:
    """τ_s, τ_d and γ at the strongest drive against their value at the first row of the sweep (the
    undriven point when the sweep starts at σ_b² = 0), within 2 combined errors."""
    rows, b2 = _rows(results, fits), results.sweep.sigma_b2
    first = "its undriven value" if b2[0] == 0 else f"its value at $\\sigma_b^2$ = {b2[0]:g}"
    out = {}
    for name, j in _COLUMN.items():
        if name == "gamma_pred":
            continue
        what = f"{_SYMBOL[name]} at the strongest drive ($\\sigma_b^2$ = {b2[-1]:g}, {_FITS[fits]})"
        if b2.size < 2:
            out[name] = _undetermined(f"{what}: the sweep has one drive only")
            continue
        why = " | ".join(_row_reason(results, k) for k in (0, b2.size - 1) if np.isnan(rows[k, j]).any())
        out[name] = _compare(rows[-1, j, 0], rows[-1, j, 1], rows[0, j, 0], rows[0, j, 1], what=what,
                             reference_name=first, why=why)
    return out


def ridge_errors(results: QuasiCriticalScalingResults) -> str:
    """Our network-bootstrap errors on the driven rows over the authors' (median and range), and at how
    many drives our fits gave no number (Markdown)."""
    sweep = results.sweep
    driven = sweep.sigma_b2 > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (sweep.ours[driven, :, 1] / sweep.authors[driven, :, 1]).ravel()
    ratio = ratio[np.isfinite(ratio) & (ratio > 0)]
    missing = int(np.isnan(sweep.ours[:, 0, 0]).sum())
    tail = f"our fits gave no $\\tau_s$ at {missing} of the {sweep.sigma_b2.size} drives"
    if ratio.size == 0:
        return f"the ratio of our errors to the authors' on the ridge is undetermined (no driven row has both); {tail}"
    return (f"on the driven rows our network-bootstrap errors are a median {np.median(ratio):.2g} times the "
            f"authors' (from {ratio.min():.2g} to {ratio.max():.2g} over {ratio.size} exponents); {tail}")


def abbm_line(results: QuasiCriticalScalingResults, fits="authors") -> dict[str, str | Verdict]:
    """The driven points against the driven ABBM line τ_d = 2τ_s − 1, where ABBM has γ = 2.

    Returns
    -------
    dict
        ``"line"``: how many driven points lie within 2 combined errors of the line (the distance
        τ_d − (2τ_s − 1) with error √(σ_d² + 4σ_s²), against 0); ``"shift"``: τ_d at the strongest
        drive against the first row (:func:`change`); ``"gamma"``: the mean γ of the driven points
        (error √Σσ²/n) against 2; ``"pattern"``: what the first two say together.
    """
    rows, b2 = _rows(results, fits), results.sweep.sigma_b2
    label = _FITS[fits]
    found = [_compare(rows[k, 1, 0] - (2 * rows[k, 0, 0] - 1), math.hypot(rows[k, 1, 1], 2 * rows[k, 0, 1]), 0.0,
                      what=f"at $\\sigma_b^2$ = {b2[k]:g}, $\\tau_d - (2\\tau_s - 1)$", reference_name="0")
             for k in np.flatnonzero(b2 > 0)]
    determined = [v for v in found if v.determined]
    if determined:
        far = max(determined, key=lambda v: v.z)
        k = sum(v.outcome == "agrees" for v in determined)
        line = (f"with {label}, {k} of the {len(determined)} driven points where both exponents were measured "
                f"{'lies' if k == 1 else 'lie'} "
                f"within 2 combined errors of the ABBM line $\\tau_d = 2\\tau_s - 1$ (the farthest: "
                f"$\\tau_d - (2\\tau_s - 1)$ = {vd.fmt(far.value, far.error)}, {far.z:.1f} combined errors)")
        if len(determined) < len(found):
            line += f"; {len(found) - len(determined)} of the {len(found)} driven points undetermined (table)"
    else:
        k = 0
        line = f"the distance from the ABBM line with {label}: undetermined: no driven point has both exponents with errors"
    g = rows[b2 > 0, 2]
    g = g[np.isfinite(g).all(axis=1)]
    gamma = (_compare(g[:, 0].mean(), math.sqrt(np.sum(g[:, 1] ** 2)) / len(g), 2.0,
                      what=f"the mean $\\gamma$ of the driven points ({label})", reference_name="the ABBM value 2")
             if len(g) else _undetermined(f"no driven point has $\\gamma$ with {label}"))
    shift = change(results, fits)["tau_d"]
    if not determined or shift.undetermined:
        pattern = "whether the drive moves the exponents along the Barkhausen line: undetermined (see above)"
    elif shift.outcome == "agrees":
        pattern = (f"with {label}, $\\tau_d$ does not move beyond its errors between the first and the strongest "
                   "drive, so these data show no motion along the line")
    elif k == len(determined):
        pattern = (f"with {label}, the drive moves the exponents, and along the Barkhausen line: the pattern "
                   "quasi-criticality describes")
    else:
        off = len(determined) - k
        pattern = (f"with {label}, the drive moves the exponents, and {off} of the {len(determined)} driven "
                   f"points {'lies' if off == 1 else 'lie'} off the Barkhausen line")
    return {"line": line, "shift": shift, "gamma": gamma, "pattern": pattern}


def reference_classes(results: QuasiCriticalScalingResults) -> dict[str, Verdict]:
    """The headline point against the absorbed free Brownian motion (τ_s = 4/3, τ_d = γ = 3/2) and
    mean-field directed percolation (τ_d = 2), both fits.

    Keys ``"<exponent>_<class>_<fits>"``: ``tau_d_brownian_*`` and ``tau_s_brownian_*`` (compare),
    ``gamma_brownian_*`` (the sign of γ − 3/2), ``tau_d_mfdp_*`` (compare with 2).
    """
    out = {}
    for fits, label in _FITS.items():
        e = getattr(results.point, fits)
        out[f"tau_s_brownian_{fits}"] = _compare(e.tau_s, e.tau_s_err, 4 / 3, what=f"$\\tau_s$ ({label})",
                                                 reference_name="the free-Brownian 4/3", why=e.undetermined)
        out[f"tau_d_brownian_{fits}"] = _compare(e.tau_d, e.tau_d_err, 1.5, what=f"$\\tau_d$ ({label})",
                                                 reference_name="the free-Brownian 3/2", why=e.undetermined)
        out[f"tau_d_mfdp_{fits}"] = _compare(e.tau_d, e.tau_d_err, 2.0, what=f"$\\tau_d$ ({label})",
                                             reference_name="the mean-field DP value 2", why=e.undetermined)
        g = vd.sign(float(e.gamma) - 1.5, float(e.gamma_err), what=f"$\\gamma - 3/2$ ({label})")
        if g.undetermined and e.undetermined:
            g = _undetermined(f"{g.undetermined} ({e.undetermined})", g.value, g.error)
        out[f"gamma_brownian_{fits}"] = g
    return out


def verdicts(results: QuasiCriticalScalingResults) -> dict[str, str | Verdict]:
    """Every computed sentence of the page, by the glue name the notebook gives it (Markdown)."""
    c = results.point.collapse
    out = {
        "crackling_authors": crackling_relation(results.point.authors, "authors"),
        "crackling_ours": crackling_relation(results.point.ours, "ours"),
        "precision": precision(results),
        "gamma_star": (f"$\\gamma^*$ = {vd.fmt(c.gamma, c.sigma)}" if np.isfinite(c.gamma) else
                       f"$\\gamma^*$ undetermined: {getattr(c, 'undetermined', '') or 'no duration has enough avalanches'}"),
        "conventions": _join(conventions(results).values()),
        **{f"gof_{k}": v for k, v in goodness_of_fit(results).items()},
        **{f"lr_{k}": v for k, v in likelihood_ratios(results).items()},
        "ridge_errors": ridge_errors(results),
    }
    for fits in _FITS:
        out[f"drift_{fits}"] = _join(drift(results, fits).values())
        out[f"change_{fits}"] = _join(change(results, fits).values())
        out[f"ridge_{fits}"] = _ridge_summary(results, fits)
        out[f"ratio_{fits}"] = ridge_ratio(results, fits)
        out.update({f"abbm_{k}_{fits}": v for k, v in abbm_line(results, fits).items()})
    out.update(reference_classes(results))
    return out
