r"""One set of random networks at many σ_w² at once: common random numbers, batched.

A scan along σ_w² with *common random numbers* runs the same networks and inputs at every σ_w²:
network k's layer l is :math:`W^l = \sqrt{\sigma_w^2/N}\, Z^l_k` and :math:`b^l = \sqrt{\sigma_b^2}\,
\beta^l_k` with one draw of the standard normals :math:`Z^l_k` (N × N) and :math:`\beta^l_k` (N) for
every σ_w². Differences between neighbouring σ_w² are then not blurred by drawing other networks,
which is what a derivative in σ_w² (the authors' χ = dS̄/dσ_w²) needs.

:func:`simulate_sweep` draws :math:`Z^l, \beta^l` once per layer and propagates every σ_w² of the
grid through them in one batched product, so a grid of ``n`` points costs one draw of the networks
instead of ``n``. The normals are keyed by (seed, block of networks, layer), never by the grid, by
which inputs are still alive, by the device's memory budget or by how the grid is split: a later
call with another grid (the rounds of a peak refinement) meets the same networks.

Per σ_w² the law of everything is that of :func:`crit.models.avalanches.simulate` with
``method="explicit"``, and the avalanches follow its definitions (the same extraction code).
"""

from __future__ import annotations

import math
import time

import numpy as np
import torch

from crit import _validate
from crit.models import _propagate, activations
from crit.models.avalanches import (
    DTYPES,
    Avalanches,
    _assemble,
    _dtype_name,
    _extract,
    _random_inputs,
    resolve_device,
)
from crit.records import provenance
from crit.seeds import sub_seed

__all__ = ["NETWORK_BLOCK", "network_normals", "simulate_sweep"]

#: Networks whose normals come from one generator per layer. Fixed, so that the numbers do not
#: depend on the device or its memory; a block whose inputs all fell silent at every σ_w² stops
#: drawing.
NETWORK_BLOCK = 32
_BUDGET_BYTES = {"cpu": 256 * 2**20, "cuda": 16 * 2**30}


def _blocks(n_networks: int) -> list[tuple[int, int]]:
    return [(k, min(NETWORK_BLOCK, n_networks - k)) for k in range(0, n_networks, NETWORK_BLOCK)]


def _layer_normals(seed, block, size, layer, width, device, dtype):
    """Z^l (size, N, N) and β^l (size, N) of one block of networks: always drawn together, in this order."""
    generator = torch.Generator(device=device).manual_seed(sub_seed(seed, "block", block, "layer", layer))
    z = torch.randn(size, width, width, generator=generator, device=device, dtype=dtype)
    beta = torch.randn(size, width, generator=generator, device=device, dtype=dtype)
    return z, beta


def _block_inputs(seed, block, size, b, width, q0, device, dtype):
    generator = torch.Generator(device=device).manual_seed(sub_seed(seed, "block", block, "inputs"))
    return _random_inputs(size, b, width, q0, generator, device, dtype)


def network_normals(network, *, width, depth, inputs_per_network, q0=0.1, seed=0, n_networks=None,
                    device=None, dtype=torch.float32):
    """The inputs and standard normals of one network of :func:`simulate_sweep` (for checks).

    Parameters
    ----------
    network : int
        Index k of the network (0 … n_networks − 1).
    width, depth, inputs_per_network, q0, seed, device, dtype
        As in :func:`simulate_sweep`.
    n_networks : int, optional
        Networks of the sweep (the size of the last block depends on it); default: ``network + 1``
        rounded up to a whole block.

    Returns
    -------
    inputs : torch.Tensor, shape (inputs_per_network, width)
    z : torch.Tensor, shape (depth, width, width)
        W^l = √(σ_w²/N) z[l].
    beta : torch.Tensor, shape (depth, width)
        b^l = √σ_b² beta[l].
    """
    network = _validate.integer("network", network, minimum=0)
    if n_networks is None:
        n_networks = (network // NETWORK_BLOCK + 1) * NETWORK_BLOCK
    if network >= n_networks:
        raise ValueError(f"network {network} is not one of the {n_networks} networks of the sweep")
    dev = resolve_device(device)
    first, size = next((f, s) for f, s in _blocks(n_networks) if f <= network < f + s)
    block, row = first // NETWORK_BLOCK, network - first
    inputs = _block_inputs(seed, block, size, inputs_per_network, width, q0, dev, dtype)[row]
    layers = [_layer_normals(seed, block, size, l, width, dev, dtype) for l in range(1, depth + 1)]
    return inputs, torch.stack([z[row] for z, _ in layers]), torch.stack([b[row] for _, b in layers])


def _sigma_chunks(n_sigma, size, b, width, depth, itemsize, device) -> int:
    """σ_w² points propagated together so that a block's working memory stays within the budget."""
    budget = _BUDGET_BYTES.get(device.type, _BUDGET_BYTES["cpu"])
    per_point = size * b * (itemsize * 4 * width + (depth + 1) * (itemsize + 17) + 16)  # state; norms, extraction
    fixed = 3 * size * width * width * itemsize
    return max(1, min(n_sigma, (budget - fixed) // per_point if budget > fixed else 1))


def simulate_sweep(width, depth, sigma_w2, sigma_b2=0.0, *, n_networks, inputs_per_network, q0=0.1,
                   activation="tanh", seed=0, device=None, dtype=torch.float32) -> tuple[Avalanches, ...]:
    """The same ``n_networks`` random networks and inputs at every σ_w² of a grid (common random numbers).

    Parameters
    ----------
    width : int
        N, neurons per layer (≥ 1).
    depth : int
        Maximum number of layers (≥ 1).
    sigma_w2 : array_like
        Weight variances × N (≥ 0), any order; one record per value.
    sigma_b2 : float
        Bias variance (≥ 0), shared by the grid.
    n_networks : int
        Networks (≥ 1); each serves ``inputs_per_network`` inputs.
    inputs_per_network : int
        Inputs per network (≥ 1).
    q0 : float
        Squared norm of every input and the threshold (> 0).
    activation : str
        One of :data:`crit.models.activations.NAMES`.
    seed : int
        Key of every normal (see the module docstring): same seed, same networks at every σ_w².
    device : None, str or torch.device
        As in :func:`crit.models.avalanches.simulate`.
    dtype : torch.dtype
        ``torch.float32`` (default) or ``torch.float64``.

    Returns
    -------
    tuple of Avalanches
        One record per σ_w² (in the order given), ``method="sweep"``; ``network`` indexes the same
        networks in every record. ``wall_time_s`` is the time of the whole sweep.
    """
    width = _validate.integer("width", width, minimum=1)
    depth = _validate.integer("depth", depth, minimum=1)
    if isinstance(sigma_w2, (str, bytes)):
        raise TypeError(f"sigma_w2 must be a number or an array of numbers, got the string {sigma_w2!r}")
    sw = _validate.finite_array("sigma_w2", np.atleast_1d(sigma_w2) if np.ndim(sigma_w2) == 0 else sigma_w2)
    if (sw < 0).any():
        raise ValueError(f"sigma_w2 must be a 1-d array of variances >= 0, got {sw.tolist()}")
    sigma_b2 = _validate.variance("sigma_b2", sigma_b2)
    n_networks = _validate.integer("n_networks", n_networks, minimum=1)
    b = _validate.integer("inputs_per_network", inputs_per_network, minimum=1)
    q0 = _validate.real("q0", q0, minimum=0.0, strict_min=True)
    phi = activations.get(activation).torch_fn
    seed = _validate.integer("seed", seed, minimum=0)
    dev = resolve_device(device)
    dtype_name = _dtype_name(dtype)
    torch_dtype = DTYPES[dtype_name]
    start = time.perf_counter()
    itemsize = torch.finfo(torch_dtype).bits // 8
    parts = [[] for _ in sw]
    for first, size in _blocks(n_networks):
        block = first // NETWORK_BLOCK
        x0 = _block_inputs(seed, block, size, b, width, q0, dev, torch_dtype)
        per_call = _sigma_chunks(sw.size, size, b, width, depth, itemsize, dev)
        for lo in range(0, sw.size, per_call):
            points = sw[lo:lo + per_call]
            chunk = _run_block(x0, points, sigma_b2, depth=depth, q0=q0, phi=phi, seed=seed, block=block)
            idx, sizes, durations, survived, _ = _extract(chunk, depth, q0, width, False)
            rows = points.size * b
            for j in range(points.size):
                # rows are network · (points · B) + point · B + input
                mine = (idx % rows) // b == j
                net, pos = idx[mine] // rows, idx[mine] % b
                order = np.lexsort((pos, net))
                parts[lo + j].append((first + net[order], sizes[mine][order], durations[mine][order],
                                      survived[mine][order], None))
    wall = time.perf_counter() - start
    n_inputs = n_networks * b
    return tuple(
        _assemble(parts[j], False, n_inputs=n_inputs, n_networks=n_networks, width=width, depth=depth,
                  sigma_w2=float(w2), sigma_b2=sigma_b2, q0=q0, inputs_per_network=b, activation=activation,
                  seed=seed, device=str(dev), dtype=dtype_name, method="sweep", versions=provenance(),
                  wall_time_s=wall)
        for j, w2 in enumerate(sw))


def _run_block(x0, points, sigma_b2, *, depth, q0, phi, seed, block) -> _propagate.ChunkResult:
    """Propagate one block's inputs at every σ_w² of ``points`` through its networks."""
    size, b, width = x0.shape
    n_points = points.size
    per_network = n_points * b
    scales = torch.tensor([math.sqrt(w2 / width) for w2 in points], device=x0.device, dtype=x0.dtype)
    b_scale = math.sqrt(sigma_b2)

    def layer(l, x, dead, rows):
        z, beta = _layer_normals(seed, block, size, l, width, x.device, x.dtype)
        nets = rows[:, 0] // per_network
        if nets.numel() < size:
            z, beta = z[nets], beta[nets]
        scale = scales[(rows % per_network) // b]
        h = torch.bmm(x * scale.unsqueeze(-1), z.transpose(1, 2))
        if b_scale > 0.0:
            h = h + b_scale * beta.unsqueeze(1)
        return h

    x = x0.repeat(1, n_points, 1)  # (size, points · B, N): point-major within each network
    return _propagate._loop(x, depth=depth, q0=q0, phi=phi, layer=layer)
