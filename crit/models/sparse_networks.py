r"""Deep networks of binary threshold units with sparse connections: avalanches to silence.

The dense Gaussian networks of :mod:`crit.models.avalanches` cannot leave the absorbed-free-BM class:
given a layer, the next pre-activation is exactly Gaussian, so the noise of ‖h‖² is always
proportional to its mean squared (multiplicative) whatever the activation. The log-trap class of
critical branching (mean-field DP: τ_s = 3/2, τ_d = 2, γ = 2) needs a noise *variance*
proportional to the activity, and an activity that can reach an exactly absorbing silent state.
Two changes give both, and this module is the network that has them:

* **threshold activation** φ(h) = 1{h > θ} (a McCulloch–Pitts unit): a silent layer stays
  silent, and a unit is either active or not, so the activity is a *count*;
* **sparse connections**: every unit of layer l sends K weights to K distinct units of layer
  l + 1, chosen uniformly, :math:`W_{ij} \sim \mathcal N(0, \sigma_w^2/K)` (quenched: one draw per
  network serves all its inputs). One active unit alone can then fire a unit of the next layer,
  which with dense 1/√N weights it cannot.

.. math::

    h^{l+1}_i = \sum_j W^l_{ij}\, x^l_j, \qquad x^{l+1}_i = \mathbf 1\{h^{l+1}_i > \theta\}.

An input is a single active unit in layer 0 (the perturbation); the avalanche is the activity it
spreads. Size S = number of active units summed over layers (the seed included), duration
T = number of layers with at least one active unit (the seed's layer counts), the convention of
:func:`crit.models.exact_models.galton_watson`. An avalanche still active after ``depth`` layers is
flagged in ``survived``.

A lone active unit fires each of its K targets independently with probability
p = Φ̄(θ√K/σ_w), so as long as the active units do not share targets the activity is exactly a
Galton–Watson process with Binomial(K, p) offspring, branching ratio m = K p
(:func:`branching_ratio`), critical at :func:`critical_sigma_w2` whatever the width. Two active
units hitting the same target sum their weights (probability ∝ n²/N for n active units): this
saturation is the only finite-width effect, so at the critical point the width N alone sets the
cut-offs, T_c ∝ N^{1/2} and S_c ∝ N for mean-field DP (notes §2.4).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import stats

from crit import _validate
from crit._arrays import sorted_distinct
from crit.models.avalanche_record import AvalancheRecord
from crit.records import provenance
from crit.traces import Traces, trace_window, traced

__all__ = ["SparseAvalanches", "branching_ratio", "critical_sigma_w2", "survival", "effective_duration_exponent", "draw_rows", "LazyNetwork", "propagate", "simulate"]


def branching_ratio(sigma_w2, fan_out=4, threshold=1.0) -> float:
    """Mean number of units one lone active unit fires in the next layer, m = K Φ̄(θ√K/σ_w).

    Parameters
    ----------
    sigma_w2 : float
        Weight variance σ_w² (each weight has variance σ_w²/K).
    fan_out : int
        K, targets per unit.
    threshold : float
        θ, in units of the pre-activation.

    Examples
    --------
    >>> round(branching_ratio(critical_sigma_w2(4, 1.0), 4, 1.0), 12)
    1.0
    """
    sigma_w2 = _validate.real("sigma_w2", sigma_w2, minimum=0.0, strict_min=True)
    k = _validate.integer("fan_out", fan_out, minimum=1)
    theta = _validate.real("threshold", threshold, minimum=0.0, strict_min=True)
    return float(k * stats.norm.sf(theta * np.sqrt(k / sigma_w2)))


def critical_sigma_w2(fan_out=4, threshold=1.0) -> float:
    """σ_w² at which the branching ratio is 1: K θ² / [Φ̄⁻¹(1/K)]², for any width.

    Needs K ≥ 3 (with K ≤ 2 and θ > 0 a unit fires fewer than one target on average).

    Examples
    --------
    >>> round(critical_sigma_w2(4, 1.0), 4)
    8.7924
    """
    k = _validate.integer("fan_out", fan_out, minimum=3)
    theta = _validate.real("threshold", threshold, minimum=0.0, strict_min=True)
    return float(k * theta**2 / stats.norm.isf(1.0 / k) ** 2)


def survival(t_max: int, fan_out=4) -> np.ndarray:
    """Exact P(T > t), t = 1 … t_max, of the critical tree with Binomial(K, 1/K) offspring.

    The law of the sparse network at its critical point while active units share no target:
    P(T > t) = 1 − f^t(0) with f(s) = (1 − 1/K + s/K)^K (Harris 1963). Durations count the seed's
    layer, so P(T > 1) is the probability that the seed fires anything.
    """
    t_max = _validate.integer("t_max", t_max, minimum=1)
    k = _validate.integer("fan_out", fan_out, minimum=1)
    q, out = 0.0, np.empty(t_max)
    for t in range(t_max):
        q = (1.0 - 1.0 / k + q / k) ** k
        out[t] = 1.0 - q
    return out


def effective_duration_exponent(t_low: int, t_high: int, fan_out=4) -> float:
    """The slope 1 − d ln P(T > t)/d ln t between t_low and t_high of :func:`survival`: the τ_d a
    finite window sees in the exact critical tree (2 only as t → ∞)."""
    p = survival(t_high, fan_out)
    return float(1.0 - np.log(p[t_high - 1] / p[t_low - 1]) / np.log(t_high / t_low))


def draw_rows(n_rows: int, width: int, fan_out: int, sigma_w2: float, rng: np.random.Generator):
    """Connections of ``n_rows`` units: K distinct targets each in the next layer, Gaussian weights.

    Returns
    -------
    (targets, weights) : (numpy.ndarray of int64, numpy.ndarray of float64), shape (n_rows, fan_out)
        ``targets[r]`` are the units of the next layer that the unit sends to, ``weights[r]`` the
        weights, N(0, σ_w²/K).
    """
    if fan_out**2 > width:  # repeats would be common: take the first K of a random permutation
        targets = np.argsort(rng.random((n_rows, width)), axis=1)[:, :fan_out]
        return targets, rng.normal(0.0, np.sqrt(sigma_w2 / fan_out), size=(n_rows, fan_out))
    targets = rng.integers(width, size=(n_rows, fan_out))
    while True:  # redraw the rows with a repeated target (K distinct targets per unit)
        ordered = np.sort(targets, axis=1)
        bad = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        if bad.size == 0:
            break
        targets[bad] = rng.integers(width, size=(bad.size, fan_out))
    weights = rng.normal(0.0, np.sqrt(sigma_w2 / fan_out), size=(n_rows, fan_out))
    return targets, weights


class LazyNetwork:
    """The layers of one quenched network, each unit's connections drawn the first time it fires.

    A unit's row is drawn once and then reused by every input, so all inputs see the same network,
    with the law of :func:`draw_rows` for every row; the cost is proportional to the activity,
    not to width × depth.
    """

    def __init__(self, width, fan_out, sigma_w2, rng):
        self.width, self.fan_out, self.sigma_w2, self.rng = width, fan_out, sigma_w2, rng
        self._units, self._targets, self._weights = [], [], []  # per layer, sorted by unit

    def __call__(self, layer: int, units: np.ndarray):
        """``(targets[units], weights[units])`` of ``layer``."""
        while len(self._units) <= layer:
            self._units.append(np.empty(0, np.int64))
            self._targets.append(np.empty((0, self.fan_out), np.int64))
            self._weights.append(np.empty((0, self.fan_out)))
        known = self._units[layer]
        pos = np.minimum(np.searchsorted(known, units), max(known.size - 1, 0))
        new = sorted_distinct(units[known[pos] != units] if known.size else units)
        if new.size:
            targets, weights = draw_rows(new.size, self.width, self.fan_out, self.sigma_w2, self.rng)
            merged = np.concatenate([known, new])
            order = np.argsort(merged, kind="stable")
            self._units[layer] = known = merged[order]
            self._targets[layer] = np.concatenate([self._targets[layer], targets])[order]
            self._weights[layer] = np.concatenate([self._weights[layer], weights])[order]
            pos = np.searchsorted(known, units)
        return self._targets[layer][pos], self._weights[layer][pos]


def propagate(seeds, network, *, width: int, threshold: float, depth: int, record_traces=False):
    """Spread the activity of single-unit inputs through a network, event by event.

    Parameters
    ----------
    seeds : array_like of int
        The active unit of layer 0 of each input.
    network : callable
        ``network(l, units)`` gives ``(targets, weights)`` of those units of layer l, shape
        ``(len(units), K)`` (a :class:`LazyNetwork`, or full tables indexed by the caller).
    width : int
    threshold : float
    depth : int
        Layers to run after the input layer.
    record_traces : bool
        Return the number of active units of every layer of every input as well.

    Returns
    -------
    sizes, durations : numpy.ndarray of int64
    survived : numpy.ndarray of bool
        Still active after the last layer.
    counts : numpy.ndarray of int64, shape (n_inputs, layers run + 1), or None
        Active units per layer (layer 0 first), when ``record_traces``.
    """
    seeds = np.asarray(seeds, dtype=np.int64)
    n = seeds.size
    sizes, durations = np.ones(n, np.int64), np.ones(n, np.int64)
    counts = [np.ones(n, np.int64)] if record_traces else None
    who, unit = np.arange(n, dtype=np.int64), seeds
    layer = 0
    while who.size and layer < depth:
        targets, weights = network(layer, unit)
        key = np.repeat(who, targets.shape[1]) * width + targets.ravel()
        distinct, inverse = np.unique(key, return_inverse=True)
        fired = distinct[np.bincount(inverse, weights=weights.ravel()) > threshold]
        who, unit = fired // width, fired % width
        active = np.bincount(who, minlength=n)
        sizes += active
        durations += active > 0
        if record_traces:
            counts.append(active)
        layer += 1
    survived = np.zeros(n, bool)
    survived[who] = True
    return sizes, durations, survived, (np.stack(counts, axis=1) if record_traces else None)


@dataclass(frozen=True, eq=False)
class SparseAvalanches(AvalancheRecord):
    """Avalanches of a sparse threshold network, with every parameter that made them.

    Attributes
    ----------
    sizes : numpy.ndarray of int64
        S, active units summed over layers (seed included).
    durations : numpy.ndarray of int64
        T, layers with at least one active unit (the seed's layer counts).
    survived : numpy.ndarray of bool
        Still active after ``depth`` layers (censored).
    network : numpy.ndarray of int64
        Network index of each avalanche (every input gives one).
    traces : Traces or None
        Active units per layer, layers 0 … T − 1, when ``record_traces``; with ``trace_durations``,
        only of the ended avalanches of those durations (the others' are empty).
    n_inputs, n_networks, width, depth, sigma_w2, fan_out, threshold, inputs_per_network, seed, trace_durations
        The arguments of :func:`simulate`.
    versions : dict
    wall_time_s : float
    """

    network: np.ndarray
    traces: Traces | None
    n_inputs: int
    n_networks: int
    width: int
    depth: int
    sigma_w2: float
    fan_out: int
    threshold: float
    inputs_per_network: int
    seed: int
    versions: dict
    wall_time_s: float
    trace_durations: tuple | None = None


def simulate(*, width, depth, sigma_w2, fan_out=4, threshold=1.0, n_inputs, inputs_per_network, seed=0,
             record_traces=False, trace_durations=None) -> SparseAvalanches:
    """Avalanches started by single active units in random sparse threshold networks.

    A network (``depth`` layers of :func:`draw_rows`, drawn lazily by :class:`LazyNetwork`) serves ``inputs_per_network``
    inputs, each a uniformly chosen active unit of layer 0; then a new network is drawn. The cost is
    proportional to the total activity times K, not to the width.

    Parameters
    ----------
    width : int
        N, units per layer.
    depth : int
        Layers after the input layer.
    sigma_w2 : float
        Weight variance σ_w² (> 0); :func:`critical_sigma_w2` gives the critical point.
    fan_out : int
        K ≥ 1 distinct targets per unit, K ≤ width.
    threshold : float
        θ > 0.
    n_inputs, inputs_per_network : int
    seed : int
        Seed of the one ``numpy.random.Generator`` that draws inputs and weights.
    record_traces : bool
    trace_durations : (int, int), optional
        With ``record_traces``: keep only the traces of the ended avalanches of durations
        ``shortest ≤ T ≤ longest`` (layers), as :func:`crit.models.avalanches.simulate` does.

    Returns
    -------
    SparseAvalanches
    """
    width = _validate.integer("width", width, minimum=2)
    depth = _validate.integer("depth", depth, minimum=1)
    sigma_w2 = _validate.real("sigma_w2", sigma_w2, minimum=0.0, strict_min=True)
    fan_out = _validate.integer("fan_out", fan_out, minimum=1)
    if fan_out > width:
        raise ValueError(f"fan_out must be at most width = {width} (distinct targets), got {fan_out}")
    threshold = _validate.real("threshold", threshold, minimum=0.0, strict_min=True)
    n_inputs = _validate.integer("n_inputs", n_inputs, minimum=1)
    per = _validate.integer("inputs_per_network", inputs_per_network, minimum=1)
    seed = _validate.integer("seed", seed, minimum=0)
    trace_durations = trace_window(trace_durations, record_traces)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    parts, traces = [], []
    n_networks = -(-n_inputs // per)
    for net in range(n_networks):
        b = min(per, n_inputs - net * per)
        seeds = rng.integers(width, size=b)
        network = LazyNetwork(width, fan_out, sigma_w2, rng)
        s, d, alive, counts = propagate(seeds, network, width=width, threshold=threshold, depth=depth,
                                        record_traces=record_traces)
        parts.append((s, d, alive, np.full(b, net, np.int64)))
        if record_traces:
            length = np.where(traced(d, alive, trace_durations), d, 0)
            traces.extend(counts[i, : length[i]].astype(float) for i in range(b))
    sizes, durations, survived, network = (np.concatenate(x) for x in zip(*parts))
    return SparseAvalanches(
        sizes, durations, survived, network, Traces.from_list(traces) if record_traces else None,
        n_inputs, n_networks, width, depth, sigma_w2, fan_out, threshold, per, seed,
        provenance(),
        time.perf_counter() - start,
        trace_durations,
    )
