"""Published results (crit.book.published, python -m crit publish) and how the build picks them."""

from __future__ import annotations

import json
import math

import pytest

from crit import chapters
from crit.__main__ import main
from crit.book import _sources, cache, compute, published
from crit.book.cache import cached_call
from crit.models.exact_models import ExactAvalanches, galton_watson

CHAPTER = "quasi_critical_scaling"


def _trees(profile, *, seed=0, device="cpu", progress=False):
    return cached_call(ExactAvalanches, galton_watson, n_trees=50, rng=seed)


PART = published.Part("point", "the trees", ExactAvalanches, _trees, ("crit.models.exact_models",))


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder, its own results cache, and the chapter's one part replaced by a quick one."""
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(chapters.load(CHAPTER), "PARTS", (PART,))
    return tmp_path


def test_publish_reads_the_cache_only_and_round_trips_with_its_provenance(project):
    log = []
    assert compute.publish([CHAPTER], root=project, log=log.append) == []  # nothing computed yet: nothing published
    assert any("not in the cache" in m and "--part point" in m for m in log)
    assert not (project / "results" / "paper" / CHAPTER / "point.json").exists()

    record = _trees("paper", seed=0, device="cpu")  # computed: the cache notes the run beside it
    done = compute.publish([CHAPTER], root=project, log=log.append)
    assert [p.part for p in done] == ["point"]
    folder = project / "results" / "paper" / CHAPTER
    assert sorted(p.name for p in folder.iterdir()) == ["point.json", "point.npz"]  # no temporary file left
    back, provenance = published.load(project / "results" / "paper", CHAPTER, PART)
    assert (back.sizes == record.sizes).all()
    assert provenance == done[0] and provenance.profile == "paper" and provenance.seed == 0
    assert provenance.device.startswith("cpu: ") and math.isfinite(provenance.wall_time_s)
    assert provenance.code == PART.code() and provenance.stale() == ""
    assert provenance.settings == json.loads(json.dumps(provenance.settings))  # plain JSON
    assert provenance.settings["width"] == 500  # the chapter's paper profile
    assert published.provenances(project) == {CHAPTER: [provenance]}
    assert published.chapter_digest(CHAPTER, project) != ""


def test_a_broken_publication_is_an_error_not_a_silent_recompute(project):
    _trees("paper")
    compute.publish([CHAPTER], root=project, log=lambda *_: None)
    npz = project / "results" / "paper" / CHAPTER / "point.npz"
    npz.write_bytes(npz.read_bytes()[:-10])
    with pytest.raises(ValueError, match="sha256"):
        published.load(project / "results" / "paper", CHAPTER, PART)


def test_a_code_change_since_publication_is_reported_not_served_as_current(project):
    _trees("paper")
    provenance = compute.publish([CHAPTER], root=project, log=lambda *_: None)[0]
    why = provenance.stale(current="0123456789abcdef")
    assert "earlier version" in why and provenance.code in why and "0123456789abcdef" in why
    source = published.Source("the trees", "paper", provenance, why)
    assert "earlier version" in source.sentence() and provenance.device in source.sentence()
    assert published.Source("the rest", "ci").sentence() == "the rest: the `ci` profile, computed in this build"


def test_the_size_limit_is_enforced(project, monkeypatch):
    _trees("paper")
    monkeypatch.setattr(published, "MAX_BYTES", 10)
    with pytest.raises(ValueError, match="more than"):
        compute.publish([CHAPTER], root=project, log=lambda *_: None)


def test_read_only_raises_and_lists_what_it_read(project):
    with pytest.raises(cache.NotCached), cache.read_only():
        _trees("paper", seed=7)
    _trees("paper", seed=7)
    with cache.read_only() as reads:
        _trees("paper", seed=7)
    assert len(reads) == 1 and cache.run_info(reads[0])["seconds"] >= 0


@pytest.mark.parametrize("argv, message", [
    (["publish", "--profile", "ci"], "only the 'paper' profile is published"),
    (["publish", "--only", "nope"], "chapter must be one of"),
    (["compute", "--only", "phase_diagram", "--part", "point"], "has no part 'point'"),
    (["compute", "--only", "nope"], "chapter must be one of"),
])
def test_bad_input_gets_a_clear_error(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_the_book_refuses_an_unknown_profile(capsys):
    with pytest.raises(SystemExit):
        main(["book", "--profile", "huge"])
    assert "invalid choice" in capsys.readouterr().err


def test_the_build_picks_published_results_and_falls_back_to_ci(project):
    base = {"DEVICE": "cpu"}
    takes = {"PROFILE": "ci", "SEED": 0, "DEVICE": "auto", "PUBLISHED": ""}
    # nothing published: ci, with a note under the title
    plan = _sources.plan(CHAPTER, profile="published", base=base, defaults=takes, root=project)
    assert plan.parameters == {"PROFILE": "ci", "DEVICE": "cpu"} and "no paper-scale results" in plan.note
    _trees("paper")
    compute.publish([CHAPTER], root=project, log=lambda *_: None)
    plan = _sources.plan(CHAPTER, profile="published", base=base, defaults=takes, root=project)
    assert plan.parameters == {"PROFILE": "ci", "DEVICE": "cpu", "PUBLISHED": "results/paper"}
    assert plan.note == "" and [p.part for p in plan.provenances] == ["point"]
    # a notebook that cannot read them falls back to ci, and says why
    old = _sources.plan(CHAPTER, profile="published", base=base, defaults={"PROFILE": "ci"}, root=project)
    assert "PUBLISHED" not in old.parameters and "does not read" in old.note
    # --profile ci recomputes: published results are not read
    ci = _sources.plan(CHAPTER, profile="ci", base=base, defaults=takes, root=project)
    assert ci.parameters == {"PROFILE": "ci", "DEVICE": "cpu"} and ci.note == ""


def test_the_sources_table_names_device_commit_and_code_change(project):
    from crit.book.build import NotebookRun

    _trees("paper")
    compute.publish([CHAPTER], root=project, log=lambda *_: None)
    plan = _sources.plan(CHAPTER, profile="published", base={}, defaults={"PUBLISHED": ""}, root=project)
    runs = [NotebookRun(CHAPTER, "ran", "", 12.0, {}, "2026-12-01 00:00 UTC", "abc"),
            NotebookRun("phase_diagram", "ran", "", 3.0, {}, "2026-12-01 00:00 UTC", "abc")]
    plans = {CHAPTER: plan, "phase_diagram": _sources.plan("phase_diagram", profile="published", base={},
                                                            defaults={}, root=project)}
    table = _sources.sources_table(runs, plans, device="cpu", commit="abc")
    rows = table.splitlines()
    assert any("point: published" in r and plan.provenances[0].code in r and "| no |" in r for r in rows)
    assert any("everything else: computed in this build, `ci` profile" in r for r in rows)
    assert any("phase_diagram" in r and "every number: computed in this build, `ci` profile" in r for r in rows)


def test_a_note_goes_under_the_title():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nText."), nbformat.v4.new_code_cell("x = 1")]
    _sources.insert_note(nb, "NOTE")
    assert nb.cells[0].source == "# Title\n\nNOTE\n\nText."


def test_nbval_computes_the_notebooks_never_reading_published_results(tmp_path):
    """The notebooks' default reads nothing published, and nbval's conversion passes only SEED."""
    from crit.book import build as book

    written = book.convert_all(book.REPO_ROOT / "notebooks", tmp_path, parameters={"SEED": 1})
    for path in written:
        nb = nbformat_read(path)
        defaults = book.parameter_defaults(nb)
        assert defaults.get("PROFILE") == "ci" and defaults.get("PUBLISHED", "") == ""
        assert "PUBLISHED" not in "".join(c.source for c in nb.cells if "injected-parameters" in
                                          c.metadata.get("tags", []))


def nbformat_read(path):
    import nbformat

    return nbformat.read(path, as_version=4)


def test_the_committed_results_are_whole_and_of_their_parts():
    """Every file under the repository's results/paper/ reads back as the record its chapter part names."""
    from crit.book.build import REPO_ROOT

    found = published.provenances(REPO_ROOT)
    for name, provenances in found.items():
        parts = {p.name: p for p in published.chapter_parts(name)}
        for provenance in provenances:
            assert provenance.part in parts, f"{name}/{provenance.part} is no longer a part of its chapter"
            part = parts[provenance.part]
            record, again = published.load(published.results_dir(REPO_ROOT), name, part)
            assert isinstance(record, part.record) and again.sha256 == provenance.sha256
            assert provenance.profile == published.PUBLISHED_PROFILE and provenance.seed == 0
            assert provenance.device != "not recorded" and provenance.commit
    assert published.total_bytes(REPO_ROOT) <= published.MAX_BYTES


@pytest.mark.parametrize("threads, words", [(1, "1 thread"), (2, "2 threads")])
def test_a_cpu_device_names_its_threads_in_words(threads, words):
    import torch

    saved = torch.get_num_threads()
    try:
        torch.set_num_threads(threads)
        name = published._device_name("cpu")
    finally:
        torch.set_num_threads(saved)
    assert name.startswith("cpu: ") and name.endswith(f", {words}")
