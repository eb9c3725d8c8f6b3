"""Figures of the chapter "quasi-critical scaling" (:mod:`crit.chapters.quasi_critical_scaling` re-exports them).

Each function takes a part of the chapter's
:class:`~crit.chapters.quasi_critical_scaling.QuasiCriticalScalingResults` (``results.point``,
``results.sweep`` or ``results.plane_points``) and returns a matplotlib figure.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib import cm
from matplotlib import colors as mcolors

from crit.analysis import crackling, quasicritical
from crit.analysis.universality import REFERENCE_CLASSES
from crit.book import style

__all__ = ["collapse", "distributions", "drive_exponents", "exponent_plane"]

_AUTHORS_COLOR, _OURS_COLOR = "0.25", style.PHASE_COLORS["active"]


def _anchored_line(ax, pdf, xmin, xmax, tau, color, label):
    """x^-τ on [xmin, xmax] (or to the data's end), anchored to the binned PDF at xmin."""
    if pdf.centers.size == 0 or not np.isfinite(tau):  # nothing binned, or an undetermined fit: no line
        return
    x_end = pdf.centers[-1] if xmax is None or not np.isfinite(xmax) else xmax
    x = np.geomspace(xmin, x_end, 50)
    y0 = np.exp(np.interp(np.log(xmin), np.log(pdf.centers), np.log(pdf.density)))
    ax.plot(x, y0 * (x / xmin) ** (-tau), "--", color=color, lw=1.8, label=label)


def distributions(analysis: crackling.CracklingAnalysis):
    """P(S), P(T) with both fits, and ⟨S⟩(T) with the authors' γ, for one analysed simulation (``results.point``)."""
    a, o = analysis.authors, analysis.ours
    fig, axes = style.figure(1, 3, aspect=0.9)
    for ax, pdf, key, name in ((axes[0], analysis.pdf_sizes, "s", "S"), (axes[1], analysis.pdf_durations, "d", "T")):
        ax.loglog(pdf.centers, pdf.density, "o", ms=3, color="0.55", label="data (equal-count bins)")
        tau_a, tau_o = getattr(a, f"tau_{key}"), getattr(o, f"tau_{key}")
        _anchored_line(ax, pdf, getattr(a, f"xmin_{key}"), None, tau_a, _AUTHORS_COLOR,
                       f"authors' fit $\\tau_{key}$ = {tau_a:.3f}")
        xmax_o = o.xmax_d if key == "d" else None
        _anchored_line(ax, pdf, getattr(o, f"xmin_{key}"), xmax_o, tau_o, _OURS_COLOR,
                       f"our fit $\\tau_{key}$ = {tau_o:.3f}")
        ax.set_xlabel(f"${name}$")
        ax.set_ylabel(f"$P({name})$")
        ax.legend(fontsize="x-small", loc="lower left")
    g = analysis.gamma_fit
    ax = axes[2]
    ax.loglog(g.durations, g.mean_sizes, "o", ms=3, color="0.55", alpha=0.6, label="$\\langle S\\rangle(T)$")
    ax.loglog(g.durations, 10 ** (g.intercept + g.gamma * np.log10(g.durations)), "--", color=_AUTHORS_COLOR,
              label=f"$\\gamma$ = {g.gamma:.3f}")
    ax.set_xlabel("$T$")
    ax.set_ylabel("$\\langle S\\rangle$")
    ax.legend(fontsize="x-small")
    fig.suptitle(f"$N={analysis.width}$, depth {analysis.depth}, $\\sigma_w^2={analysis.sigma_w2:.4f}$, "
                 f"{analysis.n_inputs:,d} inputs", fontsize="medium")
    return fig


def collapse(analysis: crackling.CracklingAnalysis, every=None):
    """The shape collapse: rescaled mean traces V̄(ℓ) T^{1−γ*} against ℓ/T, coloured by T.

    ``every``: draw every that many durations (default: about six curves).
    """
    c = analysis.collapse
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
    ax.set_title(f"shape collapse: $\\gamma^*$ = {c.gamma:.2f} ± {c.sigma:.2f}")
    ax.legend(fontsize="small")
    return fig


def drive_exponents(sweep: quasicritical.DriveSweep):
    """τ_s, τ_d (left) and γ, γ_pred (right) against the drive σ_b², both fitting choices (``results.sweep``)."""
    fig, (ax_t, ax_g) = style.figure(1, 2, aspect=0.85)
    x = np.where(sweep.sigma_b2 > 0, sweep.sigma_b2, np.nan)
    x0 = np.nanmin(x) / 3 if np.isfinite(x).any() else 1e-6
    x = np.where(np.isnan(x), x0, x)  # the undriven point, drawn at the left edge
    for data, color, label, shift in ((sweep.authors, _AUTHORS_COLOR, "authors'", 0.97), (sweep.ours, _OURS_COLOR, "ours", 1.03)):
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


def exponent_plane(points: dict, classes: dict | None = None):
    """Measured (τ_s, τ_d) with errors against reference classes and the driven ABBM line.

    Parameters
    ----------
    points : dict
        ``{label: (tau_s, tau_s_err, tau_d, tau_d_err)}``, e.g. ``results.plane_points``.
    classes : dict, optional
        ``{name: (tau_s, tau_d, gamma)}`` of the reference classes; default
        :data:`crit.analysis.universality.REFERENCE_CLASSES`.
    """
    classes = REFERENCE_CLASSES if classes is None else classes
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
