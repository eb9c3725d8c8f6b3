r"""Locating the transition at finite width N and depth L: refined susceptibility peaks and their scaling.

The susceptibilities come from :class:`crit.analysis.phases.PhaseScan` (:data:`SUSCEPTIBILITIES`):
S̄_end, the mean size of the avalanches that end before the last layer, and dρ/dσ_w² locate the
transition; χ = dS̄/dσ_w² and χ_F are the authors' and are kept for comparison.

Refining a peak
    :func:`refine_peak` scans σ_w² again and again on narrower grids centred on the peak until the
    peak position's error is at most a target (the book asks 0.2/N). The peak of each grid is the
    vertex of a least-squares parabola through the largest value and its two neighbours on each
    side (three points at an end of the grid): with more points than the three of
    :func:`crit.analysis.phases.ridge`, the vertex on a narrow grid is less sensitive to the noise
    of single points. Its error is the spread over a bootstrap of whole networks (the same
    networks left in at every grid point, so it is valid with common random numbers and without,
    and the bootstrap copes with the jumps of an arg-max where the jackknife does not); the
    height's error is the jackknife over networks.

Finite-size scaling
    With FSS, a susceptibility obeys χ(σ_w², N) = N^{γ/ν} F((σ_w² − σ_c) N^{1/ν}), so its peak
    moves as peak − σ_∞ ∝ N^{−1/ν} and its height grows as N^{γ/ν}. :func:`peak_scaling` fits both
    (weighted least squares in log–log), with σ_∞ given (1, the mean-field critical point of tanh
    at σ_b² = 0) or fitted, and gives the shift from the finite-width critical point
    σ_c(N) = exp(ln(N/2) − ψ(N/2)) = 1 + 1/N + O(N^{−2})
    (:func:`crit.models.theory.finite_width_critical_sigma_w2`) and N·(peak − σ_c(N)).
    :func:`collapse_curves` rescales the curves with given exponents and measures how well they fall
    on one curve.

Undetermined results
    Data that cannot answer give NaN, with the reason in the record's ``undetermined``: a curve
    with no maximum (flat, or NaN everywhere: every input survived), a peak on the edge of the
    last grid, errors over fewer than 3 networks, a target not reached in ``max_rounds``, fewer
    widths than a fit needs. Bad input (wrong type, NaN or inf where a number is needed, a
    negative error, mismatched shapes) raises.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from crit import _validate
from crit.analysis import phases
from crit.analysis.resampling import MIN_NETWORKS, jackknife_error, too_few_networks
from crit.models.theory import finite_width_critical_sigma_w2
from crit.records import Record

__all__ = [
    "SUSCEPTIBILITIES",
    "CurveCollapse",
    "PeakRefinement",
    "PeakScaling",
    "collapse_curves",
    "locate_peak",
    "peak_scaling",
    "refine_peak",
    "select_networks",
    "susceptibility",
]

#: Names of the susceptibilities and the :class:`~crit.analysis.phases.PhaseScan` method of each.
SUSCEPTIBILITIES = {
    "ended_mean_size": "ended_mean_size",
    "survival_derivative": "survival_derivative",
    "response": "response_susceptibility",
    "fluctuation": "fluctuation_susceptibility",
}


def susceptibility(scan: phases.PhaseScan, name: str):
    """The susceptibility ``name`` of ``scan`` and its error over networks, each of shape (n_b, n_w).

    Parameters
    ----------
    scan : crit.analysis.phases.PhaseScan
    name : str
        One of :data:`SUSCEPTIBILITIES`.
    """
    if not isinstance(scan, phases.PhaseScan):
        raise TypeError(f"scan must be a PhaseScan, got {type(scan).__name__}")
    _validate.choice("name", name, tuple(SUSCEPTIBILITIES))
    return _curve(scan, name)


def _curve(scan, name, errors=True):
    return getattr(scan, SUSCEPTIBILITIES[name])(errors=errors)


def locate_peak(sigma_w2, chi):
    """Vertex of the least-squares parabola through the maximum of χ and two neighbours on each side.

    On a grid as coarse as the peak is wide the parabola is flatter than the peak and its height
    is biased low (:func:`refine_peak` does not call such a grid resolved). Points where χ is NaN
    (undetermined) are left out first.

    Parameters
    ----------
    sigma_w2, chi : array_like, shape (n_w,)
        The grid (increasing) and the susceptibility on it.

    Returns
    -------
    (peak, height, at_edge, reason) : tuple
        Position (units of σ_w²) and height (units of χ) of the maximum; ``at_edge`` is True when the
        largest value is the first or last determined point (the maximum may lie outside the grid:
        the peak is then that point). NaN, NaN, False and the reason when no maximum can be located
        (fewer than 3 determined points, or χ constant).

    Examples
    --------
    >>> x = np.linspace(0.9, 1.3, 9)
    >>> peak, height, at_edge, reason = locate_peak(x, 2 - (x - 1.137) ** 2)
    >>> round(float(peak), 6), round(float(height), 6), at_edge, reason
    (1.137, 2.0, False, '')
    """
    x = np.asarray(sigma_w2, float)
    y = np.asarray(chi, float)
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    nan = float("nan")
    if x.size < 3:
        return nan, nan, False, f"chi is determined at {x.size} values of sigma_w2: a peak needs at least 3"
    if np.ptp(y) == 0:
        return nan, nan, False, f"chi is constant along sigma_w2 ({y[0]:g}): no maximum to locate"
    k = int(np.argmax(y))
    if k in (0, x.size - 1):
        return float(x[k]), float(y[k]), True, ""
    window = slice(max(k - 2, 0), min(k + 3, x.size))
    xs, ys = x[window], y[window]
    centre, scale = x[k], max(np.ptp(xs), 1e-300)
    a, b, c = np.polyfit((xs - centre) / scale, ys, 2)
    u = -b / (2 * a) if a < 0 else 0.0
    u = float(np.clip(u, (xs[0] - centre) / scale, (xs[-1] - centre) / scale))
    return float(centre + u * scale), float(a * u * u + b * u + c), False, ""


def select_networks(scan: phases.PhaseScan, index) -> phases.PhaseScan:
    """``scan`` restricted to (or resampled over) the networks ``index``, the same at every grid point.

    Parameters
    ----------
    scan : crit.analysis.phases.PhaseScan
    index : array_like of int
        Networks to keep, repeats allowed (a bootstrap resample), each in 0 … n_networks − 1.
    """
    if not isinstance(scan, phases.PhaseScan):
        raise TypeError(f"scan must be a PhaseScan, got {type(scan).__name__}")
    m = scan.n_in.shape[-1]
    index = np.asarray(index)
    if index.ndim != 1 or index.size == 0 or not np.issubdtype(index.dtype, np.integer):
        raise ValueError(f"index must be a non-empty 1-d array of network indices, got {index!r}")
    if index.min() < 0 or index.max() >= m:
        raise ValueError(f"network indices must lie in 0 … {m - 1}, got {index.min()} … {index.max()}")
    names = ("n_in", "n_recorded", "n_survived", "sum_size", "n_ended", "sum_size_ended", "sum_size2_ended")
    arrays = {k: getattr(scan, k)[..., index] for k in names if getattr(scan, k) is not None}
    return dataclasses.replace(scan, **arrays, n_inputs=int(index.size * scan.inputs_per_network))


def _locate_row(scan, name, row):
    chi, _ = _curve(scan, name, errors=False)
    return locate_peak(scan.sigma_w2, chi[row])


@dataclass(frozen=True, eq=False)
class PeakRefinement(Record):
    """The rounds of :func:`refine_peak` and the peak they end with.

    Attributes
    ----------
    susceptibility : str
        Which susceptibility (:data:`SUSCEPTIBILITIES`).
    target : float
        The peak position's error asked for (units of σ_w²).
    row : int
        The σ_b² row of the scans used; ``sigma_b2`` its value.
    width, depth : int
    grid, grid_round : numpy.ndarray
        Every σ_w² scanned and its round (0, 1, …), in order.
    chi, chi_err : numpy.ndarray
        The susceptibility and its error at every point of ``grid``.
    round_peak, round_peak_err, round_height, round_height_err : numpy.ndarray
        Per round: peak position (σ_w²), its bootstrap error over networks, height (units of χ), its
        jackknife error over networks.
    round_at_edge : numpy.ndarray of bool
        Per round, whether the maximum was on the edge of its grid.
    peak, peak_err, height, height_err : float
        Those of the last round (NaN when undetermined).
    n_rounds : int
    reached : bool
        Whether the last round's error is at most ``target``, with its peak inside the grid and
        within the tolerance of the previous round's (see :func:`refine_peak`).
    max_rounds, points, n_resamples : int
        The arguments of :func:`refine_peak`.
    undetermined : str
        Why the peak or its error is undetermined, or why the target was not reached; empty otherwise.
    """

    susceptibility: str
    target: float
    row: int
    sigma_b2: float
    width: int
    depth: int
    grid: np.ndarray
    grid_round: np.ndarray
    chi: np.ndarray
    chi_err: np.ndarray
    round_peak: np.ndarray
    round_peak_err: np.ndarray
    round_height: np.ndarray
    round_height_err: np.ndarray
    round_at_edge: np.ndarray
    peak: float
    peak_err: float
    height: float
    height_err: float
    n_rounds: int
    reached: bool
    max_rounds: int
    points: int
    n_resamples: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the target was reached with a determined peak (see ``undetermined`` for why not)."""
        return not self.undetermined


def _round_errors(scan, name, row, rng, n_resamples):
    """Bootstrap error of the peak and jackknife error of the height, over whole networks."""
    m = scan.n_in.shape[-1]
    if m < MIN_NETWORKS:
        return float("nan"), float("nan"), too_few_networks(m, "the error of the peak")
    boot = []
    for _ in range(n_resamples):
        peak, _, _, _ = _locate_row(select_networks(scan, rng.integers(0, m, m)), name, row)
        boot.append(peak)
    boot = np.array(boot)
    heights = np.array([_locate_row(select_networks(scan, np.delete(np.arange(m), k)), name, row)[1]
                        for k in range(m)])
    reason = ""
    if np.isfinite(boot).sum() < 0.9 * n_resamples:  # the peak is lost in many resamples: no error
        reason = f"the peak is undetermined in {np.isnan(boot).sum()} of {n_resamples} bootstrap resamples"
        return float("nan"), float(jackknife_error(heights)), reason
    return float(np.nanstd(boot, ddof=1)), float(jackknife_error(heights)), reason


def refine_peak(run, sigma_w2, *, target, susceptibility="ended_mean_size", rng, max_rounds=4, points=9, row=0,
                n_resamples=200) -> PeakRefinement:
    """Refine the σ_w² grid around the peak of a susceptibility until its position is known to ``target``.

    Round 0 scans ``sigma_w2``. Each round locates the peak (:func:`locate_peak`) and its error
    (bootstrap over networks). The target is reached when, in one round,

    - the error is at most ``target`` and the peak lies inside the grid, and
    - the grid has been resolved: the peak moved from the previous round's (itself inside its grid)
      by at most max(target/2, the two rounds' errors added in quadrature). A vertex on a coarse
      grid is biased by the shape of the curve, a bias the error over networks does not see (on a
      grid as coarse as the peak is wide the vertex lies several errors off); each round at least
      halves the step, so the bias falls from round to round and a small move says it is small.
      So the target needs at least two rounds, and
    - the grid step is at most :data:`MAX_STEP_IN_TARGETS` targets.

    Otherwise the next round scans ``points`` values centred on the peak, of half-span
    max(3 × peak error, 2 × the current step), never wider than the current grid (when the peak was
    on the edge, the same span is moved to centre on that edge). It stops after ``max_rounds``
    rounds, or early when the next grid would be the current one: the error is then statistical,
    and only more networks can lower it.

    Parameters
    ----------
    run : callable
        ``run(sigma_w2) -> PhaseScan`` for an increasing array of σ_w² (e.g. a cached
        :func:`crit.analysis.phases.scan` with the other arguments fixed).
    sigma_w2 : array_like
        The first grid: at least 3 increasing values ≥ 0.
    target : float
        The error of the peak position to reach, > 0, in units of σ_w² (e.g. 0.2/N).
    susceptibility : str
        One of :data:`SUSCEPTIBILITIES`.
    rng : numpy.random.Generator
        Stream of the bootstrap resamples of networks.
    max_rounds : int
        At most this many scans (≥ 1).
    points : int
        Values of σ_w² of the grids after the first (≥ 5).
    row : int
        The σ_b² row of the scans to use.
    n_resamples : int
        Bootstrap resamples per round (≥ 20).

    Returns
    -------
    PeakRefinement
        Every round, and the last round's peak, error, height and height error.
    """
    if not callable(run):
        raise TypeError(f"run must be a callable sigma_w2 -> PhaseScan, got {type(run).__name__}")
    rng = _validate.rng("rng", rng)
    name = _validate.choice("susceptibility", susceptibility, tuple(SUSCEPTIBILITIES))
    target = _validate.real("target", target, minimum=0.0, strict_min=True)
    max_rounds = _validate.integer("max_rounds", max_rounds, minimum=1)
    points = _validate.integer("points", points, minimum=5)
    row = _validate.integer("row", row, minimum=0)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=20)
    x = _grid(sigma_w2)
    grids, curves, errs, rounds, why = [], [], [], [], ""
    scan = None
    for r in range(max_rounds):
        scan = _call(run, x, row)
        chi, chi_err = _curve(scan, name)
        grids.append(x)
        curves.append(chi[row])
        errs.append(chi_err[row])
        peak, height, at_edge, reason = locate_peak(x, chi[row])
        if reason:
            rounds.append((peak, float("nan"), height, float("nan"), at_edge))
            why = f"round {r}: {reason}"
            break
        peak_err, height_err, err_reason = _round_errors(scan, name, row, rng, n_resamples)
        rounds.append((peak, peak_err, height, height_err, at_edge))
        reason = _not_reached(rounds, target, err_reason, step=float(np.median(np.diff(x))))
        if not reason:
            why = ""
            break
        why = f"round {r}: {reason}"
        new = _next_grid(x, peak, peak_err, at_edge, points)
        if new.size == x.size and np.allclose(new, x, rtol=0, atol=1e-3 * np.median(np.diff(x))):
            why += ("; the next grid would be this one: the error is statistical, and only more networks "
                    "can lower it")
            break
        x = new
    else:
        why += f"; not reached in {max_rounds} rounds"
    peak, peak_err, height, height_err, at_edge = rounds[-1]
    if why and not np.isnan(peak) and at_edge:
        peak = height = float("nan")
    arr = np.array(rounds, float).reshape(-1, 5)
    return PeakRefinement(
        susceptibility=name, target=target, row=row, sigma_b2=float(scan.sigma_b2[row]), width=int(scan.width),
        depth=int(scan.depth), grid=np.concatenate(grids),
        grid_round=np.concatenate([np.full(g.size, k, np.int64) for k, g in enumerate(grids)]),
        chi=np.concatenate(curves), chi_err=np.concatenate(errs), round_peak=arr[:, 0], round_peak_err=arr[:, 1],
        round_height=arr[:, 2], round_height_err=arr[:, 3], round_at_edge=arr[:, 4].astype(bool),
        peak=float(peak), peak_err=float(peak_err), height=float(height), height_err=float(height_err),
        n_rounds=len(rounds), reached=not why, max_rounds=max_rounds, points=points, n_resamples=n_resamples,
        undetermined=why,
    )


#: A grid whose step exceeds this many targets does not resolve the vertex to the target, however well
#: two such grids agree.
MAX_STEP_IN_TARGETS = 4.0


def _not_reached(rounds, target, err_reason, *, step):
    """Why the last of ``rounds`` (on a grid of median ``step``) does not end the refinement; empty when it does."""
    peak, peak_err, _, _, at_edge = rounds[-1]
    if err_reason:
        return err_reason
    if at_edge:
        return "the peak is on the edge of the grid"
    if not peak_err <= target:
        return f"the peak's error {peak_err:.3g} is above the target {target:.3g}"
    if len(rounds) < 2 or rounds[-2][4]:
        return "the peak has not yet been located on a grid centred on it"
    if step > MAX_STEP_IN_TARGETS * target:
        return (f"the grid step {step:.3g} is above {MAX_STEP_IN_TARGETS:g} × the target: two such grids can agree "
                "by chance")
    change, tolerance = abs(peak - rounds[-2][0]), max(target / 2, np.hypot(peak_err, rounds[-2][1]))
    if not change <= tolerance:
        return (f"the peak moved by {change:.3g} from the previous grid (tolerance {tolerance:.3g}): the grid does "
                "not yet resolve it")
    return ""


def _grid(sigma_w2):
    x = _validate.finite_array("sigma_w2", sigma_w2)
    if x.size < 3:
        raise ValueError(f"sigma_w2 needs at least 3 values to locate a peak, got {x.size}")
    if np.any(np.diff(x) <= 0) or x[0] < 0:
        raise ValueError(f"sigma_w2 must be increasing and >= 0, got {x.tolist()}")
    return x


def _call(run, x, row):
    scan = run(x.copy())
    if not isinstance(scan, phases.PhaseScan):
        raise TypeError(f"run must return a PhaseScan, got {type(scan).__name__}")
    if scan.sigma_w2.shape != x.shape or not np.allclose(scan.sigma_w2, x, rtol=1e-9, atol=0):
        raise ValueError(f"run returned a scan on sigma_w2 {np.asarray(scan.sigma_w2).tolist()}, "
                         f"asked for {x.tolist()}")
    if row >= scan.sigma_b2.size:
        raise ValueError(f"row {row} is out of range: the scan has {scan.sigma_b2.size} values of sigma_b2")
    return scan


def _next_grid(x, peak, peak_err, at_edge, points):
    half_now = (x[-1] - x[0]) / 2
    step = float(np.median(np.diff(x)))
    if at_edge:
        half = half_now
    else:
        half = min(half_now, max(3 * peak_err, 2 * step) if np.isfinite(peak_err) else 2 * step)
    low = max(peak - half, 0.0)
    return np.linspace(low, low + 2 * half, points)


# ------------------------------------------------------------------------------- finite-size scaling


@dataclass(frozen=True, eq=False)
class PeakScaling(Record):
    """Finite-size scaling of susceptibility peaks over widths.

    Attributes
    ----------
    widths : numpy.ndarray
        N, increasing.
    peak, peak_err, height, height_err : numpy.ndarray
        The inputs, per width (σ_w² and units of χ).
    critical : numpy.ndarray
        σ_c(N) = exp(ln(N/2) − ψ(N/2)).
    shift, shift_err : numpy.ndarray
        peak − σ_c(N) and its error (σ_c(N) is exact: the error is the peak's).
    scaled_shift, scaled_shift_err : numpy.ndarray
        N·(peak − σ_c(N)) and its error: constant when the peak tracks σ_c(N) to O(1/N).
    sigma_inf, sigma_inf_err : float
        σ_∞ of abs(peak − σ_∞) ∝ N^{−1/ν}: given (error 0) or fitted (``sigma_inf_fitted``).
    sigma_inf_fitted : bool
    inv_nu, inv_nu_err, nu, nu_err : float
        1/ν (the exponent of the shift) and ν, with errors.
    shift_amplitude : float
        A of peak − σ_∞ = A N^{−1/ν} (its sign is the side of σ_∞ the peaks lie on).
    nu_chi2, nu_dof : float, int
        χ² and degrees of freedom of the fit of the shift.
    gamma_over_nu, gamma_over_nu_err, height_amplitude : float
        height = B N^{γ/ν}.
    gamma_over_nu_chi2, gamma_over_nu_dof : float, int
        χ² and degrees of freedom of the fit of the heights.
    undetermined : str
        Why some numbers are NaN; empty when all were determined.

    Notes
    -----
    The fits are weighted least squares; when χ²/dof > 1 the errors are scaled up by √(χ²/dof)
    (never down), so that scatter beyond the stated errors widens them.
    """

    widths: np.ndarray
    peak: np.ndarray
    peak_err: np.ndarray
    height: np.ndarray
    height_err: np.ndarray
    critical: np.ndarray
    shift: np.ndarray
    shift_err: np.ndarray
    scaled_shift: np.ndarray
    scaled_shift_err: np.ndarray
    sigma_inf: float
    sigma_inf_err: float
    sigma_inf_fitted: bool
    inv_nu: float
    inv_nu_err: float
    nu: float
    nu_err: float
    shift_amplitude: float
    nu_chi2: float
    nu_dof: int
    gamma_over_nu: float
    gamma_over_nu_err: float
    height_amplitude: float
    gamma_over_nu_chi2: float
    gamma_over_nu_dof: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether every number was determined (see ``undetermined``)."""
        return not self.undetermined


def _per_width(name, values, n, *, error=False):
    try:
        arr = np.asarray(values, float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like of numbers, got {type(values).__name__}") from exc
    if arr.shape != (n,):
        raise ValueError(f"{name} must have one value per width ({n}), got shape {np.shape(values)}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} must not hold inf (NaN marks an undetermined value)")
    if error and (arr < 0).any():
        raise ValueError(f"{name} is a standard error: every value must be >= 0 (NaN when undetermined)")
    return arr


def _wls_line(x, y, err):
    """Weighted least squares y = a + b x: (a, b, cov, chi2, dof, reason). Ordinary least squares with
    NaN errors when an error is NaN or 0."""
    design = np.stack([np.ones_like(x), x], axis=1)
    weighted = bool(np.all(np.isfinite(err)) and np.all(err > 0))
    w = 1 / err**2 if weighted else np.ones_like(x)
    cov = np.linalg.inv(design.T @ (w[:, None] * design))
    a, b = cov @ design.T @ (w * y)
    resid = y - a - b * x
    dof = x.size - 2
    chi2 = float(np.sum(w * resid**2)) if weighted else float("nan")
    if not weighted:
        return a, b, np.full((2, 2), np.nan), chi2, dof, "an error is NaN or 0, so the fit has no error"
    if dof > 0 and chi2 / dof > 1:
        cov = cov * chi2 / dof
    return a, b, cov, chi2, dof, ""


def peak_scaling(widths, peak, peak_err, height, height_err, *, sigma_inf=1.0) -> PeakScaling:
    """Finite-size scaling of the peak positions and heights of a susceptibility over widths.

    Parameters
    ----------
    widths : array_like of int
        N of each entry (distinct, ≥ 1).
    peak, peak_err : array_like
        Peak positions (σ_w²) and their errors (NaN where undetermined).
    height, height_err : array_like
        Peak heights (units of χ) and their errors.
    sigma_inf : float or None
        σ_∞ of the shift law abs(peak − σ_∞) ∝ N^{−1/ν}: 1.0 (default) is the mean-field critical point
        of tanh at σ_b² = 0; ``None`` fits it (then ν needs 3 widths, else 2).

    Returns
    -------
    PeakScaling
        NaN exponents with the reason when there are too few widths with a determined peak (height),
        when peak − σ_∞ changes sign over widths, or when a height is ≤ 0.
    """
    n_in = np.asarray(widths).size
    w = _validate.finite_array("widths", np.asarray(widths).ravel())
    if (w < 1).any() or (w != np.round(w)).any() or np.unique(w).size != w.size:
        raise ValueError(f"widths must be distinct integers >= 1, got {w.tolist()}")
    p, pe = _per_width("peak", peak, n_in), _per_width("peak_err", peak_err, n_in, error=True)
    h, he = _per_width("height", height, n_in), _per_width("height_err", height_err, n_in, error=True)
    if sigma_inf is not None:
        sigma_inf = _validate.real("sigma_inf", sigma_inf)
    order = np.argsort(w)
    w, p, pe, h, he = w[order], p[order], pe[order], h[order], he[order]
    crit_n = np.asarray(finite_width_critical_sigma_w2(w.astype(np.int64)), float)
    shift = p - crit_n
    nan = float("nan")
    reasons = []
    # --- the shift
    ok = np.isfinite(p)
    need = 2 if sigma_inf is not None else 3
    inv_nu, inv_nu_err, amp, chi2, dof = nan, nan, nan, nan, 0
    s_inf, s_inf_err = (sigma_inf, 0.0) if sigma_inf is not None else (nan, nan)
    if ok.sum() < need:
        reasons.append(f"nu needs {need} widths with a determined peak{' (sigma_inf is fitted)' if need == 3 else ''}, "
                       f"got {int(ok.sum())}")
    elif sigma_inf is not None:
        d = p[ok] - sigma_inf
        if np.any(d == 0) or np.ptp(np.sign(d)) != 0:
            reasons.append(f"peak - sigma_inf ({sigma_inf:g}) is 0 or changes sign over widths: no power law in N")
        else:
            a, b, cov, chi2, dof, why = _wls_line(np.log(w[ok]), np.log(np.abs(d)), pe[ok] / np.abs(d))
            inv_nu, inv_nu_err, amp = -b, float(np.sqrt(cov[1, 1])), float(np.sign(d[0]) * np.exp(a))
            reasons += [f"nu: {why}"] if why else []
    else:
        inv_nu, inv_nu_err, s_inf, s_inf_err, amp, chi2, dof, why = _fit_sigma_inf(w[ok], p[ok], pe[ok])
        reasons += [f"nu: {why}"] if why else []
    nu = 1 / inv_nu if np.isfinite(inv_nu) and inv_nu != 0 else nan
    nu_err = inv_nu_err / inv_nu**2 if np.isfinite(nu) else nan
    # --- the height
    okh = np.isfinite(h)
    g, g_err, h_amp, g_chi2, g_dof = nan, nan, nan, nan, 0
    if okh.sum() < 2:
        reasons.append(f"gamma/nu needs 2 widths with a determined height, got {int(okh.sum())}")
    elif (h[okh] <= 0).any():
        reasons.append("gamma/nu: a peak height is <= 0, so it has no power law in N")
    else:
        a, b, cov, g_chi2, g_dof, why = _wls_line(np.log(w[okh]), np.log(h[okh]), he[okh] / h[okh])
        g, g_err, h_amp = float(b), float(np.sqrt(cov[1, 1])), float(np.exp(a))
        reasons += [f"gamma/nu: {why}"] if why else []
    if (~ok).any():
        reasons.append(f"widths {w[~ok].astype(int).tolist()} have no determined peak and are left out")
    return PeakScaling(
        widths=w, peak=p, peak_err=pe, height=h, height_err=he, critical=crit_n, shift=shift, shift_err=pe,
        scaled_shift=w * shift, scaled_shift_err=w * pe, sigma_inf=float(s_inf), sigma_inf_err=float(s_inf_err),
        sigma_inf_fitted=sigma_inf is None, inv_nu=float(inv_nu), inv_nu_err=float(inv_nu_err), nu=float(nu),
        nu_err=float(nu_err), shift_amplitude=float(amp), nu_chi2=float(chi2), nu_dof=int(dof),
        gamma_over_nu=float(g), gamma_over_nu_err=float(g_err), height_amplitude=float(h_amp),
        gamma_over_nu_chi2=float(g_chi2), gamma_over_nu_dof=int(g_dof), undetermined="; ".join(reasons),
    )


def _fit_sigma_inf(w, p, pe):
    """Fit p = σ_∞ + A N^{−b}: (b, b_err, σ_∞, σ_∞_err, A, chi2, dof, reason)."""
    nan = float("nan")
    weighted = bool(np.all(np.isfinite(pe)) and np.all(pe > 0))
    sigma = pe if weighted else None
    lin = np.polyfit(1 / w, p, 1)  # b = 1 as the start

    def model(n, s, amp, b):
        return s + amp * n ** (-b)

    try:
        params, cov = optimize.curve_fit(model, w, p, p0=(lin[1], lin[0], 1.0), sigma=sigma, absolute_sigma=weighted,
                                         maxfev=20000)
    except (RuntimeError, ValueError, optimize.OptimizeWarning) as exc:
        return nan, nan, nan, nan, nan, nan, w.size - 3, f"the fit of sigma_inf + A N^(-1/nu) failed ({exc})"
    s, amp, b = params
    dof = w.size - 3
    chi2 = float(np.sum(((p - model(w, *params)) / pe) ** 2)) if weighted else nan
    if weighted and dof > 0 and chi2 / dof > 1:
        cov = cov * chi2 / dof
    errs = np.sqrt(np.diag(cov)) if weighted else np.full(3, nan)
    why = "" if weighted else "an error is NaN or 0, so the fit has no error"
    if not np.all(np.isfinite(errs)) and weighted:
        why = "the fit's covariance is undetermined (the widths do not constrain three parameters)"
    return float(b), float(errs[2]), float(s), float(errs[0]), float(amp), chi2, dof, why


# ---------------------------------------------------------------------------------------- collapse


@dataclass(frozen=True, eq=False)
class CurveCollapse(Record):
    """Susceptibility curves rescaled as χ N^{−γ/ν} against (σ_w² − σ_c(N)) N^{1/ν}.

    Attributes
    ----------
    widths : numpy.ndarray
    x, y, y_err : numpy.ndarray, shape (n_widths, n_points)
        Rescaled curves (NaN-padded).
    centre : numpy.ndarray
        The σ_c of each width the curves are centred on.
    inv_nu, gamma_over_nu : float
        The exponents used.
    quality : float
        χ² per point of the pairwise differences of the rescaled curves on their overlaps (linear
        interpolation on 30 points of each overlap, variances of both curves added), averaged over
        pairs: ≈ 1 for a collapse as good as the errors allow (points of one curve are
        correlated, so this is a scale, not a test); 0 for a perfect collapse of exact curves.
    n_pairs : int
        Pairs of widths whose rescaled curves overlap.
    undetermined : str
    """

    widths: np.ndarray
    x: np.ndarray
    y: np.ndarray
    y_err: np.ndarray
    centre: np.ndarray
    inv_nu: float
    gamma_over_nu: float
    quality: float
    n_pairs: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the quality was determined (see ``undetermined``)."""
        return not self.undetermined


def collapse_curves(widths, sigma_w2, chi, chi_err, *, inv_nu, gamma_over_nu, centre=None) -> CurveCollapse:
    """Rescale susceptibility curves of several widths with given exponents and measure the collapse.

    Parameters
    ----------
    widths : array_like of int
        N of each curve (distinct).
    sigma_w2, chi, chi_err : sequence of array_like
        One curve per width (lengths may differ): the grid, the susceptibility and its error (NaN
        points are left out).
    inv_nu, gamma_over_nu : float
        1/ν and γ/ν (NaN from an undetermined fit gives an undetermined collapse).
    centre : float or None
        σ_c of x = (σ_w² − σ_c) N^{1/ν}: ``None`` uses σ_c(N) of each width.

    Returns
    -------
    CurveCollapse
    """
    w = _validate.finite_array("widths", np.asarray(widths).ravel())
    if (w < 1).any() or (w != np.round(w)).any() or np.unique(w).size != w.size:
        raise ValueError(f"widths must be distinct integers >= 1, got {w.tolist()}")
    curves = []
    for name, seq in (("sigma_w2", sigma_w2), ("chi", chi), ("chi_err", chi_err)):
        if len(seq) != w.size:
            raise ValueError(f"{name} must hold one curve per width ({w.size}), got {len(seq)}")
    for k in range(w.size):
        x = _validate.finite_array("sigma_w2", sigma_w2[k])
        y, e = np.asarray(chi[k], float), np.asarray(chi_err[k], float)
        if y.shape != x.shape or e.shape != x.shape:
            raise ValueError(f"curve {k}: sigma_w2, chi and chi_err must have one shape, got {x.shape}, {y.shape}, "
                             f"{e.shape}")
        if np.isinf(y).any() or np.isinf(e).any() or (e < 0).any():
            raise ValueError(f"curve {k}: chi and chi_err must not hold inf, and chi_err must be >= 0")
        curves.append((x, y, e))
    exps = []
    for name, v in (("inv_nu", inv_nu), ("gamma_over_nu", gamma_over_nu)):
        if isinstance(v, float) and np.isnan(v):
            exps.append(float("nan"))
        else:
            exps.append(_validate.real(name, v))
    inv_nu, g = exps
    centres = (np.asarray(finite_width_critical_sigma_w2(w.astype(np.int64)), float) if centre is None
               else np.full(w.size, _validate.real("centre", centre)))
    order = np.argsort(w)
    w, centres, curves = w[order], centres[order], [curves[k] for k in order]
    scaled = []
    for n, c, (x, y, e) in zip(w, centres, curves):
        keep = np.isfinite(y) & np.isfinite(e)
        scaled.append(((x[keep] - c) * n**inv_nu, y[keep] * n ** (-g), e[keep] * n ** (-g)))
    n_max = max([s[0].size for s in scaled] + [1])
    pad = lambda i: np.array([np.pad(s[i], (0, n_max - s[i].size), constant_values=np.nan) for s in scaled])
    x_all, y_all, e_all = (pad(i).reshape(w.size, n_max) for i in range(3))
    reason, quality, pairs = "", float("nan"), 0
    if np.isnan(inv_nu) or np.isnan(g):
        reason = "an exponent is undetermined (NaN), so there is nothing to collapse with"
    else:
        use = [s for s in scaled if s[0].size >= 2]
        out = []
        for i in range(len(use)):
            for j in range(i + 1, len(use)):
                lo, hi = max(use[i][0][0], use[j][0][0]), min(use[i][0][-1], use[j][0][-1])
                if hi <= lo:
                    continue
                grid = np.linspace(lo, hi, 30)
                d = np.interp(grid, use[i][0], use[i][1]) - np.interp(grid, use[j][0], use[j][1])
                var = np.interp(grid, use[i][0], use[i][2] ** 2) + np.interp(grid, use[j][0], use[j][2] ** 2)
                with np.errstate(divide="ignore", invalid="ignore"):
                    out.append(np.mean(np.where(var > 0, d**2 / var, np.where(d == 0, 0.0, np.inf))))
        pairs = len(out)
        if len(use) < 2:
            reason = f"a collapse needs 2 curves of at least 2 determined points, got {len(use)}"
        elif not out:
            reason = "no two rescaled curves overlap"
        else:
            quality = float(np.mean(out))
    return CurveCollapse(widths=w, x=x_all, y=y_all, y_err=e_all, centre=centres, inv_nu=float(inv_nu),
                         gamma_over_nu=float(g), quality=quality, n_pairs=pairs, undetermined=reason)
