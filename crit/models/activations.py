"""Activation functions φ, shared by the avalanche engine, the mean-field theory and training.

Every activation here has φ(0) = 0, so that with σ_b² = 0 the silent state h = 0 is an absorbing
state of h^{l+1} = W^l φ(h^l) + b^l.

=============  =====================================  =========
name           φ(x)                                   φ'(0)
=============  =====================================  =========
``tanh``       tanh x (the paper's network)           1
``relu``       max(x, 0)                              1/2 (one-sided)
``linear``     x                                      1
``hardtanh``   clip(x, −1, 1)                         1
``erf``        erf(√π x / 2)                          1
``sin``        sin x                                  1
``softsign``   x / (1 + abs(x))                       1
``gelu``       x Φ(x)                                 1/2
``silu``       x σ(x)                                 1/2
``elu``        x for x > 0, eˣ − 1 otherwise          1
=============  =====================================  =========
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from scipy import special

from crit import _validate

__all__ = ["Activation", "ACTIVATIONS", "NAMES", "get"]


@dataclass(frozen=True)
class Activation:
    """An activation φ with its torch form, its numpy form and its numpy derivative φ'."""

    name: str
    torch_fn: Callable[[torch.Tensor], torch.Tensor]
    numpy_fn: Callable[[np.ndarray], np.ndarray]
    numpy_grad: Callable[[np.ndarray], np.ndarray]


def _np_gelu(x):
    return x * special.ndtr(x)


def _np_gelu_grad(x):
    return special.ndtr(x) + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _np_silu(x):
    return x * special.expit(x)


def _np_silu_grad(x):
    s = special.expit(x)
    return s * (1 + x * (1 - s))


_SQRT_PI_2 = math.sqrt(math.pi) / 2

ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("tanh", torch.tanh, np.tanh, lambda x: 1.0 / np.cosh(x) ** 2),
        Activation("relu", torch.relu, lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float)),
        Activation("linear", lambda x: x, lambda x: np.asarray(x, float), lambda x: np.ones_like(x, float)),
        Activation(
            "hardtanh",
            lambda x: torch.clamp(x, -1.0, 1.0),
            lambda x: np.clip(x, -1.0, 1.0),
            lambda x: (np.abs(x) < 1).astype(float),
        ),
        Activation(
            "erf",
            lambda x: torch.erf(_SQRT_PI_2 * x),
            lambda x: special.erf(_SQRT_PI_2 * x),
            lambda x: np.exp(-((_SQRT_PI_2 * x) ** 2)),
        ),
        Activation("sin", torch.sin, np.sin, np.cos),
        Activation(
            "softsign",
            torch.nn.functional.softsign,
            lambda x: x / (1 + np.abs(x)),
            lambda x: 1 / (1 + np.abs(x)) ** 2,
        ),
        Activation("gelu", torch.nn.functional.gelu, _np_gelu, _np_gelu_grad),
        Activation("silu", torch.nn.functional.silu, _np_silu, _np_silu_grad),
        Activation(
            "elu",
            torch.nn.functional.elu,
            lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
            lambda x: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0))),
        ),
    )
}

NAMES = tuple(ACTIVATIONS)


def get(name: str) -> Activation:
    """Return the activation called ``name``; raise a ValueError listing the valid names."""
    _validate.choice("activation", name, NAMES)
    return ACTIVATIONS[name]
