"""Ragged avalanche traces: one activity time series per avalanche, stored flat.

Avalanche ``i`` has the trace ``values[offsets[i]:offsets[i + 1]]`` (activity per time step,
in the units of the activity it was measured from), so ``offsets`` has one more entry than there
are avalanches, starts at 0 and ends at ``len(values)``. Storing them flat keeps millions of short
traces in two arrays, which save to ``.npz`` through :class:`crit.records.Record`.

A simulation can keep only the traces that a shape analysis reads (``trace_durations``: the ended
avalanches of a window of durations, :func:`trace_window`); every other avalanche then has an empty
trace. At the paper's depths the long avalanches' traces are most of a record and no shape
analysis reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit import _validate
from crit.records import Record

__all__ = ["Traces", "check_window", "trace_window", "traced"]


@dataclass(frozen=True, eq=False)
class Traces(Record):
    """Ragged collection of avalanche traces.

    Parameters
    ----------
    values : numpy.ndarray
        All traces concatenated, shape ``(offsets[-1],)``.
    offsets : numpy.ndarray
        Integer start positions, shape ``(n_avalanches + 1,)``, non-decreasing, ``offsets[0] == 0``
        and ``offsets[-1] == len(values)``.

    Examples
    --------
    >>> p = Traces.from_list([[1.0, 2.0, 1.0], [1.0]])
    >>> len(p), p.lengths.tolist(), p[0].tolist()
    (2, [3, 1], [1.0, 2.0, 1.0])
    """

    values: np.ndarray
    offsets: np.ndarray

    def __post_init__(self):
        values = np.asarray(self.values)
        offsets = np.asarray(self.offsets)
        if values.ndim != 1:
            raise ValueError(f"values must be 1-dimensional, got shape {values.shape}")
        if offsets.ndim != 1 or offsets.size < 1:
            raise ValueError(
                f"offsets must be a 1-dimensional array with at least one entry, got shape {offsets.shape}"
            )
        if not np.issubdtype(offsets.dtype, np.integer):
            raise TypeError(f"offsets must hold integers, got dtype {offsets.dtype}")
        if offsets[0] != 0 or offsets[-1] != values.size or np.any(np.diff(offsets) < 0):
            raise ValueError(
                "offsets must be non-decreasing, start at 0 and end at len(values) "
                f"= {values.size}; got first {offsets[0]}, last {offsets[-1]}"
            )
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "offsets", offsets.astype(np.int64, copy=False))

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    def __getitem__(self, i) -> np.ndarray:
        n = len(self)
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"Traces index must be an integer, got {i!r} ({type(i).__name__})")
        i = int(i)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"trace index {i} out of range for {n} traces")
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    @property
    def lengths(self) -> np.ndarray:
        """Number of time steps of each trace, shape ``(n_avalanches,)``."""
        return np.diff(self.offsets)

    def take(self, indices) -> Traces:
        """The traces at ``indices`` (an integer array), in that order.

        Examples
        --------
        >>> Traces.from_list([[1.0], [2.0, 3.0], [4.0]]).take([2, 1]).values.tolist()
        [4.0, 2.0, 3.0]
        """
        indices = np.asarray(indices)
        if indices.ndim != 1 or not (np.issubdtype(indices.dtype, np.integer) or indices.size == 0):
            raise TypeError(f"indices must be a 1-d integer array, got dtype {indices.dtype}, shape {indices.shape}")
        indices = indices.astype(np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= len(self)):
            raise IndexError(f"trace indices must lie in [0, {len(self)}), got {indices.min()}..{indices.max()}")
        lengths = self.lengths[indices]
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        # position of every value kept: its trace's start plus its step within the trace
        steps = np.arange(offsets[-1]) - np.repeat(offsets[:-1], lengths)
        return type(self)(values=self.values[np.repeat(self.offsets[:-1][indices], lengths) + steps], offsets=offsets)

    @classmethod
    def from_list(cls, traces) -> Traces:
        """Build from a sequence of 1-D arrays (one per avalanche)."""
        arrays = [np.asarray(p, dtype=float).ravel() for p in traces]
        lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        values = np.concatenate(arrays) if arrays else np.zeros(0)
        return cls(values=values, offsets=offsets)


def trace_window(trace_durations, record_traces) -> tuple[int, int] | None:
    """The validated ``trace_durations`` argument of a simulation: None (every trace), or
    ``(shortest, longest)``, the durations (model time steps) of the ended avalanches whose traces are kept.

    Examples
    --------
    >>> trace_window([20, 120], True)
    (20, 120)
    """
    if trace_durations is None:
        return None
    if not record_traces:
        raise ValueError(f"trace_durations={trace_durations!r} chooses which traces to keep: it needs "
                         "record_traces=True")
    if not isinstance(trace_durations, (tuple, list)) or len(trace_durations) != 2:
        raise TypeError(f"trace_durations must be None or a pair (shortest, longest) of durations, "
                        f"got {trace_durations!r}")
    shortest = _validate.integer("trace_durations[0]", trace_durations[0], minimum=1)
    longest = _validate.integer("trace_durations[1]", trace_durations[1], minimum=shortest)
    return shortest, longest


def traced(durations, survived, window):
    """Mask of the avalanches whose traces a simulation with ``trace_durations=window`` keeps: all
    when ``window`` is None, else the ended ones with ``window[0] ≤ T ≤ window[1]``.

    ``durations`` (integers) and ``survived`` (booleans) are NumPy arrays or torch tensors of one
    shape; the mask is of the same kind, so the dense engine applies it on its device and the
    sparse one in NumPy.

    Examples
    --------
    >>> traced(np.array([5, 20, 30]), np.array([False, False, True]), (10, 40)).tolist()
    [False, True, False]
    """
    if window is None:
        return survived | ~survived
    return ~survived & (durations >= window[0]) & (durations <= window[1])


def check_window(record, dmin, dmax) -> None:
    """Raise ValueError when ``record`` kept the traces of a window of durations (``trace_durations``)
    that does not hold ``[dmin, dmax]``, the durations an analysis is about to read."""
    window = getattr(record, "trace_durations", None)
    if window is not None and not window[0] <= dmin <= dmax <= window[1]:
        raise ValueError(f"the record kept the traces of durations {window[0]}–{window[1]} only "
                         f"(trace_durations); durations {dmin:g}–{dmax:g} were asked for: simulate with a "
                         "window that holds them, or trace_durations=None")
