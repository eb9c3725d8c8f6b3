r"""The chapter "Barkhausen noise or directed percolation?": settings, compute, tables and figures.

:func:`compute` runs the page in the notebook's order with one measurement pipeline for every
system (:data:`crit.analysis.pipeline.PIPELINE`): its calibration on the four exact models of known
class (:func:`crit.analysis.calibration.calibrate`, recovery rates over repetitions), width sweeps of
three dense networks at their finite-width critical points and of the sparse threshold network with
its exact counterpart (critical branching on N sites), measured by
:func:`crit.analysis.finite_size.finite_size_scaling` with that pipeline, the size collapses, the mean
avalanche shapes, and untrained ResNets measured module by module
(:func:`crit.analysis.pipeline.measure_record`). Every network system is then assigned against the
candidate classes of :data:`crit.analysis.classes.CLASSES` by
:func:`crit.analysis.class_assignment.assign`, with the calibration's systematic errors. The
simulations and the calibration are read from or stored in the results cache
(:func:`crit.book.cache.cached_call`); the measurements on them are redone each time. The tables
live in ``_universality_classes_tables``, the figures in ``_universality_classes_figures``, the
sentences in ``_universality_classes_verdicts``; all are re-exported here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import calibration, class_assignment, collapse, finite_size, pipeline, shapes
from crit.analysis.classes import CLASSES
from crit.analysis.finite_size import BRANCHING, SPARSE, SYSTEMS
from crit.analysis.pipeline import PIPELINE
from crit.book import replay as _replay
from crit.book.cache import cached_call
from crit.chapters._universality_classes_figures import (
    class_plane_figure,
    collapse_figure,
    cutoffs_figure,
    exponents_figure,
    resnet_distributions_figure,
    shapes_figure,
)
from crit.chapters._universality_classes_tables import (
    assignment_table,
    calibration_table,
    class_table,
    collapse_table,
    cutoff_table,
    exact_shapes_table,
    headline,
    resnet_table,
    separation_table,
    sources_table,
    sparse_table,
    surviving_table,
)
from crit.chapters._universality_classes_verdicts import (
    NETWORKS,
    PAPER_CLASSES,
    assignment_sentence,
    calibration_exponents_sentence,
    calibration_sentence,
    claim,
    collapse_sentence,
    cutoff_sentence,
    degeneracy_sentence,
    degenerate_pairs,
    outcome,
    page_verdicts,
    profile_sentence,
    resnet_window_sentence,
    shape_class,
    shape_sentence,
    systematic_sentence,
)
from crit.chapters.settings import Profiles, Results, Settings
from crit.models import avalanches, exact_models, resnets, sparse_networks
from crit.seeds import sub_seed

__all__ = [
    "BRANCHING", "NETWORKS", "PAPER_CLASSES", "PARTS", "PROFILES", "SCOPE", "SPARSE", "MEASURED_STATISTICS",
    "UniversalityClassesResults", "UniversalityClassesSettings", "assignment_sentence", "assignment_table",
    "calibration_exponents_sentence", "calibration_sentence", "calibration_table", "claim", "class_plane_figure",
    "class_table", "collapse_figure", "collapse_sentence", "collapse_table", "compute", "cutoff_sentence",
    "cutoff_table", "cutoffs_figure", "degeneracy_sentence", "degenerate_pairs", "exact_shapes_table",
    "exponents_figure", "headline", "outcome", "page_verdicts", "profile_sentence", "resnet_distributions_figure",
    "resnet_table", "resnet_window_sentence", "separation_table", "shape_class", "shape_sentence", "shapes_figure",
    "sources_table", "sparse_table", "surviving_table", "systematic_sentence",
]

#: The statistics the network systems measure (all of :data:`crit.analysis.pipeline.STATISTICS`): the
#: degeneracy of the classes is computed over these.
MEASURED_STATISTICS = ("tau_s", "tau_d", "gamma", "b_S", "b_T", "shape")


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
    calibration_repetitions : int
        Independent samples of each exact model in the calibration (the recovery rate is over these;
        at "ci" as many as the page's time allows: the 1+1-D DP lattice costs most).
    calibration_avalanches : int
        Avalanches per sample (the dense networks' CI widths give 830–930 ended ones per width).
    calibration_cutoff : float
        x_c of the exact models' soft cut-off e^{−T/x_c} (model time steps): T_c ≈ (3 − τ_d) x_c,
        within the range of the networks' measured T_c.
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
    calibration_repetitions: int
    calibration_avalanches: int
    calibration_cutoff: float
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
        calibration_repetitions=8, calibration_avalanches=900, calibration_cutoff=200.0,
        sparse_widths=(1024, 4096, 16384, 65536, 262144), sparse_n_inputs=20_000, sparse_inputs_per_network=1000,
        sparse_depth_per_sqrt_width=10.0, fan_out=4, threshold=1.0, shape_sparse_width=16384,
        shape_exact_runs=200_000, resnet_depths=(18, 50, 152), resnet_n_inputs=3000, resnet_inputs_per_network=500,
        resnet_image_size=32,
    ),
    paper=UniversalityClassesSettings(
        widths=(64, 128, 256, 512, 1024, 2048), depth_per_width=8.0, n_inputs=40_000, inputs_per_network=200,
        scaled_drive=1.0, calibration_repetitions=20,
        calibration_avalanches=5000, calibration_cutoff=600.0,
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
    calibration : crit.analysis.calibration.Calibration
        The exact models through :data:`crit.analysis.pipeline.PIPELINE` and the class assignment,
        with their recovery rates.
    systematic : dict
        ``{statistic: error}`` added in quadrature by every assignment of the page (the calibration's).
    sweeps : dict
        ``{system: {width: avalanche record}}`` for the dense systems, ``SPARSE`` and ``BRANCHING``.
    fss : dict
        ``{system: FiniteSizeScaling}``, same systems, every width measured by the pipeline.
    sparse_sigma_w2 : float
        Critical σ_w² of the sparse threshold network.
    sparse_tau_eff : float
        Effective τ_d of an exact critical tree with the network's offspring law on T = 3…20.
    collapses : dict
        ``{system: Collapse}`` of the size distributions at the fitted τ_s of the widest N.
    shape_collapses : dict
        ``{"tanh": ShapeCollapse, SPARSE: ShapeCollapse}``.
    shape_exponents, exact_shape_exponents : dict
        ``{name: (a, a_err)}`` of F ∝ [u(1 − u)]^a for the networks and the exact models.
    resnet_runs : dict
        ``{depth: ModuleAvalanches}``.
    resnet_exponents : dict
        ``{depth: Exponents}`` measured by the pipeline.
    measurements : dict
        ``{name: Measurement}``: every system at N → ∞ (with b_S, b_T and, where recorded, the shape
        exponent a), at its widest N, and the ResNets.
    assignments : dict
        ``{name: Assignment}`` of ``measurements`` against :data:`crit.analysis.classes.CLASSES`.
    cutoff_assignments : dict
        ``{system: Assignment}`` on (b_S, b_T) alone.
    separation : dict
        ``{(a, b): Δχ²}`` of :func:`crit.analysis.class_assignment.separation_matrix` over the
        statistics the networks measure, with the calibration's systematic.
    separation_exponents : dict
        The same over τ_s, τ_d and γ alone (what the ResNets and the exact models measure).
    sources : tuple of crit.book.published.Source
        Where the numbers came from when the page was replayed from its published results
        (:func:`crit.book.replay.read`); ``()`` when everything was computed in this build.
    """

    calibration: calibration.Calibration
    systematic: dict
    sweeps: dict
    fss: dict
    sparse_sigma_w2: float
    sparse_tau_eff: float
    collapses: dict
    shape_collapses: dict
    shape_exponents: dict
    exact_shape_exponents: dict
    resnet_runs: dict
    resnet_exponents: dict
    measurements: dict
    assignments: dict
    cutoff_assignments: dict
    separation: dict
    separation_exponents: dict
    sources: tuple = ()


def _sparse_point(s: UniversalityClassesSettings, width: int, *, n_inputs: int, seed: int,
                  record_traces=False, trace_durations=None) -> dict:
    """Arguments of :func:`crit.models.sparse_networks.simulate` at its critical point for ``width``."""
    return {"width": width, "depth": s.sparse_depth(width),
            "sigma_w2": sparse_networks.critical_sigma_w2(s.fan_out, s.threshold), "fan_out": s.fan_out,
            "threshold": s.threshold, "n_inputs": n_inputs, "inputs_per_network": s.sparse_inputs_per_network,
            "seed": seed, "record_traces": record_traces, "trace_durations": trace_durations}


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
                       seed=sub_seed(seed, "shape", "tanh"), record_traces=True,
                       trace_durations=shapes.WINDOWS["tanh"][:2], device=device, progress=progress)
    sparse = cached_call(sparse_networks.SparseAvalanches, sparse_networks.simulate,
                         **_sparse_point(s, s.shape_sparse_width, n_inputs=2 * s.sparse_n_inputs,
                                         seed=sub_seed(seed, "shape", SPARSE), record_traces=True,
                                         trace_durations=shapes.WINDOWS[SPARSE][:2]))
    return {"tanh": tanh, SPARSE: sparse}


def _tau_refit(record):
    """τ_s of ``record`` refitted by :data:`PIPELINE` on a part of its avalanches (``keep``, a mask), as
    the collapse's half-samples need it (only the point estimate: the fewest jackknife blocks)."""
    point = dataclasses.replace(PIPELINE, max_groups=3)
    sizes, durations = np.asarray(record.sizes, float), np.asarray(record.durations, float)
    discrete = bool(np.all(sizes == np.round(sizes))), bool(np.all(durations == np.round(durations)))
    network, survived = np.asarray(record.network), np.asarray(record.survived, bool)
    return lambda keep: pipeline.measure(point, sizes[keep], durations[keep], groups=network[keep],
                                         survived=survived[keep], discrete_sizes=discrete[0],
                                         discrete_durations=discrete[1]).tau_s


def _size_collapse(runs, f):
    """The size collapse of one system at the fitted τ_s of its widest N, refitted on each half-sample of
    the error; undetermined, with the reason, when that τ_s is not above 1 (a measured value, not bad
    input: no normalisable law)."""
    tau = float(f.tau_s[-1])
    if np.isnan(tau) or tau > 1.0:
        widest = max(runs)
        refit = _tau_refit(runs[widest])
        return collapse.size_collapse(runs, tau=tau, refit_tau=lambda keep: refit(keep[widest]))
    blank = collapse.size_collapse(runs, tau=float("nan"))
    return dataclasses.replace(blank, undetermined=f"the fitted τ_s of the widest N, {tau:.3f}, is not above 1: "
                                                  "no normalisable size law to collapse")


#: The page published whole (``python -m crit publish``): every simulation of the paper profile.
PARTS = (_replay.chapter_part("universality_classes"),)


def compute(profile="ci", *, seed=0, device="auto", progress=False, published=None) -> UniversalityClassesResults:
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
    published : path, optional
        A folder of published results (``results/paper``): when it holds this page published with
        ``seed``, the page is replayed from it at the profile it was published at (``profile`` is then
        not used; nothing is simulated but the exact models' shapes), and ``results.sources`` says so.
        Otherwise, and when None (the default), everything is computed at ``profile``.

    Returns
    -------
    UniversalityClassesResults
    """
    s = PROFILES.resolve(profile)
    seed = _validate.integer("seed", seed, minimum=0)
    if published is not None:
        whole = _replay.read(published, "universality_classes", compute, seed=seed, device=device,
                             progress=progress)
        if whole is not None:
            return whole
    device = avalanches.resolve_device(device)

    cal = cached_call(calibration.Calibration, calibration.calibrate, repetitions=s.calibration_repetitions,
                      n_avalanches=s.calibration_avalanches, cutoff=s.calibration_cutoff,
                      rng=sub_seed(seed, "calibration"))
    systematic = dict(cal.systematic)

    sweeps = _dense_sweeps(s, seed, device, progress)
    sweeps[SPARSE] = {
        width: cached_call(sparse_networks.SparseAvalanches, sparse_networks.simulate,
                           **_sparse_point(s, width, n_inputs=s.sparse_n_inputs, seed=sub_seed(seed, "sparse", width)))
        for width in s.sparse_widths}
    sweeps[BRANCHING] = {
        n: cached_call(exact_models.ExactAvalanches, exact_models.finite_population_branching,
                       n_runs=s.sparse_n_inputs, width=n, rng=sub_seed(seed, "branching", n))
        for n in s.sparse_widths}
    fss = {system: finite_size.finite_size_scaling(runs, system, pipeline=PIPELINE) for system, runs in sweeps.items()}
    collapses = {system: _size_collapse(sweeps[system], f) for system, f in fss.items()}

    shape_runs = _shape_runs(s, seed, device, progress)
    shape_collapses = shapes.mean_shapes(shape_runs)
    shape_exponents = shapes.shape_exponents(shape_runs)
    exact_shapes = shapes.exact_shape_exponents(n_runs=s.shape_exact_runs,
                                                rng=np.random.default_rng(sub_seed(seed, "exact shapes")))

    resnet_runs = {
        depth: cached_call(resnets.ModuleAvalanches, resnets.module_avalanches, depth=depth,
                           image_size=s.resnet_image_size, n_inputs=s.resnet_n_inputs,
                           inputs_per_network=s.resnet_inputs_per_network, seed=sub_seed(seed, "resnet", depth),
                           device=device)
        for depth in s.resnet_depths}
    resnet_exponents = {depth: pipeline.measure_record(PIPELINE, a, name=f"ResNet-{depth}")
                        for depth, a in resnet_runs.items()}

    measurements = {}
    for system, f in fss.items():
        shape = shape_exponents.get(system)
        measurements[f"{system}, N→∞"] = class_assignment.from_finite_size(f, shape=shape)
        widest = class_assignment.from_finite_size(f, which=-1, shape=shape)
        measurements[widest.name] = widest
    for e in resnet_exponents.values():
        measurements[e.name] = class_assignment.measurement(e)
    assignments = {name: class_assignment.assign(m, systematic=systematic, rng=sub_seed(seed, "assign", name))
                   for name, m in measurements.items()}
    cutoff_only = {
        system: class_assignment.assign(
            class_assignment.Measurement(system, {k: m.values[k] for k in ("b_S", "b_T")},
                                         {k: m.errors[k] for k in ("b_S", "b_T")},
                                         {k: v for k, v in m.correlation.items() if k == "b_S,b_T"}, m.undetermined),
            systematic=systematic, rng=sub_seed(seed, "assign cut-offs", system))
        for system in fss for m in (measurements[f"{system}, N→∞"],)}
    return UniversalityClassesResults(
        settings=s, seed=seed, calibration=cal, systematic=systematic, sweeps=sweeps, fss=fss,
        sparse_sigma_w2=sparse_networks.critical_sigma_w2(s.fan_out, s.threshold),
        sparse_tau_eff=sparse_networks.effective_duration_exponent(3, 20, s.fan_out), collapses=collapses,
        shape_collapses=shape_collapses, shape_exponents=shape_exponents, exact_shape_exponents=exact_shapes,
        resnet_runs=resnet_runs, resnet_exponents=resnet_exponents, measurements=measurements,
        assignments=assignments, cutoff_assignments=cutoff_only,
        separation=class_assignment.separation_matrix(CLASSES, systematic=systematic, statistics=MEASURED_STATISTICS),
        separation_exponents=class_assignment.separation_matrix(CLASSES, systematic=systematic,
                                                                statistics=("tau_s", "tau_d", "gamma")),
    )
