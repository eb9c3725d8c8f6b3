r"""The chapter "Does susceptibility predict learning?": its settings, its computation, its tables and figures.

An open reconstruction of the claim of Ghavasieh et al. (arXiv:2509.22649) that maximal
susceptibility predicts learning better than proximity to the critical point: the paper gives no
training details, so every choice (data set, architecture, optimiser, budget, grid) is a field of
:class:`SusceptibilityPredictsLearningSettings`.

:func:`compute` trains tanh networks from every initialisation of a (σ_w², σ_b²) grid with several
seeds (:func:`crit.models.train.train`), scans the avalanche engine at the same width and depth on a
finer σ_w² grid (:func:`crit.analysis.phases.scan`), and derives what the page shows: the
predictors of :mod:`crit.analysis.learning`, the susceptibility ridge, the best initialisation of
each row and the Spearman correlations of accuracy and of learning speed with every predictor.
Every result sentence of the page comes from a function (:func:`claim`, :func:`verdict`,
:func:`ranking`, :func:`correlates`, :func:`paired`, :func:`row_summary`, :func:`curves_summary`);
these and the tables live in ``_susceptibility_predicts_learning_verdicts``, the figures in
``_susceptibility_predicts_learning_figures``, and both are re-exported here.

Examples
--------
>>> import dataclasses
>>> from crit.chapters import susceptibility_predicts_learning as chapter
>>> settings = dataclasses.replace(chapter.PROFILES["ci"], width=16, depth=4, steps=20)
>>> results = chapter.compute(settings, seed=0, device="cpu")  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import learning, phases
from crit.analysis.correlation import CorrelationTable
from crit.book.cache import cached_call
from crit.chapters._susceptibility_predicts_learning_figures import (
    accuracy_map,
    learning_curves,
    scatter,
)
from crit.chapters._susceptibility_predicts_learning_verdicts import (  # the verdicts and tables of the page, re-exported
    _COMPARED,
    PREDICTOR_LABELS,
    PREDICTOR_SYMBOLS,
    PROXIMITIES,
    best_proximity,
    claim,
    correlates,
    correlation_table,
    curves_summary,
    paired,
    paired_table,
    ranking,
    row_summary,
    verdict,
)
from crit.chapters.settings import Grid, Profiles, Results, Settings
from crit.models import datasets, theory, train
from crit.models.avalanches import resolve_device
from crit.seeds import sub_seed

__all__ = ["PREDICTOR_LABELS", "PREDICTOR_SYMBOLS", "PROFILES", "PROXIMITIES", "SCOPE",
           "SusceptibilityPredictsLearningResults", "SusceptibilityPredictsLearningSettings", "accuracy_map",
           "best_proximity", "claim", "compute", "correlates", "correlation_table", "curves_summary",
           "learning_curves", "paired", "paired_table", "ranking", "row_summary", "scatter", "verdict"]



@dataclass(frozen=True, kw_only=True)
class SusceptibilityPredictsLearningSettings(Settings):
    """Sizes of the learning experiment ("ci": 2 CPU cores, minutes; "paper": a GPU).

    Parameters
    ----------
    dataset : str
        A name of :data:`crit.models.datasets.NAMES`.
    width, depth : int
        Neurons per hidden layer and number of hidden layers, of the trained networks and of the
        engine's networks.
    sigma_w2 : Grid
        The training grid of σ_w² (weight variance × fan-in, dimensionless), geometric.
    sigma_b2 : tuple of float
        The σ_b² (bias variance) values of the grid, the rows of the page's maps.
    seeds : int
        Training seeds per initialisation.
    steps, batch_size, lr, optimizer, target_accuracy, eval_every
        Minibatch steps, examples per minibatch, learning rate, ``"sgd"`` or ``"adam"``, the test
        accuracy whose first crossing is recorded, and steps between evaluations; passed to
        :func:`crit.models.train.train`.
    refine : int
        The engine's σ_w² grid is ``sigma_w2.refined(refine)``: ``refine`` steps per training step.
    scan_inputs, inputs_per_network : int
        Inputs per point of the engine's scan, and per random network.
    """

    dataset: str
    width: int
    depth: int
    sigma_w2: Grid
    sigma_b2: tuple[float, ...]
    seeds: int
    steps: int
    batch_size: int
    lr: float
    optimizer: str
    target_accuracy: float
    eval_every: int
    refine: int
    scan_inputs: int
    inputs_per_network: int

    def scan_sigma_w2(self) -> np.ndarray:
        """The engine's finer σ_w² values; every ``refine``-th one is a training value."""
        return self.sigma_w2.refined(self.refine).values()


_COMMON = {"dataset": "digits", "batch_size": 64, "lr": 0.05, "optimizer": "sgd", "target_accuracy": 0.9,
           "eval_every": 10, "inputs_per_network": 100}
PROFILES = Profiles(
    ci=SusceptibilityPredictsLearningSettings(
        width=48, depth=20, sigma_w2=Grid.geometric(0.5, 4.0, 8), sigma_b2=(0.0, 0.001, 0.01, 0.03, 0.1, 0.3),
        seeds=3, steps=200, refine=3, scan_inputs=2000, **_COMMON),
    paper=SusceptibilityPredictsLearningSettings(
        width=128, depth=40, sigma_w2=Grid.geometric(0.5, 4.0, 16),
        sigma_b2=(0.0, 1e-4, 1e-3, 3e-3, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5),
        seeds=5, steps=400, refine=3, scan_inputs=10_000, **_COMMON),
)


def _scope(s: SusceptibilityPredictsLearningSettings) -> str:
    w = s.sigma_w2.values()
    return (f"{s.dataset.capitalize()}, width {s.width}, depth {s.depth}, a grid of {w.size} σ_w² "
            f"({w[0]:g} to {w[-1]:g}) × {len(s.sigma_b2)} σ_b² ({min(s.sigma_b2):g} to {max(s.sigma_b2):g}), "
            f"{s.seeds} training seeds per initialisation, plain {s.optimizer.upper()} for {s.steps} steps")


#: What each profile's sizes can and cannot show (a statement about the design, not a result).
SCOPE = {
    "ci": (f"{_scope(PROFILES['ci'])}: it ranks the predictors on this one design, with intervals from "
           f"{PROFILES['ci'].seeds} seeds; one data set, one optimiser, one depth and a short budget cannot show "
           "whether the ranking carries over to other data sets, optimisers or depths."),
    "paper": (f"{_scope(PROFILES['paper'])}: a finer grid, wider and deeper networks, more seeds and a longer "
              "budget than `ci`; with one data set and one optimiser it still cannot show robustness across "
              "data sets or optimisers."),
}


@dataclass(frozen=True, eq=False)
class SusceptibilityPredictsLearningResults(Results):
    """Everything the page shows; arrays indexed by the grid's rows (σ_b², n_b) and columns (σ_w², n_w).

    Attributes
    ----------
    runs : tuple of Training
        One per training seed, each over the whole grid flattened with σ_b² as the slow index (G = n_b n_w).
    scan : PhaseScan
        The engine's scan at the same width and depth, on the finer σ_w² grid and the same σ_b².
    predictors : Predictors
        Every predictor at the G initialisations.
    ridge_peak, ridge_err : numpy.ndarray, shape (n_b,)
        σ_w² of the maximum of the response susceptibility χ in each row, and its bootstrap error.
    mean_accuracy : numpy.ndarray, shape (n_b, n_w)
        Test accuracy after the budget, mean over seeds.
    best_sigma_w2 : numpy.ndarray, shape (n_b,)
        σ_w² of the best mean accuracy in each row.
    mf_critical : numpy.ndarray, shape (n_b,)
        Mean-field critical σ²_{w,c}(σ_b²) (χ₁ = 1) of each row.
    score : numpy.ndarray, shape (seeds × G,)
        Test accuracy of every trained network (seed the slow index).
    oriented : dict
        ``{key of PREDICTOR_LABELS: values of shape (seeds × G,)}``, larger = predicted better.
    accuracy, speed : CorrelationTable
        Spearman's ρ of the final test accuracy, and of the learning speed (mean test accuracy over
        the evaluations), with every predictor; bootstrap over trained networks.
    """

    runs: tuple
    scan: phases.PhaseScan
    predictors: learning.Predictors
    ridge_peak: np.ndarray
    ridge_err: np.ndarray
    mean_accuracy: np.ndarray
    best_sigma_w2: np.ndarray
    mf_critical: np.ndarray
    score: np.ndarray
    oriented: dict
    accuracy: CorrelationTable
    speed: CorrelationTable

    @property
    def sigma_w2(self) -> np.ndarray:
        """The training grid's σ_w², shape (n_w,)."""
        return self.settings.sigma_w2.values()

    @property
    def sigma_b2(self) -> np.ndarray:
        """The training grid's σ_b², shape (n_b,)."""
        return np.asarray(self.settings.sigma_b2, float)

    @property
    def n_init(self) -> int:
        """Initialisations trained per seed (G)."""
        return int(self.runs[0].sigma_w2.size)

    @property
    def train_s(self) -> float:
        """Seconds spent training, all seeds (when computed, not when read from the cache)."""
        return sum(r.wall_time_s for r in self.runs)

    @property
    def zero_chi_f(self) -> float:
        """Fraction of the initialisations at which the fluctuation susceptibility is exactly 0 (NaN
        when χ_F is undetermined somewhere)."""
        chi_f = np.asarray(self.predictors.chi_f, float)
        return float(np.mean(chi_f == 0)) if np.isfinite(chi_f).all() else float("nan")

    @property
    def seed_accuracy(self) -> np.ndarray:
        """Test accuracy after the budget of every trained network, shape (seeds, n_b, n_w)."""
        return np.array([r.test_accuracy for r in self.runs]).reshape(len(self.runs), self.sigma_b2.size,
                                                                      self.sigma_w2.size)

    def rho(self, key: str) -> float:
        """Spearman's ρ of the final test accuracy with predictor ``key`` (of :data:`PREDICTOR_LABELS`)."""
        return self.accuracy.rho[self.accuracy.index(key)]

    @property
    def best_predictor(self) -> str:
        """The predictor (key of :data:`PREDICTOR_LABELS`) with the largest ρ with accuracy."""
        rho = np.asarray(self.accuracy.rho, float)
        return self.accuracy.names[int(np.nanargmax(rho))] if np.isfinite(rho).any() else "undetermined"

    @property
    def chi_against_mf_log(self) -> str:
        """How χ compares with closeness abs(ln χ₁) as a predictor of accuracy, by the paired 95 % interval."""
        return _COMPARED[paired(self, "chi", "mf_log").outcome]



def _train(*, dataset: str, sigma_w2, sigma_b2, **options) -> train.Training:
    """:func:`crit.models.train.train` on the data set named ``dataset`` (a name, so that it keys the cache)."""
    return train.train(datasets.load(dataset), sigma_w2, sigma_b2, **options)


def compute(profile="ci", *, seed: int = 0, device="auto",
            progress: bool = False) -> SusceptibilityPredictsLearningResults:
    """Train every initialisation and scan the engine (read from the results cache or computed), then analyse.

    Parameters
    ----------
    profile : str or SusceptibilityPredictsLearningSettings
        A name of :data:`PROFILES` or settings of one's own (e.g. ``dataclasses.replace(PROFILES["ci"], seeds=2)``).
    seed : int
        The notebook's ``SEED`` (>= 0); every run's seed derives from it.
    device : "auto", "cpu", "cuda" or torch.device
        Where to train and simulate; not part of the cache key.
    progress : bool
        Show progress bars.

    Returns
    -------
    SusceptibilityPredictsLearningResults
    """
    settings = PROFILES.resolve(profile)
    seed = _validate.integer("seed", seed, minimum=0)
    dev = resolve_device(device)
    sw, sb = settings.sigma_w2.values(), np.asarray(settings.sigma_b2, float)
    w, b = np.meshgrid(sw, sb)
    fit = {k: getattr(settings, k) for k in ("width", "depth", "steps", "batch_size", "lr", "optimizer",
                                             "target_accuracy", "eval_every")}
    runs = tuple(
        cached_call(train.Training, _train, dataset=settings.dataset, sigma_w2=w.ravel(), sigma_b2=b.ravel(),
                    seed=sub_seed(seed, "train", k), device=dev, progress=progress,
                    threads=1 if dev.type == "cpu" else None, **fit)
        for k in range(settings.seeds)
    )
    scan = cached_call(phases.PhaseScan, phases.scan, sigma_w2=settings.scan_sigma_w2(), sigma_b2=sb,
                       width=settings.width, depth=settings.depth, n_inputs=settings.scan_inputs,
                       inputs_per_network=settings.inputs_per_network, seed=sub_seed(seed, "scan"), device=dev,
                       progress=progress)
    preds = learning.predictors(scan, runs[0].sigma_w2, runs[0].sigma_b2)
    ridge_peak, ridge_err, _ = phases.ridge(scan.sigma_w2, *scan.response_susceptibility(),
                                            rng=np.random.default_rng(sub_seed(seed, "ridge")))
    mean_accuracy = np.mean([r.test_accuracy for r in runs], axis=0).reshape(sb.size, sw.size)
    score, oriented = learning.observations(runs, preds, score="accuracy")
    return SusceptibilityPredictsLearningResults(
        settings=settings, seed=seed, runs=runs, scan=scan, predictors=preds, ridge_peak=ridge_peak,
        ridge_err=ridge_err, mean_accuracy=mean_accuracy, best_sigma_w2=sw[np.argmax(mean_accuracy, axis=1)],
        mf_critical=np.asarray(theory.critical_sigma_w2(sb), float), score=score, oriented=oriented,
        accuracy=learning.correlations(runs, preds, rng=np.random.default_rng(sub_seed(seed, "accuracy bootstrap")), score="accuracy"),
        speed=learning.correlations(runs, preds, rng=np.random.default_rng(sub_seed(seed, "speed bootstrap")), score="speed"),
    )
