r"""Does the susceptibility of an initialisation predict how well the network learns?

Predictors of learning at the initialisations (σ_w², σ_b²) of networks trained by
:func:`crit.models.train.train`, and their rank correlations with the networks' scores:

1. From a scan of the avalanche engine at the same width and depth
   (:func:`crit.analysis.phases.scan`), read off at each initialisation the response
   susceptibility χ = dS̄/dσ_w² and the fluctuation susceptibility χ_F (:func:`predictors`).
2. Alongside, the closeness of the initialisation to the mean-field critical line χ₁ = 1 (in σ_w²
   and in abs(ln χ₁)) and to the finite-width critical point (σ²_{w,c}(N), 0).
3. Compare them by Spearman's ρ with the test accuracy or the learning speed, bootstrapped over
   trained networks (:func:`correlations`, :mod:`crit.analysis.correlation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import correlation
from crit.models import theory
from crit.records import Record

__all__ = ["Predictors", "predictors", "observations", "correlations"]


@dataclass(frozen=True, eq=False)
class Predictors(Record):
    """Predictors of learning at each initialisation of a grid; arrays of shape (G,).

    Attributes
    ----------
    sigma_w2, sigma_b2 : numpy.ndarray
        The initialisations.
    chi, chi_err : numpy.ndarray
        Response susceptibility χ = dS̄/dσ_w² of the engine's networks (same width and depth), in
        units of S̄ (the pre-activation norm times √N) per unit σ_w², and its error.
    chi_f, chi_f_err : numpy.ndarray
        Fluctuation susceptibility χ_F = N Var_networks(ρ) (dimensionless) and its error.
    mf_critical : numpy.ndarray
        σ²_{w,c}(σ_b²), the mean-field χ₁ = 1 line at each σ_b².
    mf_distance : numpy.ndarray
        abs(σ_w² − σ²_{w,c}(σ_b²)).
    log_chi1 : numpy.ndarray
        abs(ln χ₁(σ_w², σ_b²)) (mean-field; 0 on the critical line).
    fw_distance : numpy.ndarray
        Euclidean distance in the (σ_w², σ_b²) plane to the finite-width critical point
        (σ²_{w,c}(N), 0) of :func:`crit.models.theory.finite_width_critical_sigma_w2`.
    width, depth : int
    undetermined : str
        Why χ, χ_F or their errors are NaN (a scan of too few networks); empty when they are not.
    """

    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    chi: np.ndarray
    chi_err: np.ndarray
    chi_f: np.ndarray
    chi_f_err: np.ndarray
    mf_critical: np.ndarray
    mf_distance: np.ndarray
    log_chi1: np.ndarray
    fw_distance: np.ndarray
    width: int
    depth: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether every predictor and error was determined (see ``undetermined``)."""
        return not self.undetermined

    def oriented(self) -> dict:
        """``{key: values}`` with larger = predicted to learn better.

        Keys: ``"chi"`` (χ), ``"chi_f"`` (χ_F), ``"mf_sigma"`` (−abs(σ_w² − σ²_{w,c}(σ_b²))),
        ``"mf_log"`` (−abs(ln χ₁)) and ``"fw_point"`` (minus the distance to the finite-width critical point).
        """
        return {"chi": self.chi, "chi_f": self.chi_f, "mf_sigma": -self.mf_distance,
                "mf_log": -self.log_chi1, "fw_point": -self.fw_distance}


def predictors(scan, sigma_w2, sigma_b2) -> Predictors:
    """Every predictor at the initialisations (``sigma_w2[g]``, ``sigma_b2[g]``).

    χ and χ_F are interpolated (linearly in ln σ_w²) along the scan's row of the same σ_b²; each
    σ_b² must be one of the scan's, and each σ_w² within its range. Errors of a scan of fewer than 3
    networks, and χ_F of one, are NaN, with the reason in ``undetermined``.
    """
    sw = _validate.finite_array("sigma_w2", np.atleast_1d(sigma_w2))
    sb = _validate.finite_array("sigma_b2", np.atleast_1d(sigma_b2))
    if sw.shape != sb.shape:
        raise ValueError(f"sigma_w2 and sigma_b2 must have the same shape, got {sw.shape} and {sb.shape}")
    if sw.min() < scan.sigma_w2[0] * (1 - 1e-9) or sw.max() > scan.sigma_w2[-1] * (1 + 1e-9):
        raise ValueError(f"sigma_w2 must lie within the scan's range [{scan.sigma_w2[0]}, {scan.sigma_w2[-1]}]")
    rows = [np.flatnonzero(np.isclose(scan.sigma_b2, b, rtol=1e-9, atol=1e-15)) for b in sb]
    if any(r.size == 0 for r in rows):
        raise ValueError(f"every sigma_b2 must be one of the scan's {scan.sigma_b2.tolist()}")
    rows = np.array([r[0] for r in rows])
    x = np.log(scan.sigma_w2)
    out = {}
    for key, (value, err) in {"chi": scan.response_susceptibility(), "chi_f": scan.fluctuation_susceptibility()}.items():
        out[key] = np.array([np.interp(np.log(w), x, value[r]) for w, r in zip(sw, rows)])
        out[key + "_err"] = np.array([np.interp(np.log(w), x, err[r]) for w, r in zip(sw, rows)])
    mf = np.asarray(theory.critical_sigma_w2(sb), float)
    fw = theory.finite_width_critical_sigma_w2(scan.width)
    nan = [k for k, v in out.items() if np.isnan(v).any()]
    why = f"{', '.join(nan)} NaN: {scan.undetermined or 'NaN in the scan'}" if nan else ""
    return Predictors(
        sigma_w2=sw, sigma_b2=sb, **out, mf_critical=mf, mf_distance=np.abs(sw - mf),
        log_chi1=np.abs(np.log(np.asarray(theory.chi1(sw, sb), float))),
        fw_distance=np.hypot(sw - fw, sb), width=scan.width, depth=scan.depth, undetermined=why,
    )


def observations(runs, preds: Predictors, *, score="accuracy"):
    """Stack the seeds: the score and the oriented predictors, one entry per (seed, initialisation).

    ``score`` is ``"accuracy"`` (test accuracy after the budget) or ``"speed"`` (test accuracy
    averaged over the evaluations of the run: the area under the learning curve).
    """
    _validate.choice("score", score, ("accuracy", "speed"))
    for run in runs:
        if not (np.allclose(run.sigma_w2, preds.sigma_w2) and np.allclose(run.sigma_b2, preds.sigma_b2)):
            raise ValueError("every run must have the initialisations of the predictors, in the same order")
    y = np.concatenate([r.test_accuracy if score == "accuracy" else r.test_curve.mean(1) for r in runs])
    return y, {k: np.tile(v, len(runs)) for k, v in preds.oriented().items()}


def correlations(runs, preds: Predictors, *, rng, score="accuracy", n_resamples=2000):
    """Spearman's ρ of the score with every predictor, bootstrap over (seed, initialisation) rows."""
    y, x = observations(runs, preds, score=score)
    return correlation.bootstrap(y, x, rng=rng, n_resamples=n_resamples)
