r"""Absorbing and active phases of random deep networks: order parameters and susceptibilities.

A scan runs :func:`crit.models.avalanches.simulate` on a grid of (σ_b², σ_w²) and keeps, for every
network, the counts that the order parameters are made of. Errors are taken from the spread over
networks (jackknife), because quenched disorder dominates (`paper-method.md` §7).

Order parameters
    ρ, the fraction of inputs whose activity survives the full depth (the density of the active
    phase), and S̄, the mean size of the recorded avalanches (the authors' order-parameter curve,
    which includes the never-ending avalanches).

Susceptibilities
    χ = dS̄/dσ_w², by central differences along σ_w² as the authors (``numpy.gradient``), and the
    fluctuation susceptibility χ_F = N · Var_networks(ρ), the network-to-network (disorder)
    variance of ρ with the binomial noise of a finite number of inputs per network removed:
    Var(ρ̂) − ⟨ρ̂(1 − ρ̂)/(B − 1)⟩ for B inputs per network.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.models import avalanches as av
from crit.records import Record

__all__ = ["PhaseScan", "scan", "jackknife", "ridge"]


@dataclass(frozen=True, eq=False)
class PhaseScan(Record):
    """Per-network counts on a grid of (σ_b², σ_w²); arrays have shape (n_b, n_w, n_networks).

    Attributes
    ----------
    sigma_w2, sigma_b2 : numpy.ndarray
        The grid axes (n_w,) and (n_b,).
    n_in, n_recorded, n_survived : numpy.ndarray of int64
        Inputs sent, avalanches recorded and inputs that never died, per network.
    sum_size : numpy.ndarray of float64
        Sum of the sizes S of the recorded avalanches, per network.
    width, depth, q0, n_inputs, inputs_per_network, activation, seed, device, versions, wall_time_s
        Parameters of every point (``n_inputs`` per point) and provenance.
    """

    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    n_in: np.ndarray
    n_recorded: np.ndarray
    n_survived: np.ndarray
    sum_size: np.ndarray
    width: int
    depth: int
    q0: float
    n_inputs: int
    inputs_per_network: int
    activation: str
    seed: int
    device: str
    versions: dict
    wall_time_s: float

    def surviving_fraction(self):
        """ρ pooled over networks and its jackknife error, each of shape (n_b, n_w)."""
        return jackknife(lambda s, n: s.sum(-1) / n.sum(-1), self.n_survived, self.n_in)

    def mean_size(self):
        """S̄ = Σ S / (number recorded), pooled over networks (the authors'), and its error."""
        return jackknife(_ratio, self.sum_size, self.n_recorded)

    def response_susceptibility(self):
        """χ = dS̄/dσ_w² (central differences, as ``numpy.gradient``) and its error.

        Points of the grid are independent simulations, so the variances of the differenced S̄
        add; shape (n_b, n_w).
        """
        mean, err = self.mean_size()
        if self.sigma_w2.size < 2:
            raise ValueError("the response susceptibility needs at least 2 values of sigma_w2")
        operator = np.gradient(np.eye(self.sigma_w2.size), self.sigma_w2, axis=0)  # linear map
        chi = mean @ operator.T
        return chi, np.sqrt((err**2) @ (operator**2).T)

    def fluctuation_susceptibility(self):
        """χ_F = N · (disorder variance of ρ over networks) and its jackknife error."""
        return jackknife(lambda s, n: self.width * _disorder_variance(s, n), self.n_survived, self.n_in)


def _ratio(num, den):
    total = den.sum(-1)
    return np.where(total > 0, num.sum(-1) / np.maximum(total, 1), 0.0)


def _disorder_variance(survived, inputs):
    rho = survived / inputs
    binomial = (rho * (1 - rho) / np.maximum(inputs - 1, 1)).mean(-1)
    return rho.var(-1, ddof=1) - binomial


def jackknife(estimator, *arrays):
    """Delete-one-network jackknife of ``estimator(*arrays)`` over the last axis.

    Parameters
    ----------
    estimator : callable
        Maps arrays of shape (..., n_networks) to an array of shape (...).
    *arrays : numpy.ndarray
        Per-network quantities, networks on the last axis (at least 3 networks).

    Returns
    -------
    (estimate, error) : tuple of numpy.ndarray
        The estimate on all networks and its jackknife standard error.
    """
    m = arrays[0].shape[-1]
    if m < 3:
        raise ValueError(f"a jackknife over networks needs at least 3 networks, got {m}")
    full = estimator(*arrays)
    keep = ~np.eye(m, dtype=bool)
    leave_out = np.stack([estimator(*(a[..., k] for a in arrays)) for k in keep], axis=-1)
    err = np.sqrt((m - 1) / m * ((leave_out - leave_out.mean(-1, keepdims=True)) ** 2).sum(-1))
    return full, err


def scan(
    sigma_w2,
    sigma_b2=0.0,
    *,
    width,
    depth,
    n_inputs,
    inputs_per_network=100,
    q0=0.1,
    activation="tanh",
    seed=0,
    device=None,
    progress=None,
) -> PhaseScan:
    """Simulate every point of the (σ_b², σ_w²) grid and keep per-network counts.

    Parameters
    ----------
    sigma_w2 : array_like
        Weight variances ×N, increasing (n_w,).
    sigma_b2 : float or array_like
        Bias variances (n_b,).
    width, depth, n_inputs, inputs_per_network, q0, activation, device
        As in :func:`crit.models.avalanches.simulate`; ``n_inputs`` per grid point, a whole number of
        networks (at least 3, for the jackknife).
    seed : int
        Point ``i`` (row-major over the grid) uses seed ``seed + i``: points are independent.

    Returns
    -------
    PhaseScan
    """
    sw = _validate.finite_array("sigma_w2", sigma_w2)
    sb = _validate.finite_array("sigma_b2", np.atleast_1d(sigma_b2))
    if (sw < 0).any() or (sb < 0).any():
        raise ValueError("sigma_w2 and sigma_b2 are variances: every value must be >= 0")
    if np.any(np.diff(sw) <= 0):
        raise ValueError(f"sigma_w2 must be strictly increasing, got {sw.tolist()}")
    n_inputs = _validate.integer("n_inputs", n_inputs, minimum=1)
    inputs_per_network = _validate.integer("inputs_per_network", inputs_per_network, minimum=1)
    if n_inputs % inputs_per_network or n_inputs // inputs_per_network < 3:
        raise ValueError(
            f"n_inputs ({n_inputs}) must be a multiple of inputs_per_network ({inputs_per_network}) "
            "covering at least 3 networks"
        )
    seed = _validate.integer("seed", seed, minimum=0)
    m = n_inputs // inputs_per_network
    shape = (sb.size, sw.size, m)
    counts = {k: np.zeros(shape, np.int64) for k in ("n_in", "n_recorded", "n_survived")}
    sum_size = np.zeros(shape)
    start = time.perf_counter()
    dev = av.resolve_device(device)
    for i, b2 in enumerate(sb):
        for j, w2 in enumerate(sw):
            rec = av.simulate(
                width, depth, w2, b2, n_inputs=n_inputs, q0=q0, inputs_per_network=inputs_per_network,
                activation=activation, seed=seed + i * sw.size + j, device=dev, progress=progress,
            )
            counts["n_in"][i, j] = rec.inputs_per_network_array
            counts["n_recorded"][i, j] = np.bincount(rec.network, minlength=m)
            counts["n_survived"][i, j] = rec.per_network_sum(rec.survived).round().astype(np.int64)
            sum_size[i, j] = rec.per_network_sum(rec.sizes)
    return PhaseScan(
        sigma_w2=sw, sigma_b2=sb, sum_size=sum_size, **counts, width=rec.width, depth=rec.depth,
        q0=rec.q0, n_inputs=n_inputs, inputs_per_network=inputs_per_network, activation=activation,
        seed=seed, device=str(dev), versions=rec.versions, wall_time_s=time.perf_counter() - start,
    )


def ridge(sigma_w2, chi, err, *, rng, n_resamples=200):
    """Position of the maximum of χ(σ_w²) in every row, refined by a parabola, with its error.

    The error comes from a parametric bootstrap: χ is redrawn from N(χ, err²) ``n_resamples``
    times and the refined maximum recomputed.

    Parameters
    ----------
    sigma_w2 : array_like, shape (n_w,)
    chi, err : array_like, shape (n_b, n_w)
    rng : numpy.random.Generator

    Returns
    -------
    (peak, peak_err, height) : tuple of numpy.ndarray, shape (n_b,)
    """
    rng = _validate.rng("rng", rng)
    x = _validate.finite_array("sigma_w2", sigma_w2)
    chi = np.atleast_2d(np.asarray(chi, float))
    err = np.atleast_2d(np.asarray(err, float))
    if x.size < 3:
        raise ValueError("a ridge needs at least 3 values of sigma_w2")
    peak, height = _vertex(x, chi)
    draws = chi[None] + err[None] * rng.standard_normal((n_resamples,) + chi.shape)
    peaks = _vertex(x, draws)[0]
    return peak, peaks.std(0, ddof=1), height


def _vertex(x, y):
    """Maximum of y along the last axis, refined by the parabola through it and its neighbours."""
    k = np.clip(np.argmax(y, axis=-1), 1, x.size - 2)
    x0, x1, x2 = x[k - 1], x[k], x[k + 1]
    take = lambda o: np.take_along_axis(y, (k + o)[..., None], -1)[..., 0]  # noqa: E731
    y0, y1, y2 = take(-1), take(0), take(1)
    denom = (x0 - x1) * (x0 - x2) * (x1 - x2)
    a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / denom
    b = (x2**2 * (y0 - y1) + x1**2 * (y2 - y0) + x0**2 * (y1 - y2)) / denom
    c = y1 - a * x1**2 - b * x1
    vertex = np.where(a < 0, -b / (2 * np.where(a == 0, 1, a)), x1)
    vertex = np.clip(vertex, x0, x2)
    return vertex, a * vertex**2 + b * vertex + c



@dataclass(frozen=True)
class PhaseDiagramProfile:
    """Sizes of the phase-diagram figure for one profile ("ci": 2 CPU cores; "paper": a GPU).

    Attributes
    ----------
    widths : tuple of int
        Widths N of the σ_w² sweeps at σ_b² = 0; each runs at depth ``depth_per_width · N``.
    sweep_sigma_w2 : tuple
        (first, last, number of points) of the σ_w² grid of the sweeps.
    n_inputs, inputs_per_network : int
        Inputs per grid point, and inputs per network (error bars come from the networks).
    map_width, map_depth : int
        Size of the networks of the (σ_w², σ_b²) map.
    map_sigma_w2, map_sigma_b2 : tuple
        Grid of the map: (first, last, number) of a geometric grid for σ_w², the values of σ_b².
    map_n_inputs : int
        Inputs per point of the map.
    authors_run : bool
        Also rerun the authors' susceptibility scan (width 300, depth 500, 10⁴ inputs per point,
        σ_w² ∈ linspace(0.95, 1.4, 20), σ_b² = 0, a network per 1000 inputs).
    """

    name: str
    widths: tuple
    depth_per_width: float
    sweep_sigma_w2: tuple
    n_inputs: int
    inputs_per_network: int
    map_width: int
    map_depth: int
    map_sigma_w2: tuple
    map_sigma_b2: tuple
    map_n_inputs: int
    authors_run: bool

    def depth(self, width: int) -> int:
        return int(round(self.depth_per_width * width))


PROFILES = {
    "ci": PhaseDiagramProfile(
        name="ci", widths=(32, 64, 128), depth_per_width=1.0, sweep_sigma_w2=(0.85, 1.45, 13),
        n_inputs=4000, inputs_per_network=100, map_width=48, map_depth=96,
        map_sigma_w2=(0.8, 2.6, 21), map_sigma_b2=(0.0, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1),
        map_n_inputs=4000, authors_run=False,
    ),
    "paper": PhaseDiagramProfile(
        name="paper", widths=(100, 300, 1000), depth_per_width=2.0, sweep_sigma_w2=(0.9, 1.4, 26),
        n_inputs=20_000, inputs_per_network=200, map_width=300, map_depth=500,
        map_sigma_w2=(0.8, 2.6, 31), map_sigma_b2=(0.0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1),
        map_n_inputs=10_000, authors_run=True,
    ),
}


def profile(name: str) -> PhaseDiagramProfile:
    """The sizes of the phase-diagram figure for profile ``name`` ("ci" or "paper")."""
    return PROFILES[_validate.choice("profile", name, tuple(PROFILES))]


def _grid(spec):
    first, last, number = spec
    return np.linspace(first, last, int(number))


def phase_diagram(name: str, *, seed: int = 0, device=None, progress=False) -> dict:
    """Every scan of the phase-diagram figure, from the results cache or computed and cached.

    Returns
    -------
    dict
        ``{"sweeps": {width: PhaseScan}, "map": PhaseScan, "authors": PhaseScan or None}``.
    """
    from crit.book.cache import cached

    p = profile(name)
    dev = av.resolve_device(device)

    def run(**kwargs):
        params = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
        return cached(PhaseScan, params, lambda: scan(**kwargs, device=dev, progress=progress))

    sweeps = {
        width: run(sigma_w2=_grid(p.sweep_sigma_w2), sigma_b2=0.0, width=width, depth=p.depth(width),
                   n_inputs=p.n_inputs, inputs_per_network=p.inputs_per_network, seed=seed + 1000 * k)
        for k, width in enumerate(p.widths)
    }
    grid_map = run(sigma_w2=np.geomspace(*p.map_sigma_w2[:2], int(p.map_sigma_w2[2])), sigma_b2=np.array(p.map_sigma_b2), width=p.map_width,
                   depth=p.map_depth, n_inputs=p.map_n_inputs, inputs_per_network=p.inputs_per_network,
                   seed=seed + 100_000)
    authors = None
    if p.authors_run:
        authors = run(sigma_w2=np.linspace(0.95, 1.4, 20), sigma_b2=0.0, width=300, depth=500,
                      n_inputs=10_000, inputs_per_network=1000, seed=seed + 200_000)
    return {"sweeps": sweeps, "map": grid_map, "authors": authors}


@dataclass(frozen=True, eq=False)
class Peaks(Record):
    """Susceptibility peaks of σ_w² sweeps at σ_b² = 0, one entry per width.

    Attributes
    ----------
    width, depth : numpy.ndarray of int
    critical : numpy.ndarray
        Finite-width critical point exp(ln(N/2) − ψ(N/2)) of each width.
    response_peak, response_err, response_height : numpy.ndarray
        Position (σ_w²), its error and height of the maximum of χ = dS̄/dσ_w².
    fluctuation_peak, fluctuation_err, fluctuation_height : numpy.ndarray
        The same for χ_F = N · Var_networks(ρ).
    """

    width: np.ndarray
    depth: np.ndarray
    critical: np.ndarray
    response_peak: np.ndarray
    response_err: np.ndarray
    response_height: np.ndarray
    fluctuation_peak: np.ndarray
    fluctuation_err: np.ndarray
    fluctuation_height: np.ndarray


def peaks(sweeps: dict, *, rng) -> Peaks:
    """Locate both susceptibility peaks of every sweep (``{width: PhaseScan}`` at one σ_b²)."""
    from crit.models.theory import finite_width_critical_sigma_w2

    rows = []
    for width, s in sorted(sweeps.items()):
        r = ridge(s.sigma_w2, *s.response_susceptibility(), rng=rng)
        f = ridge(s.sigma_w2, *s.fluctuation_susceptibility(), rng=rng)
        rows.append((width, s.depth, finite_width_critical_sigma_w2(width), r[0][0], r[1][0], r[2][0],
                     f[0][0], f[1][0], f[2][0]))
    cols = np.array(rows, dtype=float).T
    return Peaks(cols[0].astype(np.int64), cols[1].astype(np.int64), *cols[2:])
