r"""The crackling exponents with errors over networks: the fit range re-selected, the crackling test joint.

One network serves many inputs, so its avalanches share its weights (quenched disorder) and the
honest error of any exponent is its spread over resamples of whole networks
(:func:`crit.analysis.resampling.network_bootstrap`). :func:`crackling_bootstrap` measures τ_s, τ_d,
γ and γ_pred = (τ_d − 1)/(τ_s − 1) that way, with the fit range **re-selected in every resample**
(x_min and x_max of sizes and durations, and with them the duration window of γ; the rules are in
:mod:`crit.analysis.fit_ranges`): the range is the largest systematic of a power-law fit, so an
error that keeps it fixed is too small. The crackling test uses the **joint** distribution of
(γ, γ_pred): in each resample Δ = γ − γ_pred is formed, and its spread is the error of Δ, which
carries the covariance of γ and γ_pred (both are measured on the same avalanches) instead of adding
their errors as if they were independent.

γ_pred divides by τ_s − 1 (about 0.2 in a network, and near 0 in some resamples of few networks), so
the replicates of Δ have a heavy tail and neither their spread nor a percentile of them is a stable
error. The test therefore reads the relation multiplied through by τ_s − 1, the **residual**
D = γ(τ_s − 1) − (τ_d − 1), linear in each exponent: D and Δ vanish together and share their sign
while τ_s > 1, and the spread of D over the same resamples, divided by τ_s − 1, is the error of Δ at
Δ = 0 (:attr:`CracklingBootstrap.delta_test_error`; the idea of Fieller's test of a ratio).

:func:`bootstrap_record` applies it to the avalanches of a record that ended within the depth, or to
all of them (:data:`SELECTIONS`); :func:`crackling_verdict` states whether Δ is zero within its
joint error.

Data that do not allow a number (too few networks, a resample without a fit) give NaN and the
reason in ``undetermined``; only bad input raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import verdicts
from crit.analysis.fit_ranges import RANGE_RULES, _parts
from crit.analysis.resampling import _labels, _percentiles, _reason, _spread, network_bootstrap
from crit.records import Record

__all__ = [
    "QUANTITIES",
    "SELECTIONS",
    "CracklingBootstrap",
    "bootstrap_record",
    "crackling_bootstrap",
    "crackling_verdict",
]

#: The quantities of a crackling bootstrap, in the order of its arrays: the exponents, the predicted γ
#: and Δ = γ − γ_pred.
QUANTITIES = ("tau_s", "tau_d", "gamma", "gamma_pred", "delta")
#: Which avalanches are fitted: those that ended within the depth, or all, the never-ending ones
#: included with T = depth − 3 (the authors' convention).
SELECTIONS = ("ended", "all")
_RANGES = ("xmin_s", "xmax_s", "xmin_d", "xmax_d")


@dataclass(frozen=True, eq=False)
class CracklingBootstrap(Record):
    """τ_s, τ_d, γ, γ_pred and Δ = γ − γ_pred of one data set, with errors over networks.

    Attributes
    ----------
    selection : str
        ``"ended"`` or ``"all"`` (:data:`SELECTIONS`).
    range_rule : str
        How the fit range was chosen (:data:`crit.analysis.fit_ranges.RANGE_RULES`); re-chosen in every resample.
    values, errors : numpy.ndarray, shape (5,)
        The :data:`QUANTITIES` on all the data and their spread over resamples of the networks
        (dimensionless). The error of Δ is the spread of Δ over the resamples: the joint error
        of (γ, γ_pred).
    robust_errors : numpy.ndarray, shape (5,)
        Half the width of the central 68.3 % of the replicates: the spread without the weight of
        rare resamples (γ_pred = (τ_d − 1)/(τ_s − 1) has a heavy tail when τ_s is near 1, and then
        the standard deviation is set by a few resamples).
    intervals : numpy.ndarray, shape (5, 2)
        Central 95 % percentile intervals of the replicates.
    delta_error_independent : float
        hypot(error of γ, error of γ_pred): what the error of Δ would be if γ and γ_pred were
        independent.
    correlation : float
        Correlation of γ and γ_pred over the resamples; positive makes the joint error smaller.
    fixed_range_errors : numpy.ndarray, shape (5,)
        The same errors with the range kept at the one chosen on all the data (NaN when not
        computed), to show how much the choice of range adds.
    ranges : numpy.ndarray, shape (4,)
        x_min and x_max of sizes, x_min and x_max of durations chosen on all the data (x_max inf
        without an upper cut-off); sizes in the units of S, durations in layers.
    range_replicates : numpy.ndarray, shape (n_resamples, 4)
        The range chosen in each resample.
    replicates : numpy.ndarray, shape (n_resamples, 5)
        The quantities in each resample.
    n_avalanches, n_networks, n_resamples : int
    depth : int or None
        Durations above ``depth − 2`` are never fitted under the ``"support"`` rule.
    undetermined : str
        Why a value or an error is NaN; empty when none is.
    """

    selection: str
    range_rule: str
    values: np.ndarray
    errors: np.ndarray
    robust_errors: np.ndarray
    intervals: np.ndarray
    delta_error_independent: float
    correlation: float
    fixed_range_errors: np.ndarray
    ranges: np.ndarray
    range_replicates: np.ndarray
    replicates: np.ndarray
    n_avalanches: int
    n_networks: int
    n_resamples: int
    depth: int | None
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether every value and error was determined (see ``undetermined``)."""
        return not self.undetermined

    def value(self, quantity) -> tuple:
        """``(value, error)`` of one of :data:`QUANTITIES`."""
        k = QUANTITIES.index(_validate.choice("quantity", quantity, QUANTITIES))
        return float(self.values[k]), float(self.errors[k])

    @property
    def residual(self) -> tuple:
        """``(value, error)`` of the crackling residual D = γ(τ_s − 1) − (τ_d − 1) (dimensionless).

        The value is taken on all the data, the error is the spread of D over the same resamples as
        every other error (NaN with fewer than 3 resamples that gave all three exponents).
        """
        tau_s, tau_d, gamma = (float(v) for v in self.values[:3])
        reps = self.replicates.reshape(-1, len(QUANTITIES))
        return gamma * (tau_s - 1.0) - (tau_d - 1.0), _spread(reps[:, 2] * (reps[:, 0] - 1.0) - (reps[:, 1] - 1.0))

    @property
    def delta_test_error(self) -> float:
        """The error of Δ in the crackling test: the residual's error over τ_s − 1.

        At Δ = 0 it is the first-order error of Δ = D/(τ_s − 1), but without the heavy tail that
        resamples with τ_s near 1 give the spread of Δ; Δ over it equals D over its own error. NaN
        when τ_s or the residual's error is NaN, or τ_s <= 1 (then γ_pred has no meaning).
        """
        _, error = self.residual
        tau_s = float(self.values[0])
        return error / (tau_s - 1.0) if tau_s > 1.0 else float("nan")

    @property
    def n_failed(self) -> int:
        """Resamples in which some quantity could not be computed."""
        return int(np.sum(~np.isfinite(self.replicates).all(axis=1))) if self.replicates.size else 0


def _check_pairs(sizes, durations, network):
    s = _validate.finite_array("sizes", sizes, allow_empty=True)
    d = _validate.finite_array("durations", durations, allow_empty=True)
    labels = _labels("network", network)
    if not (s.shape == d.shape == labels.shape):
        raise ValueError(f"sizes, durations and network must have the same length, got {s.size}, {d.size} and "
                         f"{labels.size}")
    if (s <= 0).any():
        raise ValueError(f"sizes must be > 0 (drop the avalanches of size 0 first), got {s.min()!r}")
    if (d < 1).any() or np.any(d != np.round(d)):
        raise ValueError("durations must be whole numbers >= 1 (layers, generations or steps), got "
                         f"{d[(d < 1) | (d != np.round(d))][0]!r}")
    return s, d, labels


def crackling_bootstrap(sizes, durations, network, *, depth=None, range_rule="support", selection="ended",
                        n_resamples=100, rng, gamma_min_count=50, discrete_sizes=False, quantile=0.8,
                        support_grid=16, fixed_range_errors=False) -> CracklingBootstrap:
    """The crackling exponents of paired sizes and durations, with the fit range re-selected per resample.

    Parameters
    ----------
    sizes, durations : array_like, shape (n,)
        Avalanche sizes S (> 0, units of the activity) and durations T (whole layers ≥ 1), already
        selected (``selection`` only labels the result; :func:`bootstrap_record` selects).
    network : array_like of int, shape (n,)
        The network of each avalanche: the unit resampled.
    depth : int, optional
        The depth L: under the ``"support"`` rule durations above L − 2 are never fitted.
    range_rule : {"support", "authors", "quantile"}
        How the range is chosen (:mod:`crit.analysis.fit_ranges`), in the data and again in every resample.
    selection : {"ended", "all"}
        Which avalanches these are, recorded in the result.
    n_resamples : int
        Resamples of whole networks (≥ 3).
    rng : numpy.random.Generator
    gamma_min_count : int
        Fewest avalanches a duration needs in the fit of γ.
    discrete_sizes : bool
        Sizes are integers (exact models), fitted with the discrete likelihood.
    quantile : float
        x_min's quantile under the ``"quantile"`` rule.
    support_grid : int
        Candidate range ends per grid of the ``"support"`` rule (:func:`crit.analysis.stats.support_search`).
    fixed_range_errors : bool
        Also bootstrap with the range kept at the full data's choice, on the same resamples.

    Returns
    -------
    CracklingBootstrap
        NaN values and errors, with the reason, where the data do not allow them.
    """
    s, d, labels = _check_pairs(sizes, durations, network)
    range_rule = _validate.choice("range_rule", range_rule, RANGE_RULES)
    selection = _validate.choice("selection", selection, SELECTIONS)
    if depth is not None:
        depth = _validate.integer("depth", depth, minimum=3)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=3)
    rng = _validate.rng("rng", rng)
    gamma_min_count = _validate.integer("gamma_min_count", gamma_min_count, minimum=2)
    quantile = _validate.real("quantile", quantile, minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    support_grid = _validate.integer("support_grid", support_grid, minimum=3)
    if not isinstance(discrete_sizes, (bool, np.bool_)) or not isinstance(fixed_range_errors, (bool, np.bool_)):
        raise TypeError("discrete_sizes and fixed_range_errors must be True or False")
    options = {"depth": depth, "discrete_sizes": bool(discrete_sizes), "gamma_min_count": gamma_min_count,
               "quantile": quantile, "n_grid": support_grid}
    names = QUANTITIES + _RANGES
    seed = int(rng.integers(2**63))  # the same resamples for the re-selected and the fixed range
    boot = network_bootstrap(labels, lambda idx: _parts(s[idx], d[idx], range_rule, **options), names=names,
                             n_resamples=n_resamples, rng=np.random.default_rng(seed))
    values, reps = boot.estimate[:5], boot.replicates[:, :5]
    errors = np.array([_spread(reps[:, k]) for k in range(5)])
    fixed_errors = np.full(5, np.nan)
    if fixed_range_errors and range_rule != "authors":
        ranges = boot.estimate[5:]
        fixed = network_bootstrap(labels, lambda idx: _parts(s[idx], d[idx], range_rule, fixed=ranges, **options),
                                  names=names, n_resamples=n_resamples, rng=np.random.default_rng(seed))
        fixed_errors = np.array([_spread(fixed.replicates[:, k]) for k in range(5)])
    elif fixed_range_errors:
        fixed_errors = errors.copy()  # the authors' range is fixed by convention
    robust = np.diff(_percentiles(reps, [15.865, 84.135]), axis=1)[:, 0] / 2
    both = np.isfinite(reps[:, 2]) & np.isfinite(reps[:, 3])
    corr = float(np.corrcoef(reps[both, 2], reps[both, 3])[0, 1]) if both.sum() >= 3 else float("nan")
    return CracklingBootstrap(
        selection=selection, range_rule=range_rule, values=values, errors=errors, robust_errors=robust,
        intervals=_percentiles(reps, [2.5, 97.5]),
        delta_error_independent=float(math.hypot(errors[2], errors[3])), correlation=corr,
        fixed_range_errors=fixed_errors, ranges=boot.estimate[5:], range_replicates=boot.replicates[:, 5:],
        replicates=reps, n_avalanches=int(s.size), n_networks=boot.n_networks, n_resamples=n_resamples,
        depth=depth,
        undetermined=(_reason(QUANTITIES, values, reps, boot.n_networks, n_resamples) if s.size
                      else "no avalanche to fit"),
    )


def bootstrap_record(rec, *, selection="ended", range_rule="support", n_resamples=100, rng, gamma_min_count=50,
                     discrete_sizes=False, quantile=0.8, support_grid=16,
                     fixed_range_errors=False) -> CracklingBootstrap:
    """:func:`crackling_bootstrap` of an avalanche record's positive-size avalanches.

    Parameters
    ----------
    rec : crit.models.avalanche_record.AvalancheRecord
        Any avalanche record with ``network`` (a simulation, or an exact model with its batches).
    selection : {"ended", "all"}
        ``"ended"``: the avalanches that ended within the depth; ``"all"``: the never-ending ones
        too, with their censored T = depth − 3 and S (the authors' convention).
    range_rule, n_resamples, rng, gamma_min_count, discrete_sizes, quantile, support_grid, fixed_range_errors
        As in :func:`crackling_bootstrap`; ``depth`` is taken from the record when it has one.
    """
    for name in ("sizes", "durations", "survived", "network"):
        if not hasattr(rec, name):
            raise TypeError(f"rec must be an avalanche record with {name}, got {type(rec).__name__}")
    selection = _validate.choice("selection", selection, SELECTIONS)
    sizes = _validate.finite_array("rec.sizes", rec.sizes, allow_empty=True)
    keep = sizes > 0
    if selection == "ended":
        keep &= ~np.asarray(rec.survived, bool)
    depth = getattr(rec, "depth", None)
    return crackling_bootstrap(sizes[keep], np.asarray(rec.durations)[keep], np.asarray(rec.network)[keep],
                               depth=depth, range_rule=range_rule, selection=selection, n_resamples=n_resamples,
                               rng=rng, gamma_min_count=gamma_min_count, discrete_sizes=discrete_sizes,
                               quantile=quantile, support_grid=support_grid, fixed_range_errors=fixed_range_errors)


def crackling_verdict(result: CracklingBootstrap, *, n_sigma=2.0, by="residual") -> verdicts.Verdict:
    """Whether Δ = γ − γ_pred is zero within its joint error (the crackling relation).

    Parameters
    ----------
    result : CracklingBootstrap
    n_sigma : float
        Errors within which Δ counts as zero (``by="residual"`` and ``"spread"``).
    by : {"residual", "spread", "interval"}
        ``"residual"`` (the default): Δ against ``n_sigma`` times
        :attr:`CracklingBootstrap.delta_test_error`, the same as the residual
        D = γ(τ_s − 1) − (τ_d − 1) against ``n_sigma`` times its spread (no heavy tail);
        ``"spread"``: Δ against ``n_sigma`` times the spread of Δ over the resamples;
        ``"interval"``: the central 95 % percentile interval of Δ against zero.

    Returns
    -------
    crit.analysis.verdicts.Verdict
        ``"zero"``: the relation holds within errors; ``"positive"``/``"negative"``: γ exceeds or
        falls short of (τ_d − 1)/(τ_s − 1); ``"undetermined"`` when Δ or its error is NaN.
    """
    if not isinstance(result, CracklingBootstrap):
        raise TypeError(f"result must be a CracklingBootstrap, got {type(result).__name__}")
    by = _validate.choice("by", by, ("residual", "spread", "interval"))
    what = "$\\gamma - (\\tau_d - 1)/(\\tau_s - 1)$"
    value, error = result.value("delta")
    if by == "interval":
        low, high = result.intervals[4]
        return verdicts.interval(value, float(low), float(high), what=what)
    if by == "residual":
        error = result.delta_test_error
    return verdicts.sign(value, error, what=what, n_sigma=n_sigma)
