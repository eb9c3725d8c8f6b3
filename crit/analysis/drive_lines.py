r"""Exponents on three lines against the drive, and whether the drive or the distance to the critical point moves them.

Under drive the exponents are measured near the quasi-critical line σ_w²(h) (the susceptibility's
peak at each h), which moves away from the critical point σ_c(N) as h grows. A change of the
exponents along that line mixes two effects: the drive, and the distance σ_w² − σ_c(N).
:func:`drive_separation` measures the exponents on three lines against h (:data:`LINES`):

``fixed``
    σ_w² = σ_c(N) (:func:`crit.models.theory.finite_width_critical_sigma_w2`), driven by h;
``quasi-critical``
    σ_w² = the given line σ_w²(h), driven by h;
``undriven``
    σ_w² = the same σ_w²(h), with no drive (h = 0).

The quasi-critical line minus the undriven one is the drive at fixed σ_w²; the undriven line minus
the undriven point at σ_c(N) is the distance alone; the fixed line is the drive at the critical
point. :func:`drive_verdict` states which of them moves an exponent.

Every point is one call of :func:`crit.analysis.drive.measure_point` (both selections of
avalanches, errors over networks), planned by :func:`separation_plan`; ``measure=`` routes the
points through a cache.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import verdicts
from crit.analysis.bootstrap import QUANTITIES, SELECTIONS
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
from crit.records import Record

__all__ = [
    "LINES",
    "DriveSeparation",
    "DriveVerdict",
    "drive_separation",
    "drive_verdict",
    "separation_plan",
]

#: The three lines of :func:`drive_separation`, in the order of its arrays.
LINES = ("fixed", "quasi-critical", "undriven")


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
        Of every simulated point (:func:`crit.analysis.drive.measure_point`).
    seed : int
        Each point's seed is :func:`crit.analysis.drive.point_seed` under it, so a point shared by two lines (the fixed
        and the undriven line at h = 0 when σ_w²(0) = σ_c) is one run.
    range_rule, n_resamples, gamma_min_count, support_grid, device, progress
        As in :func:`crit.analysis.drive.measure_point`.
    measure : callable, optional
        Called as ``measure(**keywords of measure_point)`` for each distinct point, returning a
        :class:`crit.analysis.drive.PointExponents`; default :func:`crit.analysis.drive.measure_point`. Pass a
        cached version to cache points.

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
