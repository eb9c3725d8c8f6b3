r"""Honest uncertainty for a grid of trained networks: a hierarchical bootstrap, and the tests built on it.

A learning experiment trains ``S`` seeds (networks) at each of ``P`` initialisations of each of ``R``
rows (drives). Its scores ``y`` have shape (R, P, S). Two levels of randomness sit in them: which
initialisations were tried, and which networks were drawn at each. Resampling the (initialisation,
seed) pairs as if they were independent treats the S networks of one initialisation as S
independent initialisations and gives intervals that are too narrow (pseudo-replication). The
hierarchical bootstrap resamples initialisations within each row (the rows are the design, kept),
then seeds within each drawn initialisation (:func:`resample`).

:func:`compare_predictors`
    How well each predictor ranks the initialisations of a row by their mean score: Spearman's ρ
    within each row, averaged over rows (so that a predictor whose scale changes from row to row,
    such as raw χ, is not compared across rows). Intervals and paired differences come from the
    same hierarchical resamples for every predictor.
:func:`row_optima`
    Where the score peaks in each row (the vertex of a parabola in ln σ_w² through the best mean and
    its neighbours, :func:`crit.analysis.transition.locate_peak`) and how far each reference line
    lies from it. The initialisations are then the fixed grid on which the peak is located, so only
    the seeds are resampled, and each reference line is redrawn within its error.
:func:`out_of_sample`
    For each rule (a reference line of each row), one offset δ in ln σ_w² is fitted on all rows but
    one (the mean of optimum − line over them); the held-out row's initialisation nearest to line + δ
    is chosen and the mean score it reaches recorded. A rule that tracks how the optimum moves
    from row to row reaches more; a constant σ_w² (the line 0) is the baseline every rule must beat.

Bad input (shapes that do not match, NaN scores, a wrong type) raises; results that the data cannot
decide are NaN with a reason in ``undetermined``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis.correlation import CorrelationTable, spearman_rows, table_from_resamples
from crit.analysis.transition import locate_peak
from crit.records import Record

__all__ = ["RowOptima", "OutOfSample", "resample", "within_row_spearman", "compare_predictors", "row_optima",
           "out_of_sample"]

CONSTANT = "constant"


def _scores(y):
    y = np.asarray(y, float)
    if y.ndim != 3:
        raise ValueError(f"scores must have shape (rows, initialisations, seeds), got {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError("scores must be finite (a diverged network scores its accuracy, not NaN)")
    if y.shape[1] < 3 or y.shape[2] < 1:
        raise ValueError(f"need at least 3 initialisations per row and 1 seed, got shape {y.shape}")
    return y


def resample(shape, *, rng, n_resamples, initialisations=True):
    """Indices of hierarchical bootstrap resamples of scores of shape (R, P, S).

    Returns
    -------
    (init, seed) : tuple of numpy.ndarray
        ``init`` of shape (n_resamples, R, P): the initialisations drawn in each row (with
        replacement; ``arange(P)`` when ``initialisations`` is False); ``seed`` of shape
        (n_resamples, R, P, S): the seeds drawn for each drawn initialisation.
    """
    rows, p, s = shape
    if initialisations:
        init = rng.integers(0, p, size=(n_resamples, rows, p))
    else:
        init = np.broadcast_to(np.arange(p), (n_resamples, rows, p))
    seed = rng.integers(0, s, size=(n_resamples, rows, p, s))
    return init, seed


def _resampled_means(y, init, seed):
    """Mean score over the drawn seeds of each drawn initialisation, shape (n_resamples, R, P)."""
    r = np.arange(y.shape[0])[None, :, None, None]
    return y[r, init[..., None], seed].mean(-1)


def within_row_spearman(x, y):
    """Spearman's ρ of x and y along the last axis (a row), averaged over the rows (second-to-last axis).

    Rows where x or y is constant have no ρ and are left out of the mean; NaN if no row has one.
    """
    rho = spearman_rows(np.asarray(x, float), np.asarray(y, float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(rho, axis=-1)


def compare_predictors(scores, predictors, *, rng, n_resamples=2000, level=0.95) -> CorrelationTable:
    """Within-row Spearman ρ of the mean score with each predictor, with hierarchical-bootstrap intervals.

    Parameters
    ----------
    scores : array_like, shape (R, P, S)
        Score (e.g. test accuracy) of every trained network: row, initialisation, seed.
    predictors : dict
        ``{name: array of shape (R, P)}``, larger = predicted better; NaN where undetermined upstream
        (the predictor is then undetermined).
    rng : numpy.random.Generator
    n_resamples : int
        Hierarchical resamples (the same for every predictor, so differences are paired).
    level : float
        Coverage of the percentile intervals.

    Returns
    -------
    CorrelationTable
        ``rho`` is the mean over rows of the within-row ρ; ``n`` the number of trained networks.
    """
    rng = _validate.rng("rng", rng)
    y = _scores(scores)
    if not isinstance(predictors, dict) or not predictors:
        raise TypeError("predictors must be a non-empty dict {name: array of shape (R, P)}")
    names = tuple(str(k) for k in predictors)
    x = np.stack([np.asarray(v, float) for v in predictors.values()])
    if x.shape[1:] != y.shape[:2]:
        raise ValueError(f"every predictor must have shape {y.shape[:2]} (rows, initialisations), got {x.shape[1:]}")
    if np.isinf(x).any():
        raise ValueError("predictors must not hold inf (NaN marks an undetermined value)")
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=10)
    level = _validate.real("level", level, minimum=0, maximum=1, strict_min=True, strict_max=True)
    reasons = {}
    for k, v in zip(names, x):
        if np.isnan(v).any():
            reasons[k] = f"NaN (undetermined upstream) at {int(np.isnan(v).sum())} of {v.size} initialisations"
        elif (np.ptp(v, axis=-1) == 0).all():
            reasons[k] = "constant within every row"
    x = np.where(np.isnan(x), 0.0, x)
    mean = y.mean(-1)
    if (np.ptp(mean, axis=-1) == 0).all():
        reasons = dict.fromkeys(names, "the mean score is constant within every row: no rank correlation")
    rho = within_row_spearman(x, mean[None])
    init, seed = resample(y.shape, rng=rng, n_resamples=n_resamples)
    boot_y = _resampled_means(y, init, seed)  # (B, R, P)
    boot_x = np.take_along_axis(x[:, None], init[None], axis=-1)  # (k, B, R, P)
    boot = within_row_spearman(boot_x, boot_y[None])  # (k, B)
    bad = np.array([k in reasons for k in names])
    rho = np.where(bad, np.nan, rho)
    boot = np.where(bad[:, None], np.nan, boot)
    return table_from_resamples(names, rho, boot, n=int(y.size), level=level,
                                undetermined="; ".join(f"predictor {k!r} is {r}" for k, r in reasons.items()),
                                undetermined_predictors=tuple(k for k in names if k in reasons))


def _grid(sigma_w2, scores, lines, lines_err):
    """The checked inputs of :func:`row_optima` and :func:`out_of_sample`: scores, ln σ_w², lines and errors."""
    y = _scores(scores)
    ln_w = np.log(_validate.finite_array("sigma_w2", sigma_w2, ndim=2))
    if ln_w.shape != y.shape[:2]:
        raise ValueError(f"sigma_w2 must have shape {y.shape[:2]}, got {ln_w.shape}")
    ln, err = _lines(lines, lines_err, y.shape[0])
    return y, ln_w, ln, err


def _lines(lines, lines_err, rows):
    if not isinstance(lines, dict) or not lines:
        raise TypeError("lines must be a non-empty dict {name: ln sigma_w2 of each row}")
    ln = {str(k): np.asarray(v, float).reshape(-1) for k, v in lines.items()}
    err = {k: np.asarray((lines_err or {}).get(k, np.zeros(rows)), float).reshape(-1) for k in ln}
    for k in ln:
        if ln[k].size != rows or err[k].size != rows:
            raise ValueError(f"line {k!r} and its error need {rows} values (one per row)")
        if (np.nan_to_num(err[k]) < 0).any():
            raise ValueError(f"the errors of line {k!r} must be >= 0")
    return ln, err


def _optimum(ln_w, mean):
    """ln σ_w² of the best mean score of each row (parabola vertex) and whether it sits at an end of the grid."""
    out = [locate_peak(w, m) for w, m in zip(ln_w, mean)]
    return np.array([o[0] for o in out]), np.array([o[2] for o in out])


@dataclass(frozen=True, eq=False)
class RowOptima(Record):
    """Where the score peaks in each row, against the reference lines; arrays of shape (R,).

    Attributes
    ----------
    ln_best, ln_best_err : numpy.ndarray
        ln σ_w² of the best mean score and its bootstrap error (over seeds).
    at_edge : numpy.ndarray of bool
        The best mean score is at an end of the row's grid (the optimum may lie beyond it).
    offset, offset_err : dict
        ``{line: ln_best − line}`` and its error (seeds and the line's own error together).
    closer, closer_low, closer_high : dict
        ``{line: abs(offset to the first line) − abs(offset to this line)}`` with its interval
        (paired over resamples): negative where the first line is the nearer.
    names : tuple of str
        The lines, the first one the reference of ``closer``.
    n_resamples : int
    level : float
    """

    ln_best: np.ndarray
    ln_best_err: np.ndarray
    at_edge: np.ndarray
    offset: dict
    offset_err: dict
    closer: dict
    closer_low: dict
    closer_high: dict
    names: tuple
    n_resamples: int
    level: float


def row_optima(sigma_w2, scores, lines, lines_err=None, *, rng, n_resamples=1000, level=0.95) -> RowOptima:
    """The optimum of each row and its distance to each line, bootstrapped over seeds.

    Parameters
    ----------
    sigma_w2 : array_like, shape (R, P)
        The grid of each row, increasing.
    scores : array_like, shape (R, P, S)
    lines, lines_err : dict
        ``{name: array of shape (R,)}``: ln σ_w² of each reference line in each row and its standard
        error (omitted: 0). The first line is the one the others are compared with.
    rng : numpy.random.Generator
    n_resamples : int
    level : float
    """
    rng = _validate.rng("rng", rng)
    y, ln_w, ln, err = _grid(sigma_w2, scores, lines, lines_err)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=10)
    level = _validate.real("level", level, minimum=0, maximum=1, strict_min=True, strict_max=True)
    best, edge = _optimum(ln_w, y.mean(-1))
    init, seed = resample(y.shape, rng=rng, n_resamples=n_resamples, initialisations=False)
    boot_best = np.array([_optimum(ln_w, m)[0] for m in _resampled_means(y, init, seed)])  # (B, R)
    names = tuple(ln)
    drawn = {k: ln[k][None] + np.nan_to_num(err[k])[None] * rng.standard_normal((n_resamples, y.shape[0]))
             for k in names}
    tails = 100 * np.array([(1 - level) / 2, (1 + level) / 2])
    first = names[0]
    closer, low, high = {}, {}, {}
    for k in names:
        d = np.abs(boot_best - drawn[first]) - np.abs(boot_best - drawn[k])
        closer[k] = np.abs(best - ln[first]) - np.abs(best - ln[k])
        low[k], high[k] = np.percentile(d, tails, axis=0)
    return RowOptima(
        ln_best=best, ln_best_err=boot_best.std(0, ddof=1), at_edge=edge,
        offset={k: best - ln[k] for k in names},
        offset_err={k: np.where(np.isnan(err[k]), np.nan, (boot_best - drawn[k]).std(0, ddof=1)) for k in names},
        closer=closer, closer_low=low, closer_high=high, names=names, n_resamples=n_resamples, level=level,
    )


@dataclass(frozen=True, eq=False)
class OutOfSample(Record):
    """The leave-one-row-out choice test: what each rule's choice of initialisation reaches.

    Attributes
    ----------
    names : tuple of str
        The rules: each line given, then ``"constant"`` (one σ_w² for every row).
    reached : numpy.ndarray, shape (n_rules, R)
        Mean score of the initialisation each rule chooses in each held-out row.
    mean, low, high : numpy.ndarray, shape (n_rules,)
        Mean over rows of ``reached`` and its interval.
    best, best_low, best_high : float
        The same for the best initialisation of each row (what a perfect rule would reach, biased
        high by the noise of the row's maximum).
    diff, diff_low, diff_high : numpy.ndarray, shape (n_rules, n_rules)
        ``mean[i] − mean[j]`` and its paired interval.
    n_rows_fitted : int
        Rows whose optimum lies inside the grid and so enter the offset δ.
    n_resamples : int
    level : float
    undetermined : str
        Why the test cannot be run (fewer than 3 rows, or fewer than 2 rows with an optimum inside
        the grid); empty otherwise.
    """

    names: tuple
    reached: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    best: float
    best_low: float
    best_high: float
    diff: np.ndarray
    diff_low: np.ndarray
    diff_high: np.ndarray
    n_rows_fitted: int
    n_resamples: int
    level: float
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        return not self.undetermined

    def index(self, name) -> int:
        return self.names.index(_validate.choice("name", name, self.names))


def _choices(ln_w, mean, lines):
    """Score reached by each rule in each held-out row, shape (n_rules, R); NaN where no offset can be fitted."""
    best, edge = _optimum(ln_w, mean)
    rows = mean.shape[0]
    out = np.full((len(lines), rows), np.nan)
    for i, line in enumerate(lines):
        for k in range(rows):
            others = [r for r in range(rows) if r != k and not edge[r] and np.isfinite(best[r] - line[r])]
            if not others or not np.isfinite(line[k]):
                continue
            target = line[k] + np.mean([best[r] - line[r] for r in others])
            out[i, k] = mean[k, int(np.argmin(np.abs(ln_w[k] - target)))]
    return out


def out_of_sample(sigma_w2, scores, lines, lines_err=None, *, rng, n_resamples=1000, level=0.95) -> OutOfSample:
    """Leave one row out: fit each rule's offset on the other rows, choose, and score the choice.

    Parameters as in :func:`row_optima`; the rule ``"constant"`` (line 0 in every row) is added.
    """
    rng = _validate.rng("rng", rng)
    y, ln_w, ln, err = _grid(sigma_w2, scores, lines, lines_err)
    ln[CONSTANT], err[CONSTANT] = np.zeros(y.shape[0]), np.zeros(y.shape[0])
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=10)
    level = _validate.real("level", level, minimum=0, maximum=1, strict_min=True, strict_max=True)
    names = tuple(ln)
    k, rows = len(names), y.shape[0]
    edge = _optimum(ln_w, y.mean(-1))[1]
    why = ""
    if rows < 3:
        why = f"{rows} rows: leaving one out needs at least 3"
    elif int((~edge).sum()) < 2:
        why = f"the optimum lies inside the grid in {int((~edge).sum())} of {rows} rows (at least 2 needed)"
    if why:
        nan_k, nan_kk = np.full(k, np.nan), np.full((k, k), np.nan)
        return OutOfSample(names=names, reached=np.full((k, rows), np.nan), mean=nan_k, low=nan_k, high=nan_k,
                           best=np.nan, best_low=np.nan, best_high=np.nan, diff=nan_kk, diff_low=nan_kk,
                           diff_high=nan_kk, n_rows_fitted=int((~edge).sum()), n_resamples=n_resamples,
                           level=level, undetermined=why)
    mean = y.mean(-1)
    reached = _choices(ln_w, mean, [ln[n] for n in names])
    init, seed = resample(y.shape, rng=rng, n_resamples=n_resamples, initialisations=False)
    boot_means = _resampled_means(y, init, seed)
    boot, boot_best = [], []
    with warnings.catch_warnings():  # a resample in which no offset can be fitted gives NaN, left out below
        warnings.simplefilter("ignore", RuntimeWarning)
        for m in boot_means:
            drawn = [ln[n] + np.nan_to_num(err[n]) * rng.standard_normal(rows) for n in names]
            boot.append(np.nanmean(_choices(ln_w, m, drawn), axis=1))
            boot_best.append(m.max(-1).mean())
    boot, boot_best = np.array(boot).T, np.array(boot_best)  # (k, B), (B,)
    tails = 100 * np.array([(1 - level) / 2, (1 + level) / 2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        avg = np.nanmean(reached, axis=1)
        low, high = np.nanpercentile(boot, tails, axis=1)
        d_low, d_high = np.nanpercentile(boot[:, None] - boot[None], tails, axis=2)
    b_low, b_high = np.percentile(boot_best, tails)
    return OutOfSample(names=names, reached=reached, mean=avg, low=low, high=high, best=float(mean.max(-1).mean()),
                       best_low=float(b_low), best_high=float(b_high), diff=avg[:, None] - avg[None], diff_low=d_low,
                       diff_high=d_high, n_rows_fitted=int((~edge).sum()), n_resamples=n_resamples, level=level)
