r"""The chapter "Does susceptibility predict learning?": its settings, its computation, its tables and figures.

An open reconstruction of the claim of Ghavasieh et al. (arXiv:2509.22649) that maximal
susceptibility predicts learning better than proximity to the critical point: the paper gives no
training details, so every choice (data sets, architecture, optimisers, budget, grid) is a field of
:class:`SusceptibilityPredictsLearningSettings`.

:func:`compute` does, for each depth, a scan of the avalanche engine at the trained networks' width
and depth over the drives h = N·σ_b²/q0 (:func:`crit.analysis.phases.scan`), from which each drive
gets its reference lines (the χ peak, the S̄_end peak, χ₁ = 1: :func:`crit.analysis.learning.references`)
and a grid of σ_w² around them (:func:`crit.analysis.learning.training_grid`). For each design
(data set, optimiser, depth) it trains every initialisation of that grid with every learning rate of
the optimiser's small grid and several seeds (:func:`crit.models.train.train`), chooses each
network's learning rate on a validation split carved from the training set, and scores the chosen
network on the test split. The analysis (:mod:`crit.analysis.hierarchical`) then compares the
predictors within rows with a hierarchical bootstrap, locates the accuracy optimum of each row
against the lines, and runs the leave-one-row-out choice test. Every result sentence comes from
``_susceptibility_predicts_learning_verdicts``; the figures live in
``_susceptibility_predicts_learning_figures``; both are re-exported here.

Examples
--------
>>> import dataclasses
>>> from crit.chapters import susceptibility_predicts_learning as chapter
>>> settings = dataclasses.replace(chapter.PROFILES["ci"], width=16, depths=(4,), steps=20)
>>> results = chapter.compute(settings, seed=0, device="cpu")  # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from crit import _validate
from crit.analysis import hierarchical, learning, phases
from crit.analysis.correlation import CorrelationTable
from crit.analysis.drive import drive_to_sigma_b2
from crit.book import replay as _replay
from crit.book.cache import cached_call
from crit.chapters._susceptibility_predicts_learning_figures import (
    learning_curves,
    lines_figure,
    optimum_figure,
    predictors_figure,
)
from crit.chapters._susceptibility_predicts_learning_verdicts import (  # the verdicts and tables of the page
    PREDICTOR_LABELS,
    PREDICTOR_SYMBOLS,
    choice_table,
    choice_verdict,
    claim,
    comparison_table,
    design_verdict,
    designs_table,
    optima_table,
    optimum_sentence,
    rows_sentence,
    verdict_table,
)
from crit.chapters.settings import Grid, Profiles, Results, Settings, one_cpu_thread
from crit.models import train
from crit.models.avalanches import resolve_device
from crit.seeds import sub_seed

__all__ = ["PARTS", "PREDICTOR_LABELS", "PREDICTOR_SYMBOLS", "PROFILES", "Q0", "SCOPE", "Design", "DesignResults",
           "SusceptibilityPredictsLearningResults", "SusceptibilityPredictsLearningSettings", "choice_table",
           "choice_verdict", "claim", "comparison_table", "compute", "design_verdict", "designs_table",
           "headline", "learning_curves", "lines_figure", "optima_table", "optimum_figure", "optimum_sentence",
           "predictors_figure", "rows_sentence", "verdict_table"]

#: Threshold q0 of the engine's scans (squared norm of the input), the authors' value.
Q0 = 0.1


@dataclass(frozen=True)
class Design:
    """One training design: a data set, an optimiser and a depth."""

    dataset: str
    optimizer: str
    depth: int

    def __str__(self) -> str:
        return f"{self.dataset}, {'SGD' if self.optimizer == 'sgd' else 'Adam'}, depth {self.depth}"


@dataclass(frozen=True, kw_only=True)
class SusceptibilityPredictsLearningSettings(Settings):
    """Sizes of the learning experiment ("ci": 2 CPU cores, minutes; "paper": a GPU).

    Parameters
    ----------
    width : int
        Neurons per hidden layer, of the trained networks and of the engine's networks.
    depths : tuple of int
        Hidden layers; the first is the main depth.
    datasets, optimizers : tuple of str
        Names of :data:`crit.models.datasets.NAMES` and of :data:`crit.models.train.OPTIMIZERS`; the first
        of each makes the main design (see :meth:`designs`).
    drives : tuple of float
        Dimensionless drives h = N·σ_b²/q0 of the rows (0: no bias); rows where avalanches do not end are
        dropped, with the reason.
    points, margin : int, float
        Initialisations per row, and how far (in ln σ_w²) the row's grid reaches beyond its χ peak and χ₁ = 1.
    seeds : int
        Training seeds (networks) per initialisation and learning rate.
    steps, batch_size, eval_every, target_accuracy
        Minibatch steps, examples per minibatch, steps between test evaluations, and the test accuracy
        whose first crossing is recorded; passed to :func:`crit.models.train.train`.
    sgd_lrs, adam_lrs : tuple of float
        The learning rates tried for each initialisation; the one with the best validation accuracy is kept.
    validation_fraction : float
        Part of the training split held out to choose the learning rate.
    scan_sigma_w2 : Grid
        σ_w² of the engine's scans; it must reach past both susceptibility peaks.
    scan_inputs, inputs_per_network : int
        Inputs per point of the scans, and per random network.
    n_resamples : int
        Hierarchical bootstrap resamples.
    """

    width: int
    depths: tuple[int, ...]
    datasets: tuple[str, ...]
    optimizers: tuple[str, ...]
    drives: tuple[float, ...]
    points: int
    margin: float
    seeds: int
    steps: int
    batch_size: int
    eval_every: int
    target_accuracy: float
    sgd_lrs: tuple[float, ...]
    adam_lrs: tuple[float, ...]
    validation_fraction: float
    scan_sigma_w2: Grid
    scan_inputs: int
    inputs_per_network: int
    n_resamples: int

    def designs(self) -> tuple[Design, ...]:
        """Every data set with every optimiser at the main depth, then the main data set and optimiser at
        each other depth."""
        main = tuple(Design(d, o, self.depths[0]) for d in self.datasets for o in self.optimizers)
        return main + tuple(Design(self.datasets[0], self.optimizers[0], L) for L in self.depths[1:])

    def learning_rates(self, optimizer: str) -> tuple[float, ...]:
        """The learning rates tried with ``optimizer``."""
        return {"sgd": self.sgd_lrs, "adam": self.adam_lrs}[_validate.choice("optimizer", optimizer, train.OPTIMIZERS)]


_COMMON = {"datasets": ("digits", "mnist1d"), "optimizers": ("sgd", "adam"), "batch_size": 64, "eval_every": 25,
           "target_accuracy": 0.8, "sgd_lrs": (0.03, 0.1, 0.3), "adam_lrs": (1e-3, 3e-3, 1e-2),
           "validation_fraction": 0.2, "inputs_per_network": 100}
PROFILES = Profiles(
    ci=SusceptibilityPredictsLearningSettings(
        width=32, depths=(12, 24), drives=(0.0, 0.1, 0.3, 1.0), points=8, margin=0.4, seeds=3, steps=150,
        scan_sigma_w2=Grid.geometric(0.25, 5.0, 28), scan_inputs=2000, n_resamples=1000, **_COMMON),
    paper=SusceptibilityPredictsLearningSettings(
        width=128, depths=(40, 80), drives=(0.0, 0.03, 0.1, 0.3, 1.0, 3.0), points=16, margin=0.5, seeds=5,
        steps=1000, scan_sigma_w2=Grid.geometric(0.25, 5.0, 56), scan_inputs=10_000, n_resamples=2000, **_COMMON),
)


def _scope(s: SusceptibilityPredictsLearningSettings) -> str:
    return (f"width {s.width}, depths {', '.join(map(str, s.depths))}; {len(s.designs())} designs "
            f"({', '.join(s.datasets)} × {', '.join(o.upper() if o == 'sgd' else 'Adam' for o in s.optimizers)}); "
            f"{len(s.drives)} drives h, {s.points} σ_w² per drive, {s.seeds} seeds, {s.steps} steps")


#: What each profile's sizes can and cannot show (a statement about the design, not a result).
SCOPE = {
    "ci": (f"{_scope(PROFILES['ci'])}: narrow, shallow networks and a short budget; with "
           f"{PROFILES['ci'].points} initialisations per drive and {PROFILES['ci'].seeds} seeds, intervals are wide, "
           "and the answer may differ for wider, deeper networks trained longer."),
    "paper": (f"{_scope(PROFILES['paper'])}: wider and deeper networks, a finer grid, more seeds and a longer "
              "budget; it needs a GPU."),
}


@dataclass(frozen=True, eq=False)
class DesignResults:
    """What one design gives; arrays of shape (R, P, S) are indexed by row (drive), initialisation and seed.

    Attributes
    ----------
    design : Design
    refs : crit.analysis.learning.RowReferences
        The reference lines of the kept rows.
    sigma_w2 : numpy.ndarray, shape (R, P)
        The initialisations of each row.
    test_accuracy, train_accuracy, test_loss, train_loss, validation_accuracy : numpy.ndarray
        Scores after the budget of the network trained with the chosen learning rate (losses in nats).
    steps_to_target : numpy.ndarray
        First evaluated step with test accuracy ≥ the target (NaN: never).
    lr : numpy.ndarray
        The chosen learning rate.
    test_curve : numpy.ndarray, shape (R, P, S, n_eval)
        Test accuracy at ``eval_steps`` of the chosen network.
    eval_steps : numpy.ndarray
    predictors : dict
        ``{name of crit.analysis.learning.PREDICTORS: array (R, P)}``.
    comparison : crit.analysis.correlation.CorrelationTable
        Within-row ρ of the test accuracy with every predictor (hierarchical bootstrap).
    optima : crit.analysis.hierarchical.RowOptima
    choice : crit.analysis.hierarchical.OutOfSample
    train_s : float
        Seconds spent training (when computed, not when read from the cache).
    """

    design: Design
    refs: learning.RowReferences
    sigma_w2: np.ndarray
    test_accuracy: np.ndarray
    train_accuracy: np.ndarray
    test_loss: np.ndarray
    train_loss: np.ndarray
    validation_accuracy: np.ndarray
    steps_to_target: np.ndarray
    lr: np.ndarray
    test_curve: np.ndarray
    eval_steps: np.ndarray
    predictors: dict
    comparison: CorrelationTable
    optima: hierarchical.RowOptima
    choice: hierarchical.OutOfSample
    train_s: float


@dataclass(frozen=True, eq=False)
class SusceptibilityPredictsLearningResults(Results):
    """Everything the page shows.

    Attributes
    ----------
    scans : dict
        ``{depth: PhaseScan}`` of the engine at the trained width, over every drive.
    references : dict
        ``{depth: RowReferences}`` of every drive (kept or not).
    designs : tuple of DesignResults
        In the order of :meth:`SusceptibilityPredictsLearningSettings.designs`.
    sources : tuple of crit.book.published.Source
        Where the numbers came from when the page was replayed from its published results
        (:func:`crit.book.replay.read`); ``()`` when everything was computed in this build.
    """

    scans: dict
    references: dict
    designs: tuple
    sources: tuple = ()

    @property
    def main(self) -> DesignResults:
        """The main design (first data set, first optimiser, first depth)."""
        return self.designs[0]

    @property
    def train_s(self) -> float:
        """Seconds spent training, all designs."""
        return sum(d.train_s for d in self.designs)


def _chosen(runs, shape, n_lr):
    """Per-network arrays at the learning rate with the best validation accuracy (ties: lower validation loss)."""
    def grid(values):
        return np.stack([np.asarray(v, float).reshape(*shape, n_lr, *np.shape(v)[1:]) for v in values], axis=2)

    val = grid([r.validation_accuracy for r in runs])  # (R, P, S, L)
    key = val - 1e-6 * np.minimum(grid([r.final_validation_loss for r in runs]), 1e3)
    k = np.argmax(key, axis=-1)[..., None]

    def pick(name):
        arr = grid([getattr(r, name) for r in runs])
        idx = k if arr.ndim == 4 else k[..., None]
        return np.take_along_axis(arr, idx, axis=3)[:, :, :, 0]

    names = ("test_accuracy", "train_accuracy", "final_test_loss", "final_train_loss", "validation_accuracy",
             "steps_to_target", "lr", "test_curve")
    return {n: pick(n) for n in names}


def _design(settings, design, refs, scan, seed, dev, progress) -> DesignResults:
    kept = refs.select(refs.kept)
    grid = learning.training_grid(kept, points=settings.points, margin=settings.margin)
    lrs = np.asarray(settings.learning_rates(design.optimizer), float)
    shape = grid.shape
    sw = np.repeat(grid.ravel(), lrs.size)
    sb = np.repeat(np.repeat(kept.sigma_b2, shape[1]), lrs.size)
    lr = np.tile(lrs, grid.size)
    runs = [cached_call(train.Training, train.train_on, dataset=design.dataset, sigma_w2=sw, sigma_b2=sb, lr=lr,
                        width=settings.width, depth=design.depth, steps=settings.steps,
                        batch_size=settings.batch_size, optimizer=design.optimizer,
                        target_accuracy=settings.target_accuracy, eval_every=settings.eval_every,
                        validation_fraction=settings.validation_fraction,
                        seed=sub_seed(seed, "train", design.dataset, design.optimizer, design.depth, k),
                        device=dev, progress=progress, threads=1 if dev.type == "cpu" else None)
            for k in range(settings.seeds)]
    chosen = _chosen(runs, shape, lrs.size)
    acc = chosen["test_accuracy"]
    rng = np.random.default_rng(sub_seed(seed, "bootstrap", design.dataset, design.optimizer, design.depth))
    lines = {k: kept.ln_sigma_w2[k] for k in ("chi_peak", "critical", "ended_peak")}
    errs = {k: kept.ln_sigma_w2_err[k] for k in lines}
    preds = learning.predictors(kept, scan, grid)
    return DesignResults(
        design=design, refs=kept, sigma_w2=grid, test_accuracy=acc, train_accuracy=chosen["train_accuracy"],
        test_loss=chosen["final_test_loss"], train_loss=chosen["final_train_loss"],
        validation_accuracy=chosen["validation_accuracy"], steps_to_target=chosen["steps_to_target"],
        lr=chosen["lr"], test_curve=chosen["test_curve"], eval_steps=runs[0].eval_steps, predictors=preds,
        comparison=hierarchical.compare_predictors(acc, preds, rng=rng, n_resamples=settings.n_resamples),
        optima=hierarchical.row_optima(grid, acc, lines, errs, rng=rng, n_resamples=settings.n_resamples),
        choice=hierarchical.out_of_sample(grid, acc, lines, errs, rng=rng, n_resamples=settings.n_resamples),
        train_s=sum(r.wall_time_s for r in runs),
    )


#: The page published whole (``python -m crit publish``): every scan and training run of the paper profile.
PARTS = (_replay.chapter_part("susceptibility_predicts_learning"),)


def compute(profile="ci", *, seed: int = 0, device="auto", progress: bool = False,
            published=None) -> SusceptibilityPredictsLearningResults:
    """Scan the engine, train every design (each read from the results cache or computed), then analyse.

    Parameters
    ----------
    profile : str or SusceptibilityPredictsLearningSettings
        A name of :data:`PROFILES` or settings of one's own (e.g. ``dataclasses.replace(PROFILES["ci"], seeds=4)``).
    seed : int
        The notebook's ``SEED`` (>= 0); every run's seed derives from it.
    device : "auto", "cpu", "cuda" or torch.device
        Where to train and simulate; not part of the cache key.
    progress : bool
        Show progress bars.
    published : path, optional
        A folder of published results (``results/paper``): when it holds this page published with
        ``seed``, the page is replayed from it at the profile it was published at (``profile`` is then
        not used; nothing is trained or simulated), and ``results.sources`` says so. Otherwise, and
        when None (the default), everything is computed at ``profile``.

    Returns
    -------
    SusceptibilityPredictsLearningResults

    Raises
    ------
    ValueError
        When learning rates are to be chosen without a validation split, or when no drive of a depth
        keeps its row (no avalanches end, or a peak lies outside the scan):
        the message gives each drive's reason.
    """
    settings = PROFILES.resolve(profile)
    seed = _validate.integer("seed", seed, minimum=0)
    if published is not None:
        whole = _replay.read(published, "susceptibility_predicts_learning", compute, seed=seed, device=device,
                             progress=progress)
        if whole is not None:
            return whole
    tuned = [o for o in settings.optimizers if len(settings.learning_rates(o)) > 1]
    if tuned and not settings.validation_fraction > 0:
        raise ValueError(f"validation_fraction is {settings.validation_fraction!r}: choosing among the learning rates "
                         f"of {tuned} needs a validation split (a fraction in (0, 1)), or one learning rate each")
    dev = resolve_device(device)
    sigma_b2 = drive_to_sigma_b2(np.asarray(settings.drives, float), settings.width, Q0)
    scans, refs = {}, {}
    with one_cpu_thread(dev):
        for depth in settings.depths:
            scans[depth] = cached_call(
                phases.PhaseScan, phases.scan, sigma_w2=settings.scan_sigma_w2.values(), sigma_b2=sigma_b2,
                width=settings.width, depth=depth, n_inputs=settings.scan_inputs,
                inputs_per_network=settings.inputs_per_network, q0=Q0, seed=sub_seed(seed, "scan", depth),
                device=dev, progress=progress)
            refs[depth] = learning.references(scans[depth], rng=np.random.default_rng(sub_seed(seed, "peaks", depth)))
            if int(refs[depth].kept.sum()) < 1:
                why = "; ".join(f"h = {h:g}: {r}" for h, r in zip(refs[depth].h, refs[depth].reasons))
                raise ValueError(f"no drive keeps its row at depth {depth} ({why}); widen scan_sigma_w2 or "
                                 "lower the drives")
    designs = tuple(_design(settings, d, refs[d.depth], scans[d.depth], seed, dev, progress)
                    for d in settings.designs())
    return SusceptibilityPredictsLearningResults(settings=settings, seed=seed, scans=scans, references=refs,
                                                 designs=designs)


def _short(design: Design) -> str:
    """A short plain name of a design, e.g. "digits SGD d12" (for table rows)."""
    return f"{design.dataset} {'SGD' if design.optimizer == 'sgd' else 'Adam'} d{design.depth}"


def _sigma(value, low, high, level) -> tuple[float, float]:
    """``(value, half-width / z)`` of a percentile interval [low, high] at ``level``, z the two-sided normal
    quantile (1.96 at 95 %); NaN where any of them is not a finite number (or the interval is inverted)."""
    try:
        value, low, high, level = float(value), float(low), float(high), float(level)
    except (TypeError, ValueError):
        return math.nan, math.nan
    if not (math.isfinite(low) and math.isfinite(high) and high >= low and 0 < level < 1):
        return value, math.nan
    return value, (high - low) / 2 / NormalDist().inv_cdf((1 + level) / 2)


def headline(results: SusceptibilityPredictsLearningResults) -> dict[str, tuple[float, float]]:
    r"""The page's headline numbers with their stated 1σ errors, by name (dimensionless rank correlations).

    What the seed-stability table of :mod:`crit.book.stability` checks: over seeds, the spread of each
    value against its mean stated error. Nothing is recomputed: every pair is read from the designs'
    :class:`~crit.analysis.correlation.CorrelationTable` (``comparison``).

    Parameters
    ----------
    results : SusceptibilityPredictsLearningResults
        What :func:`compute` returned.

    Returns
    -------
    dict of str to (float, float)
        ``"Δρ_s <design>"`` for every design in order (``<design>`` short, e.g.
        ``"Δρ_s digits SGD d12"``): the paired difference ρ_s(closeness to the χ peak) − ρ_s(closeness to
        χ₁ = 1) that :func:`design_verdict` and :func:`claim` use (the main design's is the claim's key
        number); then ``"ρ_s <predictor> <main design>"`` for every predictor of the main design's table
        (e.g. ``"ρ_s chi_peak digits SGD d12"``): the within-drive Spearman ρ of the test accuracy with it.
        The page states these as 95 % hierarchical-bootstrap percentile intervals [low, high]; the error
        given is the interval's half-width / 1.96 (/ z of the table's ``level`` in general), the 1σ of
        a normal with that interval. The value is the estimate on all observations, not the interval's
        centre (bootstrap intervals need not be symmetric). Value or error is NaN where the table leaves
        it undetermined (a constant or NaN predictor, a constant score).

    Notes
    -----
    Never raises on valid results: a design whose table lacks "chi_peak" or "critical" gives NaN.
    """
    out: dict[str, tuple[float, float]] = {}
    for d in results.designs:
        t = d.comparison
        if "chi_peak" in t.names and "critical" in t.names:
            i, j = t.names.index("chi_peak"), t.names.index("critical")
            out[f"Δρ_s {_short(d.design)}"] = _sigma(t.diff[i, j], t.diff_low[i, j], t.diff_high[i, j], t.level)
        else:
            out[f"Δρ_s {_short(d.design)}"] = (math.nan, math.nan)
    if results.designs:
        main = results.main
        t = main.comparison
        for i, name in enumerate(t.names):
            out[f"ρ_s {name} {_short(main.design)}"] = _sigma(t.rho[i], t.low[i], t.high[i], t.level)
    return out
