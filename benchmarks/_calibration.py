"""What the calibration studies share (run as ``python benchmarks/<name>.py``): how well an error
matches the scatter of its value over independent seeds, and what that ratio is itself worth."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import torch


def _usable(value, error):
    """``value`` and ``error`` at the seeds where both are finite and the error is positive."""
    value, error = np.asarray(value, float), np.asarray(error, float)
    ok = np.isfinite(value) & np.isfinite(error) & (error > 0)
    return value[ok], error[ok]


def scatter_ratio(value, error, rng, n_resamples=2000):
    """Scatter of ``value`` over seeds / root-mean-square ``error``, and its 90 % interval over resamples
    of the seeds.

    Values drawn with errors e_i scatter with variance mean(e_i²), not mean(e_i)²: the root mean square
    is the error to set beside the scatter (the mean would put right errors that vary from seed to seed
    above 1). Seeds where either is not finite, or the error is not positive, are left out. The interval is NaN
    under 10 seeds, where resamples repeat too few values to mean anything.

    Returns
    -------
    (ratio, low, high, n) : tuple
        The ratio (1 for an error that is right), its 90 % interval and the number of seeds used.
    """
    value, error = _usable(value, error)

    def ratio(idx):
        return value[idx].std(axis=-1, ddof=1) / np.sqrt(np.mean(error[idx] ** 2, axis=-1))

    if value.size < 2:
        return float("nan"), float("nan"), float("nan"), int(value.size)
    if value.size < 10:
        return float(ratio(np.arange(value.size))), float("nan"), float("nan"), int(value.size)
    low, high = np.percentile(ratio(rng.integers(0, value.size, (n_resamples, value.size))), [5, 95])
    return float(ratio(np.arange(value.size))), float(low), float(high), int(value.size)


def ratio_line(name, value, error, centre=None, width=34):
    """One printed line: the scatter/error ratio of ``value`` (:func:`scatter_ratio`) with its 90 % interval,
    over how many seeds, and at how many seeds ``value`` lies more than 2 errors from ``centre`` (the
    true value where it is known, else the mean over the seeds).

    The ratio says whether the errors are right on average; the count whether they are right seed by
    seed (about 5 % of seeds for errors that are, a little more where each error is itself an estimate
    from few blocks of networks): errors that are too small at some seeds and too large at others can
    give a ratio of 1 and too many seeds beyond 2 errors.
    """
    ratio, low, high, n = scatter_ratio(value, error, np.random.default_rng(0))
    where = "the mean over seeds" if centre is None else f"{centre:g}"
    return (f"{name:<{width}} scatter over seeds / rms error {ratio:6.2f} (90 % {low:.2f} to {high:.2f}) "
            f"over {n} seeds; more than 2 errors from {where} at {beyond_two_errors(value, error, centre)}")


def beyond_two_errors(value, error, centre=None) -> int:
    """At how many usable seeds ``value`` lies more than 2 errors from ``centre`` (the mean over the
    seeds when None)."""
    value, error = _usable(value, error)
    return int(np.sum(np.abs(value - (value.mean() if centre is None else centre)) > 2 * error))


def _one_thread():
    torch.set_num_threads(1)


def over_seeds(measure, seeds, jobs=1):
    """``(seed, measure(seed))`` for every seed, in order, on ``jobs`` processes of one thread each
    (seeds are independent, so cores are better spent on seeds than on one seed's BLAS calls)."""
    if jobs <= 1:
        threads = torch.get_num_threads()
        _one_thread()
        try:
            for seed in seeds:
                yield seed, measure(seed)
        finally:  # a caller in the same process (a test) gets its threads back
            torch.set_num_threads(threads)
        return
    with ProcessPoolExecutor(jobs, initializer=_one_thread) as pool:
        yield from zip(seeds, pool.map(measure, seeds))
