"""Where the numbers of the chapter "quasi-critical scaling" come from: published parts or this build.

The critical point is the chapter's one publishable part (:data:`POINT`): the authors' run at the
paper profile, too slow to recompute on a laptop. :func:`read_point` reads it from a folder of
published results (``results/paper``), :func:`settings_from` rebuilds the settings it was computed
with, and :func:`sources` says, part by part, where the page's numbers came from. Private to
:mod:`crit.chapters.quasi_critical_scaling`.
"""

from __future__ import annotations

import dataclasses

from crit.book import published
from crit.chapters._quasi_critical_scaling_point import CriticalPoint
from crit.chapters.settings import Grid

CHAPTER = "quasi_critical_scaling"
#: The module whose code makes the critical point (its hash is the part's code hash).
POINT_MODULES = ("crit.chapters._quasi_critical_scaling_point",)


def settings_from(cls, data: dict):
    """The settings of class ``cls`` from their plain values (a published provenance's ``settings``).

    Lists become tuples and dicts of a :class:`~crit.chapters.settings.Grid` field a Grid; raises
    ``ValueError`` when a field is missing (the settings of another chapter, or of older code).
    """
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            raise ValueError(f"the published settings lack {f.name!r}")
        v = data[f.name]
        if isinstance(v, dict) and {"first", "last", "n"} <= set(v):
            v = Grid(**v)
        elif isinstance(v, list):
            v = tuple(v)
        values[f.name] = v
    return cls(**values)


def read_point(folder, part: published.Part, settings_cls):
    """``(point, its settings, its Source)`` from the published results in ``folder``, or None.

    Parameters
    ----------
    folder : path
        A folder of published results (``results/paper``).
    part : Part
        The critical point's part (:data:`crit.chapters.quasi_critical_scaling.PARTS`).
    settings_cls : type
        The chapter's settings class.
    """
    found = published.load(folder, CHAPTER, part)
    if found is None:
        return None
    point, provenance = found
    if not isinstance(point, CriticalPoint):  # pragma: no cover - load() checks the class
        raise TypeError(f"expected a CriticalPoint, got {type(point).__name__}")
    settings = settings_from(settings_cls, provenance.settings)
    source = published.Source.from_published(part, provenance)
    return point, settings, source


def rest_source(profile: str) -> published.Source:
    """The parts computed in this build, beside a published critical point."""
    return published.Source("everything else (the drive, the threshold and the disorder)", profile)
