"""The heavy steps of every chapter, run as plain Python into the results cache.

``python -m crit compute --profile paper --device cuda`` runs what the notebooks would compute and
stores it in ``.cache/`` (or ``$CRIT_CACHE_DIR``), with the same keys the notebooks use. This needs
neither Jupyter nor papermill, so it runs on a bare GPU machine; bring the cache folder back and
``make book PROFILE=paper`` renders the book from it here. The keys leave the device out on
purpose: a cache computed on a GPU serves a rebuild on a CPU.
"""

from __future__ import annotations

import time

from crit import _validate
from crit.models.avalanches import resolve_device

__all__ = ["CHAPTERS", "compute"]


def _phase_diagram(profile, seed, device):
    from crit.analysis import phases

    phases.phase_diagram(profile, seed=seed, device=device)


def _quasi_critical_scaling(profile, seed, device):
    from crit.analysis import quasicritical

    quasicritical.quasi_critical_scaling(profile, seed=seed, device=device)


def _learning(profile, seed, device):
    from crit.analysis import learning

    learning.experiment(profile, seed=seed, device=device)


def _universality(profile, seed, device):
    from crit.analysis import finite_size, shapes
    from crit.models import resnets

    finite_size.sweeps(profile, seed=seed, device=device)
    finite_size.sparse_sweep(profile, seed=seed)  # NumPy, event-driven: the CPU is the right device
    finite_size.branching_sweep(profile, seed=seed)
    resnets.sweep(profile, seed=seed, device=device)
    shapes.shape_runs(profile, seed=seed, device=device)
    finite_size.susceptibility_scans(profile, seed=seed, device=device)


#: Chapter name (as in book/_toc.yml) → the function that fills its part of the cache.
CHAPTERS = {
    "phase_diagram": _phase_diagram,
    "quasi_critical_scaling": _quasi_critical_scaling,
    "susceptibility_predicts_learning": _learning,
    "universality_classes": _universality,
}


def compute(names=None, *, profile="ci", seed=0, device="auto", log=print) -> dict:
    """Fill the results cache for the chapters ``names`` (all by default).

    Parameters
    ----------
    names : list of str, optional
        Chapters from :data:`CHAPTERS`.
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
    names = list(CHAPTERS) if not names else list(names)
    for name in names:
        _validate.choice("chapter", name, tuple(CHAPTERS))
    _validate.choice("profile", profile, ("ci", "paper"))
    seed = _validate.integer("seed", seed, minimum=0)
    dev = resolve_device(device)
    timings = {}
    for name in names:
        start = time.perf_counter()
        log(f"compute {name} (profile {profile}, device {dev}) ...")
        CHAPTERS[name](profile, seed, dev)
        timings[name] = time.perf_counter() - start
        log(f"compute {name}: {timings[name]:.1f} s")
    return timings
