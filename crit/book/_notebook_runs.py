"""Running one figure notebook: jupytext conversion, papermill execution, failure reports.

:func:`run_notebook` converts ``notebooks/<name>.py`` (jupytext percent format) to a notebook with
the ``python3`` kernelspec, executes it with papermill into a working copy under
``_build/book-runs/``, and on success writes the finished page atomically to ``book/<name>.ipynb``;
on failure it returns a :class:`NotebookError` naming the failing cell and deletes the stale page.
Private to :mod:`crit.book.build`, which re-exports the public names.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import datetime as _dt
import os
import re
import sys
import time
from pathlib import Path

import crit
from crit.book._build_state import (
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
from crit.records import atomic_write_text

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
RUNS_DIR = "book-runs"
_ANSI = re.compile("\x1b\\[[0-9;]*[A-Za-z]")


# --------------------------------------------------------------------------------------------
# conversion and the parameters cell


def to_notebook(source):
    """Read a jupytext ``.py`` source as a notebook with the ``python3`` kernelspec set."""
    import jupytext

    nb = jupytext.read(Path(source), fmt="py:percent")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    nb.metadata.get("jupytext", {}).pop("formats", None)  # the .ipynb is an output, not a pair
    return nb


def parameters_cell(nb) -> int:
    """Index of the cell tagged ``parameters``; ``ValueError`` if there is none or several."""
    found = [i for i, cell in enumerate(nb.cells) if "parameters" in cell.get("metadata", {}).get("tags", [])]
    if len(found) != 1:
        raise ValueError(
            f"expected exactly one cell tagged 'parameters' (found {len(found)}); in the jupytext source "
            "write it as  # %% tags=[\"parameters\"]"
        )
    return found[0]


def parameter_defaults(nb) -> dict:
    """The ``NAME = value`` assignments of the parameters cell; non-literal values map to ``...``."""
    cell = nb.cells[parameters_cell(nb)]
    tree = ast.parse(cell.source)
    defaults = {}
    for stmt in tree.body:
        targets = (stmt.targets if isinstance(stmt, ast.Assign)
                   else [stmt.target] if isinstance(stmt, ast.AnnAssign) else [])
        for target in targets:
            if isinstance(target, ast.Name) and getattr(stmt, "value", None) is not None:
                try:
                    defaults[target.id] = ast.literal_eval(stmt.value)
                except ValueError:
                    defaults[target.id] = ...
    return defaults


def check_parameters(nb, parameters: dict) -> dict:
    """The notebook's parameter defaults, after checking that it defines every name in ``parameters``."""
    defaults = parameter_defaults(nb)
    missing = [k for k in parameters if k not in defaults]
    if missing:
        raise ValueError(
            f"its parameters cell does not define {', '.join(missing)} "
            f"(it defines {', '.join(defaults) or 'nothing'})"
        )
    return defaults


def write_ipynb(nb, path) -> Path:
    """Write notebook ``nb`` to ``path`` atomically."""
    import nbformat

    atomic_write_text(path, nbformat.writes(nb) + "\n")
    return Path(path)


# --------------------------------------------------------------------------------------------
# execution


@dataclasses.dataclass
class NotebookError:
    """Where and how a notebook failed."""

    name: str
    message: str
    cell: int | None = None  # 1-based number of the failing cell in the source notebook
    line: int | None = None  # line of that cell in notebooks/<name>.py
    source: str = ""
    ename: str = ""
    evalue: str = ""
    traceback: str = ""
    executed_copy: str | None = None

    def report(self) -> str:
        """A few lines for the terminal: the notebook, the cell, its code and the error."""
        where = f"{self.name}"
        if self.cell is not None:
            where += f", cell {self.cell}"
        if self.line is not None:
            where += f" (notebooks/{self.name}.py line {self.line})"
        lines = [f"FAILED {where}: {self.message}"]
        if self.source:
            code = self.source.strip("\n").splitlines()
            shown = code[:8] + (["..."] if len(code) > 8 else [])
            lines += ["  | " + s for s in shown]
        if self.traceback:
            tail = [s for s in self.traceback.strip().splitlines() if s.strip()][-6:]
            lines += ["  " + s for s in tail]
        if self.executed_copy:
            lines.append(f"  the executed notebook, with the error, is at {self.executed_copy}")
        return "\n".join(lines)


@dataclasses.dataclass
class NotebookRun:
    """The outcome of one notebook in one build."""

    name: str
    status: str  # "ran", "reused", "failed" or "not built"
    reason: str = ""
    seconds: float | None = None  # run time of the execution that produced the page
    parameters: dict = dataclasses.field(default_factory=dict)
    executed_at: str = ""
    commit: str = ""
    error: NotebookError | None = None


@contextlib.contextmanager
def _inline_figures():
    """Let the kernel show figures inline even when ``MPLBACKEND=Agg`` is set for the build.

    ipykernel only picks its inline backend when ``MPLBACKEND`` is unset; the kernel inherits
    this process's environment.
    """
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = saved


@contextlib.contextmanager
def _heartbeat(name: str, progress, every: float = 30.0):
    """Print ``name: still running (N s)`` every ``every`` seconds (for logs without a progress bar)."""
    import threading

    stop = threading.Event()
    started = time.perf_counter()

    def beat():
        while not stop.wait(every):
            progress(f"  {name}: still running ({time.perf_counter() - started:.0f} s)")

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _locate(text: str, cell_source: str) -> int | None:
    """1-based line of ``cell_source``'s first non-empty line in the jupytext text."""
    block = cell_source.strip()
    at = text.find(block) if block else -1
    if at >= 0:
        return text.count("\n", 0, at) + 1
    first = next((s for s in cell_source.splitlines() if s.strip()), None)
    if first is None:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.rstrip() == first.rstrip():
            return number
    return None


def _error_from(exc, name: str, text: str, executed, copy_path) -> NotebookError:
    """A :class:`NotebookError` from papermill's execution error."""
    cells = executed.cells if executed is not None else []
    index = exc.cell_index
    source = exc.source or (cells[index].source if 0 <= index < len(cells) else "")
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    cell = index + 1 - sum(1 for i in injected if i < index)
    return NotebookError(
        name=name,
        message=f"{exc.ename}: {exc.evalue}",
        cell=cell,
        line=_locate(text, source),
        source=source,
        ename=exc.ename,
        evalue=exc.evalue,
        traceback=_ANSI.sub("", "\n".join(exc.traceback or [])),
        executed_copy=str(copy_path),
    )


def _finish_page(nb, parameters: dict, defaults: dict, note: str = "") -> None:
    """Hide the injected-parameters cell, say which parameters differ from the defaults, and put
    ``note`` (Markdown) under the page's title."""
    import nbformat

    from crit.book._sources import insert_note

    insert_note(nb, note)
    changed = {k: v for k, v in parameters.items() if defaults.get(k, ...) != v}
    for i, cell in enumerate(nb.cells):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags:
            if "remove-cell" not in tags:
                tags.append("remove-cell")
            if changed:
                shown = ", ".join(f"`{k} = {v!r}`" for k, v in changed.items())
                note = nbformat.v4.new_markdown_cell(
                    f"*This page was executed with {shown}, which the build passed in place of the "
                    "defaults above (see the reproducibility page).*"
                )
                note.metadata["tags"] = ["crit-parameters-note"]
                nb.cells.insert(i + 1, note)
            break


def run_notebook(
    name: str,
    *,
    notebooks_dir,
    book_dir,
    build_dir,
    parameters: dict,
    cwd=None,
    force: bool = False,
    version: str | None = None,
    code: str | None = None,
    state: dict | None = None,
    progress=print,
    note: str = "",
) -> NotebookRun:
    """Execute ``<notebooks_dir>/<name>.py`` into ``<book_dir>/<name>.ipynb`` unless its last run stands.

    ``state`` (the loaded skip-cache, updated in place) defaults to the file in ``build_dir``,
    which is then saved. ``note`` (Markdown) goes under the page's title, and is part of the
    skip-cache key. Failures are returned (``status == "failed"``), not raised.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebooks_dir, book_dir, build_dir = Path(notebooks_dir), Path(book_dir), Path(build_dir)
    state_path = build_dir / STATE_FILE
    own_state = state is None
    if own_state:
        state = load_state(state_path)
    source = notebooks_dir / f"{name}.py"
    page = book_dir / f"{name}.ipynb"
    text = source.read_text(encoding="utf-8")
    key = fingerprint(
        text + (f"\n<!-- note -->\n{note}" if note else ""),
        parameters,
        crit.__version__ if version is None else version,
        environment={k: v for k, v in versions().items() if k != "crit"},
        code=code_digest() if code is None else code,
    )
    previous = state.get(name)
    reason = "--force" if force else rerun_reason(previous, key, page)
    if reason is None:
        progress(f"  {name}: unchanged since its run of {previous.get('executed_at', '?')}, reused")
        return NotebookRun(
            name, "reused", "unchanged since its last run", previous.get("seconds"),
            previous.get("parameters", parameters), previous.get("executed_at", ""), previous.get("commit", ""),
        )

    def fail(error: NotebookError) -> NotebookRun:
        page.unlink(missing_ok=True)  # never leave the previous good page behind a failure
        if state.pop(name, None) is not None and own_state:
            save_state(state_path, state)
        progress(error.report())
        return NotebookRun(name, "failed", reason, None, dict(parameters), error=error)

    try:
        nb = to_notebook(source)
        defaults = check_parameters(nb, parameters)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return fail(NotebookError(name, f"{type(exc).__name__}: {exc}", ename=type(exc).__name__, evalue=str(exc)))

    shown = ", ".join(f"{k}={v!r}" for k, v in parameters.items())
    progress(f"  {name}: running ({reason}; {shown})")
    copy_path = build_dir / RUNS_DIR / f"{name}.ipynb"
    copy_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        tty = sys.stderr.isatty()
        with _inline_figures(), (contextlib.nullcontext() if tty else _heartbeat(name, progress)):
            executed = papermill.execute_notebook(
                nb,
                str(copy_path),
                parameters=dict(parameters),
                kernel_name=KERNELSPEC["name"],
                language="python",
                cwd=str(cwd or REPO_ROOT),
                progress_bar=tty,
                log_output=False,
            )
    except PapermillExecutionError as exc:
        try:
            import nbformat

            executed = nbformat.read(copy_path, as_version=4)
            executed.cells = [c for c in executed.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
        except Exception:  # noqa: BLE001
            executed = None
        return fail(_error_from(exc, name, text, executed, copy_path))
    except Exception as exc:  # noqa: BLE001 - a kernel that dies or cannot start
        return fail(NotebookError(name, f"{type(exc).__name__}: {exc}", ename=type(exc).__name__, evalue=str(exc)))
    seconds = time.perf_counter() - started

    page_nb = copy.deepcopy(executed)
    _finish_page(page_nb, parameters, defaults, note)
    page_nb.metadata["crit"] = {
        "source": f"notebooks/{name}.py",
        "parameters": dict(parameters),
        "crit_version": key["crit_version"],
        "seconds": round(seconds, 2),
    }
    write_ipynb(page_nb, page)
    executed_at = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    full_parameters = {**{k: v for k, v in defaults.items() if v is not ...}, **parameters}
    state[name] = {
        "key": key,
        "page_sha256": _sha256(page),
        "seconds": round(seconds, 2),
        "parameters": full_parameters,
        "executed_at": executed_at,
        "commit": git_commit(cwd or REPO_ROOT),
    }
    if own_state:
        save_state(state_path, state)
    progress(f"  {name}: done in {seconds:.1f} s")
    return NotebookRun(name, "ran", reason, seconds, full_parameters, executed_at, state[name]["commit"])
