r"""One measurement pipeline, fixed before looking and written once, for every system.

The networks, the sparse networks, the ResNets and the exact models of known class are measured by
the same function with the same :class:`Pipeline`: :func:`measure` (paired arrays) or
:func:`measure_record` (any avalanche record). The rules are the fields of :data:`PIPELINE`; what
differs between systems is only what their data measure (the cut-off, the cap), through the same
functions of the data:

selection
    The ended avalanches (``survived`` False) of positive size and duration; those still running at
    the cap are censored and left out (``"ended"``). ``"all"`` keeps them at their capped size and
    duration (the authors' released code), for comparison only.
duration window
    ``[dmin, d_hi]``: ``dmin`` fixed, in the system's time step (a layer, a generation, a lattice step;
    the exact models' own units are in :mod:`crit.analysis.calibration`), x_min = ``dmin`` with no
    search (a Kolmogorov–Smirnov search on about a decade and a thousand avalanches wanders by factors
    of 2); ``d_hi = window_fraction · T_c`` with ``T_c = ⟨T³⟩/⟨T²⟩`` the measured duration cut-off (it
    scales as the cut-off scale x_c for every class here, τ_d < 3: an exponential cut-off gives
    (3 − τ_d) x_c, a cap C about 0.5–0.65 C), and never above ``censor_fraction`` × the cap.
size window
    ``[s_lo, s_hi]``: ``s_lo`` the (1 − q) quantile of the sizes of the avalanches shorter than
    ``dmin``, ``s_hi`` the q quantile of the sizes of those lasting at least ``d_hi``
    (``q = size_quantile``): the sizes in the window are made almost only by avalanches inside the
    duration window. The rule needs no unit of S, so it is the same for layer norms, counts of active
    units and ABBM's ∫v dt.
fits
    Maximum likelihood on each window of a power law with its cut-off in the model
    (:func:`fit_with_cutoff`): ``P(T) ∝ T^-τ_d exp(−λ_T T)`` and ``P(S) ∝ S^-τ_s exp(−λ_S S^{1/γ})``,
    λ ≥ 0 fitted. The window reaches the cut-off, and a truncated power law fitted there is steepened:
    by +0.16 to +0.27 in τ_d for x_c/dmin = 10–30 (a window ending at 0.5 T_c), +0.1 still at 0.25 T_c,
    where the windows of the CI widths shrink below a decade. The size cut-off is the duration
    cut-off seen through S ∝ T^γ, hence the stretched exponent 1/γ (γ measured on all the data, then
    held fixed like the windows). ``cutoff_model="none"`` fits truncated power laws instead.
γ
    Slope of ln⟨S⟩ against ln T on ``gamma_bins_per_decade`` log-spaced bins of T over the duration
    window, bins with at least ``gamma_min_count`` avalanches (at least 3 such bins).
errors
    Delete-one-group jackknife over at most ``max_groups`` blocks of networks (or of independent
    runs): the windows are fixed on all the data and reused by every leave-one-out estimate, whose
    spread also gives the covariance of (τ_s, τ_d, γ) (``Exponents.covariance``).
N → ∞ limit
    ``value = a + b N^-ω`` with ``ω`` = the measured width exponent b_T of the duration cut-off
    (``omega="b_T"``): the corrections to scaling of the classes here fall as 1/T (a walk's lattice
    corrections, a branching tree's, ABBM's v0/T) and T_c ∝ N^{b_T}, so they fall as N^{-b_T}; the
    error of b_T is carried into the limits (:func:`crit.analysis.finite_size.finite_size_scaling`).
systematic
    The error added in quadrature to each statistic by the class assignment
    (:func:`crit.analysis.class_assignment.assign`): the largest bias of this pipeline on the four exact models
    at the networks' sizes. :func:`crit.analysis.calibration.calibrate` measures it at any sizes
    (``Calibration.systematic``); :data:`SYSTEMATIC` holds it at the CI sizes.

Chosen on the exact models, before any network was measured with it: ``dmin`` = 10 steps (20 leaves
the CI windows too short: the recovery of the exact models fell, critical branching's to 1 in 6);
``window_fraction`` = 1 with the cut-off in the fit (a truncated fit on 0.25 or 0.5 T_c was biased by
up to +0.2 in τ_d and +0.12 in τ_s on the exact models at x_c = 300). Data that cannot fill the windows
give NaN and the reason in ``Exponents.undetermined``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from crit import _validate
from crit.analysis.resampling import MIN_NETWORKS, jackknife_error, too_few_networks
from crit.analysis.universality import Exponents
from crit.records import Record

__all__ = ["SELECTIONS", "CUTOFF_MODELS", "STATISTICS", "SYSTEMATIC", "MIN_IN_WINDOW", "Pipeline", "PIPELINE",
           "fit_with_cutoff", "measure", "measure_record", "correction_exponent"]

#: Which avalanches a pipeline fits (module docstring).
SELECTIONS = ("ended", "all")
#: How the fits treat the cut-off inside their window: ``"exponential"`` fits its strength
#: (:func:`fit_with_cutoff`), ``"none"`` fits a truncated power law.
CUTOFF_MODELS = ("exponential", "none")
#: Statistics the pipeline measures or that the classes predict: the size and duration exponents,
#: γ of ⟨S⟩(T), the width exponents of the cut-offs S_c ∝ N^{b_S}, T_c ∝ N^{b_T}, and the exponent a
#: of the mean shape F ∝ [u(1 − u)]^a.
STATISTICS = ("tau_s", "tau_d", "gamma", "b_S", "b_T", "shape")
#: Systematic error of each statistic (added in quadrature by the class assignment). τ_s, τ_d, γ: the
#: largest bias over the four exact models through :data:`PIPELINE` at the networks' CI sizes, the
#: noise of the mean removed (:func:`crit.analysis.calibration.calibrate`, exponential cut-off; 0.045,
#: 0.204, 0.179 at 1500 avalanches and x_c = 200, ≤ 0.04, 0.252, 0.174 at 2000 and x_c = 300, the
#: critical tree's slowly converging τ_d and γ setting the last two), rounded up. b_S, b_T: the
#: scatter of critical branching on N sites over a factor 16 in N (b_T = 0.40 ± 0.06 against 1/2 with
#: 3000 avalanches per width). The shape exponent: the pull of finite durations (:mod:`crit.analysis.shapes`).
SYSTEMATIC = {"tau_s": 0.05, "tau_d": 0.25, "gamma": 0.18, "b_S": 0.10, "b_T": 0.10, "shape": 0.10}


@dataclass(frozen=True, eq=False)
class Pipeline(Record):
    """The rules of one measurement pipeline (module docstring), fixed before any system is measured.

    Attributes
    ----------
    name : str
    dmin : float
        Smallest duration of the fits (units of the system's time step; v0 for ABBM).
    window_fraction : float
        End of the duration window as a fraction of the measured cut-off T_c = ⟨T³⟩/⟨T²⟩.
    censor_fraction : float
        The window never ends above this fraction of the cap (the duration of the censored avalanches).
    selection : str
        One of :data:`SELECTIONS`.
    size_quantile : float
        q of the size window: s_lo is the (1 − q) quantile of the sizes of the avalanches shorter than
        dmin, s_hi the q quantile of those lasting at least d_hi.
    gamma_bins_per_decade : int
    gamma_min_count : int
        Fewest avalanches in a bin of T for ⟨S⟩(T).
    max_groups : int
        Blocks of networks (or runs) of the jackknife.
    omega : str or float
        Correction exponent of the N → ∞ extrapolation: ``"b_T"`` (the measured width exponent of the
        duration cut-off) or a number.
    systematic : dict
        ``{statistic: error}`` added in quadrature by the class assignment (:data:`SYSTEMATIC`).
    cutoff_model : str
        One of :data:`CUTOFF_MODELS`.
    """

    name: str = "one pipeline"
    dmin: float = 10.0
    window_fraction: float = 1.0
    censor_fraction: float = 0.5
    selection: str = "ended"
    size_quantile: float = 0.1
    gamma_bins_per_decade: int = 6
    gamma_min_count: int = 20
    max_groups: int = 20
    omega: str | float = "b_T"
    cutoff_model: str = "exponential"
    systematic: dict = field(default_factory=lambda: dict(SYSTEMATIC))

    def __post_init__(self):
        _validate.real("dmin", self.dmin, minimum=0.0, strict_min=True)
        _validate.real("window_fraction", self.window_fraction, minimum=0.0, strict_min=True)
        _validate.real("censor_fraction", self.censor_fraction, minimum=0.0, maximum=1.0, strict_min=True)
        _validate.choice("selection", self.selection, SELECTIONS)
        _validate.real("size_quantile", self.size_quantile, minimum=0.0, maximum=0.5, strict_min=True,
                       strict_max=True)
        _validate.integer("gamma_bins_per_decade", self.gamma_bins_per_decade, minimum=1)
        _validate.integer("gamma_min_count", self.gamma_min_count, minimum=2)
        _validate.integer("max_groups", self.max_groups, minimum=MIN_NETWORKS)
        if isinstance(self.omega, str):
            _validate.choice("omega", self.omega, ("b_T",))
        else:
            _validate.real("omega", self.omega, minimum=0.0, strict_min=True)
        _validate.choice("cutoff_model", self.cutoff_model, CUTOFF_MODELS)
        if not isinstance(self.systematic, dict):
            raise TypeError(f"systematic must be a dict {{statistic: error}}, got {type(self.systematic).__name__}")
        for key, value in self.systematic.items():
            _validate.choice("a key of systematic", key, STATISTICS)
            _validate.real(f"systematic[{key!r}]", value, minimum=0.0)


#: The pipeline of the book: every system, network or exact model, is measured with it.
PIPELINE = Pipeline()


def _gamma(s, d, low, high, bins_per_decade, min_count):
    """Slope of ln⟨S⟩ on ln T over log-spaced bins of T in [low, high]; NaN with fewer than 3 full bins."""
    if not high > low:
        return np.nan
    edges = np.geomspace(low, high, max(3, int(np.ceil(bins_per_decade * np.log10(high / low)))) + 1)
    edges[-1] = np.nextafter(edges[-1], np.inf)  # the window's end belongs to the last bin
    k = np.digitize(d, edges) - 1
    ok = (k >= 0) & (k < edges.size - 1)
    counts = np.bincount(k[ok], minlength=edges.size - 1)
    sum_s = np.bincount(k[ok], weights=s[ok], minlength=edges.size - 1)
    sum_logd = np.bincount(k[ok], weights=np.log(d[ok]), minlength=edges.size - 1)
    use = counts >= min_count
    if use.sum() < 3:
        return np.nan
    return float(np.polyfit(sum_logd[use] / counts[use], np.log(sum_s[use] / counts[use]), 1)[0])


_EXACT_INTEGERS = 200  # a discrete law is summed exactly over this many integers, then by the midpoint rule
_GRID = 201  # points of the log grid of a continuous normalisation (Simpson-exact to ~1e-6 here)
_TAU_BOUNDS = (-2.0, 8.0)
_LAMBDA_MAX = 200.0  # largest λ·x_hi^β: the law falls by e^-200 across the window
MIN_IN_WINDOW = 20  # fewest avalanches a window may be fitted to


def _support(lo, hi, discrete):
    """(ln x, weight) of a quadrature of ∫ or Σ over [lo, hi]."""
    parts_x, parts_w = [], []
    if discrete:
        top = min(hi, lo + _EXACT_INTEGERS - 1)
        k = np.arange(lo, top + 1.0)
        parts_x.append(np.log(k))
        parts_w.append(np.ones_like(k))
        a, b = top + 0.5, hi + 0.5  # the rest by the midpoint rule: Σ_k f(k) ≈ ∫ f on [k − ½, k + ½]
    else:
        a, b = lo, hi
    if b > a and (not discrete or hi > lo + _EXACT_INTEGERS - 1):
        u = np.linspace(np.log(a), np.log(b), _GRID)
        w = np.full(u.size, u[1] - u[0]) * np.exp(u)
        w[0] /= 2
        w[-1] /= 2
        parts_x.append(u)
        parts_w.append(w)
    return np.concatenate(parts_x), np.concatenate(parts_w)


def fit_with_cutoff(data, *, discrete, xmin, xmax, beta=1.0, cutoff=True):
    """Maximum-likelihood (τ, λ) of ``p(x) ∝ x^-τ exp(−λ (x/xmax)^β)`` on ``[xmin, xmax]``.

    A truncated power law whose cut-off is in the model, so that a window reaching into the bend
    of the distribution does not steepen τ. λ ≥ 0 (λ = 0: the truncated power law; a hard cap gives
    λ ≈ 0). The likelihood is of exponential-family form in (τ, λ), so the negative log-likelihood is
    convex and its minimum unique. Discrete laws are summed exactly over the first 200 integers and
    by the midpoint rule beyond.

    Parameters
    ----------
    data : array_like
        Positive values (sizes or durations); those outside the window are ignored.
    discrete : bool
    xmin, xmax : float
        The window (units of the data).
    beta : float
        Stretching of the cut-off (1: exponential; 1/γ for sizes whose cut-off is a duration's).
    cutoff : bool
        Fit λ (True) or hold it at 0 (the truncated power law).

    Returns
    -------
    (tau, lam, n) : tuple
        τ dimensionless, λ the dimensionless strength of the cut-off at xmax, n the points fitted.
        τ is NaN when the maximum lies on a bound of τ (no power law on the window).

    Raises
    ------
    ValueError
        Fewer than ``MIN_IN_WINDOW`` points in the window, or a window with xmax <= xmin.
    """
    x = np.asarray(data, float)
    if not xmax > xmin:
        raise ValueError(f"the window must have xmax > xmin, got [{xmin!r}, {xmax!r}]")
    x = x[(x >= xmin) & (x <= xmax)]
    if x.size < MIN_IN_WINDOW:
        raise ValueError(f"only {x.size} point(s) lie in [{xmin:.4g}, {xmax:.4g}]; {MIN_IN_WINDOW} are needed")
    lg, w = _support(float(xmin), float(xmax), bool(discrete))
    lw = np.log(w)
    xb = np.exp(beta * (lg - np.log(xmax)))
    mean_log, mean_xb = float(np.log(x).mean()), float(np.mean((x / xmax) ** beta))

    def moments(tau, lam):
        """(−log-likelihood per point, gradient, Hessian) at (τ, λ): the family is exponential in
        (τ, λ) with sufficient statistics (ln x, (x/xmax)^β), so the Hessian is their covariance."""
        e = -tau * lg - lam * xb + lw
        top = e.max()
        q = np.exp(e - top)
        z = q.sum()
        q /= z
        m = np.array([q @ lg, q @ xb])
        c = np.array([[q @ lg**2, q @ (lg * xb)], [q @ (lg * xb), q @ xb**2]]) - np.outer(m, m)
        value = tau * mean_log + lam * mean_xb + top + np.log(z)
        return value, np.array([mean_log, mean_xb]) - m, c

    p = np.array([1.5, 0.0])
    value, grad, hess = moments(*p)
    for _ in range(100):  # projected Newton with backtracking (the objective is convex)
        free = [0, 1] if (cutoff and (p[1] > 0 or grad[1] < 0)) else [0]
        step = np.zeros(2)
        step[free] = np.linalg.solve(hess[np.ix_(free, free)] + 1e-12 * np.eye(len(free)), grad[free])
        t = 1.0
        while True:
            trial = p - t * step
            trial[0] = np.clip(trial[0], *_TAU_BOUNDS)
            trial[1] = np.clip(trial[1], 0.0, _LAMBDA_MAX if cutoff else 0.0)
            new_value, new_grad, new_hess = moments(*trial)
            if new_value <= value + 1e-12 or t < 1e-8:
                break
            t /= 2
        converged = abs(value - new_value) < 1e-12 and np.abs(trial - p).max() < 1e-9
        p, value, grad, hess = trial, new_value, new_grad, new_hess
        if converged:
            break
    tau, lam = float(p[0]), float(p[1])
    if not (_TAU_BOUNDS[0] + 1e-6 < tau < _TAU_BOUNDS[1] - 1e-6):
        tau = float("nan")
    return tau, lam, int(x.size)


def _estimates(s, d, pipeline, discrete_sizes, discrete_durations, s_win, d_win, beta_s):
    """(τ_s, τ_d, γ, S_c, T_c) on fixed windows, and why any is NaN."""
    why, out = [], np.full(5, np.nan)
    cut = pipeline.cutoff_model == "exponential"
    for k, (x, discrete, (lo, hi), beta, label) in enumerate(((s, discrete_sizes, s_win, beta_s, "tau_s"),
                                                               (d, discrete_durations, d_win, 1.0, "tau_d"))):
        try:
            out[k] = fit_with_cutoff(x, discrete=discrete, xmin=lo, xmax=hi, beta=beta, cutoff=cut)[0]
        except ValueError as exc:  # too few avalanches in the window: the data, not the input
            why.append(f"{label}: no fit on [{lo:.4g}, {hi:.4g}]: {exc}")
            continue
        if np.isnan(out[k]):
            why.append(f"{label}: the likelihood's maximum lies on a bound of the exponent (no power law on "
                       f"[{lo:.4g}, {hi:.4g}])")
    out[2] = _gamma(s, d, d_win[0], d_win[1], pipeline.gamma_bins_per_decade, pipeline.gamma_min_count)
    if np.isnan(out[2]):
        why.append(f"gamma: fewer than 3 bins of T in [{d_win[0]:.4g}, {d_win[1]:.4g}] hold "
                   f"{pipeline.gamma_min_count} avalanches")
    out[3], out[4] = (s**2).sum() / s.sum(), (d**3).sum() / (d**2).sum()
    return out, "; ".join(why)


def _nan_exponents(name, n, n_groups, surviving, reason):
    nan = float("nan")
    return Exponents(name, *[nan] * 10, (), (), (), int(n), int(n_groups), surviving, reason)


def measure(pipeline, sizes, durations, *, groups, survived=None, discrete_sizes, discrete_durations,
            name="") -> Exponents:
    """τ_s, τ_d, γ and the cut-offs of paired avalanche sizes and durations, by ``pipeline``.

    Parameters
    ----------
    pipeline : Pipeline
        The rules (:data:`PIPELINE` for every system of the book).
    sizes, durations : array_like
        Paired S and T of every recorded avalanche (units of the system; T in its time steps).
    groups : array_like of int
        Network (or batch of independent runs) of each avalanche; merged into ``pipeline.max_groups``
        blocks (``group % max_groups``) for the jackknife.
    survived : array_like of bool, optional
        Avalanches still running at the cap (censored).
    discrete_sizes, discrete_durations : bool
        Whether S and T are integers (discrete likelihood).
    name : str

    Returns
    -------
    Exponents
        With ``covariance``, the jackknife covariance of (τ_s, τ_d, γ). NaN where the data cannot fill
        a window (no ended avalanche, a cut-off below ``dmin / window_fraction``, too few avalanches in
        a window; errors from fewer than 3 groups), with the reason in ``undetermined``.

    Raises
    ------
    TypeError, ValueError
        A pipeline that is not a :class:`Pipeline`; arrays of different lengths, negative or
        non-finite values, non-integers declared discrete.
    """
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"pipeline must be a Pipeline, got {type(pipeline).__name__}")
    s_all = _validate.finite_array("sizes", sizes, allow_empty=True)
    d_all = _validate.finite_array("durations", durations, allow_empty=True)
    g_all = np.asarray(groups)
    if g_all.dtype.kind not in "iu":
        raise TypeError(f"groups must be integers (a network index per avalanche), got dtype {g_all.dtype}")
    g_all = g_all.astype(np.int64) % pipeline.max_groups
    alive = np.zeros(s_all.size, bool) if survived is None else np.asarray(survived, bool)
    if not (s_all.shape == d_all.shape == g_all.shape == alive.shape):
        raise ValueError(f"sizes, durations, groups and survived must have the same length, got "
                         f"{s_all.shape}, {d_all.shape}, {g_all.shape}, {alive.shape}")
    for what, x, discrete in (("sizes", s_all, discrete_sizes), ("durations", d_all, discrete_durations)):
        if not isinstance(discrete, bool):
            raise TypeError(f"discrete_{what} must be a bool, got {discrete!r}")
        if (x < 0).any():
            raise ValueError(f"{what} must be >= 0, got {x.min()!r}")
        if discrete and np.any(x != np.round(x)):
            raise ValueError(f"{what} holds non-integer values but discrete_{what}=True")
    censored = alive if pipeline.selection == "ended" else np.zeros_like(alive)
    keep = ~censored & (s_all > 0) & (d_all > 0)
    s, d, g = s_all[keep], d_all[keep], g_all[keep]
    labels = np.unique(g)
    surviving = float(alive.mean()) if alive.size else float("nan")
    if s.size == 0:
        what = "nothing was recorded" if s_all.size == 0 else (
            f"all {s_all.size} avalanches survived or have zero size or duration")
        return _nan_exponents(name, 0, labels.size, surviving, f"no selected avalanche: {what}")
    cap = float(d_all[alive].min()) if alive.any() else np.inf
    t_c = float((d**3).sum() / (d**2).sum())
    d_lo = float(pipeline.dmin)
    d_hi = min(pipeline.window_fraction * t_c, pipeline.censor_fraction * cap)
    d_hi = float(np.floor(d_hi)) if discrete_durations else float(d_hi)
    if not d_hi > d_lo:
        return _nan_exponents(name, s.size, labels.size, surviving,
                              f"no duration window: its end {pipeline.window_fraction:g} T_c = {d_hi:.4g} (T_c = "
                              f"⟨T³⟩/⟨T²⟩ = {t_c:.4g}{f', cap {cap:g}' if np.isfinite(cap) else ''}) is not above "
                              f"dmin = {d_lo:g}")
    shorter, longer = s[d < d_lo], s[d >= d_hi]
    q = pipeline.size_quantile
    s_lo = float(np.quantile(shorter, 1 - q)) if shorter.size >= 10 else float(s.min())
    s_hi = float(np.quantile(longer, q)) if longer.size >= 10 else float(s.max())
    if discrete_sizes:
        s_lo, s_hi = max(float(np.floor(s_lo)), 1.0), float(np.floor(s_hi))
    if not s_hi > s_lo:
        return _nan_exponents(name, s.size, labels.size, surviving,
                              f"no size window: s_hi = {s_hi:.4g} is not above s_lo = {s_lo:.4g}")
    s_win, d_win = (s_lo, s_hi), (d_lo, d_hi)
    g_full = _gamma(s, d, d_lo, d_hi, pipeline.gamma_bins_per_decade, pipeline.gamma_min_count)
    beta_s = 1.0 / float(np.clip(g_full, 1.0, 3.0)) if np.isfinite(g_full) else 0.5
    args = (pipeline, discrete_sizes, discrete_durations, s_win, d_win, beta_s)
    full, why = _estimates(s, d, *args)
    reasons = [why] if why else []
    err, cov, correlation = np.full(5, np.nan), (), float("nan")
    if labels.size < MIN_NETWORKS:
        reasons.append("errors: " + too_few_networks(labels.size, "the jackknife over groups of avalanches"))
    else:
        leave = np.array([_estimates(s[g != k], d[g != k], *args)[0] for k in labels])
        err = jackknife_error(leave, axis=0)
        ok = np.isfinite(leave)
        lost = np.isnan(err) & np.isfinite(full)
        if lost.any():
            names = np.array(["tau_s", "tau_d", "gamma", "size_cutoff", "duration_cutoff"])[lost]
            reasons.append(f"errors of {', '.join(names)}: fewer than 2 leave-one-group-out samples could be fitted")
        rows = ok[:, :3].all(axis=1)
        if rows.sum() >= MIN_NETWORKS:
            x = leave[rows, :3]
            c = (rows.sum() - 1) / rows.sum() * (x - x.mean(axis=0)).T @ (x - x.mean(axis=0))
            cov = tuple(tuple(float(v) for v in row) for row in c)
        cut = leave[:, 3:5][np.isfinite(leave[:, 3:5]).all(axis=1)]
        if cut.shape[0] >= 3 and (cut.std(axis=0) > 0).all():
            correlation = float(np.corrcoef(cut.T)[0, 1])
    return Exponents(name, full[0], err[0], full[1], err[1], full[2], err[2], full[3], err[3], full[4], err[4],
                     s_win, d_win, d_win, int(s.size), int(labels.size), surviving, "; ".join(reasons), correlation,
                     cov)


def measure_record(pipeline, record, *, name="", groups=None) -> Exponents:
    """:func:`measure` of an avalanche record (network, sparse network, ResNet or exact model).

    Sizes are treated as discrete when every one is an integer (counts of active units), durations
    always (layers, generations, steps), except for records whose durations are not all integers
    (ABBM's model time), which are continuous. ``groups`` defaults to ``record.network``.
    """
    sizes = np.asarray(record.sizes, float)
    durations = np.asarray(record.durations, float)
    groups = np.asarray(record.network if groups is None else groups)
    return measure(pipeline, sizes, durations, groups=groups, survived=record.survived,
                   discrete_sizes=bool(np.all(sizes == np.round(sizes))),
                   discrete_durations=bool(np.all(durations == np.round(durations))), name=name)


def correction_exponent(pipeline, duration_cutoff_exponent, duration_cutoff_exponent_err=float("nan")):
    """(ω, ω_err) of the N → ∞ extrapolation under ``pipeline``: the measured b_T (``omega="b_T"``) or
    the pipeline's number (error 0). NaN when b_T is NaN or not positive (then no limit can be taken)."""
    if not isinstance(pipeline, Pipeline):
        raise TypeError(f"pipeline must be a Pipeline, got {type(pipeline).__name__}")
    if pipeline.omega != "b_T":
        return float(pipeline.omega), 0.0
    b, e = float(duration_cutoff_exponent), float(duration_cutoff_exponent_err)
    if not (np.isfinite(b) and b > 0):
        return float("nan"), float("nan")
    return b, e
