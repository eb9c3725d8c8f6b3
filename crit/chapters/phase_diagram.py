r"""Chapter "Absorbing and active phases": its settings, its computation and the record of its page.

:func:`compute` runs every scan of the page through the results cache, with common random numbers
across σ_w² (:func:`crit.analysis.phases.scan`), and locates the transition at finite width N and
depth L = ``depth_ratio`` × N: the peak of S̄_end, the mean size of the avalanches that end, and of
dρ/dσ_w², each refined around its peak until its error is at most 0.2/N
(:func:`crit.analysis.transition.refine_peak`), their finite-size scaling against
σ_c(N) = exp(ln(N/2) − ψ(N/2)) (:func:`crit.analysis.transition.peak_scaling`) and a collapse of the
curves. Beside them: the authors' χ = dS̄/dσ_w² and χ_F, one depth sweep at a fixed width, and
the map of S̄_end in the plane of σ_w² and the dimensionless drive h = N·σ_b²/q0 with its
quasi-critical line. The rerun of the authors' own scan is the page's one publishable part
(:data:`PARTS`): ``compute(..., published="results/paper")`` reads it from the published results.
The verdicts and the claim (``_phase_diagram_verdicts``), the tables
(``_phase_diagram_tables``) and the figures (``_phase_diagram_figures``) are re-exported here.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import phases, transition
from crit.analysis.drive import drive_to_sigma_b2
from crit.book import published as _published
from crit.book import replay as _replay
from crit.book.cache import cached_call
from crit.chapters._phase_diagram_figures import (
    authors_run,
    collapse_figure,
    depth_figure,
    drive_map,
    order_parameters,
    scaling_figure,
    susceptibilities,
)
from crit.chapters._phase_diagram_tables import (
    authors_table,
    depth_table,
    map_table,
    peaks_table,
    scaling_table,
)
from crit.chapters._phase_diagram_verdicts import (
    AUTHORS_PEAK,
    authors_verdict,
    claim,
    collapse_sentence,
    curve_points,
    depth_verdicts,
    exponent_verdicts,
    fluctuation_verdict,
    map_verdicts,
    never_ending_sentence,
    order_parameter_verdicts,
    phases_sentence,
    surviving_verdict,
    target_sentence,
    tracking_verdict,
)
from crit.chapters.settings import Grid, Profiles, Results, Settings, one_cpu_thread
from crit.models import avalanches as av
from crit.models import theory
from crit.seeds import sub_seed

__all__ = [
    "AUTHORS_PEAK", "PARTS", "PROFILES", "Q0", "SCOPE", "PhaseDiagramResults", "PhaseDiagramSettings", "authors_run",
    "authors_table", "authors_verdict", "claim", "collapse_figure", "collapse_sentence", "compute",
    "compute_authors",
    "curve_points", "depth_figure", "depth_table", "depth_verdicts", "drive_map", "exponent_verdicts",
    "fluctuation_verdict", "headline", "map_table", "map_verdicts", "never_ending_sentence", "order_parameter_verdicts",
    "order_parameters", "peaks_table", "phases_sentence", "scaling_figure", "scaling_table", "surviving_verdict",
    "susceptibilities", "target_sentence", "tracking_verdict",
]

#: Threshold q0 of every scan of the page (squared norm of the input), the authors' value.
Q0 = 0.1
#: The authors' susceptibility scan, rerun as they ran it (their notebook's grid and sizes).
_AUTHORS_SIGMA_W2 = Grid.linear(0.95, 1.4, 20)
_AUTHORS_SCAN = {"sigma_b2": 0.0, "width": 300, "depth": 500, "n_inputs": 10_000, "inputs_per_network": 1000}


@dataclass(frozen=True)
class PhaseDiagramSettings(Settings):
    r"""Sizes of the phase-diagram page ("ci": 2 CPU cores, about a minute; "paper": a GPU).

    Parameters
    ----------
    widths : tuple of int
        Widths N of the finite-size scaling, at σ_b² = 0.
    depth_ratio : float
        L/N, the same at every width: depth L = round(depth_ratio × N) layers.
    sweep_sigma_w2 : Grid
        The first σ_w² grid of every width (round 0 of the refinement; it also shows χ and χ_F).
    n_inputs, inputs_per_network : int
        Inputs per grid point and per network (errors come from the spread over the networks).
    target_per_width : float
        The refinement stops when the peak's error is at most this / N (σ_w²).
    refine_points, refine_rounds : int
        σ_w² values of each refined grid, and the most scans (the first grid included) per peak.
    depth_width : int
        Width N of the depth sweep.
    depth_ratios : tuple of float
        L/N of the depth sweep (at ``depth_width``).
    map_width : int
        Width N of the map; its depth is round(depth_ratio × N).
    map_sigma_w2 : Grid
        σ_w² grid of every row of the map.
    map_drives : tuple of float
        Dimensionless drives h = N·σ_b²/q0 of the rows of the map (0: no bias).
    map_n_inputs : int
        Inputs per point of the map (``inputs_per_network`` per network).
    map_rounds : int
        Scans per row for the peak of S̄_end (1: the peak on ``map_sigma_w2`` only).
    authors_run : bool
        Also rerun the authors' susceptibility scan (width 300, depth 500, 10⁴ inputs per point,
        σ_w² ∈ linspace(0.95, 1.4, 20), σ_b² = 0, a network per 1000 inputs).
    """

    widths: tuple[int, ...]
    depth_ratio: float
    sweep_sigma_w2: Grid
    n_inputs: int
    inputs_per_network: int
    target_per_width: float
    refine_points: int
    refine_rounds: int
    depth_width: int
    depth_ratios: tuple[float, ...]
    map_width: int
    map_sigma_w2: Grid
    map_drives: tuple[float, ...]
    map_n_inputs: int
    map_rounds: int
    authors_run: bool

    def depth(self, width: int, ratio: float | None = None) -> int:
        """Depth L (layers) at width ``width``: round(ratio × N), ``ratio`` defaulting to ``depth_ratio``."""
        return max(round((self.depth_ratio if ratio is None else ratio) * width), 3)

    def target(self, width: int) -> float:
        """The peak error the refinement asks for at width ``width`` (σ_w²): ``target_per_width`` / N."""
        return self.target_per_width / width


PROFILES = Profiles(
    ci=PhaseDiagramSettings(
        widths=(16, 32, 64), depth_ratio=2.0, sweep_sigma_w2=Grid.linear(0.9, 1.5, 9), n_inputs=1000,
        inputs_per_network=50, target_per_width=0.2, refine_points=7, refine_rounds=3,
        depth_width=32, depth_ratios=(1.0, 2.0, 4.0),
        map_width=32, map_sigma_w2=Grid.linear(0.7, 1.3, 11), map_drives=(0.0, 0.1, 0.3, 1.0, 3.0),
        map_n_inputs=600, map_rounds=1, authors_run=False,
    ),
    paper=PhaseDiagramSettings(
        widths=(32, 64, 128, 256, 512), depth_ratio=2.0, sweep_sigma_w2=Grid.linear(0.9, 1.5, 25), n_inputs=10_000,
        inputs_per_network=100, target_per_width=0.2, refine_points=9, refine_rounds=5,
        depth_width=128, depth_ratios=(1.0, 2.0, 4.0, 8.0),
        map_width=128, map_sigma_w2=Grid.linear(0.6, 1.4, 17),
        map_drives=(0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0), map_n_inputs=5000, map_rounds=3, authors_run=True,
    ),
)

#: What each profile's sizes can and cannot show (the page states it at its top).
SCOPE = {
    "ci": ("Widths 16 to 64 at depth twice the width, 20 networks of 50 inputs per point, a depth sweep at width "
           "32 and a map at width 32 (12 networks per point); the authors' scan (width 300) is not rerun at this "
           "profile, only read where a build takes it from the published results. Three "
           "widths give a finite-size scaling fit with one degree of freedom; with 20 networks the refinement may "
           "stop short of its 0.2/N target, and the map's rows are located on its grid only."),
    "paper": ("Widths 32 to 512 at depth twice the width, 100 networks of 100 inputs per point, a depth sweep at "
              "width 128 (depths 128 to 1024), a map at width 128 with refined rows (50 networks per point), and a "
              "rerun of the authors' own susceptibility scan (width 300, depth 500): more than a decade of widths "
              "for the approach of the peak to $\\sigma_c(N)$ and for its exponents, with five widths for the fits."),
}


@dataclass(frozen=True, eq=False)
class PhaseDiagramResults(Results):
    """Everything the phase-diagram page shows.

    Attributes
    ----------
    sweeps : dict of int to PhaseScan
        By width N: the first σ_w² grid at depth ``depth_ratio`` × N, σ_b² = 0 (common random numbers).
    refined, refined_survival : dict of int to PeakRefinement
        By width: the refined peaks of S̄_end and of dρ/dσ_w².
    peaks : Peaks
        The authors' χ = dS̄/dσ_w² and χ_F = N·Var_networks(ρ) peaks on the first grids.
    scaling, scaling_survival : PeakScaling
        Finite-size scaling of the refined peaks of S̄_end and of dρ/dσ_w² (σ_∞ = 1).
    collapse : CurveCollapse
        The S̄_end curves of every width (all rounds) rescaled with the exponents of ``scaling``.
    depth_sweeps, depth_refined : dict of int to PhaseScan, PeakRefinement
        By depth L at width ``depth_width``: the first grid and the refined peak of S̄_end.
    depth_peaks : dict of int to Peaks
        By depth: the χ and χ_F peaks of its first grid.
    map_drives : numpy.ndarray
        h of the rows of the map.
    map_scans, map_refined : tuple
        Per row: the scan(s) on ``map_sigma_w2`` (PhaseScan) and the peak of S̄_end (PeakRefinement).
    map_mean_field : numpy.ndarray
        Mean-field σ_w² of χ₁ = 1 at the σ_b² of every row.
    authors : PhaseScan or None
        The authors' scan (None unless ``settings.authors_run``).
    authors_peak, authors_err : float or None
        Peak of χ of the authors' scan (σ_w²) and its error.
    sources : tuple of crit.book.published.Source
        Where the numbers came from when some were read from published results: the whole page, or
        the authors' scan, then everything else; ``()`` when everything was computed in this build.
    """

    sweeps: dict
    refined: dict
    refined_survival: dict
    peaks: phases.Peaks
    scaling: transition.PeakScaling
    scaling_survival: transition.PeakScaling
    collapse: transition.CurveCollapse
    depth_sweeps: dict
    depth_refined: dict
    depth_peaks: dict
    map_drives: np.ndarray
    map_scans: tuple
    map_refined: tuple
    map_mean_field: np.ndarray
    authors: phases.PhaseScan | None
    authors_peak: float | None
    authors_err: float | None
    sources: tuple = ()



def _runner(s, seed, device, progress, width, depth, *, sigma_b2=0.0, n_inputs=None, label=None):
    """``run(sigma_w2) -> PhaseScan``: a cached scan with common random numbers at fixed everything else.

    Every grid of one runner uses the same networks and inputs (the seed does not depend on the grid),
    so the rounds of a refinement and the first grid are one consistent set of scans.
    """
    label = label or ("scan", width, depth)

    def run(sigma_w2):
        return cached_call(phases.PhaseScan, phases.scan, sigma_w2=np.asarray(sigma_w2, float), sigma_b2=sigma_b2,
                           width=width, depth=depth, n_inputs=n_inputs or s.n_inputs,
                           inputs_per_network=s.inputs_per_network, q0=Q0, seed=sub_seed(seed, *label),
                           common_random_numbers=True, device=device, progress=progress)

    return run


def compute_authors(profile="paper", *, seed=0, device="auto", progress=False) -> phases.PhaseScan:
    """The authors' susceptibility scan rerun as they ran it (cached; the page's publishable part).

    Width 300, depth 500, σ_b² = 0, 10⁴ inputs per point with a new network every 1000, σ_w² ∈
    linspace(0.95, 1.4, 20), and without common random numbers, as in their notebook. The sizes are
    theirs at every profile: ``profile`` (a name of :data:`PROFILES` or settings) is only checked.

    Parameters
    ----------
    profile : str or PhaseDiagramSettings
        The profile it is computed for (``python -m crit compute --part authors``).
    seed : int
        The notebook's ``SEED``; the scan's seed is ``sub_seed(seed, "authors")``.
    device : str or torch.device
        "auto", "cpu" or "cuda" (not part of the cache key).
    progress : bool
        Show progress bars.
    """
    PROFILES.resolve(profile)
    seed = _validate.integer("seed", seed, minimum=0)
    return cached_call(phases.PhaseScan, phases.scan, sigma_w2=_AUTHORS_SIGMA_W2.values(), **_AUTHORS_SCAN,
                       seed=sub_seed(seed, "authors"), device=av.resolve_device(device), progress=progress)


#: The parts of the page that are published on their own (``python -m crit publish``): the authors' scan,
#: and the whole page (every scan of the paper profile, :func:`crit.book.replay.chapter_part`).
PARTS = (_published.Part("authors", "the authors' susceptibility scan", phases.PhaseScan, compute_authors,
                         ("crit.analysis.phases",)),
         _replay.chapter_part("phase_diagram"))


def _published_authors(folder, seed):
    """``(scan, its Source)`` of the authors' scan published in ``folder`` with ``seed``, or None.

    None when it is not published there, was published with another ``SEED``, or was run with other
    sizes than :func:`compute_authors` runs now (then it is not the scan this page describes).
    """
    found = _published.load(folder, "phase_diagram", PARTS[0])
    if found is None:
        return None
    scan, provenance = found
    same = (provenance.seed == seed and np.array_equal(scan.sigma_w2, _AUTHORS_SIGMA_W2.values())
            and np.array_equal(scan.sigma_b2, [_AUTHORS_SCAN["sigma_b2"]])
            and all(getattr(scan, k) == v for k, v in _AUTHORS_SCAN.items() if k != "sigma_b2"))
    if not same:
        return None
    return scan, _published.Source.from_published(PARTS[0], provenance)


def compute(profile="ci", *, seed=0, device="auto", progress=False, published=None) -> PhaseDiagramResults:
    """Run (or read from the results cache) every scan of the page, refine the peaks and scale them.

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
    published : path, optional
        A folder of published results (``results/paper``). When it holds the whole page published with
        ``seed``, the page is replayed from it at the profile it was published at (``profile`` is
        then not used; nothing is simulated). Otherwise the authors' scan is read from it when it
        holds one published with ``seed``, at any profile, and the rest is computed at ``profile``.
        ``results.sources`` says which came from where. None (the default): the authors' scan is
        computed when ``settings.authors_run`` and left out otherwise.

    Returns
    -------
    PhaseDiagramResults
    """
    s = PROFILES.resolve(profile)
    seed = _validate.integer("seed", seed, minimum=0)
    if published is not None:
        whole = _replay.read(published, "phase_diagram", compute, seed=seed, device=device, progress=progress)
        if whole is not None:
            return whole
    dev = av.resolve_device(device)
    runner = functools.partial(_runner, s, seed, dev, progress)
    done = {}

    def refine(width, depth, name):
        if (width, depth, name) not in done:
            done[width, depth, name] = transition.refine_peak(
                runner(width, depth), s.sweep_sigma_w2.values(), target=s.target(width), susceptibility=name,
                rng=np.random.default_rng(sub_seed(seed, "refine", name, width, depth)),
                max_rounds=s.refine_rounds, points=s.refine_points)
        return done[width, depth, name]

    with one_cpu_thread(dev):
        refined = {n: refine(n, s.depth(n), "ended_mean_size") for n in s.widths}
        refined_survival = {n: refine(n, s.depth(n), "survival_derivative") for n in s.widths}
        sweeps = {n: runner(n, s.depth(n))(s.sweep_sigma_w2.values()) for n in s.widths}
        depths = sorted({s.depth(s.depth_width, r) for r in s.depth_ratios})
        depth_refined = {d: refine(s.depth_width, d, "ended_mean_size") for d in depths}
        depth_sweeps = {d: runner(s.depth_width, d)(s.sweep_sigma_w2.values()) for d in depths}
        drives = np.array(s.map_drives, float)
        map_depth = s.depth(s.map_width)
        map_refined, map_scans = [], []
        for h in drives:
            run = runner(s.map_width, map_depth, sigma_b2=drive_to_sigma_b2(float(h), s.map_width, Q0),
                         n_inputs=s.map_n_inputs, label=("map", s.map_width, map_depth, f"{h:g}"))
            map_refined.append(transition.refine_peak(
                run, s.map_sigma_w2.values(), target=s.target(s.map_width), susceptibility="ended_mean_size",
                rng=np.random.default_rng(sub_seed(seed, "map refine", f"{h:g}")), max_rounds=s.map_rounds,
                points=s.refine_points))
            map_scans.append(run(s.map_sigma_w2.values()))
    authors = authors_peak = authors_err = None
    found = None if published is None else _published_authors(published, seed)
    sources = ()
    if found is not None:
        authors, source = found
        sources = (source, _published.Source("everything else", s.profile or "settings of one's own"))
    elif s.authors_run:
        authors = compute_authors(s, seed=seed, device=dev, progress=progress)
    if authors is not None:
        a_peak, a_err, _ = phases.ridge(authors.sigma_w2, *authors.response_susceptibility(),
                                        rng=np.random.default_rng(sub_seed(seed, "authors ridge")))
        authors_peak, authors_err = float(a_peak[0]), float(a_err[0])

    def scale(refs):
        widths = sorted(refs)
        return transition.peak_scaling(widths, *(np.array([getattr(refs[n], k) for n in widths])
                                                 for k in ("peak", "peak_err", "height", "height_err")))

    scaling = scale(refined)
    curves = [curve_points(refined[n]) for n in sorted(refined)]
    collapse = transition.collapse_curves(sorted(refined), *zip(*curves, strict=True), inv_nu=scaling.inv_nu,
                                          gamma_over_nu=scaling.gamma_over_nu)
    depth_peaks = {d: phases.peaks({s.depth_width: depth_sweeps[d]},
                                   rng=np.random.default_rng(sub_seed(seed, "depth peaks", d))) for d in depths}
    return PhaseDiagramResults(
        settings=s, seed=seed, sweeps=sweeps, refined=refined, refined_survival=refined_survival,
        peaks=phases.peaks(sweeps, rng=np.random.default_rng(sub_seed(seed, "peaks"))), scaling=scaling,
        scaling_survival=scale(refined_survival), collapse=collapse, depth_sweeps=depth_sweeps,
        depth_refined=depth_refined, depth_peaks=depth_peaks, map_drives=drives, map_scans=tuple(map_scans),
        map_refined=tuple(map_refined),
        map_mean_field=np.array([float(theory.critical_sigma_w2(drive_to_sigma_b2(float(h), s.map_width, Q0)))
                                 for h in drives]),
        authors=authors, authors_peak=authors_peak, authors_err=authors_err, sources=sources,
    )


def _number(x) -> float:
    """``x`` as a float, NaN for None or anything that is not a finite-or-NaN real number."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def headline(results: PhaseDiagramResults) -> dict[str, tuple[float, float]]:
    r"""The page's headline numbers with their stated 1σ errors, by name.

    What the seed-stability table of :mod:`crit.book.stability` checks: over seeds, the spread of each
    value against its mean stated error. Nothing is recomputed: every pair is read from ``results``.

    Parameters
    ----------
    results : PhaseDiagramResults
        What :func:`compute` returned.

    Returns
    -------
    dict of str to (float, float)
        In this order, for each width N of the finite-size scaling (increasing):

        - ``"S_end peak N=<N>"``: the refined peak of S̄_end (σ_w²) and its bootstrap error over networks
          (``refined[N].peak``, ``peak_err``; the widest width's is the key number of the claim);
        - ``"N·shift N=<N>"``: N·(peak − σ_c(N)) of that peak and N times its error, as the peaks table
          states it (``scaling.scaled_shift``, ``scaled_shift_err``; dimensionless);
        - ``"S_end height N=<N>"``: the height of that peak (the value of S̄_end there) and its
          jackknife error over networks (``refined[N].height``, ``height_err``);

        then ``"1/ν (S_end)"`` and ``"γ/ν (S_end)"`` (``scaling.inv_nu``, ``gamma_over_nu`` with their
        fit errors) and ``"1/ν (dρ/dσ)"`` (``scaling_survival.inv_nu``, ``inv_nu_err``), dimensionless.
        A value or an error is NaN where the results leave it undetermined; errors are otherwise ≥ 0.

    Notes
    -----
    Never raises on valid results: a width missing from the scaling, or a field that is None, gives NaN.
    """
    out: dict[str, tuple[float, float]] = {}
    scaling = results.scaling
    widths = [int(w) for w in np.asarray(scaling.widths).reshape(-1)]
    for n in sorted(results.refined):
        r = results.refined[n]
        out[f"S_end peak N={n}"] = (_number(r.peak), _number(r.peak_err))
        if int(n) in widths:
            k = widths.index(int(n))
            out[f"N·shift N={n}"] = (_number(scaling.scaled_shift[k]), _number(scaling.scaled_shift_err[k]))
        else:
            out[f"N·shift N={n}"] = (math.nan, math.nan)
        out[f"S_end height N={n}"] = (_number(r.height), _number(r.height_err))
    out["1/ν (S_end)"] = (_number(scaling.inv_nu), _number(scaling.inv_nu_err))
    out["γ/ν (S_end)"] = (_number(scaling.gamma_over_nu), _number(scaling.gamma_over_nu_err))
    out["1/ν (dρ/dσ)"] = (_number(results.scaling_survival.inv_nu), _number(results.scaling_survival.inv_nu_err))
    return out
