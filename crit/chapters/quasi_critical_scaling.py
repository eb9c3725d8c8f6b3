r"""The chapter "quasi-critical scaling": crackling exponents at the critical point, and what moves them under drive.

Settings (:data:`PROFILES`) and what each profile can show (:data:`SCOPE`), the cached computation
of the page (:func:`compute`, which returns a :class:`QuasiCriticalScalingResults`) and the paper's
claim (:func:`claim`). The page measures:

* the critical point σ_c(N) (:func:`crit.chapters._quasi_critical_scaling_point.critical_point`):
  the authors' fits and ours, the crackling test with the joint error of (γ, γ_pred), γ* over
  networks, goodness of fit and likelihood ratios with the design effect of quenched disorder;
* the drive h = N·σ_b²/q0 (book/methods.md) on three lines (:func:`crit.analysis.drive_lines.drive_separation`):
  σ_w² = σ_c(N); the quasi-critical line, the peak of S̄_end (chapter 1's susceptibility) at each h,
  refined with common random numbers (:func:`crit.analysis.transition.refine_peak`); and undriven
  at the σ_w² of that line — ended avalanches and the never-ending ones included, side by side;
* the threshold q0 and annealed against quenched networks (:mod:`crit.analysis.threshold_and_disorder`).

One point measured by two of these (the undriven point at σ_c(N) is the critical point, the q0 = 0.1
point and the quenched point) is one run. The critical point is the page's publishable part
(:data:`PARTS`): at the paper profile it is the authors' run, and
``compute(..., published="results/paper")`` reads it from the published results, computing only
the rest. The verdicts (``_quasi_critical_scaling_verdicts``), the
tables (``_quasi_critical_scaling_tables``) and the figures (``_quasi_critical_scaling_figures``) are
re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit.analysis import drive, drive_lines, phases, threshold_and_disorder, transition
from crit.analysis.bootstrap import QUANTITIES
from crit.analysis.verdicts import fmt
from crit.book import claims
from crit.book import replay as _replay
from crit.book.cache import cached_call
from crit.book.published import Part
from crit.chapters import _quasi_critical_scaling_sources as _sources
from crit.chapters._quasi_critical_scaling_figures import (
    collapse,
    distributions,
    drive_exponents,
    exponent_plane,
    quasi_critical_line,
)
from crit.chapters._quasi_critical_scaling_point import CriticalPoint, critical_point
from crit.chapters._quasi_critical_scaling_tables import (
    comparison_table,
    error_table,
    goodness_table,
    likelihood_ratio_table,
    line_table,
    separation_table,
    stated_error,
    variants_table,
)
from crit.chapters._quasi_critical_scaling_verdicts import (
    AUTHORS_SIZES,
    RESOLUTION,
    abbm_line,
    crackling_test,
    crackling_tests,
    separation_verdicts,
    verdicts,
)
from crit.chapters.settings import Grid, Profiles, Results, Settings, one_cpu_thread
from crit.models import avalanches, theory
from crit.seeds import sub_seed

__all__ = [
    "AUTHORS_SIZES", "PARTS", "PROFILES", "Q0", "RESOLUTION", "SCOPE", "QuasiCriticalScalingResults",
    "QuasiCriticalScalingSettings", "abbm_line", "claim", "collapse", "comparison_table", "compute", "compute_point",
    "crackling_test", "crackling_tests", "distributions", "drive_exponents", "error_table", "exponent_plane",
    "goodness_table", "headline",
    "likelihood_ratio_table", "line_table", "quasi_critical_line", "separation_table", "separation_verdicts",
    "variants_table", "verdicts",
]

#: The threshold of every run but the q0 sweep (the authors' run).
Q0 = 0.1


@dataclass(frozen=True, kw_only=True)
class QuasiCriticalScalingSettings(Settings):
    """Sizes of the quasi-critical-scaling page.

    Parameters
    ----------
    width, depth : int
        N and L of every simulation.
    sigma_w2 : float or None
        σ_w² of the critical point; ``None``: σ_c(N) = e^{ln(N/2) − ψ(N/2)} of ``width`` (then the
        critical point is also the undriven point at σ_c(N) of the sweeps, when their inputs match).
    n_inputs, inputs_per_network : int
        Inputs of the critical point, and inputs per network (a new network every that many).
    collapse_range : (int, int, int)
        (D_min, D_max, min_count) of the shape collapse, durations in layers.
    n_resamples : int
        Resamples of whole networks of every bootstrap (the fit range re-selected in each).
    n_sets : int
        Synthetic sets of each goodness-of-fit p-value.
    gamma_min_count : int
        Fewest avalanches a duration needs in the fit of γ.
    support_grid : int
        Candidate range ends per grid of our range rule (:func:`crit.analysis.stats.support_search`).
    drives : tuple of float
        Dimensionless drives h = N·σ_b²/q0, increasing from 0.
    drive_n_inputs, drive_inputs_per_network : int
        Inputs of every point of the three lines, of the q0 sweep and of the quenched/annealed pair.
    line_sigma_w2 : Grid
        First σ_w² grid of the S̄_end scans that locate the quasi-critical line at each drive.
    line_n_inputs, line_inputs_per_network : int
        Inputs per grid point of those scans, and per network.
    line_rounds, line_points : int
        Most scans of the refinement (1: the first grid only) and points of each later grid.
    thresholds : tuple of float
        Thresholds q0 of the q0 sweep at σ_c(N), h = 0.
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
    support_grid: int
    drives: tuple[float, ...]
    drive_n_inputs: int
    drive_inputs_per_network: int
    line_sigma_w2: Grid
    line_n_inputs: int
    line_inputs_per_network: int
    line_rounds: int
    line_points: int
    thresholds: tuple[float, ...]


PROFILES = Profiles(
    ci=QuasiCriticalScalingSettings(
        width=64, depth=128, sigma_w2=None, n_inputs=20_000, inputs_per_network=500, collapse_range=(10, 60, 20),
        n_resamples=50, n_sets=50, gamma_min_count=20, support_grid=8, drives=(0.0, 0.01, 0.03),
        drive_n_inputs=20_000, drive_inputs_per_network=500, line_sigma_w2=Grid.linear(0.94, 1.1, 9),
        line_n_inputs=2000, line_inputs_per_network=100, line_rounds=1, line_points=9, thresholds=(0.01, 0.1),
    ),
    # the authors' point (paper-method.md §3-4): width 500, depth 1000, sigma_w2 = 1.002, 2e6 inputs, q0 = 0.1
    paper=QuasiCriticalScalingSettings(
        width=500, depth=1000, sigma_w2=1.002, n_inputs=2_000_000, inputs_per_network=1000,
        collapse_range=(60, 250, 20), n_resamples=50, n_sets=200, gamma_min_count=100, support_grid=12,
        drives=(0.0, 0.01, 0.03, 0.1), drive_n_inputs=200_000, drive_inputs_per_network=1000,
        line_sigma_w2=Grid.linear(0.97, 1.03, 13), line_n_inputs=10_000, line_inputs_per_network=200, line_rounds=3,
        line_points=9, thresholds=(0.01, 0.1),
    ),
)


#: What each profile's sizes can and cannot show.
SCOPE = {
    "ci": ("Width 64, depth 128: the critical point $\\sigma_c(N)$ and every point of the drive sweep with "
           "$2\\cdot10^4$ inputs (40 networks), drives $h$ = 0, 0.01 and 0.03, the quasi-critical line from one "
           "grid of 9 values of $\\sigma_w^2$ per drive, 50 resamples of the networks. These sizes cannot give "
           "the exponents of the authors' run (width 500, depth 1000, $2\\cdot10^6$ inputs), cannot locate the "
           "line to $0.2/N$ from one grid, and with 40 networks the error of "
           "$\\gamma - \\gamma_{pred}$ under our fits can stay above the 0.125 the crackling test needs to "
           "tell $\\gamma = 3/2$ from 2 (the test then says so)."),
    "paper": ("The authors' run (width 500, depth 1000, $\\sigma_w^2 = 1.002$, $2\\cdot10^6$ inputs, $q_0$ = 0.1) "
              "as the critical point, and the drive sweep at width 500 with $2\\cdot10^5$ inputs per point, drives "
              "$h$ = 0 to 0.1, the line refined in up to 3 rounds, 50 resamples of the networks; one width only, "
              "so how the exponents change with the width is left to the universality chapter."),
}


@dataclass(frozen=True, eq=False)
class QuasiCriticalScalingResults(Results):
    """Everything the page shows.

    Attributes
    ----------
    point : CriticalPoint
        The critical point (see :mod:`crit.chapters._quasi_critical_scaling_point`).
    sigma_c : float
        σ_c(N) of the width.
    line : tuple of crit.analysis.transition.PeakRefinement
        The S̄_end peak along σ_w² at each drive.
    line_sigma_w2 : numpy.ndarray
        The σ_w² of the quasi-critical line used at each drive: the peak, or where it is undetermined
        the grid point of largest S̄_end (``line_notes`` says so).
    line_notes : tuple of str
        Per drive, why the σ_w² used is not a refined peak inside its grid ("" where it is).
    separation : crit.analysis.drive_lines.DriveSeparation
        The exponents on the three lines against h.
    thresholds : crit.analysis.threshold_and_disorder.ThresholdSweep
    disorder : crit.analysis.threshold_and_disorder.DisorderComparison
    point_settings : QuasiCriticalScalingSettings or None
        The settings of the critical point when they are not ``settings`` (a published point);
        None when the point was computed with ``settings``.
    sources : tuple of crit.book.published.Source
        Where each part of the numbers came from when a part was read from published results; ``()``
        when every number was computed with ``settings``.
    """

    point: CriticalPoint
    sigma_c: float
    line: tuple
    line_sigma_w2: np.ndarray
    line_notes: tuple
    separation: drive_lines.DriveSeparation
    thresholds: threshold_and_disorder.ThresholdSweep
    disorder: threshold_and_disorder.DisorderComparison
    point_settings: QuasiCriticalScalingSettings | None = None
    sources: tuple = ()

    @property
    def point_profile(self) -> QuasiCriticalScalingSettings:
        """The settings the critical point was computed with."""
        return self.point_settings if self.point_settings is not None else self.settings


def _line_peak(s, seed, h, device, progress) -> transition.PeakRefinement:
    """The peak of S̄_end along σ_w² at drive ``h``, scanned with common random numbers (cached)."""
    sigma_b2 = drive.drive_to_sigma_b2(h, s.width, Q0)

    def run(sigma_w2):
        return cached_call(phases.PhaseScan, phases.scan, sigma_w2=np.asarray(sigma_w2, float), sigma_b2=sigma_b2,
                           width=s.width, depth=s.depth, n_inputs=s.line_n_inputs,
                           inputs_per_network=s.line_inputs_per_network, q0=Q0, seed=sub_seed(seed, "line", repr(h)),
                           common_random_numbers=True, device=device, progress=progress)

    return transition.refine_peak(run, s.line_sigma_w2.values(), target=0.2 / s.width,
                                  susceptibility="ended_mean_size",
                                  rng=np.random.default_rng(sub_seed(seed, "line peak", repr(h))),
                                  max_rounds=s.line_rounds, points=s.line_points, n_resamples=max(20, s.n_resamples))


def _line_points(line, sigma_c) -> tuple[np.ndarray, tuple]:
    """The σ_w² of the line at each drive and why it is not a refined peak ("" where it is)."""
    values, notes = [], []
    for r in line:
        if np.isfinite(r.peak):
            values.append(float(r.peak))
            notes.append(r.undetermined)
            continue
        last = r.grid_round == r.grid_round.max()
        chi = np.where(np.isfinite(r.chi[last]), r.chi[last], -np.inf)
        if np.isfinite(chi).any():
            values.append(float(r.grid[last][int(np.argmax(chi))]))
            notes.append(f"the peak is undetermined ({r.undetermined}): the line uses the grid point of largest "
                         "$\\bar S_{end}$")
        else:
            values.append(float(sigma_c))
            notes.append(f"the peak is undetermined ({r.undetermined}): the line uses $\\sigma_c(N)$")
    return np.array(values), tuple(notes)


def _fits(s) -> dict:
    """The fit options of every point of the page."""
    return {"range_rule": "support", "n_resamples": s.n_resamples, "gamma_min_count": s.gamma_min_count,
            "support_grid": s.support_grid}


def _headline(s, seed) -> dict:
    """The keywords of the critical point (:func:`crit.analysis.drive.measure_point`'s, with its seed)."""
    sigma_c = float(theory.finite_width_critical_sigma_w2(s.width))
    w2 = float(s.sigma_w2) if s.sigma_w2 is not None else sigma_c
    return {"width": s.width, "depth": s.depth, "sigma_w2": w2, "h": 0.0, "q0": Q0, "n_inputs": s.n_inputs,
            "inputs_per_network": s.inputs_per_network, **_fits(s),
            "seed": drive.point_seed(sub_seed(seed, "points"), sigma_w2=w2, h=0.0, q0=Q0,
                                     inputs_per_network=s.inputs_per_network)}


def compute_point(profile="ci", *, seed=0, device="auto", progress=False) -> CriticalPoint:
    """The critical point of the page alone (cached; the headline of the paper profile, the authors' run).

    Parameters
    ----------
    profile : str or QuasiCriticalScalingSettings
        As in :func:`compute`.
    seed : int
        The notebook's ``SEED``.
    device : str or torch.device
        "auto", "cpu" or "cuda"; not part of the cache key.
    progress : bool
        Show progress bars.
    """
    s = PROFILES.resolve(profile)
    return cached_call(CriticalPoint, critical_point, **_headline(s, seed), collapse_range=s.collapse_range,
                       n_sets=s.n_sets, device=avalanches.resolve_device(device), progress=progress)


#: The parts of the page that are published on their own (``python -m crit publish``): the critical point,
#: and the whole page (every record of the paper profile, :func:`crit.book.replay.chapter_part`).
PARTS = (Part("point", "the critical point", CriticalPoint, compute_point, _sources.POINT_MODULES),
         _replay.chapter_part("quasi_critical_scaling"))


def compute(profile="ci", *, seed=0, device="auto", progress=False, published=None) -> QuasiCriticalScalingResults:
    """The page's results: the critical point, the quasi-critical line, the three lines, q0 and disorder (cached).

    Parameters
    ----------
    profile : str or QuasiCriticalScalingSettings
        A name of :data:`PROFILES` ("ci", "paper") or settings of one's own, e.g.
        ``dataclasses.replace(PROFILES["ci"], drives=(0.0, 0.03))``.
    seed : int
        The notebook's ``SEED``.
    device : str or torch.device
        "auto", "cpu" or "cuda"; not part of the cache key.
    progress : bool
        Show progress bars.
    published : path, optional
        A folder of published results (``results/paper``). When it holds the whole page published with
        ``seed``, the page is replayed from it at the profile it was published at (``profile`` is
        then not used; nothing is simulated). Otherwise the critical point is read from it when it
        holds one published with ``seed`` (at the settings it was published with, usually the paper
        profile), and the rest is computed at ``profile``. ``results.sources`` says which came from
        where. None (the default): everything is computed at ``profile``.
    """
    s = PROFILES.resolve(profile)
    if published is not None:
        whole = _replay.read(published, "quasi_critical_scaling", compute, seed=seed, device=device,
                             progress=progress)
        if whole is not None:
            return whole
    dev = avalanches.resolve_device(device)
    sigma_c = float(theory.finite_width_critical_sigma_w2(s.width))
    points_seed = sub_seed(seed, "points")
    fits = _fits(s)
    headline = _headline(s, seed)
    found = None if published is None else _sources.read_point(published, PARTS[0], QuasiCriticalScalingSettings)
    if found is not None and found[2].provenance.seed != seed:
        found = None  # published with another SEED: not this page's point
    with one_cpu_thread(dev):
        if found is None:
            point, point_settings, sources = compute_point(s, seed=seed, device=dev, progress=progress), None, ()
        else:
            point, point_settings, source = found
            sources = (source, _sources.rest_source(s.profile or "settings of one's own"))
        shortcut = point if found is None else None

        def measure(**kw):  # the critical point is the undriven point at sigma_c(N) when the inputs match
            if shortcut is not None and all(kw.get(k) == v for k, v in headline.items()):
                return shortcut.exponents
            return cached_call(drive.PointExponents, drive.measure_point, **kw)

        line = tuple(_line_peak(s, seed, float(h), dev, progress) for h in s.drives)
        line_sigma_w2, line_notes = _line_points(line, sigma_c)
        common = {"width": s.width, "depth": s.depth, "n_inputs": s.drive_n_inputs,
                  "inputs_per_network": s.drive_inputs_per_network, "seed": points_seed, **fits, "device": dev,
                  "progress": progress, "measure": measure}
        separation = drive_lines.drive_separation(s.drives, line_sigma_w2, q0=Q0, **common)
        thresholds = threshold_and_disorder.threshold_sweep(s.thresholds, h=0.0, **common)
        disorder = threshold_and_disorder.disorder_comparison(h=0.0, q0=Q0, **common)
    return QuasiCriticalScalingResults(settings=s, seed=seed, point=point, sigma_c=sigma_c, line=line,
                                       line_sigma_w2=line_sigma_w2, line_notes=line_notes, separation=separation,
                                       thresholds=thresholds, disorder=disorder, point_settings=point_settings,
                                       sources=sources)


def headline(results: QuasiCriticalScalingResults) -> dict[str, tuple[float, float]]:
    """The page's headline numbers at the critical point with their stated 1σ errors, by name.

    τ_s, τ_d, γ, γ_pred and Δ = γ − γ_pred (dimensionless) in the three conventions of the comparison
    table (ours with ended avalanches, ours with the never-ending included, the authors'), and γ* of
    the shape collapse. The exponents carry their spread over resamples of the networks, γ_pred half
    the central 68 % of its resamples and Δ the error of the crackling test (:func:`crackling_test`),
    as the page states them. What
    the seed-stability table of :mod:`crit.book.stability` checks; NaN where a number is undetermined.
    """
    p = results.point
    out = {}
    for label, f in (("ours ended", p.exponents.ended), ("ours never-ending incl.", p.exponents.with_never_ending),
                     ("authors' convention", p.authors_convention)):
        for k, q in enumerate(QUANTITIES):
            out[f"{q} {label}"] = (float(f.values[k]), float(stated_error(f, q)))
    out["γ* over networks"] = (float(p.shape.gamma_star), float(p.shape.gamma_star_err))
    return out


def claim(results: QuasiCriticalScalingResults) -> claims.Claim:
    """Claim 2 at the critical point: the crackling relation, Δ = γ − γ_pred against 0 with its joint error.

    Two conventions (:func:`crackling_tests`): ours (ended avalanches, our ranges) and the authors'
    (never-ending avalanches included, their fixed ranges). "reproduced" when Δ is zero within 2
    joint errors in both, "partly reproduced" in one, "not reproduced" in neither; "undetermined"
    when either test cannot decide (a NaN, or a joint error above :data:`RESOLUTION`).
    """
    tests = crackling_tests(results)
    found = {"ours": tests["ours"], "authors": tests["authors"]}
    if any(v.undetermined for v in found.values()):
        verdict = "undetermined"
    else:
        zero = sum(v.outcome == "zero" for v in found.values())
        verdict = ("not reproduced", "partly reproduced", "reproduced")[zero]
    e = results.point.exponents
    reason = (f"at the critical point ($\\sigma_w^2$ = {e.sigma_w2:.4f}, $h$ = 0, width {e.width}, depth {e.depth}, "
              f"{e.n_inputs:,d} inputs): " + "; ".join(str(v) for v in found.values()))
    key = "; ".join(f"{name}: $\\Delta$ = {fmt(v.value, v.error)}" for name, v in (("ours", found["ours"]),
                                                                        ("authors' convention", found["authors"])))
    s = results.point_profile
    own = s.profile in PROFILES and PROFILES[s.profile] != s
    profile = f"{s.profile} (settings of one's own)" if own else s.profile
    if results.sources:
        point_source = results.sources[0]
        profile = f"{point_source.profile}, published" + (", by earlier code" if point_source.stale else "")
    return claims.Claim(
        number=2, claim="At the critical point avalanches obey the crackling relation $\\gamma = "
        "(\\tau_d-1)/(\\tau_s-1)$ (approximately, in the quasi-critical regime under drive)",
        verdict=verdict, reason=reason, key=key, profile=profile,
        chapter="quasi_critical_scaling")
