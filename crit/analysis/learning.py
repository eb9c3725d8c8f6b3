r"""Where to initialise a deep network: the reference lines of each drive, the training grid around them, and
the predictors of learning that they define.

The question of the paper (does maximal susceptibility predict learning better than proximity to the
critical point?) is asked row by row: each row is one bias variance σ_b², or one dimensionless drive
h = N·σ_b²/q0 (:func:`crit.analysis.drive.drive_from_sigma_b2`), and along a row an initialisation is
its ln σ_w². Three reference lines give each row a σ_w² (:func:`references`):

``"chi_peak"``
    The maximum of the authors' response susceptibility χ = dS̄/dσ_w² of the engine's networks at the
    same width and depth (:meth:`crit.analysis.phases.PhaseScan.response_susceptibility`), located by
    :func:`crit.analysis.phases.ridge`.
``"ended_peak"``
    The maximum of the mean size of the avalanches that end, S̄_end, the susceptibility with which the
    phase-diagram chapter locates the transition (a robustness check on the first).
``"critical"``
    The mean-field order-to-chaos line χ₁ = 1, σ²_{w,c}(σ_b²) (:func:`crit.models.theory.critical_sigma_w2`),
    exact.

A row is kept only where avalanches end (S̄_end is determined at 3 or more σ_w² of the scan) and both
susceptibility peaks are located; otherwise the row's reason says why. :func:`training_grid` spaces
the initialisations of each row evenly in ln σ_w² over the span of its χ peak and χ₁ = 1, widened
by a margin on each side, so that the grid is dense where the two candidate answers lie.

:func:`predictors` gives, at every initialisation of that grid, the candidates to predict learning,
oriented so that larger is predicted to learn better: minus the distance in ln σ_w² to each reference
line, the raw χ, and the baseline of signal-propagation theory, minus the depth over the correlation
length ξ_c (:func:`crit.models.theory.xi_c`; networks train when the depth is a few ξ_c or less).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import phases, transition
from crit.analysis.drive import drive_from_sigma_b2
from crit.models import theory
from crit.records import Record

__all__ = ["REFERENCES", "PREDICTORS", "RowReferences", "references", "training_grid", "predictors"]

#: The reference lines of a row, in the order the page shows them.
REFERENCES = ("chi_peak", "ended_peak", "critical")
#: The predictors of :func:`predictors`: the three distances, raw χ and the correlation-length baseline.
PREDICTORS = ("chi_peak", "ended_peak", "critical", "chi", "xi_c")
MIN_ENDED_POINTS = 3


@dataclass(frozen=True, eq=False)
class RowReferences(Record):
    """The reference lines of every row of a scan, in ln σ_w².

    Attributes
    ----------
    sigma_b2, h : numpy.ndarray, shape (R,)
        Bias variance of each row and its drive h = N·σ_b²/q0 (dimensionless).
    ln_sigma_w2, ln_sigma_w2_err : dict
        ``{name of REFERENCES: array of shape (R,)}``: ln σ_w² of the line in each row and its error
        (0 for the exact χ₁ = 1 line; NaN where undetermined).
    kept : numpy.ndarray of bool, shape (R,)
        Rows in which avalanches end and both peaks are located.
    reasons : tuple of str
        Why each row is not kept (``""`` where it is).
    width, depth : int
    q0 : float
    """

    sigma_b2: np.ndarray
    h: np.ndarray
    ln_sigma_w2: dict
    ln_sigma_w2_err: dict
    kept: np.ndarray
    reasons: tuple
    width: int
    depth: int
    q0: float

    def select(self, rows) -> RowReferences:
        """The same lines for the rows ``rows`` (indices or a boolean mask) only."""
        idx = np.arange(self.h.size)[rows]
        return RowReferences(
            sigma_b2=self.sigma_b2[idx], h=self.h[idx], ln_sigma_w2={k: v[idx] for k, v in self.ln_sigma_w2.items()},
            ln_sigma_w2_err={k: v[idx] for k, v in self.ln_sigma_w2_err.items()}, kept=self.kept[idx],
            reasons=tuple(self.reasons[i] for i in idx), width=self.width, depth=self.depth, q0=self.q0)


def _ln_peak(x, y):
    """ln σ_w² of the maximum of y(x), or NaN and the reason where it has none inside the scan."""
    peak, _, at_edge, why = transition.locate_peak(np.log(x), y)
    if why:
        return np.nan, why
    if at_edge:
        return np.nan, f"the maximum lies at the edge of the scan (σ_w² = {np.exp(peak):.3g})"
    return peak, ""


def _peaks(scan):
    """ln σ_w² of the χ peak and of the S̄_end peak of every row, and the reasons where there are none."""
    chi = scan.response_susceptibility(errors=False)[0]
    ended = scan.ended_mean_size(errors=False)[0]
    out = {"chi_peak": [], "ended_peak": []}
    reasons = []
    for i in range(scan.sigma_b2.size):
        why = []
        n_ended = int(np.isfinite(ended[i]).sum())
        if n_ended < MIN_ENDED_POINTS:
            why.append(f"avalanches end at {n_ended} of {scan.sigma_w2.size} σ_w² of the scan (at least "
                       f"{MIN_ENDED_POINTS} needed)")
            out["ended_peak"].append(np.nan)
        else:
            peak, r = _ln_peak(scan.sigma_w2, ended[i])
            out["ended_peak"].append(peak)
            why += [f"S̄_end: {r}"] if r else []
        peak, r = _ln_peak(scan.sigma_w2, chi[i])
        out["chi_peak"].append(peak)
        why += [f"χ: {r}"] if r else []
        reasons.append("; ".join(why))
    return {k: np.array(v) for k, v in out.items()}, reasons


def references(scan: phases.PhaseScan, *, rng, n_resamples=200) -> RowReferences:
    """The reference lines of every row of ``scan`` (one row per σ_b²).

    The errors of the two peaks are their spread over a bootstrap of whole networks (the same
    networks at every σ_w² of a row, :func:`crit.analysis.transition.select_networks`); a resample
    in which a peak cannot be located is left out of its spread.

    Parameters
    ----------
    scan : crit.analysis.phases.PhaseScan
        At the width and depth of the trained networks; its σ_w² grid must reach past both peaks.
    rng : numpy.random.Generator
        Draws the bootstrap resamples.
    n_resamples : int
        Resamples of that bootstrap.

    Returns
    -------
    RowReferences
    """
    if not isinstance(scan, phases.PhaseScan):
        raise TypeError(f"scan must be a crit.analysis.phases.PhaseScan, got {type(scan).__name__}")
    rng = _validate.rng("rng", rng)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=10)
    ln, reasons = _peaks(scan)
    m = scan.n_in.shape[-1]
    err = {}
    if m < 3:
        err = {k: np.full(scan.sigma_b2.size, np.nan) for k in ln}
    else:
        draws = np.array([[_peaks(transition.select_networks(scan, rng.integers(0, m, m)))[0][k]
                           for k in ln] for _ in range(n_resamples)])  # (n_resamples, 2, R)
        with warnings.catch_warnings():  # a peak located in fewer than 2 resamples has no spread: NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            spread = np.nanstd(draws, axis=0, ddof=1)
        err = {k: np.where(np.isfinite(ln[k]), spread[j], np.nan) for j, k in enumerate(ln)}
    ln["critical"] = np.log(np.asarray(theory.critical_sigma_w2(scan.sigma_b2), float))
    err["critical"] = np.zeros(scan.sigma_b2.size)
    return RowReferences(sigma_b2=scan.sigma_b2.copy(), h=drive_from_sigma_b2(scan.sigma_b2, scan.width, scan.q0),
                         ln_sigma_w2={k: ln[k] for k in REFERENCES}, ln_sigma_w2_err={k: err[k] for k in REFERENCES},
                         kept=np.array([not r for r in reasons]), reasons=tuple(reasons), width=scan.width,
                         depth=scan.depth, q0=scan.q0)


def training_grid(refs: RowReferences, *, points, margin) -> np.ndarray:
    """σ_w² of the initialisations of every row, shape (R, points), geometric over each row's span.

    The span of a row runs from the smaller of its χ peak and χ₁ = 1 to the larger, widened by
    ``margin`` (in ln σ_w²) on each side. Rows whose χ peak is undetermined get NaN.

    Examples
    --------
    >>> refs = RowReferences(sigma_b2=np.zeros(1), h=np.zeros(1), ln_sigma_w2={"chi_peak": np.log([2.0]),
    ...     "ended_peak": np.zeros(1), "critical": np.zeros(1)}, ln_sigma_w2_err={}, kept=np.ones(1, bool),
    ...     reasons=("",), width=32, depth=12, q0=0.1)
    >>> np.round(training_grid(refs, points=3, margin=0.5), 3)
    array([[0.607, 1.414, 3.297]])
    """
    points = _validate.integer("points", points, minimum=3)
    margin = _validate.real("margin", margin, minimum=0)
    a, b = refs.ln_sigma_w2["chi_peak"], refs.ln_sigma_w2["critical"]
    lo, hi = np.minimum(a, b) - margin, np.maximum(a, b) + margin
    return np.exp(lo[:, None] + (hi - lo)[:, None] * np.linspace(0, 1, points)[None])


def predictors(refs: RowReferences, scan: phases.PhaseScan, sigma_w2) -> dict:
    """Every predictor of :data:`PREDICTORS` at the initialisations ``sigma_w2`` (shape (R, P), rows of ``refs``).

    Returns
    -------
    dict
        ``{name: array of shape (R, P)}``, larger = predicted to learn better: minus abs(ln σ_w² −
        line) for the three lines; χ interpolated along the scan's row (linearly in ln σ_w²; its units
        are S̄ per unit σ_w²); minus depth/ξ_c (0 where ξ_c is infinite). NaN where undetermined.
    """
    sw = np.asarray(sigma_w2, float)
    if np.isinf(sw).any() or (sw <= 0).any():
        raise ValueError("sigma_w2 must be > 0 and finite (NaN marks a row without a grid)")
    if sw.ndim != 2 or sw.shape[0] != refs.h.size:
        raise ValueError(f"sigma_w2 must have shape ({refs.h.size}, P), one row per reference row, got {sw.shape}")
    ln_w = np.log(sw)
    out = {k: -np.abs(ln_w - refs.ln_sigma_w2[k][:, None]) for k in REFERENCES}
    chi = scan.response_susceptibility(errors=False)[0]
    x = np.log(scan.sigma_w2)
    rows = [int(np.flatnonzero(np.isclose(scan.sigma_b2, b, rtol=1e-9, atol=1e-15))[0]) for b in refs.sigma_b2]
    out["chi"] = np.array([np.interp(w, x, chi[r], left=np.nan, right=np.nan) for w, r in zip(ln_w, rows)])
    sb = np.broadcast_to(refs.sigma_b2[:, None], sw.shape)
    finite = np.isfinite(sw)
    xi = np.full(sw.shape, np.nan)
    xi[finite] = np.asarray(theory.xi_c(sw[finite], sb[finite]), float)
    with np.errstate(divide="ignore"):
        out["xi_c"] = np.where(np.isinf(xi), 0.0, -refs.depth / xi)
    return out
