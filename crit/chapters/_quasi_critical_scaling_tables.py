"""Tables of the chapter "quasi-critical scaling" (:mod:`crit.chapters.quasi_critical_scaling` re-exports them).

Each function takes the chapter's
:class:`~crit.chapters.quasi_critical_scaling.QuasiCriticalScalingResults` and returns a Markdown
table (:func:`crit.book.tables.markdown`); a number the data could not give is a
:class:`crit.book.tables.Undetermined` cell with the reason listed under the table.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from crit.analysis import crackling
from crit.analysis.bootstrap import QUANTITIES
from crit.analysis.drive_lines import LINES
from crit.book import tables
from crit.chapters._quasi_critical_scaling_point import LR_FIELDS
from crit.chapters._quasi_critical_scaling_verdicts import AUTHORS_SIZES

if TYPE_CHECKING:
    from crit.chapters.quasi_critical_scaling import QuasiCriticalScalingResults

__all__ = ["comparison_table", "error_table", "goodness_table", "likelihood_ratio_table", "line_table",
           "separation_table", "variants_table"]

_ROWS = {"tau_s": "$\\tau_s$", "tau_d": "$\\tau_d$", "gamma": "$\\gamma$ from $\\langle S\\rangle(T)$",
         "gamma_pred": "$\\gamma_{pred} = (\\tau_d-1)/(\\tau_s-1)$ (error: central 68 %)",
         "delta": "$\\Delta = \\gamma - \\gamma_{pred}$ (error: of the crackling test)"}
#: The ratio γ_pred is stated with half the central 68 % of its resamples (heavy-tailed), Δ with the
#: error of the crackling test (:func:`crit.chapters._quasi_critical_scaling_verdicts.crackling_test`),
#: the exponents with the spread.
_ROBUST = ("gamma_pred",)
_HEAD = {"tau_s": "$\\tau_s$", "tau_d": "$\\tau_d$", "gamma": "$\\gamma$", "gamma_pred": "$\\gamma_{pred}$",
         "delta": "$\\Delta$"}
_SELECTION = {"ended": "ended avalanches", "all": "never-ending included"}


def _cell(value, error=None, digits=3, reason=""):
    """``value ± error``, or an Undetermined cell with ``reason`` when the value is NaN."""
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)):
        return tables.Undetermined(reason or "the data gave no number")
    if error is not None and not np.isfinite(error):
        error = None
    return tables.fmt(float(value), None if error is None else float(error), digits)


def _range(low, high, digits=3):
    if not np.isfinite(low):
        return tables.Undetermined("no range was chosen on the data")
    return f"[{low:.{digits}g}, ∞)" if not np.isfinite(high) else f"[{low:.{digits}g}, {high:.{digits}g}]"


def stated_error(f, q) -> float:
    """The error the page states beside quantity ``q`` (one of ``QUANTITIES``) of the crackling bootstrap
    ``f``: the spread over networks, half the central 68 % for γ_pred, the crackling test's error for Δ."""
    if q == "delta":
        return f.delta_test_error
    return float((f.robust_errors if q in _ROBUST else f.errors)[QUANTITIES.index(q)])


def comparison_table(results: QuasiCriticalScalingResults) -> str:
    """The critical point in three conventions beside the authors' notebook (labelled with their sizes),
    as Markdown: exponents with errors over networks, γ_pred with the central-68 % half-width of its
    resamples, Δ with the error of the crackling test, γ*, the ranges."""
    p = results.point
    fits = (p.authors_convention, p.exponents.ended, p.exponents.with_never_ending)
    pub = crackling.AUTHORS_NOTEBOOK
    sh = p.shape
    rows = []
    for k, q in enumerate(QUANTITIES):
        row = [_ROWS[q]] + [_cell(f.values[k], stated_error(f, q), 3, f.undetermined) for f in fits]
        if q == "delta":
            value = pub["gamma"][0] - pub["gamma_pred"][0]
            row.append(_cell(value, None, 3))
        else:
            value, error = pub[q]
            row.append(_cell(value, error if error > 0 else None, 4) if np.isfinite(value) else "not given")
        rows.append(row)
    rows.append(["error of $\\Delta$ if $\\gamma$, $\\gamma_{pred}$ were independent"]
                + [_cell(f.delta_error_independent, None, 3, f.undetermined) for f in fits] + ["not given"])
    rows.append(["correlation of $\\gamma$ and $\\gamma_{pred}$ over resamples"]
                + [_cell(f.correlation, None, 2, f.undetermined or "fewer than 3 resamples") for f in fits]
                + ["not given"])
    why = sh.undetermined or "no duration has enough avalanches"
    star = _cell(sh.gamma_star, sh.gamma_star_err, 2, why)
    rows.append(["$\\gamma^*$ (shape collapse, ended; spread over networks)", star, star, star,
                 _cell(*pub["gamma_star"], 2)])
    rows.append(["size range $[S_{min}, S_{max}]$"] + [_range(*f.ranges[:2]) for f in fits] + ["[0.5, ∞)"])
    rows.append(["duration range $[T_{min}, T_{max}]$"] + [_range(*f.ranges[2:]) for f in fits] + ["[5, ∞)"])
    rows.append(["avalanches fitted"] + [f"{f.n_avalanches:,d}" for f in fits] + [f"{pub['n_recorded']:,d}"])
    s = results.point_profile
    headers = ["", f"authors' convention (this run: width {s.width}, depth {s.depth})", "ours: ended avalanches",
               "ours: never-ending included", f"authors' notebook ({AUTHORS_SIZES})"]
    return tables.markdown(headers, rows)


def error_table(results: QuasiCriticalScalingResults) -> str:
    """The errors at the critical point: range re-selected in every resample, range kept, and the
    central-68 % half-width of the resamples, for both selections (Markdown)."""
    e = results.point.exponents
    rows = []
    for k, q in enumerate(QUANTITIES):
        row = [_HEAD[q]]
        for f in (e.ended, e.with_never_ending):
            why = f.undetermined or "the resamples gave no spread"
            row += [_cell(f.errors[k], None, 3, why), _cell(f.fixed_range_errors[k], None, 3, why),
                    _cell(f.robust_errors[k], None, 3, why)]
        rows.append(row)
    headers = [""] + [f"{_SELECTION[sel]}: {what}" for sel in ("ended", "all")
                      for what in ("range re-selected", "range kept", "central 68 %")]
    return tables.markdown(headers, rows)


def goodness_table(results: QuasiCriticalScalingResults) -> str:
    """The goodness of fit of our fits of the ended avalanches, without and with the design effect (Markdown)."""
    rows = []
    for name, g in (("sizes", results.point.goodness_sizes), ("durations", results.point.goodness_durations)):
        why = g.undetermined or "p is NaN"
        rows.append([name, f"{g.n_tail:,d}", str(g.n_networks), _cell(g.ks, None, 3, why),
                     _cell(g.p_iid, g.p_iid_error, 2, why), _cell(g.design_effect, None, 2, why),
                     _cell(g.p_network, None, 2, why)])
    return tables.markdown(["", "avalanches in range", "networks", "KS distance", "p, avalanches independent",
                            "design effect", "p, over networks"], rows)


def likelihood_ratio_table(results: QuasiCriticalScalingResults) -> str:
    """The likelihood ratio of an untruncated power law at our x_min against each alternative: Vuong's
    ratio and p treating the avalanches as independent, and over networks with the design effect (Markdown)."""
    p = results.point
    n = len(p.alternatives)
    idx = [LR_FIELDS.index(k) for k in ("normalized_ratio_iid", "p_iid", "normalized_ratio", "p", "design_effect")]
    rows = []
    for j, alt in enumerate(p.alternatives):
        row = [alt.replace("_", " ")]
        for r in range(2):
            why = p.lr_undetermined[r * n + j] or "the ratio is NaN"
            row += [_cell(p.lr[r, j, k], None, 3 if i in (1, 3) else 2, why) for i, k in enumerate(idx)]
        rows.append(row)
    headers = ["alternative"] + [f"{w}: {c}" for w in ("sizes", "durations")
                                 for c in ("ratio (indep.)", "p (indep.)", "ratio (networks)", "p (networks)",
                                           "design effect")]
    return tables.markdown(headers, rows)


def line_table(results: QuasiCriticalScalingResults) -> str:
    """The quasi-critical line: at each drive h, σ_b², the S̄_end peak with its error over networks, its
    distance from σ_c(N), its height, the σ_w² the sweep used, and the refinement (Markdown)."""
    rows = []
    width, q0 = results.settings.width, results.separation.q0[0, 0]
    for h, r, used, note in zip(results.separation.drives, results.line, results.line_sigma_w2, results.line_notes,
                                strict=True):
        why = r.undetermined or "the peak is undetermined"
        rows.append([f"{h:g}", f"{h * q0 / width:.2g}", _cell(r.peak, r.peak_err, 4, why),
                     _cell(r.peak - results.sigma_c, r.peak_err, 4, why), _cell(r.height, r.height_err, 3, why),
                     f"{used:.4f}", f"{r.n_rounds}",
                     "yes" if r.reached else tables.Undetermined(note or why)])
    return tables.markdown(["$h$", "$\\sigma_b^2$", "peak of $\\bar S_{end}$ ($\\sigma_w^2$)",
                            "peak $- \\sigma_c(N)$", "height $\\bar S_{end}$", "$\\sigma_w^2$ used", "grids",
                            "target $0.2/N$ reached"], rows)


_LINE_NAMES = {"fixed": "$\\sigma_c(N)$", "quasi-critical": "quasi-critical",
               "undriven": "undriven at line's $\\sigma_w^2$"}


def separation_table(results: QuasiCriticalScalingResults, selection="ended") -> str:
    """The exponents on the three lines against h for one selection ("ended" or "all"), as Markdown."""
    sep = results.separation
    s_idx = 0 if selection == "ended" else 1
    rows = []
    for i, name in enumerate(LINES):
        for k, h in enumerate(sep.drives):
            why = sep.undetermined[i * sep.drives.size + k] or "the fit gave no number"
            rows.append([_LINE_NAMES[name], f"{h:g}", f"{sep.sigma_w2[i, k]:.4f}", f"{sep.h[i, k]:g}",
                         f"{sep.surviving_fraction[i, k]:.3f}"]
                        + [_cell(sep.values[i, k, s_idx, j], sep.errors[i, k, s_idx, j], 3, why)
                           for j in range(len(QUANTITIES))])
    return tables.markdown(["line", "$h$ of the line", "$\\sigma_w^2$", "$h$ simulated", "$\\rho$"]
                           + [_HEAD[q] for q in QUANTITIES], rows)


def variants_table(results: QuasiCriticalScalingResults, selection="ended") -> str:
    """The point at σ_c(N), h = 0 at each threshold q0 (quenched) and annealed, for one selection (Markdown)."""
    s_idx = 0 if selection == "ended" else 1
    rows = []
    runs = [(f"quenched, $q_0$ = {q:g}", results.thresholds, k) for k, q in enumerate(results.thresholds.thresholds)]
    runs.append(("annealed (fresh weights per input), $q_0$ = 0.1", results.disorder, 1))
    for label, table, k in runs:
        why = table.undetermined[k] or "the fit gave no number"
        rows.append([label, f"{int(table.inputs_per_network[k])}", f"{table.surviving_fraction[k]:.3f}"]
                    + [_cell(table.values[k, s_idx, j], table.errors[k, s_idx, j], 3, why)
                       for j in range(len(QUANTITIES))])
    return tables.markdown(["run", "inputs per network", "$\\rho$"] + [_HEAD[q] for q in QUANTITIES], rows)
