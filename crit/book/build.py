"""Build the companion book: execute the figure notebooks, then run Jupyter Book.

``python -m crit book`` (``make book``) does, for every notebook listed in ``book/_toc.yml`` whose
source ``notebooks/<name>.py`` exists (jupytext percent format):

1. convert the source to a notebook with the ``python3`` kernelspec (:func:`to_notebook`);
2. execute it with papermill, from the repository root, with the parameters ``PROFILE`` and
   ``DEVICE`` (and ``SEED`` only when given; otherwise the notebook's default stands), into a
   working copy under ``_build/book-runs/``;
3. on success, hide papermill's injected-parameters cell (``remove-cell`` tag), note the parameters
   that differ from the notebook's defaults, and write the page atomically to
   ``book/<name>.ipynb``; on failure, report the failing cell and its error, **delete** the stale
   ``book/<name>.ipynb`` (a previous good page is never silently kept) and carry on with the rest;
4. write the reproducibility table ``book/_generated/runs.md`` and the introduction's table of the
   paper's claims ``book/_generated/claims.md`` (read from the claims the pages glued,
   :mod:`crit.book.claims`), always, so the pages build;
5. run ``jupyter-book build book/ --config _config.yml --path-output . -W --keep-going``.

A notebook is *reused* (not executed) when its source text, its parameters, ``crit.__version__``,
the ``crit`` source code, the versions of python/torch/numpy/scipy and the page on disk are all
unchanged since its last successful run. The record of those runs is a small JSON file,
``_build/book-state.json``, written atomically.

Devices: ``--device auto`` resolves to ``"cuda"`` when ``torch.cuda.is_available()`` and to
``"cpu"`` otherwise, and the notebooks receive the **resolved** string (``"cpu"`` or ``"cuda"``),
never ``"auto"``. So the executed page, its skip-cache key and the reproducibility table all state
the device that actually ran; a notebook run by hand keeps its own default ``DEVICE = "auto"``.

All functions take the notebooks, book and build folders as arguments, so the tests run them on
tiny fixture notebooks in a temporary folder.

This module is the orchestration (names, profiles and devices, the reproducibility table, the
Jupyter Book call, :func:`build`); running one notebook lives in :mod:`crit.book._notebook_runs` and
the skip-cache in :mod:`crit.book._build_state`. Their public names are importable from here.
"""

from __future__ import annotations

import datetime as _dt
import shutil
import subprocess
import sys
import time
from pathlib import Path

from crit.book import _sources
from crit.book._build_state import (  # noqa: F401 - re-exported: the skip-cache
    _HARNESS,
    REPO_ROOT,
    STATE_FILE,
    _sha256,
    code_digest,
    fingerprint,
    git_commit,
    load_state,
    rerun_reason,
    save_state,
    versions,
)
from crit.book._notebook_runs import (  # noqa: F401 - re-exported: conversion and execution
    KERNELSPEC,
    RUNS_DIR,
    NotebookError,
    NotebookRun,
    check_parameters,
    parameter_defaults,
    parameters_cell,
    run_notebook,
    to_notebook,
    write_ipynb,
)
from crit.book.claims import claims_table
from crit.chapters.settings import PROFILE_NAMES
from crit.records import atomic_write_text

__all__ = [
    "PROFILES", "BOOK_PROFILES", "DEVICES", "GENERATED", "CLAIMS", "SOURCES", "find_root", "check_profile",
    "notebook_device", "toc_files",
    "book_notebooks", "source_notebooks", "select", "convert_all", "runs_table", "jupyter_book_command",
    "build",
    # re-exported from the skip-cache and the notebook runner
    "REPO_ROOT", "STATE_FILE", "code_digest", "fingerprint", "git_commit", "load_state", "rerun_reason",
    "save_state", "versions", "KERNELSPEC", "RUNS_DIR", "NotebookError", "NotebookRun", "check_parameters",
    "parameter_defaults", "parameters_cell", "run_notebook", "to_notebook", "write_ipynb",
]

PROFILES = PROFILE_NAMES
#: What ``python -m crit book --profile`` takes: ``published`` (each chapter from its published
#: paper-scale results, the rest at ``ci``; the default), or a chapter profile, recomputed.
BOOK_PROFILES = ("published", *PROFILE_NAMES)
DEVICES = ("auto", "cpu", "cuda")
GENERATED = Path("_generated") / "runs.md"
CLAIMS = Path("_generated") / "claims.md"
SOURCES = Path("_generated") / "sources.md"


# --------------------------------------------------------------------------------------------
# names: profiles, devices, notebooks


def find_root(start=None):
    """The project folder: the nearest folder at or above ``start`` (default: the current one) with
    ``_config.yml`` and ``book/_toc.yml``; else the folder this package was installed from."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "_config.yml").is_file() and (folder / "book" / "_toc.yml").is_file():
            return folder
    return REPO_ROOT


def check_profile(profile: str) -> str:
    """Return ``profile`` if the book can be built at it (:data:`BOOK_PROFILES`), else raise
    ``ValueError`` naming the valid ones."""
    if profile not in BOOK_PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of: {', '.join(BOOK_PROFILES)}")
    return profile


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return False
    return bool(torch.cuda.is_available())


def notebook_device(name: str = "auto") -> str:
    """The device the notebooks will use: ``"cpu"`` or ``"cuda"``.

    ``"auto"`` gives ``"cuda"`` when ``torch.cuda.is_available()`` and ``"cpu"`` otherwise.
    Raises ``ValueError`` for an unknown name, and for ``"cuda"`` on a machine without a GPU.
    """
    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}; choose one of: {', '.join(DEVICES)}")
    if name == "cpu":
        return "cpu"
    available = _cuda_available()
    if name == "cuda" and not available:
        raise ValueError(
            "device 'cuda' was asked for, but torch.cuda.is_available() is False on this machine; "
            "use --device auto (GPU when there is one) or --device cpu"
        )
    return "cuda" if available else "cpu"


def toc_files(book_dir) -> list[str]:
    """Every ``file:`` entry of ``<book_dir>/_toc.yml``, in reading order (root first)."""
    import yaml

    toc_path = Path(book_dir) / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    files: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node and isinstance(node[key], str):
                    files.append(node[key])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return [str(Path(f).with_suffix("")) if Path(f).suffix in (".md", ".ipynb") else f for f in files]


def book_notebooks(notebooks_dir, book_dir) -> list[str]:
    """Names of the notebooks the book shows: ``_toc.yml`` entries with a ``<notebooks_dir>/<name>.py``."""
    notebooks_dir = Path(notebooks_dir)
    return [name for name in toc_files(book_dir) if (notebooks_dir / f"{name}.py").is_file()]


def source_notebooks(notebooks_dir) -> list[str]:
    """Names of every notebook source ``<notebooks_dir>/*.py``, sorted."""
    return sorted(p.stem for p in Path(notebooks_dir).glob("*.py") if not p.name.startswith("_"))


def select(names: list[str], only: list[str] | None, *, what: str = "notebook") -> list[str]:
    """``names`` restricted to ``only`` (in the order of ``names``); unknown names raise ``ValueError``."""
    if not only:
        return list(names)
    unknown = [n for n in only if n not in names]
    if unknown:
        valid = ", ".join(names) if names else "(none)"
        raise ValueError(f"unknown {what} {', '.join(map(repr, unknown))}; valid names: {valid}")
    return [n for n in names if n in only]


# --------------------------------------------------------------------------------------------
# converting every source (``python -m crit notebooks``)


def convert_all(notebooks_dir, out_dir, *, only: list[str] | None = None,
                parameters: dict | None = None) -> list[Path]:
    """Convert every notebook source (or those in ``only``) to ``<out_dir>/<name>.ipynb``.

    The notebooks keep their default parameters, i.e. the CI profile, except those in
    ``parameters`` (e.g. ``{"SEED": 1}``), which a cell tagged ``injected-parameters`` sets right
    after the parameters cell, as papermill does; this is what ``make test`` runs under nbval.
    """
    names = select(source_notebooks(notebooks_dir), only)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        nb = to_notebook(Path(notebooks_dir) / f"{name}.py")
        index = parameters_cell(nb)  # a notebook without its parameters cell is an error here too
        if parameters:
            import nbformat

            check_parameters(nb, parameters)
            source = "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
            nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]}))
        written.append(write_ipynb(nb, out_dir / f"{name}.ipynb"))
    return written


# --------------------------------------------------------------------------------------------
# the reproducibility table


def _format_parameters(parameters: dict) -> str:
    return ", ".join(f"`{k} = {v!r}`" for k, v in parameters.items()) or "(defaults)"


def runs_table(runs: list[NotebookRun], *, profile: str, device: str, asked_device: str, seconds: float | None = None,
               commit: str = "") -> str:
    """The markdown the reproducibility page includes."""
    env = versions()
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f"This table was written by `python -m crit book` on {now}.",
        "",
        "| Setting | Value |",
        "|---|---|",
        f"| Profile | `{profile}` |",
        f"| Device | `{device}`" + (f" (asked for `{asked_device}`)" if asked_device != device else "") + " |",
    ]
    labels = {"python": "Python", "torch": "PyTorch", "numpy": "NumPy", "scipy": "SciPy", "crit": "crit"}
    out += [f"| {labels.get(k, k)} | {v} |" for k, v in env.items()]
    out.append(f"| Git commit | {('`' + commit + '`') if commit else 'not available'} |")
    if seconds is not None:
        out.append(f"| Notebook time of this build | {seconds:.1f} s |")
    out += [
        "",
        "| Chapter | Parameters | Run time | Executed | In this build |",
        "|---|---|---|---|---|",
    ]
    for run in runs:
        link = f"{{doc}}`{run.name}`" if run.status in ("ran", "reused") else f"`{run.name}`"
        took = f"{run.seconds:.1f} s" if run.seconds is not None else "–"
        when = run.executed_at + (f" at `{run.commit}`" if run.commit else "") if run.executed_at else "–"
        status = {
            "ran": f"executed ({run.reason})",
            "reused": "reused from the skip-cache (unchanged since its run)",
            "failed": f"**failed**: {run.error.message if run.error else run.reason}",
            "not built": "not built yet",
        }[run.status]
        out.append(f"| {link} | {_format_parameters(run.parameters)} | {took} | {when} | {status} |")
    if not runs:
        out.append("| (no notebooks yet) | | | | |")
    return "\n".join(s.replace("\n", " ") for s in out) + "\n"


# --------------------------------------------------------------------------------------------
# the whole build


def jupyter_book_command(root=REPO_ROOT) -> list[str]:
    """The Jupyter Book command line: warnings are errors, but every page is still tried."""
    exe = Path(sys.executable).with_name("jupyter-book")
    program = str(exe) if exe.exists() else (shutil.which("jupyter-book") or "jupyter-book")
    return [program, "build", "book/", "--config", "_config.yml", "--path-output", ".", "-W", "--keep-going"]


def build(
    *,
    profile: str = "published",
    device: str = "auto",
    only: list[str] | None = None,
    seed: int | None = None,
    force: bool = False,
    html: bool = True,
    root=None,
    progress=print,
) -> int:
    """Execute the book's notebooks and build the HTML; returns the exit code (0 when all went well).

    ``profile`` is one of :data:`BOOK_PROFILES`: ``"published"`` gives a chapter with published
    results in ``results/paper/`` (whose notebook takes ``PUBLISHED``) those results and computes
    the rest at ``ci``, and renders every other chapter at ``ci`` with a note at its top;
    ``"ci"`` or ``"paper"`` recompute every chapter at that profile, and ``"paper"`` then publishes
    what it computed (``python -m crit publish``). The reproducibility page's table of sources
    (``book/_generated/sources.md``) says, per chapter, where its numbers came from.
    ``root`` is the project folder (default :func:`find_root`).
    """
    root = Path(root) if root is not None else find_root()
    notebooks_dir, book_dir, build_dir = root / "notebooks", root / "book", root / "_build"
    check_profile(profile)
    resolved = notebook_device(device)
    names = book_notebooks(notebooks_dir, book_dir)
    chosen = select(names, only)
    for name in source_notebooks(notebooks_dir):
        if name not in names:
            progress(f"note: notebooks/{name}.py is not in book/_toc.yml, so the book does not show it")
    for name in toc_files(book_dir):
        if name not in names and not any((book_dir / f"{name}{ext}").exists() for ext in (".md", ".ipynb")):
            progress(f"warning: book/_toc.yml lists {name!r}, but there is no notebooks/{name}.py "
                     f"nor book/{name}.md; the HTML build will fail on it")

    base = {"DEVICE": resolved}
    if seed is not None:
        base["SEED"] = int(seed)
    state = load_state(build_dir / STATE_FILE)
    code = code_digest()
    progress(f"crit book: {len(chosen)} notebook(s), profile {profile!r}, device {resolved!r}")
    runs: list[NotebookRun] = []
    plans: dict = {}
    started = time.perf_counter()
    for i, name in enumerate(names, start=1):
        if name not in chosen:
            runs.append(_not_chosen(name, state, book_dir))
            continue
        progress(f"[{chosen.index(name) + 1}/{len(chosen)}] {name}  (elapsed {time.perf_counter() - started:.0f} s)")
        try:
            defaults = parameter_defaults(to_notebook(notebooks_dir / f"{name}.py"))
        except ValueError:
            defaults = {}  # run_notebook reports the missing parameters cell
        plan = plans[name] = _sources.plan(name, profile=profile, base=base, defaults=defaults, root=root)
        published_code = _sources.digest(name, root) if plan.provenances else ""
        run = run_notebook(
            name, notebooks_dir=notebooks_dir, book_dir=book_dir, build_dir=build_dir,
            parameters=plan.parameters, cwd=root, force=force, code=code + published_code, state=state,
            progress=progress, note=plan.note,
        )
        save_state(build_dir / STATE_FILE, state)
        runs.append(run)
    total = time.perf_counter() - started
    commit = git_commit(root)
    atomic_write_text(
        book_dir / GENERATED,
        runs_table(runs, profile=profile, device=resolved, asked_device=device, seconds=total, commit=commit),
    )
    atomic_write_text(book_dir / SOURCES, _sources.sources_table(runs, plans, device=resolved, commit=commit))
    atomic_write_text(book_dir / CLAIMS,
                      claims_table({r.name: (book_dir / f"{r.name}.ipynb", r.status) for r in runs}))
    failed = [r for r in runs if r.status == "failed"]
    if profile == "paper" and not failed:  # computed at the paper's sizes: publish it (results/paper)
        from crit.book import compute

        compute.publish([n for n in chosen if n in _sources.publishable()], seed=base.get("SEED", 0), root=root,
                        log=progress)
    for run in failed:  # Sphinx never deletes old output: drop the last good HTML page as well
        (build_dir / "html" / f"{run.name}.html").unlink(missing_ok=True)
    progress(f"notebooks done in {total:.0f} s: " + ", ".join(f"{r.name} {r.status}" for r in runs)
             if runs else "no notebooks")

    code_html = 0
    if html:
        command = jupyter_book_command(root)
        progress("$ " + " ".join(command))
        t0 = time.perf_counter()
        code_html = subprocess.run(command, cwd=root).returncode
        outcome = "succeeded" if code_html == 0 else "FAILED"
        progress(f"jupyter-book build {outcome} in {time.perf_counter() - t0:.0f} s")
        if code_html == 0:
            progress(f"open {root / '_build' / 'html' / 'index.html'}")
    for run in failed:
        progress(run.error.report() if run.error else f"FAILED {run.name}")
    if failed:
        progress(f"{len(failed)} notebook(s) failed; their pages were removed from book/")
    return 1 if failed or code_html else 0


def _not_chosen(name: str, state: dict, book_dir: Path) -> NotebookRun:
    """A notebook left out by ``--only``: its page stays as it is, or a placeholder says it is not built."""
    previous = state.get(name)
    page = book_dir / f"{name}.ipynb"
    if previous and page.exists() and previous.get("page_sha256") == _sha256(page):
        return NotebookRun(name, "reused", "left out by --only", previous.get("seconds"),
                           previous.get("parameters", {}), previous.get("executed_at", ""), previous.get("commit", ""))
    if not page.exists():
        _write_placeholder(name, page)
    return NotebookRun(name, "not built", "left out by --only")


def _write_placeholder(name: str, page: Path) -> None:
    """A page that says plainly that the chapter has not been built (so the rest of the book builds)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.cells.append(nbformat.v4.new_markdown_cell(
        f"# {name.replace('_', ' ').capitalize()}\n\n"
        f"```{{warning}}\nThis chapter has not been built yet. Run `python -m crit book --only {name}` "
        "or `make book`.\n```\n"
    ))
    write_ipynb(nb, page)
