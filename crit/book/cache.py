"""A results cache for the slow steps of the book's figures.

``cached_call(RecordClass, function, **arguments)`` is how the chapters use it: the key is the
function's name and arguments. Underneath, ``cached(RecordClass, params, compute)`` returns the
record stored for ``params`` if there is one, and otherwise calls ``compute()``, stores its result atomically and returns it. The key is a hash
of the parameters, the class name, the ``crit`` version and the science code (:func:`science_digest`:
every source of ``crit`` but its chapters and book layers), so changing a parameter, a model or an
analysis recomputes, while editing a page's prose, tables or figures does not. The folder is ``$CRIT_CACHE_DIR`` when set, else ``.cache/`` in the current
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


@functools.lru_cache(maxsize=1)
def science_digest() -> str:
    """A hash of the sources a cached result can depend on: every ``crit/**/*.py`` outside
    ``crit/chapters`` and ``crit/book`` (models, analysis and the core modules)."""
    root = Path(crit.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in ("chapters", "book"):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def key(kind: str, params: dict) -> str:
    """A short stable hash of ``kind``, ``params``, the crit version and :func:`science_digest`."""
    blob = json.dumps({"kind": kind, "params": params, "crit": crit.__version__, "code": science_digest()},
                      sort_keys=True, default=str)
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

    The key is the function's name and its arguments, less :data:`RUNTIME_ARGUMENTS` (arrays and
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
    params = {"function": f"{function.__module__}.{function.__qualname__}"}
    params.update({k: plain(v) for k, v in arguments.items() if k not in RUNTIME_ARGUMENTS})
    return cached(cls, params, lambda: function(**arguments))
