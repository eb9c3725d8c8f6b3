"""The public surface of `crit`: accurate ``__all__`` everywhere, notebooks use only public names, and
the API page of the book documents every public module."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import crit

ROOT = Path(__file__).resolve().parents[1]


def public_modules() -> list[str]:
    """Every importable ``crit`` module whose dotted name has no part starting with ``_``."""
    found = []

    def walk(package, prefix):
        for m in pkgutil.iter_modules(package.__path__):
            if m.name.startswith("_"):
                continue
            found.append(prefix + m.name)
            if m.ispkg:
                walk(importlib.import_module(prefix + m.name), prefix + m.name + ".")

    walk(crit, "crit.")
    return found


PUBLIC = public_modules()


def test_the_layers_are_what_ls_crit_shows():
    top = {m.name for m in pkgutil.iter_modules(crit.__path__) if not m.name.startswith("_")}
    assert {"models", "analysis", "chapters", "book"} <= top


@pytest.mark.parametrize("name", PUBLIC)
def test_all_is_accurate(name):
    module = importlib.import_module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ lists names it does not define: {missing}"
    assert len(set(module.__all__)) == len(module.__all__), f"{name}.__all__ repeats a name"
    defined_here = [
        n for n, obj in vars(module).items()
        if not n.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", None) == name
    ]
    unlisted = sorted(set(defined_here) - set(module.__all__))
    assert not unlisted, f"{name} defines public {unlisted} but leaves them out of __all__ (prefix _ if private)"


def _notebook_uses(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every name a notebook takes from a crit module: ``from crit.m import name``
    and ``alias.name`` where ``alias`` is a crit module it imported."""
    tree = ast.parse(path.read_text())
    aliases, uses = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "crit":
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if full in PUBLIC:
                    aliases[a.asname or a.name] = full
                else:
                    uses.append((node.module, a.name))
        elif isinstance(node, ast.Import):
            aliases.update({a.asname or a.name: a.name for a in node.names if a.name.startswith("crit")})
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            uses.append((aliases[node.value.id], node.attr))
    return uses


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_use_only_public_names(path):
    uses = _notebook_uses(path)
    assert uses, f"{path.name} uses no crit module"
    private = sorted({f"{m}.{a}" for m, a in uses if a not in importlib.import_module(m).__all__})
    assert not private, f"{path.name} uses names outside their module's __all__: {private}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_imports_its_chapter(path):
    text = path.read_text()
    assert f"from crit.chapters import {path.stem} as chapter" in text


def test_the_api_page_documents_every_public_module():
    page = (ROOT / "book" / "api.md").read_text()
    documented = set(re.findall(r"^\.\. automodule:: (\S+)", page, flags=re.M))
    # the stats package re-exports its submodules' public names: it is documented as one module
    expected = {"crit"} | {m for m in PUBLIC if not m.startswith("crit.analysis.stats.")}
    assert documented == expected, (sorted(expected - documented), sorted(documented - expected))
