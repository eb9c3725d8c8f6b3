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
4. write the reproducibility table ``book/_generated/runs.md`` (always, so the page builds);
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
"""

from __future__ import annotations

import ast
import contextlib
import copy
import dataclasses
import datetime as _dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import crit
from crit.records import atomic_write_text

REPO_ROOT = Path(__file__).resolve().parents[1]
PROFILES = ("ci", "paper")
DEVICES = ("auto", "cpu", "cuda")
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
STATE_FILE = "book-state.json"
RUNS_DIR = "book-runs"
GENERATED = Path("_generated") / "runs.md"
# Files of the build harness itself: editing them does not change what a notebook computes.
_HARNESS = {"book.py", "__main__.py"}
_ANSI = re.compile("\x1b\\[[0-9;]*[A-Za-z]")


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
    """Return ``profile`` if it is a known profile, else raise ``ValueError`` naming the valid ones."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
    return profile


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return False
    return bool(torch.cuda.is_available())


def resolve_device(name: str = "auto") -> str:
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
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
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


def convert_all(notebooks_dir, out_dir, *, only: list[str] | None = None) -> list[Path]:
    """Convert every notebook source (or those in ``only``) to ``<out_dir>/<name>.ipynb``.

    The notebooks keep their default parameters, i.e. the CI profile; this is what ``make test``
    runs under nbval.
    """
    names = select(source_notebooks(notebooks_dir), only)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names:
        nb = to_notebook(Path(notebooks_dir) / f"{name}.py")
        parameters_cell(nb)  # a notebook without its parameters cell is an error here too
        written.append(write_ipynb(nb, out_dir / f"{name}.ipynb"))
    return written


# --------------------------------------------------------------------------------------------
# the skip-cache


def versions() -> dict:
    """Versions of the software the notebooks run with."""
    found = {"python": platform.python_version()}
    for dist in ("torch", "numpy", "scipy"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "not installed"
    found["crit"] = crit.__version__
    return found


def code_digest(package_dir=None) -> str:
    """A hash of the ``crit`` sources (not the build harness): what a notebook's results depend on."""
    package_dir = Path(package_dir or Path(crit.__file__).parent)
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        if path.parent == package_dir and path.name in _HARNESS:
            continue
        digest.update(str(path.relative_to(package_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def fingerprint(text: str, parameters: dict, version: str, *, environment: dict | None = None, code: str = "") -> dict:
    """The parts of the skip-cache key: a notebook reruns when any of them changes."""
    return {
        "text": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        "parameters": json.loads(json.dumps(parameters, sort_keys=True, default=str)),
        "crit_version": version,
        "crit_code": code,
        "environment": environment or {},
    }


def rerun_reason(previous: dict | None, key: dict, page: Path) -> str | None:
    """Why a notebook must run again, or ``None`` when its last run still stands."""
    if not previous:
        return "no previous successful run"
    if not page.exists():
        return f"{page.name} is missing"
    if previous.get("page_sha256") != _sha256(page):
        return f"{page.name} was changed since its run"
    old = previous.get("key", {})
    labels = {
        "text": "the notebook text changed",
        "parameters": "the parameters changed",
        "crit_version": "crit.__version__ changed",
        "crit_code": "the crit source code changed",
        "environment": "package versions changed",
    }
    for part, label in labels.items():
        if old.get(part) != key.get(part):
            return label
    return None


def load_state(path) -> dict:
    """The skip-cache state (``{}`` when the file is missing or unreadable)."""
    try:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def save_state(path, state: dict) -> None:
    """Write the state JSON atomically (temporary file + rename)."""
    atomic_write_text(path, json.dumps(state, indent=2, sort_keys=True) + "\n")


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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


def _finish_page(nb, parameters: dict, defaults: dict) -> None:
    """Hide the injected-parameters cell and say which parameters differ from the defaults."""
    import nbformat

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
) -> NotebookRun:
    """Execute ``<notebooks_dir>/<name>.py`` into ``<book_dir>/<name>.ipynb`` unless its last run stands.

    ``state`` (the loaded skip-cache, updated in place) defaults to the file in ``build_dir``,
    which is then saved. Failures are returned (``status == "failed"``), not raised.
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
        text,
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
    _finish_page(page_nb, parameters, defaults)
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


# --------------------------------------------------------------------------------------------
# the reproducibility table


def git_commit(root=REPO_ROOT) -> str:
    """``<short hash>`` of HEAD, with ``+ changes`` when tracked files differ; ``""`` outside git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return head + (" + uncommitted changes" if dirty else "")


def _format_parameters(parameters: dict) -> str:
    return ", ".join(f"`{k} = {v!r}`" for k, v in parameters.items()) or "(defaults)"


def runs_table(runs: list[NotebookRun], *, profile: str, device: str, asked_device: str, seconds: float | None = None, commit: str = "") -> str:
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
    profile: str = "ci",
    device: str = "auto",
    only: list[str] | None = None,
    seed: int | None = None,
    force: bool = False,
    html: bool = True,
    root=None,
    progress=print,
) -> int:
    """Execute the book's notebooks and build the HTML; returns the exit code (0 when all went well).

    ``root`` is the project folder (default :func:`find_root`).
    """
    root = Path(root) if root is not None else find_root()
    notebooks_dir, book_dir, build_dir = root / "notebooks", root / "book", root / "_build"
    check_profile(profile)
    resolved = resolve_device(device)
    names = book_notebooks(notebooks_dir, book_dir)
    chosen = select(names, only)
    for name in source_notebooks(notebooks_dir):
        if name not in names:
            progress(f"note: notebooks/{name}.py is not in book/_toc.yml, so the book does not show it")
    for name in toc_files(book_dir):
        if name not in names and not any((book_dir / f"{name}{ext}").exists() for ext in (".md", ".ipynb")):
            progress(f"warning: book/_toc.yml lists {name!r}, but there is no notebooks/{name}.py "
                     f"nor book/{name}.md; the HTML build will fail on it")

    parameters = {"PROFILE": profile, "DEVICE": resolved}
    if seed is not None:
        parameters["SEED"] = int(seed)
    state = load_state(build_dir / STATE_FILE)
    code = code_digest()
    progress(f"crit book: {len(chosen)} notebook(s), profile {profile!r}, device {resolved!r}")
    runs: list[NotebookRun] = []
    started = time.perf_counter()
    for i, name in enumerate(names, start=1):
        if name not in chosen:
            runs.append(_not_chosen(name, state, book_dir))
            continue
        progress(f"[{chosen.index(name) + 1}/{len(chosen)}] {name}  (elapsed {time.perf_counter() - started:.0f} s)")
        run = run_notebook(
            name, notebooks_dir=notebooks_dir, book_dir=book_dir, build_dir=build_dir,
            parameters=parameters, cwd=root, force=force, code=code, state=state, progress=progress,
        )
        save_state(build_dir / STATE_FILE, state)
        runs.append(run)
    total = time.perf_counter() - started
    atomic_write_text(
        book_dir / GENERATED,
        runs_table(runs, profile=profile, device=resolved, asked_device=device, seconds=total, commit=git_commit(root)),
    )
    failed = [r for r in runs if r.status == "failed"]
    for run in failed:  # Sphinx never deletes old output: drop the last good HTML page as well
        (build_dir / "html" / f"{run.name}.html").unlink(missing_ok=True)
    progress(f"notebooks done in {total:.0f} s: " + ", ".join(f"{r.name} {r.status}" for r in runs) if runs else "no notebooks")

    code_html = 0
    if html:
        command = jupyter_book_command(root)
        progress("$ " + " ".join(command))
        t0 = time.perf_counter()
        code_html = subprocess.run(command, cwd=root).returncode
        progress(f"jupyter-book build {'succeeded' if code_html == 0 else 'FAILED'} in {time.perf_counter() - t0:.0f} s")
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
