"""The fields every avalanche record shares: paired sizes and durations, and which avalanches never ended.

:class:`AvalancheRecord` is the base of the records of every model in :mod:`crit.models`
(:class:`~crit.models.avalanches.Avalanches`, :class:`~crit.models.sparse_networks.SparseAvalanches`,
:class:`~crit.models.exact_models.ExactAvalanches`, :class:`~crit.models.resnets.ModuleAvalanches`),
so that an analysis written for one takes them all. Each subclass also provides ``network``: the
network (or, for an exact model, the batch) of each avalanche, the groups that errors resample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crit.records import Record

__all__ = ["AvalancheRecord"]


@dataclass(frozen=True, eq=False)
class AvalancheRecord(Record):
    """Base of the avalanche records: one entry per recorded avalanche in each array.

    Attributes
    ----------
    sizes : numpy.ndarray
        Avalanche sizes S, in the units of the model's activity.
    durations : numpy.ndarray
        Durations T paired with ``sizes`` (layers, generations, steps or model time).
    survived : numpy.ndarray of bool
        True where the avalanche had not ended when the model stopped (its S and T are censored).
    """

    sizes: np.ndarray
    durations: np.ndarray
    survived: np.ndarray

    @property
    def n_recorded(self) -> int:
        """Number of recorded avalanches."""
        return int(np.asarray(self.sizes).size)

    @property
    def ended(self) -> np.ndarray:
        """Mask of the avalanches that ended within the model (``~survived``)."""
        return ~np.asarray(self.survived, bool)

    @property
    def surviving_fraction(self) -> float:
        """Fraction of the recorded avalanches that never ended."""
        return float(np.mean(self.survived))
