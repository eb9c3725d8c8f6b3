"""Avalanche models whose exponents are known exactly: ground truth for :mod:`crit.analysis.stats`.

=========================  ======================  =====================  ================  ==========
model                      size exponent tau       duration exponent      gamma (S ~ T^g)   mean shape
=========================  ======================  =====================  ================  ==========
Galton–Watson, Poisson(1)  3/2                     2                      2                 parabola
random-walk excursion      4/3                     3/2                    3/2               semicircle
ABBM, drive c              (3 - c)/2               2 - c                  2                 parabola
=========================  ======================  =====================  ================  ==========

The finite-population branching process of :func:`finite_population_branching` is the critical
Galton–Watson tree on N sites: mean-field DP with the known finite-size scaling T_c ∝ N^{1/2},
S_c ∝ N (the activity saturates at n ~ √N, where collisions, ∝ n²/N, match the noise, ∝ n).

References: Harris, *The Theory of Branching Processes* (1963) (Borel law of the total progeny,
Kolmogorov's survival asymptotics); Feller, *An Introduction to Probability Theory* Vol. 1, ch. III
(first-return times of a simple random walk); Alessandro, Beatrice, Bertotti & Montorsi (ABBM),
J. Appl. Phys. 68, 2901 (1990), Colaiori, Adv. Phys. 57, 287 (2008); the hitting time of zero of a
squared Bessel process (Göing-Jaeschke & Yor, Bernoulli 9, 313 (2003)) gives ``T = v0 / G``,
``G ~ Gamma(1 - c)``. All generators are vectorised over realisations and seeded by ``rng``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from crit import _validate
from crit._arrays import sorted_distinct
from crit.models.avalanche_record import AvalancheRecord
from crit.traces import Traces

__all__ = ["ExactAvalanches", "galton_watson", "finite_population_branching", "random_walk_excursions", "abbm"]


@dataclass(frozen=True, eq=False)
class ExactAvalanches(AvalancheRecord):
    """Avalanches from an exactly solvable model.

    Attributes
    ----------
    model : str
        ``'galton_watson'``, ``'random_walk'`` or ``'abbm'``.
    sizes : numpy.ndarray
        Avalanche sizes S (total activity; for ABBM ``∫ v dt`` in model units).
    durations : numpy.ndarray
        Durations T paired with ``sizes`` (generations, steps, or model time for ABBM).
    survived : numpy.ndarray of bool
        True where the avalanche was still running at the cap (its S and T are censored: drop
        these, or fit with ``xmax``).
    traces : Traces or None
        Activity at each time step of each avalanche (None when not kept).
    params : dict
        The model's parameters, the cap and the seed information, for provenance.
    exact_durations : numpy.ndarray or None
        ABBM only: independent exact draws ``T = v0 / Gamma(1 - c)`` (no discretisation error).
    """

    model: str
    traces: Traces | None
    params: dict = field(default_factory=dict)
    exact_durations: np.ndarray | None = None

    @property
    def network(self) -> np.ndarray:
        """Batch index (run number mod 20) of each avalanche: the jackknife groups of an exact model,
        which has no networks, in the place where network records keep their network index."""
        return np.arange(np.asarray(self.sizes).size) % 20


def _traces_from_steps(ids, values, n):
    """Traces from per-step (avalanche id, value) records appended in time order."""
    ids = np.concatenate(ids) if ids else np.zeros(0, np.int64)
    values = np.concatenate(values) if values else np.zeros(0)
    order = np.argsort(ids, kind="stable")  # stable: time order is kept within each avalanche
    counts = np.bincount(ids, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Traces(values=values[order].astype(float), offsets=offsets)


def galton_watson(n_trees, *, m=1.0, max_generations=10_000, keep_traces=True, max_population=10**12, rng):
    """Galton–Watson trees with Poisson(m) offspring, each started from one individual.

    Size S = total number of individuals (seed included); duration T = number of generations
    with at least one individual (the seed's generation counts as 1). At m = 1 (critical),
    P(S = s) = e^-s s^(s-1)/s! (Borel) ~ s^-3/2 / sqrt(2 pi) and P(T > t) ~ 2/t.

    Parameters
    ----------
    n_trees : int
        Number of independent trees (avalanches).
    m : float
        Mean offspring number (branching ratio): < 1 subcritical, 1 critical, > 1 supercritical.
    max_generations : int
        Cap on T; trees alive after it are flagged in ``survived``.
    keep_traces : bool
        Keep the population of every generation (``traces``).
    max_population : int
        A tree whose generation exceeds this is stopped and flagged as survived (supercritical runs).
    rng : numpy.random.Generator or int

    Returns
    -------
    ExactAvalanches
    """
    n_trees = _validate.integer("n_trees", n_trees, minimum=1)
    m = _validate.real("m", m, minimum=0.0)
    max_generations = _validate.integer("max_generations", max_generations, minimum=1)
    rng = _validate.rng("rng", rng, allow_seed=True)
    sizes = np.ones(n_trees, dtype=np.int64)
    durations = np.ones(n_trees, dtype=np.int64)
    alive = np.arange(n_trees)
    pop = np.ones(n_trees, dtype=np.int64)
    rec_ids, rec_vals = ([alive.copy()], [pop.astype(float)]) if keep_traces else ([], [])
    survived = np.zeros(n_trees, dtype=bool)
    for _ in range(max_generations - 1):
        pop = rng.poisson(m * pop)
        keep = pop > 0
        alive, pop = alive[keep], pop[keep]
        if alive.size == 0:
            break
        sizes[alive] += pop
        durations[alive] += 1
        if keep_traces:
            rec_ids.append(alive.copy())
            rec_vals.append(pop.astype(float))
        big = pop > max_population
        if big.any():  # exploding (supercritical) trees: stop and flag them
            survived[alive[big]] = True
            alive, pop = alive[~big], pop[~big]
    survived[alive] = True
    traces = _traces_from_steps(rec_ids, rec_vals, n_trees) if keep_traces else None
    params = {"m": m, "max_generations": max_generations, "max_population": int(max_population), "offspring": "poisson"}
    return ExactAvalanches(sizes.astype(float), durations.astype(float), survived, "galton_watson", traces, params)


def finite_population_branching(n_runs, *, width, max_generations=100_000, rng):
    """Critical branching on N sites: every active site sends Poisson(1) activations to sites drawn
    uniformly; the distinct sites hit are the next generation's active sites.

    Without collisions this is :func:`galton_watson` at m = 1; the merging of activations that hit
    the same site (probability ∝ n²/N) is the only effect of the finite population, so N sets the
    cut-offs: T_c ∝ N^{1/2}, S_c ∝ N (mean-field directed percolation on N sites). Size S = active
    sites summed over generations, duration T = generations (the seed's counts), as for
    :func:`galton_watson`.

    Parameters
    ----------
    n_runs : int
        Avalanches, each started from one active site.
    width : int
        N, the number of sites (the width of this one-layer-per-generation network).
    max_generations : int
        Cap on T (flagged in ``survived``).
    rng : numpy.random.Generator or int

    Returns
    -------
    ExactAvalanches
    """
    n_runs = _validate.integer("n_runs", n_runs, minimum=1)
    width = _validate.integer("width", width, minimum=1)
    max_generations = _validate.integer("max_generations", max_generations, minimum=1)
    rng = _validate.rng("rng", rng, allow_seed=True)
    sizes, durations = np.ones(n_runs, np.int64), np.ones(n_runs, np.int64)
    alive, pop = np.arange(n_runs), np.ones(n_runs, np.int64)
    for _ in range(max_generations - 1):
        parent = np.repeat(np.arange(alive.size), rng.poisson(pop))
        hit = sorted_distinct(parent * width + rng.integers(width, size=parent.size))
        pop = np.bincount(hit // width, minlength=alive.size)
        keep = pop > 0
        alive, pop = alive[keep], pop[keep]
        if alive.size == 0:
            break
        sizes[alive] += pop
        durations[alive] += 1
    survived = np.zeros(n_runs, bool)
    survived[alive] = True
    params = {"width": width, "max_generations": max_generations, "offspring": "poisson", "m": 1.0}
    return ExactAvalanches(sizes.astype(float), durations.astype(float), survived, "finite_population_branching",
                           None, params)


def random_walk_excursions(n_walks, *, max_steps=100_000, keep_traces=True, rng):
    """Simple random walks started at 1, stopped on first reaching 0 (absorbed free Brownian motion).

    Duration T = number of steps (odd; P(T = 2k + 1) = C_k / 2^(2k+1), Catalan C_k, so
    P(T) ~ T^-3/2); size S = sum of the heights x_t over t < T (the area, ⟨S | T⟩ ≈ 0.64 T^3/2,
    so tau = 4/3); the trace is x_0 = 1, x_1, ..., x_{T-1}.

    Parameters
    ----------
    n_walks : int
    max_steps : int
        Cap on T; walks not absorbed by then are flagged in ``survived``.
    keep_traces : bool
    rng : numpy.random.Generator or int

    Returns
    -------
    ExactAvalanches
    """
    n_walks = _validate.integer("n_walks", n_walks, minimum=1)
    max_steps = _validate.integer("max_steps", max_steps, minimum=1)
    rng = _validate.rng("rng", rng, allow_seed=True)
    sizes = np.zeros(n_walks, dtype=np.int64)
    durations = np.zeros(n_walks, dtype=np.int64)
    alive = np.arange(n_walks)
    height = np.ones(n_walks, dtype=np.int64)
    rec_ids, rec_vals = [], []
    for _ in range(max_steps):
        sizes[alive] += height
        durations[alive] += 1
        if keep_traces:
            rec_ids.append(alive.copy())
            rec_vals.append(height.astype(float))
        height = height + 2 * (rng.random(alive.size) < 0.5) - 1
        keep = height > 0
        alive, height = alive[keep], height[keep]
        if alive.size == 0:
            break
    survived = np.zeros(n_walks, dtype=bool)
    survived[alive] = True
    traces = _traces_from_steps(rec_ids, rec_vals, n_walks) if keep_traces else None
    return ExactAvalanches(sizes.astype(float), durations.astype(float), survived, "random_walk", traces,
                           {"start": 1, "max_steps": max_steps})


def abbm(n_runs, *, c=0.0, v0=0.1, dt=2e-3, max_time=100.0, keep_traces=False, rng):
    """ABBM (mean-field Barkhausen) avalanches: dv = c dt + sqrt(2 v) dW from v0 until v <= 0.

    The velocity v is a squared Bessel process of dimension 2c (up to a factor 2), so the duration
    is exactly T = v0 / G with G ~ Gamma(1 - c, 1): P(T > t) ~ t^-(1-c), duration exponent 2 - c.
    Sizes S = ∫ v dt (size exponent (3 - c)/2; 3/2 exactly at c = 0, where S is Lévy distributed,
    P(S > s) = erf(v0 / (2 sqrt(s)))). Sizes and their paired ``durations`` come from an
    Euler–Maruyama simulation with step ``dt`` (left Riemann sum for S); ``exact_durations`` are
    independent exact draws of T without discretisation error.

    Parameters
    ----------
    n_runs : int
    c : float
        Dimensionless driving rate, 0 <= c < 1.
    v0 : float
        Initial velocity (> 0), model units.
    dt : float
        Euler–Maruyama time step (model time units); dt << v0 keeps the discretisation error small.
    max_time : float
        Cap on the simulated duration; runs still going are flagged in ``survived``.
    keep_traces : bool
        Keep v(t) at every step (memory grows like n_runs × mean duration / dt).
    rng : numpy.random.Generator or int

    Returns
    -------
    ExactAvalanches
    """
    n_runs = _validate.integer("n_runs", n_runs, minimum=1)
    c = _validate.real("c", c, minimum=0.0, maximum=1.0, strict_max=True)
    v0 = _validate.real("v0", v0, minimum=0.0, strict_min=True)
    dt = _validate.real("dt", dt, minimum=0.0, strict_min=True)
    max_time = _validate.real("max_time", max_time, minimum=dt)
    rng = _validate.rng("rng", rng, allow_seed=True)
    exact = v0 / rng.gamma(1.0 - c, 1.0, size=n_runs)
    sizes = np.zeros(n_runs)
    steps = np.zeros(n_runs, dtype=np.int64)
    alive = np.arange(n_runs)
    v = np.full(n_runs, v0)
    rec_ids, rec_vals = [], []
    sq = np.sqrt(2.0 * dt)
    for _ in range(int(np.ceil(max_time / dt))):
        sizes[alive] += v * dt
        steps[alive] += 1
        if keep_traces:
            rec_ids.append(alive.copy())
            rec_vals.append(v.copy())
        v = v + c * dt + sq * np.sqrt(v) * rng.standard_normal(alive.size)
        keep = v > 0
        alive, v = alive[keep], v[keep]
        if alive.size == 0:
            break
    survived = np.zeros(n_runs, dtype=bool)
    survived[alive] = True
    traces = _traces_from_steps(rec_ids, rec_vals, n_runs) if keep_traces else None
    params = {"c": c, "v0": v0, "dt": dt, "max_time": max_time}
    return ExactAvalanches(sizes, steps * dt, survived, "abbm", traces, params, exact_durations=exact)
