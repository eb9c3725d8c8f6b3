"""Figures of the chapter "Does susceptibility predict learning?" (:mod:`crit.chapters.susceptibility_predicts_learning`
re-exports them).

Each function takes the chapter's
:class:`~crit.chapters.susceptibility_predicts_learning.SusceptibilityPredictsLearningResults` and returns a
matplotlib figure.
"""

from __future__ import annotations

import numpy as np

from crit.book import style
from crit.chapters._susceptibility_predicts_learning_verdicts import PREDICTOR_LABELS
from crit.models import theory

__all__ = ["accuracy_map", "learning_curves", "scatter"]


def _edges(x, geometric):
    mid = np.sqrt(x[1:] * x[:-1]) if geometric else (x[1:] + x[:-1]) / 2
    first = x[0] ** 2 / mid[0] if geometric else 2 * x[0] - mid[0]
    last = x[-1] ** 2 / mid[-1] if geometric else 2 * x[-1] - mid[-1]
    return np.concatenate([[first], mid, [last]])


def accuracy_map(results):
    """Mean test accuracy over seeds on the (σ_w², σ_b²) grid, with the χ ridge and the χ₁ = 1 line."""
    runs = results.runs
    sb = np.unique(runs[0].sigma_b2)
    sw = np.unique(runs[0].sigma_w2)
    acc = np.mean([r.test_accuracy for r in runs], axis=0).reshape(sb.size, sw.size)
    rows = np.arange(sb.size)
    fig, ax = style.figure(aspect=0.75)
    mesh = ax.pcolormesh(_edges(sw, True), np.arange(sb.size + 1) - 0.5, acc, cmap="mako", vmin=0, vmax=1)
    fig.colorbar(mesh, ax=ax, label=f"test accuracy (mean of {len(runs)} seeds)")
    ax.errorbar(results.ridge_peak, rows, xerr=results.ridge_err, fmt="o-", color=style.PHASE_COLORS["active"],
                label="susceptibility ridge (max of $\\chi$)")
    ax.plot(theory.critical_sigma_w2(sb), rows, "s--", color="#cc78bc", label="mean field $\\chi_1 = 1$")
    best = np.argmax(acc, axis=1)
    ax.plot(sw[best], rows, "x", color="0.85", mec="0.45", ms=8, mew=2, label="best accuracy of the row")
    ax.plot(theory.finite_width_critical_sigma_w2(results.scan.width), 0, "*", ms=12,
            color=style.PHASE_COLORS["critical"], label=f"finite-width critical point, $N={results.scan.width}$")
    ax.set_xscale("log")
    ax.set_xlim(_edges(sw, True)[[0, -1]])
    ax.set_xticks([t for t in (0.5, 0.7, 1, 1.5, 2, 3, 4) if sw[0] <= t <= sw[-1] * 1.01])
    ax.xaxis.set_major_formatter("{x:g}")
    ax.xaxis.set_minor_formatter("")
    ax.set_yticks(rows, [f"{b:g}" for b in sb])
    ax.set_xlabel("$\\sigma_w^2$")
    ax.set_ylabel("$\\sigma_b^2$")
    r = runs[0]
    ax.set_title(f"{r.dataset}: width {r.width}, depth {r.depth}, {r.steps} steps of {r.optimizer.upper()}")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize="small")
    return fig


def scatter(results, *, ylabel="test accuracy"):
    """Test accuracy against each predictor (oriented: right = predicted better), with Spearman's ρ in the titles."""
    score, predictors, table = results.score, results.oriented, results.accuracy
    keys = list(predictors)
    ncols = 3
    nrows = int(np.ceil(len(keys) / ncols))
    fig, axes = style.figure(nrows, ncols, aspect=0.9, sharey=True, squeeze=False)
    for ax, key in zip(axes.ravel(), keys):
        x = predictors[key]
        k = table.index(key)
        ax.scatter(x, score, s=12, alpha=0.6, color=style.PHASE_COLORS["critical"], lw=0)
        if key in ("chi", "chi_f") and np.all(x >= 0) and np.any(x > 0):
            ax.set_xscale("symlog", linthresh=max(np.percentile(x[x > 0], 10), 1e-6))
        title = (f"$\\rho_s$ = {table.rho[k]:.2f} [{table.low[k]:.2f}, {table.high[k]:.2f}]"
                 if np.isfinite(table.rho[k]) else "$\\rho_s$ undetermined")
        ax.set_title(title, fontsize="small")
        ax.set_xlabel(PREDICTOR_LABELS[key], fontsize="small")
    for ax in axes.ravel()[len(keys):]:
        ax.set_axis_off()
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    return fig


def learning_curves(results, sigma_b2=0.0):
    """Test accuracy against training step for every σ_w² of one σ_b² row (mean over seeds)."""
    runs = results.runs
    r0 = runs[0]
    row = np.isclose(r0.sigma_b2, sigma_b2)
    if not row.any():
        raise ValueError(f"sigma_b2={sigma_b2} is not a row of the grid {np.unique(r0.sigma_b2).tolist()}")
    curves = np.mean([r.test_curve[row] for r in runs], axis=0)
    fig, ax = style.figure(aspect=0.55)
    for curve, w, color in zip(curves, r0.sigma_w2[row], style.colors(int(row.sum()), "viridis")):
        ax.plot(r0.eval_steps, curve, color=color, label=f"{w:.2f}")
    ax.set_xlabel("training step")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"$\\sigma_b^2 = {sigma_b2:g}$")
    ax.legend(title="$\\sigma_w^2$", fontsize="x-small", ncol=2, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig

