r"""Avalanches of activity in random deep networks: the batched engine.

The model and the avalanche are those of the authors' released code (Ghavasieh et al.,
arXiv:2509.22649; github ArshamCS/DNN_criticality):

.. math::

    h^{l+1} = W^l \varphi(h^l) + b^l, \qquad
    W^l_{ij} \sim \mathcal N(0, \sigma_w^2/N), \quad b^l_i \sim \mathcal N(0, \sigma_b^2),

for ``l = 0 … depth − 1``, with the input ``h^0 = \sqrt{q_0}\, z/\lVert z\rVert``, ``z ~ N(0, I_N)``
(a random direction of squared norm q0). The layer index is time. An input's avalanche ends at the
first layer ``k ≥ 1`` with :math:`\lVert h^k\rVert^2 < q_0`; it is recorded when ``k ≥ 2``, with

.. math::

    V(l) = \lVert h^l\rVert - \sqrt{q_0}, \quad l = 1, …, k-2, \qquad
    T = k - 2, \qquad S = \sqrt N \sum_l V(l).

An input that never falls below threshold (``survived``) is recorded as the authors' filter
records it: its trace stops at layer ``depth − 3``, so ``T = depth − 3``. Flagged in
``survived`` so that an analysis can drop it. A new network is drawn every
``inputs_per_network`` inputs (quenched disorder).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from tqdm import tqdm

from crit import _validate
from crit.models import _propagate, activations
from crit.models.avalanche_record import AvalancheRecord
from crit.records import provenance
from crit.traces import Traces, trace_window, traced

__all__ = ["Avalanches", "simulate", "from_weights", "resolve_device", "log_growth", "METHODS", "DTYPES"]

METHODS = ("auto", "explicit", "gram")
DTYPES = {"float32": torch.float32, "float64": torch.float64}
_CHUNK_BYTES = {"cpu": 256 * 2**20, "cuda": 8 * 2**30}


@dataclass(frozen=True, eq=False)
class Avalanches(AvalancheRecord):
    """Recorded avalanches of one simulation, with every parameter that made them.

    Attributes
    ----------
    sizes : numpy.ndarray of float64
        S = √N Σ V(l), in units of the pre-activation norm (the authors' convention).
    durations : numpy.ndarray of int64
        T = k − 2, in layers.
    survived : numpy.ndarray of bool
        True where the input never fell below threshold within ``depth`` layers.
    network : numpy.ndarray of int64
        Index of the network (0 … n_networks − 1) that produced each avalanche.
    traces : Traces or None
        V(l) for l = 1 … T of each avalanche (un-scaled by √N), when ``record_traces``; with
        ``trace_durations``, only of the ended avalanches of those durations (the others' are empty).
    n_inputs, n_networks : int
        Inputs sent and networks drawn (recorded avalanches are a subset of the inputs).
    width, depth, sigma_w2, sigma_b2, q0, inputs_per_network, activation, seed, device, dtype, method
        The arguments of :func:`simulate`.
    versions : dict
        Versions of crit, torch, numpy and Python.
    wall_time_s : float
        Wall-clock time of the run, in seconds.
    trace_durations : tuple of int or None
        The argument of :func:`simulate`: (shortest, longest) duration whose traces were kept (layers).
    """

    network: np.ndarray
    traces: Traces | None
    n_inputs: int
    n_networks: int
    width: int
    depth: int
    sigma_w2: float
    sigma_b2: float
    q0: float
    inputs_per_network: int
    activation: str
    seed: int
    device: str
    dtype: str
    method: str
    versions: dict
    wall_time_s: float
    trace_durations: tuple | None = None

    @property
    def surviving_fraction(self) -> float:
        """Fraction of all inputs whose activity never fell below threshold."""
        return float(self.survived.sum() / self.n_inputs)

    @property
    def inputs_per_network_array(self) -> np.ndarray:
        """Number of inputs each network served (the last may serve fewer)."""
        counts = np.full(self.n_networks, self.inputs_per_network, dtype=np.int64)
        counts[-1] = self.n_inputs - self.inputs_per_network * (self.n_networks - 1)
        return counts

    def per_network_sum(self, values) -> np.ndarray:
        """Sum of ``values`` (one per avalanche) over the avalanches of each network."""
        return np.bincount(self.network, weights=np.asarray(values, float), minlength=self.n_networks)


def resolve_device(device) -> torch.device:
    """Turn ``None``, ``"auto"``, a name or a :class:`torch.device` into an available device."""
    if device is None:
        return torch.device("cpu")
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not isinstance(device, (str, torch.device)):
        raise TypeError(f"device must be None, 'auto', 'cpu', 'cuda[:i]' or a torch.device, got {device!r}")
    try:
        dev = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"device {device!r} is not a device name; valid: None, 'auto', 'cpu', 'cuda[:i]'") from exc
    if dev.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise ValueError(f"device {device!r} is not available: no CUDA GPU here; use 'cpu' or 'auto'")
        if dev.index is not None and dev.index >= count:
            raise ValueError(f"device {device!r} is not available: {count} CUDA device(s), indices 0…{count - 1}")
    elif dev.type != "cpu":
        raise ValueError(f"device {device!r} is not supported; valid: None, 'auto', 'cpu', 'cuda[:i]'")
    return dev


def _dtype_name(dtype) -> str:
    for name, value in DTYPES.items():
        if dtype == value or dtype == name:
            return name
    raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")




def _random_inputs(m, b, n, q0, generator, device, dtype):
    z = torch.randn(m, b, n, generator=generator, device=device, dtype=dtype)
    return math.sqrt(q0) * z / z.norm(dim=-1, keepdim=True)


def _extract(chunk: _propagate.ChunkResult, depth, q0, width, record_traces, trace_durations=None):
    """Turn a chunk's norms into the authors' avalanches (vectorised over inputs)."""
    death = chunk.death
    survived = death == depth + 1
    recorded = (death >= 2) & ~survived
    if depth >= 3:  # the authors' filter keeps a survivor when its norm list has > 2 entries
        recorded |= survived
    duration = torch.where(survived, depth - 3, death - 2)
    idx = torch.nonzero(recorded).squeeze(1)
    duration = duration[idx]
    # (depth, R): V(l) for l = 1 … depth. The death test is ‖h‖² < q0 in the working precision, so a
    # norm within a rounding of the threshold passes it and can still fall below √q0 in float64
    # (float32: by up to 2e-9 at q0 = 0.1); such a layer sits at threshold, V = 0, never V < 0.
    excess = (chunk.norms[1:, idx].double() - math.sqrt(q0)).clamp_min(0.0)
    # sum of V(l) over l = 1 … T, without touching the NaNs written nowhere beyond T
    take = torch.arange(depth, device=excess.device).unsqueeze(1) < duration.unsqueeze(0)
    total = torch.where(take, excess, 0.0).sum(0)
    sizes = math.sqrt(width) * total
    traces = None
    if record_traces:
        length = duration
        if trace_durations is not None:
            length = torch.where(traced(duration, survived[idx], trace_durations), duration, 0)
            take = take & (length > 0).unsqueeze(0)
        values = excess.T[take.T]  # input-major order
        offsets = torch.cat([torch.zeros(1, dtype=torch.int64, device=idx.device), length.cumsum(0)])
        traces = (values.cpu().numpy(), offsets.cpu().numpy())
    return (
        idx.cpu().numpy(),
        sizes.cpu().numpy(),
        duration.cpu().numpy().astype(np.int64),
        survived[idx].cpu().numpy(),
        traces,
    )


def _plan(n_inputs, inputs_per_network, width, depth, itemsize, device, chunk_inputs):
    """Split the networks into chunks of M networks: [(first_network, M, B), ...]."""
    n_networks = -(-n_inputs // inputs_per_network)
    last = n_inputs - inputs_per_network * (n_networks - 1)
    if chunk_inputs is None:
        per_input = itemsize * (3 * width + depth + 1) + 16
        per_network = inputs_per_network * per_input + 2 * itemsize * width * width
        budget = _CHUNK_BYTES.get(device.type, _CHUNK_BYTES["cpu"])
        per_chunk = max(1, budget // per_network)
        if device.type == "cpu":  # beyond ~8k inputs a chunk only costs memory on a CPU
            per_chunk = min(per_chunk, max(1, 8192 // inputs_per_network))
    else:
        per_chunk = max(1, chunk_inputs // inputs_per_network)
    full = n_networks - 1 if last < inputs_per_network else n_networks
    plan = [(s, min(per_chunk, full - s), inputs_per_network) for s in range(0, full, per_chunk)]
    if last < inputs_per_network:
        plan.append((n_networks - 1, 1, last))
    return n_networks, plan


def simulate(
    width,
    depth,
    sigma_w2,
    sigma_b2=0.0,
    n_inputs=10_000,
    q0=0.1,
    inputs_per_network=1000,
    activation="tanh",
    record_traces=False,
    seed=0,
    device=None,
    dtype=torch.float32,
    *,
    method="auto",
    chunk_inputs=None,
    progress=None,
    trace_durations=None,
) -> Avalanches:
    """Send random inputs into random deep networks and record their avalanches.

    Definitions (the module docstring has them with equations): input of squared norm ``q0``;
    avalanche ends at the first layer k with ‖h^k‖² < q0; recorded when k ≥ 2; V(l) = ‖h^l‖ − √q0
    for l = 1 … k − 2; T = k − 2; S = √N Σ V; never-ending inputs get T = depth − 3 and are flagged.

    Parameters
    ----------
    width : int
        N, neurons per layer (≥ 1).
    depth : int
        Maximum number of layers L_max (≥ 1).
    sigma_w2, sigma_b2 : float
        Weight variance times N, and bias variance (≥ 0).
    n_inputs : int
        Number of random inputs (perturbations), ≥ 1.
    q0 : float
        Squared norm of every input, also the threshold (> 0). The authors use 0.1.
    inputs_per_network : int
        A new network is drawn every this many inputs (the authors: 1000).
    activation : str
        One of :data:`crit.models.activations.NAMES` (default ``"tanh"``, the paper's).
    record_traces : bool
        Also return V(l) of every avalanche (memory: 8 bytes per layer of every avalanche).
    seed : int
        Seed of the one :class:`torch.Generator` that draws everything. Same seed, same arguments
        and same device give the same numbers (bit for bit on the CPU).
    device : None, str or torch.device
        ``None``/"cpu", "cuda", "cuda:i" or "auto" (a GPU when there is one).
    dtype : torch.dtype
        ``torch.float32`` (default) or ``torch.float64``.
    method : {"auto", "explicit", "gram"}
        How a layer is sampled: draw W^l ("explicit"), or draw the product W^l φ(h) for the alive
        inputs directly from its exact Gaussian law ("gram", cheaper once fewer than N/2 inputs
        are alive); "auto" picks per layer on a CPU and draws W on a GPU, where the Gram sampler
        is ~30× slower (:func:`crit.models._propagate.layer_sampler`). All three give the same joint
        law of trajectories.
    chunk_inputs : int, optional
        Inputs processed together (rounded to whole networks). Default: about 256 MiB of working
        memory on a CPU (at most ~8k inputs), 8 GiB on a GPU. A chunk takes about
        ``itemsize·(3N + depth + 1) + 16`` bytes per input plus ``2·itemsize·N²`` per network.
        The chunking changes the random stream, so it is part of what makes a run reproducible.
    progress : bool, optional
        Show a progress bar (it appears only after 2 s); ``False`` turns it off.
    trace_durations : (int, int), optional
        With ``record_traces``: keep the traces of the ended avalanches of durations
        ``shortest ≤ T ≤ longest`` (layers) only, the others' empty (a shape analysis of that window
        reads no others; at depth 10⁴ they are most of the record). None (default): every trace.

    Returns
    -------
    Avalanches
        The recorded avalanches and the full provenance.
    """
    width = _validate.integer("width", width, minimum=1)
    depth = _validate.integer("depth", depth, minimum=1)
    sigma_w2 = _validate.variance("sigma_w2", sigma_w2)
    sigma_b2 = _validate.variance("sigma_b2", sigma_b2)
    n_inputs = _validate.integer("n_inputs", n_inputs, minimum=1)
    q0 = _validate.real("q0", q0, minimum=0.0, strict_min=True)
    inputs_per_network = _validate.integer("inputs_per_network", inputs_per_network, minimum=1)
    phi = activations.get(activation).torch_fn
    if not isinstance(record_traces, (bool, np.bool_)):
        raise TypeError(f"record_traces must be True or False, got {record_traces!r}")
    trace_durations = trace_window(trace_durations, record_traces)
    seed = _validate.integer("seed", seed, minimum=0)
    dev = resolve_device(device)
    dtype_name = _dtype_name(dtype)
    torch_dtype = DTYPES[dtype_name]
    _validate.choice("method", method, METHODS)
    if chunk_inputs is not None:
        chunk_inputs = _validate.integer("chunk_inputs", chunk_inputs, minimum=1)

    start = time.perf_counter()
    generator = torch.Generator(device=dev).manual_seed(seed)
    itemsize = torch.finfo(torch_dtype).bits // 8
    n_networks, plan = _plan(n_inputs, inputs_per_network, width, depth, itemsize, dev, chunk_inputs)
    parts = []
    with tqdm(total=n_inputs, unit="input", delay=2.0, disable=progress is False, leave=False) as bar:
        for first_network, m, b in plan:
            x0 = _random_inputs(m, b, width, q0, generator, dev, torch_dtype)
            chunk = _propagate.propagate_random(
                x0, depth=depth, q0=q0, sigma_w2=sigma_w2, sigma_b2=sigma_b2,
                phi=phi, generator=generator, method=method,
            )
            idx, sizes, durations, survived, prof = _extract(chunk, depth, q0, width, record_traces, trace_durations)
            parts.append((first_network + idx // b, sizes, durations, survived, prof))
            bar.update(m * b)
    return _assemble(
        parts, record_traces,
        n_inputs=n_inputs, n_networks=n_networks, width=width, depth=depth, sigma_w2=sigma_w2,
        sigma_b2=sigma_b2, q0=q0, inputs_per_network=inputs_per_network, activation=activation,
        seed=seed, device=str(dev), dtype=dtype_name, method=method, versions=provenance(),
        wall_time_s=time.perf_counter() - start, trace_durations=trace_durations,
    )


def _assemble(parts, record_traces, **params) -> Avalanches:
    network = np.concatenate([p[0] for p in parts]).astype(np.int64)
    traces = None
    if record_traces:
        values = np.concatenate([p[4][0] for p in parts])
        lengths = np.concatenate([np.diff(p[4][1]) for p in parts])
        traces = Traces(values=values, offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))
    return Avalanches(
        sizes=np.concatenate([p[1] for p in parts]).astype(np.float64),
        durations=np.concatenate([p[2] for p in parts]).astype(np.int64),
        survived=np.concatenate([p[3] for p in parts]).astype(bool),
        network=network,
        traces=traces,
        **params,
    )


def from_weights(inputs, weights, biases=None, *, q0=0.1, activation="tanh", record_traces=False) -> Avalanches:
    """Avalanches of given inputs through one given network (for tests and for trained weights).

    Parameters
    ----------
    inputs : torch.Tensor, shape (B, N)
        The inputs h^0 (each should have squared norm q0 for the authors' definition).
    weights : torch.Tensor, shape (depth, N, N)
        W^0 … W^{depth−1}.
    biases : torch.Tensor, shape (depth, N), optional
        b^0 … b^{depth−1}; zeros by default.
    q0 : float
        The threshold on ‖h^l‖².
    """
    if not (isinstance(inputs, torch.Tensor) and isinstance(weights, torch.Tensor)):
        raise TypeError("inputs and weights must be torch tensors")
    if inputs.ndim != 2 or weights.ndim != 3 or weights.shape[1:] != (inputs.shape[1],) * 2:
        raise ValueError(
            f"inputs must be (B, N) and weights (depth, N, N); got {tuple(inputs.shape)} and {tuple(weights.shape)}"
        )
    depth, width = weights.shape[0], inputs.shape[1]
    if biases is None:
        biases = torch.zeros(depth, width, dtype=weights.dtype, device=weights.device)
    q0 = _validate.real("q0", q0, minimum=0.0, strict_min=True)
    phi = activations.get(activation).torch_fn
    start = time.perf_counter()
    chunk = _propagate.propagate_given(inputs.unsqueeze(0), weights, biases, q0=q0, phi=phi)
    idx, sizes, durations, survived, prof = _extract(chunk, depth, q0, width, record_traces)
    return _assemble(
        [(np.zeros_like(idx), sizes, durations, survived, prof)], record_traces,
        n_inputs=inputs.shape[0], n_networks=1, width=width, depth=depth, sigma_w2=float("nan"),
        sigma_b2=float("nan"), q0=q0, inputs_per_network=inputs.shape[0], activation=activation,
        seed=-1, device=str(inputs.device), dtype=_dtype_name(inputs.dtype), method="given",
        versions=provenance(), wall_time_s=time.perf_counter() - start,
    )


def log_growth(width, sigma_w2, sigma_b2=0.0, *, q0=1e-4, n_inputs=20_000, inputs_per_network=10,
               activation="tanh", seed=0, device=None, dtype=torch.float64):
    """Mean one-layer log-growth E[ln(‖h¹‖²/‖h⁰‖²)] of small inputs, with its error over networks.

    At σ_b² = 0 and small ‖h‖ the norm performs a multiplicative random walk,
    ‖h^{l+1}‖² = σ_w² (‖φ(h^l)‖²/N) χ²_N, whose drift ln σ_w² + ψ(N/2) − ln(N/2) vanishes at the
    finite-width critical point σ_w² = exp(ln(N/2) − ψ(N/2)) ≈ 1 + 1/N (see
    :func:`crit.models.theory.finite_width_critical_sigma_w2`).

    Returns
    -------
    (mean, stderr) : tuple of float
        Mean log-growth per layer (dimensionless) and its standard error from the spread of the
        per-network means.
    """
    width = _validate.integer("width", width, minimum=1)
    n_inputs = _validate.integer("n_inputs", n_inputs, minimum=2)
    inputs_per_network = _validate.integer("inputs_per_network", inputs_per_network, minimum=1)
    q0 = _validate.real("q0", q0, minimum=0.0, strict_min=True)
    dev = resolve_device(device)
    torch_dtype = DTYPES[_dtype_name(dtype)]
    generator = torch.Generator(device=dev).manual_seed(_validate.integer("seed", seed, minimum=0))
    m = n_inputs // inputs_per_network
    if m < 2:
        raise ValueError(f"n_inputs must cover at least 2 networks of {inputs_per_network} inputs, got {n_inputs}")
    x0 = _random_inputs(m, inputs_per_network, width, q0, generator, dev, torch_dtype)
    chunk = _propagate.propagate_random(
        x0, depth=1, q0=0.0, sigma_w2=_validate.variance("sigma_w2", sigma_w2),
        sigma_b2=_validate.variance("sigma_b2", sigma_b2), phi=activations.get(activation).torch_fn,
        generator=generator, method="explicit",
    )
    growth = (2 * torch.log(chunk.norms[1] / chunk.norms[0])).reshape(m, inputs_per_network).mean(1)
    growth = growth.double().cpu().numpy()
    return float(growth.mean()), float(growth.std(ddof=1) / math.sqrt(m))
