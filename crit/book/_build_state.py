"""The skip-cache of the book build: what a notebook's last successful run depended on.

A notebook is *reused* (not executed) when its source text, its parameters, ``crit.__version__``,
the ``crit`` source code, the versions of python/torch/numpy/scipy and the page on disk are all
unchanged since its last successful run. The record of those runs is a small JSON file,
``_build/book-state.json``, written atomically. Private to :mod:`crit.book.build`, which re-exports
the public names.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import crit
from crit.records import atomic_write_text, provenance

REPO_ROOT = Path(__file__).resolve().parents[2]
STATE_FILE = "book-state.json"
# Files of the build harness itself: editing them does not change what a notebook computes.
_HARNESS = {"book/build.py", "book/_build_state.py", "book/_notebook_runs.py", "__main__.py"}


def versions() -> dict:
    """Versions of the software the notebooks run with (:func:`crit.records.provenance`)."""
    return provenance()


def code_digest(package_dir=None) -> str:
    """A hash of the ``crit`` sources (not the build harness): what a notebook's results depend on."""
    package_dir = Path(package_dir or Path(crit.__file__).parent)
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        if path.relative_to(package_dir).as_posix() in _HARNESS:
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



# the commit a run was made at (recorded in the state and in the reproducibility table)


def git_commit(root=REPO_ROOT) -> str:
    """``<short hash>`` of HEAD, with ``+ uncommitted changes`` when tracked files differ.

    Outside git (a copy of the working tree sent to a GPU machine has no ``.git``), ``$CRIT_COMMIT``
    as the sender set it, else ``""``.
    """
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("CRIT_COMMIT", "").strip()
    return head + (" + uncommitted changes" if dirty else "")

