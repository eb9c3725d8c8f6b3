"""Wall-clock timing shared by the benchmark scripts (run as ``python benchmarks/<name>.py``)."""

from __future__ import annotations

import time

import torch


def timed(fn):
    """``(seconds, fn())``, waiting for queued GPU work before the clock stops."""
    start = time.perf_counter()
    out = fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - start, out
