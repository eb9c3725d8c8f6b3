"""The plain-Python compute entry point covers every chapter and fills the cache the notebooks read."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

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


def test_part_computes_only_that_part(monkeypatch):
    from crit.book import published

    chapter = chapters.load("quasi_critical_scaling")
    calls = []
    part = published.Part("point", "the point", object, lambda p, *, seed, device: calls.append((p, seed)), ())
    monkeypatch.setattr(chapter, "PARTS", (part,))
    monkeypatch.setattr(chapter, "compute", lambda *a, **k: pytest.fail("the whole chapter was computed"))
    timings = compute.compute(["quasi_critical_scaling"], profile="paper", seed=2, device="cpu", parts=["point"],
                              log=lambda *_: None)
    assert calls == [("paper", 2)] and set(timings) == {"quasi_critical_scaling/point"}
    with pytest.raises(ValueError, match="has no part 'nope'; its publishable parts: point"):
        compute.compute(["quasi_critical_scaling"], profile="paper", device="cpu", parts=["nope"])


def test_the_quasi_critical_chapter_publishes_its_critical_point():
    from crit.chapters import quasi_critical_scaling as chapter

    part, whole = chapter.PARTS
    assert part.name == "point" and part.compute is chapter.compute_point
    assert part.code() == cache_digest("crit.chapters._quasi_critical_scaling_point")
    assert whole.name == "chapter" and whole.record.__name__ == "CacheBundle"


def test_every_chapter_can_be_published_whole():
    for name in chapters.names():
        assert [p.name for p in chapters.load(name).PARTS][-1] == "chapter", name


def cache_digest(*modules):
    from crit.book.cache import science_digest

    return science_digest(*modules)


def test_compute_lets_the_bootstraps_use_every_core_unless_told(monkeypatch):
    import os

    from crit.analysis import resampling

    seen = []
    chapter = chapters.load("phase_diagram")
    monkeypatch.setattr(chapter, "compute", lambda p, *, seed, device: seen.append(resampling.workers()))
    monkeypatch.delenv(resampling.WORKERS_ENV, raising=False)
    compute.compute(["phase_diagram"], device="cpu", log=lambda *_: None)
    assert seen == [os.cpu_count() or 1] and resampling.WORKERS_ENV not in os.environ  # restored
    monkeypatch.setenv(resampling.WORKERS_ENV, "1")
    compute.compute(["phase_diagram"], device="cpu", log=lambda *_: None)
    assert seen[-1] == 1 and os.environ[resampling.WORKERS_ENV] == "1"


def test_the_gpu_job_script_computes_and_publishes_every_chapter():
    # benchmarks/gpu_paper_run.sh lists the chapters itself (cheapest first): a chapter added or renamed
    # in crit.chapters must not be left out of the one GPU job that publishes the paper profile
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu_paper_run.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    loop = re.search(r"^for name in (.+); do$", script.read_text(), re.MULTILINE)
    assert loop, "the script's loop over the chapters was not found"
    assert sorted(loop.group(1).split()) == sorted(chapters.names())
