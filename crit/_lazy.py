"""Packages whose submodules are found on disk and imported on first use (``crit.models.theory``)."""

from __future__ import annotations

import pkgutil
from importlib import import_module


def submodules(package: str, path) -> tuple[list[str], object, object]:
    """``(__all__, __getattr__, __dir__)`` for the package ``package`` at ``path``.

    ``__all__`` lists its public submodules (names not starting with ``_``), found on disk rather
    than listed by hand; ``__getattr__`` imports one on first access.
    """
    names = sorted(m.name for m in pkgutil.iter_modules(path) if not m.name.startswith("_"))

    def __getattr__(name):
        if name in names:
            return import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(names) | set(import_module(package).__dict__))

    return names, __getattr__, __dir__
