"""What each page shows: one module per notebook of the book, named as the notebook.

Every chapter module holds its settings (a :class:`~crit.chapters.settings.Profiles` table named
``PROFILES``), a ``compute(profile, *, seed, device)`` that returns one frozen record of
everything its page shows (its heavy parts read from or stored in the results cache), and the
tables and figures of the page. The notebook ``notebooks/<name>.py`` imports ``crit.chapters.<name>``
and little else. :func:`names` finds the chapters on disk, so ``python -m crit compute`` needs no
list of them.
"""

from __future__ import annotations

from importlib import import_module

from crit import _lazy

_submodules, __getattr__, __dir__ = _lazy.submodules(__name__, __path__)
__all__ = ["names", "load", *_submodules]


def names() -> tuple[str, ...]:
    """The chapter modules, by name (every public submodule but :mod:`~crit.chapters.settings`)."""
    return tuple(n for n in _submodules if n != "settings")


def load(name: str):
    """The chapter module ``name`` (one of :func:`names`), imported."""
    from crit import _validate

    return import_module(f"{__name__}.{_validate.choice('chapter', name, names())}")
