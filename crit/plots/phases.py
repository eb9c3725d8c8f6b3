"""Figures of the chapter "absorbing and active phases" (compute lives in :mod:`crit.analysis.phases`)."""

from __future__ import annotations

import numpy as np

from crit.book import style
from crit.models import theory


def _mark_critical(ax, widths, colors, *, label=True):
    ax.axvline(1.0, color="0.2", ls=":", lw=1.2, label="mean field $\\sigma_w^2=1$" if label else None)
    for width, color in zip(widths, colors):
        ax.axvline(theory.finite_width_critical_sigma_w2(width), color=color, ls="--", lw=0.9)


def _shade_phases(ax, critical):
    lo, hi = ax.get_xlim()
    ax.axvspan(lo, critical, color=style.PHASE_COLORS["absorbing"], alpha=0.07, lw=0)
    ax.axvspan(critical, hi, color=style.PHASE_COLORS["active"], alpha=0.07, lw=0)
    ax.set_xlim(lo, hi)
    ax.text(0.02, 0.96, "absorbing", transform=ax.transAxes, va="top", color=style.PHASE_COLORS["absorbing"])
    ax.text(0.98, 0.04, "active", transform=ax.transAxes, ha="right", color=style.PHASE_COLORS["active"])


def _band(ax, x, y, err, color, label=None):
    ax.plot(x, y, "o-", color=color, label=label, ms=3.5)
    ax.fill_between(x, y - err, y + err, color=color, alpha=0.25, lw=0)


def order_parameters(sweeps):
    """ρ (surviving fraction) and S̄ (mean size) against σ_w² for every width, with error bands.

    Parameters
    ----------
    sweeps : dict
        ``{width: PhaseScan}`` at σ_b² = 0.
    """
    widths = sorted(sweeps)
    colors = style.colors(len(widths))
    fig, (ax_rho, ax_size) = style.figure(1, 2, aspect=0.85)
    for width, color in zip(widths, colors):
        s = sweeps[width]
        rho, rho_err = s.surviving_fraction()
        size, size_err = s.mean_size()
        label = f"$N={width}$, depth {s.depth}"
        _band(ax_rho, s.sigma_w2, rho[0], rho_err[0], color, label)
        _band(ax_size, s.sigma_w2, size[0], size_err[0], color, label)
    for ax in (ax_rho, ax_size):
        _mark_critical(ax, widths, colors, label=ax is ax_rho)
        _shade_phases(ax, theory.finite_width_critical_sigma_w2(widths[-1]))
        ax.set_xlabel("$\\sigma_w^2$")
    ax_rho.set_ylabel("surviving fraction $\\rho$")
    ax_rho.set_title("order parameter $\\rho$")
    ax_size.set_yscale("symlog", linthresh=1.0)
    ax_size.set_ylim(bottom=0)
    ax_size.set_ylabel("mean avalanche size $\\bar S$")
    ax_size.set_title("order parameter $\\bar S$")
    fig.legend(*ax_rho.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize="small")
    return fig


def susceptibilities(sweeps, peaks):
    """χ = dS̄/dσ_w² (scaled to its maximum) and χ_F = N Var(ρ) for every width, peaks marked."""
    widths = sorted(sweeps)
    colors = style.colors(len(widths))
    fig, (ax_r, ax_f) = style.figure(1, 2, aspect=0.85)
    for k, (width, color) in enumerate(zip(widths, colors)):
        s = sweeps[width]
        chi, chi_err = s.response_susceptibility()
        top = np.nanmax(chi[0])
        _band(ax_r, s.sigma_w2, chi[0] / top, chi_err[0] / top, color, f"$N={width}$")
        chi_f, chi_f_err = s.fluctuation_susceptibility()
        _band(ax_f, s.sigma_w2, chi_f[0], chi_f_err[0], color, f"$N={width}$")
        ax_r.errorbar(peaks.response_peak[k], 1.05, xerr=peaks.response_err[k], fmt="v", color=color)
        ax_f.errorbar(peaks.fluctuation_peak[k], peaks.fluctuation_height[k] * 1.08,
                      xerr=peaks.fluctuation_err[k], fmt="v", color=color)
    for ax in (ax_r, ax_f):
        _mark_critical(ax, widths, colors, label=ax is ax_r)
        ax.set_xlabel("$\\sigma_w^2$")
    ax_r.set_ylabel("$\\chi / \\max\\chi$")
    ax_r.set_title("response $\\chi = d\\bar S/d\\sigma_w^2$")
    ax_f.set_ylabel("$\\chi_F = N\\,\\mathrm{Var}_{\\rm networks}(\\rho)$")
    ax_f.set_title("fluctuation $\\chi_F$")
    fig.legend(*ax_r.get_legend_handles_labels(), loc="outside lower center", ncol=4, fontsize="small")
    return fig


def susceptibility_map(scan, ridge_peak, ridge_err):
    """χ/max_row χ in the (σ_w², σ_b²) plane with the ridge of maxima and the χ₁ = 1 line."""
    chi, _ = scan.response_susceptibility()
    rows = np.arange(scan.sigma_b2.size)
    scaled = chi / np.nanmax(chi, axis=1, keepdims=True)
    fig, ax = style.figure(aspect=0.75)
    x = scan.sigma_w2
    mid = np.sqrt(x[1:] * x[:-1])  # the grid is geometric: cell edges at geometric midpoints
    edges = np.concatenate([[x[0] ** 2 / mid[0]], mid, [x[-1] ** 2 / mid[-1]]])
    mesh = ax.pcolormesh(edges, np.arange(rows.size + 1) - 0.5, scaled, cmap="mako", vmin=0, vmax=1)
    fig.colorbar(mesh, ax=ax, label="$\\chi$ / maximum of its row")
    ax.errorbar(ridge_peak, rows, xerr=ridge_err, fmt="o", color=style.PHASE_COLORS["active"],
                label="susceptibility ridge (quasi-critical line)")
    mean_field = np.array([theory.critical_sigma_w2(b) for b in scan.sigma_b2])
    ax.plot(mean_field, rows, "s--", color="white", label="mean field $\\chi_1 = 1$")
    ax.plot(theory.finite_width_critical_sigma_w2(scan.width), 0, "*", ms=12, color=style.PHASE_COLORS["critical"],
            label=f"finite-width critical point, $N={scan.width}$")
    ax.set_yticks(rows, [f"{b:g}" for b in scan.sigma_b2])
    ax.set_xscale("log")
    ax.set_xlim(edges[0], edges[-1])
    ticks = [0.8, 1, 1.2, 1.5, 2, 2.5]
    ax.set_xticks([t for t in ticks if edges[0] <= t <= edges[-1]], minor=False)
    ax.xaxis.set_major_formatter("{x:g}")
    ax.xaxis.set_minor_formatter("")
    ax.set_xlabel("$\\sigma_w^2$")
    ax.set_ylabel("$\\sigma_b^2$ (drive)")
    ax.set_title(f"$N={scan.width}$, depth {scan.depth}")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize="small")
    return fig


def authors_run(scan, authors_peak=1.045):
    """S̄ and χ = dS̄/dσ_w² of the authors' scan, with the peak they found marked."""
    size, size_err = scan.mean_size()
    chi, chi_err = scan.response_susceptibility()
    fig, (ax_s, ax_c) = style.figure(1, 2)
    color = style.PHASE_COLORS["critical"]
    _band(ax_s, scan.sigma_w2, size[0], size_err[0], color)
    _band(ax_c, scan.sigma_w2, chi[0], chi_err[0], color, "this book")
    ax_c.axvline(authors_peak, color="0.3", ls=":", label=f"authors' peak, $\\sigma_w^2\\approx{authors_peak}$")
    ax_s.set_ylabel("$\\bar S$")
    ax_c.set_ylabel("$\\chi = d\\bar S/d\\sigma_w^2$")
    for ax in (ax_s, ax_c):
        ax.set_xlabel("$\\sigma_w^2$")
    ax_s.set_title(f"$N={scan.width}$, depth {scan.depth}, {scan.n_inputs:,d} inputs per point")
    ax_c.legend(fontsize="small")
    return fig
