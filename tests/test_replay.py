"""A chapter published whole (crit.book.replay): its cache records packed, and the page replayed from them."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from crit import chapters
from crit.book import _sources, cache, compute, published, replay
from crit.book.cache import cached_call
from crit.chapters.settings import Profiles
from crit.models.exact_models import ExactAvalanches, galton_watson

CHAPTER = "phase_diagram"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with its own cache, and chapter 1's paper profile made small enough for a test."""
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path / "cache"))
    module = chapters.load(CHAPTER)
    ci = module.PROFILES["ci"]
    small = dataclasses.replace(ci, widths=(8, 16), n_inputs=200, inputs_per_network=20, refine_rounds=2,
                                depth_width=8, depth_ratios=(1.0, 2.0), map_width=8, map_drives=(0.0, 1.0),
                                map_n_inputs=200, authors_run=True)
    monkeypatch.setattr(module, "PROFILES", Profiles(ci=ci, paper=small))
    monkeypatch.setattr(module, "_AUTHORS_SCAN", {**module._AUTHORS_SCAN, "width": 8, "depth": 16, "n_inputs": 200,
                                                  "inputs_per_network": 20})
    return tmp_path


def _publish_whole(root, seed=3):
    chapter = chapters.load(CHAPTER)
    direct = chapter.compute("paper", seed=seed, device="cpu")
    done = compute.publish([CHAPTER], seed=seed, root=root, log=lambda *_: None)
    return chapter, direct, {p.part: p for p in done}


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        all((x == y) or (math.isnan(x) and math.isnan(y)) for x, y in zip(a[k], b[k], strict=True)) for k in a)


def test_a_chapter_published_whole_is_replayed_without_simulating(project, monkeypatch):
    chapter, direct, done = _publish_whole(project)
    assert set(done) == {"authors", "chapter"}
    provenance = done["chapter"]
    assert provenance.record == "CacheBundle" and provenance.profile == "paper" and provenance.seed == 3
    assert provenance.device.startswith("cpu: ") and provenance.wall_time_s >= 0 and provenance.stale() == ""
    assert "crit.analysis.phases" in provenance.modules

    empty = project / "empty-cache"
    monkeypatch.setenv("CRIT_CACHE_DIR", str(empty))
    folder = project / "results" / "paper"
    back = chapter.compute("ci", seed=3, device="cpu", published=folder)  # the page asks at ci: replayed at paper
    assert back.settings == chapter.PROFILES["paper"]
    assert _same(chapter.headline(back), chapter.headline(direct))
    assert np.array_equal(back.sweeps[16].ended_mean_size()[0], direct.sweeps[16].ended_mean_size()[0])
    assert not empty.exists()  # served from the bundle: nothing simulated, nothing written
    [source] = back.sources
    assert source.provenance == provenance and "read from the published results" in source.sentence()

    # the build gives the notebook PUBLISHED, and the reproducibility page names the bundle (the authors' scan
    # is in it), current
    plan = _sources.plan(CHAPTER, profile="published", base={}, defaults={"PUBLISHED": ""}, root=project)
    assert plan.parameters["PUBLISHED"] == "results/paper" and [p.part for p in plan.provenances] == ["chapter"]
    from crit.book.build import NotebookRun

    table = _sources.sources_table([NotebookRun(CHAPTER, "ran", "", 1.0, {}, "now", "abc")], {CHAPTER: plan},
                                   device="cpu", commit="abc")
    rows = [r for r in table.splitlines() if CHAPTER in r]
    assert len(rows) == 1 and "chapter: published" in rows[0] and provenance.code in rows[0] and "| no |" in rows[0]


def test_another_seed_or_nothing_published_computes_the_page(project):
    chapter, _, _ = _publish_whole(project, seed=3)
    folder = project / "results" / "paper"
    assert replay.read(folder, CHAPTER, chapter.compute, seed=4) is None
    assert replay.read(project / "nothing", CHAPTER, chapter.compute, seed=3) is None
    other = chapter.compute("ci", seed=4, device="cpu", published=folder)
    assert other.settings == chapter.PROFILES["ci"] and other.sources == ()


def test_a_code_change_keeps_the_bundle_and_the_page_says_so(project, monkeypatch):
    chapter, direct, done = _publish_whole(project)
    changed = "0123456789abcdef"
    monkeypatch.setattr(cache, "science_digest", lambda *modules: changed)  # every cache key changes
    monkeypatch.setattr(published, "science_digest", lambda *modules: changed)
    back = chapter.compute("ci", seed=3, device="cpu", published=project / "results" / "paper")
    assert back.settings.profile == "paper" and _same(chapter.headline(back), chapter.headline(direct))
    [source] = back.sources
    assert "earlier version" in source.stale and done["chapter"].code in source.stale and changed in source.stale
    assert "earlier version" in source.sentence()


def test_a_bundle_that_lacks_a_record_is_not_used_and_a_warning_says_why(project, monkeypatch):
    chapter, _, _ = _publish_whole(project)
    bigger = dataclasses.replace(chapter.PROFILES["paper"], n_inputs=400)  # the code asks for other scans now
    monkeypatch.setattr(chapter, "PROFILES", Profiles(ci=chapter.PROFILES["ci"], paper=bigger))
    small_ci = dataclasses.replace(bigger, widths=(8,), refine_rounds=1, depth_ratios=(1.0,), map_drives=(0.0,))
    with pytest.warns(UserWarning, match="lack a result .* not used"):
        back = chapter.compute(small_ci, seed=3, device="cpu", published=project / "results" / "paper")
    assert back.settings == small_ci  # computed, with the published authors' scan, which still fits
    assert [source.title for source in back.sources] == ["the authors' susceptibility scan", "everything else"]


def test_the_bundle_holds_each_record_once_and_sums_its_runs(project):
    with cache.touched() as entries:
        a = cached_call(ExactAvalanches, galton_watson, n_trees=30, rng=1)
        cached_call(ExactAvalanches, galton_watson, n_trees=30, rng=1)  # read back: the same record
        cached_call(ExactAvalanches, galton_watson, n_trees=40, rng=1)
    assert len(entries) == 3 and entries[1].path == entries[0].path
    bundle = replay.CacheBundle.of(entries)
    assert len(bundle) == 2 and bundle.kinds == ("ExactAvalanches",) * 2
    assert bundle.payload(0) == entries[0].path.read_bytes()
    again = replay.CacheBundle.load(bundle.save(project / "bundle.npz"))
    assert again.keys == bundle.keys and np.array_equal(again.blob, bundle.blob)
    run = bundle.run_summary()
    assert run["seconds"] == pytest.approx(sum(cache.run_info(e.path)["seconds"] for e in entries[::2]))
    assert run["modules"] == ("crit.models.exact_models",) and run["code"] == bundle.code()

    with bundle.served() as store, cache.read_only():  # the cache is bypassed: its file is gone
        entries[0].path.unlink()
        served = cached_call(ExactAvalanches, galton_watson, n_trees=30, rng=1)
        with pytest.raises(cache.NotCached):
            cached_call(ExactAvalanches, galton_watson, n_trees=50, rng=1)
    assert np.array_equal(served.sizes, a.sizes) and store.used == 1 and store.older == 0
    assert not entries[0].path.exists()  # what a bundle serves is not written into the cache

    with cache.touched() as served_entries, bundle.served():
        cached_call(ExactAvalanches, galton_watson, n_trees=30, rng=1)
    with pytest.raises(ValueError, match="holds only records computed by this code"):
        replay.CacheBundle.of(served_entries)


def test_a_whole_chapter_past_the_size_limit_is_refused_before_writing(project, monkeypatch):
    chapter = chapters.load(CHAPTER)
    chapter.compute("paper", seed=3, device="cpu")
    monkeypatch.setattr(published, "MAX_BYTES", 30_000)  # the authors' scan fits, the whole page does not
    log = []
    with pytest.raises(ValueError, match=r"phase_diagram/chapter: .* MB of \d+ PhaseScan"):
        compute.publish([CHAPTER], seed=3, root=project, log=log.append)
    folder = project / "results" / "paper" / CHAPTER
    assert sorted(p.name for p in folder.iterdir()) == ["authors.json", "authors.npz"]
    assert any("refused" in m for m in log)


def test_outside_git_the_commit_is_the_one_the_sender_named(tmp_path, monkeypatch):
    from crit.book._build_state import git_commit

    monkeypatch.delenv("CRIT_COMMIT", raising=False)
    assert git_commit(tmp_path) == ""
    monkeypatch.setenv("CRIT_COMMIT", "abc123def456")
    assert git_commit(tmp_path) == "abc123def456"
