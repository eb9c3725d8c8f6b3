r"""Rank correlations of a score with several predictors, with bootstrap intervals and paired tests.

Spearman's :math:`\rho_s` is Pearson's correlation of the ranks (ties get their average rank),
as :func:`scipy.stats.spearmanr`. Intervals come from a nonparametric bootstrap over the
observations (rows; here one row per trained network, i.e. per initialisation and seed): the same
resampled rows serve every predictor, so the difference :math:`\rho_a - \rho_b` of two predictors
is bootstrapped *paired*, which is what decides whether one predicts better than the other.
Intervals are percentile intervals of the resampled values.

For a bivariate normal with correlation :math:`\rho`, the population Spearman correlation is
:math:`\rho_s = (6/\pi)\arcsin(\rho/2)` (Pearson 1907), the known answer of the tests.

A rank correlation with a constant sample does not exist: such a predictor (or a constant score,
which undetermines every predictor) gets NaN, as does a predictor holding NaN (undetermined
upstream, e.g. χ_F of a single network), and :attr:`CorrelationTable.undetermined` says why. The
number of observations is set by the design (trained networks), so fewer than 3 is bad input.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from crit import _validate
from crit.records import Record

__all__ = ["CorrelationTable", "spearman", "spearman_rows", "bootstrap", "normal_spearman", "table_from_resamples"]


def normal_spearman(rho):
    """Population Spearman correlation of a bivariate normal with Pearson correlation ``rho``."""
    return 6.0 / np.pi * np.arcsin(np.asarray(rho, float) / 2.0)


def spearman(x, y) -> float:
    """Spearman's rank correlation of two 1-d samples (NaN when either is constant)."""
    x = _validate.finite_array("x", x)
    y = _validate.finite_array("y", y)
    if x.size != y.size:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if x.size < 3:
        raise ValueError(f"a rank correlation needs at least 3 observations, got {x.size}")
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(stats.spearmanr(x, y).statistic)


def spearman_rows(x, y):
    """Spearman's ρ along the last axis of equally shaped arrays (vectorised; NaN for constant rows)."""
    rx = stats.rankdata(x, axis=-1)
    ry = stats.rankdata(y, axis=-1)
    rx = rx - rx.mean(-1, keepdims=True)
    ry = ry - ry.mean(-1, keepdims=True)
    den = np.sqrt((rx**2).sum(-1) * (ry**2).sum(-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (rx * ry).sum(-1) / np.where(den > 0, den, 1), np.nan)


@dataclass(frozen=True, eq=False)
class CorrelationTable(Record):
    """Spearman correlations of one score with k predictors, with bootstrap intervals.

    Attributes
    ----------
    names : tuple of str
        The predictors, in order.
    rho : numpy.ndarray, shape (k,)
        Spearman's ρ of the score with each predictor on all observations.
    low, high : numpy.ndarray, shape (k,)
        Bootstrap percentile interval of ρ at ``level``.
    diff, diff_low, diff_high : numpy.ndarray, shape (k, k)
        ρ_i − ρ_j on all observations and its paired bootstrap interval.
    p_not_better : numpy.ndarray, shape (k, k)
        Fraction of resamples with ρ_i − ρ_j ≤ 0: a one-sided bootstrap p-value for
        "predictor i correlates more strongly than j" (small = i better).
    n, n_resamples, level
        Observations, bootstrap resamples and interval level.
    undetermined : str
        Why some correlations are NaN (constant or NaN predictors, a constant score); empty when
        every one was determined.
    undetermined_predictors : tuple of str
        The predictors whose ρ, intervals and differences are NaN.
    """

    names: tuple
    rho: np.ndarray
    low: np.ndarray
    high: np.ndarray
    diff: np.ndarray
    diff_low: np.ndarray
    diff_high: np.ndarray
    p_not_better: np.ndarray
    n: int
    n_resamples: int
    level: float
    undetermined: str = ""
    undetermined_predictors: tuple = ()

    @property
    def determined(self) -> bool:
        """Whether every predictor's correlation was determined (see ``undetermined``)."""
        return not self.undetermined

    def index(self, name) -> int:
        """Position of predictor ``name``."""
        return self.names.index(_validate.choice("name", name, self.names))


def bootstrap(score, predictors, *, rng, n_resamples=2000, level=0.95) -> CorrelationTable:
    """Spearman's ρ of ``score`` with each predictor, bootstrap intervals and paired differences.

    Parameters
    ----------
    score : array_like, shape (n,)
        The quantity to predict (e.g. test accuracy), one value per observation.
    predictors : dict
        ``{name: values}``, each of shape (n,), oriented so that larger is predicted to be better;
        NaN marks values undetermined upstream (the predictor is then undetermined).
    rng : numpy.random.Generator
        Draws the resamples (rows with replacement); the same resamples serve every predictor.
    n_resamples : int
        Bootstrap resamples.
    level : float
        Coverage of the percentile intervals, in (0, 1).

    Returns
    -------
    CorrelationTable
        NaN for predictors that are constant or hold NaN, and for all when the score is constant,
        with the reason in ``undetermined``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(200)
    >>> t = bootstrap(x + rng.standard_normal(200), {"x": x, "noise": rng.standard_normal(200)}, rng=rng)
    >>> bool(t.low[0] > 0.4 and t.p_not_better[0, 1] < 0.01)
    True
    """
    rng = _validate.rng("rng", rng)
    if not isinstance(predictors, dict) or not predictors:
        raise TypeError("predictors must be a non-empty dict {name: values}")
    y = _validate.finite_array("score", score)
    names = tuple(str(k) for k in predictors)
    x = [_predictor(k, v) for k, v in predictors.items()]
    if any(v.size != y.size for v in x):
        raise ValueError(f"every predictor needs {y.size} values (one per score), got {[v.size for v in x]}")
    x = np.stack(x)
    if y.size < 3:
        raise ValueError(f"a rank correlation needs at least 3 observations, got {y.size}")
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=10)
    level = _validate.real("level", level, minimum=0, maximum=1, strict_min=True, strict_max=True)
    reasons = {}
    for k, row in zip(names, x):
        n_nan = int(np.isnan(row).sum())
        if n_nan:
            reasons[k] = f"NaN (undetermined upstream) at {n_nan} of {row.size} observations"
        elif np.ptp(row) == 0:
            reasons[k] = f"constant ({row[0]:g}) over the {row.size} observations"
    # a NaN predictor becomes a constant one, whose rank correlation is NaN: rows do not mix, so the
    # others, and the resamples drawn from rng, are as without it
    x = np.where(np.isnan(x), 0.0, x)
    why = "; ".join(f"predictor {k!r} is {r}" for k, r in reasons.items())
    if np.ptp(y) == 0:
        why = f"the score is constant ({y[0]:g}) over the {y.size} observations: no rank correlation"
        reasons = dict.fromkeys(names, why)
    rho = spearman_rows(x, y[None])
    rows = rng.integers(0, y.size, size=(n_resamples, y.size))
    boot = spearman_rows(x[:, rows], y[rows][None])  # (k, n_resamples)
    return table_from_resamples(names, rho, boot, n=int(y.size), level=level, undetermined=why,
                                undetermined_predictors=tuple(k for k in names if k in reasons))


def table_from_resamples(names, rho, boot, *, n, level, undetermined, undetermined_predictors) -> CorrelationTable:
    """The :class:`CorrelationTable` of correlations ``rho`` (k,) and their resamples ``boot`` (k, B).

    Percentile intervals of each ρ and of each paired difference, and the share of resamples in which
    a predictor is not better than another; a NaN resample (a constant predictor) is left out.
    """
    tails = 100 * np.array([(1 - level) / 2, (1 + level) / 2])
    diffs = boot[:, None, :] - boot[None, :, :]
    with warnings.catch_warnings():  # a constant predictor has ρ = NaN in every resample: NaN out
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = np.nanpercentile(boot, tails, axis=1)
        d_low, d_high = np.nanpercentile(diffs, tails, axis=2)
        p = np.nanmean(np.where(np.isnan(diffs), np.nan, diffs <= 0), axis=2)
    return CorrelationTable(
        names=names, rho=rho, low=low, high=high, diff=rho[:, None] - rho[None, :], diff_low=d_low,
        diff_high=d_high, p_not_better=p, n=int(n), n_resamples=int(boot.shape[1]), level=level,
        undetermined=undetermined, undetermined_predictors=undetermined_predictors,
    )


def _predictor(name, values):
    """A predictor as a 1-D float array; NaN is allowed (undetermined upstream), inf is not."""
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"predictor {name!r} must be array-like of numbers, got {type(values).__name__}") from exc
    if v.ndim != 1:
        raise ValueError(f"predictor {name!r} must be 1-dimensional, got shape {v.shape}")
    if np.isinf(v).any():
        raise ValueError(f"predictor {name!r} contains inf (NaN marks an undetermined value)")
    return v
