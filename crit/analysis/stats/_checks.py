"""Argument checks shared by the modules of :mod:`crit.analysis.stats` (private)."""

from __future__ import annotations

import warnings

import numpy as np

from crit import _validate

MIN_TAIL = 10  # fewest points a power-law tail may be fitted to (Clauset et al. 2009 ask for ~50+)


def flag(name, value):
    """``value`` must be a real bool (not 0/1, not a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def positive_data(data, *, discrete, name="data"):
    """Return ``data`` as a sorted float array of positive, finite, not-all-equal values."""
    discrete = flag("discrete", discrete)
    if isinstance(data, (str, bytes)) or np.isscalar(data):
        raise TypeError(f"{name} must be a 1-D array of numbers, got {type(data).__name__}")
    x = _validate.finite_array(name, data)
    if np.any(x <= 0):
        bad = x[x <= 0]
        raise ValueError(
            f"{name} must be > 0 for a power law: found {bad.size} value(s) <= 0 "
            f"(smallest {bad.min()!r}); drop or shift them first"
        )
    if not np.all(x[1:] >= x[:-1]):  # a search refits the same sorted data many times
        x = np.sort(x)
    if x[0] == x[-1]:
        raise ValueError(
            f"{name}: all {x.size} values equal {x[0]!r}; a distribution cannot be fitted to a single value"
        )
    if discrete and np.any(x != np.round(x)):
        raise ValueError(
            f"{name} holds non-integer values (e.g. {x[x != np.round(x)][0]!r}) but discrete=True; "
            "pass discrete=False for continuous data"
        )
    return x


def warn_integer_as_continuous(x, discrete):
    """Warn once when integer data are fitted with the continuous estimator at a small xmin."""
    if not discrete and np.all(x == np.round(x)):
        warnings.warn(
            "data are integer-valued but discrete=False: the continuous estimator is biased "
            "unless xmin is large (>~100, Clauset et al. 2009 §3.5); pass discrete=True for counts",
            UserWarning,
            stacklevel=3,
        )


def bound(name, value, *, discrete):
    """A cut-off (xmin or xmax): a positive finite number; an integer when discrete."""
    value = _validate.real(name, value, minimum=0.0, strict_min=True)
    if discrete and value != round(value):
        raise ValueError(f"{name} must be an integer for discrete data, got {value}")
    return value


def tail_size(n_tail, xmin, xmax):
    """Raise unless the tail holds at least MIN_TAIL points."""
    if n_tail < MIN_TAIL:
        where = f"[{xmin}, {xmax}]" if xmax is not None else f">= {xmin}"
        raise ValueError(
            f"only {n_tail} data point(s) lie {where}; at least {MIN_TAIL} are needed to fit a "
            "power-law tail (lower xmin or raise xmax)"
        )
