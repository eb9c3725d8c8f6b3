r"""Whether the exponents of a point depend on the threshold q0, and on quenched against annealed networks.

:func:`threshold_sweep` repeats one point at several thresholds q0 (the authors' run used 0.1, their
code's default is 0.01) at a fixed dimensionless drive h; :func:`disorder_comparison` measures one
point with quenched networks (a network serves many inputs) beside an annealed run (fresh weights for
every input, ``inputs_per_network=1``). :func:`threshold_verdict` and :func:`disorder_verdict` state
the outcome from the numbers and their errors.

Every point is one call of :func:`crit.analysis.drive.measure_point`; ``measure=`` routes the
points through a cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import verdicts
from crit.analysis.drive import (
    _SELECTION_WORDS,
    SYMBOLS,
    ExponentTable,
    _check_measure,
    _common,
    _measured,
    _table_fields,
    point_seed,
)
from crit.models import theory

__all__ = [
    "DisorderComparison",
    "ThresholdSweep",
    "disorder_comparison",
    "disorder_verdict",
    "threshold_sweep",
    "threshold_verdict",
]


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
    width, depth, n_inputs, inputs_per_network, seed, range_rule, n_resamples, gamma_min_count, support_grid, device, progress, measure
        As in :func:`crit.analysis.drive_lines.drive_separation`.
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
    width, depth, h, q0, n_inputs, seed, range_rule, n_resamples, gamma_min_count, support_grid, device, progress, measure
        As in :func:`crit.analysis.drive_lines.drive_separation`.
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
    return _compare(values[1], errors[1], values[0], errors[0],
                    what=f"{sym} ({sel}) with fresh weights for every input", reference_name="the quenched networks",
                    n_sigma=n_sigma)


def _compare(value, error, reference, reference_error, *, what, reference_name, n_sigma) -> verdicts.Verdict:
    """:func:`crit.analysis.verdicts.compare` of two measurements, undetermined when the reference is NaN."""
    value, error, reference, reference_error = (float(x) for x in (value, error, reference, reference_error))
    if math.isnan(reference):
        reason = f"{reference_name} could not be measured (NaN)"
        return verdicts.Verdict("undetermined", f"undetermined: {reason}", value, error, float("nan"), reason)
    return verdicts.compare(value, error, reference, reference_error, what=what, reference_name=reference_name,
                            n_sigma=n_sigma)
