"""Benchmark: the batched engine against a naive per-input loop, in one process.

Both run at the authors' headline point (width 500, depth 1000, σ_w² = 1.002, σ_b² = 0, q0 = 0.1,
a new network every 1000 inputs) on the same machine and the same torch threads. Prints inputs/s
of each and their ratio; never fails. Usage::

    python benchmarks/engine.py [--naive-inputs 1000] [--engine-inputs 20000] [--device cpu]

With ``--headline`` on a GPU it also times the authors' full run (2,000,000 inputs).
"""

from __future__ import annotations

import argparse
import math

import torch
from _timing import timed

from crit.models import avalanches as av

WIDTH, DEPTH, SIGMA_W2, Q0 = 500, 1000, 1.002, 0.1


def naive_loop(n_inputs, seed=0, inputs_per_network=1000, device="cpu"):
    """One input at a time, one layer at a time; weights drawn per network, lazily per layer."""
    g = torch.Generator(device=device).manual_seed(seed)
    scale = math.sqrt(SIGMA_W2 / WIDTH)
    weights = []
    recorded = 0
    for i in range(n_inputs):
        if i % inputs_per_network == 0:
            weights = []
        z = torch.randn(WIDTH, generator=g, device=device)
        h = math.sqrt(Q0) * z / z.norm()
        for layer in range(DEPTH):
            if layer == len(weights):
                weights.append(torch.randn(WIDTH, WIDTH, generator=g, device=device) * scale)
            h = weights[layer] @ torch.tanh(h)
            if float(h @ h) < Q0:
                recorded += layer >= 1
                break
    return recorded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-inputs", type=int, default=1000)
    parser.add_argument("--engine-inputs", type=int, default=20_000)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--headline", action="store_true", help="also time 2,000,000 inputs")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, device {args.device}")
    print(f"width {WIDTH}, depth {DEPTH}, sigma_w2 {SIGMA_W2}, q0 {Q0}, one network per 1000 inputs")

    t_naive, rec_naive = timed(lambda: naive_loop(args.naive_inputs, device=args.device))
    rate_naive = args.naive_inputs / t_naive
    print(f"naive loop : {args.naive_inputs:>9,d} inputs in {t_naive:7.2f} s = {rate_naive:9.1f} inputs/s "
          f"(recorded {rec_naive / args.naive_inputs:.3f})")

    t_engine, rec = timed(lambda: av.simulate(WIDTH, DEPTH, SIGMA_W2, n_inputs=args.engine_inputs, q0=Q0,
                                              seed=1, device=args.device, progress=False))
    rate_engine = args.engine_inputs / t_engine
    print(f"engine     : {args.engine_inputs:>9,d} inputs in {t_engine:7.2f} s = {rate_engine:9.1f} inputs/s "
          f"(recorded {rec.n_recorded / rec.n_inputs:.3f})")
    print(f"ratio engine/naive: {rate_engine / rate_naive:.1f}x")

    if args.headline:
        t_full, full = timed(lambda: av.simulate(WIDTH, DEPTH, SIGMA_W2, n_inputs=2_000_000, q0=Q0, seed=0,
                                                 device=args.device, progress=False))
        print(f"headline   : 2,000,000 inputs in {t_full:.1f} s ({full.n_recorded:,d} recorded, "
              f"authors: 1,002,587)")


if __name__ == "__main__":
    main()
