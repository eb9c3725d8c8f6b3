r"""Avalanches in untrained residual networks, module by module with per-module thresholds.

The paper's section "Beyond Gaussian networks" measures avalanches in torchvision ResNets
(`paper-method.md` §1.4). torchvision could not be used here (its release for this PyTorch does not
import beside the CPU build), so :func:`resnet` builds the same networks: the module structure,
the order in which modules are called and the initialisation of ``torchvision.models.resnet``
(He et al. 2016), with

* convolutions: :math:`\mathcal N(0, 2/\text{fan-out})` (Kaiming normal, fan-out mode, ReLU gain);
* batch norm: weight 1, bias 0, running mean 0 and variance 1, evaluated in ``eval()`` mode, so an
  untrained network is the affine identity x/√(1 + ε) there;
* the final linear layer: PyTorch's default, U(±1/√fan-in) for the bias and Kaiming uniform with
  a = √5 for the weight.

The avalanche follows the authors' code: every *call* of a leaf module (convolution, batch norm,
ReLU, pooling, linear; a ReLU used twice in a block counts twice) is one time step j, with
:math:`q_j = \sum y_j^2` over the whole output tensor of one input. A calibration with K inputs
sets θ_j = mean of q_j. An input's avalanche runs while q_j ≥ θ_j: size
:math:`S = \sum_j (\sqrt{q_j} - \sqrt{\theta_j})`, duration T = number of such modules; it has
``survived`` when no module falls below threshold (T = all modules). Inputs are Gaussian noise of
standard deviation ``std``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from crit import _validate
from crit.models.avalanche_record import AvalancheRecord
from crit.records import provenance

__all__ = ["LAYERS", "resnet", "module_norms", "ModuleAvalanches", "module_avalanches", "measure"]

#: Blocks per stage and block type of the standard depths (He et al. 2016, table 1).
LAYERS = {18: ("basic", (2, 2, 2, 2)), 34: ("basic", (3, 4, 6, 3)), 50: ("bottleneck", (3, 4, 6, 3)),
          101: ("bottleneck", (3, 4, 23, 3)), 152: ("bottleneck", (3, 8, 36, 3))}


class _Basic(nn.Module):
    expansion = 1

    def __init__(self, c_in, c, stride, downsample):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class _Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, c_in, c, stride, downsample):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.conv3 = nn.Conv2d(c, c * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class _ResNet(nn.Module):
    def __init__(self, block, layers, base_width, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, base_width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(base_width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        c_in, stages = base_width, []
        for k, n in enumerate(layers):
            c, stride = base_width * 2**k, 1 if k == 0 else 2
            down = None
            if stride != 1 or c_in != c * block.expansion:
                down = nn.Sequential(nn.Conv2d(c_in, c * block.expansion, 1, stride, bias=False),
                                     nn.BatchNorm2d(c * block.expansion))
            blocks = [block(c_in, c, stride, down)]
            c_in = c * block.expansion
            blocks += [block(c_in, c, 1, None) for _ in range(n - 1)]
            stages.append(nn.Sequential(*blocks))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(c_in, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def resnet(depth=18, *, base_width=64, num_classes=1000, generator: torch.Generator, device="cpu") -> nn.Module:
    """An untrained ResNet-``depth`` with torchvision's structure and initialisation, in ``eval()`` mode.

    Parameters
    ----------
    depth : int
        18, 34, 50, 101 or 152.
    base_width : int
        Channels of the first stage (64 in torchvision); the stages have 1, 2, 4, 8 times as many.
    num_classes : int
    generator : torch.Generator
        The only source of randomness (the network is built on the meta device, then initialised).
    device : str
    """
    if isinstance(depth, bool) or depth not in LAYERS:
        raise ValueError(f"depth must be one of {', '.join(map(str, LAYERS))}; got {depth!r}")
    kind, layers = LAYERS[depth]
    base_width = _validate.integer("base_width", base_width, minimum=1)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    with torch.device("meta"):
        model = _ResNet(_Basic if kind == "basic" else _Bottleneck, layers, base_width, num_classes)
    model = model.to_empty(device="cpu")  # initialised on the CPU, where the generator lives
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu", generator=generator)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.fill_(1.0), m.bias.zero_(), m.running_mean.zero_(), m.running_var.fill_(1.0)
                m.num_batches_tracked.zero_()
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5), generator=generator)
                bound = 1 / math.sqrt(m.in_features)
                nn.init.uniform_(m.bias, -bound, bound, generator=generator)
    return model.to(device).eval()


def module_norms(model: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """q_j = Σ y_j² of every leaf-module call j, per input: shape (batch, calls), float64.

    Leaf modules are those without children, less ``nn.Identity`` and ``nn.Dropout``; calls are in
    execution order.
    """
    rows, hooks = [], []
    for m in model.modules():
        if not any(True for _ in m.children()) and not isinstance(m, (nn.Identity, nn.Dropout)):
            hooks.append(m.register_forward_hook(
                lambda _m, _i, out: rows.append(out.detach().double().pow(2).flatten(1).sum(1))))
    try:
        with torch.no_grad():
            model(inputs)
    finally:
        for h in hooks:
            h.remove()
    return torch.stack(rows, dim=1)


@dataclass(frozen=True, eq=False)
class ModuleAvalanches(AvalancheRecord):
    """Avalanches of untrained ResNets measured module by module.

    Attributes
    ----------
    sizes : numpy.ndarray of float64
        S = Σ_j (√q_j − √θ_j) over the supra-threshold modules (units of the activation norm).
    durations : numpy.ndarray of int64
        T, supra-threshold modules before the first sub-threshold one.
    survived : numpy.ndarray of bool
        No module fell below threshold.
    network : numpy.ndarray of int64
    thresholds : numpy.ndarray, shape (n_networks, n_modules)
        θ_j of every network.
    depth, base_width, image_size, std, n_calibration, n_inputs, inputs_per_network, seed
        The arguments of :func:`module_avalanches`.
    n_modules, n_networks : int
    versions : dict
    wall_time_s : float
    """

    network: np.ndarray
    thresholds: np.ndarray
    depth: int
    base_width: int
    image_size: int
    std: float
    n_calibration: int
    n_inputs: int
    inputs_per_network: int
    seed: int
    n_modules: int
    n_networks: int
    versions: dict
    wall_time_s: float


def _avalanches(q: torch.Tensor, theta: torch.Tensor):
    above = q >= theta
    durations = torch.where(above.all(1), above.shape[1], (~above).to(torch.int8).argmax(1))
    steps = torch.arange(q.shape[1])
    inside = steps[None, :] < durations[:, None]
    sizes = ((q.sqrt() - theta.sqrt()) * inside).sum(1)
    return sizes.numpy(), durations.numpy().astype(np.int64), (durations == q.shape[1]).numpy()


def module_avalanches(*, depth=18, base_width=64, image_size=32, std=1.0, n_calibration=100, n_inputs,
                      inputs_per_network, batch_size=250, seed=0, device="cpu") -> ModuleAvalanches:
    """Module-by-module avalanches of Gaussian-noise inputs in untrained ResNets (see the module docstring).

    Each network (drawn from ``seed``) first sends ``n_calibration`` inputs to set its thresholds,
    then ``inputs_per_network`` inputs whose avalanches are recorded.

    Parameters
    ----------
    depth, base_width : int
        See :func:`resnet`.
    image_size : int
        Height = width of the inputs (pixels), 3 channels.
    std : float
        Standard deviation of the input noise.
    n_calibration, n_inputs, inputs_per_network, batch_size : int
    seed : int
    device : str

    Returns
    -------
    ModuleAvalanches
    """
    image_size = _validate.integer("image_size", image_size, minimum=8)
    std = _validate.real("std", std, minimum=0.0, strict_min=True)
    n_calibration = _validate.integer("n_calibration", n_calibration, minimum=2)
    n_inputs = _validate.integer("n_inputs", n_inputs, minimum=1)
    per = _validate.integer("inputs_per_network", inputs_per_network, minimum=1)
    batch_size = _validate.integer("batch_size", batch_size, minimum=1)
    seed = _validate.integer("seed", seed, minimum=0)
    g = torch.Generator(device="cpu").manual_seed(seed)
    start = time.perf_counter()
    n_networks = -(-n_inputs // per)
    parts, thresholds = [], []
    for net in range(n_networks):
        model = resnet(depth, base_width=base_width, generator=g, device=device)

        def norms(n):
            out = []
            for k in range(0, n, batch_size):
                x = torch.randn(min(batch_size, n - k), 3, image_size, image_size, generator=g) * std
                out.append(module_norms(model, x.to(device)).cpu())
            return torch.cat(out)

        theta = norms(n_calibration).mean(0)
        b = min(per, n_inputs - net * per)
        s, d, alive = _avalanches(norms(b), theta)
        parts.append((s, d, alive, np.full(b, net, np.int64)))
        thresholds.append(theta.numpy())
    sizes, durations, survived, network = (np.concatenate(x) for x in zip(*parts))
    return ModuleAvalanches(
        sizes, durations, survived, network, np.array(thresholds), int(depth), int(base_width), image_size, std,
        n_calibration, n_inputs, per, seed, int(len(thresholds[0])), n_networks,
        provenance(),
        time.perf_counter() - start,
    )


def measure(a: ModuleAvalanches, name=None):
    """Exponents of module avalanches with :func:`crit.analysis.universality.measure` (durations from 2 modules)."""
    from crit.analysis import universality

    return universality.measure(a.sizes, a.durations.astype(float), groups=a.network, survived=a.survived,
                                discrete_sizes=False, discrete_durations=True, dmin=2.0, gamma_dmin=2.0,
                                name=name or f"ResNet-{a.depth}", fixed_dmin=True)
