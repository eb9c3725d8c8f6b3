"""The heavy steps of every chapter, run as plain Python into the results cache.

``python -m crit compute --profile paper --device cuda`` calls each chapter's
``compute(profile, seed=..., device=...)`` (:mod:`crit.chapters`), which fills ``.cache/`` (or
``$CRIT_CACHE_DIR``) with the same keys the notebooks use. This needs neither Jupyter nor
papermill, so it runs on a bare GPU machine; bring the cache folder back and
``make book PROFILE=paper`` renders the book from it here. The keys leave the device out on
purpose: a cache computed on a GPU serves a rebuild on a CPU.
"""

from __future__ import annotations

import time

from crit import _validate, chapters
from crit.chapters.settings import PROFILE_NAMES
from crit.models.avalanches import resolve_device

__all__ = ["compute"]


def compute(names=None, *, profile="ci", seed=0, device="auto", log=print) -> dict:
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

    Returns
    -------
    dict
        Seconds spent per chapter (a chapter already in the cache takes next to none).
    """
    names = list(chapters.names()) if not names else list(names)
    modules = [chapters.load(name) for name in names]
    _validate.choice("profile", profile, PROFILE_NAMES)
    seed = _validate.integer("seed", seed, minimum=0)
    dev = resolve_device(device)
    timings = {}
    for name, module in zip(names, modules):
        start = time.perf_counter()
        log(f"compute {name} (profile {profile}, device {dev}) ...")
        module.compute(profile, seed=seed, device=dev)
        timings[name] = time.perf_counter() - start
        log(f"compute {name}: {timings[name]:.1f} s")
    return timings
