"""The plain-Python compute entry point covers every chapter and fills the cache the notebooks read."""

from __future__ import annotations

import pytest

from crit import chapters
from crit.book import compute


def test_compute_fills_the_cache_that_the_chapter_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))
    calls = []
    chapter = chapters.load("phase_diagram")
    monkeypatch.setattr(chapter, "compute", lambda p, *, seed, device: calls.append((p, seed, device.type)))
    timings = compute.compute(["phase_diagram"], profile="paper", seed=3, device="cpu", log=lambda *_: None)
    assert calls == [("paper", 3, "cpu")] and set(timings) == {"phase_diagram"}


@pytest.mark.parametrize("kwargs, match", [
    (dict(names=["nope"]), "chapter"),
    (dict(profile="huge"), "profile"),
    (dict(device="tpu"), "device"),
    (dict(seed=-1), "seed"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        compute.compute(**kwargs)
