"""The heavy steps of every chapter, run as plain Python into the results cache, and their publication.

``python -m crit compute --profile paper --device cuda`` calls each chapter's
``compute(profile, seed=..., device=...)`` (:mod:`crit.chapters`), which fills ``.cache/`` (or
``$CRIT_CACHE_DIR``) with the same keys the notebooks use. This needs neither Jupyter nor
papermill, so it runs on a bare GPU machine; the network bootstraps use every core
(:func:`bootstrap_workers`). The keys leave the device out on purpose: a cache
computed on a GPU serves a rebuild on a CPU. ``--part NAME`` computes only that publishable part of
a chapter (its ``PARTS``, :class:`crit.book.published.Part`), e.g. the critical point of the
quasi-critical chapter, the authors' run, which fits a CPU.

``python -m crit publish`` (:func:`publish`) then copies what was computed at the paper profile
from the cache into ``results/paper/`` with its provenance, computing nothing; ``make book``
renders from there.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from crit import _validate, chapters
from crit.analysis import resampling
from crit.book import cache, published, replay
from crit.chapters.settings import PROFILE_NAMES
from crit.models.avalanches import resolve_device

__all__ = ["bootstrap_workers", "compute", "publish", "select_parts"]


def select_parts(name: str, parts=None) -> tuple[published.Part, ...]:
    """The publishable parts of chapter ``name``, restricted to the names in ``parts`` (all by default).

    Raises ``ValueError`` for an unknown chapter or part (the message lists the valid ones).
    """
    available = published.chapter_parts(name)
    if not parts:
        return available
    names = [p.name for p in available]
    unknown = [p for p in parts if p not in names]
    if unknown:
        raise ValueError(f"chapter {name!r} has no part {', '.join(map(repr, unknown))}; "
                         f"its publishable parts: {', '.join(names) or '(none)'}")
    return tuple(p for p in available if p.name in parts)


@contextlib.contextmanager
def bootstrap_workers(n=None):
    """Let the network bootstraps use ``n`` processes (default: every core) unless ``$CRIT_WORKERS``
    already says how many (:func:`crit.analysis.resampling.workers`); restored on exit."""
    if os.environ.get(resampling.WORKERS_ENV, "").strip():
        yield resampling.workers()
        return
    n = (os.cpu_count() or 1) if n is None else _validate.integer("n", n, minimum=1)
    os.environ[resampling.WORKERS_ENV] = str(n)
    try:
        yield n
    finally:
        os.environ.pop(resampling.WORKERS_ENV, None)


def compute(names=None, *, profile="ci", seed=0, device="auto", parts=None, log=print) -> dict:
    """Fill the results cache for the chapters ``names`` (all by default).

    Parameters
    ----------
    names : list of str, optional
        Chapters of :func:`crit.chapters.names`.
    profile : {"ci", "paper"}
    seed : int
        The notebooks' ``SEED`` (0 by default, as in every notebook).
    device : str
        "auto", "cpu" or "cuda".
    parts : list of str, optional
        Compute only these publishable parts of each chapter (:func:`select_parts`) instead of the
        whole chapter.

    Returns
    -------
    dict
        Seconds spent per chapter (or per ``chapter/part``); a result already in the cache takes next to none.
    """
    names = list(chapters.names()) if not names else list(names)
    modules = [chapters.load(name) for name in names]
    _validate.choice("profile", profile, PROFILE_NAMES)
    seed = _validate.integer("seed", seed, minimum=0)
    chosen = {name: select_parts(name, parts) for name in names} if parts else {}
    dev = resolve_device(device)
    timings = {}
    with bootstrap_workers() as n_workers:
        for name, module in zip(names, modules):
            jobs = [(f"{name}/{p.name}", p.compute) for p in chosen[name]] if parts else [(name, module.compute)]
            for label, run in jobs:
                start = time.perf_counter()
                log(f"compute {label} (profile {profile}, device {dev}, {n_workers} bootstrap processes) ...")
                run(profile, seed=seed, device=dev)
                timings[label] = time.perf_counter() - start
                log(f"compute {label}: {timings[label]:.1f} s")
    return timings


def publish(names=None, *, profile=published.PUBLISHED_PROFILE, seed=0, root=None, log=print) -> list:
    """Publish the parts of the chapters ``names`` (all by default) that the cache holds, computing nothing.

    Each part's record goes to ``results/<profile>/<chapter>/<part>.npz`` with its
    :class:`~crit.book.published.Provenance` beside it (the device, wall time and commit noted by the
    cache when it was computed), atomically. Parts not in the cache are named, with the command
    that computes them, and left as they are.

    Parameters
    ----------
    names : list of str, optional
        Chapters of :func:`crit.chapters.names`.
    profile : str
        Only :data:`crit.book.published.PUBLISHED_PROFILE` ("paper") is published.
    seed : int
        The notebooks' ``SEED``.
    root : path, optional
        The project folder (default: the one :func:`crit.book.build.find_root` finds).

    Returns
    -------
    list of Provenance
        What was published.

    Raises
    ------
    ValueError
        For an unknown chapter or profile, or when the published results would exceed
        :data:`crit.book.published.MAX_BYTES` (a whole chapter that would is not written, the
        others are, and the message names its records by kind and size).
    """
    from crit.book.build import find_root, git_commit

    root = Path(root) if root is not None else find_root()
    names = list(chapters.names()) if not names else list(names)
    modules = {name: chapters.load(name) for name in names}
    published.results_dir(root, profile)  # checks the profile
    seed = _validate.integer("seed", seed, minimum=0)
    commit = git_commit(root)
    done, refused = [], []
    for name in names:
        parts = published.chapter_parts(name)
        if not parts:
            log(f"publish {name}: nothing to publish (crit.chapters.{name} defines no PARTS)")
            continue
        settings = modules[name].PROFILES[profile]
        for part in parts:
            try:
                with cache.read_only() as reads:
                    record = part.compute(profile, seed=seed, device="cpu")
            except cache.NotCached:
                log(f"publish {name}/{part.name}: not in the cache; compute it first with "
                    f"`python -m crit compute --profile {profile} --only {name} --part {part.name}`")
                continue
            if isinstance(record, replay.CacheBundle):  # a whole chapter: the runs of all its records
                folder = published.results_dir(root, profile) / name
                before = sum(f.stat().st_size for f in folder.glob(f"{part.name}.*") if f.is_file())
                if published.total_bytes(root, profile) - before + record.blob.nbytes > published.MAX_BYTES:
                    kinds = ", ".join(f"{n} {k} ({b / 1e6:.1f} MB)" for k, (n, b) in record.sizes().items())
                    refused.append(f"{name}/{part.name}: {record.blob.nbytes / 1e6:.1f} MB of {kinds}")
                    log(f"publish {name}/{part.name}: refused, it would pass the limit: {refused[-1]}")
                    continue
                run = record.run_summary()
            else:
                path = next((p for p in reversed(reads) if p.name.startswith(type(record).__name__ + "-")), None)
                run = cache.run_info(path) if path else {}
            provenance = published.publish_record(record, chapter=name, part=part, profile=profile, seed=seed,
                                                  settings=settings, run=run, commit=commit, root=root)
            done.append(provenance)
            log(f"publish {name}/{part.name}: {provenance.size_bytes / 1e6:.2f} MB, {provenance.summary()}")
    total = published.total_bytes(root, profile)
    log(f"results/{profile}: {total / 1e6:.2f} MB in all (at most {published.MAX_BYTES / 1e6:.0f} MB)")
    if total > published.MAX_BYTES:
        raise ValueError(f"the published results take {total / 1e6:.1f} MB, more than the "
                         f"{published.MAX_BYTES / 1e6:.0f} MB allowed; publish compact records only")
    if refused:
        raise ValueError(f"not published, as the results would pass {published.MAX_BYTES / 1e6:.0f} MB: "
                         f"{'; '.join(refused)}. A chapter published whole must cache compact records "
                         "(analysis results, not raw avalanches)")
    return done

