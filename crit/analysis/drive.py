r"""The drive in dimensionless form, and sweeps that separate the drive from the distance to the critical point.

Drive
-----
A bias of variance σ_b² adds about N·σ_b² to ‖h‖² in every layer, against the threshold q0 at
which an avalanche ends. The book's one measure of the drive is the bias's share of ‖h‖² per
layer in units of the threshold (book/methods.md),

.. math::

    h = \frac{N \sigma_b^2}{q_0},

dimensionless; at h ≳ 1 the bias alone keeps nearly every input above the threshold and no
avalanche ends. :func:`drive_from_sigma_b2` and :func:`drive_to_sigma_b2` convert.

Separating the two effects
--------------------------
Under drive the exponents are measured near the quasi-critical line σ_w²(h) (the susceptibility's
peak at each h), which moves away from the critical point σ_c(N) as h grows. A change of the
exponents along that line mixes two effects: the drive, and the distance σ_w² − σ_c(N).
:func:`drive_separation` measures the exponents on three lines against h:

``fixed``
    σ_w² = σ_c(N) (:func:`crit.models.theory.finite_width_critical_sigma_w2`), driven by h;
``quasi-critical``
    σ_w² = the given line σ_w²(h), driven by h;
``undriven``
    σ_w² = the same σ_w²(h), with no drive (h = 0).

The quasi-critical line minus the undriven one is the drive at fixed σ_w²; the undriven line minus
the undriven point at σ_c(N) is the distance alone; the fixed line is the drive at the critical
point. :func:`drive_verdict` states which of them moves an exponent.

Every point is measured twice with the same range rule (:mod:`crit.analysis.bootstrap`): on the
avalanches that ended within the depth, and with the never-ending ones included at T = depth − 3
(the authors' convention), side by side. Errors are spreads over resamples of whole networks with
the fit range re-selected in each, and the crackling test Δ = γ − γ_pred carries its joint error.

What a reader asks next
-----------------------
:func:`threshold_sweep` repeats one point at several thresholds q0 (the authors' run used 0.1, their
code's default is 0.01) at a fixed dimensionless drive h; :func:`disorder_comparison` measures one
point with quenched networks (a network serves many inputs) beside an annealed run (fresh weights for
every input, ``inputs_per_network=1``).

The simulations are separable from their analysis: :func:`measure_point` is one cacheable call
(keyword arguments, returns a record), :func:`exponents_of` analyses a given simulation, and every
sweep takes ``measure=`` to route its points through a cache (``crit.book.cache.cached_call``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import verdicts
from crit.analysis.bootstrap import (
    QUANTITIES,
    RANGE_RULES,
    SELECTIONS,
    CracklingBootstrap,
    bootstrap_record,
)
from crit.models import avalanches as av
from crit.models import theory
from crit.records import Record
from crit.seeds import sub_seed

__all__ = [
    "LINES",
    "SYMBOLS",
    "DisorderComparison",
    "DriveSeparation",
    "DriveVerdict",
    "ExponentTable",
    "PointExponents",
    "ThresholdSweep",
    "disorder_comparison",
    "disorder_verdict",
    "drive_from_sigma_b2",
    "drive_separation",
    "drive_to_sigma_b2",
    "drive_verdict",
    "exponents_of",
    "measure_point",
    "point_seed",
    "separation_plan",
    "threshold_sweep",
    "threshold_verdict",
]

#: The three lines of :func:`drive_separation`, in the order of its arrays.
LINES = ("fixed", "quasi-critical", "undriven")
#: How each of :data:`crit.analysis.bootstrap.QUANTITIES` is written in a sentence (Markdown math).
SYMBOLS = {"tau_s": "$\\tau_s$", "tau_d": "$\\tau_d$", "gamma": "$\\gamma$",
           "gamma_pred": "$(\\tau_d - 1)/(\\tau_s - 1)$", "delta": "$\\gamma - (\\tau_d - 1)/(\\tau_s - 1)$"}
_SELECTION_WORDS = {"ended": "ended avalanches", "all": "never-ending avalanches included"}


# ----------------------------------------------------------------------------------------------
# the drive


def _drive_arguments(value, name, width, q0):
    width = _validate.integer("width", width, minimum=1)
    q0 = _validate.real("q0", q0, minimum=0.0, strict_min=True)
    scalar = np.ndim(value) == 0
    arr = _validate.finite_array(name, np.atleast_1d(value), ndim=1)
    if (arr < 0).any():
        raise ValueError(f"{name} must be >= 0, got {arr[arr < 0][0]!r}")
    return arr, scalar, width, q0


def drive_from_sigma_b2(sigma_b2, width, q0):
    """The dimensionless drive h = N·σ_b²/q0 of a bias variance.

    Parameters
    ----------
    sigma_b2 : float or array_like
        Bias variance σ_b² (units of h², per neuron), ≥ 0.
    width : int
        N, neurons per layer.
    q0 : float
        The threshold (squared norm of the input), > 0.

    Returns
    -------
    float or numpy.ndarray
        h, dimensionless (an array for an array).

    Examples
    --------
    >>> round(drive_from_sigma_b2(1e-4, 100, 0.1), 12)   # width 100, threshold 0.1
    0.1
    """
    arr, scalar, width, q0 = _drive_arguments(sigma_b2, "sigma_b2", width, q0)
    h = width * arr / q0
    return float(h[0]) if scalar else h


def drive_to_sigma_b2(h, width, q0):
    """The bias variance σ_b² = h·q0/N of a dimensionless drive h (inverse of :func:`drive_from_sigma_b2`).

    Examples
    --------
    >>> round(drive_to_sigma_b2(0.1, 100, 0.1), 15)
    0.0001
    """
    arr, scalar, width, q0 = _drive_arguments(h, "h", width, q0)
    sigma_b2 = arr * q0 / width
    return float(sigma_b2[0]) if scalar else sigma_b2


# ----------------------------------------------------------------------------------------------
# one point


@dataclass(frozen=True, eq=False)
class PointExponents(Record):
    """The crackling exponents of one simulated point, on ended avalanches and with the never-ending ones.

    Attributes
    ----------
    width, depth : int
    sigma_w2, sigma_b2 : float
        Weight variance times N, and bias variance.
    h : float
        The dimensionless drive N·σ_b²/q0.
    q0 : float
    n_inputs, inputs_per_network, seed : int
    ended, with_never_ending : CracklingBootstrap
        The two selections (:data:`crit.analysis.bootstrap.SELECTIONS`), same range rule.
    surviving_fraction : float
        Fraction of the inputs that never fell below the threshold.
    n_recorded, n_networks : int
    wall_time_s : float
        Simulation and analysis, seconds.
    undetermined : str
        Why numbers of either selection are NaN; empty when none is.
    """

    width: int
    depth: int
    sigma_w2: float
    sigma_b2: float
    h: float
    q0: float
    n_inputs: int
    inputs_per_network: int
    seed: int
    ended: CracklingBootstrap
    with_never_ending: CracklingBootstrap
    surviving_fraction: float
    n_recorded: int
    n_networks: int
    wall_time_s: float
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether both selections were determined."""
        return not self.undetermined

    def fit(self, selection) -> CracklingBootstrap:
        """The :class:`CracklingBootstrap` of ``selection`` ("ended" or "all")."""
        selection = _validate.choice("selection", selection, SELECTIONS)
        return self.ended if selection == "ended" else self.with_never_ending


def exponents_of(rec, *, rng, range_rule="support", n_resamples=50, gamma_min_count=10, support_grid=16,
                 wall_time_s=0.0) -> PointExponents:
    """Measure both selections of one simulation (the analysis half of :func:`measure_point`).

    Parameters
    ----------
    rec : crit.models.avalanches.Avalanches
        The simulation.
    rng : numpy.random.Generator
        Drives both network bootstraps.
    range_rule, n_resamples, gamma_min_count, support_grid
        As in :func:`crit.analysis.bootstrap.crackling_bootstrap`.
    wall_time_s : float
        Time already spent (added to the record's).
    """
    if not isinstance(rec, av.Avalanches):
        raise TypeError(f"rec must be a crit.models.avalanches.Avalanches record, got {type(rec).__name__}")
    rng = _validate.rng("rng", rng)
    start = time.perf_counter()
    options = {"range_rule": range_rule, "n_resamples": n_resamples, "rng": rng, "gamma_min_count": gamma_min_count,
               "support_grid": support_grid}
    ended = bootstrap_record(rec, selection="ended", **options)
    everything = bootstrap_record(rec, selection="all", **options)
    parts = [(w, f.undetermined) for w, f in (("ended", ended), ("never-ending included", everything)) if f.undetermined]
    return PointExponents(
        width=rec.width, depth=rec.depth, sigma_w2=rec.sigma_w2, sigma_b2=rec.sigma_b2,
        h=drive_from_sigma_b2(rec.sigma_b2, rec.width, rec.q0), q0=rec.q0, n_inputs=rec.n_inputs,
        inputs_per_network=rec.inputs_per_network, seed=rec.seed, ended=ended, with_never_ending=everything,
        surviving_fraction=rec.surviving_fraction, n_recorded=rec.n_recorded, n_networks=rec.n_networks,
        wall_time_s=float(wall_time_s + rec.wall_time_s + time.perf_counter() - start),
        undetermined=" | ".join(f"{w}: {why}" for w, why in parts),
    )


def measure_point(*, width, depth, sigma_w2, h, q0=0.1, n_inputs, inputs_per_network, seed, range_rule="support",
                  n_resamples=50, gamma_min_count=10, support_grid=16, device=None, progress=False) -> PointExponents:
    """Simulate one point at drive ``h`` and measure it (:func:`exponents_of`): one cacheable call.

    Parameters
    ----------
    width, depth : int
        N and L.
    sigma_w2 : float
        Weight variance times N.
    h : float
        Dimensionless drive; the bias variance is ``drive_to_sigma_b2(h, width, q0)``.
    q0 : float
        Threshold and squared norm of the inputs.
    n_inputs, inputs_per_network : int
        Inputs in all, and inputs per network (1: annealed, fresh weights for every input).
    seed : int
        Seed of the simulation; the bootstraps use ``sub_seed(seed, "network bootstrap")``.
    range_rule, n_resamples, gamma_min_count, support_grid
        As in :func:`crit.analysis.bootstrap.crackling_bootstrap`.
    device, progress
        As in :func:`crit.models.avalanches.simulate`.
    """
    seed = _validate.integer("seed", seed, minimum=0)
    sigma_b2 = drive_to_sigma_b2(h, width, q0)
    rec = av.simulate(width, depth, sigma_w2, sigma_b2, n_inputs=n_inputs, q0=q0, inputs_per_network=inputs_per_network,
                      seed=seed, device=device, progress=progress)
    return exponents_of(rec, rng=np.random.default_rng(sub_seed(seed, "network bootstrap")), range_rule=range_rule,
                        n_resamples=n_resamples, gamma_min_count=gamma_min_count, support_grid=support_grid)


def point_seed(seed, *, sigma_w2, h, q0, inputs_per_network) -> int:
    """The seed of the point (σ_w², h, q0, inputs per network) under a sweep's ``seed``: one point, one
    run, whichever sweep asks for it (so a cache serves it once)."""
    return sub_seed(seed, "point", repr(float(sigma_w2)), repr(float(h)), repr(float(q0)), int(inputs_per_network))


# ----------------------------------------------------------------------------------------------
# tables of points


@dataclass(frozen=True, eq=False)
class ExponentTable(Record):
    """The exponents of a set of points, both selections side by side.

    Array fields have the shape of the set of points (``shape``) followed by the selections (2,
    :data:`crit.analysis.bootstrap.SELECTIONS`) and the quantities (5,
    :data:`crit.analysis.bootstrap.QUANTITIES`).

    Attributes
    ----------
    values, errors : numpy.ndarray, shape (*shape, 2, 5)
        Dimensionless; errors are spreads over networks, the error of Δ the joint one.
    robust_errors : numpy.ndarray, shape (*shape, 2, 5)
        Half the central 68.3 % range of the replicates (``CracklingBootstrap.robust_errors``).
    delta_error_independent, correlation : numpy.ndarray, shape (*shape, 2)
        The error Δ would have if γ and γ_pred were independent, and their correlation.
    sigma_w2, sigma_b2, h, q0, surviving_fraction : numpy.ndarray, shape (*shape,)
    inputs_per_network, n_recorded, n_networks : numpy.ndarray of int, shape (*shape,)
    width, depth, n_inputs, seed, n_resamples : int
    range_rule : str
    undetermined : tuple of str
        Per point (flattened in C order), why its numbers are NaN ("" where none is).
    """

    values: np.ndarray
    errors: np.ndarray
    robust_errors: np.ndarray
    delta_error_independent: np.ndarray
    correlation: np.ndarray
    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    h: np.ndarray
    q0: np.ndarray
    surviving_fraction: np.ndarray
    inputs_per_network: np.ndarray
    n_recorded: np.ndarray
    n_networks: np.ndarray
    width: int
    depth: int
    n_inputs: int
    seed: int
    n_resamples: int
    range_rule: str
    undetermined: tuple

    @property
    def determined(self) -> bool:
        """Whether every point's numbers were determined."""
        return not any(self.undetermined)

    def value(self, quantity, selection="ended") -> tuple:
        """``(values, errors)`` of one quantity and selection, each of shape (*shape,)."""
        q = QUANTITIES.index(_validate.choice("quantity", quantity, QUANTITIES))
        s = SELECTIONS.index(_validate.choice("selection", selection, SELECTIONS))
        return self.values[..., s, q], self.errors[..., s, q]


def _table_fields(points, shape, *, width, depth, n_inputs, seed, n_resamples, range_rule) -> dict:
    """The :class:`ExponentTable` fields of ``points`` (a flat list in C order) reshaped to ``shape``."""
    fits = [[p.ended, p.with_never_ending] for p in points]

    def grid(get, dtype=float):
        return np.array([get(p) for p in points], dtype=dtype).reshape(shape)

    return {
        "values": np.array([[f.values for f in pair] for pair in fits]).reshape(*shape, 2, len(QUANTITIES)),
        "errors": np.array([[f.errors for f in pair] for pair in fits]).reshape(*shape, 2, len(QUANTITIES)),
        "robust_errors": np.array([[f.robust_errors for f in pair] for pair in fits]).reshape(
            *shape, 2, len(QUANTITIES)),
        "delta_error_independent": np.array([[f.delta_error_independent for f in pair] for pair in fits]).reshape(
            *shape, 2),
        "correlation": np.array([[f.correlation for f in pair] for pair in fits]).reshape(*shape, 2),
        "sigma_w2": grid(lambda p: p.sigma_w2), "sigma_b2": grid(lambda p: p.sigma_b2), "h": grid(lambda p: p.h),
        "q0": grid(lambda p: p.q0), "surviving_fraction": grid(lambda p: p.surviving_fraction),
        "inputs_per_network": grid(lambda p: p.inputs_per_network, np.int64),
        "n_recorded": grid(lambda p: p.n_recorded, np.int64), "n_networks": grid(lambda p: p.n_networks, np.int64),
        "width": int(width), "depth": int(depth), "n_inputs": int(n_inputs), "seed": int(seed),
        "n_resamples": int(n_resamples), "range_rule": range_rule,
        "undetermined": tuple(p.undetermined for p in points),
    }


def _check_measure(measure):
    if measure is None:
        return measure_point
    if not callable(measure):
        raise TypeError(f"measure must be callable like measure_point, got {type(measure).__name__}")
    return measure


def _common(width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples):
    return (_validate.integer("width", width, minimum=1), _validate.integer("depth", depth, minimum=3),
            _validate.integer("n_inputs", n_inputs, minimum=1),
            _validate.integer("inputs_per_network", inputs_per_network, minimum=1),
            _validate.integer("seed", seed, minimum=0), _validate.choice("range_rule", range_rule, RANGE_RULES),
            _validate.integer("n_resamples", n_resamples, minimum=3))


def _measured(measure, specs, fixed):
    """``measure`` of every distinct point of ``specs`` (dicts of sigma_w2, h, q0, inputs_per_network, seed)."""
    done = {}
    out = []
    for spec in specs:
        key = (spec["sigma_w2"], spec["h"], spec["q0"], spec["inputs_per_network"], spec["seed"])
        if key not in done:
            done[key] = measure(**fixed, **spec)
            if not isinstance(done[key], PointExponents):
                raise TypeError(f"measure must return a PointExponents, got {type(done[key]).__name__}")
        out.append(done[key])
    return out


# ----------------------------------------------------------------------------------------------
# the drive separation


@dataclass(frozen=True, eq=False)
class DriveSeparation(ExponentTable):
    """Exponents against the drive on the three :data:`LINES`: array fields of shape (3, n_h, ...).

    Attributes
    ----------
    drives : numpy.ndarray, shape (n_h,)
        The drives h, increasing, starting at 0.
    line_sigma_w2 : numpy.ndarray, shape (n_h,)
        The quasi-critical line σ_w²(h) given.
    sigma_c : float
        σ_c(N), the σ_w² of the fixed line.
    """

    drives: np.ndarray
    line_sigma_w2: np.ndarray
    sigma_c: float


def _check_drives(drives, line_sigma_w2):
    h = _validate.finite_array("drives", drives)
    line = _validate.finite_array("line_sigma_w2", line_sigma_w2)
    if h[0] != 0:
        raise ValueError(f"drives must start at 0 (the undriven reference), got drives[0]={h[0]!r}")
    if np.any(np.diff(h) <= 0):
        raise ValueError(f"drives must increase strictly, got {h.tolist()}")
    if line.shape != h.shape:
        raise ValueError(f"line_sigma_w2 must give one sigma_w2 per drive: {line.size} values for {h.size} drives")
    if (line < 0).any():
        raise ValueError(f"line_sigma_w2 must be >= 0, got {line[line < 0][0]!r}")
    return h, line


def separation_plan(drives, line_sigma_w2, *, width, q0=0.1, inputs_per_network, seed=0) -> tuple:
    """The points of :func:`drive_separation`: ((line, index of h, {sigma_w2, h, q0, inputs_per_network,
    seed}), ...) in the order of its arrays (lines outer). Equal points carry equal seeds."""
    h, line = _check_drives(drives, line_sigma_w2)
    sigma_c = float(theory.finite_width_critical_sigma_w2(_validate.integer("width", width, minimum=1)))
    q0 = _validate.real("q0", q0, minimum=0.0, strict_min=True)
    plan = []
    for name, w2, hs in (("fixed", np.full(h.size, sigma_c), h), ("quasi-critical", line, h),
                         ("undriven", line, np.zeros(h.size))):
        for i in range(h.size):
            spec = {"sigma_w2": float(w2[i]), "h": float(hs[i]), "q0": q0, "inputs_per_network": inputs_per_network}
            spec["seed"] = point_seed(seed, **spec)
            plan.append((name, i, spec))
    return tuple(plan)


def drive_separation(drives, line_sigma_w2, *, width, depth, q0=0.1, n_inputs, inputs_per_network, seed=0,
                     range_rule="support", n_resamples=50, gamma_min_count=10, support_grid=16, device=None,
                     progress=False, measure=None) -> DriveSeparation:
    """Exponents against the drive at σ_c(N), along a quasi-critical line, and undriven on that line.

    Parameters
    ----------
    drives : array_like, shape (n_h,)
        Dimensionless drives h = N·σ_b²/q0, increasing, starting at 0.
    line_sigma_w2 : array_like, shape (n_h,)
        The quasi-critical line: the σ_w² of each drive (e.g. chapter 1's susceptibility peak at that h).
    width, depth, q0, n_inputs, inputs_per_network
        Of every simulated point (:func:`measure_point`).
    seed : int
        Each point's seed is :func:`point_seed` under it, so a point shared by two lines (the fixed
        and the undriven line at h = 0 when σ_w²(0) = σ_c) is one run.
    range_rule, n_resamples, gamma_min_count, support_grid, device, progress
        As in :func:`measure_point`.
    measure : callable, optional
        Called as ``measure(**keywords of measure_point)`` for each distinct point, returning a
        :class:`PointExponents`; default :func:`measure_point`. Pass a cached version to cache points.

    Returns
    -------
    DriveSeparation
        Array fields of shape (3, n_h, ...) over :data:`LINES` and the drives.
    """
    h, line = _check_drives(drives, line_sigma_w2)
    width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples = _common(
        width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples)
    measure = _check_measure(measure)
    plan = separation_plan(h, line, width=width, q0=q0, inputs_per_network=inputs_per_network, seed=seed)
    fixed = {"width": width, "depth": depth, "n_inputs": n_inputs, "range_rule": range_rule,
             "n_resamples": n_resamples, "gamma_min_count": gamma_min_count, "support_grid": support_grid,
             "device": device, "progress": progress}
    points = _measured(measure, [spec for _, _, spec in plan], fixed)
    fields = _table_fields(points, (len(LINES), h.size), width=width, depth=depth, n_inputs=n_inputs, seed=seed,
                           n_resamples=n_resamples, range_rule=range_rule)
    return DriveSeparation(**fields, drives=h, line_sigma_w2=line,
                           sigma_c=float(theory.finite_width_critical_sigma_w2(width)))


@dataclass(frozen=True, eq=False)
class DriveVerdict(Record):
    """Which effect moves an exponent along the quasi-critical line, from the numbers and their errors.

    Attributes
    ----------
    outcome : str
        ``"drive"``, ``"distance"``, ``"both"`` or ``"undetermined"`` (NaN numbers, or neither effect
        beyond ``n_sigma`` errors).
    text : str
        The sentence (Markdown) a page glues.
    quantity, selection : str
    drive_at_critical : crit.analysis.verdicts.Verdict
        The fixed line against h: a weighted trend (3 drives or more), else the sign of the change
        from h = 0 to the largest drive.
    drive_on_line : crit.analysis.verdicts.Verdict
        Quasi-critical minus undriven at the same σ_w², averaged over h > 0 with weights 1/error².
    distance : crit.analysis.verdicts.Verdict
        Undriven at σ_w²(h) minus undriven at σ_c(N), averaged the same way over the drives whose
        σ_w²(h) differs from σ_c(N).
    n_sigma : float
    undetermined : str
    """

    outcome: str
    text: str
    quantity: str
    selection: str
    drive_at_critical: verdicts.Verdict
    drive_on_line: verdicts.Verdict
    distance: verdicts.Verdict
    n_sigma: float
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the numbers decide."""
        return not self.undetermined

    def __str__(self) -> str:
        return self.text


def _weighted_mean(values, errors):
    """Weighted mean of the finite values with finite positive errors, and its error; NaNs when none."""
    v, e = np.asarray(values, float), np.asarray(errors, float)
    ok = np.isfinite(v) & np.isfinite(e) & (e > 0)
    if not ok.any():
        return float("nan"), float("nan")
    w = 1.0 / e[ok] ** 2
    return float(np.sum(w * v[ok]) / w.sum()), float(1.0 / math.sqrt(w.sum()))


def _status(*parts) -> str:
    """"moves" when some determined verdict is beyond its errors, "still" when all are determined and
    none is, else "unknown"."""
    if any(v.outcome in ("increases", "decreases", "positive", "negative") for v in parts):
        return "moves"
    return "still" if all(v.determined for v in parts) else "unknown"


def drive_verdict(separation: DriveSeparation, quantity="tau_s", selection="ended", *, n_sigma=2.0) -> DriveVerdict:
    """State which effect moves ``quantity``: the drive, the distance to the critical point, both, or undetermined.

    Three measured effects (:class:`DriveVerdict`): the drive at the critical point (the fixed
    line), the drive at fixed σ_w² on the quasi-critical line (quasi-critical minus undriven), and
    the distance σ_w²(h) − σ_c(N) without drive (undriven line minus the undriven point at σ_c(N)).
    The drive moves the exponent when either drive effect is beyond ``n_sigma`` errors, the distance
    when its effect is. The runs are independent, so errors of differences add in quadrature (the
    reference point's error once, as it is shared).

    Returns
    -------
    DriveVerdict
        ``"undetermined"`` when a needed number or error is NaN, or when neither effect exceeds
        ``n_sigma`` errors (the errors overlap zero: these sizes cannot tell).
    """
    if not isinstance(separation, DriveSeparation):
        raise TypeError(f"separation must be a DriveSeparation, got {type(separation).__name__}")
    quantity = _validate.choice("quantity", quantity, QUANTITIES)
    selection = _validate.choice("selection", selection, SELECTIONS)
    n_sigma = _validate.real("n_sigma", n_sigma, minimum=0.0, strict_min=True)
    values, errors = separation.value(quantity, selection)
    a, b, c = values
    ea, eb, ec = errors
    h = np.asarray(separation.drives, float)
    sym, sel = SYMBOLS[quantity], _SELECTION_WORDS[selection]
    known = np.isfinite(a) & np.isfinite(ea) & (ea > 0)
    if known.sum() >= 3:
        at_critical = verdicts.trend(h, a, ea, what=f"{sym} at $\\sigma_c(N)$", against="the drive $h$",
                                     n_sigma=n_sigma)
    else:  # two drives with numbers: the change from h = 0 to the larger one
        last = int(np.flatnonzero(known)[-1]) if known[1:].any() else h.size - 1
        at_critical = verdicts.sign(float(a[last] - a[0]), float(math.hypot(ea[last], ea[0])), n_sigma=n_sigma,
                                    what=f"the change of {sym} at $\\sigma_c(N)$ from $h = 0$ to $h = {h[last]:g}$")
    driven = h > 0
    d_mean, d_err = _weighted_mean(b[driven] - c[driven], np.hypot(eb[driven], ec[driven]))
    on_line = verdicts.sign(d_mean, d_err, n_sigma=n_sigma,
                            what=f"{sym} driven minus undriven at the same $\\sigma_w^2$ (mean over $h > 0$)")
    line = np.asarray(separation.line_sigma_w2, float)
    _, first = np.unique(line, return_index=True)  # one run per distinct sigma_w2 of the line
    away = np.zeros(line.size, bool)
    away[first] = True
    away &= line != separation.sigma_c
    c_mean, c_err = _weighted_mean(c[away], ec[away])
    distance = verdicts.sign(c_mean - float(a[0]), float(math.hypot(c_err, ea[0])), n_sigma=n_sigma,
                             what=f"{sym} undriven at $\\sigma_w^2(h)$ minus undriven at $\\sigma_c(N)$")
    details = "; ".join(v.text for v in (at_critical, on_line, distance))
    drive, dist = _status(at_critical, on_line), _status(distance)
    unknown = [f"{name}: {v.undetermined}" for name, v in (("drive at the critical point", at_critical),
                                                            ("drive on the line", on_line), ("distance", distance))
               if not v.determined]
    reason = ""
    if drive == dist == "moves":
        outcome, head = "both", f"{sym} ({sel}) is moved both by the drive and by the distance to the critical point"
    elif "unknown" in (drive, dist):
        outcome, reason = "undetermined", "; ".join(unknown)
        head = f"undetermined for {sym} ({sel}): {reason}"
    elif drive == "moves":
        outcome, head = "drive", f"{sym} ({sel}) is moved by the drive, not by the distance to the critical point"
    elif dist == "moves":
        outcome, head = "distance", f"{sym} ({sel}) is moved by the distance to the critical point, not by the drive"
    else:
        outcome = "undetermined"
        reason = (f"neither the drive nor the distance to the critical point moves {sym} ({sel}) by more than "
                  f"{n_sigma:g} errors at these sizes")
        head = f"undetermined: {reason}"
    text = f"{head} ({details})"
    return DriveVerdict(outcome, text, quantity, selection, at_critical, on_line, distance, n_sigma, reason)


# ----------------------------------------------------------------------------------------------
# the threshold and the disorder


@dataclass(frozen=True, eq=False)
class ThresholdSweep(ExponentTable):
    """One point at several thresholds q0 (array fields of shape (n_q0, ...)), at a fixed drive h.

    Attributes
    ----------
    thresholds : numpy.ndarray, shape (n_q0,)
        The thresholds q0, as given.
    """

    thresholds: np.ndarray


def threshold_sweep(thresholds, *, width, depth, sigma_w2=None, h=0.0, n_inputs, inputs_per_network, seed=0,
                    range_rule="support", n_resamples=50, gamma_min_count=10, support_grid=16, device=None,
                    progress=False, measure=None) -> ThresholdSweep:
    """Exponents of one point at each threshold q0 (the authors' run: 0.1; their code's default: 0.01).

    The trace V = ‖h‖ − √q0, and with it every size, scales with √q0; the authors' range rule keeps
    x_min = 0.5 in units of S whatever q0 is, so it fits a different part of each distribution. The
    ``"support"`` and ``"quantile"`` rules follow the data and suit this comparison better.

    Parameters
    ----------
    thresholds : array_like
        The thresholds q0 (> 0, distinct).
    sigma_w2 : float, optional
        Default σ_c(N).
    h : float
        The dimensionless drive, held fixed (σ_b² = h·q0/N changes with q0).
    width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples, gamma_min_count, support_grid,
    device, progress, measure
        As in :func:`drive_separation`.
    """
    q = _validate.finite_array("thresholds", thresholds)
    if (q <= 0).any():
        raise ValueError(f"thresholds must be > 0, got {q[q <= 0][0]!r}")
    if np.unique(q).size != q.size:
        raise ValueError(f"thresholds must be distinct, got {q.tolist()}")
    width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples = _common(
        width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples)
    w2 = float(theory.finite_width_critical_sigma_w2(width)) if sigma_w2 is None else \
        _validate.variance("sigma_w2", sigma_w2)
    h = _validate.real("h", h, minimum=0.0)
    measure = _check_measure(measure)
    specs = []
    for q0 in q:
        spec = {"sigma_w2": w2, "h": h, "q0": float(q0), "inputs_per_network": inputs_per_network}
        specs.append({**spec, "seed": point_seed(seed, **spec)})
    fixed = {"width": width, "depth": depth, "n_inputs": n_inputs, "range_rule": range_rule,
             "n_resamples": n_resamples, "gamma_min_count": gamma_min_count, "support_grid": support_grid,
             "device": device, "progress": progress}
    points = _measured(measure, specs, fixed)
    fields = _table_fields(points, (q.size,), width=width, depth=depth, n_inputs=n_inputs, seed=seed,
                           n_resamples=n_resamples, range_rule=range_rule)
    return ThresholdSweep(**fields, thresholds=q)


@dataclass(frozen=True, eq=False)
class DisorderComparison(ExponentTable):
    """One point with quenched networks beside an annealed run: array fields of shape (2, ...).

    Attributes
    ----------
    kinds : tuple
        ``("quenched", "annealed")``: the order of the first axis. The annealed run draws fresh
        weights for every input (``inputs_per_network`` 1), so its resamples of networks are
        resamples of avalanches.
    """

    kinds: tuple


def disorder_comparison(*, width, depth, sigma_w2=None, h=0.0, q0=0.1, n_inputs, inputs_per_network, seed=0,
                        range_rule="support", n_resamples=50, gamma_min_count=10, support_grid=16, device=None,
                        progress=False, measure=None) -> DisorderComparison:
    """Exponents of one point with quenched networks (``inputs_per_network``) and annealed (fresh weights per input).

    Parameters
    ----------
    inputs_per_network : int
        Of the quenched run (> 1).
    sigma_w2 : float, optional
        Default σ_c(N).
    width, depth, h, q0, n_inputs, seed, range_rule, n_resamples, gamma_min_count, support_grid, device,
    progress, measure
        As in :func:`drive_separation`.
    """
    width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples = _common(
        width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples)
    if inputs_per_network < 2:
        raise ValueError(f"inputs_per_network of the quenched run must be >= 2, got {inputs_per_network}")
    w2 = float(theory.finite_width_critical_sigma_w2(width)) if sigma_w2 is None else \
        _validate.variance("sigma_w2", sigma_w2)
    h = _validate.real("h", h, minimum=0.0)
    q0 = _validate.real("q0", q0, minimum=0.0, strict_min=True)
    measure = _check_measure(measure)
    specs = []
    for per in (inputs_per_network, 1):
        spec = {"sigma_w2": w2, "h": h, "q0": q0, "inputs_per_network": per}
        specs.append({**spec, "seed": point_seed(seed, **spec)})
    fixed = {"width": width, "depth": depth, "n_inputs": n_inputs, "range_rule": range_rule,
             "n_resamples": n_resamples, "gamma_min_count": gamma_min_count, "support_grid": support_grid,
             "device": device, "progress": progress}
    points = _measured(measure, specs, fixed)
    fields = _table_fields(points, (2,), width=width, depth=depth, n_inputs=n_inputs, seed=seed,
                           n_resamples=n_resamples, range_rule=range_rule)
    return DisorderComparison(**fields, kinds=("quenched", "annealed"))


def threshold_verdict(sweep: ThresholdSweep, quantity="tau_s", selection="ended", *, n_sigma=2.0) -> verdicts.Verdict:
    """Whether ``quantity`` depends on the threshold: two thresholds are compared (the larger
    against the smaller), three or more give a weighted trend against log10 q0."""
    if not isinstance(sweep, ThresholdSweep):
        raise TypeError(f"sweep must be a ThresholdSweep, got {type(sweep).__name__}")
    values, errors = sweep.value(quantity, selection)
    q = np.asarray(sweep.thresholds, float)
    sym, sel = SYMBOLS[quantity], _SELECTION_WORDS[selection]
    if q.size == 1:
        return verdicts.Verdict("undetermined", "undetermined: one threshold only", float(values[0]),
                                float(errors[0]), float("nan"), "one threshold only")
    if q.size == 2:
        lo, hi = int(np.argmin(q)), int(np.argmax(q))
        return _compare(values[hi], errors[hi], values[lo], errors[lo], what=f"{sym} ({sel}) at $q_0 = {q[hi]:g}$",
                        reference_name=f"$q_0 = {q[lo]:g}$", n_sigma=n_sigma)
    return verdicts.trend(np.log10(q), values, errors, what=f"{sym} ({sel})", against="$\\log_{10} q_0$",
                          n_sigma=n_sigma)


def disorder_verdict(comparison: DisorderComparison, quantity="tau_s", selection="ended", *,
                     n_sigma=2.0) -> verdicts.Verdict:
    """Whether the annealed run's ``quantity`` agrees with the quenched one within ``n_sigma`` combined errors."""
    if not isinstance(comparison, DisorderComparison):
        raise TypeError(f"comparison must be a DisorderComparison, got {type(comparison).__name__}")
    values, errors = comparison.value(quantity, selection)
    sym, sel = SYMBOLS[quantity], _SELECTION_WORDS[selection]
    return _compare(values[1], errors[1], values[0], errors[0], what=f"{sym} ({sel}) with fresh weights for every input",
                    reference_name="the quenched networks", n_sigma=n_sigma)


def _compare(value, error, reference, reference_error, *, what, reference_name, n_sigma) -> verdicts.Verdict:
    """:func:`crit.analysis.verdicts.compare` of two measurements, undetermined when the reference is NaN."""
    value, error, reference, reference_error = (float(x) for x in (value, error, reference, reference_error))
    if math.isnan(reference):
        reason = f"{reference_name} could not be measured (NaN)"
        return verdicts.Verdict("undetermined", f"undetermined: {reason}", value, error, float("nan"), reason)
    return verdicts.compare(value, error, reference, reference_error, what=what, reference_name=reference_name,
                            n_sigma=n_sigma)
