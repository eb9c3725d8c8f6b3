r"""Figures of the chapter "Absorbing and active phases" (:mod:`crit.chapters.phase_diagram` re-exports them).

Each function takes a :class:`~crit.chapters.phase_diagram.PhaseDiagramResults` (or a part of it)
and returns a matplotlib figure. Error bars and bands are the spread over networks.
"""

from __future__ import annotations

import math

import numpy as np

from crit.analysis import transition
from crit.book import style
from crit.chapters._phase_diagram_verdicts import AUTHORS_PEAK, _map_rows, curve_points, ended_fraction
from crit.models import theory

__all__ = ["authors_run", "collapse_figure", "depth_figure", "drive_map", "order_parameters", "scaling_figure",
           "susceptibilities"]

_SIGMA = "$\\sigma_w^2$"


def _critical_lines(ax, widths, colors):
    ax.axvline(1.0, color="0.2", ls=":", lw=1.2)
    for width, color in zip(widths, colors, strict=True):
        ax.axvline(theory.finite_width_critical_sigma_w2(width), color=color, ls="--", lw=0.9)


def _band(ax, x, y, err, color, label=None, marker="o"):
    ax.plot(x, y, marker + "-", color=color, label=label, ms=3.5)
    ax.fill_between(x, y - err, y + err, color=color, alpha=0.25, lw=0)


def order_parameters(sweeps):
    r"""ρ (surviving fraction), S̄ (mean size of every recorded avalanche, the authors') and S̄_end (of the
    avalanches that end) against σ_w² on the first grid of every width; dashed lines σ_c(N), dotted 1.

    Parameters
    ----------
    sweeps : dict
        ``{width: PhaseScan}`` at σ_b² = 0.
    """
    widths = sorted(sweeps)
    colors = style.colors(len(widths))
    fig, axes = style.figure(1, 3, aspect=0.85)
    for width, color in zip(widths, colors, strict=True):
        s = sweeps[width]
        label = f"$N={width}$, $L={s.depth}$"
        for ax, (y, e) in zip(axes, (s.surviving_fraction(), s.mean_size(), s.ended_mean_size()), strict=True):
            _band(ax, s.sigma_w2, y[0], np.nan_to_num(e[0]), color, label)
    for ax, ylabel in zip(axes, ("surviving fraction $\\rho$", "mean size $\\bar S$ (all recorded)",
                                 "mean size $\\bar S_{\\rm end}$ (ended)"), strict=True):
        _critical_lines(ax, widths, colors)
        ax.set_xlabel(_SIGMA)
        ax.set_ylabel(ylabel)
    axes[1].set_yscale("log")
    axes[2].set_yscale("log")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=len(widths), fontsize="small")
    return fig


def _mark_peak(ax, refinement, color, y):
    if math.isfinite(refinement.peak):
        ax.errorbar(refinement.peak, y, xerr=np.nan_to_num(refinement.peak_err), fmt="v", color=color, ms=6)


def susceptibilities(results):
    r"""The four susceptibilities against σ_w² for every width: S̄_end and dρ/dσ_w² on every point of their
    refinements (triangles: the refined peaks), χ = dS̄/dσ_w² (scaled to its maximum) and χ_F on the
    first grid (triangles: their peaks)."""
    widths = sorted(results.sweeps)
    colors = style.colors(len(widths))
    fig, axes = style.figure(2, 2, aspect=0.8)
    (ax_e, ax_d), (ax_r, ax_f) = axes
    p = results.peaks
    for k, (width, color) in enumerate(zip(widths, colors, strict=True)):
        label = f"$N={width}$"
        for ax, refined in ((ax_e, results.refined[width]), (ax_d, results.refined_survival[width])):
            x, y, e = curve_points(refined)
            top = np.nanmax(y) if np.isfinite(y).any() else 1.0
            ax.errorbar(x, y / top, yerr=np.nan_to_num(e) / top, fmt="o", ms=2.5, color=color, lw=0.8, label=label)
            _mark_peak(ax, refined, color, 1.08)
        s = results.sweeps[width]
        chi, chi_err = s.response_susceptibility()
        top = np.nanmax(chi[0]) if np.nanmax(chi[0]) > 0 else 1.0
        _band(ax_r, s.sigma_w2, chi[0] / top, np.nan_to_num(chi_err[0]) / top, color, label)
        if math.isfinite(p.response_peak[k]):
            ax_r.errorbar(p.response_peak[k], 1.08, xerr=np.nan_to_num(p.response_err[k]), fmt="v", color=color)
        chi_f, chi_f_err = s.fluctuation_susceptibility()
        _band(ax_f, s.sigma_w2, chi_f[0], np.nan_to_num(chi_f_err[0]), color, label)
    for ax, title in ((ax_e, "$\\bar S_{\\rm end}$ / its maximum"), (ax_d, "$d\\rho/d\\sigma_w^2$ / its maximum"),
                      (ax_r, "authors' $\\chi = d\\bar S/d\\sigma_w^2$ / its maximum"),
                      (ax_f, "$\\chi_F = N\\,\\mathrm{Var}_{\\rm networks}(\\rho)$")):
        _critical_lines(ax, widths, colors)
        ax.set_title(title, fontsize="medium")
        ax.set_xlabel(_SIGMA)
    fig.legend(*ax_r.get_legend_handles_labels(), loc="outside lower center", ncol=len(widths), fontsize="small")
    return fig


def scaling_figure(results):
    r"""Finite-size scaling of the refined peaks: position against N with σ_c(N) (left), N·(peak − σ_c(N))
    against N (middle) and the height against N with its power-law fit (right, log–log)."""
    fig, (ax_p, ax_s, ax_h) = style.figure(1, 3, aspect=0.9)
    n_line = np.geomspace(min(results.refined) * 0.8, max(results.refined) * 1.25, 100)
    ax_p.plot(n_line, theory.finite_width_critical_sigma_w2(np.round(n_line / 2).astype(int) * 2), "k--", lw=1,
              label="$\\sigma_c(N)$")
    ax_p.axhline(1.0, color="0.5", ls=":", lw=1)
    ax_s.axhline(0.0, color="0.5", ls=":", lw=1)
    lines = (("$\\bar S_{\\rm end}$", results.scaling, style.PHASE_COLORS["critical"], "o"),
             ("$d\\rho/d\\sigma_w^2$", results.scaling_survival, style.PHASE_COLORS["active"], "s"))
    for name, sc, color, marker in lines:
        w = sc.widths
        ax_p.errorbar(w, sc.peak, yerr=np.nan_to_num(sc.peak_err), fmt=marker, color=color, label=name, capsize=2)
        ax_s.errorbar(w, sc.scaled_shift, yerr=np.nan_to_num(sc.scaled_shift_err), fmt=marker, color=color, label=name,
                      capsize=2)
        scale = np.nanmax(sc.height) if np.isfinite(sc.height).any() else 1.0
        ax_h.errorbar(w, sc.height / scale, yerr=np.nan_to_num(sc.height_err) / scale, fmt=marker, color=color,
                      label=name, capsize=2)
        if math.isfinite(sc.gamma_over_nu):
            ax_h.plot(n_line, sc.height_amplitude * n_line**sc.gamma_over_nu / scale, "-", color=color, lw=1,
                      label=f"$N^{{{sc.gamma_over_nu:.2f}}}$")
    for ax in (ax_p, ax_s, ax_h):
        ax.set_xscale("log")
        ax.set_xticks(results.scaling.widths, [f"{int(w)}" for w in results.scaling.widths])
        ax.xaxis.set_minor_formatter("")
        ax.set_xlabel("width $N$")
        ax.legend(fontsize="x-small")
    ax_h.set_yscale("log")
    ax_p.set_ylabel("peak position ($\\sigma_w^2$)")
    ax_s.set_ylabel("$N(\\text{peak} - \\sigma_c(N))$")
    ax_h.set_ylabel("peak height / largest")
    return fig


def collapse_figure(collapse: transition.CurveCollapse):
    r"""The S̄_end curves rescaled as S̄_end N^{−γ/ν} against (σ_w² − σ_c(N)) N^{1/ν}, with the exponents
    of the fit (:func:`crit.analysis.transition.collapse_curves`)."""
    fig, ax = style.figure(aspect=0.6, width=style.WIDTH * 0.75)
    if not np.isfinite(collapse.x).any():
        ax.text(0.5, 0.5, f"collapse undetermined:\n{collapse.undetermined}", ha="center", va="center",
                transform=ax.transAxes, wrap=True)
        ax.set_axis_off()
        return fig
    for k, (width, color) in enumerate(zip(collapse.widths, style.colors(collapse.widths.size), strict=True)):
        ok = np.isfinite(collapse.x[k])
        ax.errorbar(collapse.x[k][ok], collapse.y[k][ok], yerr=collapse.y_err[k][ok], fmt="o-", ms=3, lw=0.8,
                    color=color, label=f"$N={int(width)}$")
    ax.axvline(0.0, color="0.5", ls=":", lw=1)
    ax.set_xlabel(f"$(\\sigma_w^2 - \\sigma_c(N))\\,N^{{{collapse.inv_nu:.2f}}}$")
    ax.set_ylabel(f"$\\bar S_{{\\rm end}}\\,N^{{-{collapse.gamma_over_nu:.2f}}}$")
    ax.legend(fontsize="small")
    return fig


def depth_figure(results):
    r"""The depth sweep at width ``depth_width``: S̄_end against σ_w² for every depth (all refinement
    points, triangles the refined peaks) and the peaks of S̄_end and χ against the depth."""
    depths = sorted(results.depth_refined)
    colors = style.colors(len(depths))
    width = results.settings.depth_width
    critical = float(theory.finite_width_critical_sigma_w2(width))
    fig, (ax_c, ax_p) = style.figure(1, 2, aspect=0.85)
    for d, color in zip(depths, colors, strict=True):
        r = results.depth_refined[d]
        x, y, e = curve_points(r)
        ax_c.errorbar(x, y, yerr=np.nan_to_num(e), fmt="o", ms=2.5, lw=0.8, color=color, label=f"$L={d}$")
        _mark_peak(ax_c, r, color, np.nanmax(y) * 1.1 if np.isfinite(y).any() else 1.0)
    ax_c.axvline(critical, color="k", ls="--", lw=0.9)
    ax_c.set_yscale("log")
    ax_c.set_xlabel(_SIGMA)
    ax_c.set_ylabel("$\\bar S_{\\rm end}$")
    ax_c.set_title(f"$N={width}$", fontsize="medium")
    ax_c.legend(fontsize="small")
    ended = [results.depth_refined[d] for d in depths]
    ax_p.errorbar(depths, [r.peak for r in ended], yerr=np.nan_to_num([r.peak_err for r in ended]), fmt="o-",
                  color=style.PHASE_COLORS["critical"], capsize=2, label="peak of $\\bar S_{\\rm end}$")
    chi = [results.depth_peaks[d] for d in depths]
    ax_p.errorbar(depths, [p.response_peak[0] for p in chi], yerr=np.nan_to_num([p.response_err[0] for p in chi]),
                  fmt="s-", color="0.35", capsize=2, label="peak of $\\chi$ (authors')")
    ax_p.axhline(critical, color="k", ls="--", lw=0.9, label=f"$\\sigma_c({width})$")
    ax_p.set_xscale("log")
    ax_p.set_xticks(depths, [str(d) for d in depths])
    ax_p.xaxis.set_minor_formatter("")
    ax_p.set_xlabel("depth $L$")
    ax_p.set_ylabel("peak position ($\\sigma_w^2$)")
    ax_p.legend(fontsize="small")
    return fig


def drive_map(results):
    r"""S̄_end / the maximum of its row in the plane of σ_w² and the drive h = N·σ_b²/q0, with the
    quasi-critical line (the peak of S̄_end of every row), the mean-field line χ₁ = 1 and the
    rows out of range hatched (left); the fraction of inputs that ended against σ_w² (right)."""
    scans = results.map_scans
    rows = _map_rows(results)
    fig, (ax, ax_f) = style.figure(1, 2, aspect=0.9)
    x = scans[0].sigma_w2
    mid = (x[1:] + x[:-1]) / 2
    edges = np.concatenate([[2 * x[0] - mid[0]], mid, [2 * x[-1] - mid[-1]]])
    grid = np.full((len(scans), x.size), np.nan)
    for k, scan in enumerate(scans):
        y = scan.ended_mean_size()[0][0]
        if np.isfinite(y).any() and np.nanmax(y) > 0:
            grid[k] = y / np.nanmax(y)
    index = np.arange(len(scans))
    mesh = ax.pcolormesh(edges, np.arange(len(scans) + 1) - 0.5, np.ma.masked_invalid(grid), cmap="mako", vmin=0,
                         vmax=1)
    fig.colorbar(mesh, ax=ax, label="$\\bar S_{\\rm end}$ / maximum of its row")
    for k, (_, _, _, _, _, out) in enumerate(rows):
        if out:
            ax.axhspan(k - 0.5, k + 0.5, facecolor="none", edgecolor="0.6", hatch="//", lw=0)
            ax.text(x.mean(), k, "out of range: no avalanche ended", ha="center", va="center", fontsize="x-small")
    peaks = np.array([r[1] for r in rows])
    errs = np.array([r[2] for r in rows])
    ax.errorbar(peaks, index, xerr=np.nan_to_num(errs), fmt="o", color=style.PHASE_COLORS["active"],
                label="quasi-critical line (peak of $\\bar S_{\\rm end}$)")
    ax.plot(results.map_mean_field, index, "s--", color="white", label="mean field $\\chi_1 = 1$")
    ax.plot(theory.finite_width_critical_sigma_w2(scans[0].width), 0, "*", ms=12, color=style.PHASE_COLORS["critical"],
            label=f"$\\sigma_c({scans[0].width})$")
    ax.set_yticks(index, [f"{h:g}" for h in results.map_drives])
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(_SIGMA)
    ax.set_ylabel("drive $h = N\\sigma_b^2/q_0$")
    ax.set_title(f"$N={scans[0].width}$, $L={scans[0].depth}$", fontsize="medium")
    for (h, *_), scan, color in zip(rows, scans, style.colors(len(scans)), strict=True):
        ax_f.plot(scan.sigma_w2, ended_fraction(scan), "o-", ms=3, color=color, label=f"$h={h:g}$")
    ax_f.set_xlabel(_SIGMA)
    ax_f.set_ylabel("fraction of inputs that ended")
    ax_f.set_ylim(-0.03, 1.03)
    ax_f.legend(fontsize="x-small", ncol=2)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3, fontsize="small")
    return fig


def authors_run(scan, authors_peak=AUTHORS_PEAK):
    """S̄ and χ = dS̄/dσ_w² of the authors' scan (a PhaseScan), with the peak they found (σ_w²) marked."""
    size, size_err = scan.mean_size()
    chi, chi_err = scan.response_susceptibility()
    fig, (ax_s, ax_c) = style.figure(1, 2)
    color = style.PHASE_COLORS["critical"]
    _band(ax_s, scan.sigma_w2, size[0], np.nan_to_num(size_err[0]), color)
    _band(ax_c, scan.sigma_w2, chi[0], np.nan_to_num(chi_err[0]), color, "this book")
    ax_c.axvline(authors_peak, color="0.3", ls=":",
                 label=f"authors' peak, $\\sigma_w^2\\approx{authors_peak}$ ($N=300$, $L=500$)")
    ax_s.set_ylabel("$\\bar S$")
    ax_c.set_ylabel("$\\chi = d\\bar S/d\\sigma_w^2$")
    for ax in (ax_s, ax_c):
        ax.set_xlabel(_SIGMA)
    ax_s.set_title(f"$N={scan.width}$, depth {scan.depth}, {scan.n_inputs:,d} inputs per point")
    ax_c.legend(fontsize="small")
    return fig
