"""The quasi-critical regime: crackling exponents along the susceptibility ridge under drive.

With biases (σ_b² > 0) a network has no absorbing state and no critical point. For every drive
σ_b² we locate the ridge of the fluctuation susceptibility χ_F = N·Var_networks(ρ) along σ_w²
(:mod:`crit.analysis.phases`: there the surviving fraction varies most from network to network) and fit the
avalanches simulated on it both ways (:func:`crit.analysis.crackling.fit_both`). At σ_b² = 0 the row is taken
at the finite-width critical point instead, as in the authors' run. Profiles of the figure
("ci"/"paper") and the cached computation of the whole chapter live here too.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis import crackling, phases
from crit.models import theory
from crit.models import avalanches as av
from crit.book.cache import cached
from crit.records import Record

__all__ = ["DriveSweep", "drive_sweep", "ScalingProfile", "PROFILES", "profile", "quasi_critical_scaling"]

_FIELDS = ("tau_s", "tau_d", "gamma", "gamma_pred")


@dataclass(frozen=True, eq=False)
class DriveSweep(Record):
    """Exponents against the drive σ_b² along the ridge; arrays of shape (n_drives,).

    ``ours_*`` and ``authors_*`` hold τ_s, τ_d, γ, γ_pred with ``*_err`` (bootstrap over networks).
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


def _row(e):
    return [[e.tau_s, e.tau_s_err], [e.tau_d, e.tau_d_err], [e.gamma, e.gamma_err], [e.gamma_pred, e.gamma_pred_err]]


def drive_sweep(sigma_b2, *, width, depth, n_inputs, inputs_per_network, ridge_sigma_w2, ridge_n_inputs,
                seed=0, device=None, n_boot=50, progress=False) -> DriveSweep:
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
    """
    drives = _validate.finite_array("sigma_b2", sigma_b2)
    rng = np.random.default_rng(_validate.integer("seed", seed, minimum=0))
    start = time.perf_counter()
    rows = {k: [] for k in ("w2", "w2_err", "rho", "ours", "authors")}
    for i, b2 in enumerate(drives):
        if b2 == 0:
            w2, w2_err = float(theory.finite_width_critical_sigma_w2(width)), 0.0
        else:
            grid = phases.scan(ridge_sigma_w2, b2, width=width, depth=depth, n_inputs=ridge_n_inputs,
                               inputs_per_network=100, seed=seed + 7919 * (i + 1), device=device, progress=progress)
            peak, err, _ = phases.ridge(grid.sigma_w2, *grid.fluctuation_susceptibility(), rng=rng)
            w2, w2_err = float(peak[0]), float(err[0])
        rec = av.simulate(width, depth, w2, float(b2), n_inputs=n_inputs, inputs_per_network=inputs_per_network,
                          seed=seed + 104729 * (i + 1), device=device, progress=progress)
        try:
            authors, _, ours, _ = crackling.fit_both(rec, rng=rng, n_boot=n_boot, gamma_min_count=10,
                                                     authors_min_count=10)
            fits = _row(ours), _row(authors)
        except ValueError as exc:  # too few ended avalanches at this drive: report a gap, not a number
            warnings.warn(f"sigma_b2={b2:g}: avalanches could not be fitted ({exc})", RuntimeWarning, stacklevel=2)
            fits = np.full((4, 2), np.nan), np.full((4, 2), np.nan)
        for key, value in zip(rows, (w2, w2_err, rec.surviving_fraction, *fits)):
            rows[key].append(value)
    return DriveSweep(
        sigma_b2=drives, sigma_w2=np.array(rows["w2"]), sigma_w2_err=np.array(rows["w2_err"]),
        surviving_fraction=np.array(rows["rho"]), ours=np.array(rows["ours"]), authors=np.array(rows["authors"]),
        width=width, depth=depth, n_inputs=n_inputs, seed=seed, wall_time_s=time.perf_counter() - start,
    )


@dataclass(frozen=True)
class ScalingProfile:
    """Sizes of the quasi-critical-scaling figure for one profile ("ci" or "paper").

    ``sigma_w2 = None`` means the finite-width critical point of ``width``.
    """

    name: str
    width: int
    depth: int
    sigma_w2: float | None
    n_inputs: int
    inputs_per_network: int
    collapse_range: tuple
    n_boot: int
    n_sets: int
    gamma_min_count: int
    drives: tuple
    drive_n_inputs: int
    drive_inputs_per_network: int
    ridge_sigma_w2: tuple
    ridge_n_inputs: int


PROFILES = {
    "ci": ScalingProfile("ci", 100, 200, None, 100_000, 1000, (20, 80, 20), 50, 100, 50,
                         (0.0, 3e-6, 1e-5, 3e-5), 20_000, 500, (0.85, 1.25, 9), 1000),
    # the authors' point (paper-method.md §3-4): width 500, depth 1000, sigma_w2 = 1.002, 2e6 inputs
    "paper": ScalingProfile("paper", 500, 1000, 1.002, 2_000_000, 1000, (60, 250, 20), 100, 200, 100,
                            (0.0, 1e-6, 3e-6, 1e-5, 3e-5), 200_000, 1000, (0.9, 1.1, 21), 10_000),
}


def profile(name: str) -> ScalingProfile:
    """The sizes of the quasi-critical-scaling figure for profile ``name``."""
    return PROFILES[_validate.choice("profile", name, tuple(PROFILES))]


def quasi_critical_scaling(name: str, *, seed: int = 0, device=None, progress=False) -> dict:
    """The chapter's two heavy results, from the results cache or computed and cached.

    Returns
    -------
    dict
        ``{"point": CracklingAnalysis, "drives": DriveSweep}``.
    """
    p = profile(name)
    dev = av.resolve_device(device)
    sigma_w2 = p.sigma_w2 if p.sigma_w2 is not None else float(theory.finite_width_critical_sigma_w2(p.width))

    def point():
        rec = av.simulate(p.width, p.depth, sigma_w2, 0.0, n_inputs=p.n_inputs,
                          inputs_per_network=p.inputs_per_network, record_profiles=True, seed=seed,
                          device=dev, progress=progress)
        return crackling.analyse(rec, collapse_range=p.collapse_range, rng=np.random.default_rng(seed),
                                 n_boot=p.n_boot, n_sets=p.n_sets, gamma_min_count=p.gamma_min_count)

    key = {"profile": p.__dict__, "seed": seed}
    analysis = cached(crackling.CracklingAnalysis, {**key, "part": "point"}, point)
    drives = cached(DriveSweep, {**key, "part": "drives"}, lambda: drive_sweep(
        p.drives, width=p.width, depth=p.depth, n_inputs=p.drive_n_inputs,
        inputs_per_network=p.drive_inputs_per_network, ridge_sigma_w2=np.linspace(*p.ridge_sigma_w2[:2],
                                                                                   int(p.ridge_sigma_w2[2])),
        ridge_n_inputs=p.ridge_n_inputs, seed=seed, device=dev, n_boot=max(10, p.n_boot // 2), progress=progress))
    return {"point": analysis, "drives": drives}
