"""A chapter's whole results, published as the cache records its computation reads, and replayed.

A chapter's page is an analysis (fits, bootstraps, collapses, verdicts) of cached simulations. To
publish every number of a chapter at the paper profile, :func:`chapter_part` makes one more
publishable part of it (:class:`~crit.book.published.Part` ``"chapter"``): the chapter's
``compute(profile, seed=...)`` is run with the cache watching (:func:`crit.book.cache.touched`), and
every record it read or computed is packed into one :class:`CacheBundle`, with the note of the run
that made each (device, wall time, commit). Rendering replays the computation with the bundle as an
overlay of the cache (:func:`read`): the analysis runs again on a CPU, every simulation is read from
the bundle and nothing is simulated. A bundle record is found by its parameters less its code hash,
so a code change since publication does not discard it: the page then says the numbers come from an
earlier version of the code (:meth:`crit.book.published.Provenance.stale`). A bundle that lacks a
record the code asks for now is not used, and a warning says why.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crit.book import cache, published
from crit.records import Record

__all__ = ["PART_NAME", "TITLE", "CacheBundle", "chapter_part", "read"]

#: The name of the part that publishes a chapter whole, and its title on the page.
PART_NAME = "chapter"
TITLE = "every number on this page"


@dataclass(frozen=True)
class CacheBundle(Record):
    """Cache records, packed: the simulations behind every number of a chapter.

    Attributes
    ----------
    kinds : tuple of str
        The record class name of each record.
    keys : tuple of str
        Each record's :func:`~crit.book.cache.free_key` (its parameters less its code hash).
    codes : tuple of str
        The code hash each record was computed with ("" when its key has none).
    modules : tuple of str
        Every module the code hashes cover (sorted): :meth:`code` is their hash now.
    runs : tuple of dict
        What the cache noted of each record's run (:func:`~crit.book.cache.run_info`; ``{}`` when nothing).
    offsets : numpy.ndarray
        int64, ``len(kinds) + 1``: record ``i`` is ``blob[offsets[i]:offsets[i + 1]]``.
    blob : numpy.ndarray
        uint8: the records' ``.npz`` files, each compressed with zlib, end to end.
    """

    kinds: tuple
    keys: tuple
    codes: tuple
    modules: tuple
    runs: tuple
    offsets: np.ndarray
    blob: np.ndarray

    @classmethod
    def of(cls, entries) -> CacheBundle:
        """Pack the records of ``entries`` (:class:`~crit.book.cache.Entry`, from a ``touched()`` block).

        Each record once (the first entry of each key); entries served by an overlay (no file) are
        refused: a bundle holds only what this code computed.
        """
        seen, kinds, keys, codes, runs, payloads, modules = set(), [], [], [], [], [], set()
        for entry in entries:
            if entry.path is None:
                raise ValueError(f"a {entry.kind} was read from published results, not from the cache; a bundle "
                                 "holds only records computed by this code (compute the chapter first)")
            free = cache.free_key(entry.kind, entry.params)
            if free in seen:
                continue
            seen.add(free)
            kinds.append(entry.kind)
            keys.append(free)
            codes.append(str(entry.params.get("code", "")))
            runs.append(cache.run_info(entry.path))
            payloads.append(zlib.compress(Path(entry.path).read_bytes(), 6))
            modules.update(entry.modules)
        offsets = np.cumsum([0, *map(len, payloads)]).astype(np.int64)
        blob = np.frombuffer(b"".join(payloads), dtype=np.uint8).copy()
        return cls(kinds=tuple(kinds), keys=tuple(keys), codes=tuple(codes), modules=tuple(sorted(modules)),
                   runs=tuple(runs), offsets=offsets, blob=blob)

    def __len__(self) -> int:
        return len(self.kinds)

    def code(self) -> str:
        """The hash of the code of every record, as that code is now (:func:`~crit.book.cache.science_digest`)."""
        return cache.science_digest(*self.modules)

    def run_summary(self) -> dict:
        """The runs of the records as one: what :func:`crit.book.published.publish_record` takes as ``run``.

        ``device``: every device named (sorted, ``"; "``-joined); ``seconds``: the sum of the wall
        times noted; ``date``: the latest; ``commit``: the commits, joined; ``code`` and ``modules``:
        :meth:`code` and :attr:`modules`; ``versions``: those of the first record that noted any.
        """
        noted = [r for r in self.runs if r]

        def joined(name):
            return "; ".join(sorted({str(r[name]) for r in noted if r.get(name)}))

        summary = {"code": self.code(), "modules": self.modules}
        if noted:
            summary.update(device=joined("device") or "not recorded", date=max(r.get("date", "") for r in noted),
                           seconds=float(sum(float(r.get("seconds", 0.0)) for r in noted)),
                           commit=joined("commit"), versions=next((r["versions"] for r in noted if r.get("versions")),
                                                                  None))
        return {k: v for k, v in summary.items() if v not in (None, "")}

    def sizes(self) -> dict:
        """``{kind: (records, compressed bytes)}``, the largest first (what makes a bundle big)."""
        found: dict = {}
        for i, kind in enumerate(self.kinds):
            n, size = found.get(kind, (0, 0))
            found[kind] = (n + 1, size + int(self.offsets[i + 1] - self.offsets[i]))
        return dict(sorted(found.items(), key=lambda item: -item[1][1]))

    def payload(self, i: int) -> bytes:
        """The ``.npz`` bytes of record ``i``."""
        return zlib.decompress(self.blob[int(self.offsets[i]):int(self.offsets[i + 1])].tobytes())

    @contextlib.contextmanager
    def served(self):
        """Within this block, the cache serves a record it lacks from this bundle (by parameters less code).

        Yields the :class:`_Store`; its ``used`` counts the records served and ``older`` those among
        them computed by other code than the cache's key asks for now.
        """
        with tempfile.TemporaryDirectory(prefix="crit-bundle-") as folder:
            with cache.overlay(_Store(self, Path(folder))) as store:
                yield store


class _Store:
    """What :func:`crit.book.cache.overlay` asks: one bundle's records by kind and free key."""

    def __init__(self, bundle: CacheBundle, folder: Path):
        self.bundle, self.folder, self.used, self.older = bundle, folder, 0, 0
        self.index = {(k, f): i for i, (k, f) in enumerate(zip(bundle.kinds, bundle.keys, strict=True))}

    def get(self, cls: type, params: dict):
        kind = cls.__name__
        i = self.index.get((kind, cache.free_key(kind, params)))
        if i is None:
            return None
        # Record.load reads a file; each record goes through its own file in a private folder
        path = self.folder / f"{kind}-{i}.npz"
        path.write_bytes(self.bundle.payload(i))
        self.used += 1
        self.older += str(params.get("code", "")) != self.bundle.codes[i]
        return cls.load(path)


def chapter_part(name: str) -> published.Part:
    """The part that publishes chapter ``name`` whole: a :class:`CacheBundle` of its computation's records.

    Its ``compute(profile, *, seed, device, progress)`` runs ``crit.chapters.<name>.compute`` (from
    the cache, or computing what is missing) and packs every record it read or computed.
    """

    def compute(profile, *, seed=0, device="auto", progress=False) -> CacheBundle:
        from crit import chapters

        with cache.touched() as entries:
            chapters.load(name).compute(profile, seed=seed, device=device, progress=progress)
        return CacheBundle.of(entries)

    compute.__name__ = compute.__qualname__ = f"compute_{name}_whole"
    return published.Part(PART_NAME, TITLE, CacheBundle, compute, ())


def read(folder, name: str, compute, *, seed: int, device="auto", progress=False):
    """Chapter ``name``'s results replayed from its bundle published in ``folder``, or None.

    Parameters
    ----------
    folder : path
        Published results (``results/paper``).
    name : str
        The chapter.
    compute : callable
        The chapter's ``compute(profile, *, seed, device, progress)``; it runs at the bundle's profile
        in :func:`crit.book.cache.read_only`, every record it lacks served by the bundle.
    seed : int
        The page's ``SEED``: a bundle published with another seed is not used.
    device, progress
        Passed to ``compute``.

    Returns
    -------
    Results or None
        With ``sources`` naming the bundle (and whether its code is older than the chapter's now).
        None when nothing is published, the bundle has another seed, or it lacks a record this code
        asks for (then with a warning that names it).
    """
    part = chapter_part(name)
    found = published.load(folder, name, part)
    if found is None:
        return None
    bundle, provenance = found
    if provenance.seed != seed:
        return None
    try:
        with bundle.served(), cache.read_only():
            results = compute(provenance.profile, seed=seed, device=device, progress=progress)
    except cache.NotCached as missing:
        warnings.warn(f"the published results of chapter {name!r} ({folder}) lack a result that its code asks for "
                      f"now ({missing}); they are not used. Compute and publish the chapter again: `python -m crit "
                      f"compute --profile {provenance.profile} --only {name}`, then `python -m crit publish --only "
                      f"{name}`", stacklevel=2)
        return None
    return dataclasses.replace(results, sources=(published.Source.from_published(part, provenance),))

