r"""Tables of the chapter "Absorbing and active phases" (:mod:`crit.chapters.phase_diagram` re-exports them).

Each function takes a :class:`~crit.chapters.phase_diagram.PhaseDiagramResults` and returns a
Markdown table; a value the data could not give is a :class:`crit.book.tables.Undetermined` cell,
with the reason under the table.
"""

from __future__ import annotations

import math

import numpy as np

from crit.analysis import verdicts as vd
from crit.book import tables
from crit.chapters._phase_diagram_verdicts import _interpolate, _map_rows, _never_ending_share
from crit.models import theory

__all__ = ["authors_table", "depth_table", "map_table", "peaks_table", "scaling_table"]


def _cell(value, err, reason):
    """``value ± err`` (decimals from the error), or an undetermined cell with ``reason`` when either is NaN."""
    if value is None or not math.isfinite(value):
        return tables.Undetermined(reason or "NaN")
    if err is None or not math.isfinite(err):
        return tables.Undetermined(f"{value:.4f} with an undetermined error: {reason or 'its error is NaN'}")
    return vd.fmt(value, err)


def _reached(refinement):
    """"yes, k scans", or an undetermined cell with the reason the target was not reached."""
    if refinement.reached:
        return f"yes, {refinement.n_rounds} scans"
    return tables.Undetermined(f"not reached at N = {refinement.width}: {refinement.undetermined}")


def peaks_table(results) -> str:
    r"""The refined peaks of S̄_end and dρ/dσ_w² per width (σ_w², errors over networks) against σ_c(N),
    with the target error 0.2/N, whether it was reached, and N·(peak − σ_c(N)) of S̄_end."""
    rows = []
    for n in sorted(results.refined):
        r, d = results.refined[n], results.refined_survival[n]
        critical = float(theory.finite_width_critical_sigma_w2(n))
        rows.append([n, r.depth, f"{critical:.4f}", f"{r.target:.4f}", _cell(r.peak, r.peak_err, r.undetermined),
                     _reached(r), _cell(n * (r.peak - critical), n * r.peak_err, r.undetermined),
                     _cell(d.peak, d.peak_err, d.undetermined), _reached(d)])
    return tables.markdown(["$N$", "depth $L$", "$\\sigma_c(N)$", "target $0.2/N$", "peak of $\\bar S_{\\rm end}$",
                            "target reached", "$N(\\text{peak} - \\sigma_c(N))$", "peak of $d\\rho/d\\sigma_w^2$",
                            "target reached"], rows)


def authors_table(results) -> str:
    r"""The authors' susceptibilities on the first grid of every width: the peak of χ = dS̄/dσ_w², ρ
    there, the share of the summed size the never-ending avalanches carry at the grid point nearest
    it, and the peak and the largest value of χ_F = N·Var_networks(ρ) (its jackknife error at that point)."""
    p = results.peaks
    why = p.undetermined or ("",) * p.width.size
    rows = []
    for k, n in enumerate(p.width):
        scan = results.sweeps[int(n)]
        peak = float(p.response_peak[k])
        rho = _interpolate(scan, *scan.surviving_fraction(), peak)
        column = int(np.argmin(np.abs(scan.sigma_w2 - peak))) if math.isfinite(peak) else 0
        share = _never_ending_share(scan, column) if math.isfinite(peak) else (math.nan, math.nan)
        chi_f, chi_f_err = scan.fluctuation_susceptibility()
        largest = (math.nan, math.nan)
        if np.isfinite(chi_f[0]).any():
            j = int(np.nanargmax(chi_f[0]))
            largest = (float(chi_f[0, j]), float(chi_f_err[0, j]))
        rows.append([int(n), _cell(peak, p.response_err[k], why[k]),
                     _cell(rho[0], rho[1], "the peak of chi is undetermined or outside the grid"),
                     _cell(100 * share[0], 100 * share[1], "no avalanche had a size there"),
                     _cell(p.fluctuation_peak[k], p.fluctuation_err[k], why[k]),
                     _cell(*largest, scan.undetermined or "chi_F is NaN at every point")])
    return tables.markdown(["$N$", "peak of $\\chi$", "$\\rho$ there", "never-ending share of $\\sum S$ (%)",
                            "peak of $\\chi_F$", "largest $\\chi_F$"], rows)


def scaling_table(results) -> str:
    r"""Finite-size scaling of the refined peaks of S̄_end and dρ/dσ_w²: 1/ν (peak − 1 ∝ N^{−1/ν}), ν,
    γ/ν (height ∝ N^{γ/ν}) with errors, and the χ² per degree of freedom of both fits."""
    def fit(chi2, dof, why):
        if dof > 0 and math.isfinite(chi2):
            return f"{chi2 / dof:.2f} ({dof} dof)"
        return tables.Undetermined(f"no degree of freedom left, or no error: {why}")

    rows = []
    for label, s in (("$\\bar S_{\\rm end}$", results.scaling), ("$d\\rho/d\\sigma_w^2$", results.scaling_survival)):
        why = s.undetermined or "NaN"
        rows.append([label, _cell(s.inv_nu, s.inv_nu_err, why), _cell(s.nu, s.nu_err, why),
                     fit(s.nu_chi2, s.nu_dof, why), _cell(s.gamma_over_nu, s.gamma_over_nu_err, why),
                     fit(s.gamma_over_nu_chi2, s.gamma_over_nu_dof, why)])
    return tables.markdown(["susceptibility", "$1/\\nu$", "$\\nu$", "$\\chi^2$/dof", "$\\gamma/\\nu$",
                            "$\\chi^2$/dof"], rows)


def depth_table(results) -> str:
    r"""The depth sweep at width ``depth_width``: per depth L, the refined peak of S̄_end and whether
    its target was reached, and the peak of χ on the first grid."""
    n = results.settings.depth_width
    critical = float(theory.finite_width_critical_sigma_w2(n))
    rows = []
    for d in sorted(results.depth_refined):
        r, p = results.depth_refined[d], results.depth_peaks[d]
        why = p.undetermined[0] if p.undetermined else ""
        rows.append([d, f"{d / n:g}", _cell(r.peak, r.peak_err, r.undetermined),
                     _cell(n * (r.peak - critical), n * r.peak_err, r.undetermined), _reached(r),
                     _cell(p.response_peak[0], p.response_err[0], why)])
    return tables.markdown(["depth $L$", "$L/N$", "peak of $\\bar S_{\\rm end}$", "$N(\\text{peak} - \\sigma_c(N))$",
                            "target reached", "peak of $\\chi$"], rows)


def map_table(results) -> str:
    r"""Per drive h of the map: σ_b², the largest fraction of inputs that ended over the grid, the peak
    of S̄_end (the quasi-critical line, σ_w²) and the mean-field line χ₁ = 1 there."""
    rows = []
    parts = zip(_map_rows(results), results.map_mean_field, results.map_scans, strict=True)
    for (h, peak, err, why, ended, out), mf, scan in parts:
        cell = tables.Undetermined(f"out of range at h = {h:g}: {why}") if out else _cell(peak, err, why)
        rows.append([f"{h:g}", f"{scan.sigma_b2[0]:.2e}", f"{ended:.3f}", cell, f"{mf:.4f}"])
    return tables.markdown(["drive $h$", "$\\sigma_b^2$", "largest fraction ended", "peak of $\\bar S_{\\rm end}$",
                            "mean field $\\chi_1 = 1$"], rows)
