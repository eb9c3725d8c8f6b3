r"""Finite-size scaling of network avalanches in the width N: sweeps, cut-offs, collapse.

Systems (each at its own finite-width critical point, so that N is the only scale):

``tanh``
    The paper's network, σ_b² = 0, σ_w² = σ_{w,c}²(N) = exp[ln(N/2) − ψ(N/2)]
    (:func:`crit.models.theory.finite_width_critical_sigma_w2`), where ln‖h‖² has zero drift.
``tanh, driven``
    The quasi-critical line with a drive that falls as 1/N. With the book's drive
    h = Nσ_b²/q0 (the bias's share of ‖h‖² per layer, in units of the threshold), the line is
    h = H/N and σ_w² = σ_{w,c}²(N) − h, i.e. σ_b² = H q0/N², for a fixed *scaled drive* H = N·h.
    The drift of x = ln(‖h‖²/q0) becomes ln[(σ_w² + h q0 e^{−x}/q0)/σ_{w,c}²] ≈ h (e^{−x} − 1): zero
    at the threshold, restoring above it. In the time t = layer/N of the undriven walk (step
    variance ≈ 2/N) this drift is H (e^{−x} − 1), N-free, so a fixed H is one point of the scaling
    function: the analogue, for this class, of the field scale h ~ 1/N of mean-field DP (notes §2.4).
``relu``
    ReLU, σ_b² = 0, at its own zero-drift point σ_{w,c}²(N) = exp[ln(N/2) − E ψ(K/2)], K ~ Bin(N, ½)
    the number of positive units (:func:`relu_critical_sigma_w2`).

Why the cut-offs come from N: for tanh at σ_{w,c}²(N) the log-norm walk has only the curvature
drift −2‖h‖²/N, which caps ‖h‖² at O(1) after O(N) layers; in t = layer/N the walk is
N-independent, so T_c ∝ N and S_c ∝ √N · N · √q0 ∝ N^{3/2} (free BM: γ = 3/2). Mean-field DP
would give T_c ∝ N^{1/2}, S_c ∝ N (notes §2.4). ReLU is homogeneous: no curvature, no cap, and
its cut-off is the depth. The depth should therefore grow as N (a fixed multiple of N), and the
surviving fraction be reported with every sweep.

``sparse step`` (:data:`SPARSE`)
    The other class: binary threshold units with sparse connections (:mod:`crit.models.sparse_networks`)
    at their critical point, avalanches started by one active unit and ended at silence. Its
    cut-offs come from the collisions of activity, T_c ∝ N^{1/2}, so its depth should grow as √N.
``branching on N sites`` (:data:`BRANCHING`)
    Critical branching on N sites (:func:`crit.models.exact_models.finite_population_branching`):
    mean-field DP with exactly T_c ∝ N^{1/2}, S_c ∝ N, the calibration of the cut-off exponents.

:func:`finite_size_scaling` measures one system over widths (``{width: avalanche record}``) and fits
the N-dependence of its exponents and cut-offs. What the data do not allow (a width whose avalanches
give no exponent, N-exponents from fewer than 2 widths, N → ∞ limits from fewer than 3) is NaN, with
the reason in :attr:`FiniteSizeScaling.undetermined`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from crit import _validate
from crit.analysis import universality
from crit.analysis.resampling import MIN_NETWORKS, jackknife_error
from crit.models import theory
from crit.records import Record

__all__ = ["SYSTEMS", "SPARSE", "BRANCHING", "WINDOW_FRACTION", "relu_critical_sigma_w2",
           "operating_point", "FiniteSizeScaling", "cutoff_exponent_errors", "finite_size_scaling"]

SYSTEMS = ("tanh", "tanh, driven", "relu")
#: Name of the sparse threshold network system (:mod:`crit.models.sparse_networks`).
SPARSE = "sparse step"
#: Name of the exact mean-field-DP calibration over N (:func:`crit.models.exact_models.finite_population_branching`).
BRANCHING = "branching on N sites"
#: Fits of network avalanches stop at this fraction of ⟨T²⟩/⟨T⟩: near T_c the walkers that met
#: the saturation ceiling of tanh come back together and put a shoulder on P(T), which would bias
#: τ_d downward (seen in the data: τ_d ≈ 1.33 at N = 256 with the full window).
WINDOW_FRACTION = 0.25


def relu_critical_sigma_w2(width) -> float:
    """Zero-drift σ_w² of ln‖h‖² for a ReLU network of width N at σ_b² = 0.

    Given h^l, h^{l+1} ~ N(0, σ_w² m_l I), m_l = N⁻¹ Σ relu(h_j)²: ln q^{l+2} − ln q^{l+1} =
    ln σ_w² + ln[Σ_{j∈A} z_j²/N] with K = size of A ~ Bin(N, ½) positive units, whose mean is
    ln σ_w² + E ψ(K/2) − ln(N/2). Tends to 2 (the mean-field ReLU point) as N → ∞.

    Examples
    --------
    >>> round(relu_critical_sigma_w2(64), 4)
    2.0818
    """
    n = _validate.integer("width", width, minimum=2)
    k = np.arange(1, n + 1)
    w = stats.binom.pmf(k, n, 0.5)
    return float(np.exp(np.log(n / 2) - np.sum(w * special.digamma(k / 2)) / w.sum()))


def operating_point(system: str, width: int, *, scaled_drive=1.0, q0=0.1):
    """(σ_w², σ_b², activation) of ``system`` at width N (see the module docstring).

    ``scaled_drive`` is H = N·h of the driven line (h = Nσ_b²/q0, the drive), dimensionless.
    """
    _validate.choice("system", system, SYSTEMS)
    if system == "relu":
        return relu_critical_sigma_w2(width), 0.0, "relu"
    critical = theory.finite_width_critical_sigma_w2(width)
    if system == "tanh":
        return critical, 0.0, "tanh"
    return critical - scaled_drive / width, scaled_drive * q0 / width**2, "tanh"


@dataclass(frozen=True, eq=False)
class FiniteSizeScaling(Record):
    """Exponents and cut-offs of one system against N, their N-exponents and N → ∞ limits.

    Attributes
    ----------
    system : str
    widths : numpy.ndarray
    tau_s, tau_s_err, tau_d, tau_d_err, gamma, gamma_err : numpy.ndarray
        Per width (jackknife over networks).
    size_cutoff, size_cutoff_err, duration_cutoff, duration_cutoff_err : numpy.ndarray
        S_c = ⟨S²⟩/⟨S⟩ and T_c = ⟨T³⟩/⟨T²⟩ per width.
    surviving_fraction : numpy.ndarray
    size_cutoff_exponent, size_cutoff_exponent_err, duration_cutoff_exponent, duration_cutoff_exponent_err : float
        Slopes of log S_c and log T_c against log N (weighted least squares, the weights the
        cut-offs' errors); errors from a jackknife of the whole fit over blocks of networks
        (:func:`cutoff_exponent_errors`).
    limit : dict
        ``{"tau_s": (value, error), "tau_d": …, "gamma": …}`` at N → ∞ from a fit in 1/N.
    undetermined : str
        Why numbers are NaN because of the data, part by part; empty when every number was determined.
    width_undetermined : tuple of str
        Per width, the ``undetermined`` of its :class:`~crit.analysis.universality.Exponents`.
    cutoff_ratio, cutoff_ratio_err : float
        b_S/b_T (γ of the cut-offs), with the correlation of S_c and T_c over networks at each width
        (:func:`~crit.analysis.universality.ratio_of_width_exponents`), and its error from the same
        jackknife as b_S and b_T.
    cutoff_correlations : numpy.ndarray
        Per width, the correlation of S_c and T_c over the leave-one-group-out estimates (NaN without).
    omega, omega_err : float
        Correction exponent of the N → ∞ limits and its error (with a pipeline whose ω is the measured
        b_T, the error of b_T, whose effect is in the limits' errors); NaN for the per-system
        options of :data:`MEASURE_OPTIONS`, whose ω is in that table.
    pipeline : str
        Name of the :class:`~crit.analysis.pipeline.Pipeline` that measured every width, "" for
        :data:`MEASURE_OPTIONS`.
    """

    system: str
    widths: np.ndarray
    tau_s: np.ndarray
    tau_s_err: np.ndarray
    tau_d: np.ndarray
    tau_d_err: np.ndarray
    gamma: np.ndarray
    gamma_err: np.ndarray
    size_cutoff: np.ndarray
    size_cutoff_err: np.ndarray
    duration_cutoff: np.ndarray
    duration_cutoff_err: np.ndarray
    surviving_fraction: np.ndarray
    size_cutoff_exponent: float
    size_cutoff_exponent_err: float
    duration_cutoff_exponent: float
    duration_cutoff_exponent_err: float
    limit: dict
    undetermined: str = ""
    width_undetermined: tuple = ()
    cutoff_ratio: float = float("nan")
    cutoff_ratio_err: float = float("nan")
    cutoff_correlations: np.ndarray = field(default_factory=lambda: np.zeros(0))
    omega: float = float("nan")
    omega_err: float = float("nan")
    pipeline: str = ""

    @property
    def determined(self) -> bool:
        """Whether every number was determined (see ``undetermined`` for what was not, and why)."""
        return not self.undetermined

    def exponents_at(self, k: int, name=None) -> universality.Exponents:
        """The exponents of width index ``k`` as an :class:`~crit.analysis.universality.Exponents` (no windows)."""
        why = self.width_undetermined[k] if self.width_undetermined else ""
        return universality.Exponents(
            name or f"{self.system}, N={int(self.widths[k])}", self.tau_s[k], self.tau_s_err[k], self.tau_d[k],
            self.tau_d_err[k], self.gamma[k], self.gamma_err[k], self.size_cutoff[k], self.size_cutoff_err[k],
            self.duration_cutoff[k], self.duration_cutoff_err[k], (), (), (), 0, 0, float(self.surviving_fraction[k]),
            why)

    def limit_exponents(self) -> universality.Exponents:
        """The N → ∞ extrapolation as an :class:`~crit.analysis.universality.Exponents` (cut-offs NaN:
        not extrapolated)."""
        (ts, es), (td, ed), (g, eg) = (self.limit[k] for k in ("tau_s", "tau_d", "gamma"))
        nan = float("nan")
        missing = [k for k in ("tau_s", "tau_d", "gamma") if np.isnan(self.limit[k][0])]
        why = _limit_reason(missing, self.widths.size) if missing else ""
        return universality.Exponents(f"{self.system}, N→∞", ts, es, td, ed, g, eg, nan, nan, nan, nan,
                                      (), (), (), 0, 0, nan, why)


def _limit_reason(missing, n_widths):
    return f"N → ∞ limit of {', '.join(missing)}: needs 3 widths with a finite value and error (of {n_widths})"


#: How each system is measured: the smallest duration of the fits, the end of the window as a
#: fraction of ⟨T²⟩/⟨T⟩, and the correction exponent ω of the N → ∞ extrapolation. The dense networks
#: stop at WINDOW_FRACTION · ⟨T²⟩/⟨T⟩ (ceiling shoulder). Branching-like activity has corrections
#: ∝ 1/T ∝ N^{-1/2} and needs T ≥ 10 (an exact critical tree's window slope is far below 2 on
#: T = 3…20: :func:`crit.models.sparse_networks.effective_duration_exponent`).
MEASURE_OPTIONS = {
    "dense": dict(dmin=3.0, window_fraction=WINDOW_FRACTION, omega=1.0),
    SPARSE: dict(dmin=10.0, window_fraction=1.0, omega=0.5),
    BRANCHING: dict(dmin=10.0, window_fraction=1.0, omega=0.5),
}


def _measure(a, name, dmin, window_fraction):
    sizes = np.asarray(a.sizes)
    discrete = bool(np.all(sizes == np.round(sizes)))  # counts of active units (stored as int or float)
    return universality.measure(sizes, a.durations.astype(float), groups=a.network, survived=a.survived,
                                discrete_sizes=discrete, discrete_durations=True, dmin=dmin, gamma_dmin=dmin,
                                name=name, fixed_dmin=True, window_fraction=window_fraction)


def _limit(widths, values, errors, omega, omega_err):
    """(a, a_err) of ``value = a + b N^-ω``; the error of ω is carried by refitting at ω ± its error
    (half the change, added in quadrature)."""
    a, a_err, _ = universality.extrapolate(widths, values, errors, omega=omega)
    if np.isfinite(a) and np.isfinite(omega_err) and omega_err > 0:
        shifted = [universality.extrapolate(widths, values, errors, omega=max(omega + s * omega_err, 1e-3))[0]
                   for s in (-1, 1)]
        if np.all(np.isfinite(shifted)):
            a_err = float(np.hypot(a_err, (shifted[1] - shifted[0]) / 2))
    return a, a_err


def _cutoff_sums(record, n_groups, selection) -> np.ndarray:
    """Per block of networks (``network % n_groups``): the count, Σ S, Σ S², Σ T² and Σ T³ of the avalanches
    whose cut-offs S_c = Σ S²/Σ S and T_c = Σ T³/Σ T² the measurement reports (positive size and
    duration; ended ones only under ``selection="ended"``), shape (5, n_groups)."""
    s, d = np.asarray(record.sizes, float), np.asarray(record.durations, float)
    keep = (s > 0) & (d > 0)
    if selection == "ended":
        keep &= ~np.asarray(record.survived, bool)
    g = np.asarray(record.network, np.int64)[keep] % n_groups
    s, d = s[keep], d[keep]
    return np.stack([np.bincount(g, w, n_groups) for w in (np.ones(s.size), s, s**2, d**2, d**3)])


def _cutoff_fits(widths, sums, kept) -> np.ndarray:
    """(b_S, b_T, b_S/b_T) of the blocks ``kept`` (bool, n_groups), each width's cut-offs with their
    delete-one-block jackknife errors and correlation as :func:`crit.analysis.pipeline.measure` gives them."""
    sums = np.where((kept & (sums[:, 0] > 0))[:, None, :], sums, np.nan)  # (widths, 5, groups): blocks present
    total = np.nansum(sums, axis=-1)
    loo = total[:, :, None] - sums
    with np.errstate(invalid="ignore", divide="ignore"):
        sc, tc, s_loo, t_loo = total[:, 2] / total[:, 1], total[:, 4] / total[:, 3], loo[:, 2] / loo[:, 1], \
            loo[:, 4] / loo[:, 3]
    se, te = jackknife_error(s_loo), jackknife_error(t_loo)
    rho = np.array([universality.cutoff_correlation(a, b) for a, b in zip(s_loo, t_loo)])
    return np.array([universality.power_law_in_width(widths, sc, se)[0],
                     universality.power_law_in_width(widths, tc, te)[0],
                     universality.ratio_of_width_exponents(widths, sc, se, tc, te, rho)[0]])


def cutoff_exponent_errors(system_sweeps: dict, widths, n_groups, selection="ended") -> np.ndarray:
    r"""Errors of b_S, b_T and b_S/b_T from a delete-one-block jackknife of the whole fit over widths.

    The exponents are weighted least-squares slopes whose weights are the cut-offs' own errors,
    measured on the same networks (:func:`crit.analysis.universality.power_law_in_width`). Propagating
    the per-width errors treats those weights as known: it misses their noise, which goes with the
    values (a heavy tail that raises T_c raises its error and lowers its weight), so the slope
    varies from one draw of the networks to the next by more than the propagated error (by a
    third for b_T of the driven tanh line at the CI sizes, over 40 seeds). Here each block of
    networks (``network % n_groups``, the same blocks at every width: networks of different widths are
    independent, so a block of them is as independent as one width's) is left out at every width at
    once, and the cut-offs, their jackknife errors, their correlation and the three fits are all redone.
    Over 400 seeds of that line (``benchmarks/collapse_calibration.py``) the spread of each exponent
    over the seeds was 0.95 (b_S), 0.91 (b_T) and 0.74 (b_S/b_T, conservative) of the root mean square of
    its error (0.62 to 0.87 on the undriven tanh and ReLU lines); seed by seed b_S and b_T lay beyond 2
    errors of their mean at 42 and 50 of the 400 seeds (48 and 54 for ReLU), against about 20 for exact
    errors, since each error is itself measured on ``n_groups`` blocks (methods page).

    Parameters
    ----------
    system_sweeps : dict
        ``{width: record}`` with ``sizes``, ``durations``, ``survived`` and ``network``.
    widths : array_like
        The widths whose cut-offs enter the fits (those with a finite cut-off and error).
    n_groups : int
        Blocks of networks, as in the measurement of each width.
    selection : str
        ``"ended"`` (the censored avalanches left out) or ``"all"``, as in the measurement.

    Returns
    -------
    numpy.ndarray, shape (3,)
        Jackknife errors of (b_S, b_T, b_S/b_T), dimensionless; NaN where fewer than
        :data:`~crit.analysis.resampling.MIN_NETWORKS` blocks leave a fit, or fewer than 2 widths.
    """
    widths = np.asarray(widths, float)
    if widths.size < 2:
        return np.full(3, np.nan)
    sums = np.stack([_cutoff_sums(system_sweeps[w], n_groups, selection) for w in widths.astype(int)])
    present = np.flatnonzero(sums[:, 0].sum(axis=0) > 0)
    if present.size < MIN_NETWORKS:
        return np.full(3, np.nan)
    reps = np.array([_cutoff_fits(widths, sums, np.arange(n_groups) != k) for k in present])
    enough = np.isfinite(reps).sum(axis=0) >= MIN_NETWORKS
    return np.where(enough, jackknife_error(reps, axis=0), np.nan)


def finite_size_scaling(system_sweeps: dict, system: str, *, pipeline=None) -> FiniteSizeScaling:
    """Measure every width of one system (``{width: Avalanches}``) and fit the N-dependence.

    Parameters
    ----------
    system_sweeps : dict
        ``{width: avalanche record}``.
    system : str
    pipeline : crit.analysis.pipeline.Pipeline, optional
        The one pipeline (:data:`crit.analysis.pipeline.PIPELINE`) that measures every width of every
        system, and whose ω (the measured b_T, its error carried) sets the N → ∞ limits. Without it,
        the per-system windows and ω of :data:`MEASURE_OPTIONS` (``"dense"`` for any other name).

    Returns
    -------
    FiniteSizeScaling
        NaN where the data do not allow a number (one width gives no N-exponent, two no N → ∞
        limit, a b_T that is NaN or not positive no limit under ``omega="b_T"``), with the reason in
        ``undetermined``.
    """
    if not isinstance(system_sweeps, dict):
        raise TypeError(f"system_sweeps must be a dict {{width: record}}, got {type(system_sweeps).__name__}")
    widths = np.array(sorted(system_sweeps))
    if pipeline is None:
        options = MEASURE_OPTIONS.get(system, MEASURE_OPTIONS["dense"])
        ex = [_measure(system_sweeps[w], f"{system}, N={w}", options["dmin"], options["window_fraction"])
              for w in widths]
    else:
        from crit.analysis import pipeline as pipeline_module

        if not isinstance(pipeline, pipeline_module.Pipeline):
            raise TypeError(f"pipeline must be a Pipeline, got {type(pipeline).__name__}")
        ex = [pipeline_module.measure_record(pipeline, system_sweeps[w], name=f"{system}, N={w}") for w in widths]
    col = lambda attr: np.array([getattr(e, attr) for e in ex])  # noqa: E731
    se, de = col("size_cutoff"), col("duration_cutoff")
    fitted = np.isfinite(se) & np.isfinite(de) & np.isfinite(col("size_cutoff_err")) & \
        np.isfinite(col("duration_cutoff_err")) & (se > 0) & (de > 0)
    n_groups, selection = ((universality.MAX_GROUPS, "ended") if pipeline is None
                           else (pipeline.max_groups, pipeline.selection))
    errors = cutoff_exponent_errors(system_sweeps, widths[fitted], n_groups, selection)
    s_exp = (universality.power_law_in_width(widths, se, col("size_cutoff_err"))[0], float(errors[0]))
    d_exp = (universality.power_law_in_width(widths, de, col("duration_cutoff_err"))[0], float(errors[1]))
    ratio = universality.ratio_of_width_exponents(widths, se, col("size_cutoff_err"), de, col("duration_cutoff_err"),
                                                  col("cutoff_correlation"))[0]
    if pipeline is None:
        omega, omega_err, name = options["omega"], float("nan"), ""
    else:
        omega, omega_err = pipeline_module.correction_exponent(pipeline, *d_exp)
        name = pipeline.name
    limit = {}
    for key in ("tau_s", "tau_d", "gamma"):
        limit[key] = (_limit(widths, col(key), np.maximum(col(key + "_err"), 1e-3), omega, omega_err)
                      if np.isfinite(omega) else (float("nan"), float("nan")))
    reasons = [f"N={w}: {e.undetermined}" for w, e in zip(widths, ex, strict=True) if e.undetermined]
    for label, b in (("size", s_exp), ("duration", d_exp)):
        if np.isnan(b[0]):
            reasons.append(f"{label} cut-off exponent: needs 2 widths with a finite, positive cut-off and error "
                           f"(of {widths.size})")
    missing = [k for k in ("tau_s", "tau_d", "gamma") if np.isnan(limit[k][0])]
    if missing and not np.isfinite(omega):
        reasons.append(f"N → ∞ limit of {', '.join(missing)}: the correction exponent ω = b_T is undetermined "
                       f"(b_T = {d_exp[0]:.3g})")
    elif missing:
        reasons.append(_limit_reason(missing, widths.size))
    return FiniteSizeScaling(
        system, widths, col("tau_s"), col("tau_s_err"), col("tau_d"), col("tau_d_err"), col("gamma"),
        col("gamma_err"), se, col("size_cutoff_err"), de, col("duration_cutoff_err"),
        np.array([system_sweeps[w].surviving_fraction for w in widths]), *s_exp, *d_exp, limit,
        "; ".join(reasons), tuple(e.undetermined for e in ex), ratio, float(errors[2]),
        col("cutoff_correlation").astype(float), float(omega), float(omega_err), name,
    )
