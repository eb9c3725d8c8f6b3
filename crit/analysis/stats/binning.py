"""Data for plots of heavy-tailed distributions: log-binned and equal-count PDFs, the CCDF.

These are for *display* only: exponents come from :func:`crit.analysis.stats.fit_power_law`, never from a
line through a binned histogram (Clauset et al. 2009, §3.1 and Table 2 show that such fits are biased).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.analysis.stats import _checks
from crit.records import Record

__all__ = ["BinnedPDF", "CCDF", "log_binned_pdf", "equal_count_pdf", "ccdf"]


@dataclass(frozen=True, eq=False)
class BinnedPDF(Record):
    """A binned probability density (continuous) or mass per integer (discrete).

    Attributes
    ----------
    centers : numpy.ndarray
        Geometric centres of the bins (data units).
    density : numpy.ndarray
        Estimated density in inverse data units (continuous) or probability per integer (discrete),
        normalised so that ``sum(density * widths) == 1`` over the non-empty bins.
    counts : numpy.ndarray
        Observations per bin.
    edges : numpy.ndarray
        Bin edges, ``len(centers) + 1`` of them (discrete: bin i holds integers in [edges[i], edges[i+1])).
    discrete : bool
    """

    centers: np.ndarray
    density: np.ndarray
    counts: np.ndarray
    edges: np.ndarray
    discrete: bool


@dataclass(frozen=True, eq=False)
class CCDF(Record):
    """Empirical complementary CDF P(X >= x) at each distinct value ``x``."""

    x: np.ndarray
    p: np.ndarray


def _finish(edges, counts, discrete):
    keep = counts > 0
    widths = np.diff(edges)
    if discrete:
        centers = np.sqrt(edges[:-1] * (edges[1:] - 1.0))  # geometric mean of first and last integer
    else:
        centers = np.sqrt(edges[:-1] * edges[1:])
    density = counts / widths
    density = density / np.sum(density[keep] * widths[keep])
    return BinnedPDF(centers[keep], density[keep], counts[keep], edges, discrete)


def log_binned_pdf(data, *, discrete, bins_per_decade=10):
    """Histogram on logarithmically spaced bins.

    Parameters
    ----------
    data : array_like
        Positive, finite values.
    discrete : bool
        Integer data: edges are rounded to distinct integers and the density is per integer.
    bins_per_decade : int

    Returns
    -------
    BinnedPDF
        Empty bins are dropped from centers/density/counts (``edges`` keeps them).
    """
    x = _checks.positive_data(data, discrete=discrete)
    bpd = _validate.integer("bins_per_decade", bins_per_decade, minimum=1)
    lo, hi = np.log10(x[0]), np.log10(x[-1])
    n_bins = max(1, int(np.ceil((hi - lo) * bpd)))
    edges = np.logspace(lo, hi, n_bins + 1)
    if discrete:
        edges = np.unique(np.ceil(np.r_[edges[:-1], x[-1] + 1.0]))
    else:
        edges[-1] = np.nextafter(x[-1], np.inf)
    counts = np.histogram(x, bins=edges)[0]
    return _finish(edges, counts, discrete)


def equal_count_pdf(data, *, discrete, min_count):
    """The authors' display bins: consecutive bins of at least ``min_count`` observations.

    Continuous: sorted data cut into runs of ``min_count`` points, edges at data values (strictly
    increasing), height = count / width. Discrete: consecutive integer values are merged until a bin
    holds ``min_count`` observations, height = count / (number of integers in the bin). Centres are
    geometric; heights are normalised to unit area (paper-method §5.4; authors: 3000 for sizes,
    4000 for durations).

    Returns
    -------
    BinnedPDF
    """
    x = _checks.positive_data(data, discrete=discrete)
    min_count = _validate.integer("min_count", min_count, minimum=1)
    if min_count > x.size // 2:
        raise ValueError(f"min_count={min_count} leaves fewer than two bins for {x.size} observations")
    if discrete:
        values, counts = np.unique(x, return_counts=True)
        closes, running = [], 0
        for j, cnt in enumerate(counts):  # greedy: one pass over the distinct values
            running += cnt
            if running >= min_count:
                closes.append(j)
                running = 0
        if running:  # the leftover values join the last full bin
            closes[-1] = values.size - 1
        closes = np.asarray(closes)
        cum = np.cumsum(counts)
        edges = np.r_[values[0], values[closes] + 1.0]
        bin_counts = np.diff(np.r_[0, cum[closes]])
        return _finish(edges, bin_counts.astype(float), True)
    idx = np.arange(0, x.size, min_count)
    edges = np.unique(np.r_[x[idx], x[-1]])
    counts = np.histogram(x, bins=edges)[0].astype(float)
    return _finish(edges, counts, False)


def ccdf(data):
    """Empirical P(X >= x) at the distinct values of ``data`` (positive, finite)."""
    x = _validate.finite_array("data", data)
    values, first = np.unique(np.sort(x), return_index=True)
    return CCDF(values, 1.0 - first / x.size)
