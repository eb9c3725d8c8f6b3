r"""Chapter "Absorbing and active phases": its settings, its computation, its tables and figures.

:func:`compute` runs every scan of the page through the results cache
(:func:`crit.analysis.phases.scan`) and locates their susceptibility peaks and ridges
(:func:`crit.analysis.phases.peaks`, :func:`crit.analysis.phases.ridge`); the figures and tables
below take its :class:`PhaseDiagramResults`. The verdicts of the page (:func:`claim` and the
sentences it glues) and its two tables with undetermined cells live in ``_phase_diagram_verdicts``
and are re-exported here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import phases
from crit.book import style
from crit.book.cache import cached_call
from crit.chapters import _phase_diagram_verdicts as _verdicts
from crit.chapters._phase_diagram_verdicts import (  # the verdicts and tables of the page, re-exported
    AUTHORS_PEAK,
    authors_verdict,
    claim,
    order_parameter_verdicts,
    peak_shift_trend,
    peak_verdict,
    peak_width_trend,
    peak_widths,
    peaks_table,
    phases_sentence,
    ridge_sharp,
    ridge_table,
    ridge_verdicts,
    surviving_verdict,
)
from crit.chapters.settings import Grid, Profiles, Results, Settings
from crit.models import avalanches as av
from crit.models import theory
from crit.seeds import sub_seed

__all__ = [
    "AUTHORS_PEAK", "PROFILES", "SCOPE", "PhaseDiagramResults", "PhaseDiagramSettings", "authors_run",
    "authors_summary", "authors_verdict", "claim", "compute", "order_parameter_verdicts", "order_parameters",
    "peak_shift_trend", "peak_verdict", "peak_width_trend", "peak_widths", "peaks_table", "phases_sentence",
    "ridge_sharp", "ridge_table", "ridge_verdicts", "surviving_verdict", "susceptibilities",
    "susceptibility_map",
]

#: The authors' susceptibility scan, rerun as they ran it (their notebook's grid and sizes).
_AUTHORS_SIGMA_W2 = Grid.linear(0.95, 1.4, 20)
_AUTHORS_SCAN = {"sigma_b2": 0.0, "width": 300, "depth": 500, "n_inputs": 10_000, "inputs_per_network": 1000}


@dataclass(frozen=True)
class PhaseDiagramSettings(Settings):
    r"""Sizes of the phase-diagram page ("ci": 2 CPU cores, minutes; "paper": the paper's sizes, a GPU).

    Parameters
    ----------
    widths : tuple of int
        Widths N of the σ_w² sweeps at σ_b² = 0.
    depth_per_width : float
        Depth of each sweep = round(this × N) layers.
    sweep_sigma_w2 : Grid
        σ_w² grid of the sweeps (dimensionless, weight variance × N).
    n_inputs, inputs_per_network : int
        Inputs per grid point, and inputs per network (error bars come from the networks); the
        map uses the same ``inputs_per_network``.
    map_width, map_depth : int
        Width N and depth (layers) of the networks of the (σ_w², σ_b²) map.
    map_sigma_w2 : Grid
        σ_w² grid of the map (geometric).
    map_sigma_b2 : tuple of float
        σ_b² rows of the map (bias variance, the drive).
    map_n_inputs : int
        Inputs per point of the map.
    authors_run : bool
        Also rerun the authors' susceptibility scan (width 300, depth 500, 10⁴ inputs per point,
        σ_w² ∈ linspace(0.95, 1.4, 20), σ_b² = 0, a network per 1000 inputs).
    narrow_widths : tuple of int
        Widths N of the narrowing scans: σ_w² scans at σ_b² = 0 whose grid narrows as 1/√N around
        the finite-width critical point, σ_w² = σ_{w,c}²(N) + ``narrow_offsets``/√N.
    narrow_offsets : tuple of float
        Offsets of those grids, in units of 1/√N of σ_w².
    narrow_n_inputs, narrow_inputs_per_network : int
        Inputs per point of the narrowing scans, and inputs per network.
    narrow_depth_per_width : float
        Depth of each narrowing scan = round(this × N) layers.
    """

    widths: tuple[int, ...]
    depth_per_width: float
    sweep_sigma_w2: Grid
    n_inputs: int
    inputs_per_network: int
    map_width: int
    map_depth: int
    map_sigma_w2: Grid
    map_sigma_b2: tuple[float, ...]
    map_n_inputs: int
    authors_run: bool
    narrow_widths: tuple[int, ...]
    narrow_offsets: tuple[float, ...]
    narrow_n_inputs: int
    narrow_inputs_per_network: int
    narrow_depth_per_width: float

    def depth(self, width: int) -> int:
        """Depth (layers) of the sweep at width ``width``."""
        return round(self.depth_per_width * width)

    def narrow_depth(self, width: int) -> int:
        """Depth (layers) of the narrowing scan at width ``width``."""
        return round(self.narrow_depth_per_width * width)

    def narrow_sigma_w2(self, width: int) -> np.ndarray:
        """σ_w² grid of the narrowing scan at width ``width``: σ_{w,c}²(N) + offsets/√N."""
        return theory.finite_width_critical_sigma_w2(width) + np.array(self.narrow_offsets) / np.sqrt(width)


PROFILES = Profiles(
    ci=PhaseDiagramSettings(
        widths=(32, 64, 128), depth_per_width=1.0, sweep_sigma_w2=Grid.linear(0.85, 1.45, 13),
        n_inputs=4000, inputs_per_network=100, map_width=48, map_depth=96,
        map_sigma_w2=Grid.geometric(0.8, 2.6, 21), map_sigma_b2=(0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1),
        map_n_inputs=4000, authors_run=False,
        narrow_widths=(32, 64, 128), narrow_offsets=(-0.1, 0.0, 0.1, 0.2, 0.3, 0.45), narrow_n_inputs=600,
        narrow_inputs_per_network=40, narrow_depth_per_width=2.0,
    ),
    paper=PhaseDiagramSettings(
        widths=(100, 300, 1000), depth_per_width=2.0, sweep_sigma_w2=Grid.linear(0.9, 1.4, 26),
        n_inputs=20_000, inputs_per_network=200, map_width=300, map_depth=500,
        map_sigma_w2=Grid.geometric(0.8, 2.6, 31), map_sigma_b2=(0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1),
        map_n_inputs=10_000, authors_run=True,
        narrow_widths=(64, 128, 256, 512, 1024), narrow_offsets=tuple(np.round(np.arange(-0.1, 0.31, 0.025), 3)),
        narrow_n_inputs=10_000, narrow_inputs_per_network=200, narrow_depth_per_width=2.0,
    ),
)

#: What each profile's sizes can and cannot show (the page states it at its top).
SCOPE = {
    "ci": ("Widths 32 to 128 (depth equal to the width), a map at width 48 and no rerun of the authors' "
           "scan (width 300): these sizes show the two phases and the order of magnitude of the finite-width "
           "shift of the susceptibility peak; three small widths are too few for a finite-size scaling fit "
           "of the peak, and the sweeps end at $\\sigma_w^2 = 1.45$, so the full width of a broad peak of "
           "$\\chi$ may not fit in them."),
    "paper": ("The authors' sizes (widths 100 to 1000, depth twice the width, a map at width 300), a rerun of "
              "the authors' own susceptibility scan, and narrowing scans up to width 1024: a decade of widths "
              "for the approach of the peak to the finite-width critical point; still no finite-size scaling "
              "collapse, which is the subject of a later chapter."),
}


@dataclass(frozen=True, eq=False)
class PhaseDiagramResults(Results):
    """Everything the phase-diagram page shows.

    Attributes
    ----------
    sweeps : dict of int to PhaseScan
        σ_w² sweeps at σ_b² = 0, by width N.
    peaks : Peaks
        Peaks of χ and χ_F of the sweeps.
    rho_top, rho_at_one : float
        Surviving fraction ρ of the widest sweep at its largest σ_w², and at σ_w² = 1 (linear
        interpolation).
    map : PhaseScan
        The (σ_b², σ_w²) map.
    map_ridge_peak, map_ridge_err : numpy.ndarray
        Ridge of maxima of χ in every σ_b² row of the map (σ_w²) and its bootstrap error, shape (n_b,).
    map_mean_field : numpy.ndarray
        Mean-field critical σ_w² (χ₁ = 1) of every σ_b² row of the map.
    sharp_row : int
        Row of the strongest drive up to which every ridge is located to better than one grid step
        (:func:`ridge_sharp`); -1 if not even the undriven one is.
    authors : PhaseScan or None
        The authors' scan (None unless ``settings.authors_run``).
    authors_peak, authors_err : float or None
        Peak of χ of the authors' scan (σ_w²) and its error.
    narrow : dict of int to PhaseScan
        The narrowing scans (σ_w² = σ_{w,c}²(N) + offsets/√N), by width N.
    narrow_peaks : Peaks
        Peaks of χ and χ_F of the narrowing scans.
    """

    sweeps: dict
    peaks: phases.Peaks
    rho_top: float
    rho_at_one: float
    map: phases.PhaseScan
    map_ridge_peak: np.ndarray
    map_ridge_err: np.ndarray
    map_mean_field: np.ndarray
    sharp_row: int
    authors: phases.PhaseScan | None
    authors_peak: float | None
    authors_err: float | None
    narrow: dict
    narrow_peaks: phases.Peaks



def compute(profile="ci", *, seed=0, device="auto", progress=False) -> PhaseDiagramResults:
    """Run (or read from the results cache) every scan of the page and locate its peaks and ridges.

    Parameters
    ----------
    profile : str or PhaseDiagramSettings
        A name of :data:`PROFILES` ("ci" or "paper"), or settings of one's own, e.g.
        ``dataclasses.replace(PROFILES["ci"], widths=(16, 32))``.
    seed : int
        The notebook's ``SEED``; every scan's seed and every bootstrap stream derives from it.
    device : str or torch.device
        "auto", "cpu" or "cuda" (not part of the cache key).
    progress : bool
        Show progress bars.

    Returns
    -------
    PhaseDiagramResults
    """
    s = PROFILES.resolve(profile)
    seed = _validate.integer("seed", seed, minimum=0)
    run = functools.partial(cached_call, phases.PhaseScan, phases.scan,
                            device=av.resolve_device(device), progress=progress)
    sweeps = {width: run(sigma_w2=s.sweep_sigma_w2.values(), sigma_b2=0.0, width=width, depth=s.depth(width),
                         n_inputs=s.n_inputs, inputs_per_network=s.inputs_per_network, seed=sub_seed(seed, "sweep", width))
              for width in s.widths}
    grid = run(sigma_w2=s.map_sigma_w2.values(), sigma_b2=np.array(s.map_sigma_b2), width=s.map_width,
               depth=s.map_depth, n_inputs=s.map_n_inputs, inputs_per_network=s.inputs_per_network,
               seed=sub_seed(seed, "map"))
    authors = None
    if s.authors_run:
        authors = run(sigma_w2=_AUTHORS_SIGMA_W2.values(), **_AUTHORS_SCAN, seed=sub_seed(seed, "authors"))
    narrow = {width: run(sigma_w2=s.narrow_sigma_w2(width), sigma_b2=0.0, width=width, depth=s.narrow_depth(width),
                         n_inputs=s.narrow_n_inputs, inputs_per_network=s.narrow_inputs_per_network,
                         seed=sub_seed(seed, "narrow", width))
              for width in s.narrow_widths}

    widest = sweeps[max(sweeps)]
    rho, _ = widest.surviving_fraction()
    ridge_peak, ridge_err, _ = phases.ridge(grid.sigma_w2, *grid.response_susceptibility(),
                                            rng=np.random.default_rng(sub_seed(seed, "map ridge")))
    authors_peak = authors_err = None
    if authors is not None:
        a_peak, a_err, _ = phases.ridge(authors.sigma_w2, *authors.response_susceptibility(),
                                        rng=np.random.default_rng(sub_seed(seed, "authors ridge")))
        authors_peak, authors_err = float(a_peak[0]), float(a_err[0])
    return PhaseDiagramResults(
        settings=s, seed=seed, sweeps=sweeps, peaks=phases.peaks(sweeps, rng=np.random.default_rng(sub_seed(seed, "peaks"))),
        rho_top=float(rho[0, -1]), rho_at_one=float(np.interp(1.0, widest.sigma_w2, rho[0])),
        map=grid, map_ridge_peak=ridge_peak, map_ridge_err=ridge_err,
        map_mean_field=np.asarray(theory.critical_sigma_w2(grid.sigma_b2)),
        sharp_row=_verdicts._sharp_row(grid.sigma_w2, ridge_peak, ridge_err),
        authors=authors, authors_peak=authors_peak, authors_err=authors_err,
        narrow=narrow, narrow_peaks=phases.peaks(narrow, rng=np.random.default_rng(sub_seed(seed, "narrow peaks"))),
    )


# --- tables ---------------------------------------------------------------------------------------------------

def authors_summary(results: PhaseDiagramResults) -> str:
    """One line: the peak of χ of the authors' scan against theirs (:func:`authors_verdict`), or why it
    was not rerun."""
    return str(_verdicts.authors_verdict(results))


# --- figures --------------------------------------------------------------------------------------------------

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
    """χ = dS̄/dσ_w² (scaled to its maximum) and χ_F = N Var(ρ) for every width, peaks marked.

    Parameters
    ----------
    sweeps : dict
        ``{width: PhaseScan}`` at σ_b² = 0.
    peaks : Peaks
        Their peaks (:func:`crit.analysis.phases.peaks`), in the order of the sorted widths.
    """
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
    """χ/max_row χ in the (σ_w², σ_b²) plane with the ridge of maxima and the χ₁ = 1 line.

    Parameters
    ----------
    scan : PhaseScan
        The map, on a geometric σ_w² grid.
    ridge_peak, ridge_err : numpy.ndarray
        Ridge of maxima of every σ_b² row (σ_w²) and its error.
    """
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


def authors_run(scan, authors_peak=_verdicts.AUTHORS_PEAK):
    """S̄ and χ = dS̄/dσ_w² of the authors' scan (a PhaseScan), with the peak they found (σ_w²) marked."""
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
