"""The book harness (crit.book.build, python -m crit) on tiny fixture notebooks in a temporary folder.

Each papermill execution of a fixture starts a kernel (a few seconds), so the executions are
counted: ten in all.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import nbformat
import pytest

from crit.__main__ import main
from crit.book import build as book

HEADER = '''\
# %% [markdown]
# # {title}
#
# Claim: this fixture {claim}.

# %% tags=["parameters"]
PROFILE = "ci"  # sizes
SEED = 0  # random seed
DEVICE = "auto"  # device
'''

GOOD = HEADER.format(title="A good notebook", claim="runs") + '''
# %% [markdown]
# It prints its parameters.

# %%
print(f"{PROFILE}|{DEVICE}|{SEED}")
'''

BROKEN = HEADER.format(title="A broken notebook", claim="fails in its fourth cell") + '''
# %%
x = 1

# %%
raise RuntimeError("deliberately broken")
'''

TOC = textwrap.dedent("""\
    format: jb-book
    root: intro
    chapters:
      - file: good
      - file: broken
      - file: methods
    """)


@pytest.fixture
def project(tmp_path):
    """A miniature repository: notebooks/, book/ with a toc, and _build/."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "good.py").write_text(GOOD)
    (tmp_path / "notebooks" / "broken.py").write_text(BROKEN)
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "_toc.yml").write_text(TOC)
    return tmp_path


def run(project, name="good", **kwargs):
    kwargs.setdefault("parameters", {"PROFILE": "ci", "DEVICE": "cpu"})
    kwargs.setdefault("code", "fixed")
    messages = []
    result = book.run_notebook(
        name,
        notebooks_dir=project / "notebooks",
        book_dir=project / "book",
        build_dir=project / "_build",
        cwd=project,
        progress=messages.append,
        **kwargs,
    )
    result.messages = messages
    return result


def stdout_of(page: Path) -> str:
    nb = nbformat.read(page, as_version=4)
    return "".join(
        out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
    )


# ---------------------------------------------------------------------------------- no kernel


def test_conversion_sets_the_kernel_and_finds_the_parameters_cell(project):
    nb = book.to_notebook(project / "notebooks" / "good.py")
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["kernelspec"]["language"] == "python"
    assert book.parameters_cell(nb) == 1
    assert book.parameter_defaults(nb) == {"PROFILE": "ci", "SEED": 0, "DEVICE": "auto"}


def test_convert_all_writes_every_source_with_its_kernel(project, tmp_path):
    written = book.convert_all(project / "notebooks", tmp_path / "out")
    assert [p.name for p in written] == ["broken.ipynb", "good.ipynb"]
    for path in written:
        assert nbformat.read(path, as_version=4).metadata["kernelspec"]["name"] == "python3"
    with pytest.raises(ValueError, match="unknown notebook 'nope'; valid names: broken, good"):
        book.convert_all(project / "notebooks", tmp_path / "out", only=["nope"])


def test_convert_all_can_set_parameters_for_a_second_seed(project, tmp_path):
    (path,) = book.convert_all(project / "notebooks", tmp_path / "seed1", only=["good"], parameters={"SEED": 7})
    cells = nbformat.read(path, as_version=4).cells
    index = book.parameters_cell(nbformat.read(path, as_version=4))
    assert cells[index + 1].source == "SEED = 7" and cells[index + 1].metadata["tags"] == ["injected-parameters"]
    with pytest.raises(ValueError, match="does not define WIDTH"):
        book.convert_all(project / "notebooks", tmp_path / "bad", only=["good"], parameters={"WIDTH": 8})


def test_the_toc_decides_which_notebooks_the_book_runs(project):
    (project / "notebooks" / "scratch.py").write_text(GOOD)
    assert book.toc_files(project / "book") == ["intro", "good", "broken", "methods"]
    assert book.book_notebooks(project / "notebooks", project / "book") == ["good", "broken"]


def test_unknown_names_raise_clearly(monkeypatch):
    with pytest.raises(ValueError, match="unknown profile 'full'; choose one of: published, ci, paper"):
        book.check_profile("full")
    with pytest.raises(ValueError, match="unknown device 'tpu'; choose one of: auto, cpu, cuda"):
        book.notebook_device("tpu")
    with pytest.raises(ValueError, match="valid names: good, broken"):
        book.select(["good", "broken"], ["gdo"])
    monkeypatch.setattr(book, "_cuda_available", lambda: False)
    assert book.notebook_device("auto") == "cpu"
    assert book.notebook_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="torch.cuda.is_available\\(\\) is False"):
        book.notebook_device("cuda")
    monkeypatch.setattr(book, "_cuda_available", lambda: True)
    assert book.notebook_device("auto") == "cuda"
    assert book.notebook_device("cuda") == "cuda"


def test_the_command_line_rejects_unknown_names(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["book", "--profile", "full"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'full' (choose from 'published', 'ci', 'paper')" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["book", "--device", "tpu"])
    assert "choose from 'auto', 'cpu', 'cuda'" in capsys.readouterr().err
    assert main(["notebooks", "--to-ipynb", str(tmp_path), "--only", "no_such_figure"]) == 2
    assert "unknown notebook 'no_such_figure'; valid names:" in capsys.readouterr().err


def test_a_notebook_without_the_parameter_fails_before_running(project):
    source = project / "notebooks" / "good.py"
    source.write_text(GOOD.replace('DEVICE = "auto"  # device\n', ""))
    result = run(project)
    assert result.status == "failed"
    assert "does not define DEVICE" in result.error.message


def test_the_state_file_is_written_atomically(tmp_path, monkeypatch):
    path = tmp_path / "_build" / "book-state.json"
    book.save_state(path, {"good": {"seconds": 1.0}})
    assert book.load_state(path) == {"good": {"seconds": 1.0}}

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr("crit.records.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        book.save_state(path, {"good": {"seconds": 2.0}})
    assert json.loads(path.read_text()) == {"good": {"seconds": 1.0}}  # the old state is intact
    assert [p.name for p in path.parent.iterdir()] == ["book-state.json"]  # no temporary left
    path.write_text("{not json")
    assert book.load_state(path) == {}  # an unreadable state means: run everything


def test_the_reproducibility_table_names_profile_device_versions_and_reuse():
    runs = [
        book.NotebookRun("good", "reused", "unchanged", 2.5, {"PROFILE": "ci", "DEVICE": "cpu"}, "2026-01-01 00:00 UTC",
                         "abc"),
        book.NotebookRun("broken", "failed", "text changed", None, {},
                         error=book.NotebookError("broken", "RuntimeError: deliberately broken")),
    ]
    table = book.runs_table(runs, profile="ci", device="cpu", asked_device="auto", seconds=3.0, commit="abc")
    for expected in ("| Profile | `ci` |", "`cpu` (asked for `auto`)", "| PyTorch |", "| NumPy |", "| SciPy |",
                     "| crit |", "| Python |", "`abc`", "{doc}`good`", "2.5 s", "reused from the skip-cache",
                     "**failed**: RuntimeError: deliberately broken"):
        assert expected in table


# ------------------------------------------------------------------------- with a kernel (8 runs)


def test_parameters_are_injected_and_their_cell_hidden(project):
    result = run(project, parameters={"PROFILE": "paper", "DEVICE": "cpu", "SEED": 7})  # run 1
    assert result.status == "ran", result.error and result.error.report()
    page = project / "book" / "good.ipynb"
    assert stdout_of(page).strip() == "paper|cpu|7"
    nb = nbformat.read(page, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "remove-cell" in injected[0].metadata.tags
    assert 'PROFILE = "paper"' in injected[0].source
    notes = [c for c in nb.cells if "crit-parameters-note" in c.metadata.get("tags", [])]
    assert len(notes) == 1 and "`PROFILE = 'paper'`" in notes[0].source and "SEED = 7" in notes[0].source
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["crit"]["parameters"] == {"PROFILE": "paper", "DEVICE": "cpu", "SEED": 7}


def test_unchanged_notebooks_are_reused_and_changed_ones_rerun(project):
    first = run(project, version="1.0")  # run 2
    assert first.status == "ran"
    assert first.parameters == {"PROFILE": "ci", "DEVICE": "cpu", "SEED": 0}  # SEED stays the default
    assert stdout_of(project / "book" / "good.ipynb").strip() == "ci|cpu|0"
    state = json.loads((project / "_build" / "book-state.json").read_text())
    assert state["good"]["key"]["crit_version"] == "1.0"

    again = run(project, version="1.0")
    assert again.status == "reused" and any("reused" in m for m in again.messages)

    changed_parameters = run(project, version="1.0", parameters={"PROFILE": "paper", "DEVICE": "cpu"})  # run 3
    assert (changed_parameters.status, changed_parameters.reason) == ("ran", "the parameters changed")

    source = project / "notebooks" / "good.py"
    source.write_text(source.read_text() + "\n# %%\nprint('one more cell')\n")
    changed_text = run(project, version="1.0", parameters={"PROFILE": "paper", "DEVICE": "cpu"})  # run 4
    assert (changed_text.status, changed_text.reason) == ("ran", "the notebook text changed")

    new_version = run(project, version="1.1", parameters={"PROFILE": "paper", "DEVICE": "cpu"})  # run 5
    assert (new_version.status, new_version.reason) == ("ran", "crit.__version__ changed")

    assert run(project, version="1.1", parameters={"PROFILE": "paper", "DEVICE": "cpu"}).status == "reused"
    (project / "book" / "good.ipynb").unlink()
    assert book.rerun_reason(
        json.loads((project / "_build" / "book-state.json").read_text())["good"], {}, project / "book" / "good.ipynb"
    ) == "good.ipynb is missing"


def test_a_broken_notebook_names_its_cell_and_error_and_loses_its_stale_page(project):
    stale = project / "book" / "broken.ipynb"
    stale.write_text("the previous good page")
    result = run(project, name="broken")  # run 6
    assert result.status == "failed"
    error = result.error
    assert (error.ename, error.evalue) == ("RuntimeError", "deliberately broken")
    assert error.cell == 4  # markdown, parameters, x = 1, raise
    assert error.line == BROKEN.splitlines().index('raise RuntimeError("deliberately broken")') + 1
    report = error.report()
    assert "broken, cell 4" in report and "RuntimeError: deliberately broken" in report
    assert 'raise RuntimeError("deliberately broken")' in report
    assert not stale.exists()
    assert Path(error.executed_copy).exists()  # the executed copy, with the error, for inspection
    assert "broken" not in book.load_state(project / "_build" / "book-state.json")


def test_build_runs_the_rest_writes_the_table_and_fails(project, monkeypatch):
    monkeypatch.setattr(book, "_cuda_available", lambda: False)
    html = project / "_build" / "html"
    html.mkdir(parents=True)
    (html / "broken.html").write_text("stale HTML of a previous good build")
    messages = []
    code = book.build(root=project, html=False, progress=messages.append)  # runs 7 and 8
    assert code == 1
    assert (project / "book" / "good.ipynb").exists()
    assert not (project / "book" / "broken.ipynb").exists()
    assert not (html / "broken.html").exists()
    table = (project / "book" / "_generated" / "runs.md").read_text()
    assert "{doc}`good`" in table and "**failed**: RuntimeError: deliberately broken" in table
    assert "`cpu` (asked for `auto`)" in table
    assert any(m.startswith("FAILED broken, cell 4") for m in messages)
    assert any("[1/2] good" in m for m in messages) and any("[2/2] broken" in m for m in messages)

    # --only leaves the other chapter alone and reports it; an unknown name is refused
    code = book.build(root=project, html=False, only=["good"], progress=messages.append)
    assert code == 0
    assert "reused" in (project / "book" / "_generated" / "runs.md").read_text()
    with pytest.raises(ValueError, match="unknown notebook 'bad'; valid names: good, broken"):
        book.build(root=project, html=False, only=["bad"], progress=messages.append)


def test_the_cache_key_follows_the_science_code_not_the_pages(tmp_path, monkeypatch):
    """A change in a model, a core module or the cached function's module recomputes a cached result; a change
    in a page's layer or in an unrelated analysis module does not."""
    import crit
    from crit.book import cache

    root = tmp_path / "crit"
    for rel in ("models/m.py", "analysis/a.py", "analysis/other.py", "chapters/c.py", "book/b.py", "core.py",
                "__main__.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x = 1\n")
    monkeypatch.setattr(crit, "__file__", str(root / "__init__.py"))

    def digest():
        cache.science_digest.cache_clear()
        return cache.science_digest("crit.analysis.a", "numpy")

    base = digest()
    for rel in ("chapters/c.py", "book/b.py", "analysis/other.py", "__main__.py"):  # pages, build, command line
        (root / rel).write_text("x = 2\n")
        assert digest() == base, rel
    for rel in ("analysis/a.py", "models/m.py", "core.py"):
        (root / rel).write_text("x = 2\n")
        assert digest() != base, rel
        base = digest()
    cache.science_digest.cache_clear()


PUBLISHING = HEADER.format(title="A published notebook", claim="reads published results") + '''\
PUBLISHED = ""  # published results

# %%
print(f"{PROFILE}|{PUBLISHED}")
'''


def test_the_default_build_reads_published_results_and_says_where_numbers_came_from(project, monkeypatch):
    from crit.book import published

    monkeypatch.setattr(book, "_cuda_available", lambda: False)
    (project / "notebooks" / "pub.py").write_text(PUBLISHING)
    (project / "book" / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: pub\n"
                                               "  - file: good\n")
    provenance = published.Provenance(
        chapter="pub", part="point", record="X", profile="paper", seed=0, settings={}, code="c0de", modules=(),
        device="cuda: a GPU", commit="abc", computed_at="2026-12-01 00:00 UTC", wall_time_s=5.0,
        published_at="2026-12-01 00:00 UTC", versions={}, sha256="0", size_bytes=1)
    (project / "results" / "paper" / "pub").mkdir(parents=True)
    (project / "results" / "paper" / "pub" / "point.json").write_text(provenance.to_json())
    assert book.build(root=project, html=False, progress=lambda *_: None) == 0  # the default: published
    pub = nbformat.read(project / "book" / "pub.ipynb", as_version=4)
    assert "ci|results/paper" in _stdout(pub)
    good = nbformat.read(project / "book" / "good.ipynb", as_version=4)
    assert good.cells[0].source.startswith("# A good notebook\n\n```{note}") and "`ci` profile" in good.cells[0].source
    assert "{note}" not in pub.cells[0].source
    sources = (project / "book" / "_generated" / "sources.md").read_text()
    assert "point: published, `paper` profile" in sources and "cuda: a GPU" in sources and "`abc`" in sources
    assert "every number: computed in this build, `ci` profile" in sources


def _stdout(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
