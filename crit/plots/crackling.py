"""Figures of the chapter "quasi-critical scaling" (compute lives in :mod:`crit.analysis.crackling`)."""

from __future__ import annotations

import numpy as np
import matplotlib
from matplotlib import cm, colors as mcolors

from crit.book import style

AUTHORS_COLOR, OURS_COLOR = "0.25", style.PHASE_COLORS["active"]


def _anchored_line(ax, pdf, xmin, xmax, tau, color, label):
    """x^-τ on [xmin, xmax] (or to the data's end), anchored to the binned PDF at xmin."""
    x_end = pdf.centers[-1] if xmax is None or not np.isfinite(xmax) else xmax
    x = np.geomspace(xmin, x_end, 50)
    y0 = np.exp(np.interp(np.log(xmin), np.log(pdf.centers), np.log(pdf.density)))
    ax.plot(x, y0 * (x / xmin) ** (-tau), "--", color=color, lw=1.8, label=label)


def distributions(analysis):
    """P(S), P(D) with both fits, and ⟨S⟩(D) with the authors' γ, for one simulation."""
    a, o = analysis.authors, analysis.ours
    fig, axes = style.figure(1, 3, aspect=0.9)
    for ax, pdf, key, name in ((axes[0], analysis.pdf_sizes, "s", "S"), (axes[1], analysis.pdf_durations, "d", "D")):
        ax.loglog(pdf.centers, pdf.density, "o", ms=3, color="0.55", label="data (equal-count bins)")
        tau_a, tau_o = getattr(a, f"tau_{key}"), getattr(o, f"tau_{key}")
        _anchored_line(ax, pdf, getattr(a, f"xmin_{key}"), None, tau_a, AUTHORS_COLOR,
                       f"authors' fit $\\tau_{key}$ = {tau_a:.3f}")
        xmax_o = o.xmax_d if key == "d" else None
        _anchored_line(ax, pdf, getattr(o, f"xmin_{key}"), xmax_o, tau_o, OURS_COLOR,
                       f"our fit $\\tau_{key}$ = {tau_o:.3f}")
        ax.set_xlabel(f"${name}$")
        ax.set_ylabel(f"$P({name})$")
        ax.legend(fontsize="x-small", loc="lower left")
    g = analysis.gamma_fit
    ax = axes[2]
    ax.loglog(g.durations, g.mean_sizes, "o", ms=3, color="0.55", alpha=0.6, label="$\\langle S\\rangle(D)$")
    ax.loglog(g.durations, 10 ** (g.intercept + g.gamma * np.log10(g.durations)), "--", color=AUTHORS_COLOR,
              label=f"$\\gamma$ = {g.gamma:.3f}")
    ax.set_xlabel("$D$")
    ax.set_ylabel("$\\langle S\\rangle$")
    ax.legend(fontsize="x-small")
    fig.suptitle(f"$N={analysis.width}$, depth {analysis.depth}, $\\sigma_w^2={analysis.sigma_w2:.4f}$, "
                 f"{analysis.n_inputs:,d} inputs", fontsize="medium")
    return fig


def collapse(analysis, every=None):
    """The shape collapse: rescaled mean profiles V̄(ℓ) D^{1−γ*} against ℓ/D, coloured by D."""
    c = analysis.collapse
    fig, ax = style.figure(aspect=0.6, width=style.WIDTH * 0.75)
    norm = mcolors.Normalize(c.durations.min(), c.durations.max())
    cmap = matplotlib.colormaps["rainbow_r"]
    step = every or max(1, c.durations.size // 6)
    for k in range(0, c.durations.size, step):
        ax.plot(c.u, c.curves[k], color=cmap(norm(c.durations[k])), lw=1.4)
    ax.plot(c.u, c.mean_curve, "k--", lw=1, label="mean")
    fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, label="$D$")
    ax.set_xlabel("$\\ell / D$")
    ax.set_ylabel("$\\bar V(\\ell)\\, D^{1-\\gamma^*}$")
    ax.set_title(f"shape collapse: $\\gamma^*$ = {c.gamma:.2f} ± {c.sigma:.2f}")
    ax.legend(fontsize="small")
    return fig


def drive_exponents(sweep):
    """τ_s, τ_d (left) and γ, γ_pred (right) against the drive σ_b², both fitting choices."""
    fig, (ax_t, ax_g) = style.figure(1, 2, aspect=0.85)
    x = np.where(sweep.sigma_b2 > 0, sweep.sigma_b2, np.nan)
    x0 = np.nanmin(x) / 3 if np.isfinite(x).any() else 1e-6
    x = np.where(np.isnan(x), x0, x)  # the undriven point, drawn at the left edge
    for data, color, label, shift in ((sweep.authors, AUTHORS_COLOR, "authors'", 0.97), (sweep.ours, OURS_COLOR, "ours", 1.03)):
        for ax, (i, j), markers in ((ax_t, (0, 1), ("o", "s")), (ax_g, (2, 3), ("o", "^"))):
            names = ("$\\tau_s$", "$\\tau_d$") if ax is ax_t else ("$\\gamma$", "$\\gamma_{pred}$")
            for k, marker, name in zip((i, j), markers, names):
                ax.errorbar(x * shift, data[:, k, 0], yerr=data[:, k, 1], fmt=marker + "-", color=color, ms=4,
                            mfc="white" if k in (1, 3) else color, label=f"{name}, {label}")
    for ax in (ax_t, ax_g):
        ax.set_xscale("log")
        ax.set_xlabel("drive $\\sigma_b^2$ (leftmost: $\\sigma_b^2=0$)")
        ax.legend(fontsize="x-small", ncol=2)
    ax_t.set_ylabel("exponent")
    ax_g.set_ylabel("$\\gamma$")
    ax_t.set_title("size and duration exponents")
    ax_g.set_title("crackling relation")
    return fig


def exponent_plane(points, classes):
    """Measured (τ_s, τ_d) with errors against reference classes.

    Parameters
    ----------
    points : dict
        ``{label: (tau_s, tau_s_err, tau_d, tau_d_err)}``.
    classes : dict
        ``{name: (tau_s, tau_d, gamma)}`` of the reference classes.
    """
    fig, ax = style.figure(aspect=0.75, width=style.WIDTH * 0.8)
    c = np.linspace(0, 0.9, 50)
    ax.plot((3 - c) / 2, 2 - c, ":", color="0.5", label="ABBM, drive $c$: $((3-c)/2,\\ 2-c)$")
    for name, (ts, td, _) in classes.items():
        ax.plot(ts, td, "*", ms=13, label=name)
    palette = style.colors(max(len(points), 1), "crest")
    for (label, (ts, ts_e, td, td_e)), color in zip(points.items(), palette):
        ax.errorbar(ts, td, xerr=ts_e, yerr=td_e, fmt="o", color=color, label=label)
    ax.set_xlabel("$\\tau_s$")
    ax.set_ylabel("$\\tau_d$")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right center", fontsize="x-small")
    return fig
