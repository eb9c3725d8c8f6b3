"""The batched layer loop behind :func:`crit.models.avalanches.simulate`.

A *chunk* is ``M`` independent networks that each serve ``B`` inputs. The loop carries the
pre-activations of the inputs still alive as a tensor of shape ``(M, B_alive, N)`` and, for every
layer, writes the norms ``‖h^l‖`` into a buffer of shape ``(depth + 1, M·B)`` and the first
sub-threshold layer of every input into ``death``. Nothing in a layer step needs the host, so on
a GPU the loop synchronises only when it compacts the alive set (on a geometric schedule).

Layer samplers
--------------
``explicit``
    Draw W^l with i.i.d. N(0, σ_w²/N) entries (shape ``(M, N, N)``) and compute ``X Wᵀ``.
``gram``
    Draw ``X Wᵀ`` directly. Row r of W is N(0, σ_w²/N · I), so for the stacked activations X
    (``B × N``) the rows of ``W Xᵀ`` are independent N(0, (σ_w²/N) X Xᵀ) vectors. With ``L Lᵀ = (σ_w²/N) X Xᵀ`` and E a ``B × N`` matrix of
    standard normals, ``L E`` has exactly the law of ``X Wᵀ`` — jointly over the batch, and
    independently of every other layer, because W^l meets no other layer. Costs O(B²N + B³)
    instead of O(N²B) plus N² random numbers, so it wins once fewer than about N/2 inputs remain.
``auto``
    :func:`layer_sampler`: on a CPU the Gram sampler while fewer than ``GRAM_FRACTION · N`` inputs
    are alive, else the explicit one; on a GPU always the explicit one. Measured on one H200 at
    width 500, depth 1000 (engine at commit 5d66a93, float32): explicit 111,717 inputs/s, Gram
    4,016, per-layer choice 2,335 — batched float64 Cholesky of many small matrices is slow there
    and checking it needs a host synchronisation every layer, while drawing W is cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

GRAM_FRACTION = 0.5  # use the Gram sampler while B_alive <= GRAM_FRACTION * N


@dataclass
class ChunkResult:
    """Norms per layer and first sub-threshold layer of every input of a chunk (on the host)."""

    norms: torch.Tensor  # (depth + 1, M * B), dtype of the run; NaN where never computed
    death: torch.Tensor  # (M * B,), int64: first l >= 1 with ‖h^l‖² < q0, or depth + 1


def compaction_layers(depth: int, device: torch.device) -> set[int]:
    """Layers after which the alive set is compacted (which needs one host synchronisation).

    On the CPU synchronising is free, so every layer. Elsewhere a geometric schedule (factor √2):
    the alive count decays as a power of the layer at criticality, so the wasted work between
    compactions stays a bounded fraction while the number of synchronisations is O(log depth).
    """
    if device.type == "cpu":
        return set(range(1, depth + 1))
    return _geometric_layers(depth)


def _geometric_layers(depth: int) -> set[int]:
    layers, x = set(), 1.0
    while x <= depth:
        layers.add(int(x))
        x = max(x * math.sqrt(2.0), int(x) + 1)
    return layers


def layer_sampler(method: str, device_type: str, alive: int, width: int) -> str:
    """The sampler of one layer: ``"gram"`` or ``"explicit"``.

    Examples
    --------
    >>> layer_sampler("auto", "cpu", 10, 100), layer_sampler("auto", "cpu", 80, 100)
    ('gram', 'explicit')
    >>> layer_sampler("auto", "cuda", 10, 100), layer_sampler("gram", "cuda", 10, 100)
    ('explicit', 'gram')
    """
    if method != "auto":
        return method
    return "gram" if device_type == "cpu" and alive <= GRAM_FRACTION * width else "explicit"


def _gram_layer(x, dead, scale, generator):
    """Sample ``x Wᵀ`` for every network of the chunk through the Gram matrix (see module doc)."""
    m, b, n = x.shape
    gram = torch.bmm(x, x.transpose(1, 2)).double()
    # A unit added on the diagonal of dead rows keeps the matrix positive definite (their x may
    # be 0) and leaves the covariance of the alive rows, hence their law, untouched.
    gram.diagonal(dim1=1, dim2=2).add_(dead.double())
    factor, info = torch.linalg.cholesky_ex(gram)
    bad = info != 0
    if bool(bad.any()):  # rank-deficient (e.g. collinear inputs): symmetric square root instead
        evals, evecs = torch.linalg.eigh(gram[bad])
        factor[bad] = evecs * evals.clamp_min(0.0).sqrt().unsqueeze(-2)
    noise = torch.randn(m, b, n, generator=generator, device=x.device, dtype=x.dtype)
    return torch.bmm((factor * scale).to(x.dtype), noise)


def _explicit_layer(x, scale, generator):
    m, _, n = x.shape
    weights = torch.randn(m, n, n, generator=generator, device=x.device, dtype=x.dtype)
    return torch.bmm(x * scale, weights.transpose(1, 2))


def propagate_random(
    x0: torch.Tensor,
    *,
    depth: int,
    q0: float,
    sigma_w2: float,
    sigma_b2: float,
    phi,
    generator: torch.Generator,
    method: str,
) -> ChunkResult:
    """Run a chunk of ``M`` fresh random networks on inputs ``x0`` of shape ``(M, B, N)``.

    Weights (or their products with the activations) and biases are drawn layer by layer, only
    for the layers that some input of the chunk still reaches.
    """
    n = x0.shape[-1]
    w_scale = math.sqrt(sigma_w2 / n)
    b_scale = math.sqrt(sigma_b2)

    def layer(l, x, dead, rows):
        m, b, _ = x.shape
        if layer_sampler(method, x.device.type, b, n) == "gram":
            h = _gram_layer(x, dead, w_scale, generator)
        else:
            h = _explicit_layer(x, w_scale, generator)
        if b_scale > 0.0:
            h = h + b_scale * torch.randn(m, 1, n, generator=generator, device=x.device, dtype=x.dtype)
        return h

    return _loop(x0, depth=depth, q0=q0, phi=phi, layer=layer)


def propagate_given(x0, weights, biases, *, q0, phi) -> ChunkResult:
    """Run inputs ``x0`` (``(1, B, N)``) through given weights ``(depth, N, N)`` and biases."""

    def layer(l, x, dead, rows):
        return torch.matmul(x, weights[l - 1].T) + biases[l - 1]

    return _loop(x0, depth=weights.shape[0], q0=q0, phi=phi, layer=layer)


def _loop(x0, *, depth, q0, phi, layer) -> ChunkResult:
    """The layer loop shared by every sampler.

    ``layer(l, x, dead, rows)`` returns h^l from ``x = φ(h^{l-1})`` of shape ``(M', B', N)``: the
    networks and rows still carried (compaction drops the others), ``dead`` marks carried rows
    already below threshold, and ``rows`` (``(M', B')``, int64) is each row's index in the chunk,
    ``network · B + input``, for samplers that must know whose row it is.
    """
    m, b, n = x0.shape
    device, dtype = x0.device, x0.dtype
    total = m * b
    norms = torch.full((depth + 1, total), float("nan"), device=device, dtype=dtype)
    death = torch.full((total,), depth + 1, device=device, dtype=torch.int64)
    rows = torch.arange(total, device=device).reshape(m, b)  # chunk-wide index of every row
    alive = torch.ones(m, b, dtype=torch.bool, device=device)
    h = x0
    norms[0] = x0.pow(2).sum(-1).sqrt().reshape(-1)
    compact_at = compaction_layers(depth, device)
    for l in range(1, depth + 1):
        h = layer(l, phi(h), ~alive, rows)
        norm = torch.linalg.vector_norm(h, dim=-1)
        n2 = norm * norm
        flat_rows = rows.reshape(-1)
        norms[l, flat_rows] = norm.reshape(-1)
        newly = alive & (n2 < q0)
        death[flat_rows] = torch.where(newly.reshape(-1), l, death[flat_rows])
        alive = alive & ~newly
        if l in compact_at and l < depth:
            counts = alive.sum(1)
            keep_net = counts > 0
            width_alive = int(counts.max())  # the one host synchronisation
            if width_alive == 0:
                break
            if width_alive < alive.shape[1] or not bool(keep_net.all()):
                order = torch.argsort((~alive).to(torch.int8), dim=1, stable=True)[:, :width_alive]
                h = torch.gather(h, 1, order.unsqueeze(-1).expand(-1, -1, n))
                rows = torch.gather(rows, 1, order)
                alive = torch.gather(alive, 1, order)
                h, rows, alive = h[keep_net], rows[keep_net], alive[keep_net]
    return ChunkResult(norms=norms, death=death)
