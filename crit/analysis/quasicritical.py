"""The quasi-critical regime: crackling exponents along the susceptibility ridge under drive.

With biases (σ_b² > 0) a network has no absorbing state and no critical point. For every drive
σ_b² we locate the ridge of the fluctuation susceptibility χ_F = N·Var_networks(ρ) along σ_w²
(:mod:`crit.analysis.phases`: there the surviving fraction varies most from network to network) and fit the
avalanches simulated on it both ways (:func:`crit.analysis.crackling.fit_both`). At σ_b² = 0 the row is taken
at the finite-width critical point instead, as in the authors' run.

The drive is measured here by σ_b²; :meth:`DriveSweep.drives` gives the book's dimensionless drive
h = N·σ_b²/q0 (:mod:`crit.analysis.drive`; :mod:`crit.analysis.drive_lines` separates the drive from the
distance to the critical point, and :mod:`crit.analysis.bootstrap` re-selects the fit range in the errors).

A drive whose data do not allow an answer (χ_F without a maximum on the grid, e.g. every input
surviving at every σ_w²; too few ended avalanches for a fit) gives a row of NaN, and the reason in
:attr:`DriveSweep.undetermined`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import crackling, drive, phases
from crit.models import avalanches as av
from crit.models import theory
from crit.records import Record
from crit.seeds import sub_seed

__all__ = ["DriveSweep", "drive_sweep"]

_FIELDS = ("tau_s", "tau_d", "gamma", "gamma_pred")


@dataclass(frozen=True, eq=False)
class DriveSweep(Record):
    """Exponents against the drive σ_b² along the ridge; arrays of shape (n_drives,).

    ``ours_*`` and ``authors_*`` hold τ_s, τ_d, γ, γ_pred with ``*_err`` (bootstrap over networks).
    ``undetermined`` holds, per drive, why numbers of that row are NaN (``""`` where none is).
    """

    sigma_b2: np.ndarray
    sigma_w2: np.ndarray
    sigma_w2_err: np.ndarray
    surviving_fraction: np.ndarray
    ours: np.ndarray  # (n_drives, 4, 2): value, error for tau_s, tau_d, gamma, gamma_pred
    authors: np.ndarray
    width: int
    depth: int
    n_inputs: int
    seed: int
    wall_time_s: float
    undetermined: tuple = ()

    @property
    def determined(self) -> bool:
        """Whether every drive's numbers were determined (see ``undetermined``)."""
        return not any(self.undetermined)

    def drives(self, q0=0.1) -> np.ndarray:
        """The dimensionless drives h = N·σ_b²/q0 of the rows (the sweep simulates at the default q0 = 0.1)."""
        return drive.drive_from_sigma_b2(np.asarray(self.sigma_b2, float), self.width, q0)


def _row(e):
    return [[e.tau_s, e.tau_s_err], [e.tau_d, e.tau_d_err], [e.gamma, e.gamma_err], [e.gamma_pred, e.gamma_pred_err]]


def drive_sweep(sigma_b2, *, width, depth, n_inputs, inputs_per_network, ridge_sigma_w2, ridge_n_inputs,
                seed=0, device=None, n_resamples=50, progress=False) -> DriveSweep:
    """Fit avalanches along the ridge for every drive in ``sigma_b2`` (0 → finite-width critical point).

    Parameters
    ----------
    sigma_b2 : array_like
        Drives, increasing; 0 allowed.
    width, depth, n_inputs, inputs_per_network, device
        As in :func:`crit.models.avalanches.simulate`, for the fitted simulations.
    ridge_sigma_w2 : array_like
        σ_w² grid on which the ridge of χ_F is located at each drive.
    ridge_n_inputs : int
        Inputs per grid point of the ridge scans (100 per network).

    Returns
    -------
    DriveSweep
        A drive without a ridge (χ_F constant or NaN along the grid) has NaN σ_w², surviving fraction
        and exponents (nothing is simulated there); exponents the avalanches do not allow are NaN.
        ``undetermined`` says why, per drive.
    """
    drives = _validate.finite_array("sigma_b2", sigma_b2)
    seed = _validate.integer("seed", seed, minimum=0)
    start = time.perf_counter()
    rows = {k: [] for k in ("w2", "w2_err", "rho", "ours", "authors", "why")}
    for i, b2 in enumerate(drives):
        why = ""
        if b2 == 0:
            w2, w2_err = float(theory.finite_width_critical_sigma_w2(width)), 0.0
        else:
            grid = phases.scan(ridge_sigma_w2, b2, width=width, depth=depth, n_inputs=ridge_n_inputs,
                               inputs_per_network=100, seed=sub_seed(seed, "ridge", i), device=device,
                               progress=progress)
            chi, chi_err = grid.fluctuation_susceptibility()
            peak, err, _ = phases.ridge(grid.sigma_w2, chi, chi_err,
                                        rng=np.random.default_rng(sub_seed(seed, "ridge error", i)))
            w2, w2_err = float(peak[0]), float(err[0])
            why = phases.ridge_undetermined(chi)[0]
            rho = grid.n_survived.sum(-1) / grid.n_in.sum(-1)
            if why and (np.all(rho == 1) or np.all(rho == 0)):
                why += f" (every input {'survived' if rho.flat[0] == 1 else 'died'} at every sigma_w2 of the grid)"
        if why:  # no ridge, so no point to simulate
            nan = np.full((4, 2), np.nan)
            values = (w2, w2_err, float("nan"), nan, nan, f"ridge of chi_F: {why}")
        else:
            rec = av.simulate(width, depth, w2, float(b2), n_inputs=n_inputs, inputs_per_network=inputs_per_network,
                              seed=sub_seed(seed, "avalanches", i), device=device, progress=progress)
            # each drive bootstraps from its own stream, so one drive's outcome never shifts another's errors
            authors, _, ours, _ = crackling.fit_both(rec, rng=np.random.default_rng(sub_seed(seed, "bootstrap", i)),
                                                     n_resamples=n_resamples, gamma_min_count=10, authors_min_count=10)
            ridge_error = (grid.undetermined or "NaN") if np.isnan(w2_err) else ""
            parts = (("ridge error", ridge_error), ("our fit", ours.undetermined),
                     ("authors' fit", authors.undetermined))
            values = (w2, w2_err, rec.surviving_fraction, _row(ours), _row(authors),
                      " | ".join(f"{k}: {v}" for k, v in parts if v))
        for key, value in zip(rows, values, strict=True):
            rows[key].append(value)
    return DriveSweep(
        sigma_b2=drives, sigma_w2=np.array(rows["w2"]), sigma_w2_err=np.array(rows["w2_err"]),
        surviving_fraction=np.array(rows["rho"]), ours=np.array(rows["ours"]).reshape(-1, 4, 2),
        authors=np.array(rows["authors"]).reshape(-1, 4, 2), width=width, depth=depth, n_inputs=n_inputs, seed=seed,
        wall_time_s=time.perf_counter() - start, undetermined=tuple(rows["why"]),
    )
