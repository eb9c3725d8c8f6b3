"""Figures of the chapter "universality classes" (:mod:`crit.chapters.universality_classes` re-exports them).

Each function takes the chapter's :class:`~crit.chapters.universality_classes.UniversalityClassesResults`
and returns a matplotlib figure. The class values drawn are those of :data:`crit.analysis.classes.CLASSES`.
"""

from __future__ import annotations

import numpy as np

from crit.analysis import stats
from crit.analysis.classes import CLASSES
from crit.book import style

__all__ = ["class_plane_figure", "collapse_figure", "cutoffs_figure", "exponents_figure", "resnet_distributions_figure",
           "shapes_figure"]

_MARKERS = {"mean-field DP": "s", "1+1-D DP": "^", "free BM": "o", "mean-field Barkhausen": "D",
            "short-range Barkhausen": "v"}
_LINES = {"mean-field DP": ":", "1+1-D DP": "-.", "free BM": "--", "mean-field Barkhausen": (0, (1, 3)),
          "short-range Barkhausen": (0, (5, 2, 1, 2))}
_SHORT = {"mean-field DP": "MF DP", "1+1-D DP": "1+1-D DP", "free BM": "free BM",
          "mean-field Barkhausen": "MF Barkhausen", "short-range Barkhausen": "SR Barkhausen"}


def cutoffs_figure(results):
    """S_c and T_c against N (log–log) for every system of ``results.fss``, with the slopes of every
    class that predicts one."""
    fss = results.fss
    fig, (ax_s, ax_t) = style.figure(1, 2, aspect=0.85)
    colors = style.colors(len(fss), "colorblind")
    for (system, f), color in zip(fss.items(), colors, strict=False):
        ax_s.errorbar(f.widths, f.size_cutoff, f.size_cutoff_err, fmt="o-", color=color,
                      label=f"{system}: $N^{{{f.size_cutoff_exponent:.2f}\\pm{f.size_cutoff_exponent_err:.2f}}}$")
        ax_t.errorbar(f.widths, f.duration_cutoff, f.duration_cutoff_err, fmt="o-", color=color,
                      label=f"{system}: $N^{{{f.duration_cutoff_exponent:.2f}"
                            f"\\pm{f.duration_cutoff_exponent_err:.2f}}}$")
    n = np.array([min(f.widths.min() for f in fss.values()), max(f.widths.max() for f in fss.values())], float)
    for ax, key, y0 in ((ax_s, "b_S", 150.0), (ax_t, "b_T", 60.0)):
        for name, c in CLASSES.items():
            if c.predicts(key):
                ax.plot(n, y0 * (n / n[0]) ** c.value(key), color="k", ls=_LINES[name], lw=1,
                        label=f"{_SHORT[name]}: $N^{{{c.value(key):.3g}}}$")
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
    """τ_s, τ_d and γ against N (log axis) with the N → ∞ extrapolation (stars, at "∞") and the values of
    every candidate class (grey lines)."""
    fss = results.fss
    fig, axes = style.figure(1, 3, aspect=0.9)
    colors = style.colors(len(fss), "colorblind")
    keys = (("tau_s", "$\\tau_s$"), ("tau_d", "$\\tau_d$"), ("gamma", "$\\gamma$"))
    n_inf = 4.0 * max(f.widths.max() for f in fss.values())
    for ax, (key, label) in zip(axes, keys, strict=False):
        for (system, f), color in zip(fss.items(), colors, strict=False):
            ax.errorbar(f.widths, getattr(f, key), getattr(f, key + "_err"), fmt="o", color=color, label=system)
            value, err = f.limit[key]
            if np.isfinite(value):
                ax.errorbar([n_inf], [value], [err], fmt="*", ms=9, color=color)
        for name, c in CLASSES.items():
            ax.axhline(c.value(key), color="0.4", lw=0.8, ls=_LINES[name])
        ax.set_xscale("log")
        ax.set_xlabel("width $N$ (star: $N\\to\\infty$)")
        ax.set_title(label)
    axes[0].legend(fontsize="x-small")
    for name in CLASSES:
        axes[1].plot([], [], color="0.4", lw=0.8, ls=_LINES[name], label=_SHORT[name])
    axes[1].legend(fontsize="xx-small", loc="upper right", title="classes", title_fontsize="xx-small")
    return fig


def collapse_figure(results):
    """C(S) S^{τ−1} against S/N^σ for every system at its fitted τ and best σ (one panel each), widths
    coloured; an undetermined collapse gets a panel saying why."""
    collapses = results.collapses
    ncols = min(2, len(collapses))
    fig, axes = style.figure(-(-len(collapses) // ncols), ncols, aspect=0.75, squeeze=False)
    axes = axes.ravel()
    for ax, (system, c) in zip(axes, collapses.items(), strict=False):
        if not c.determined:
            ax.text(0.5, 0.5, f"{system}:\nundetermined\n({c.undetermined})", ha="center", va="center",
                    wrap=True, fontsize="small", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        for k, (w, color) in enumerate(zip(c.widths, style.colors(len(c.widths)), strict=False)):
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
    for (system, c), color in zip(collapses.items(), style.colors(len(collapses), "colorblind"), strict=False):
        if c.durations.size == 0:  # no duration had enough avalanches: nothing to draw for this system
            ax.plot([], [], color=color, lw=2, label=f"{system}: shape undetermined")
            continue
        for curve in c.curves:
            ax.plot(c.u, curve / c.mean_curve.max(), color=color, lw=0.5, alpha=0.12)
        a, a_err = exponents[system]
        ax.plot(c.u, c.mean_curve / c.mean_curve.max(), color=color, lw=2,
                label=f"{system}: $a = {a:.2f}\\pm{a_err:.2f}$ "
                      f"($T = {int(c.durations.min())}$–{int(c.durations.max())})")
    ax.set_xlabel("$u = t/T$")
    ax.set_ylabel("$F(u) / \\max F$")
    ax.set_ylim(0, 1.15)
    ax.legend(fontsize="x-small", loc="lower center")
    return fig


def class_plane_figure(results):
    """Measured (τ_s, τ_d) with errors of every network system at N → ∞ and at its widest N, the
    ResNets and the mean of each calibration model, with the candidate classes (short-range
    Barkhausen with its literature errors) and the ABBM line ((3 − c)/2, 2 − c)."""
    fig, ax = style.figure(aspect=0.75)
    for name, c in CLASSES.items():
        ts, td = c.value("tau_s"), c.value("tau_d")
        ax.errorbar(ts, td, xerr=c.error("tau_s") or None, yerr=c.error("tau_d") or None, fmt=_MARKERS[name], ms=13,
                    mfc="none", mec="0.2", mew=1.5, ecolor="0.5")
        ax.annotate(_SHORT[name], (ts, td), textcoords="offset points", xytext=(8, 6), fontsize="small")
    c = np.linspace(0, 1, 20)
    ax.plot((3 - c) / 2, 2 - c, color="0.6", lw=0.8, ls="--", label="ABBM line $((3-c)/2,\\,2-c)$")
    cal = results.calibration
    points = [(f"{m} (calibration mean)", cal.mean[i, 0], cal.bias_error[i, 0], cal.mean[i, 1], cal.bias_error[i, 1])
              for i, m in enumerate(cal.models)]
    points += [(name, m.values.get("tau_s", np.nan), m.errors.get("tau_s", np.nan), m.values.get("tau_d", np.nan),
                m.errors.get("tau_d", np.nan)) for name, m in results.measurements.items()]
    palette = "colorblind" if len(points) < 10 else "tab20"  # colorblind has 10 colours, then repeats
    for (name, ts, es, td, ed), color in zip(points, style.colors(len(points), palette), strict=False):
        if np.isfinite(ts) and np.isfinite(td):
            ax.errorbar(ts, td, xerr=es if np.isfinite(es) else None, yerr=ed if np.isfinite(ed) else None, fmt="o",
                        ms=4, color=color, label=name)
    ax.set_xlabel("size exponent $\\tau_s$")
    ax.set_ylabel("duration exponent $\\tau_d$")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", fontsize="xx-small")
    return fig


def resnet_distributions_figure(results):
    """P(S), P(T) and ⟨S⟩(T) of the ended avalanches of every ResNet (log bins), with the pipeline's
    fit windows (dotted verticals) and its fitted τ_s, τ_d and γ drawn over them (dashed)."""
    fig, axes = style.figure(1, 3, aspect=0.9)
    runs, exps = results.resnet_runs, results.resnet_exponents
    for (depth, a), color in zip(runs.items(), style.colors(max(len(runs), 1), "colorblind"), strict=False):
        e = exps[depth]
        keep = ~np.asarray(a.survived) & (a.sizes > 0) & (a.durations > 0)
        s, d = np.asarray(a.sizes, float)[keep], np.asarray(a.durations, float)[keep]
        if s.size < 2:
            axes[0].plot([], [], color=color, label=f"{e.name}: fewer than 2 ended avalanches")
            continue
        for ax, x, discrete, tau, window in ((axes[0], s, False, e.tau_s, e.size_window),
                                             (axes[1], d, True, e.tau_d, e.duration_window)):
            pdf = stats.log_binned_pdf(x, discrete=discrete, bins_per_decade=8)
            ax.loglog(pdf.centers, pdf.density, "o-", ms=3, lw=0.8, color=color,
                      label=f"{e.name} ({a.n_modules} module calls)")
            if np.isfinite(tau) and len(window) == 2:
                lo, hi = window
                inside = (pdf.centers >= lo) & (pdf.centers <= hi)
                if inside.any():
                    x0 = pdf.centers[inside][0]
                    y0 = pdf.density[inside][0]
                    xs = np.geomspace(lo, hi, 20)
                    ax.loglog(xs, y0 * (xs / x0) ** (-tau), "--", color=color, lw=1.5)
                for edge in window:
                    ax.axvline(edge, color=color, ls=":", lw=0.8)
        t_values, counts = np.unique(d, return_counts=True)
        mean_s = np.array([s[d == t].mean() for t in t_values])
        axes[2].loglog(t_values, mean_s, "o", ms=3, color=color, alpha=0.7, label=e.name)
        if np.isfinite(e.gamma) and len(e.duration_window) == 2:
            lo, hi = e.duration_window
            inside = (t_values >= lo) & (t_values <= hi)
            if inside.any():
                t0, s0 = t_values[inside][0], mean_s[inside][0]
                ts = np.geomspace(lo, hi, 20)
                axes[2].loglog(ts, s0 * (ts / t0) ** e.gamma, "--", color=color, lw=1.5)
    for ax, label in zip(axes, ("$S$", "$T$ (module calls)", "$T$ (module calls)"), strict=False):
        ax.set_xlabel(label)
    axes[0].set_ylabel("$P(S)$")
    axes[1].set_ylabel("$P(T)$")
    axes[2].set_ylabel("$\\langle S\\rangle(T)$")
    axes[0].legend(fontsize="xx-small", loc="lower left")
    axes[0].set_title("sizes", fontsize="small")
    axes[1].set_title("durations", fontsize="small")
    axes[2].set_title("mean size at duration $T$", fontsize="small")
    return fig
