"""A results cache for the slow steps of the book's figures.

``cached_call(RecordClass, function, **arguments)`` is how the chapters use it: the key is the
function's name and arguments. Underneath, ``cached(RecordClass, params, compute)`` returns the
record stored for ``params`` if there is one, and otherwise calls ``compute()``, stores its result
atomically and returns it. The key is a hash of the parameters, the class name, the ``crit``
version and, through :func:`cached_call`, the code the result depends on (:func:`science_digest`:
the models, the core modules and the modules of the function and of its record), so changing a
parameter or that code recomputes, while editing a page's prose, tables or figures does not. The
folder is ``$CRIT_CACHE_DIR`` when set, else ``.cache/`` in the current working directory. A heavy
figure can thus be computed on a GPU machine as plain Python, its ``.cache/`` folder brought back,
and the book rendered from it on a laptop.

Beside every record it computes, :func:`cached_call` notes the run (:func:`run_info`: the device in
words, the wall time, the date, the commit and the code hash) in a small JSON file, which
``python -m crit publish`` copies into the provenance of a published result. Inside
:func:`read_only`, nothing is computed: a missing record raises :class:`NotCached` (publishing
reads the cache this way). :func:`touched` lists every record a block read or computed, with its
parameters (a chapter's whole results are published as those records, :mod:`crit.book.replay`), and
inside :func:`overlay` a record missing here is looked up in another store, e.g. those published
records, by its parameters less its code hash.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Callable, TypeVar

import crit
from crit.records import Record, plain

__all__ = ["RUNTIME_ARGUMENTS", "Entry", "NotCached", "cache_dir", "science_digest", "key", "free_key", "cached",
           "cached_call", "read_only", "touched", "overlay", "run_info"]

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


#: Core files that compute nothing: the command line. Editing them recomputes no result.
_NOT_SCIENCE = {"__main__.py"}


@functools.lru_cache(maxsize=None)
def science_digest(*modules: str) -> str:
    """A hash of the sources a cached result depends on: the models (``crit/models``), the core
    modules (``crit/*.py``, but not the command line ``crit/__main__.py``) and the given modules with
    every ``crit`` module they use, transitively (e.g. the analysis module of a cached function and of
    its record, and what they import), so that a result is recomputed when the code that made it
    changes.

    Parameters
    ----------
    *modules : str
        Dotted names of ``crit`` modules (others, e.g. ``numpy``, are ignored).
    """
    root = Path(crit.__file__).parent
    files = {p for p in root.glob("*.py") if p.name not in _NOT_SCIENCE} | set((root / "models").rglob("*.py"))
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


def free_key(kind: str, params: dict) -> str:
    """:func:`key` of ``params`` less their code hash (``"code"``): the same computation by other code."""
    return key(kind, {k: v for k, v in params.items() if k != "code"})


@dataclasses.dataclass(frozen=True)
class Entry:
    """A record that a :func:`touched` block read or computed.

    Attributes
    ----------
    path : Path
        Its file in the cache (or, for a record served by an :func:`overlay`, None).
    kind : str
        Its record class name.
    params : dict
        The parameters of its key (with ``"code"``, the code hash, where :func:`cached_call` made it).
    modules : tuple of str
        The modules whose code the hash covers (``()`` when the key has none).
    """

    path: Path | None
    kind: str
    params: dict
    modules: tuple = ()


class NotCached(LookupError):
    """Raised inside :func:`read_only` for a record that is not in the cache."""


_READ_ONLY: list = []  # one list per open read_only() block: the paths it read
_TOUCHED: list = []  # one list per open touched() block: the Entry of each record it read or computed
_OVERLAYS: list = []  # open overlay() stores, innermost last


@contextlib.contextmanager
def read_only():
    """Within this block the cache computes nothing: a missing record raises :class:`NotCached`.

    Yields the list of the paths of the records read inside the block, in order (to find the notes
    of their runs, :func:`run_info`).

    Examples
    --------
    >>> import tempfile, os
    >>> from crit.models.exact_models import ExactAvalanches, galton_watson
    >>> os.environ["CRIT_CACHE_DIR"] = tempfile.mkdtemp()
    >>> with read_only():
    ...     cached_call(ExactAvalanches, galton_watson, n_trees=10, rng=0)
    Traceback (most recent call last):
    crit.book.cache.NotCached: ExactAvalanches of crit.models.exact_models.galton_watson is not in the cache
    >>> del os.environ["CRIT_CACHE_DIR"]
    """
    reads: list = []
    _READ_ONLY.append(reads)
    try:
        yield reads
    finally:
        _READ_ONLY.pop()


@contextlib.contextmanager
def touched():
    """Yield a list that gets an :class:`Entry` for every record read or computed inside the block."""
    entries: list = []
    _TOUCHED.append(entries)
    try:
        yield entries
    finally:
        _TOUCHED.pop()


@contextlib.contextmanager
def overlay(store):
    """Within this block a record missing from the cache is asked of ``store`` before it is computed.

    ``store.get(cls, params)`` returns the ``cls`` record for ``params`` or None;
    what it returns is not written to the cache (its code may be older than the cache's key says).
    """
    _OVERLAYS.append(store)
    try:
        yield store
    finally:
        _OVERLAYS.remove(store)


def _note(entry: Entry) -> None:
    for entries in _TOUCHED:
        entries.append(entry)


def _run_path(path: Path) -> Path:
    return path.with_name(path.stem + ".run.json")


def run_info(path) -> dict:
    """What was noted of the run that computed the cached record at ``path`` (``{}`` when nothing was).

    Keys: ``device`` (in words), ``seconds`` (wall time), ``date`` (UTC), ``commit``, ``code`` (the
    code hash of its key) and ``versions``.
    """
    try:
        return json.loads(_run_path(Path(path)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@functools.lru_cache(maxsize=4)
def _device_words(device: str) -> str:
    from crit.book.published import _device_name

    if device in ("auto", "None"):
        from crit.models.avalanches import resolve_device

        device = str(resolve_device("auto"))
    try:
        return _device_name(device)
    except (RuntimeError, ValueError, TypeError):
        return str(device)


@functools.lru_cache(maxsize=1)
def _commit() -> str:
    from crit.book._build_state import git_commit

    return git_commit(Path(crit.__file__).resolve().parents[1])


def cached(cls: type[R], params: dict, compute: Callable[[], R], *, refresh: bool = False,
           run: dict | None = None, modules: tuple = ()) -> R:
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
    run : dict, optional
        Noted beside a computed record (:func:`run_info`), with its wall time and date added.
    modules : tuple of str
        The modules whose code hash ``params["code"]`` is (noted in :func:`touched` blocks).
    """
    path = cache_dir() / f"{cls.__name__}-{key(cls.__name__, params)}.npz"
    if path.exists() and not refresh:
        try:
            result = cls.load(path)
        except Exception:  # an unreadable or outdated file is recomputed, not trusted
            path.unlink(missing_ok=True)
        else:
            for reads in _READ_ONLY:
                reads.append(path)
            _note(Entry(path, cls.__name__, params, modules))
            return result
    if not refresh:
        for store in reversed(_OVERLAYS):
            result = store.get(cls, params)
            if result is not None:
                _note(Entry(None, cls.__name__, params, modules))
                return result
    if _READ_ONLY:
        raise NotCached(f"{cls.__name__} of {params.get('function', 'this computation')} is not in the cache")
    started = time.perf_counter()
    result = compute()
    seconds = time.perf_counter() - started
    if not isinstance(result, cls):
        raise TypeError(f"compute() returned {type(result).__name__}, expected {cls.__name__}")
    result.save(path)
    if run is not None:
        from crit.records import atomic_write_text

        note = {**run, "seconds": round(seconds, 2),
                "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
        atomic_write_text(_run_path(path), json.dumps(note, indent=1, sort_keys=True, default=str) + "\n")
    _note(Entry(path, cls.__name__, params, modules))
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
    modules = (function.__module__, cls.__module__)
    params = {"function": f"{function.__module__}.{function.__qualname__}", "code": science_digest(*modules)}
    params.update({k: plain(v) for k, v in arguments.items() if k not in RUNTIME_ARGUMENTS})
    from crit.records import provenance

    run = {"code": params["code"], "commit": _commit(), "versions": provenance(),
           "device": _device_words(str(arguments.get("device") or "cpu"))}
    return cached(cls, params, lambda: function(**arguments), run=run, modules=modules)
