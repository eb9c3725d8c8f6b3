r"""The class assignment: a measured system against the candidate classes of :mod:`crit.analysis.classes`.

The assignment (:func:`assign`): for each class, over every statistic that is both measured and
predicted (k of them), the residuals r = measured − predicted and their covariance C = C_measured
(the spread over networks, with the jackknife correlation of τ_s, τ_d, γ when known) + diag(class
error² + systematic²), so χ² = rᵀ C⁻¹ r, the distance sqrt(χ²/k) (1: one combined error per statistic
on average) and the p-value P(χ²_k > χ²). The classes are ranked by p-value (equal to the order of the
distances when every class uses the same statistics). The assigned class is the best one, unless

* every class is rejected (p < ``alpha`` against each), or
* the best two are not separated at 2σ: Δχ² = χ²(second) − χ²(best), both over the statistics the two
  classes predict in common, is below 4 (Δχ² = 4 is the likelihood ratio e² of a two-standard-error
  difference of one parameter),

and then it is ``"undetermined"`` with the reason. The uncertainty of each distance is its spread
(16th–84th percentile) when the measurement is redrawn from its own errors, and the stability is the
fraction of those redraws in which the assigned class stays the best.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as scipy_stats

from crit import _validate
from crit.analysis.classes import CLASSES, CandidateClass
from crit.analysis.pipeline import PIPELINE, STATISTICS
from crit.analysis.universality import Exponents
from crit.records import Record

__all__ = ["SEPARATION", "REJECTION", "Measurement", "measurement", "from_finite_size", "Assignment", "assign",
           "separation_matrix"]

#: Δχ² between the best two classes below which they are not separated (2σ of one parameter).
SEPARATION = 4.0
#: p-value below which a class is rejected.
REJECTION = 0.05


@dataclass(frozen=True, eq=False)
class Measurement(Record):
    """The statistics of one system, with their errors, for the class assignment.

    Attributes
    ----------
    name : str
    values, errors : dict
        ``{statistic: value}`` and ``{statistic: standard error}`` (errors from the spread over
        networks); a statistic that was not measured is absent, one the data did not give is NaN.
    correlation : dict
        ``{"stat1,stat2": r}`` correlations of the measurement errors (e.g. of τ_s, τ_d, γ from the
        jackknife); absent pairs count 0.
    undetermined : str
        Why some statistics are NaN (from the measurement), empty otherwise.
    """

    name: str
    values: dict
    errors: dict
    correlation: dict = field(default_factory=dict)
    undetermined: str = ""

    def __post_init__(self):
        for key in (*self.values, *self.errors):
            _validate.choice("a statistic of the measurement", key, STATISTICS)
        if set(self.values) != set(self.errors):
            raise ValueError(f"values and errors must name the same statistics, got {sorted(self.values)} and "
                             f"{sorted(self.errors)}")
        for key, e in self.errors.items():
            if not isinstance(e, (int, float, np.floating, np.integer)) or e < 0:
                raise ValueError(f"the error of {key} must be a number >= 0 (or NaN), got {e!r}")
        for pair, r in self.correlation.items():
            a, _, b = str(pair).partition(",")
            _validate.choice("a statistic of a correlation", a, STATISTICS)
            _validate.choice("a statistic of a correlation", b, STATISTICS)
            if not (isinstance(r, (int, float, np.floating)) and (math.isnan(r) or -1 <= r <= 1)):
                raise ValueError(f"correlation[{pair!r}] must lie in [-1, 1], got {r!r}")

    def corr(self, a, b) -> float:
        """Correlation of the errors of statistics ``a`` and ``b`` (1 on the diagonal, 0 when unknown)."""
        if a == b:
            return 1.0
        r = self.correlation.get(f"{a},{b}", self.correlation.get(f"{b},{a}", 0.0))
        return 0.0 if r is None or not np.isfinite(r) else float(r)


def _pair(name, value):
    if value is None:
        return None
    try:
        v, e = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a (value, error) pair, got {value!r}") from None
    return float(v), float(e)


def measurement(exponents=None, *, name=None, shape=None, cutoff_exponents=None, cutoff_correlation=None,
                extra_reason="") -> Measurement:
    """A :class:`Measurement` from an :class:`~crit.analysis.universality.Exponents` and optional extras.

    Parameters
    ----------
    exponents : Exponents, optional
        τ_s, τ_d, γ with their errors (and the jackknife covariance when it has one).
    name : str, optional
        Default: the exponents' name.
    shape : (a, a_err), optional
        Exponent of the mean shape F ∝ [u(1 − u)]^a (:func:`crit.analysis.shapes.shape_exponent`).
    cutoff_exponents : ((b_S, b_S_err), (b_T, b_T_err)), optional
        Width exponents of the cut-offs (:class:`~crit.analysis.finite_size.FiniteSizeScaling`).
    cutoff_correlation : float, optional
        Correlation of the errors of b_S and b_T (both come from the same networks).
    extra_reason : str
        Appended to ``undetermined``.
    """
    values, errors, corr, reasons = {}, {}, {}, []
    if exponents is not None:
        if not isinstance(exponents, Exponents):
            raise TypeError(f"exponents must be an Exponents record, got {type(exponents).__name__}")
        for key, v, e in zip(("tau_s", "tau_d", "gamma"), exponents.values, exponents.errors, strict=True):
            values[key], errors[key] = float(v), float(e)
        cov = np.asarray(exponents.covariance, float) if len(exponents.covariance) else None
        if cov is not None and cov.shape == (3, 3):
            sd = np.sqrt(np.diag(cov))
            keys = ("tau_s", "tau_d", "gamma")
            for i in range(3):
                for j in range(i + 1, 3):
                    if sd[i] > 0 and sd[j] > 0:
                        corr[f"{keys[i]},{keys[j]}"] = float(np.clip(cov[i, j] / (sd[i] * sd[j]), -1, 1))
        if exponents.undetermined:
            reasons.append(exponents.undetermined)
        name = exponents.name if name is None else name
    shape = _pair("shape", shape)
    if shape is not None:
        values["shape"], errors["shape"] = shape
    if cutoff_exponents is not None:
        try:
            bs, bt = cutoff_exponents
        except (TypeError, ValueError):
            raise TypeError(f"cutoff_exponents must be ((b_S, err), (b_T, err)), got {cutoff_exponents!r}") from None
        (values["b_S"], errors["b_S"]), (values["b_T"], errors["b_T"]) = _pair("b_S", bs), _pair("b_T", bt)
        if cutoff_correlation is not None and np.isfinite(cutoff_correlation):
            corr["b_S,b_T"] = float(cutoff_correlation)
    if extra_reason:
        reasons.append(extra_reason)
    return Measurement("" if name is None else str(name), values, errors, corr, "; ".join(reasons))


def from_finite_size(fss, *, which="limit", shape=None) -> Measurement:
    """A :class:`Measurement` of one system from its finite-size scaling: τ_s, τ_d, γ at N → ∞
    (``which="limit"``) or at width index ``which``, and b_S, b_T over the widths.

    The correlation of b_S and b_T is taken as the mean over widths of the correlation of S_c and T_c
    over networks (it carries into the two slopes as into their ratio,
    :func:`crit.analysis.universality.ratio_of_width_exponents`).
    """
    if which == "limit":
        ex = fss.limit_exponents()
    else:
        ex = fss.exponents_at(_validate.integer("which", which, minimum=-len(fss.widths),
                                                maximum=len(fss.widths) - 1))
    rho = np.asarray(getattr(fss, "cutoff_correlations", []), float)
    rho = float(np.nanmean(rho)) if rho.size and np.isfinite(rho).any() else None
    reason = fss.undetermined if (np.isnan(fss.size_cutoff_exponent) or np.isnan(fss.duration_cutoff_exponent)) \
        else ""
    return measurement(ex, shape=shape, cutoff_exponents=((fss.size_cutoff_exponent, fss.size_cutoff_exponent_err),
                                                          (fss.duration_cutoff_exponent,
                                                           fss.duration_cutoff_exponent_err)),
                       cutoff_correlation=rho, extra_reason=reason if reason not in ex.undetermined else "")


@dataclass(frozen=True, eq=False)
class Assignment(Record):
    """The assignment of one system to a candidate class.

    Attributes
    ----------
    name : str
    assigned : str
        The best class, or ``"undetermined"`` (reason in ``undetermined``).
    ranking : tuple of str
        Classes from best (largest p-value) to worst; classes with no usable statistic last.
    chi2, dof, p_values, distances : dict
        Per class: χ², the number k of statistics used, P(χ²_k > χ²), and sqrt(χ²/k).
    distance_low, distance_high : dict
        Per class: 16th and 84th percentiles of the distance when the measurement is redrawn from its
        errors (its uncertainty).
    statistics_used : dict
        Per class: the statistics it was compared on.
    separation : float
        Δχ² of the second-best over the best class on the statistics both predict (NaN with fewer than
        two classes).
    stability : float
        Fraction of the redraws in which the best class stays best.
    systematic : dict
        The systematic errors used (added in quadrature).
    undetermined : str
        Why ``assigned`` is ``"undetermined"``; empty otherwise.
    """

    name: str
    assigned: str
    ranking: tuple
    chi2: dict
    dof: dict
    p_values: dict
    distances: dict
    distance_low: dict
    distance_high: dict
    statistics_used: dict
    separation: float
    stability: float
    systematic: dict
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether a class was assigned."""
        return not self.undetermined

    @property
    def best(self) -> str:
        """The best-ranked class (even when the assignment is undetermined); "" when none could be compared."""
        return self.ranking[0] if self.ranking and self.dof[self.ranking[0]] > 0 else ""


def _covariance(m, cls, keys, systematic):
    e = np.array([m.errors[k] for k in keys])
    r = np.array([[m.corr(a, b) for b in keys] for a in keys])
    lit = np.array([cls.error(k) for k in keys])
    sys = np.array([systematic.get(k, 0.0) for k in keys])
    return np.outer(e, e) * r + np.diag(lit**2 + sys**2), np.outer(e, e) * r


def _chi2(residual, cov):
    return float(residual @ np.linalg.solve(cov, residual))


def assign(measured, *, classes=None, systematic=None, rng, n_draws=2000, alpha=REJECTION,
           separation=SEPARATION) -> Assignment:
    """Assign one system to a candidate class (module docstring: χ², p-values, the 2σ separation).

    Parameters
    ----------
    measured : Measurement or Exponents
        The statistics with their errors (an Exponents gives τ_s, τ_d, γ).
    classes : dict, optional
        ``{name: CandidateClass}``; default :data:`crit.analysis.classes.CLASSES`.
    systematic : dict, optional
        ``{statistic: error}`` added in quadrature; default that of
        :data:`crit.analysis.pipeline.PIPELINE`.
    rng : numpy.random.Generator or int
        For the redraws of the measurement (the distances' uncertainty and the stability).
    n_draws : int
        Redraws (0: no uncertainty, NaN bands and stability).
    alpha : float
        A class with p < alpha is rejected.
    separation : float
        Δχ² below which the best two classes are not separated.

    Returns
    -------
    Assignment
        ``"undetermined"`` with the reason when a statistic needed is NaN or has no finite positive
        error, when every class is rejected, or when the best two are not separated.

    Examples
    --------
    >>> tree = Measurement("tree", {"tau_s": 1.5, "tau_d": 2.0, "gamma": 2.0, "shape": 1.0},
    ...                    {"tau_s": 0.01, "tau_d": 0.02, "gamma": 0.02, "shape": 0.02})
    >>> assign(tree, rng=0, n_draws=0).assigned
    'mean-field DP'
    >>> walk = Measurement("walk", {"tau_s": 4 / 3, "tau_d": 1.5, "gamma": 1.5}, {"tau_s": 0.01, "tau_d": 0.02,
    ...                    "gamma": 0.02})
    >>> a = assign(walk, rng=0, n_draws=0)
    >>> a.assigned, a.ranking[:2]
    ('undetermined', ('free BM', 'short-range Barkhausen'))
    """
    if isinstance(measured, Exponents):
        measured = measurement(measured)
    if not isinstance(measured, Measurement):
        raise TypeError(f"measured must be a Measurement or an Exponents, got {type(measured).__name__}")
    classes = CLASSES if classes is None else classes
    if not isinstance(classes, dict) or not classes or not all(isinstance(c, CandidateClass) for c in classes.values()):
        raise TypeError("classes must be a non-empty dict {name: CandidateClass}")
    systematic = dict(PIPELINE.systematic if systematic is None else systematic)
    for key, value in systematic.items():
        _validate.choice("a key of systematic", key, STATISTICS)
        _validate.real(f"systematic[{key!r}]", value, minimum=0.0)
    rng = _validate.rng("rng", rng, allow_seed=True)
    n_draws = _validate.integer("n_draws", n_draws, minimum=0)
    alpha = _validate.real("alpha", alpha, minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    separation = _validate.real("separation", separation, minimum=0.0)

    usable = [k for k in STATISTICS if k in measured.values and np.isfinite(measured.values[k])
              and np.isfinite(measured.errors[k])]
    unusable = [k for k in STATISTICS if k in measured.values and k not in usable]
    names = list(classes)
    nan_dict = {n: float("nan") for n in names}
    chi2, dof, pval, dist, low, high, used = dict(nan_dict), {}, dict(nan_dict), dict(nan_dict), dict(nan_dict), \
        dict(nan_dict), {}
    draws_chi = {}
    for n in names:
        cls = classes[n]
        keys = [k for k in usable if cls.predicts(k)]
        used[n], dof[n] = tuple(keys), len(keys)
        if not keys:
            continue
        cov, cov_m = _covariance(measured, cls, keys, systematic)
        if not np.all(np.isfinite(cov)) or np.any(np.linalg.eigvalsh(cov) <= 0):
            dof[n], used[n] = 0, ()
            continue
        x = np.array([measured.values[k] for k in keys])
        r = x - np.array([cls.value(k) for k in keys])
        chi2[n] = _chi2(r, cov)
        pval[n] = float(scipy_stats.chi2.sf(chi2[n], len(keys)))
        dist[n] = math.sqrt(chi2[n] / len(keys))
        if n_draws:
            w, v = np.linalg.eigh(cov_m)
            root = v * np.sqrt(np.clip(w, 0, None))
            z = rng.standard_normal((n_draws, len(keys))) @ root.T
            rd = r[None, :] + z
            c2 = np.einsum("ij,ij->i", rd, np.linalg.solve(cov, rd.T).T)
            draws_chi[n] = c2
            d = np.sqrt(c2 / len(keys))
            low[n], high[n] = (float(q) for q in np.quantile(d, [0.16, 0.84]))
    compared = [n for n in names if dof[n] > 0]
    ranking = tuple(sorted(compared, key=lambda n: (-pval[n], chi2[n])) + [n for n in names if dof[n] == 0])
    reasons = []
    if unusable:
        why = f"{', '.join(unusable)} not usable (NaN value or error)"
        reasons_meas = measured.undetermined
        if not compared:
            reasons.append(why + (f" ({reasons_meas})" if reasons_meas else ""))
    if not compared and not reasons:
        reasons.append("no statistic that a class predicts was measured with a finite value and error")
    sep, stability = float("nan"), float("nan")
    if compared:
        best = ranking[0]
        if len(compared) >= 2:
            second = ranking[1]
            common = [k for k in used[best] if k in used[second]]
            if common:
                c1, _ = _covariance(measured, classes[best], common, systematic)
                c2, _ = _covariance(measured, classes[second], common, systematic)
                xb = np.array([measured.values[k] for k in common])
                sep = _chi2(xb - np.array([classes[second].value(k) for k in common]), c2) - _chi2(
                    xb - np.array([classes[best].value(k) for k in common]), c1)
        if n_draws and draws_chi:
            p = np.stack([scipy_stats.chi2.sf(draws_chi[n], dof[n]) for n in compared])
            stability = float(np.mean(np.argmax(p, axis=0) == compared.index(best)))
        if all(pval[n] < alpha for n in compared):
            reasons.append("every class is rejected (p < {:g} against each; best {} p = {:.2g})".format(
                alpha, best, pval[best]))
        elif len(compared) >= 2 and not (sep >= separation):
            second = ranking[1]
            reasons.append(f"{best} and {second} are not separated at 2σ (Δχ² = {sep:.2f} < {separation:g} on the "
                           f"statistics both predict)")
    assigned = "undetermined" if reasons else ranking[0]
    return Assignment(measured.name, assigned, ranking, chi2, dof, pval, dist, low, high, used, sep, stability,
                      systematic, "; ".join(reasons))


def separation_matrix(classes=None, *, systematic=None, statistics=None) -> dict:
    """How far apart the classes are, for an exact measurement: Δχ² of each class against another.

    For each ordered pair (a, b): a measurement equal to a's predictions, with no statistical error,
    over the statistics both predict (and ``statistics``, when given); the Δχ² = χ²(b) − χ²(a) the
    assignment would compute, with the literature errors and the systematic. Below :data:`SEPARATION`
    no measurement of these statistics, however precise, assigns a rather than b.

    Parameters
    ----------
    classes : dict, optional
        Default :data:`crit.analysis.classes.CLASSES`.
    systematic : dict, optional
        Default that of :data:`crit.analysis.pipeline.PIPELINE`.
    statistics : iterable of str, optional
        Restrict to these statistics (e.g. those the networks measure).

    Returns
    -------
    dict
        ``{(a, b): Δχ²}`` for a ≠ b; NaN when the two classes predict no statistic in common.
    """
    classes = CLASSES if classes is None else classes
    systematic = dict(PIPELINE.systematic if systematic is None else systematic)
    keep = STATISTICS if statistics is None else tuple(_validate.choice("statistic", s, STATISTICS)
                                                       for s in statistics)
    out = {}
    for a, ca in classes.items():
        for b, cb in classes.items():
            if a == b:
                continue
            common = [k for k in keep if ca.predicts(k) and cb.predicts(k)]
            if not common:
                out[(a, b)] = float("nan")
                continue
            m = Measurement(a, {k: ca.value(k) for k in common}, dict.fromkeys(common, 0.0))
            cov_a, _ = _covariance(m, ca, common, systematic)
            cov_b, _ = _covariance(m, cb, common, systematic)
            x = np.array([ca.value(k) for k in common])
            out[(a, b)] = _chi2(x - np.array([cb.value(k) for k in common]), cov_b) - _chi2(x - x, cov_a)
    return out
