"""Figures of the chapter "quasi-critical scaling" (:mod:`crit.chapters.quasi_critical_scaling` re-exports them).

Each function takes the chapter's
:class:`~crit.chapters.quasi_critical_scaling.QuasiCriticalScalingResults` (or its ``point``) and
returns a matplotlib figure. The authors' notebook numbers are drawn wherever their exponents are,
labelled with their sizes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib import cm
from matplotlib import colors as mcolors

from crit.analysis import crackling
from crit.analysis.bootstrap import QUANTITIES
from crit.analysis.drive_lines import LINES
from crit.analysis.universality import REFERENCE_CLASSES
from crit.book import style

if TYPE_CHECKING:
    from crit.chapters._quasi_critical_scaling_point import CriticalPoint
    from crit.chapters.quasi_critical_scaling import QuasiCriticalScalingResults

__all__ = ["collapse", "distributions", "drive_exponents", "exponent_plane", "quasi_critical_line"]

_AUTHORS_COLOR, _OURS_COLOR = "0.25", style.PHASE_COLORS["active"]
_AUTHORS_LABEL = "authors' notebook (N = 500, L = 1000, 2·10⁶ inputs, q0 = 0.1)"
_SYMBOL = {"tau_s": "$\\tau_s$", "tau_d": "$\\tau_d$", "gamma": "$\\gamma$", "gamma_pred": "$\\gamma_{pred}$"}
_LINE_LABEL = {"fixed": "$\\sigma_w^2 = \\sigma_c(N)$", "quasi-critical": "quasi-critical line",
               "undriven": "undriven, at the line's $\\sigma_w^2$"}


def _anchored_line(ax, pdf, xmin, xmax, tau, color, label):
    """x^-τ on [xmin, xmax] (or to the data's end), anchored to the binned PDF at xmin."""
    if pdf.centers.size == 0 or not (np.isfinite(tau) and np.isfinite(xmin)):
        return
    x_end = pdf.centers[-1] if xmax is None or not np.isfinite(xmax) else xmax
    x = np.geomspace(xmin, x_end, 50)
    y0 = np.exp(np.interp(np.log(xmin), np.log(pdf.centers), np.log(pdf.density)))
    ax.plot(x, y0 * (x / xmin) ** (-tau), "--", color=color, lw=1.8, label=label)


def distributions(point: CriticalPoint):
    """P(S), P(T) with the authors' fits and ours (ended avalanches), and ⟨S⟩(T) with the authors' γ.

    Two panels side by side above a third of the full width, so that each is readable at the
    book's column width (:data:`crit.book.style.WIDTH`).
    """
    import matplotlib.pyplot as plt

    analysis, ours = point.analysis, point.exponents.ended
    a = analysis.authors
    fig = plt.figure(figsize=(style.WIDTH, style.WIDTH * 1.05))
    panels = fig.subplot_mosaic([["s", "t"], ["g", "g"]])
    axes = [panels["s"], panels["t"], panels["g"]]
    for ax, pdf, key, name, k in ((axes[0], analysis.pdf_sizes, "s", "S", 0), (axes[1], analysis.pdf_durations, "d",
                                                                                "T", 2)):
        ax.loglog(pdf.centers, pdf.density, "o", ms=3, color="0.55", label="data (equal-count bins)")
        tau_a, tau_o = getattr(a, f"tau_{key}"), ours.values[0 if key == "s" else 1]
        _anchored_line(ax, pdf, getattr(a, f"xmin_{key}"), None, tau_a, _AUTHORS_COLOR,
                       f"authors' convention $\\tau_{key}$ = {tau_a:.3f}")
        _anchored_line(ax, pdf, ours.ranges[k], ours.ranges[k + 1], tau_o, _OURS_COLOR,
                       f"ours (ended) $\\tau_{key}$ = {tau_o:.3f}")
        ax.set_xlabel(f"${name}$")
        ax.set_ylabel(f"$P({name})$")
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.25))  # below: off the data
    g = analysis.gamma_fit
    ax = axes[2]
    ax.loglog(g.durations, g.mean_sizes, "o", ms=3, color="0.55", alpha=0.6, label="$\\langle S\\rangle(T)$")
    if np.isfinite(g.gamma) and g.durations.size:
        ax.loglog(g.durations, 10 ** (g.intercept + g.gamma * np.log10(g.durations)), "--", color=_AUTHORS_COLOR,
                  label=f"authors' convention $\\gamma$ = {g.gamma:.3f}")
    ax.set_xlabel("$T$")
    ax.set_ylabel("$\\langle S\\rangle$")
    ax.legend(fontsize="small")
    fig.suptitle(f"$N={analysis.width}$, depth {analysis.depth}, $\\sigma_w^2={analysis.sigma_w2:.4f}$, "
                 f"{analysis.n_inputs:,d} inputs", fontsize="medium")
    return fig


def collapse(point: CriticalPoint, every=None):
    """The shape collapse: rescaled mean traces V̄(ℓ) T^{1−γ*} against ℓ/T, coloured by T; γ* with its
    spread over networks in the title. ``every``: draw every that many durations (default: about six)."""
    c, sh = point.analysis.collapse, point.shape
    fig, ax = style.figure(aspect=0.6, width=style.WIDTH * 0.75)
    if c.durations.size == 0:
        ax.text(0.5, 0.5, "shape collapse undetermined:\nno duration has enough avalanches", ha="center",
                va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    norm = mcolors.Normalize(c.durations.min(), c.durations.max())
    cmap = matplotlib.colormaps["rainbow_r"]
    step = every or max(1, c.durations.size // 6)
    for k in range(0, c.durations.size, step):
        ax.plot(c.u, c.curves[k], color=cmap(norm(c.durations[k])), lw=1.4)
    ax.plot(c.u, c.mean_curve, "k--", lw=1, label="mean")
    fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, label="$T$")
    ax.set_xlabel("$\\ell / T$")
    ax.set_ylabel("$\\bar V(\\ell)\\, T^{1-\\gamma^*}$")
    ax.set_title(f"shape collapse: $\\gamma^*$ = {sh.gamma_star:.2f} ± {sh.gamma_star_err:.2f} (over networks)")
    ax.legend(fontsize="small")
    return fig


def quasi_critical_line(results: QuasiCriticalScalingResults):
    """Left: S̄_end against σ_w² at each drive (every grid scanned); right: its peak against h, with σ_c(N)."""
    fig, (ax_c, ax_l) = style.figure(1, 2, aspect=0.8)
    h = np.asarray(results.separation.drives, float)
    palette = style.colors(max(h.size, 1), "crest")
    for r, x, color in zip(results.line, h, palette, strict=False):
        order = np.argsort(r.grid)
        ax_c.errorbar(r.grid[order], r.chi[order], yerr=r.chi_err[order], fmt="o-", ms=3, color=color,
                      label=f"$h$ = {x:g}")
        if np.isfinite(r.peak):
            ax_c.axvline(r.peak, color=color, lw=0.8, ls=":")
    ax_c.axvline(results.sigma_c, color="k", lw=1, ls="--", label="$\\sigma_c(N)$")
    ax_c.set_xlabel("$\\sigma_w^2$")
    ax_c.set_ylabel("$\\bar S_{end}$")
    ax_c.legend(fontsize="x-small")
    peaks = np.array([r.peak for r in results.line])
    errs = np.array([r.peak_err for r in results.line])
    ax_l.errorbar(h, peaks, yerr=np.where(np.isfinite(errs), errs, 0), fmt="o-", color=_OURS_COLOR,
                  label="peak of $\\bar S_{end}$")
    ax_l.plot(h, results.line_sigma_w2, "x", color="0.3", label="$\\sigma_w^2$ used")
    ax_l.axhline(results.sigma_c, color="k", lw=1, ls="--", label=f"$\\sigma_c(N)$ = {results.sigma_c:.4f}")
    ax_l.set_xlabel("drive $h = N\\sigma_b^2/q_0$")
    ax_l.set_ylabel("$\\sigma_w^2$")
    ax_l.legend(fontsize="x-small")
    fig.suptitle(f"quasi-critical line, $N$ = {results.settings.width}, depth {results.settings.depth}",
                 fontsize="medium")
    return fig


def _limits(values, errors):
    """y-limits that show every finite value and at most 0.3 of its error bar (γ_pred has heavy tails)."""
    v = values[np.isfinite(values)]
    if v.size == 0:
        return None
    e = np.where(np.isfinite(errors), np.minimum(errors, 0.3), 0)[np.isfinite(values)]
    lo, hi = float(np.min(v - e)), float(np.max(v + e))
    pad = 0.05 * max(hi - lo, 0.05)
    return lo - pad, hi + pad


def drive_exponents(results: QuasiCriticalScalingResults):
    """τ_s, τ_d, γ and γ_pred against h on the three lines; top row ended avalanches, bottom row the
    never-ending ones included; the authors' notebook numbers as dashed lines."""
    sep = results.separation
    fig, axes = style.figure(2, 4, aspect=1.0)
    h = np.asarray(sep.drives, float)
    dx = 0.015 * max(np.ptp(h), 1e-3)
    colors = dict(zip(LINES, (_AUTHORS_COLOR, _OURS_COLOR, style.PHASE_COLORS["absorbing"]), strict=True))
    pub = crackling.AUTHORS_NOTEBOOK
    for row, selection in enumerate(("ended", "all")):
        for col, q in enumerate(("tau_s", "tau_d", "gamma", "gamma_pred")):
            ax = axes[row, col]
            values, errors = sep.value(q, selection)
            for i, name in enumerate(LINES):
                ax.errorbar(h + (i - 1) * dx, values[i], yerr=np.where(np.isfinite(errors[i]), errors[i], 0),
                            fmt="o-", ms=4, color=colors[name], mfc="white" if name == "undriven" else colors[name],
                            label=_LINE_LABEL[name])
            ax.axhline(pub[q][0], color="0.5", lw=1, ls="--", label=_AUTHORS_LABEL)
            lim = _limits(np.append(values.ravel(), pub[q][0]), np.append(errors.ravel(), 0.0))
            if lim:
                ax.set_ylim(*lim)
            ax.set_title(f"{_SYMBOL[q]}, {'ended' if selection == 'ended' else 'never-ending included'}",
                         fontsize="small")
            if row == 1:
                ax.set_xlabel("drive $h$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize="x-small")
    return fig


def exponent_plane(results: QuasiCriticalScalingResults, classes: dict | None = None):
    """(τ_s, τ_d) of the critical point (three conventions), of the quasi-critical line (ended) and of the
    authors' notebook, against the reference classes and the driven ABBM line."""
    classes = REFERENCE_CLASSES if classes is None else classes
    p, sep = results.point, results.separation
    fig, ax = style.figure(aspect=0.55, width=style.WIDTH * 1.3)
    c = np.linspace(0, 0.9, 50)
    ax.plot((3 - c) / 2, 2 - c, ":", color="0.5", label="ABBM, drive $c$: $((3-c)/2,\\ 2-c)$")
    for name, (ts, td, _) in classes.items():
        ax.plot(ts, td, "*", ms=13, label=name)
    points = {"critical point, authors' convention": p.authors_convention,
              "critical point, ours (ended)": p.exponents.ended,
              "critical point, ours (never-ending included)": p.exponents.with_never_ending}
    palette = style.colors(len(points) + sep.drives.size, "crest")
    i_s, i_d = QUANTITIES.index("tau_s"), QUANTITIES.index("tau_d")
    for (label, f), color in zip(points.items(), palette, strict=False):
        ax.errorbar(f.values[i_s], f.values[i_d], xerr=f.errors[i_s], yerr=f.errors[i_d], fmt="o", color=color,
                    label=label)
    ts, es = sep.value("tau_s", "ended")
    td, ed = sep.value("tau_d", "ended")
    for k in np.flatnonzero(sep.drives > 0):
        ax.errorbar(ts[1, k], td[1, k], xerr=es[1, k], yerr=ed[1, k], fmt="s", color=palette[len(points) + k],
                    label=f"quasi-critical line, $h$ = {sep.drives[k]:g} (ended)")
    pub = crackling.AUTHORS_NOTEBOOK
    ax.errorbar(pub["tau_s"][0], pub["tau_d"][0], xerr=pub["tau_s"][1], yerr=pub["tau_d"][1], fmt="D", color="k",
                label=_AUTHORS_LABEL)
    ax.set_xlabel("$\\tau_s$")
    ax.set_ylabel("$\\tau_d$")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", fontsize="x-small")
    return fig
