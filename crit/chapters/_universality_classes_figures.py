"""Figures of the chapter "universality classes" (:mod:`crit.chapters.universality_classes` re-exports them).

Each function takes the chapter's :class:`~crit.chapters.universality_classes.UniversalityClassesResults`
and returns a matplotlib figure.
"""

from __future__ import annotations

import numpy as np

from crit.analysis import universality
from crit.book import style

__all__ = ["class_plane_figure", "collapse_figure", "cutoffs_figure", "exponents_figure", "shapes_figure"]

_MARKERS = {"mean-field DP": "s", "ABBM c=1/2": "D", "free BM": "o", "1+1-D DP": "^"}


def cutoffs_figure(results):
    """S_c and T_c against N (log–log) for every system of ``results.fss``, with the free-BM and
    mean-field-DP slopes."""
    fss = results.fss
    fig, (ax_s, ax_t) = style.figure(1, 2, aspect=0.85)
    colors = style.colors(len(fss), "colorblind")
    for (system, f), color in zip(fss.items(), colors):
        ax_s.errorbar(f.widths, f.size_cutoff, f.size_cutoff_err, fmt="o-", color=color,
                      label=f"{system}: $N^{{{f.size_cutoff_exponent:.2f}\\pm{f.size_cutoff_exponent_err:.2f}}}$")
        ax_t.errorbar(f.widths, f.duration_cutoff, f.duration_cutoff_err, fmt="o-", color=color,
                      label=f"{system}: $N^{{{f.duration_cutoff_exponent:.2f}\\pm{f.duration_cutoff_exponent_err:.2f}}}$")
    n = np.array([min(f.widths.min() for f in fss.values()), max(f.widths.max() for f in fss.values())], float)
    for ax, (free, mf), y0 in ((ax_s, (1.5, 1.0), 150.0), (ax_t, (1.0, 0.5), 60.0)):
        ax.plot(n, y0 * (n / n[0]) ** free, "k--", lw=1, label=f"free BM: $N^{{{free:g}}}$")
        ax.plot(n, y0 * (n / n[0]) ** mf, "k:", lw=1, label=f"mean-field DP: $N^{{{mf:g}}}$")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("width $N$")
        ax.legend(fontsize="x-small")
    ax_s.set_ylabel("$S_c = \\langle S^2\\rangle / \\langle S\\rangle$")
    ax_t.set_ylabel("$T_c = \\langle T^3\\rangle / \\langle T^2\\rangle$ (layers)")
    ax_s.set_title("size cut-off")
    ax_t.set_title("duration cut-off")
    return fig


def exponents_figure(results):
    """τ_s, τ_d and γ against N (log axis) with the N → ∞ extrapolation (stars, at "∞") and references."""
    fss = results.fss
    fig, axes = style.figure(1, 3, aspect=0.9)
    colors = style.colors(len(fss), "colorblind")
    keys = (("tau_s", "$\\tau_s$", 0), ("tau_d", "$\\tau_d$", 1), ("gamma", "$\\gamma$", 2))
    n_inf = 4.0 * max(f.widths.max() for f in fss.values())
    for ax, (key, label, i) in zip(axes, keys):
        for (system, f), color in zip(fss.items(), colors):
            ax.errorbar(f.widths, getattr(f, key), getattr(f, key + "_err"), fmt="o", color=color, label=system)
            value, err = f.limit[key]
            if np.isfinite(value):
                ax.errorbar([n_inf], [value], [err], fmt="*", ms=9, color=color)
        for name in ("free BM", "mean-field DP", "1+1-D DP"):
            ax.axhline(universality.REFERENCE_CLASSES[name][i], color="0.4", lw=0.8,
                       ls={"free BM": "--", "mean-field DP": ":", "1+1-D DP": "-."}[name])
        ax.set_xscale("log")
        ax.set_xlabel("width $N$ (star: $N\\to\\infty$)")
        ax.set_title(label)
    axes[0].legend(fontsize="x-small")
    axes[2].text(0.98, 0.02, "lines: free BM (--), MF DP (:), 1+1-D DP (-.)",
                 transform=axes[2].transAxes, ha="right", fontsize="x-small")
    return fig


def collapse_figure(results):
    """C(S) S^{τ−1} against S/N^σ for every system at its fitted τ and best σ (one panel each), widths
    coloured; an undetermined collapse gets a panel saying why."""
    collapses = results.collapses
    ncols = min(2, len(collapses))
    fig, axes = style.figure(-(-len(collapses) // ncols), ncols, aspect=0.75, squeeze=False)
    axes = axes.ravel()
    for ax, (system, c) in zip(axes, collapses.items()):
        if not c.determined:
            ax.text(0.5, 0.5, f"{system}:\nundetermined\n({c.undetermined})", ha="center", va="center",
                    wrap=True, fontsize="small", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        for k, (w, color) in enumerate(zip(c.widths, style.colors(len(c.widths)))):
            ax.plot(c.x[k], c.y[k], "o-", ms=2.5, lw=1, color=color, label=f"$N={int(w)}$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"$S / N^{{{c.sigma:.2f}}}$")
        edge = " (edge: no collapse)" if c.at_edge else ""
        ax.set_title(f"{system}: $\\tau={c.tau:.2f}$ (fit), $\\sigma={c.sigma:.2f}\\pm{c.sigma_err:.2f}$"
                     f"\nquality {c.quality:.1f}{edge}", fontsize="small")
        ax.set_ylabel("$P(S'\\geq S)\\, S^{\\tau-1}$")
        ax.legend(fontsize="xx-small", loc="lower left")
    for ax in axes[len(collapses):]:
        ax.set_visible(False)
    return fig


def shapes_figure(results):
    """Collapsed mean avalanche shapes F(u)/max F against u = t/T, with the parabola and semicircle,
    labelled with the shape exponents a."""
    collapses, exponents = results.shape_collapses, results.shape_exponents
    fig, ax = style.figure(aspect=0.7)
    u = np.linspace(0, 1, 201)
    ax.plot(u, 2 * np.sqrt(u * (1 - u)), "k--", lw=1, label="semicircle (free BM)")
    ax.plot(u, 4 * u * (1 - u), "k:", lw=1, label="parabola (mean-field DP)")
    for (system, c), color in zip(collapses.items(), style.colors(len(collapses), "colorblind")):
        if c.durations.size == 0:  # no duration had enough avalanches: nothing to draw for this system
            ax.plot([], [], color=color, lw=2, label=f"{system}: shape undetermined")
            continue
        for curve in c.curves:
            ax.plot(c.u, curve / c.mean_curve.max(), color=color, lw=0.5, alpha=0.12)
        a, a_err = exponents[system]
        ax.plot(c.u, c.mean_curve / c.mean_curve.max(), color=color, lw=2,
                label=f"{system}: $a = {a:.2f}\\pm{a_err:.2f}$ ($T = {int(c.durations.min())}$–{int(c.durations.max())})")
    ax.set_xlabel("$u = t/T$")
    ax.set_ylabel("$F(u) / \\max F$")
    ax.set_ylim(0, 1.15)
    ax.legend(fontsize="x-small", loc="lower center")
    return fig


def class_plane_figure(results):
    """Measured (τ_s, τ_d) with errors of the calibration models, every system at its widest N and the
    ResNets, with the reference classes marked."""
    systems = ([*results.calibration.values()] + [f.exponents_at(-1) for f in results.fss.values()]
               + [*results.resnet_exponents.values()])
    fig, ax = style.figure(aspect=0.75)
    for name, (ts, td, _) in universality.REFERENCE_CLASSES.items():
        ax.plot(ts, td, _MARKERS[name], ms=13, mfc="none", mec="0.2", mew=1.5)
        offset = (-75, -16) if name.startswith("ABBM") else (8, 6)
        ax.annotate(name, (ts, td), textcoords="offset points", xytext=offset, fontsize="small")
    c = np.linspace(0, 1, 20)
    ax.plot((3 - c) / 2, 2 - c, color="0.6", lw=0.8, ls="--", label="ABBM line $((3-c)/2,\\,2-c)$")
    palette = "colorblind" if len(systems) < 10 else "tab20"  # colorblind has 10 colours, then repeats
    for e, color in zip(systems, style.colors(len(systems), palette)):
        ax.errorbar(e.tau_s, e.tau_d, xerr=e.tau_s_err, yerr=e.tau_d_err, fmt="o", color=color, label=e.name)
    ax.set_xlabel("size exponent $\\tau_s$")
    ax.set_ylabel("duration exponent $\\tau_d$")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", fontsize="x-small")
    return fig
