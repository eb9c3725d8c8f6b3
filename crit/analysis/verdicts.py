"""Verdicts: a measured number and its error turned into the sentence a page states.

A page of the book never types a result by hand. It glues the ``text`` of a :class:`Verdict`, which
one of the functions below computed from the numbers and their errors, so the sentence changes
when the numbers do. Every function returns an undetermined verdict, with the reason, when the
numbers cannot decide (a NaN value, an error that is NaN, infinite or zero); it raises only for
bad input (a wrong type, a negative error, ``n_sigma`` ≤ 0).

``compare``
    A value against a reference: agrees within ``n_sigma`` combined errors, or differs.
``sign``
    A value against zero: positive, negative, or zero within its error.
``interval``
    A confidence interval against zero: above, below, or containing it.
``trend``
    A weighted least-squares slope of y against x: increases, decreases, or no trend.

Examples
--------
>>> compare(1.32, 0.05, 1.5, what="$\\\\tau_s$", reference_name="mean field").outcome
'differs'
>>> compare(1.47, 0.05, 1.5, what="$\\\\tau_s$", reference_name="mean field").outcome
'agrees'
>>> compare(float("nan"), 0.05, 1.5).outcome
'undetermined'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.records import Record

__all__ = ["OUTCOMES", "Verdict", "compare", "sign", "interval", "trend", "fmt", "fmt_digits"]

#: Every outcome a verdict can have.
OUTCOMES = ("agrees", "differs", "positive", "negative", "zero", "increases", "decreases", "no trend",
            "undetermined")


@dataclass(frozen=True)
class Verdict(Record):
    """One computed verdict.

    Attributes
    ----------
    outcome : str
        One of :data:`OUTCOMES`.
    text : str
        The sentence (Markdown, with ``$…$`` math) a page glues.
    value, error : float
        The number the verdict rests on and its standard error (units of the quantity).
    z : float
        The distance from the reference (or from zero, or the slope) in combined errors; NaN when
        undetermined.
    undetermined : str
        Why the numbers cannot decide; empty when they can.
    """

    outcome: str
    text: str
    value: float
    error: float
    z: float
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        return not self.undetermined

    def __str__(self) -> str:
        return self.text


def fmt(value: float, error: float | None = None, digits: int | None = None) -> str:
    """``value ± error`` with as many decimals as the error's first two significant digits need
    (``digits`` overrides); ``"NaN"`` for a NaN value."""
    if value is None or not math.isfinite(value):
        return "NaN" if value is None or math.isnan(value) else f"{value}"
    if digits is None:
        digits = fmt_digits(error)
    text = f"{value:.{digits}f}"
    if error is not None and math.isfinite(error):
        text += f" ± {error:.{digits}f}"
    return text


def _number(name, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    return float(value)


def _error(name, value) -> float:
    value = _number(name, value)
    if value < 0:
        raise ValueError(f"{name} must be a standard error >= 0 (or NaN when unknown), got {value!r}")
    return value


def _array(name, values) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of real numbers, got {type(values).__name__}") from None


def _why_not(value, error, what) -> str:
    if math.isnan(value):
        return f"{what} could not be measured (NaN)"
    if not math.isfinite(error):
        return f"{what} = {value:.4g} has no finite error (needs independent networks to resample)"
    if error == 0:
        return f"{what} = {value:.4g} has a zero error, so no distance in errors can be formed"
    return ""


def _undetermined(value, error, reason) -> Verdict:
    return Verdict("undetermined", f"undetermined: {reason}", value, error, float("nan"), reason)


def compare(value, error, reference, reference_error=0.0, *, what="the value", reference_name="the reference",
            n_sigma=2.0) -> Verdict:
    """Whether ``value ± error`` agrees with ``reference ± reference_error`` within ``n_sigma``
    combined errors (independent errors add in quadrature).

    Parameters
    ----------
    value, error : float
        The measurement and its standard error.
    reference, reference_error : float
        What it is held against (exact values have ``reference_error = 0``).
    what, reference_name : str
        Names for the sentence (Markdown).
    n_sigma : float
        How many combined errors still count as agreement (> 0).

    Returns
    -------
    Verdict
        ``"agrees"`` or ``"differs"``, with ``z = |value − reference| / combined error``.
    """
    value, reference = _number("value", value), _number("reference", reference)
    error, reference_error = _error("error", error), _error("reference_error", reference_error)
    n_sigma = _validate.real("n_sigma", n_sigma, minimum=0.0, strict_min=True)
    if math.isnan(reference):  # a computed reference (e.g. a predicted exponent) can be undetermined too
        return _undetermined(value, error, f"{reference_name} could not be computed (NaN)")
    combined = math.hypot(error, reference_error) if math.isfinite(reference_error) else float("inf")
    reason = _why_not(value, combined, what)
    if reason:
        return _undetermined(value, error, reason)
    z = abs(value - reference) / combined
    ref = fmt(reference, reference_error if reference_error > 0 else None,
              None if reference_error > 0 else fmt_digits(error))
    measured = fmt(value, error)
    if z <= n_sigma:
        text = f"{what} = {measured} agrees with {reference_name} ({ref}) within {n_sigma:g} combined errors"
        return Verdict("agrees", text, value, error, z)
    text = f"{what} = {measured} differs from {reference_name} ({ref}) by {z:.1f} combined errors"
    return Verdict("differs", text, value, error, z)


def fmt_digits(error) -> int:
    """Decimals that show ``error`` to two significant digits (3 when it is not a positive number)."""
    if error is None or not math.isfinite(error) or error <= 0:
        return 3
    return min(max(1 - int(math.floor(math.log10(error))), 0), 6)


def sign(value, error, *, what="the value", n_sigma=2.0) -> Verdict:
    """Whether ``value ± error`` is positive, negative, or zero within ``n_sigma`` errors."""
    value, error = _number("value", value), _error("error", error)
    n_sigma = _validate.real("n_sigma", n_sigma, minimum=0.0, strict_min=True)
    reason = _why_not(value, error, what)
    if reason:
        return _undetermined(value, error, reason)
    z = value / error
    measured = fmt(value, error)
    if abs(z) <= n_sigma:
        return Verdict("zero", f"{what} = {measured} is zero within {n_sigma:g} errors", value, error, z)
    outcome = "positive" if z > 0 else "negative"
    return Verdict(outcome, f"{what} = {measured} is {outcome}, {abs(z):.1f} errors from zero", value, error, z)


def interval(value, low, high, *, what="the value", level=0.95) -> Verdict:
    """Whether a confidence interval ``[low, high]`` (at ``level``) around ``value`` lies above zero,
    below it, or contains it; for bootstrap intervals, which need not be symmetric.

    ``error`` of the verdict is half the interval's width, ``z`` is NaN (no error model is assumed).
    """
    value, low, high = _number("value", value), _number("low", low), _number("high", high)
    level = _validate.real("level", level, minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    if any(math.isnan(x) for x in (value, low, high)):
        return _undetermined(value, float("nan"), f"{what}: its {level * 100:g} % interval could not be computed (NaN)")
    if low > high:
        raise ValueError(f"the interval must have low <= high, got [{low!r}, {high!r}]")
    half, span = (high - low) / 2, f"[{low:.2f}, {high:.2f}]"
    if low > 0:
        text, outcome = f"{what} = {value:.2f} is positive ({level * 100:g} % interval {span})", "positive"
    elif high < 0:
        text, outcome = f"{what} = {value:.2f} is negative ({level * 100:g} % interval {span})", "negative"
    else:
        text, outcome = f"{what} = {value:.2f} is zero within its {level * 100:g} % interval {span}", "zero"
    return Verdict(outcome, text, value, half, float("nan"))


def trend(x, y, y_error, *, what="the value", against="x", n_sigma=2.0) -> Verdict:
    """Whether ``y`` increases or decreases with ``x``: the slope of a weighted least-squares line
    (weights ``1/y_error²``) against zero, within ``n_sigma`` of its error.

    Points with a NaN value or a non-finite or zero error are left out; fewer than 3 points left
    make the verdict undetermined. The error of the slope is scaled by the reduced χ² when that
    exceeds 1 (scatter beyond the stated errors widens it, never narrows it).

    Returns
    -------
    Verdict
        ``"increases"``, ``"decreases"`` or ``"no trend"``; ``value`` and ``error`` are the slope
        (units of y per unit of x) and ``z`` is the slope over its error.
    """
    x, y, e = (_array(name, a) for name, a in (("x", x), ("y", y), ("y_error", y_error)))
    if not (x.shape == y.shape == e.shape) or x.ndim != 1:
        raise ValueError(f"x, y and y_error must be 1-d of the same length, got {x.shape}, {y.shape}, {e.shape}")
    if (e < 0).any():
        raise ValueError(f"y_error must be >= 0, got {e.min()!r}")
    n_sigma = _validate.real("n_sigma", n_sigma, minimum=0.0, strict_min=True)
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(e) & (e > 0)
    if ok.sum() < 3:
        return _undetermined(float("nan"), float("nan"),
                             f"a trend of {what} needs 3 points with a value and an error, got {int(ok.sum())}")
    x, y, w = x[ok], y[ok], 1 / e[ok] ** 2
    xm = np.sum(w * x) / w.sum()
    sxx = np.sum(w * (x - xm) ** 2)
    if sxx == 0:
        return _undetermined(float("nan"), float("nan"), f"{against} takes one value only")
    slope = float(np.sum(w * (x - xm) * y) / sxx)
    chi2 = float(np.sum(w * (y - np.sum(w * y) / w.sum() - slope * (x - xm)) ** 2)) / (x.size - 2)
    err = float(np.sqrt(max(chi2, 1.0) / sxx))
    z = slope / err
    if abs(z) <= n_sigma:
        return Verdict("no trend", f"{what} shows no trend with {against} (slope {fmt(slope, err)}, within "
                       f"{n_sigma:g} errors of zero)", slope, err, z)
    outcome = "increases" if z > 0 else "decreases"
    return Verdict(outcome, f"{what} {outcome} with {against} (slope {fmt(slope, err)}, {abs(z):.1f} errors "
                   "from zero)", slope, err, z)
