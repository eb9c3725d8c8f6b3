r"""Universality classes of avalanches: exponents with errors, reference classes and assignment.

One pipeline measures every system, exactly solvable or not: from paired sizes S and durations T,
and a *group* label per avalanche (a network, or a batch of independent runs), it fits

* the size exponent τ_s and the duration exponent τ_d by maximum likelihood on a window
  ``[xmin, xmax]`` (:func:`crit.analysis.stats.fit_power_law`; xmin by the minimum KS distance, xmax below
  the cut-off, see :func:`measure`),
* γ of ⟨S⟩(T) ~ T^γ on log-spaced bins of T,
* the cut-offs S_c = ⟨S²⟩/⟨S⟩ and T_c = ⟨T³⟩/⟨T²⟩ (for ``P(x) ~ x^-τ f(x/x_c)`` the ratio
  ⟨x^{k+1}⟩/⟨x^k⟩ scales as x_c when τ < k + 1; durations use k = 2 because mean-field DP has
  τ_d = 2, where ⟨T²⟩/⟨T⟩ ∝ x_c / ln x_c),

with errors from a delete-one-group jackknife, so that network-to-network (quenched) variation is
in the error bars (`paper-method.md` §7). :func:`classify` then measures the distance of (τ_s, τ_d,
γ) to each reference class in units of the combined error and assigns the nearest class within a
tolerance.

Data that do not allow an exponent (no ended avalanche, too few for a window, fewer than 3 groups
for the errors) give NaN and the reason in ``Exponents.undetermined``; a class assignment of NaN
exponents or errors is ``"undetermined"``, with the reason, rather than ``"none"``.

Reference classes (size τ, duration α, γ = 1/(σνz)):

========================  =========  =======  =======  ==========================================
class                     τ          α        γ        realisation
========================  =========  =======  =======  ==========================================
mean-field DP (log trap)  3/2        2        2        critical branching; ABBM at c = 0
ABBM, drive c = 1/2       5/4        3/2      2        BM in a weakened log trap, (3 − c)/2, 2 − c
free BM (absorbed)        4/3        3/2      3/2      random-walk excursion
1+1-D DP                  1.108      1.159    1.473    directed percolation on a line
========================  =========  =======  =======  ==========================================

Sources: di Santo, Villegas, Burioni & Muñoz, PRE 95, 032115 (2017) (log trap vs free random
walker); Colaiori, Adv. Phys. 57, 287 (2008) (ABBM with drive); Muñoz et al., PRE 59, 6175 (1999)
and :mod:`crit.models.lattice_dp` (1+1-D DP).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis.resampling import MIN_NETWORKS, jackknife_error, too_few_networks
from crit.analysis.stats import fit_power_law
from crit.models import exact_models, lattice_dp
from crit.records import Record

__all__ = [
    "REFERENCE_CLASSES", "SYSTEMATIC", "TOLERANCE", "Exponents", "ClassAssignment", "measure",
    "classify", "calibration", "power_law_in_width", "ratio_of_width_exponents", "extrapolate", "MAX_GROUPS",
    "cutoff_correlation",
]

#: (τ_s, τ_d, γ) of each reference class.
REFERENCE_CLASSES = {
    "mean-field DP": (1.5, 2.0, 2.0),
    "ABBM c=1/2": (1.25, 1.5, 2.0),
    "free BM": (4 / 3, 1.5, 1.5),
    "1+1-D DP": tuple(round(x, 4) for x in lattice_dp.AVALANCHE_EXPONENTS),
}
#: Systematic error added in quadrature to the statistical one of (τ_s, τ_d, γ): the spread of
#: finite-window estimates on exact models at our sample sizes (notes §4.4: γ of critical
#: branching from ⟨S⟩(T) on T ≤ 200 is 1.91, τ_d 1.94–2.11 with x_min).
SYSTEMATIC = (0.03, 0.06, 0.08)
#: Largest RMS distance (in combined errors) at which the nearest class is assigned.
TOLERANCE = 2.5


@dataclass(frozen=True, eq=False)
class Exponents(Record):
    """Avalanche exponents and cut-offs of one system, with jackknife errors over groups.

    Attributes
    ----------
    name : str
    tau_s, tau_s_err : float
        Size exponent and error, fitted on ``size_window``.
    tau_d, tau_d_err : float
        Duration exponent and error, fitted on ``duration_window``.
    gamma, gamma_err : float
        Slope of log ⟨S⟩ against log T on ``gamma_window``.
    size_cutoff, size_cutoff_err, duration_cutoff, duration_cutoff_err : float
        S_c = ⟨S²⟩/⟨S⟩ and T_c = ⟨T³⟩/⟨T²⟩ of the ended avalanches (units of S and of T).
    size_window, duration_window, gamma_window : tuple
        (low, high) of each fit, in the units of S and of T.
    n_avalanches, n_groups : int
        Ended avalanches used and groups of the jackknife.
    surviving_fraction : float
        Fraction of the avalanches still running at the cap (excluded; censored).
    undetermined : str
        Why numbers are NaN because of the data (values, or only their errors); empty when every
        number was determined.
    cutoff_correlation : float
        Correlation of S_c and T_c over the leave-one-group-out estimates (the same networks make
        both, so their errors are not independent); NaN without a jackknife.
    covariance : tuple
        Jackknife covariance of (τ_s, τ_d, γ) as a 3×3 tuple of tuples (the same avalanches make all
        three, so their errors are correlated); empty when not measured (:func:`measure` leaves it
        empty, :func:`crit.analysis.pipeline.measure` fills it).
    """

    name: str
    tau_s: float
    tau_s_err: float
    tau_d: float
    tau_d_err: float
    gamma: float
    gamma_err: float
    size_cutoff: float
    size_cutoff_err: float
    duration_cutoff: float
    duration_cutoff_err: float
    size_window: tuple
    duration_window: tuple
    gamma_window: tuple
    n_avalanches: int
    n_groups: int
    surviving_fraction: float
    undetermined: str = ""
    cutoff_correlation: float = float("nan")
    covariance: tuple = ()

    @property
    def determined(self) -> bool:
        """Whether the data gave every exponent, cut-off and error (see ``undetermined`` for why not)."""
        return not self.undetermined

    @property
    def values(self) -> np.ndarray:
        """(τ_s, τ_d, γ)."""
        return np.array([self.tau_s, self.tau_d, self.gamma])

    @property
    def errors(self) -> np.ndarray:
        """Their statistical errors."""
        return np.array([self.tau_s_err, self.tau_d_err, self.gamma_err])


@dataclass(frozen=True, eq=False)
class ClassAssignment(Record):
    """Distances of one system's exponents to every reference class.

    Attributes
    ----------
    name : str
    distances : dict
        RMS over (τ_s, τ_d, γ) of (measured − reference)/combined error, per class.
    assigned : str
        The nearest class when its distance is at most ``tolerance``, ``"none"`` when every class is
        farther, ``"undetermined"`` when the distances are NaN.
    tolerance : float
    undetermined : str
        Why the distances are NaN (exponents or errors undetermined); empty when they are not.
    """

    name: str
    distances: dict
    assigned: str
    tolerance: float
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the distances, hence the assignment, were determined (see ``undetermined``)."""
        return not self.undetermined


_GAMMA_MIN_COUNT = 20
#: Blocks of networks (``network % MAX_GROUPS``) of :func:`measure`'s jackknife, by default.
MAX_GROUPS = 20


def _gamma(s, d, low, high, bins_per_decade=6, min_count=_GAMMA_MIN_COUNT):
    edges = np.geomspace(low, high, max(3, int(np.ceil(bins_per_decade * np.log10(high / low)))) + 1)
    k = np.digitize(d, edges) - 1
    ok = (k >= 0) & (k < edges.size - 1)
    counts = np.bincount(k[ok], minlength=edges.size - 1)
    mean_s = np.bincount(k[ok], weights=s[ok], minlength=edges.size - 1)
    mean_logd = np.bincount(k[ok], weights=np.log(d[ok]), minlength=edges.size - 1)
    use = counts >= min_count
    if use.sum() < 3:
        return np.nan
    x = mean_logd[use] / counts[use]
    y = np.log(mean_s[use] / counts[use])
    return float(np.polyfit(x, y, 1)[0])


def _estimate_and_reason(s, d, discrete_sizes, discrete_durations, s_win, d_win, g_win):
    """(τ_s, τ_d, γ, S_c, T_c) on the windows, and why some are NaN: every number NaN when a window
    fit fails (a sample too thin for it; inputs are checked by :func:`measure`), an exponent NaN
    when its fit is undetermined."""
    try:
        ts = fit_power_law(s, discrete=discrete_sizes, xmin=s_win[0], xmax=s_win[1])
        td = fit_power_law(d, discrete=discrete_durations, xmin=d_win[0], xmax=d_win[1])
    except ValueError as exc:
        return np.full(5, np.nan), f"the fits on the windows failed: {exc}"
    why = "; ".join(f"{k}: {f.undetermined}" for k, f in (("tau_s", ts), ("tau_d", td))
                    if getattr(f, "undetermined", ""))
    full = np.array([ts.alpha, td.alpha, _gamma(s, d, *g_win), (s**2).sum() / s.sum(), (d**3).sum() / (d**2).sum()])
    return full, why


def cutoff_correlation(size_cutoffs, duration_cutoffs) -> float:
    """Correlation of leave-one-group-out S_c and T_c over the groups where both are finite.

    NaN with fewer than 3 such groups, or when either is constant over them.
    """
    cut = np.stack([np.asarray(size_cutoffs, float), np.asarray(duration_cutoffs, float)], axis=1)
    cut = cut[np.isfinite(cut).all(axis=1)]
    if cut.shape[0] < 3 or not (cut.std(axis=0) > 0).all():
        return float("nan")
    return float(np.corrcoef(cut.T)[0, 1])


def measure(sizes, durations, *, groups, survived=None, discrete_sizes, discrete_durations, dmin=2.0,
            gamma_dmin=10.0, name="", max_groups=MAX_GROUPS,
            window_fraction=1.0, fixed_dmin=False) -> Exponents:
    """Exponents, γ and cut-offs of paired avalanche sizes and durations, with jackknife errors.

    The windows are fixed on all the data, then every leave-one-group-out estimate reuses them:

    * durations: ``[xmin, d_hi]`` with ``d_hi = min(window_fraction · ⟨T²⟩/⟨T⟩, cap/2)`` (``cap`` the duration of the
      censored avalanches, when there are any) and xmin by the minimum KS distance, at least ``dmin``;
    * sizes: ``[xmin, s_hi]`` with ``s_hi`` the 10th percentile of the sizes of avalanches lasting
      at least ``d_hi`` (larger sizes are thinned by the duration cut-off), xmin by minimum KS;
    * γ: log-spaced bins of T on ``[gamma_dmin, d_hi]``.

    Parameters
    ----------
    sizes, durations : array_like
        Paired S and T of every avalanche (units of the system).
    groups : array_like of int
        Independent unit of each avalanche (network index, or run batch); merged into at most
        ``max_groups`` blocks (``group % max_groups``) for the jackknife.
    survived : array_like of bool, optional
        Avalanches still running at the cap: excluded from the fits.
    discrete_sizes, discrete_durations : bool
        Whether S and T are integers (discrete likelihood).
    dmin, gamma_dmin : float
        Smallest duration of the duration fit and of the γ fit (units of T).
    name : str
    window_fraction : float
        Fraction of ⟨T²⟩/⟨T⟩ at which the fits stop (1 for the calibration models, whose
        only cut-off is the cap).
    fixed_dmin : bool
        Start the duration fit at ``dmin`` instead of searching xmin by the KS distance (for short
        windows, where the search can leave less than a decade).

    Returns
    -------
    Exponents
        NaN where the data do not allow a number (no ended avalanche, too few in a window; errors
        with fewer than 3 groups), with the reason in ``undetermined``.
    """
    s_all = _validate.finite_array("sizes", sizes, allow_empty=True)
    d_all = _validate.finite_array("durations", durations, allow_empty=True)
    g_all = np.asarray(groups, dtype=np.int64) % _validate.integer("max_groups", max_groups, minimum=3)
    alive = np.zeros(s_all.size, bool) if survived is None else np.asarray(survived, bool)
    if not (s_all.shape == d_all.shape == g_all.shape == alive.shape):
        raise ValueError("sizes, durations, groups and survived must have the same length")
    for what, x, discrete in (("sizes", s_all, discrete_sizes), ("durations", d_all, discrete_durations)):
        if (x < 0).any():
            raise ValueError(f"{what} must be >= 0, got {x.min()!r}")
        if discrete and np.any(x != np.round(x)):
            raise ValueError(f"{what} holds non-integer values but discrete_{what}=True")
    keep = ~alive & (s_all > 0) & (d_all > 0)
    s, d, g = s_all[keep], d_all[keep], g_all[keep]
    labels = np.unique(g)
    surviving = float(alive.mean()) if alive.size else float("nan")
    if s.size == 0:
        nan, what = float("nan"), "nothing was recorded" if s_all.size == 0 else (
            f"all {s_all.size} avalanches survived or have zero size or duration")
        return Exponents(name, *[nan] * 10, (), (), (), 0, int(labels.size), surviving,
                         f"no ended avalanche of positive size and duration: {what}")
    cap = d_all[alive].min() if alive.any() else np.inf
    d_hi = float(min(window_fraction * (d**2).sum() / d.sum(), cap / 2))
    d_hi = float(np.floor(d_hi)) if discrete_durations else d_hi
    longer = s_all[d_all >= d_hi]
    s_hi = float(np.quantile(longer, 0.1)) if longer.size >= 10 else float(s.max())
    s_hi = float(np.floor(s_hi)) if discrete_sizes else s_hi
    try:
        if fixed_dmin:
            d_lo = float(dmin)
        else:
            d_lo = fit_power_law(d[(d >= dmin) & (d <= d_hi)], discrete=discrete_durations, xmax=d_hi).xmin
        s_lo = fit_power_law(s[s <= s_hi], discrete=discrete_sizes, xmax=s_hi).xmin
    except ValueError as exc:  # inputs are checked above: only the data can fail here
        nan = float("nan")
        return Exponents(name, *[nan] * 10, (), (), (), int(s.size), int(labels.size), surviving,
                         f"no fit window: {exc}")
    s_lo = min(s_lo, s_hi / 30)  # keep at least 1.5 decades of sizes in the fit
    s_lo = float(np.floor(s_lo)) if discrete_sizes else s_lo
    s_win, d_win = (max(s_lo, 1.0) if discrete_sizes else s_lo, s_hi), (d_lo, d_hi)
    g_win = (float(gamma_dmin), d_hi)
    args = (discrete_sizes, discrete_durations, s_win, d_win, g_win)
    full, why = _estimate_and_reason(s, d, *args)
    reasons = [why] if why else []
    if np.isnan(full[2]) and not np.isnan(full).all():
        reasons.append(f"gamma: fewer than 3 bins of T in [{g_win[0]:g}, {g_win[1]:g}] hold {_GAMMA_MIN_COUNT} "
                       "ended avalanches")
    correlation = float("nan")
    if labels.size < MIN_NETWORKS:
        err = np.full(5, np.nan)
        reasons.append("errors: " + too_few_networks(labels.size, "the jackknife over groups of avalanches"))
    else:
        leave = np.array([_estimate_and_reason(s[g != k], d[g != k], *args)[0] for k in labels])
        err = jackknife_error(leave, axis=0)
        lost = np.isnan(err) & np.isfinite(full)
        if lost.any():
            names = np.array(["tau_s", "tau_d", "gamma", "size_cutoff", "duration_cutoff"])[lost]
            reasons.append(f"errors of {', '.join(names)}: fewer than 2 leave-one-group-out samples could be fitted")
        correlation = cutoff_correlation(leave[:, 3], leave[:, 4])
    return Exponents(
        name, full[0], err[0], full[1], err[1], full[2], err[2], full[3], err[3], full[4], err[4],
        s_win, d_win, g_win, int(s.size), int(labels.size), surviving, "; ".join(reasons), correlation,
    )


def classify(exponents: Exponents, *, classes=None, systematic=SYSTEMATIC, tolerance=TOLERANCE) -> ClassAssignment:
    """Distance of (τ_s, τ_d, γ) to each reference class and the nearest class within ``tolerance``.

    The distance to a class is ``sqrt(mean_i z_i²)`` with ``z_i = (x_i − ref_i)/sqrt(err_i² + sys_i²)``
    over the three exponents: 1 means "one combined error away on average".

    Parameters
    ----------
    exponents : Exponents
    classes : dict, optional
        ``{name: (τ_s, τ_d, γ)}``; default :data:`REFERENCE_CLASSES`.
    systematic : tuple of 3 float
        Systematic errors added in quadrature (default :data:`SYSTEMATIC`).
    tolerance : float
        Largest distance at which a class is assigned.

    Returns
    -------
    ClassAssignment
        ``assigned == "undetermined"`` (NaN distances, the reason in ``undetermined``) when an
        exponent or its error is NaN.
    """
    classes = REFERENCE_CLASSES if classes is None else classes
    combined = np.sqrt(exponents.errors**2 + np.asarray(systematic, float) ** 2)
    distances = {
        k: float(np.sqrt(np.mean(((exponents.values - np.asarray(ref)) / combined) ** 2))) for k, ref in classes.items()
    }
    best = min(distances, key=distances.get)
    assigned = best if distances[best] <= tolerance and np.isfinite(distances[best]) else "none"
    names = ("tau_s", "tau_d", "gamma")
    missing = [n for n, v in zip(names, exponents.values, strict=True) if np.isnan(v)]
    missing += [f"{n}_err" for n, e in zip(names, exponents.errors, strict=True) if np.isnan(e)]
    reason = ""
    if missing:
        assigned = "undetermined"
        why = getattr(exponents, "undetermined", "")
        reason = f"{', '.join(missing)} NaN" + (f" ({why})" if why else "")
    return ClassAssignment(exponents.name, distances, assigned, float(tolerance), reason)


def calibration(n_runs, *, cap_scale, rng) -> dict:
    """Run the four models of known class through :func:`measure`.

    Models: critical Poisson(1) Galton–Watson trees (mean-field DP), simple random-walk
    excursions (free BM), ABBM with drive c = 1/2, and 1+1-D bond DP at p_c. Groups are 20 batches
    of independent runs. The models draw from ``rng`` in that order.

    Parameters
    ----------
    n_runs : int
        Avalanches per model (1+1-D DP gets ``n_runs // 3`` runs).
    cap_scale : float
        Scale of the caps: ``1000 · cap_scale`` generations for the trees and the 1+1-D DP steps
        (half that), ten times as many steps for the walks, ``20 · cap_scale`` time units for ABBM.
    rng : numpy.random.Generator or int

    Returns
    -------
    dict
        ``{name: Exponents}``, names as in :data:`REFERENCE_CLASSES`.
    """
    n = _validate.integer("n_runs", n_runs, minimum=3)
    scale = _validate.real("cap_scale", cap_scale, minimum=0.0, strict_min=True)
    rng = _validate.rng("rng", rng, allow_seed=True)
    cap = int(1000 * scale)
    runs = {
        "mean-field DP": (exact_models.galton_watson(n, max_generations=cap, keep_traces=False, rng=rng), True, True),
        "free BM": (exact_models.random_walk_excursions(n, max_steps=10 * cap, keep_traces=False, rng=rng), True, True),
        "ABBM c=1/2": (exact_models.abbm(n, c=0.5, v0=0.1, dt=2e-3, max_time=20.0 * scale, rng=rng), False, False),
        "1+1-D DP": (lattice_dp.bond_dp(n // 3, max_steps=cap // 2, rng=rng), True, True),
    }
    out = {}
    for name, (av, ds, dd) in runs.items():
        groups = av.network
        dmin = 0.05 if name.startswith("ABBM") else 10.0
        gmin = 0.1 if name.startswith("ABBM") else 10.0
        out[name] = measure(av.sizes, av.durations, groups=groups, survived=av.survived, discrete_sizes=ds,
                            discrete_durations=dd, dmin=dmin, gamma_dmin=gmin, name=name)
    return out


def power_law_in_width(widths, values, errors):
    """Exponent b of ``value ∝ N^b`` by weighted least squares in log–log, and its error.

    Parameters
    ----------
    widths, values, errors : array_like
        N, the quantity and its standard error (same units as the quantity).

    Returns
    -------
    (b, b_err) : tuple of float
        NaN when fewer than 2 widths have a finite, positive value with a finite error.
    """
    n, v, e = (np.asarray(a, float) for a in (widths, values, errors))
    ok = np.isfinite(v) & np.isfinite(e) & (v > 0)
    if ok.sum() < 2:
        return float("nan"), float("nan")
    n, v, e = n[ok], v[ok], e[ok]
    x, y, w = np.log(n), np.log(v), (v / np.maximum(e, 1e-300)) ** 2
    coef, cov = np.polyfit(x, y, 1, w=np.sqrt(w), cov="unscaled")
    return float(coef[0]), float(np.sqrt(cov[0, 0]))


def ratio_of_width_exponents(widths, a, a_err, b, b_err, correlation):
    """Ratio b_a/b_b of the width exponents of two quantities measured on the same networks, and its error.

    Each exponent is the weighted least-squares slope of :func:`power_law_in_width`, a linear
    combination of ln a(N) (resp. ln b(N)); widths are independent, but at one width a and b come
    from the same networks, with the given correlation, so the error of the ratio carries the
    covariance of the two slopes (delta method). With ``correlation`` 0 it is the independent-error
    propagation.

    Parameters
    ----------
    widths, a, a_err, b, b_err : array_like
        N and the two quantities with their standard errors (per width).
    correlation : array_like
        Correlation of the errors of a and b at each width, in [-1, 1]; NaN counts as 0.

    Returns
    -------
    (ratio, ratio_err) : tuple of float
        NaN when fewer than 2 widths have finite positive values and errors for both.
    """
    n, a, ea, b, eb = (np.asarray(v, float) for v in (widths, a, a_err, b, b_err))
    rho = np.nan_to_num(np.asarray(correlation, float) * np.ones_like(n), nan=0.0)
    if (np.abs(rho) > 1).any():
        raise ValueError(f"correlation must lie in [-1, 1], got {rho[np.abs(rho) > 1][0]!r}")
    ok = np.isfinite(a) & np.isfinite(ea) & (a > 0) & np.isfinite(b) & np.isfinite(eb) & (b > 0) & (ea > 0) & (eb > 0)
    if ok.sum() < 2:
        return float("nan"), float("nan")
    x = np.log(n[ok])
    sa, sb = ea[ok] / a[ok], eb[ok] / b[ok]  # errors of ln a and ln b

    def coefficients(sigma):
        w = 1 / sigma**2
        dx = x - np.sum(w * x) / w.sum()
        return w * dx / np.sum(w * dx**2)

    ca, cb = coefficients(sa), coefficients(sb)
    slope_a, slope_b = float(ca @ np.log(a[ok])), float(cb @ np.log(b[ok]))
    var_a, var_b = float(np.sum(ca**2 * sa**2)), float(np.sum(cb**2 * sb**2))
    cov = float(np.sum(ca * cb * rho[ok] * sa * sb))
    ratio = slope_a / slope_b
    rel = var_a / slope_a**2 + var_b / slope_b**2 - 2 * cov / (slope_a * slope_b)
    return ratio, float(abs(ratio) * np.sqrt(max(rel, 0.0)))


def extrapolate(widths, values, errors, *, omega=1.0):
    """Value at N → ∞ of ``value = a + b N^-ω`` by weighted least squares, and its error.

    Parameters
    ----------
    widths, values, errors : array_like
    omega : float
        Correction exponent (1: corrections in 1/N).

    Returns
    -------
    (a, a_err, b) : tuple of float
        NaN when fewer than 3 widths have a finite value.
    """
    n, v, e = (np.asarray(a, float) for a in (widths, values, errors))
    ok = np.isfinite(v) & np.isfinite(e)
    if ok.sum() < 3:
        return float("nan"), float("nan"), float("nan")
    n, v, e = n[ok], v[ok], e[ok]
    coef, cov = np.polyfit(n**-omega, v, 1, w=1 / e, cov="unscaled")
    return float(coef[1]), float(np.sqrt(cov[1, 1])), float(coef[0])
