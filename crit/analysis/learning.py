r"""Does the susceptibility of an initialisation predict how well the network learns?

The experiment of the chapter "susceptibility predicts learning", an open reconstruction: the
paper (Ghavasieh et al., arXiv:2509.22649) states the result but gives no training details and no
training code, so every choice here (data set, architecture, optimiser, budget, grid, statistic)
is ours and is a parameter of a :class:`LearningProfile`.

1. Train tanh networks (:func:`crit.models.train.train`) from every initialisation of a grid of
   (σ_w², σ_b²), with several seeds.
2. At the same width and depth, run the avalanche engine over a finer σ_w² grid at every σ_b²
   (:func:`crit.analysis.phases.scan`) and read off, at each initialisation, the response susceptibility
   χ = dS̄/dσ_w² and the fluctuation susceptibility χ_F (:class:`Predictors`).
3. Compare them, by Spearman's ρ with the test accuracy (:mod:`crit.analysis.correlation`), with the
   closeness of the initialisation to the mean-field critical line χ₁ = 1 (in σ_w² and in
   |ln χ₁|) and to the finite-width critical point (σ²_{w,c}(N), 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import correlation, phases
from crit.models import theory
from crit.records import Record
from crit.models.train import Training

__all__ = ["LearningProfile", "PROFILES", "profile", "experiment", "Predictors", "predictors",
           "observations", "correlations", "PREDICTOR_LABELS", "markdown_label"]

#: Display names of the predictors, all oriented so that a larger value is predicted to learn better.
PREDICTOR_LABELS = {
    "chi": "response susceptibility $\\chi$",
    "chi_f": "fluctuation susceptibility $\\chi_F$",
    "mf_sigma": "closeness to $\\chi_1=1$: $-|\\sigma_w^2-\\sigma_{w,c}^2(\\sigma_b^2)|$",
    "mf_log": "closeness to $\\chi_1=1$: $-|\\ln\\chi_1|$",
    "fw_point": "closeness to the finite-width critical point",
}


@dataclass(frozen=True)
class LearningProfile:
    """Sizes of the learning experiment for one profile ("ci": 2 CPU cores; "paper": a GPU).

    Attributes
    ----------
    dataset : str
        A name of :data:`crit.models.datasets.NAMES`.
    width, depth : int
        Neurons per hidden layer and number of hidden layers, of the trained networks and of the
        engine's networks.
    sigma_w2 : tuple
        (first, last, number) of the geometric grid of σ_w².
    sigma_b2 : tuple
        The σ_b² values of the grid.
    seeds : int
        Training seeds per initialisation.
    steps, batch_size, lr, optimizer, target_accuracy, eval_every
        Passed to :func:`crit.models.train.train`.
    refine : int
        The engine's σ_w² grid has ``refine`` steps per step of the training grid.
    scan_inputs, inputs_per_network : int
        Inputs per point of the engine's scan, and per random network.
    """

    name: str
    dataset: str
    width: int
    depth: int
    sigma_w2: tuple
    sigma_b2: tuple
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

    def grid(self):
        """The training grid: (σ_w² values, σ_b² values)."""
        first, last, number = self.sigma_w2
        return np.geomspace(first, last, int(number)), np.asarray(self.sigma_b2, float)

    def scan_sigma_w2(self):
        """The engine's finer σ_w² grid; every ``refine``-th point is a training value."""
        first, last, number = self.sigma_w2
        return np.geomspace(first, last, self.refine * (int(number) - 1) + 1)


_COMMON = dict(dataset="digits", batch_size=64, lr=0.05, optimizer="sgd", target_accuracy=0.9,
               eval_every=10, inputs_per_network=100)
PROFILES = {
    "ci": LearningProfile(name="ci", width=48, depth=20, sigma_w2=(0.5, 4.0, 8),
                          sigma_b2=(0.0, 0.001, 0.01, 0.03, 0.1, 0.3), seeds=3, steps=200, refine=3,
                          scan_inputs=2000, **_COMMON),
    "paper": LearningProfile(name="paper", width=128, depth=40, sigma_w2=(0.5, 4.0, 16),
                             sigma_b2=(0.0, 1e-4, 1e-3, 3e-3, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5),
                             seeds=5, steps=400, refine=3, scan_inputs=10_000, **_COMMON),
}


def markdown_label(key: str) -> str:
    """The display name of predictor ``key`` for a Markdown table (``|`` written as ``\\vert``)."""
    return PREDICTOR_LABELS[_validate.choice("key", key, tuple(PREDICTOR_LABELS))].replace("|", "\\vert ")


def profile(name: str) -> LearningProfile:
    """The sizes of the learning experiment for profile ``name`` ("ci" or "paper")."""
    return PROFILES[_validate.choice("profile", name, tuple(PROFILES))]


def experiment(name: str, *, seed: int = 0, device=None, progress=False) -> dict:
    """Train every initialisation and scan the engine, from the results cache or computed and cached.

    Returns
    -------
    dict
        ``{"runs": [Training, one per seed], "scan": PhaseScan}``; each Training holds the whole
        grid, flattened with σ_b² as the slow index.
    """
    from crit.models import datasets
    from crit.models.avalanches import resolve_device
    from crit.book.cache import cached
    from crit.models.train import train

    p = profile(name)
    seed = _validate.integer("seed", seed, minimum=0)
    dev = resolve_device(device)
    sw, sb = p.grid()
    w, b = np.meshgrid(sw, sb)
    fit = dict(width=p.width, depth=p.depth, steps=p.steps, batch_size=p.batch_size, lr=p.lr,
               optimizer=p.optimizer, target_accuracy=p.target_accuracy, eval_every=p.eval_every)
    runs = []
    for k in range(p.seeds):
        params = dict(dataset=p.dataset, sigma_w2=w.ravel().tolist(), sigma_b2=b.ravel().tolist(),
                      seed=seed + k, **fit)
        runs.append(cached(Training, params, lambda k=k: train(
            datasets.load(p.dataset), w.ravel(), b.ravel(), seed=seed + k, device=dev, progress=progress,
            threads=1 if dev.type == "cpu" else None, **fit)))
    scan_params = dict(sigma_w2=p.scan_sigma_w2(), sigma_b2=sb, width=p.width, depth=p.depth,
                       n_inputs=p.scan_inputs, inputs_per_network=p.inputs_per_network, seed=seed + 10_000)
    scan = cached(phases.PhaseScan, {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in scan_params.items()},
                  lambda: phases.scan(**scan_params, device=dev))
    return {"runs": runs, "scan": scan}


@dataclass(frozen=True, eq=False)
class Predictors(Record):
    """Predictors of learning at each initialisation of a grid; arrays of shape (G,).

    Attributes
    ----------
    sigma_w2, sigma_b2 : numpy.ndarray
        The initialisations.
    chi, chi_err : numpy.ndarray
        Response susceptibility χ = dS̄/dσ_w² of the engine's networks (same width and depth), in
        units of S̄ (the pre-activation norm times √N) per unit σ_w², and its error.
    chi_f, chi_f_err : numpy.ndarray
        Fluctuation susceptibility χ_F = N Var_networks(ρ) (dimensionless) and its error.
    mf_critical : numpy.ndarray
        σ²_{w,c}(σ_b²), the mean-field χ₁ = 1 line at each σ_b².
    mf_distance : numpy.ndarray
        |σ_w² − σ²_{w,c}(σ_b²)|.
    log_chi1 : numpy.ndarray
        |ln χ₁(σ_w², σ_b²)| (mean-field; 0 on the critical line).
    fw_distance : numpy.ndarray
        Euclidean distance in the (σ_w², σ_b²) plane to the finite-width critical point
        (σ²_{w,c}(N), 0) of :func:`crit.models.theory.finite_width_critical_sigma_w2`.
    width, depth : int
    """

    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    chi: np.ndarray
    chi_err: np.ndarray
    chi_f: np.ndarray
    chi_f_err: np.ndarray
    mf_critical: np.ndarray
    mf_distance: np.ndarray
    log_chi1: np.ndarray
    fw_distance: np.ndarray
    width: int
    depth: int

    def oriented(self) -> dict:
        """``{key: values}`` with larger = predicted to learn better (keys of :data:`PREDICTOR_LABELS`)."""
        return {"chi": self.chi, "chi_f": self.chi_f, "mf_sigma": -self.mf_distance,
                "mf_log": -self.log_chi1, "fw_point": -self.fw_distance}


def predictors(scan, sigma_w2, sigma_b2) -> Predictors:
    """Every predictor at the initialisations (``sigma_w2[g]``, ``sigma_b2[g]``).

    χ and χ_F are interpolated (linearly in ln σ_w²) along the scan's row of the same σ_b²; each
    σ_b² must be one of the scan's, and each σ_w² within its range.
    """
    sw = _validate.finite_array("sigma_w2", np.atleast_1d(sigma_w2))
    sb = _validate.finite_array("sigma_b2", np.atleast_1d(sigma_b2))
    if sw.shape != sb.shape:
        raise ValueError(f"sigma_w2 and sigma_b2 must have the same shape, got {sw.shape} and {sb.shape}")
    if sw.min() < scan.sigma_w2[0] * (1 - 1e-9) or sw.max() > scan.sigma_w2[-1] * (1 + 1e-9):
        raise ValueError(f"sigma_w2 must lie within the scan's range [{scan.sigma_w2[0]}, {scan.sigma_w2[-1]}]")
    rows = [np.flatnonzero(np.isclose(scan.sigma_b2, b, rtol=1e-9, atol=1e-15)) for b in sb]
    if any(r.size == 0 for r in rows):
        raise ValueError(f"every sigma_b2 must be one of the scan's {scan.sigma_b2.tolist()}")
    rows = np.array([r[0] for r in rows])
    x = np.log(scan.sigma_w2)
    out = {}
    for key, (value, err) in {"chi": scan.response_susceptibility(), "chi_f": scan.fluctuation_susceptibility()}.items():
        out[key] = np.array([np.interp(np.log(w), x, value[r]) for w, r in zip(sw, rows)])
        out[key + "_err"] = np.array([np.interp(np.log(w), x, err[r]) for w, r in zip(sw, rows)])
    mf = np.asarray(theory.critical_sigma_w2(sb), float)
    fw = theory.finite_width_critical_sigma_w2(scan.width)
    return Predictors(
        sigma_w2=sw, sigma_b2=sb, **out, mf_critical=mf, mf_distance=np.abs(sw - mf),
        log_chi1=np.abs(np.log(np.asarray(theory.chi1(sw, sb), float))),
        fw_distance=np.hypot(sw - fw, sb), width=scan.width, depth=scan.depth,
    )


def observations(runs, preds: Predictors, *, score="accuracy"):
    """Stack the seeds: the score and the oriented predictors, one entry per (seed, initialisation).

    ``score`` is ``"accuracy"`` (test accuracy after the budget) or ``"speed"`` (test accuracy
    averaged over the evaluations of the run: the area under the learning curve).
    """
    _validate.choice("score", score, ("accuracy", "speed"))
    for run in runs:
        if not (np.allclose(run.sigma_w2, preds.sigma_w2) and np.allclose(run.sigma_b2, preds.sigma_b2)):
            raise ValueError("every run must have the initialisations of the predictors, in the same order")
    y = np.concatenate([r.test_accuracy if score == "accuracy" else r.test_curve.mean(1) for r in runs])
    return y, {k: np.tile(v, len(runs)) for k, v in preds.oriented().items()}


def correlations(runs, preds: Predictors, *, rng, score="accuracy", n_resamples=2000):
    """Spearman's ρ of the score with every predictor, bootstrap over (seed, initialisation) rows."""
    y, x = observations(runs, preds, score=score)
    return correlation.bootstrap(y, x, rng=rng, n_resamples=n_resamples)
