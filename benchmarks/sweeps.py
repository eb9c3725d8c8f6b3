"""Benchmark: a common-random-numbers scan along σ_w², batched sweep against one call per network and point.

The baseline is what ``phases.scan(common_random_numbers=True)`` did before
:func:`crit.models.sweeps.simulate_sweep`: every network at every σ_w² its own
``simulate(method="explicit")`` call, seeded by network, so that each point redraws the same
normals. Both run in this process on the same device and threads. Prints seconds of each and their
ratio; never fails. Usage::

    python benchmarks/sweeps.py                        # chapter 1's CI sweep at width 64
    python benchmarks/sweeps.py --width 128 --points 25 --networks 100 --inputs-per-network 100
    python benchmarks/sweeps.py --device cuda --width 512 --points 25 --networks 100
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from _timing import timed

from crit.models import avalanches as av
from crit.models import sweeps


def per_network(width, depth, grid, networks, inputs_per_network, device):
    return [[av.simulate(width, depth, w2, n_inputs=inputs_per_network, inputs_per_network=inputs_per_network,
                         seed=k, method="explicit", device=device, progress=False) for k in range(networks)]
            for w2 in grid]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--depth-ratio", type=float, default=2.0)
    parser.add_argument("--points", type=int, default=9)
    parser.add_argument("--networks", type=int, default=20)
    parser.add_argument("--inputs-per-network", type=int, default=50)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    depth = int(round(args.depth_ratio * args.width))
    grid = np.linspace(0.9, 1.5, args.points)
    dev = av.resolve_device(args.device)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, device {dev}")
    print(f"width {args.width}, depth {depth}, {args.points} sigma_w2 in [0.9, 1.5], "
          f"{args.networks} networks of {args.inputs_per_network} inputs")
    t_old, _ = timed(lambda: per_network(args.width, depth, grid, args.networks, args.inputs_per_network, dev))
    t_new, _ = timed(lambda: sweeps.simulate_sweep(args.width, depth, grid, n_networks=args.networks,
                                                   inputs_per_network=args.inputs_per_network, device=dev))
    print(f"one call per network and point : {t_old:8.2f} s")
    print(f"simulate_sweep (batched)       : {t_new:8.2f} s")
    print(f"ratio: {t_old / t_new:.1f}x")


if __name__ == "__main__":
    main()
