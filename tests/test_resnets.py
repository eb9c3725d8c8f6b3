"""Untrained ResNets rebuilt with torchvision's structure: parameter counts, initialisation, the
module-by-module avalanche against a naive loop, determinism without ambient randomness.

Known answers: torchvision's resnet18 and resnet50 (1000 classes) have 11,689,512 and 25,557,032
parameters (He et al. 2016 architecture, torchvision model cards); the leaf-module calls are
4 + 6 per basic block + 2 per downsample + 2 = 60 (ResNet-18) and 4 + 9 per bottleneck + 2 per
downsample + 2 = 158 (ResNet-50).
"""

import numpy as np
import pytest
import torch

from crit.models import resnets


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("depth, params, calls", [(18, 11_689_512, 60), (50, 25_557_032, 158)])
def test_structure_matches_torchvision(depth, params, calls):
    model = resnets.resnet(depth, generator=gen())
    assert sum(p.numel() for p in model.parameters()) == params
    q = resnets.module_norms(model, torch.randn(2, 3, 32, 32, generator=gen(1)))
    assert q.shape == (2, calls) and torch.all(q > 0)


def test_initialisation_and_eval_mode_batch_norm():
    model = resnets.resnet(18, generator=gen())
    conv = model.layer2[0].conv1  # 64 → 128 channels, 3×3: fan-out 128·9
    assert conv.weight.std().item() == pytest.approx(np.sqrt(2 / (128 * 9)), rel=0.02)
    x = torch.randn(4, 128, 8, 8, generator=gen(2))
    assert not model.training
    torch.testing.assert_close(model.layer2[0].bn1(x), x / np.sqrt(1 + 1e-5))


def test_avalanche_extraction_equals_a_naive_loop():
    g = np.random.default_rng(0)
    q = torch.tensor(g.exponential(size=(300, 12)))
    theta = torch.tensor(g.exponential(size=12)) * 0.5
    s, d, alive = resnets._avalanches(q, theta)
    for i in range(300):
        size, t = 0.0, 0
        while t < 12 and q[i, t] >= theta[t]:
            size += float(q[i, t].sqrt() - theta[t].sqrt())
            t += 1
        assert d[i] == t and alive[i] == (t == 12) and s[i] == pytest.approx(size)


def test_same_seed_same_avalanches_and_no_ambient_randomness():
    kw = dict(depth=18, image_size=16, n_calibration=8, n_inputs=20, inputs_per_network=10, batch_size=7)
    state = torch.get_rng_state()
    a, b = resnets.module_avalanches(**kw, seed=3), resnets.module_avalanches(**kw, seed=3)
    assert torch.equal(state, torch.get_rng_state())
    assert np.array_equal(a.sizes, b.sizes) and np.array_equal(a.durations, b.durations)
    assert a.thresholds.shape == (2, 60) and a.n_modules == 60
    assert not np.array_equal(a.sizes, resnets.module_avalanches(**kw, seed=4).sizes)


def test_bad_input():
    with pytest.raises(ValueError, match="depth must be one of 18, 34, 50"):
        resnets.resnet(19, generator=gen())
    with pytest.raises(TypeError, match="generator"):
        resnets.resnet(18, generator=0)
    with pytest.raises(ValueError, match="std"):
        resnets.module_avalanches(std=-1.0, n_inputs=2, inputs_per_network=2)
