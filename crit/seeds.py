"""Seeds of the individual runs of a computation, derived from its one seed by label.

A chapter, or a science function that makes many runs, takes one ``seed`` and gives each run
``sub_seed(seed, *label)``, where the label names the run (``"sweep", 64``). Labels make the
streams independent (:class:`numpy.random.SeedSequence` spawns them) and stable: adding a run
never changes another's seed, which hand-picked offsets (``seed + 1000 * k``) could not promise.
"""

from __future__ import annotations

import hashlib

import numpy as np

from crit import _validate

__all__ = ["sub_seed"]


def _label_words(label) -> list[int]:
    """32-bit words of a label (str, int or tuple of them): the same label always gives the same words."""
    if isinstance(label, bool) or not isinstance(label, (str, int, np.integer, tuple)):
        raise TypeError(f"a seed label must be a str, an int or a tuple of them, got {label!r}")
    if isinstance(label, tuple):
        return [w for part in label for w in _label_words(part)]
    digest = hashlib.sha256(repr(label if isinstance(label, str) else int(label)).encode()).digest()
    return [int.from_bytes(digest[:4], "little")]


def sub_seed(seed: int, *label) -> int:
    """A seed for the run named ``label``, derived from the chapter's ``seed``.

    Uses :class:`numpy.random.SeedSequence` with the label's hash as its spawn key, so runs with
    different labels get independent streams and adding a run never changes the others.

    Parameters
    ----------
    seed : int
        The notebook's ``SEED`` (>= 0).
    *label : str or int
        What the run is, e.g. ``("sweep", 64)`` for the sweep at width 64.

    Examples
    --------
    >>> sub_seed(0, "sweep", 64) == sub_seed(0, "sweep", 64) != sub_seed(0, "sweep", 128)
    True
    """
    seed = _validate.integer("seed", seed, minimum=0)
    if not label:
        raise ValueError("sub_seed needs a label naming the run, e.g. sub_seed(seed, 'sweep', width)")
    words = _label_words(tuple(label))
    return int(np.random.SeedSequence(seed, spawn_key=words).generate_state(1, dtype=np.uint32)[0])
