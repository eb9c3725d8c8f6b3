r"""Directed bond percolation in 1+1 dimensions: the non-mean-field DP reference model.

Domany–Kinzel cellular automaton on the bond-DP line: a site is active at time ``t + 1`` if at
least one of its two neighbours at time ``t`` is active *and* the bond from it is open; every bond
is open with probability ``p`` independently. In tilted coordinates site ``i`` at ``t + 1`` has
the parents ``i − 1`` and ``i`` at ``t``, so a cluster grown from one seed at ``i = 0`` lives in
``0 ≤ i ≤ t``: the lattice is as wide as the light cone and no avalanche ever meets an edge.

The critical point is ``p_c = 0.644700185`` (Jensen, J. Phys. A 32, 5233 (1999); the number is
tabulated in Hinrichsen, Adv. Phys. 49, 815 (2000), arXiv:cond-mat/0001070). At ``p_c`` a cluster
from one seed has survival ``P(t) ~ t^-δ``, ``δ = 0.159464``, and mean number of active sites
``N(t) ~ t^θ``, ``θ = 0.313686`` (the same tables). With Muñoz, Dickman, Vespignani & Zapperi,
PRE 59, 6175 (1999), the avalanche exponents follow: size ``τ = (1 + θ + 2δ)/(1 + θ + δ) = 1.108``,
duration ``α = 1 + δ = 1.159``, ``⟨S⟩(T) ~ T^γ`` with ``γ = 1 + θ + δ = 1.473``.

The simulation keeps only the active sites (run, position) of the runs still alive, so its cost
is proportional to the total number of active sites, not to the area of the light cone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit._arrays import sorted_distinct
from crit.models.exact_models import ExactAvalanches, _traces_from_steps
from crit.records import Record

__all__ = ["P_C", "DELTA", "THETA", "AVALANCHE_EXPONENTS", "Spreading", "bond_dp", "spreading"]

#: Critical bond probability of 1+1-D directed bond percolation (Jensen 1999).
P_C = 0.644700185
#: Survival exponent δ and initial-slip exponent θ in d = 1 (Hinrichsen 2000, Table 1).
DELTA, THETA = 0.159464, 0.313686
#: (size τ, duration α, γ of ⟨S⟩ ~ T^γ) from δ and θ by the relations of Muñoz et al. 1999.
AVALANCHE_EXPONENTS = ((1 + THETA + 2 * DELTA) / (1 + THETA + DELTA), 1 + DELTA, 1 + THETA + DELTA)


@dataclass(frozen=True, eq=False)
class Spreading(Record):
    """Spreading from one seed, averaged over runs.

    Attributes
    ----------
    t : numpy.ndarray of int64
        Time steps 0 … max_steps − 1 (the seed is at t = 0).
    survival : numpy.ndarray
        P(t), the fraction of runs with at least one active site at t.
    mean_active : numpy.ndarray
        N(t), the number of active sites at t averaged over *all* runs (dead runs count 0).
    n_runs : int
    p : float
    """

    t: np.ndarray
    survival: np.ndarray
    mean_active: np.ndarray
    n_runs: int
    p: float


def _grow(n_runs, p, max_steps, rng, on_step):
    """Run ``n_runs`` clusters from one seed each; call ``on_step(t, runs, counts)`` every step.

    ``runs`` are the ids of the runs alive at ``t`` and ``counts`` their numbers of active sites.
    Returns the ids of the runs still alive after ``max_steps`` steps.
    """
    run = np.arange(n_runs, dtype=np.int64)  # one entry per active site
    pos = np.zeros(n_runs, dtype=np.int64)
    stride = np.int64(max_steps + 1)
    for t in range(max_steps):
        ids, counts = np.unique(run, return_counts=True)
        on_step(t, ids, counts)
        if t == max_steps - 1:
            return ids
        stay = rng.random(run.size) < p  # bond from (i, t) to (i, t + 1)
        move = rng.random(run.size) < p  # bond from (i, t) to (i + 1, t + 1)
        keys = sorted_distinct(np.concatenate([run[stay] * stride + pos[stay], run[move] * stride + pos[move] + 1]))
        run, pos = keys // stride, keys % stride
        if run.size == 0:
            return run
    return run  # pragma: no cover - max_steps >= 1 returns inside the loop


def bond_dp(n_runs, *, p=P_C, max_steps=2000, keep_traces=False, rng) -> ExactAvalanches:
    """Avalanches of 1+1-D directed bond percolation, each grown from one active site.

    Size S = total number of active sites over all times (seed included); duration T = number of
    time steps with at least one active site (the seed's step counts as 1), as for the
    Galton–Watson trees of :func:`crit.models.exact_models.galton_watson`.

    Parameters
    ----------
    n_runs : int
        Number of independent clusters (avalanches).
    p : float
        Bond probability, 0 < p ≤ 1 (critical: :data:`P_C`).
    max_steps : int
        Cap on T, in time steps; clusters alive after it are flagged in ``survived`` (their S and
        T are censored: drop them, or fit durations with ``xmax = max_steps``).
    keep_traces : bool
        Keep the number of active sites at every step of every cluster.
    rng : numpy.random.Generator or int

    Returns
    -------
    ExactAvalanches
        With ``model = 'directed_percolation'``.

    Examples
    --------
    >>> av = bond_dp(200, max_steps=50, rng=0)
    >>> bool((av.durations <= 50).all()), bool((av.sizes >= av.durations).all())
    (True, True)
    """
    n_runs = _validate.integer("n_runs", n_runs, minimum=1)
    p = _validate.real("p", p, minimum=0.0, maximum=1.0, strict_min=True)
    max_steps = _validate.integer("max_steps", max_steps, minimum=1)
    rng = _validate.rng("rng", rng, allow_seed=True)
    sizes = np.zeros(n_runs, dtype=np.int64)
    durations = np.zeros(n_runs, dtype=np.int64)
    rec_ids, rec_vals = [], []

    def on_step(t, ids, counts):
        sizes[ids] += counts
        durations[ids] += 1
        if keep_traces:
            rec_ids.append(ids)
            rec_vals.append(counts.astype(float))

    alive = _grow(n_runs, p, max_steps, rng, on_step)
    survived = np.zeros(n_runs, dtype=bool)
    survived[alive] = True
    traces = _traces_from_steps(rec_ids, rec_vals, n_runs) if keep_traces else None
    params = {"p": p, "max_steps": max_steps, "lattice": "1+1-D bond DP, light-cone wide"}
    return ExactAvalanches(sizes.astype(float), durations.astype(float), survived, "directed_percolation",
                           traces, params)


def spreading(n_runs, *, p=P_C, max_steps=1000, rng) -> Spreading:
    """Survival P(t) and mean number of active sites N(t) of clusters grown from one seed.

    At ``p = P_C``: ``P(t) ~ t^-0.159`` and ``N(t) ~ t^0.314`` (:data:`DELTA`, :data:`THETA`).

    Parameters
    ----------
    n_runs : int
    p : float
    max_steps : int
        Number of time steps recorded (t = 0 … max_steps − 1).
    rng : numpy.random.Generator or int

    Returns
    -------
    Spreading
    """
    n_runs = _validate.integer("n_runs", n_runs, minimum=1)
    p = _validate.real("p", p, minimum=0.0, maximum=1.0, strict_min=True)
    max_steps = _validate.integer("max_steps", max_steps, minimum=1)
    rng = _validate.rng("rng", rng, allow_seed=True)
    alive = np.zeros(max_steps)
    active = np.zeros(max_steps)

    def on_step(t, ids, counts):
        alive[t] = ids.size
        active[t] = counts.sum()

    _grow(n_runs, p, max_steps, rng, on_step)
    return Spreading(np.arange(max_steps, dtype=np.int64), alive / n_runs, active / n_runs, n_runs, p)
