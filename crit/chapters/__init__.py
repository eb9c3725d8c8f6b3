"""What each page shows: one module per notebook of the book, named as the notebook.

Every chapter module holds its settings (a :class:`~crit.chapters.settings.Profiles` table named
``PROFILES``), a ``compute(profile, *, seed, device)`` that returns one frozen record of
everything its page shows (its heavy parts read from or stored in the results cache), and the
tables and figures of the page. The notebook ``notebooks/<name>.py`` imports ``crit.chapters.<name>``
and little else. :func:`names` finds the chapters on disk, so ``python -m crit compute`` needs no
list of them.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

__all__ = ["names", "load"]


def names() -> tuple[str, ...]:
    """The chapter modules, by name."""
    found = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_") and m.name != "settings")
    return tuple(found)


def load(name: str):
    """The chapter module ``name`` (one of :func:`names`), imported."""
    from crit import _validate

    return import_module(f"{__name__}.{_validate.choice('chapter', name, names())}")
