"""A results cache for the slow steps of the book's figures.

``cached_call(RecordClass, function, **arguments)`` is how the chapters use it: the key is the
function's name and arguments. Underneath, ``cached(RecordClass, params, compute)`` returns the
record stored for ``params`` if there is one, and otherwise calls ``compute()``, stores its result atomically and returns it. The key is a hash
of the parameters, the class name, the ``crit`` version and, through :func:`cached_call`, the code
the result depends on (:func:`science_digest`: the models, the core modules and the modules of the
function and of its record), so changing a parameter or that code recomputes, while editing a
page's prose, tables or figures does not. The folder is ``$CRIT_CACHE_DIR`` when set, else ``.cache/`` in the current
working directory. A heavy figure can thus be computed on a GPU machine as plain Python, its
``.cache/`` folder brought back, and the book rendered from it on a laptop.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Callable, TypeVar

import crit
from crit.records import Record, plain

__all__ = ["RUNTIME_ARGUMENTS", "cache_dir", "science_digest", "key", "cached", "cached_call"]

R = TypeVar("R", bound=Record)


def cache_dir() -> Path:
    """The cache folder: ``$CRIT_CACHE_DIR``, else ``./.cache``."""
    return Path(os.environ.get("CRIT_CACHE_DIR") or Path.cwd() / ".cache")


def _crit_dependencies(name: str) -> set[str]:
    """``name`` and every ``crit`` module it uses, transitively: modules it imported and the modules
    of the functions and classes it imported (so a moved helper still counts)."""
    import importlib
    import types

    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or not current.startswith("crit."):
            continue
        seen.add(current)
        try:
            module = importlib.import_module(current)
        except ImportError:
            continue
        for value in vars(module).values():
            other = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
            if isinstance(other, str) and other.startswith("crit.") and other not in seen:
                todo.append(other)
    return seen


@functools.lru_cache(maxsize=None)
def science_digest(*modules: str) -> str:
    """A hash of the sources a cached result depends on: the models (``crit/models``), the core
    modules (``crit/*.py``) and the given modules with every ``crit`` module they use, transitively
    (e.g. the analysis module of a cached function and of its record, and what they import), so that
    a result is recomputed when the code that made it changes.

    Parameters
    ----------
    *modules : str
        Dotted names of ``crit`` modules (others, e.g. ``numpy``, are ignored).
    """
    root = Path(crit.__file__).parent
    files = set(root.glob("*.py")) | set((root / "models").rglob("*.py"))
    names = set().union(*(_crit_dependencies(m) for m in modules)) if modules else set()
    for name in names:
        parts = name.split(".")
        path = root.joinpath(*parts[1:])
        if path.with_suffix(".py").is_file():
            files.add(path.with_suffix(".py"))
        elif (path / "__init__.py").is_file():
            files |= set(path.rglob("*.py"))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def key(kind: str, params: dict) -> str:
    """A short stable hash of ``kind``, ``params`` and the crit version."""
    blob = json.dumps({"kind": kind, "params": params, "crit": crit.__version__}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def cached(cls: type[R], params: dict, compute: Callable[[], R], *, refresh: bool = False) -> R:
    """Load the ``cls`` record stored for ``params`` or compute, store and return it.

    Parameters
    ----------
    cls : type
        The record class that ``compute`` returns.
    params : dict
        Everything the result depends on (JSON-serialisable); the device is deliberately left out
        by callers so that a GPU result serves a CPU rebuild.
    compute : callable
        Called with no arguments when nothing is stored.
    refresh : bool
        Recompute even if a stored result exists.
    """
    path = cache_dir() / f"{cls.__name__}-{key(cls.__name__, params)}.npz"
    if path.exists() and not refresh:
        try:
            return cls.load(path)
        except Exception:  # an unreadable or outdated file is recomputed, not trusted
            path.unlink(missing_ok=True)
    result = compute()
    if not isinstance(result, cls):
        raise TypeError(f"compute() returned {type(result).__name__}, expected {cls.__name__}")
    result.save(path)
    return result


#: Arguments that say how a result is computed, not what it is: left out of the key, so that a result
#: computed on a GPU serves a rebuild on a CPU.
RUNTIME_ARGUMENTS = ("device", "progress", "threads")


def cached_call(cls: type[R], function: Callable[..., R], /, **arguments) -> R:
    """``function(**arguments)``, from the cache or computed and stored: the one key rule of the chapters.

    The key is the function's name, the hash of the code it depends on (:func:`science_digest` of
    its module and its record's module) and its arguments, less :data:`RUNTIME_ARGUMENTS` (arrays and
    tuples are keyed by their values).

    Parameters
    ----------
    cls : type
        The record class ``function`` returns.
    function : callable
        A function of :mod:`crit.models` or :mod:`crit.analysis` that takes keyword arguments.
    **arguments
        Passed to ``function``.

    Examples
    --------
    >>> import tempfile, os
    >>> from crit.models.exact_models import ExactAvalanches, galton_watson
    >>> os.environ["CRIT_CACHE_DIR"] = tempfile.mkdtemp()
    >>> first = cached_call(ExactAvalanches, galton_watson, n_trees=100, rng=0)
    >>> again = cached_call(ExactAvalanches, galton_watson, n_trees=100, rng=0)  # read back
    >>> bool((first.sizes == again.sizes).all())
    True
    >>> del os.environ["CRIT_CACHE_DIR"]
    """
    params = {"function": f"{function.__module__}.{function.__qualname__}",
              "code": science_digest(function.__module__, cls.__module__)}
    params.update({k: plain(v) for k, v in arguments.items() if k not in RUNTIME_ARGUMENTS})
    return cached(cls, params, lambda: function(**arguments))
