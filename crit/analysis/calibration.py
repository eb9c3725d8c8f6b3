r"""The calibration as used: the exact models through the networks' pipeline and class assignment.

:func:`calibrate` runs each model of known class, at sample sizes and cut-offs like the networks',
``repetitions`` times, measures every repetition with the same :class:`~crit.analysis.pipeline.Pipeline`
the networks use and assigns it with the same :func:`~crit.analysis.class_assignment.assign`. The record says,
per model, how often it lands in its own class (the recovery rate, with its binomial error), how far
the measured exponents fall from the exact ones (mean, spread over repetitions, bias with its error),
and a computed verdict for each.

Models (:data:`MODELS`) and their classes:

==========================  ==========================  =============================================
model                       class                       simulation
==========================  ==========================  =============================================
critical branching          mean-field DP               :func:`crit.models.exact_models.galton_watson`
random-walk excursions      free BM                     :func:`crit.models.exact_models.random_walk_excursions`
ABBM                        mean-field Barkhausen       :func:`crit.models.exact_models.abbm` (c of the class)
1+1-D DP                    1+1-D DP                    :func:`crit.models.lattice_dp.bond_dp`
==========================  ==========================  =============================================

Time units. Each model is measured in its own step, as a network in layers: a generation, a lattice
step of DP; two lattice steps for the walk (it returns after an odd number of steps, so its
durations are (T + 1)/2, which removes the parity of T); v0 = 1 for ABBM, whose durations are
T = v0/G with G ~ Gamma(1 − c) (its sizes are then in units of v0², and its Euler step is
:data:`ABBM_DT` v0).

The cut-off. The exact models have none but their cap; a network's P(T) bends down smoothly at its
T_c ∝ N^{b_T}. Each model is therefore given a soft cut-off of known form (``cutoff_shape=
"exponential"``): an avalanche of duration T is kept with probability e^{−T/x_c} (``cutoff`` = x_c),
so that P(T) ∝ T^{−τ_d} e^{−T/x_c} · (1 + corrections) and the measured cut-off is
T_c = ⟨T³⟩/⟨T²⟩ ≈ (3 − τ_d) x_c. The models run to a cap of :data:`CAP_FACTOR` × x_c (kept there
with probability e^{−3} ≈ 5 %; those still running are censored, as a network's that reach its
depth). The networks' own cut-off shape (the ceiling of tanh) need not be exponential; this is the
simplest soft cut-off of known form. ``cutoff_shape="cap"`` runs the models to a hard cap at x_c
instead. Avalanches are drawn until ``n_avalanches`` are kept; groups are 20 batches of them (the
jackknife blocks).

The short-range Barkhausen class has no exact model here (it is an experimental class), so no
recovery rate; it is a candidate in every assignment, and the record also holds the assignments
among the four classes that have an exact model (``among="exact"``): the literature's short-range
class lies within 2σ of free BM and of ABBM at c = 1/2 for any precision of τ_s, τ_d, γ
(:func:`crit.analysis.class_assignment.separation_matrix`), so against all five those two are not recovered.

Measured here (seeded runs, two shared CPU cores): at 1500 avalanches and x_c = 200, 10 repetitions,
recovery among the four exact classes 0.7, 0.6, 0.9, 0.7 (critical branching, walk, ABBM, DP) and
against all five 0.6, 0, 0, 0.4, in 20 s; at 2000 avalanches and x_c = 300, 20 repetitions, 0.80,
1.00, 0.95, 1.00 and 0.80, 0.05, 0, 0.75; at 5000 avalanches and x_c = 600, 6 repetitions, 1, 1, 1, 1
and 1, 0, 0, 0.67 (critical branching's τ_d and γ still 0.23 and 0.12 low there), in 5 min. Cost: one
repetition of the four models at 2000 avalanches and x_c = 300 takes about 2–3 s, most of it the 1+1-D
DP lattice, whose cost grows as n_avalanches · x_c^{1.3}; the measurements take about 0.05 s each. The
chapter caches the record (:func:`crit.book.cache.cached_call`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from crit import _validate
from crit.analysis import verdicts
from crit.analysis.class_assignment import assign
from crit.analysis.classes import CLASSES, CandidateClass
from crit.analysis.pipeline import PIPELINE, Pipeline, measure
from crit.models import exact_models, lattice_dp
from crit.records import Record

__all__ = ["CUTOFF_SHAPES", "MODELS", "MEASURED", "CAP_FACTOR", "ABBM_DT", "MIN_SYSTEMATIC", "RECOVERY_THRESHOLD",
           "Calibration", "exact_values", "simulate", "calibrate"]

#: How the exact models are cut off: ``"exponential"``, kept with probability e^{−T/x_c} (a soft
#: cut-off, as a network's), or ``"cap"``, run to a hard cap at x_c and the survivors censored.
CUTOFF_SHAPES = ("exponential", "cap")
#: Exact models and the class each belongs to.
MODELS = {"critical branching": "mean-field DP", "random-walk excursions": "free BM",
          "ABBM": "mean-field Barkhausen", "1+1-D DP": "1+1-D DP"}
#: Statistics measured on each repetition (the exact models have no width: no b_S, b_T).
MEASURED = ("tau_s", "tau_d", "gamma")
#: The models run to this multiple of the cut-off x_c.
CAP_FACTOR = 3.0
#: Euler–Maruyama step of ABBM, in units of v0 = 1 (a duration T ≥ 10 v0 spans ≥ 200 steps).
ABBM_DT = 0.05
#: Smallest calibrated systematic error (an exponent): below it the repetitions cannot resolve a bias.
MIN_SYSTEMATIC = 0.01
#: Recovery rate the calibration table holds each model against (a computed verdict, not a test threshold).
RECOVERY_THRESHOLD = 0.5
_GROUPS = 20


def exact_values(model, classes=None) -> dict:
    """``{statistic: exact value}`` of ``model`` for :data:`MEASURED`, from its class in ``classes``."""
    _validate.choice("model", model, tuple(MODELS))
    cls = (CLASSES if classes is None else classes)[MODELS[model]]
    return {k: cls.value(k) for k in MEASURED}


def _run(model, n, cap, rng, c):
    """(sizes, durations, survived, discrete) of ``n`` runs of ``model`` capped at ``cap`` steps."""
    if model == "critical branching":
        a = exact_models.galton_watson(n, max_generations=cap, keep_traces=False, rng=rng)
    elif model == "random-walk excursions":  # time unit: two lattice steps (a walk returns after an odd number)
        a = exact_models.random_walk_excursions(n, max_steps=2 * cap - 1, keep_traces=False, rng=rng)
        return np.asarray(a.sizes), (np.asarray(a.durations) + 1) / 2, np.asarray(a.survived), True
    elif model == "ABBM":
        a = exact_models.abbm(n, c=c, v0=1.0, dt=ABBM_DT, max_time=float(cap), rng=rng)
        return np.asarray(a.sizes), np.asarray(a.durations), np.asarray(a.survived), False
    else:
        a = lattice_dp.bond_dp(n, max_steps=cap, rng=rng)
    return np.asarray(a.sizes), np.asarray(a.durations), np.asarray(a.survived), True


def simulate(model, *, n_avalanches, cutoff, rng, abbm_c=None, cutoff_shape="exponential"):
    """Avalanches of ``model`` with the soft cut-off e^{−T/cutoff} (module docstring).

    Parameters
    ----------
    model : str
        A key of :data:`MODELS`.
    n_avalanches : int
        Avalanches kept (ended or censored).
    cutoff : float
        x_c, in the model's time steps (units of v0 for ABBM), at least 10.
    rng : numpy.random.Generator or int
    abbm_c : float, optional
        ABBM's drive; default the c of :data:`crit.analysis.classes.CLASSES`.

    Returns
    -------
    dict
        ``sizes``, ``durations``, ``survived``, ``groups`` (arrays of length ``n_avalanches``) and
        ``discrete`` (integer sizes and durations).
    """
    _validate.choice("model", model, tuple(MODELS))
    n = _validate.integer("n_avalanches", n_avalanches, minimum=1)
    x_c = _validate.real("cutoff", cutoff, minimum=10.0)
    rng = _validate.rng("rng", rng, allow_seed=True)
    c = CLASSES["mean-field Barkhausen"].parameters["c"] if abbm_c is None else _validate.real(
        "abbm_c", abbm_c, minimum=0.0, maximum=1.0, strict_max=True)
    _validate.choice("cutoff_shape", cutoff_shape, CUTOFF_SHAPES)
    if cutoff_shape == "cap":
        s, d, alive, discrete = _run(model, n, int(math.ceil(x_c)), rng, c)
        return {"sizes": s, "durations": d, "survived": alive, "groups": np.arange(n) % _GROUPS, "discrete": discrete}
    cap = int(math.ceil(CAP_FACTOR * x_c))
    parts, kept, batch = [], 0, n + n // 2
    while kept < n:
        s, d, alive, discrete = _run(model, batch, cap, rng, c)
        keep = rng.random(s.size) < np.exp(-d / x_c)
        parts.append((s[keep], d[keep], alive[keep]))
        got = int(keep.sum())
        kept += got
        batch = max(int(math.ceil((n - kept) / max(got / s.size, 0.05) * 1.2)), 16)
    s, d, alive = (np.concatenate([p[i] for p in parts])[:n] for i in range(3))
    return {"sizes": s, "durations": d, "survived": alive, "groups": np.arange(n) % _GROUPS, "discrete": discrete}


@dataclass(frozen=True, eq=False)
class Calibration(Record):
    """Recovery of each exact model's class through the pipeline, over repetitions.

    Attributes
    ----------
    pipeline : Pipeline
        The pipeline that measured every repetition.
    models : tuple of str
        Keys of :data:`MODELS`, the row order of the arrays.
    true_classes : tuple of str
        The class of each model.
    class_names : tuple of str
        The candidate classes of the assignment, the column order of ``p_values``.
    abbm_c : float
    repetitions, n_avalanches : int
    cutoff : float
        x_c of the soft cut-off, or the cap (model time steps).
    cutoff_shape : str
        One of :data:`CUTOFF_SHAPES`.
    systematic : dict
        ``{statistic: error}`` the assignments used (``calibrate(systematic=...)``); assign the networks
        measured at these sizes with it.
    measured, errors : numpy.ndarray
        (models, repetitions, 3): τ_s, τ_d, γ of each repetition and their jackknife errors (NaN where
        undetermined).
    exact : numpy.ndarray
        (models, 3): the exact τ_s, τ_d, γ.
    duration_cutoff : numpy.ndarray
        (models, repetitions): the measured T_c = ⟨T³⟩/⟨T²⟩.
    p_values : numpy.ndarray
        (models, repetitions, classes).
    assigned : tuple of tuple of str
        Per model, the assignment of each repetition against every candidate class (a class or
        "undetermined").
    reasons : tuple of tuple of str
        Per model, why each undetermined repetition is undetermined ("" otherwise).
    assigned_exact, reasons_exact : tuple of tuple of str
        The same against the classes that have an exact model only (short-range Barkhausen left out).
    """

    pipeline: Pipeline
    models: tuple
    true_classes: tuple
    class_names: tuple
    abbm_c: float
    repetitions: int
    n_avalanches: int
    cutoff: float
    cutoff_shape: str
    systematic: dict
    measured: np.ndarray
    errors: np.ndarray
    exact: np.ndarray
    duration_cutoff: np.ndarray
    p_values: np.ndarray
    assigned: tuple
    reasons: tuple
    assigned_exact: tuple
    reasons_exact: tuple
    statistics: tuple = field(default=MEASURED)

    def _rows(self, among):
        return self.assigned if _validate.choice("among", among, ("all", "exact")) == "all" else self.assigned_exact

    def recovered(self, among="all") -> np.ndarray:
        """Repetitions assigned to the model's own class, per model; ``among="all"`` candidate classes
        (as the networks are assigned) or only the classes with an exact model (``"exact"``)."""
        rows = zip(self._rows(among), self.true_classes, strict=True)
        return np.array([sum(a == t for a in row) for row, t in rows])

    def recovery_rate(self, among="all") -> np.ndarray:
        """Fraction of repetitions assigned to the model's own class, per model."""
        return self.recovered(among) / self.repetitions

    def recovery_error(self, among="all") -> np.ndarray:
        """Binomial standard error of the recovery rate, sqrt(p(1 − p)/n) with p shrunk to
        (k + 1)/(n + 2) so that 0 and n recoveries do not get a zero error."""
        p = (self.recovered(among) + 1) / (self.repetitions + 2)
        return np.sqrt(p * (1 - p) / self.repetitions)

    def counts(self, model, among="all") -> dict:
        """``{outcome: repetitions}`` of ``model``'s assignments."""
        row = self._rows(among)[self.models.index(_validate.choice("model", model, self.models))]
        return {k: row.count(k) for k in dict.fromkeys(row)}

    def reasons_of(self, model, among="all") -> dict:
        """``{reason: repetitions}`` of ``model``'s undetermined assignments."""
        rows = self.reasons if _validate.choice("among", among, ("all", "exact")) == "all" else self.reasons_exact
        row = [r for r in rows[self.models.index(_validate.choice("model", model, self.models))] if r]
        return {k: row.count(k) for k in dict.fromkeys(row)}

    @property
    def mean(self) -> np.ndarray:
        """(models, 3) mean over the repetitions that gave a value."""
        with np.errstate(invalid="ignore"):
            return np.array([[np.nanmean(c) if np.isfinite(c).any() else np.nan for c in m.T] for m in self.measured])

    @property
    def spread(self) -> np.ndarray:
        """(models, 3) standard deviation over the repetitions (NaN with fewer than 2 values)."""
        return np.array([[np.std(c[np.isfinite(c)], ddof=1) if np.isfinite(c).sum() >= 2 else np.nan for c in m.T]
                         for m in self.measured])

    @property
    def n_determined(self) -> np.ndarray:
        """(models, 3) repetitions that gave a value."""
        return np.isfinite(self.measured).sum(axis=1)

    @property
    def bias(self) -> np.ndarray:
        """(models, 3) mean − exact."""
        return self.mean - self.exact

    @property
    def bias_error(self) -> np.ndarray:
        """(models, 3) standard error of the mean, spread/√n."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.spread / np.sqrt(self.n_determined)

    def exponent_verdicts(self, model) -> dict:
        """``{statistic: Verdict}``: the mean over repetitions against the exact value, within 2 errors of
        the mean (:func:`crit.analysis.verdicts.compare`)."""
        i = self.models.index(_validate.choice("model", model, self.models))
        out = {}
        for j, k in enumerate(self.statistics):
            out[k] = verdicts.compare(float(self.mean[i, j]), float(self.bias_error[i, j]), float(self.exact[i, j]),
                                      what=f"the mean {_LABELS[k]} of {model}", reference_name="the exact value")
        return out

    def recovery_verdict(self, model, threshold=RECOVERY_THRESHOLD, among="all") -> verdicts.Verdict:
        """The recovery rate of ``model`` against ``threshold`` (:func:`crit.analysis.verdicts.compare`
        with the binomial error): "agrees" within 2 errors, "differs" with the side in the sentence."""
        i = self.models.index(_validate.choice("model", model, self.models))
        rate, err = float(self.recovery_rate(among)[i]), float(self.recovery_error(among)[i])
        v = verdicts.compare(rate, err, float(threshold), what=f"the recovery rate of {model}",
                             reference_name="the threshold")
        if v.outcome == "differs":
            side = "above" if rate > threshold else "below"
            v = verdicts.Verdict(v.outcome, f"{v.text}, {side} it", v.value, v.error, v.z, v.undetermined)
        return v


_LABELS = {"tau_s": "$\\tau_s$", "tau_d": "$\\tau_d$", "gamma": "$\\gamma$"}


def _calibrated_systematic(measured, exact):
    """Per statistic, the largest bias over the models, with the noise of the mean removed
    (sqrt(max(b̂² − se², 0)), se = spread/√n), at least :data:`MIN_SYSTEMATIC`."""
    out = {}
    for j, k in enumerate(MEASURED):
        worst = 0.0
        for i in range(measured.shape[0]):
            x = measured[i, :, j][np.isfinite(measured[i, :, j])]
            if x.size >= 2:
                b, se2 = x.mean() - exact[i, j], x.var(ddof=1) / x.size
                worst = max(worst, math.sqrt(max(b * b - se2, 0.0)))
        out[k] = max(MIN_SYSTEMATIC, round(worst, 3))
    return out


def calibrate(pipeline=PIPELINE, *, repetitions, n_avalanches, cutoff, rng, classes=None, n_draws=0,
              cutoff_shape="exponential", systematic="calibrated") -> Calibration:
    """Run every exact model ``repetitions`` times through ``pipeline`` and the class assignment.

    Parameters
    ----------
    pipeline : Pipeline
        The pipeline the networks use (:data:`crit.analysis.pipeline.PIPELINE`).
    repetitions : int
        Independent samples per model (at least 2).
    n_avalanches : int
        Avalanches per sample (the networks' CI sweeps have about 1000–2000 ended ones per width).
    cutoff : float
        x_c of the soft cut-off e^{−T/x_c} (or the cap), in model time steps, at least 10. The
        networks' T_c = ⟨T³⟩/⟨T²⟩ ≈ 100–800 layers at the CI widths correspond to x_c ≈ 70–500.
    rng : numpy.random.Generator or int
        The models and repetitions draw from it in order (model by model).
    classes : dict, optional
        Candidate classes; default :data:`crit.analysis.classes.CLASSES` (ABBM runs at its c).
    n_draws : int
        Redraws per assignment for the distances' uncertainty (0: none; the recovery does not use them).
    cutoff_shape : str
        One of :data:`CUTOFF_SHAPES`.
    systematic : {"calibrated", "pipeline"}
        ``"calibrated"``: the systematic of τ_s, τ_d and γ is the largest bias over the four models at
        these sizes (the noise of the mean removed, at least :data:`MIN_SYSTEMATIC`), the others the
        pipeline's; the networks measured at the same sizes are assigned with it
        (``Calibration.systematic``). ``"pipeline"``: the pipeline's own. The recovery rates are then
        in-sample (the same repetitions set the systematic and are assigned with it).

    Returns
    -------
    Calibration
    """
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"pipeline must be a Pipeline, got {type(pipeline).__name__}")
    reps = _validate.integer("repetitions", repetitions, minimum=2)
    n = _validate.integer("n_avalanches", n_avalanches, minimum=20)
    x_c = _validate.real("cutoff", cutoff, minimum=10.0)
    rng = _validate.rng("rng", rng, allow_seed=True)
    _validate.choice("cutoff_shape", cutoff_shape, CUTOFF_SHAPES)
    _validate.choice("systematic", systematic, ("calibrated", "pipeline"))
    classes = CLASSES if classes is None else classes
    if not isinstance(classes, dict) or not all(isinstance(c, CandidateClass) for c in classes.values()):
        raise TypeError("classes must be a dict {name: CandidateClass}")
    missing = [c for c in MODELS.values() if c not in classes]
    if missing:
        raise ValueError(f"classes must include the exact models' classes; missing {missing}")
    c = float(classes["mean-field Barkhausen"].parameters.get("c", 0.0))
    names = tuple(classes)
    exact_only = {k: classes[k] for k in names if k in MODELS.values()}
    measured = np.full((len(MODELS), reps, 3), np.nan)
    errors = np.full_like(measured, np.nan)
    t_c = np.full((len(MODELS), reps), np.nan)
    records = []
    for i, model in enumerate(MODELS):
        for r in range(reps):
            run = simulate(model, n_avalanches=n, cutoff=x_c, rng=rng, abbm_c=c, cutoff_shape=cutoff_shape)
            e = measure(pipeline, run["sizes"], run["durations"], groups=run["groups"], survived=run["survived"],
                        discrete_sizes=run["discrete"], discrete_durations=run["discrete"], name=f"{model} #{r}")
            measured[i, r], errors[i, r], t_c[i, r] = e.values, e.errors, e.duration_cutoff
            records.append((i, r, e))
    exact = np.array([[classes[MODELS[m]].value(k) for k in MEASURED] for m in MODELS])
    sys = dict(pipeline.systematic)
    if systematic == "calibrated":
        sys.update(_calibrated_systematic(measured, exact))
    pv = np.full((len(MODELS), reps, len(names)), np.nan)
    assigned = [[""] * reps for _ in MODELS]
    reasons = [[""] * reps for _ in MODELS]
    assigned_exact = [[""] * reps for _ in MODELS]
    reasons_exact = [[""] * reps for _ in MODELS]
    for i, r, e in records:
        a = assign(e, classes=classes, systematic=sys, rng=rng, n_draws=n_draws)
        pv[i, r] = [a.p_values[k] for k in names]
        assigned[i][r], reasons[i][r] = a.assigned, a.undetermined
        b = assign(e, classes=exact_only, systematic=sys, rng=rng, n_draws=0)
        assigned_exact[i][r], reasons_exact[i][r] = b.assigned, b.undetermined
    as_tuple = lambda rows: tuple(tuple(row) for row in rows)  # noqa: E731
    return Calibration(pipeline, tuple(MODELS), tuple(MODELS.values()), names, c, reps, n, x_c, cutoff_shape, sys,
                       measured, errors, exact, t_c, pv, as_tuple(assigned), as_tuple(reasons),
                       as_tuple(assigned_exact), as_tuple(reasons_exact))
