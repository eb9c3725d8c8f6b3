"""The chapter "quasi-critical scaling": crackling exponents at the critical point and along the drive.

Settings (:data:`PROFILES`), the cached computation of the page (:func:`compute`, which returns a
:class:`QuasiCriticalScalingResults`), and the page's tables and figures. The science is in
:mod:`crit.analysis.crackling` (the authors' fits and ours of one run) and
:mod:`crit.analysis.quasicritical` (the exponents along the susceptibility ridge under drive).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib import cm
from matplotlib import colors as mcolors

from crit.analysis import crackling, quasicritical
from crit.analysis.universality import REFERENCE_CLASSES
from crit.book import style, tables
from crit.book.cache import cached_call
from crit.chapters.settings import Grid, Profiles, Results, Settings
from crit.models import avalanches, theory
from crit.seeds import sub_seed

__all__ = [
    "QuasiCriticalScalingSettings", "QuasiCriticalScalingResults", "PROFILES", "compute",
    "comparison_table", "likelihood_ratio_table", "drive_table",
    "distributions", "collapse", "drive_exponents", "exponent_plane",
]


@dataclass(frozen=True, kw_only=True)
class QuasiCriticalScalingSettings(Settings):
    """Sizes of the quasi-critical-scaling page.

    Parameters
    ----------
    width : int
        Neurons per layer N of every simulation.
    depth : int
        Layers of every network.
    sigma_w2 : float or None
        σ_w² (weight variance times N) of the headline point at σ_b² = 0; ``None``: the
        finite-width critical point e^{ln(N/2) − ψ(N/2)} of ``width``.
    n_inputs : int
        Random inputs of the headline point.
    inputs_per_network : int
        Inputs per network of the headline point (a new network every that many).
    collapse_range : (int, int, int)
        (D_min, D_max, min_count) of the shape collapse, durations in layers.
    n_resamples : int
        Bootstrap resamples of whole networks at the headline point (half of it, at least 10,
        along the drive).
    n_sets : int
        Synthetic sets of each goodness-of-fit p-value.
    gamma_min_count : int
        Fewest avalanches a duration needs in our γ fit.
    sweep_sigma_b2 : tuple of float
        Bias variances σ_b² of the drive sweep, increasing; 0 is the finite-width critical point.
    drive_n_inputs : int
        Random inputs at each drive.
    drive_inputs_per_network : int
        Inputs per network at each drive.
    ridge_sigma_w2 : Grid
        σ_w² grid on which the ridge of χ_F is located at each drive.
    ridge_n_inputs : int
        Inputs per grid point of the ridge scans (100 per network).
    """

    width: int
    depth: int
    sigma_w2: float | None
    n_inputs: int
    inputs_per_network: int
    collapse_range: tuple[int, int, int]
    n_resamples: int
    n_sets: int
    gamma_min_count: int
    sweep_sigma_b2: tuple[float, ...]
    drive_n_inputs: int
    drive_inputs_per_network: int
    ridge_sigma_w2: Grid
    ridge_n_inputs: int


PROFILES = Profiles(
    ci=QuasiCriticalScalingSettings(
        width=100, depth=200, sigma_w2=None, n_inputs=100_000, inputs_per_network=1000,
        collapse_range=(20, 80, 20), n_resamples=50, n_sets=100, gamma_min_count=50,
        sweep_sigma_b2=(0.0, 3e-6, 1e-5, 3e-5), drive_n_inputs=20_000, drive_inputs_per_network=500,
        ridge_sigma_w2=Grid.linear(0.85, 1.25, 9), ridge_n_inputs=1000,
    ),
    # the authors' point (paper-method.md §3-4): width 500, depth 1000, sigma_w2 = 1.002, 2e6 inputs
    paper=QuasiCriticalScalingSettings(
        width=500, depth=1000, sigma_w2=1.002, n_inputs=2_000_000, inputs_per_network=1000,
        collapse_range=(60, 250, 20), n_resamples=100, n_sets=200, gamma_min_count=100,
        sweep_sigma_b2=(0.0, 1e-6, 3e-6, 1e-5, 3e-5), drive_n_inputs=200_000, drive_inputs_per_network=1000,
        ridge_sigma_w2=Grid.linear(0.9, 1.1, 21), ridge_n_inputs=10_000,
    ),
)


@dataclass(frozen=True, eq=False)
class QuasiCriticalScalingResults(Results):
    """Everything the page shows.

    Attributes
    ----------
    point : crit.analysis.crackling.CracklingAnalysis
        Both fits, the shape collapse and the likelihood ratios of the headline point (σ_b² = 0).
    sweep : crit.analysis.quasicritical.DriveSweep
        Exponents along the ridge against the drive.
    iid_ratio : float
        Network-bootstrap error of the authors' τ_s over their i.i.d. formula.
    drift_tau_s, drift_gamma : float
        Change of the authors' τ_s and γ from the undriven point to the strongest drive.
    ratio_min, ratio_max : float
        Range of γ/γ_pred (authors' fits) over the drives, NaN rows left out.
    ours_nan : int
        Drives at which our fits failed.
    plane_points : dict
        ``{label: (tau_s, tau_s_err, tau_d, tau_d_err)}``: the headline point with both fits and
        every driven point with the authors' fit, for :func:`exponent_plane`.
    abbm_off : float
        Largest abs(τ_d − (2τ_s − 1)) of the driven points (authors' fits): distance from the ABBM line.
    abbm_gamma : float
        Mean γ of the driven points (authors' fits).
    tau_d_shift : float
        Absolute change of the authors' τ_d from the undriven point to the strongest drive.
    """

    point: crackling.CracklingAnalysis
    sweep: quasicritical.DriveSweep
    iid_ratio: float
    drift_tau_s: float
    drift_gamma: float
    ratio_min: float
    ratio_max: float
    ours_nan: int
    plane_points: dict
    abbm_off: float
    abbm_gamma: float
    tau_d_shift: float



def compute(profile="ci", *, seed=0, device="auto", progress=False) -> QuasiCriticalScalingResults:
    """The page's results: the headline point and the drive sweep (cached), and what is derived from them.

    Parameters
    ----------
    profile : str or QuasiCriticalScalingSettings
        A name of :data:`PROFILES` ("ci", "paper") or settings of one's own, e.g.
        ``dataclasses.replace(PROFILES["ci"], n_inputs=20_000)``.
    seed : int
        The notebook's ``SEED``.
    device : str or torch.device
        "auto", "cpu" or "cuda"; not part of the cache key.
    progress : bool
        Show progress bars.
    """
    s = PROFILES.resolve(profile)
    dev = avalanches.resolve_device(device)
    sigma_w2 = s.sigma_w2 if s.sigma_w2 is not None else float(theory.finite_width_critical_sigma_w2(s.width))
    point = cached_call(
        crackling.CracklingAnalysis, crackling.simulate_and_analyse, width=s.width, depth=s.depth,
        sigma_w2=sigma_w2, sigma_b2=0.0, n_inputs=s.n_inputs, inputs_per_network=s.inputs_per_network,
        collapse_range=s.collapse_range, n_resamples=s.n_resamples, n_sets=s.n_sets, gamma_min_count=s.gamma_min_count,
        seed=sub_seed(seed, "point"), device=dev, progress=progress)
    sweep = cached_call(
        quasicritical.DriveSweep, quasicritical.drive_sweep, sigma_b2=s.sweep_sigma_b2, width=s.width, depth=s.depth,
        n_inputs=s.drive_n_inputs, inputs_per_network=s.drive_inputs_per_network,
        ridge_sigma_w2=s.ridge_sigma_w2.values(), ridge_n_inputs=s.ridge_n_inputs, seed=sub_seed(seed, "drive sweep"),
        n_resamples=max(10, s.n_resamples // 2), device=dev, progress=progress)
    return QuasiCriticalScalingResults(settings=s, seed=seed, point=point, sweep=sweep,
                                       **_derived(point, sweep))


def _nan_reduce(reduce, values) -> float:
    """``reduce`` (a NaN-ignoring NumPy reduction) of ``values``; NaN when none is finite."""
    values = np.asarray(values, float)
    return float(reduce(values)) if np.isfinite(values).any() else float("nan")


def _derived(point, sweep) -> dict:
    """The light analyses of the page: glued numbers and the points of the exponent plane."""
    a, o, authors = point.authors, point.ours, sweep.authors  # authors: (drive, exponent, value/error)
    ratio = authors[:, 2, 0] / authors[:, 3, 0]  # gamma / gamma_pred
    points = {
        "critical point, authors' fit": (a.tau_s, a.tau_s_err, a.tau_d, a.tau_d_err),
        "critical point, our fit": (o.tau_s, o.tau_s_err, o.tau_d, o.tau_d_err),
    }
    for k in range(1, sweep.sigma_b2.size):
        points[f"ridge σ_b²={sweep.sigma_b2[k]:g}, authors' fit"] = tuple(float(v) for v in authors[k, :2].ravel())
    driven = authors[1:]
    off_line = driven[:, 1, 0] - (2 * driven[:, 0, 0] - 1)  # τ_d − (2τ_s − 1): distance from the ABBM line
    return dict(
        iid_ratio=float(a.tau_s_err / a.tau_s_err_iid),
        drift_tau_s=float(authors[-1, 0, 0] - authors[0, 0, 0]),
        drift_gamma=float(authors[-1, 2, 0] - authors[0, 2, 0]),
        ratio_min=_nan_reduce(np.nanmin, ratio), ratio_max=_nan_reduce(np.nanmax, ratio),
        ours_nan=int(np.isnan(sweep.ours[:, 0, 0]).sum()),
        plane_points=points,
        abbm_off=_nan_reduce(np.nanmax, np.abs(off_line)),
        abbm_gamma=_nan_reduce(np.nanmean, driven[:, 2, 0]),
        tau_d_shift=float(abs(authors[-1, 1, 0] - authors[0, 1, 0])),
    )


# ---------------------------------------------------------------------------------------------- tables


def comparison_table(results: QuasiCriticalScalingResults) -> str:
    """The authors' fits and ours of the headline point side by side (and the authors' published
    numbers in the paper profile), as Markdown."""
    analysis = results.point
    with_published = results.settings.profile == "paper"
    a, o, c = analysis.authors, analysis.ours, analysis.collapse
    fmt = tables.fmt

    def pair(e, name):
        return fmt(getattr(e, name), getattr(e, name + "_err"), 3)

    rows = [
        ["$\\tau_s$", pair(a, "tau_s"), pair(o, "tau_s")],
        ["$\\tau_d$", pair(a, "tau_d"), pair(o, "tau_d")],
        ["$\\gamma$ from $\\langle S\\rangle(T)$", pair(a, "gamma"), pair(o, "gamma")],
        ["$\\gamma_{pred} = (\\tau_d-1)/(\\tau_s-1)$", pair(a, "gamma_pred"), pair(o, "gamma_pred")],
        ["$|\\gamma-\\gamma_{pred}|$ / error", fmt(a.distance, digits=1), fmt(o.distance, digits=1)],
        ["$\\gamma^*$ (shape collapse)", fmt(c.gamma, c.sigma, 2), fmt(c.gamma, c.sigma, 2)],
        ["size range $[S_{min}, S_{max}]$", f"[{a.xmin_s:g}, ∞)", f"[{o.xmin_s:.3g}, {o.xmax_s:.3g}]"],
        ["duration range $[T_{min}, T_{max}]$", f"[{a.xmin_d:g}, ∞)", f"[{o.xmin_d:g}, {o.xmax_d:g}]"],
        ["never-ending avalanches", "kept", "dropped"],
        ["GoF p-value (S, T)", "not tested", f"{fmt(o.p_s, digits=2)}, {fmt(o.p_d, digits=2)}"],
    ]
    headers = ["", "authors' choices", "our choices"]
    if with_published:
        pub = crackling.AUTHORS_NOTEBOOK
        extra = [fmt(*pub["tau_s"], 4), fmt(*pub["tau_d"], 4), fmt(pub["gamma"][0], digits=4),
                 fmt(pub["gamma_pred"][0], digits=3), "–", fmt(*pub["gamma_star"], 2), "[0.5, ∞)", "[5, ∞)", "kept",
                 "not tested"]
        rows = [r + [e] for r, e in zip(rows, extra)]
        headers.append("authors' notebook")
    return tables.markdown(headers, rows)


def likelihood_ratio_table(results: QuasiCriticalScalingResults) -> str:
    """Vuong's normalised ratio R and its p-value of our power-law fits against each alternative, as Markdown."""
    point, fmt = results.point, tables.fmt
    return tables.markdown(
        ["alternative", "sizes: $R$", "sizes: p", "durations: $R$", "durations: p"],
        [[alt, fmt(s[0], digits=2), fmt(s[1], digits=3), fmt(d[0], digits=2), fmt(d[1], digits=3)]
         for alt, s, d in zip(point.alternatives, point.lr_sizes, point.lr_durations)],
    )


def drive_table(results: QuasiCriticalScalingResults) -> str:
    """Ridge point, surviving fraction and both sets of exponents at every drive, as Markdown."""
    sweep, fmt = results.sweep, tables.fmt
    rows = []
    for k, b2 in enumerate(sweep.sigma_b2):
        a_k, o_k = sweep.authors[k], sweep.ours[k]
        rows.append([f"{b2:g}", fmt(sweep.sigma_w2[k], sweep.sigma_w2_err[k], 3),
                     fmt(sweep.surviving_fraction[k], digits=3)]
                    + [fmt(*a_k[j], 3) for j in range(4)] + [fmt(*o_k[j], 3) for j in range(4)])
    return tables.markdown(
        ["$\\sigma_b^2$", "$\\sigma_w^2$", "$\\rho$", "$\\tau_s$ (a)", "$\\tau_d$ (a)", "$\\gamma$ (a)",
         "$\\gamma_{pred}$ (a)", "$\\tau_s$ (o)", "$\\tau_d$ (o)", "$\\gamma$ (o)", "$\\gamma_{pred}$ (o)"], rows)


# --------------------------------------------------------------------------------------------- figures

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
