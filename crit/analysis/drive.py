r"""The drive in dimensionless form, and the crackling exponents of one simulated point and of sets of points.

Drive
-----
A bias of variance σ_b² adds about N·σ_b² to ‖h‖² in every layer, against the threshold q0 at
which an avalanche ends. The book's one measure of the drive is the bias's share of ‖h‖² per
layer in units of the threshold (book/methods.md),

.. math::

    h = \frac{N \sigma_b^2}{q_0},

dimensionless; at h ≳ 1 the bias alone keeps nearly every input above the threshold and no
avalanche ends. :func:`drive_from_sigma_b2` and :func:`drive_to_sigma_b2` convert.

Points
------
:func:`measure_point` simulates one point (σ_w², h, q0, inputs per network) and measures it twice
with the same range rule (:mod:`crit.analysis.fit_ranges`, :mod:`crit.analysis.bootstrap`): on the
avalanches that ended within the depth, and with the never-ending ones included at T = depth − 3
(the authors' convention), side by side (:class:`PointExponents`). Errors are spreads over resamples
of whole networks with the fit range re-selected in each, and the crackling test Δ = γ − γ_pred
carries its joint error. :func:`point_seed` gives each point its seed, so that a point that two
sweeps ask for is one run. :class:`ExponentTable` holds the exponents of a set of points; the sweeps
built on it separate the drive from the distance to the critical point
(:mod:`crit.analysis.drive_lines`) and vary the threshold and the disorder
(:mod:`crit.analysis.threshold_and_disorder`).

The simulations are separable from their analysis: :func:`measure_point` is one cacheable call
(keyword arguments, returns a record), :func:`exponents_of` analyses a given simulation, and every
sweep takes ``measure=`` to route its points through a cache (``crit.book.cache.cached_call``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis.bootstrap import QUANTITIES, SELECTIONS, CracklingBootstrap, bootstrap_record
from crit.analysis.fit_ranges import RANGE_RULES
from crit.models import avalanches as av
from crit.records import Record
from crit.seeds import sub_seed

__all__ = [
    "SYMBOLS",
    "ExponentTable",
    "PointExponents",
    "drive_from_sigma_b2",
    "drive_to_sigma_b2",
    "exponents_of",
    "measure_point",
    "point_seed",
]

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
        """The :class:`crit.analysis.bootstrap.CracklingBootstrap` of ``selection`` ("ended" or "all")."""
        selection = _validate.choice("selection", selection, SELECTIONS)
        return self.ended if selection == "ended" else self.with_never_ending


def exponents_of(rec, *, rng, range_rule="support", n_resamples=50, gamma_min_count=10, support_grid=16,
                 fixed_range_errors=False, wall_time_s=0.0) -> PointExponents:
    """Measure both selections of one simulation (the analysis half of :func:`measure_point`).

    Parameters
    ----------
    rec : crit.models.avalanches.Avalanches
        The simulation.
    rng : numpy.random.Generator
        Drives both network bootstraps.
    range_rule, n_resamples, gamma_min_count, support_grid, fixed_range_errors
        As in :func:`crit.analysis.bootstrap.crackling_bootstrap`.
    wall_time_s : float
        Time already spent (added to the record's).
    """
    if not isinstance(rec, av.Avalanches):
        raise TypeError(f"rec must be a crit.models.avalanches.Avalanches record, got {type(rec).__name__}")
    rng = _validate.rng("rng", rng)
    start = time.perf_counter()
    options = {"range_rule": range_rule, "n_resamples": n_resamples, "rng": rng, "gamma_min_count": gamma_min_count,
               "support_grid": support_grid, "fixed_range_errors": bool(fixed_range_errors)}
    ended = bootstrap_record(rec, selection="ended", **options)
    everything = bootstrap_record(rec, selection="all", **options)
    parts = [(w, f.undetermined) for w, f in (("ended", ended), ("never-ending included", everything))
             if f.undetermined]
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
    values, errors : numpy.ndarray, shape (``*shape``, 2, 5)
        Dimensionless; errors are spreads over networks, the error of Δ the joint one.
    robust_errors : numpy.ndarray, shape (``*shape``, 2, 5)
        Half the central 68.3 % range of the replicates (``CracklingBootstrap.robust_errors``).
    delta_error_independent, correlation : numpy.ndarray, shape (``*shape``, 2)
        The error Δ would have if γ and γ_pred were independent, and their correlation.
    delta_test_errors : numpy.ndarray, shape (``*shape``, 2)
        The error of Δ in the crackling test (``CracklingBootstrap.delta_test_error``: the spread of
        the residual γ(τ_s − 1) − (τ_d − 1) over τ_s − 1, without the heavy tail of Δ's spread).
    sigma_w2, sigma_b2, h, q0, surviving_fraction : numpy.ndarray, shape (``*shape``,)
    inputs_per_network, n_recorded, n_networks : numpy.ndarray of int, shape (``*shape``,)
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
    delta_test_errors: np.ndarray
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
        """``(values, errors)`` of one quantity and selection, each of shape (``*shape``,)."""
        q = QUANTITIES.index(_validate.choice("quantity", quantity, QUANTITIES))
        s = SELECTIONS.index(_validate.choice("selection", selection, SELECTIONS))
        return self.values[..., s, q], self.errors[..., s, q]

    def delta_test(self, selection="ended") -> tuple:
        """``(values, errors)`` of Δ = γ − γ_pred with the errors of the crackling test
        (``delta_test_errors``), each of shape (``*shape``,)."""
        s = SELECTIONS.index(_validate.choice("selection", selection, SELECTIONS))
        return self.values[..., s, QUANTITIES.index("delta")], self.delta_test_errors[..., s]


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
        "delta_test_errors": np.array([[f.delta_test_error for f in pair] for pair in fits]).reshape(*shape, 2),
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
