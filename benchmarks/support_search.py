"""Benchmark: the support search of a power-law fit on 10^6 avalanche-like values (prints, never fails).

The range-reselecting network bootstrap of the quasi-critical chapter runs one support search on the
sizes and one on the durations per resample, each refitting the same sorted array about 40 times. Two
things make that cheap: the Hurwitz zeta of a discrete fit is evaluated once per distinct value (10^6
durations hold about 10^3), and data that are already sorted are not sorted again. The baseline, in
the same process, evaluates zeta at every value and sorts on every fit (the code before the change);
the fits must be identical.

    python benchmarks/support_search.py
"""

from __future__ import annotations

import time
from unittest import mock

import numpy as np
from scipy import special

from crit.analysis import stats
from crit.analysis.stats import _checks, _laws


def _plain_zeta(alpha, u):
    return special.zeta(alpha, u)


def _sorting_positive_data(data, *, discrete, name="data"):
    return np.sort(_original_positive_data(data, discrete=discrete, name=name))


_original_positive_data = _checks.positive_data


def _search(sizes, durations):
    t = time.perf_counter()
    fs = stats.support_search(sizes, discrete=False, n_grid=12)
    t_s = time.perf_counter() - t
    t = time.perf_counter()
    fd = stats.support_search(durations, discrete=True, n_grid=12, xmax_limit=998)
    return (t_s, time.perf_counter() - t), (fs.alpha, fs.xmin, fs.xmax, fd.alpha, fd.xmin, fd.xmax)


def main():
    rng = np.random.default_rng(0)
    n = 1_000_000
    sizes = (rng.pareto(0.5, n) + 1.0) * 1e-3
    durations = np.floor((rng.pareto(0.8, n) + 1.0) * 2.0).clip(1, 998)
    fast, fits = _search(sizes, durations)
    with mock.patch.object(_laws, "_zeta_at", _plain_zeta), mock.patch.object(_checks, "positive_data",
                                                                            _sorting_positive_data):
        slow, fits_slow = _search(sizes, durations)
    print(f"{'data (10^6 values)':<22} {'baseline s':>10} {'now s':>7} {'ratio':>6}")
    for name, a, b in (("sizes (continuous)", slow[0], fast[0]), ("durations (discrete)", slow[1], fast[1])):
        print(f"{name:<22} {a:>10.2f} {b:>7.2f} {a / b:>6.1f}")
    print("identical fits:", fits == fits_slow)


if __name__ == "__main__":
    main()
