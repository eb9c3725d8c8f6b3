"""The one settings mechanism of the chapters: named profiles, grids that say their spacing, seeds by label.

Every chapter module defines a frozen dataclass of its sizes that inherits :class:`Settings`, and one
:class:`Profiles` table built with keywords::

    @dataclass(frozen=True)
    class PhaseDiagramSettings(Settings):
        widths: tuple[int, ...]
        sigma_w2: Grid

    PROFILES = Profiles(
        ci=PhaseDiagramSettings(widths=(32, 64), sigma_w2=Grid.linear(0.85, 1.45, 13)),
        paper=PhaseDiagramSettings(widths=(100, 300), sigma_w2=Grid.linear(0.9, 1.4, 26)),
    )
    settings = PROFILES["ci"]

A *profile* is only ever this: the named set of sizes ("ci" for two CPU cores, "paper" for the
paper's sizes on a GPU). Seeds of the individual runs of a chapter come from the notebook's one
``SEED`` through :func:`sub_seed`, by label, never by hand-picked offsets.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from crit import _validate
from crit.records import plain
from crit.seeds import sub_seed

__all__ = ["Grid", "Settings", "Profiles", "Results", "sub_seed", "PROFILE_NAMES", "one_cpu_thread"]

#: The profiles every chapter defines.
PROFILE_NAMES = ("ci", "paper")


@dataclass(frozen=True)
class Grid:
    """Points of one parameter axis, from ``first`` to ``last`` inclusive.

    Parameters
    ----------
    first, last : float
        End points (in the units of the parameter).
    n : int
        Number of points, at least 1.
    spacing : {"linear", "geometric"}
        Equal steps, or equal ratios (``numpy.geomspace``; ends must then be > 0).

    Examples
    --------
    >>> Grid.linear(1.0, 2.0, 3).values().tolist()
    [1.0, 1.5, 2.0]
    >>> Grid.geometric(1.0, 4.0, 3).values().tolist()
    [1.0, 2.0, 4.0]
    """

    first: float
    last: float
    n: int
    spacing: Literal["linear", "geometric"] = "linear"

    def __post_init__(self):
        _validate.real("first", self.first)
        _validate.real("last", self.last)
        _validate.integer("n", self.n, minimum=1)
        _validate.choice("spacing", self.spacing, ("linear", "geometric"))
        if self.spacing == "geometric" and min(self.first, self.last) <= 0:
            raise ValueError(f"a geometric grid needs ends > 0, got first={self.first}, last={self.last}")

    @classmethod
    def linear(cls, first: float, last: float, n: int) -> Grid:
        """``n`` equally spaced points."""
        return cls(first, last, n, "linear")

    @classmethod
    def geometric(cls, first: float, last: float, n: int) -> Grid:
        """``n`` points with equal ratios."""
        return cls(first, last, n, "geometric")

    def values(self) -> np.ndarray:
        """The points, shape ``(n,)``."""
        space = np.linspace if self.spacing == "linear" else np.geomspace
        return space(self.first, self.last, int(self.n))

    def refined(self, factor: int) -> Grid:
        """The same axis with ``factor`` steps per step of this grid (every ``factor``-th point is one of ours)."""
        factor = _validate.integer("factor", factor, minimum=1)
        return dataclasses.replace(self, n=factor * (int(self.n) - 1) + 1)

    def __str__(self) -> str:
        return f"{self.n} {self.spacing} points in [{self.first:g}, {self.last:g}]"


@dataclass(frozen=True)
class Settings:
    """Base of every chapter's settings: a frozen dataclass of sizes, named by its profile.

    ``profile`` is filled in by :class:`Profiles` from the keyword it is registered under.
    """

    profile: str = dataclasses.field(default="", kw_only=True)

    def as_dict(self) -> dict:
        """The settings as plain JSON-ready values (the cache keys and the provenance use this)."""
        return plain(self)

    def rows(self) -> list[list[str]]:
        """(setting, value) rows for the chapter's settings table."""
        return [[f.name, str(getattr(self, f.name))] for f in dataclasses.fields(self) if f.name != "profile"]

    def _repr_markdown_(self) -> str:
        from crit.book import tables

        return tables.markdown([f"setting (profile {self.profile!r})", "value"],
                               [[f"`{k}`", v] for k, v in self.rows()])


class Profiles(Mapping):
    """The named profiles of one chapter, ``Profiles(ci=..., paper=...)``.

    Indexing with an unknown name raises a ValueError that lists the valid ones.
    """

    def __init__(self, **profiles: Settings):
        missing = [n for n in PROFILE_NAMES if n not in profiles]
        if missing:
            raise ValueError(f"every chapter defines the profiles {PROFILE_NAMES}; missing {missing}")
        self._profiles = {}
        for name, settings in profiles.items():
            if not isinstance(settings, Settings):
                raise TypeError(f"profile {name!r} must be a Settings dataclass, got {type(settings).__name__}")
            self._profiles[name] = dataclasses.replace(settings, profile=name)

    def resolve(self, profile) -> Settings:
        """The settings for ``profile``: a profile name, or a settings instance of this chapter's class
        (for example ``dataclasses.replace(PROFILES["ci"], widths=(16, 32))``).

        Raises
        ------
        ValueError
            For an unknown name (the message lists the valid ones).
        TypeError
            For anything that is neither a name nor this chapter's settings.
        """
        if isinstance(profile, str):
            return self[profile]
        cls = type(next(iter(self._profiles.values())))
        if not isinstance(profile, cls):
            raise TypeError(f"profile must be a profile name {tuple(self._profiles)} or a {cls.__name__}, "
                            f"got {type(profile).__name__}")
        return profile

    def __getitem__(self, name: str) -> Settings:
        return self._profiles[_validate.choice("profile", name, tuple(self._profiles))]

    def __iter__(self):
        return iter(self._profiles)

    def __len__(self) -> int:
        return len(self._profiles)

    def __repr__(self) -> str:
        return f"Profiles({', '.join(self._profiles)})"


@dataclass(frozen=True, eq=False, kw_only=True)
class Results:
    """Base of every chapter's results: everything its page shows, and what it was computed with.

    Attributes
    ----------
    settings : Settings
        The chapter's settings (a profile, or settings of one's own).
    seed : int
        The notebook's ``SEED``; every run's seed is ``sub_seed(seed, label)``.
    """

    settings: Settings
    seed: int


@contextlib.contextmanager
def one_cpu_thread(device):
    """Run the block with one torch thread when ``device`` (a ``torch.device``) is the CPU.

    Chapters whose runs are many small simulations (a block of narrow networks per product) gain
    little from intra-op threads and lose much to their waiting on a shared machine.
    The previous thread count is restored afterwards; on a GPU nothing changes.
    """
    if device.type != "cpu":
        yield
        return
    import torch

    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(saved)
