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
from crit.book import style, tables
from crit.book.cache import cached_call
from crit.chapters.settings import Grid, Profiles, Results, Settings
from crit.models import datasets, theory, train
from crit.models.avalanches import resolve_device
from crit.seeds import sub_seed

__all__ = ["SusceptibilityPredictsLearningSettings", "SusceptibilityPredictsLearningResults", "PROFILES",
           "PREDICTOR_LABELS", "compute", "correlation_table", "paired_table", "verdict", "accuracy_map",
           "scatter", "learning_curves"]

#: Display names of the predictors, all oriented so that a larger value is predicted to learn better.
PREDICTOR_LABELS = {
    "chi": "response susceptibility $\\chi$",
    "chi_f": "fluctuation susceptibility $\\chi_F$",
    "mf_sigma": "closeness to $\\chi_1=1$: $-|\\sigma_w^2-\\sigma_{w,c}^2(\\sigma_b^2)|$",
    "mf_log": "closeness to $\\chi_1=1$: $-|\\ln\\chi_1|$",
    "fw_point": "closeness to the finite-width critical point",
}


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


_COMMON = dict(dataset="digits", batch_size=64, lr=0.05, optimizer="sgd", target_accuracy=0.9,
               eval_every=10, inputs_per_network=100)
PROFILES = Profiles(
    ci=SusceptibilityPredictsLearningSettings(
        width=48, depth=20, sigma_w2=Grid.geometric(0.5, 4.0, 8), sigma_b2=(0.0, 0.001, 0.01, 0.03, 0.1, 0.3),
        seeds=3, steps=200, refine=3, scan_inputs=2000, **_COMMON),
    paper=SusceptibilityPredictsLearningSettings(
        width=128, depth=40, sigma_w2=Grid.geometric(0.5, 4.0, 16),
        sigma_b2=(0.0, 1e-4, 1e-3, 3e-3, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5),
        seeds=5, steps=400, refine=3, scan_inputs=10_000, **_COMMON),
)


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
        """Fraction of the initialisations at which the fluctuation susceptibility is exactly 0."""
        return float(np.mean(self.predictors.chi_f == 0))

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
        t = self.accuracy
        i, j = t.index("chi"), t.index("mf_log")
        return ("predicts better than" if t.diff_low[i, j] > 0 else
                "predicts worse than" if t.diff_high[i, j] < 0 else "cannot be told apart from")



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
    fit = dict(width=settings.width, depth=settings.depth, steps=settings.steps, batch_size=settings.batch_size,
               lr=settings.lr, optimizer=settings.optimizer, target_accuracy=settings.target_accuracy,
               eval_every=settings.eval_every)
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


# Tables ------------------------------------------------------------------------------------------


def _markdown_label(key: str) -> str:
    """The display name of predictor ``key`` for a Markdown table (``|`` written as ``\\vert``)."""
    return PREDICTOR_LABELS[_validate.choice("key", key, tuple(PREDICTOR_LABELS))].replace("|", "\\vert ")


def _interval(t: CorrelationTable, i: int) -> str:
    return f"{tables.fmt(t.rho[i], digits=2)} [{tables.fmt(t.low[i], digits=2)}, {tables.fmt(t.high[i], digits=2)}]"


def correlation_table(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: Spearman's ρ of accuracy and of learning speed with every predictor, with 95 % intervals."""
    acc, speed = results.accuracy, results.speed
    return tables.markdown(
        ["predictor (larger = predicted better)", "$\\rho_s$ with accuracy [95 % CI]",
         "$\\rho_s$ with speed [95 % CI]"],
        [[_markdown_label(k), _interval(acc, i), _interval(speed, i)] for i, k in enumerate(acc.names)],
    )


def paired_table(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: each susceptibility against each proximity, Δρ with accuracy, paired interval and p-value."""
    t = results.accuracy
    rows = []
    for s in ("chi", "chi_f"):
        for c in ("mf_sigma", "mf_log", "fw_point"):
            i, j = t.index(s), t.index(c)
            rows.append([_markdown_label(s), _markdown_label(c),
                         f"{t.diff[i, j]:+.2f} [{t.diff_low[i, j]:+.2f}, {t.diff_high[i, j]:+.2f}]",
                         f"{t.p_not_better[i, j]:.3f}"])
    return tables.markdown(["susceptibility", "proximity", "$\\Delta\\rho_s$ [95 % CI]", "p (not better)"], rows)


def verdict(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: the page's conclusion in one sentence, computed from the correlations."""
    t, best = results.accuracy, results.best_predictor
    i, j = t.index("chi"), t.index("mf_log")
    return (f"The best single predictor of accuracy is the {_markdown_label(best)} "
            f"($\\rho_s$ = {results.rho(best):.2f}); the response susceptibility $\\chi$ "
            f"{results.chi_against_mf_log} closeness to $\\chi_1 = 1$ measured by $|\\ln\\chi_1|$ "
            f"($\\Delta\\rho_s$ = {t.diff[i, j]:+.2f} [{t.diff_low[i, j]:+.2f}, {t.diff_high[i, j]:+.2f}]).")


# Figures -----------------------------------------------------------------------------------------


def _edges(x, geometric):
    mid = np.sqrt(x[1:] * x[:-1]) if geometric else (x[1:] + x[:-1]) / 2
    first = x[0] ** 2 / mid[0] if geometric else 2 * x[0] - mid[0]
    last = x[-1] ** 2 / mid[-1] if geometric else 2 * x[-1] - mid[-1]
    return np.concatenate([[first], mid, [last]])


def accuracy_map(results: SusceptibilityPredictsLearningResults):
    """Mean test accuracy over seeds on the (σ_w², σ_b²) grid, with the χ ridge and the χ₁ = 1 line."""
    runs = results.runs
    sb = np.unique(runs[0].sigma_b2)
    sw = np.unique(runs[0].sigma_w2)
    acc = np.mean([r.test_accuracy for r in runs], axis=0).reshape(sb.size, sw.size)
    rows = np.arange(sb.size)
    fig, ax = style.figure(aspect=0.75)
    mesh = ax.pcolormesh(_edges(sw, True), np.arange(sb.size + 1) - 0.5, acc, cmap="mako", vmin=0, vmax=1)
    fig.colorbar(mesh, ax=ax, label=f"test accuracy (mean of {len(runs)} seeds)")
    ax.errorbar(results.ridge_peak, rows, xerr=results.ridge_err, fmt="o-", color=style.PHASE_COLORS["active"],
                label="susceptibility ridge (max of $\\chi$)")
    ax.plot(theory.critical_sigma_w2(sb), rows, "s--", color="#cc78bc", label="mean field $\\chi_1 = 1$")
    best = np.argmax(acc, axis=1)
    ax.plot(sw[best], rows, "x", color="0.85", mec="0.45", ms=8, mew=2, label="best accuracy of the row")
    ax.plot(theory.finite_width_critical_sigma_w2(results.scan.width), 0, "*", ms=12,
            color=style.PHASE_COLORS["critical"], label=f"finite-width critical point, $N={results.scan.width}$")
    ax.set_xscale("log")
    ax.set_xlim(_edges(sw, True)[[0, -1]])
    ax.set_xticks([t for t in (0.5, 0.7, 1, 1.5, 2, 3, 4) if sw[0] <= t <= sw[-1] * 1.01])
    ax.xaxis.set_major_formatter("{x:g}")
    ax.xaxis.set_minor_formatter("")
    ax.set_yticks(rows, [f"{b:g}" for b in sb])
    ax.set_xlabel("$\\sigma_w^2$")
    ax.set_ylabel("$\\sigma_b^2$")
    r = runs[0]
    ax.set_title(f"{r.dataset}: width {r.width}, depth {r.depth}, {r.steps} steps of {r.optimizer.upper()}")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize="small")
    return fig


def scatter(results: SusceptibilityPredictsLearningResults, *, ylabel="test accuracy"):
    """Test accuracy against each predictor (oriented: right = predicted better), with Spearman's ρ in the titles."""
    score, predictors, table = results.score, results.oriented, results.accuracy
    keys = list(predictors)
    ncols = 3
    nrows = int(np.ceil(len(keys) / ncols))
    fig, axes = style.figure(nrows, ncols, aspect=0.9, sharey=True, squeeze=False)
    for ax, key in zip(axes.ravel(), keys):
        x = predictors[key]
        k = table.index(key)
        ax.scatter(x, score, s=12, alpha=0.6, color=style.PHASE_COLORS["critical"], lw=0)
        if key in ("chi", "chi_f") and np.all(x >= 0) and np.any(x > 0):
            ax.set_xscale("symlog", linthresh=max(np.percentile(x[x > 0], 10), 1e-6))
        ax.set_title(f"$\\rho_s$ = {table.rho[k]:.2f} [{table.low[k]:.2f}, {table.high[k]:.2f}]", fontsize="small")
        ax.set_xlabel(PREDICTOR_LABELS[key], fontsize="small")
    for ax in axes.ravel()[len(keys):]:
        ax.set_axis_off()
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    return fig


def learning_curves(results: SusceptibilityPredictsLearningResults, sigma_b2=0.0):
    """Test accuracy against training step for every σ_w² of one σ_b² row (mean over seeds)."""
    runs = results.runs
    r0 = runs[0]
    row = np.isclose(r0.sigma_b2, sigma_b2)
    if not row.any():
        raise ValueError(f"sigma_b2={sigma_b2} is not a row of the grid {np.unique(r0.sigma_b2).tolist()}")
    curves = np.mean([r.test_curve[row] for r in runs], axis=0)
    fig, ax = style.figure(aspect=0.55)
    for curve, w, color in zip(curves, r0.sigma_w2[row], style.colors(int(row.sum()), "viridis")):
        ax.plot(r0.eval_steps, curve, color=color, label=f"{w:.2f}")
    ax.set_xlabel("training step")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"$\\sigma_b^2 = {sigma_b2:g}$")
    ax.legend(title="$\\sigma_w^2$", fontsize="x-small", ncol=2, loc="center left", bbox_to_anchor=(1, 0.5))
    return fig
