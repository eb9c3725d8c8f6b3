"""Argument checks shared by every public function of `crit`.

Each check raises a ValueError (or TypeError for a value of the wrong type) whose message
names the argument, the value received and what would be valid.
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def integer(name, value, *, minimum=None, maximum=None):
    """Return ``value`` as an int, or raise if it is not an integer in [minimum, maximum]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        else:
            raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum}, got {value}")
    return value


def real(name, value, *, minimum=None, maximum=None, strict_min=False, strict_max=False):
    """Return ``value`` as a finite float within the given bounds, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if minimum is not None and (value <= minimum if strict_min else value < minimum):
        op = ">" if strict_min else ">="
        raise ValueError(f"{name} must be {op} {minimum}, got {value}")
    if maximum is not None and (value >= maximum if strict_max else value > maximum):
        op = "<" if strict_max else "<="
        raise ValueError(f"{name} must be {op} {maximum}, got {value}")
    return value


def variance(name, value):
    """A variance: finite and >= 0."""
    return real(name, value, minimum=0.0)


def choice(name, value, options):
    """Return ``value`` if it is one of ``options``, else raise listing them."""
    if not isinstance(value, str) or value not in options:
        valid = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {valid}; got {value!r}")
    return value


def finite_array(name, values, *, ndim=1, allow_empty=False, dtype=float):
    """Return ``values`` as a numpy array with no NaN or inf, or raise."""
    try:
        arr = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers, got {type(values).__name__}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty: at least one value is needed")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(
            f"{name} contains {int(bad.sum())} non-finite value(s) (NaN or inf), "
            f"first at index {int(np.flatnonzero(bad.ravel())[0])}; remove them first"
        )
    return arr


def rng(name, value, *, allow_seed=False):
    """Return ``value`` as a :class:`numpy.random.Generator` (an int seed too if ``allow_seed``)."""
    if isinstance(value, np.random.Generator):
        return value
    if allow_seed and isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return np.random.default_rng(int(value))
    valid = "a numpy.random.Generator or an int seed" if allow_seed else "a numpy.random.Generator"
    raise TypeError(f"{name} must be {valid}, got {value!r} ({type(value).__name__})")
