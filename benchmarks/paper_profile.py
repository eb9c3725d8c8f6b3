"""Benchmark: the time of each chapter (or publishable part) at a profile, as `python -m crit compute` runs it.

Prints one row per chapter with its wall time and share, then the total. Results already in the
results cache take next to no time, so point ``CRIT_CACHE_DIR`` at an empty folder to time a
computation from scratch. Usage::

    CRIT_CACHE_DIR=$(mktemp -d) python benchmarks/paper_profile.py --profile paper --device cuda
    python benchmarks/paper_profile.py --profile paper --only quasi_critical_scaling --part point

What it computed stays in the cache, so ``python -m crit publish`` can publish it afterwards.
"""

from __future__ import annotations

import argparse
import time

from crit.book import compute


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="paper", choices=("ci", "paper"))
    parser.add_argument("--device", default="auto")
    parser.add_argument("--only", action="append", metavar="NAME")
    parser.add_argument("--part", action="append", metavar="PART")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    timings = compute.compute(args.only, profile=args.profile, seed=args.seed, device=args.device, parts=args.part)
    total = time.perf_counter() - started
    print("\n| chapter | seconds | share |\n|---|---|---|")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.1f} | {seconds / total:.0%} |")
    print(f"| total | {total:.1f} | 100% |")


if __name__ == "__main__":
    main()
