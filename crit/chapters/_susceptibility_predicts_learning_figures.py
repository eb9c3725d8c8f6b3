"""Figures of the chapter "Does susceptibility predict learning?" (:mod:`crit.chapters.susceptibility_predicts_learning`
re-exports them).

Each function takes the chapter's
:class:`~crit.chapters.susceptibility_predicts_learning.SusceptibilityPredictsLearningResults` and returns a
matplotlib figure.
"""

from __future__ import annotations

import numpy as np

from crit.book import style
from crit.chapters._susceptibility_predicts_learning_verdicts import PREDICTOR_SYMBOLS

__all__ = ["learning_curves", "lines_figure", "optimum_figure", "predictors_figure"]

_LINE_STYLE = {"chi_peak": dict(color=style.PHASE_COLORS["active"], ls="-", label="$\\chi$ peak"),
               "ended_peak": dict(color="#56b4e9", ls=":", label="$\\bar S_{\\rm end}$ peak"),
               "critical": dict(color="#cc78bc", ls="--", label="$\\chi_1 = 1$")}


def _log_axis(ax, values):
    ax.set_xscale("log")
    lo, hi = np.nanmin(values), np.nanmax(values)
    ax.set_xticks([t for t in (0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5) if lo * 0.95 <= t <= hi * 1.05])
    ax.xaxis.set_major_formatter("{x:g}")
    ax.xaxis.set_minor_formatter("")


def optimum_figure(results, design=0):
    """Mean test accuracy against σ_w² in each drive of one design, with the reference lines and the optimum."""
    d = results.designs[design]
    rows = d.refs.h.size
    fig, axes = style.figure(1, rows, aspect=1.6, sharey=True, squeeze=False)
    acc = d.test_accuracy
    for r, ax in enumerate(axes[0]):
        mean, err = acc[r].mean(-1), acc[r].std(-1, ddof=1) / np.sqrt(acc.shape[-1]) if acc.shape[-1] > 1 else None
        ax.errorbar(d.sigma_w2[r], mean, yerr=err, fmt="o-", color="0.3", ms=4, label="test accuracy (mean of seeds)")
        for k, kw in _LINE_STYLE.items():
            ln, e = d.refs.ln_sigma_w2[k][r], d.refs.ln_sigma_w2_err[k][r]
            if np.isfinite(ln):
                ax.axvline(np.exp(ln), **kw)
                if np.isfinite(e) and e > 0:
                    ax.axvspan(np.exp(ln - e), np.exp(ln + e), color=kw["color"], alpha=0.15, lw=0)
        if not d.optima.at_edge[r]:
            ax.axvline(np.exp(d.optima.ln_best[r]), color="k", lw=2.5, alpha=0.5, label="accuracy optimum")
        _log_axis(ax, d.sigma_w2[r])
        ax.set_title(f"$h = {d.refs.h[r]:g}$", fontsize="small")
        ax.set_xlabel("$\\sigma_w^2$")
    axes[0, 0].set_ylabel("test accuracy")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    for ax in axes[0, 1:]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="outside lower center", ncol=5, fontsize="small")
    fig.suptitle(str(d.design), fontsize="medium")
    return fig


def lines_figure(results):
    """σ_w² of the accuracy optimum against the drive h, with the three reference lines, one panel per design."""
    n = len(results.designs)
    ncols = min(n, 3)
    nrows = int(np.ceil(n / ncols))
    fig, axes = style.figure(nrows, ncols, aspect=0.8, sharey=True, squeeze=False)
    for ax, d in zip(axes.ravel(), results.designs):
        x = np.arange(d.refs.h.size)
        for k, kw in _LINE_STYLE.items():
            ln, e = d.refs.ln_sigma_w2[k], np.nan_to_num(d.refs.ln_sigma_w2_err[k])
            ax.errorbar(x, np.exp(ln), yerr=[np.exp(ln) - np.exp(ln - e), np.exp(ln + e) - np.exp(ln)],
                        marker="s", ms=3, capsize=2, **kw)
        o = d.optima
        inside = ~o.at_edge
        ax.errorbar(x[inside], np.exp(o.ln_best[inside]), yerr=[
            np.exp(o.ln_best[inside]) - np.exp(o.ln_best[inside] - o.ln_best_err[inside]),
            np.exp(o.ln_best[inside] + o.ln_best_err[inside]) - np.exp(o.ln_best[inside])],
            fmt="o", color="k", ms=6, capsize=3, label="accuracy optimum")
        ax.plot(x[~inside], np.exp(o.ln_best[~inside]), "x", color="k", ms=7, label="optimum at the grid's end")
        ax.set_xticks(x, [f"{h:g}" for h in d.refs.h])
        ax.set_yscale("log")
        ax.set_yticks([0.3, 0.5, 0.7, 1, 1.5, 2, 3])
        ax.yaxis.set_major_formatter("{x:g}")
        ax.yaxis.set_minor_formatter("")
        ax.set_xlabel("drive $h = N\\sigma_b^2/q_0$")
        ax.set_title(str(d.design), fontsize="small")
    for ax in axes[:, 0]:
        ax.set_ylabel("$\\sigma_w^2$")
    for ax in axes.ravel()[n:]:
        ax.set_axis_off()
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=5, fontsize="small")
    return fig


def predictors_figure(results):
    """Within-drive ρ of the test accuracy with every predictor, with its 95 % interval, for every design."""
    designs = results.designs
    names = designs[0].comparison.names
    fig, ax = style.figure(aspect=0.3 + 0.12 * len(designs))
    colors = style.colors(len(names), "colorblind")
    for j, d in enumerate(designs):
        t = d.comparison
        for i, (k, c) in enumerate(zip(names, colors)):
            y = j + (i - (len(names) - 1) / 2) * 0.12
            ax.errorbar(t.rho[i], y, xerr=[[t.rho[i] - t.low[i]], [t.high[i] - t.rho[i]]], fmt="o", color=c, ms=4,
                        capsize=2, label=PREDICTOR_SYMBOLS[k] if j == 0 else None)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_yticks(range(len(designs)), [str(d.design) for d in designs], fontsize="small")
    ax.invert_yaxis()
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("$\\rho_s$ of test accuracy with the predictor, within drives (95 % interval)")
    fig.legend(loc="outside lower center", ncol=5, fontsize="small")
    return fig


def learning_curves(results, design=0, row=0):
    """Test accuracy against training step for every σ_w² of one drive (mean over seeds, chosen learning rates)."""
    d = results.designs[design]
    if not 0 <= row < d.refs.h.size:
        raise ValueError(f"row must be in 0 … {d.refs.h.size - 1} (a kept drive), got {row}")
    curves = d.test_curve[row].mean(1)  # (P, n_eval)
    fig, ax = style.figure(aspect=0.55)
    for curve, w, color in zip(curves, d.sigma_w2[row], style.colors(curves.shape[0], "viridis")):
        ax.plot(d.eval_steps, curve, color=color, label=f"{w:.2f}")
    ax.set_xlabel("training step")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"{d.design}, $h = {d.refs.h[row]:g}$", fontsize="small")
    ax.legend(title="$\\sigma_w^2$", fontsize="x-small", ncol=2, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig
