"""Frozen result records that save to and load from ``.npz`` files, atomically.

A result class is a frozen dataclass that inherits :class:`Record`. Array fields are stored as
arrays; nested records are stored under a ``field.`` prefix; everything else (numbers, strings,
tuples, dicts) goes into a JSON header. Writes go to a temporary file in the same folder and are
renamed into place, so a crash never leaves a half-written result behind.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import os
import platform
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

__all__ = ["Record", "atomic_write_bytes", "atomic_write_text", "params_of", "plain", "provenance"]

_REGISTRY: dict[str, type] = {}


def _jsonable(value):
    if isinstance(value, tuple):
        return {"__tuple__": [_jsonable(v) for v in value]}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _unjson(value):
    if isinstance(value, dict):
        if set(value) == {"__tuple__"}:
            return tuple(_unjson(v) for v in value["__tuple__"])
        return {k: _unjson(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unjson(v) for v in value]
    return value


class Record:
    """Mixin for frozen dataclasses of results: ``save(path)`` and ``Class.load(path)``."""

    _record_version: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.__name__] = cls

    def _flatten(self, prefix=""):
        arrays, meta = {}, {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            key = prefix + f.name
            if isinstance(value, Record):
                sub_arrays, sub_meta = value._flatten(key + ".")
                arrays.update(sub_arrays)
                meta[key] = {"__record__": type(value).__name__, "fields": sub_meta}
            elif isinstance(value, np.ndarray):
                arrays[key] = value
            elif value is None:
                meta[key] = None
            else:
                meta[key] = _jsonable(value)
        return arrays, meta

    @classmethod
    def _unflatten(cls, arrays, meta, prefix=""):
        kwargs = {}
        for f in dataclasses.fields(cls):
            key = prefix + f.name
            if key in arrays:
                kwargs[f.name] = arrays[key]
            elif key in meta:
                value = meta[key]
                if isinstance(value, dict) and "__record__" in value:
                    sub = _REGISTRY[value["__record__"]]
                    kwargs[f.name] = sub._unflatten(arrays, value["fields"], key + ".")
                else:
                    kwargs[f.name] = _unjson(value)
        return cls(**kwargs)

    def save(self, path) -> Path:
        """Write this record to ``path`` (``.npz``) atomically and return the path."""
        path = Path(path)
        arrays, meta = self._flatten()
        header = json.dumps({"class": type(self).__name__, "fields": meta})
        buffer = io.BytesIO()
        np.savez(buffer, __header__=np.array(header), **arrays)
        atomic_write_bytes(path, buffer.getvalue())
        return path

    @classmethod
    def load(cls, path):
        """Read a record written by :meth:`save`; the stored class must match ``cls``."""
        with np.load(Path(path), allow_pickle=False) as data:
            header = json.loads(str(data["__header__"]))
            arrays = {k: data[k] for k in data.files if k != "__header__"}
        if header["class"] != cls.__name__:
            raise ValueError(f"{path} holds a {header['class']}, not a {cls.__name__}")
        return cls._unflatten(arrays, header["fields"])


def atomic_write_bytes(path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def params_of(record: Any) -> dict:
    """The non-array fields of a record, as a plain dict (its parameters and provenance)."""
    return {
        f.name: getattr(record, f.name)
        for f in dataclasses.fields(record)
        if not isinstance(getattr(record, f.name), (np.ndarray, Record))
    }


def provenance() -> dict:
    """Versions of the software a result is computed with: crit, Python, torch, NumPy and SciPy.

    Every record of a simulation stores this dict, and the book's reproducibility page shows it.
    Read from the installed distributions once per process (reading them took ~4 ms, a large share of
    a small simulation), so nothing heavy is imported; a fresh copy is returned each time.
    """
    return dict(_versions())


@functools.lru_cache(maxsize=1)
def _versions() -> tuple:
    import crit

    found = {"crit": crit.__version__, "python": platform.python_version()}
    for dist in ("torch", "numpy", "scipy"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return tuple(found.items())


def plain(value):
    """``value`` as JSON-ready Python: arrays and tuples become lists, numpy scalars numbers, dataclasses
    dicts of their fields (recursively); anything else is returned as it is.

    Examples
    --------
    >>> plain({"w": np.arange(2), "n": np.int64(3), "t": (1.5, np.float32(2))})
    {'w': [0, 1], 'n': 3, 't': [1.5, 2.0]}
    """
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value
