r"""The chapter "Barkhausen noise or directed percolation?": settings, compute, tables and figures.

:func:`compute` runs the page in the notebook's order: the calibration of the class assignment on
four exact models, width sweeps of three dense networks at their finite-width critical points
(:mod:`crit.analysis.finite_size`), the sparse threshold network and its exact calibration
(critical branching on N sites), the size collapses, the mean avalanche shapes, and untrained
ResNets measured module by module. The simulations are read from or stored in the results cache
(:func:`crit.book.cache.cached_call`); the measurements on them are redone each time. The
tables are here; the figures live in ``_universality_classes_figures`` and are re-exported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import collapse, finite_size, shapes, universality
from crit.analysis.finite_size import BRANCHING, SPARSE, SYSTEMS
from crit.book import tables
from crit.book.cache import cached_call
from crit.chapters._universality_classes_figures import (
    class_plane_figure,
    collapse_figure,
    cutoffs_figure,
    exponents_figure,
    shapes_figure,
)
from crit.chapters._universality_classes_verdicts import (
    NETWORKS,
    PAPER_CLASSES,
    assignment_sentence,
    calibration_sentence,
    claim,
    collapse_sentence,
    cutoff_class_sentence,
    cutoff_distances,
    cutoff_match_sentence,
    dense_vs_dp_sentence,
    nearer_sentence,
    page_verdicts,
    profile_sentence,
    ratio_sentence,
    resnet_dp_sentence,
    resnet_summary_sentence,
    resnet_window_sentence,
    shape_class,
    shape_sentence,
    shape_separation_sentence,
    tolerance_sentence,
)
from crit.chapters.settings import Profiles, Results, Settings
from crit.models import avalanches, exact_models, resnets, sparse_networks
from crit.seeds import sub_seed

__all__ = [
    "BRANCHING", "NETWORKS", "PAPER_CLASSES", "PROFILES", "SCOPE", "SPARSE", "UniversalityClassesResults",
    "UniversalityClassesSettings", "assignment_sentence", "calibration_sentence", "calibration_table", "claim",
    "class_plane_figure", "class_table", "collapse_figure", "collapse_sentence", "collapse_table", "compute",
    "cutoff_class_sentence", "cutoff_distances", "cutoff_match_sentence", "cutoff_table", "cutoffs_figure",
    "dense_vs_dp_sentence", "exact_shapes_table", "exponents_figure", "nearer_sentence", "page_verdicts",
    "profile_sentence", "ratio_sentence", "resnet_dp_sentence", "resnet_summary_sentence", "resnet_table",
    "resnet_window_sentence", "shape_class", "shape_sentence", "shape_separation_sentence", "shapes_figure",
    "sparse_table", "surviving_table", "tolerance_sentence",
]


@dataclass(frozen=True, kw_only=True)
class UniversalityClassesSettings(Settings):
    """Sizes of the universality-class page ("ci": 2 CPU cores, minutes; "paper": a GPU).

    Parameters
    ----------
    widths : tuple of int
        Widths N of the dense networks (units per layer).
    depth_per_width : float
        Depth of the dense networks = this × N (layers).
    n_inputs, inputs_per_network : int
        Inputs per width and system, and inputs per random network (error bars come from the networks).
    scaled_drive : float
        H = N·h of the driven tanh line, with h = Nσ_b²/q0 the drive: σ_b² = H q0/N² and
        σ_w² = σ_{w,c}²(N) − H/N (dimensionless).
    calibration_runs : int
        Avalanches per exact model of the calibration (1+1-D DP gets a third of them).
    calibration_cap_scale : float
        Scale of the calibration caps: 1000 × this generations for the trees, ten times as many
        steps for the walks, 20 × this model time units for ABBM.
    sparse_widths : tuple of int
        Widths N of the sparse threshold network and of critical branching on N sites.
    sparse_n_inputs, sparse_inputs_per_network : int
        Avalanches per width (one active unit each) and inputs per random sparse network.
    sparse_depth_per_sqrt_width : float
        Depth of the sparse network = this × √N (layers).
    fan_out : int
        K, targets of each unit of the sparse network.
    threshold : float
        θ of its step units (units of the pre-activation).
    shape_sparse_width : int
        N of the sparse network whose mean avalanche shapes are recorded (the tanh network's shapes
        come from the widest of ``widths``; both runs have twice the inputs of a sweep).
    shape_exact_runs : int
        Realisations of each exact model whose mean shapes are the yardsticks.
    resnet_depths : tuple of int
        Depths of the untrained ResNets (18, 34, 50, 101 or 152).
    resnet_n_inputs, resnet_inputs_per_network : int
        Noise images per depth and per network.
    resnet_image_size : int
        Height = width of the noise images (pixels).
    """

    widths: tuple[int, ...]
    depth_per_width: float
    n_inputs: int
    inputs_per_network: int
    scaled_drive: float
    calibration_runs: int
    calibration_cap_scale: float
    sparse_widths: tuple[int, ...]
    sparse_n_inputs: int
    sparse_inputs_per_network: int
    sparse_depth_per_sqrt_width: float
    fan_out: int
    threshold: float
    shape_sparse_width: int
    shape_exact_runs: int
    resnet_depths: tuple[int, ...]
    resnet_n_inputs: int
    resnet_inputs_per_network: int
    resnet_image_size: int

    def depth(self, width: int) -> int:
        """Depth of the dense network of width ``width`` (layers)."""
        return round(self.depth_per_width * width)

    def sparse_depth(self, width: int) -> int:
        """Depth of the sparse network of width ``width`` (layers)."""
        return round(float(self.sparse_depth_per_sqrt_width * np.sqrt(width)))


PROFILES = Profiles(
    ci=UniversalityClassesSettings(
        widths=(32, 64, 128, 256), depth_per_width=6.0, n_inputs=2400, inputs_per_network=40, scaled_drive=1.0,
        calibration_runs=12_000, calibration_cap_scale=2.0,
        sparse_widths=(1024, 4096, 16384, 65536, 262144), sparse_n_inputs=20_000, sparse_inputs_per_network=1000,
        sparse_depth_per_sqrt_width=10.0, fan_out=4, threshold=1.0, shape_sparse_width=16384,
        shape_exact_runs=200_000, resnet_depths=(18, 50, 152), resnet_n_inputs=3000, resnet_inputs_per_network=500,
        resnet_image_size=32,
    ),
    paper=UniversalityClassesSettings(
        widths=(64, 128, 256, 512, 1024, 2048), depth_per_width=8.0, n_inputs=40_000, inputs_per_network=200,
        scaled_drive=1.0, calibration_runs=100_000, calibration_cap_scale=8.0,
        sparse_widths=(1024, 4096, 16384, 65536, 262144, 1048576), sparse_n_inputs=100_000,
        sparse_inputs_per_network=2000, sparse_depth_per_sqrt_width=10.0, fan_out=4, threshold=1.0,
        shape_sparse_width=16384, shape_exact_runs=200_000, resnet_depths=(18, 50, 152), resnet_n_inputs=20_000,
        resnet_inputs_per_network=1000, resnet_image_size=224,
    ),
)


_ci, _paper = PROFILES["ci"], PROFILES["paper"]
#: What each profile's sizes can and cannot show (Markdown), for the top of the page.
SCOPE = {
    "ci": (f"Dense widths {_ci.widths[0]}–{_ci.widths[-1]} ({_ci.n_inputs:,} avalanches per width and system) and "
           f"sparse widths {_ci.sparse_widths[0]:,}–{_ci.sparse_widths[-1]:,} ({_ci.sparse_n_inputs:,} per width): "
           f"the $N\\to\\infty$ limits of the dense networks extrapolate over a factor "
           f"{_ci.widths[-1] // _ci.widths[0]} in width, less than a decade, and the ResNets see "
           f"{_ci.resnet_image_size}×{_ci.resnet_image_size} noise images, not the paper's full-size inputs."),
    "paper": (f"Dense widths {_paper.widths[0]}–{_paper.widths[-1]} ({_paper.n_inputs:,} avalanches per width and "
              f"system), sparse widths up to {_paper.sparse_widths[-1]:,} and ResNets on "
              f"{_paper.resnet_image_size}×{_paper.resnet_image_size} images: the $N\\to\\infty$ limits extrapolate "
              "over more than a decade of widths; it needs a GPU."),
}


@dataclass(frozen=True, eq=False)
class UniversalityClassesResults(Results):
    """Everything the universality-class page shows.

    Attributes
    ----------
    systematic : tuple of float
        Systematic errors of (τ_s, τ_d, γ) used by the class assignment.
    tolerance : float
        Largest distance (in combined errors) at which a class is assigned.
    calibration : dict
        ``{class name: Exponents}`` of the four exact models of known class.
    calibration_classes : dict
        ``{class name: assigned class}`` of the calibration models.
    n_right : int
        Calibration models assigned to their own class.
    sweeps : dict
        ``{system: {width: avalanche record}}`` for the dense systems, ``SPARSE`` and ``BRANCHING``.
    fss : dict
        ``{system: FiniteSizeScaling}``, same systems.
    sparse_sigma_w2 : float
        Critical σ_w² of the sparse threshold network.
    sparse_tau_eff : float
        Effective τ_d of an exact critical tree with the network's offspring law on T = 3…20.
    cutoff_ratios : dict
        ``{system: (b_S/b_T, error)}``, the ratio of the cut-off exponents (γ of the cut-offs).
    collapses : dict
        ``{system: Collapse}`` of the size distributions at the fitted τ_s of the widest N.
    shape_collapses : dict
        ``{"tanh": ShapeCollapse, SPARSE: ShapeCollapse}``.
    shape_exponents, exact_shape_exponents : dict
        ``{name: (a, a_err)}`` of F ∝ [u(1 − u)]^a for the networks and the exact models.
    resnet_runs : dict
        ``{depth: ModuleAvalanches}``.
    resnet_exponents, resnet_classes : dict
        ``{depth: Exponents}`` and ``{depth: ClassAssignment}``.
    resnet_min_dp : float
        Smallest distance of a ResNet to mean-field DP (combined errors).
    networks : tuple of Exponents
        Every system at its widest N, then every N → ∞ limit, then the ResNets.
    verdicts : dict
        ``{name: ClassAssignment}`` of ``networks``.
    """

    systematic: tuple
    tolerance: float
    calibration: dict
    calibration_classes: dict
    n_right: int
    sweeps: dict
    fss: dict
    sparse_sigma_w2: float
    sparse_tau_eff: float
    cutoff_ratios: dict
    collapses: dict
    shape_collapses: dict
    shape_exponents: dict
    exact_shape_exponents: dict
    resnet_runs: dict
    resnet_exponents: dict
    resnet_classes: dict
    resnet_min_dp: float
    networks: tuple
    verdicts: dict


def _sparse_point(s: UniversalityClassesSettings, width: int, *, n_inputs: int, seed: int,
                  record_traces=False) -> dict:
    """Arguments of :func:`crit.models.sparse_networks.simulate` at its critical point for ``width``."""
    return {"width": width, "depth": s.sparse_depth(width),
            "sigma_w2": sparse_networks.critical_sigma_w2(s.fan_out, s.threshold), "fan_out": s.fan_out,
            "threshold": s.threshold, "n_inputs": n_inputs, "inputs_per_network": s.sparse_inputs_per_network,
            "seed": seed, "record_traces": record_traces}


def _dense_sweeps(s, seed, device, progress) -> dict:
    out = {}
    for system in SYSTEMS:
        out[system] = {}
        for width in s.widths:
            w2, b2, act = finite_size.operating_point(system, width, scaled_drive=s.scaled_drive)
            out[system][width] = cached_call(
                avalanches.Avalanches, avalanches.simulate, width=width, depth=s.depth(width), sigma_w2=w2,
                sigma_b2=b2, n_inputs=s.n_inputs, inputs_per_network=s.inputs_per_network, activation=act,
                seed=sub_seed(seed, "sweep", system, width), device=device, progress=progress)
    return out


def _shape_runs(s, seed, device, progress) -> dict:
    width = s.widths[-1]
    w2, b2, act = finite_size.operating_point("tanh", width)
    tanh = cached_call(avalanches.Avalanches, avalanches.simulate, width=width, depth=s.depth(width), sigma_w2=w2,
                       sigma_b2=b2, activation=act, n_inputs=2 * s.n_inputs, inputs_per_network=s.inputs_per_network,
                       seed=sub_seed(seed, "shape", "tanh"), record_traces=True, device=device, progress=progress)
    sparse = cached_call(sparse_networks.SparseAvalanches, sparse_networks.simulate,
                         **_sparse_point(s, s.shape_sparse_width, n_inputs=2 * s.sparse_n_inputs,
                                         seed=sub_seed(seed, "shape", SPARSE), record_traces=True))
    return {"tanh": tanh, SPARSE: sparse}


def _cutoff_ratio(f) -> tuple[float, float]:
    return f.cutoff_ratio, f.cutoff_ratio_err


def compute(profile="ci", *, seed=0, device="auto", progress=False) -> UniversalityClassesResults:
    """Run (or read from the cache) everything the page shows, and measure it.

    Parameters
    ----------
    profile : str or UniversalityClassesSettings
        A name of :data:`PROFILES` ("ci", "paper") or settings of one's own
        (``dataclasses.replace(PROFILES["ci"], widths=(16, 32, 64))``).
    seed : int
        The notebook's ``SEED``; every run gets its own seed from it.
    device : str or torch.device
        "auto" (a GPU when there is one), "cpu" or "cuda"; not part of the cache keys.
    progress : bool
        Show progress bars of the dense simulations.

    Returns
    -------
    UniversalityClassesResults
    """
    s = PROFILES.resolve(profile)
    seed = _validate.integer("seed", seed, minimum=0)
    device = avalanches.resolve_device(device)

    calibration = universality.calibration(s.calibration_runs, cap_scale=s.calibration_cap_scale,
                                           rng=np.random.default_rng(sub_seed(seed, "calibration")))
    calibration_classes = {name: universality.classify(e).assigned for name, e in calibration.items()}

    sweeps = _dense_sweeps(s, seed, device, progress)
    fss = {system: finite_size.finite_size_scaling(sweeps[system], system) for system in SYSTEMS}
    sweeps[SPARSE] = {
        width: cached_call(sparse_networks.SparseAvalanches, sparse_networks.simulate,
                           **_sparse_point(s, width, n_inputs=s.sparse_n_inputs, seed=sub_seed(seed, "sparse", width)))
        for width in s.sparse_widths}
    fss[SPARSE] = finite_size.finite_size_scaling(sweeps[SPARSE], SPARSE)
    sweeps[BRANCHING] = {
        n: cached_call(exact_models.ExactAvalanches, exact_models.finite_population_branching,
                       n_runs=s.sparse_n_inputs, width=n, rng=sub_seed(seed, "branching", n))
        for n in s.sparse_widths}
    fss[BRANCHING] = finite_size.finite_size_scaling(sweeps[BRANCHING], BRANCHING)
    collapses = {system: collapse.size_collapse(sweeps[system], tau=f.tau_s[-1]) for system, f in fss.items()}

    shape_runs = _shape_runs(s, seed, device, progress)
    shape_collapses = shapes.mean_shapes(shape_runs)
    shape_exponents = shapes.shape_exponents(shape_runs)
    exact_shapes = shapes.exact_shape_exponents(n_runs=s.shape_exact_runs,
                                                rng=np.random.default_rng(sub_seed(seed, "exact shapes")))

    resnet_runs = {
        depth: cached_call(resnets.ModuleAvalanches, resnets.module_avalanches, depth=depth,
                           image_size=s.resnet_image_size, n_inputs=s.resnet_n_inputs,
                           inputs_per_network=s.resnet_inputs_per_network, seed=sub_seed(seed, "resnet", depth), device=device)
        for depth in s.resnet_depths}
    resnet_exponents = {depth: resnets.measure(a) for depth, a in resnet_runs.items()}
    resnet_classes = {depth: universality.classify(e) for depth, e in resnet_exponents.items()}

    networks = ([f.exponents_at(-1) for f in fss.values()] + [f.limit_exponents() for f in fss.values()]
                + list(resnet_exponents.values()))
    return UniversalityClassesResults(
        settings=s, seed=seed, systematic=universality.SYSTEMATIC, tolerance=universality.TOLERANCE,
        calibration=calibration, calibration_classes=calibration_classes,
        n_right=sum(assigned == name for name, assigned in calibration_classes.items()),
        sweeps=sweeps, fss=fss, sparse_sigma_w2=sparse_networks.critical_sigma_w2(s.fan_out, s.threshold),
        sparse_tau_eff=sparse_networks.effective_duration_exponent(3, 20, s.fan_out),
        cutoff_ratios={system: _cutoff_ratio(f) for system, f in fss.items()}, collapses=collapses,
        shape_collapses=shape_collapses, shape_exponents=shape_exponents, exact_shape_exponents=exact_shapes,
        resnet_runs=resnet_runs, resnet_exponents=resnet_exponents, resnet_classes=resnet_classes,
        resnet_min_dp=min((d for d in (a.distances["mean-field DP"] for a in resnet_classes.values()) if np.isfinite(d)),
                          default=float("nan")),
        networks=tuple(networks), verdicts={e.name: universality.classify(e) for e in networks},
    )


def _nearest(distances: dict, why: str):
    """The key of the smallest distance (bold), or an undetermined cell when no distance is a number."""
    finite = {k: d for k, d in distances.items() if np.isfinite(d)}
    return f"**{min(finite, key=finite.get)}**" if finite else tables.Undetermined(why or "no distance is a number")


def _cell(value, err=None, digits=3, why=""):
    """``value ± err`` for a table, or an undetermined cell with ``why`` when the value is NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return tables.Undetermined(why or "the data gave no number")
    return tables.fmt(value, err, digits)


def _class_cell(a):
    return tables.Undetermined(a.undetermined) if a.assigned == "undetermined" else f"**{a.assigned}**"


# ----------------------------------------------------------------------------------------------- tables

def _class_table(systems) -> str:
    names = list(universality.REFERENCE_CLASSES)
    rows = []
    for e in systems:
        a = universality.classify(e)
        why = e.undetermined
        rows.append([e.name, _cell(e.tau_s, e.tau_s_err, why=why), _cell(e.tau_d, e.tau_d_err, why=why),
                     _cell(e.gamma, e.gamma_err, why=why)]
                    + [_cell(a.distances[k], digits=1, why=a.undetermined) for k in names] + [_class_cell(a)])
    return tables.markdown(["system", "τ_s", "τ_d", "γ"] + [f"d({k})" for k in names] + ["class"], rows)


def calibration_table(results: UniversalityClassesResults) -> str:
    """Markdown: exponents of the calibration models, their distance to every class (combined errors)
    and the class assigned."""
    return _class_table(results.calibration.values())


def class_table(results: UniversalityClassesResults) -> str:
    """Markdown: as :func:`calibration_table` for the calibration models and then every network
    (widest N, N → ∞ limits, ResNets)."""
    return _class_table([*results.calibration.values(), *results.networks])


def surviving_table(results: UniversalityClassesResults) -> str:
    """Markdown: percentage of inputs still active at the last layer, per dense system and width."""
    return tables.markdown(
        ["system"] + [f"$N={w}$" for w in results.settings.widths],
        [[system] + [tables.fmt(100 * x, digits=2) + " %" if np.isfinite(x) else
                     tables.Undetermined(results.fss[system].undetermined or "nothing was recorded")
                     for x in results.fss[system].surviving_fraction]
         for system in SYSTEMS])


def sparse_table(results: UniversalityClassesResults) -> str:
    """Markdown: avalanches, surviving percentage and cut-offs T_c (layers), S_c (active units) of the
    sparse threshold network per width."""
    sparse, f = results.sweeps[SPARSE], results.fss[SPARSE]
    return tables.markdown(
        ["$N$", "avalanches", "surviving", "$T_c$", "$S_c$"],
        [[int(w), sparse[w].sizes.size, tables.fmt(100 * sparse[w].surviving_fraction, digits=2) + " %",
          _cell(f.duration_cutoff[k], f.duration_cutoff_err[k], 1, _width_why(f, k)),
          _cell(f.size_cutoff[k], f.size_cutoff_err[k], 0, _width_why(f, k))] for k, w in enumerate(sorted(sparse))])


def _width_why(f, k) -> str:
    return f.width_undetermined[k] if f.width_undetermined else f.undetermined


def cutoff_table(results: UniversalityClassesResults) -> str:
    """Markdown: cut-off exponents (b_S, b_T) of every system, their ratio and distances to the classes.

    The distance to a class is the RMS over (b_S, b_T) of (measured − predicted)/error, with the
    weighted-least-squares errors of :func:`crit.analysis.universality.power_law_in_width` and the
    predictions :data:`crit.analysis.finite_size.CUTOFF_EXPONENTS`.
    """
    references = finite_size.CUTOFF_EXPONENTS
    rows = []
    for system, f in results.fss.items():
        b = np.array([f.size_cutoff_exponent, f.duration_cutoff_exponent])
        e = np.array([f.size_cutoff_exponent_err, f.duration_cutoff_exponent_err])
        ratio, ratio_err = _cutoff_ratio(f)
        dist = {k: float(np.sqrt(np.mean(((b - np.array(ref)) / e) ** 2))) for k, ref in references.items()}
        rows.append([system, f"{int(f.widths[0])}–{int(f.widths[-1])}", _cell(b[0], e[0], 2, f.undetermined),
                     _cell(b[1], e[1], 2, f.undetermined), tables.fmt(ratio, ratio_err, 2)]
                    + [_cell(dist[k], digits=1, why=f.undetermined) for k in references]
                    + [_nearest(dist, f.undetermined)])
        if np.isnan(ratio):
            rows[-1][4] = tables.Undetermined(f.undetermined or "a cut-off exponent is undetermined")
    return tables.markdown(["system", "widths", "$b_S$", "$b_T$", "$b_S/b_T$"] + [f"d({k})" for k in references]
                           + ["nearer"], rows)


def collapse_table(results: UniversalityClassesResults) -> str:
    """Markdown: τ_s of the widest N, σ of the best size collapse, the moment exponent b_S and the
    collapse quality (χ² per point) of every system."""
    fss = results.fss
    return tables.markdown(
        ["system", "$\\tau_s$ (fit, widest $N$)", "$\\sigma$ (collapse)", "$b_S$ (moments)", "quality",
         "inside the range"],
        [[s, _cell(fss[s].tau_s[-1], fss[s].tau_s_err[-1], 3, _width_why(fss[s], -1)),
          tables.fmt(c.sigma, c.sigma_err, 2) if c.determined else tables.Undetermined(c.undetermined),
          _cell(fss[s].size_cutoff_exponent, fss[s].size_cutoff_exponent_err, 2, fss[s].undetermined),
          _cell(c.quality, digits=1, why=c.undetermined),
          ("no" if c.at_edge else "yes") if np.isfinite(c.sigma) else tables.Undetermined(c.undetermined)]
         for s, c in results.collapses.items()])


def exact_shapes_table(results: UniversalityClassesResults) -> str:
    """Markdown: shape exponent a of the exact models (the yardsticks of the networks' shapes)."""
    return tables.markdown(["model", "$a$ on $T = 20\\ldots 80$"],
                           [[k, _cell(*v, why="no duration had enough runs for a mean shape")]
                            for k, v in results.exact_shape_exponents.items()])


def resnet_table(results: UniversalityClassesResults) -> str:
    """Markdown: module calls, avalanches, survivors, exponents and class of every untrained ResNet."""
    runs = results.resnet_runs
    return tables.markdown(
        ["network", "module calls", "avalanches", "no module below threshold", "$\\tau_s$", "$\\tau_d$",
         "$\\gamma$", "class"],
        [[e.name, runs[d].n_modules, e.n_avalanches, tables.fmt(100 * runs[d].surviving_fraction, digits=1) + " %",
          _cell(e.tau_s, e.tau_s_err, why=e.undetermined), _cell(e.tau_d, e.tau_d_err, why=e.undetermined),
          _cell(e.gamma, e.gamma_err, why=e.undetermined), _class_cell(results.resnet_classes[d])]
         for d, e in results.resnet_exponents.items()])

