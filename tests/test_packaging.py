"""The one dependency list (pyproject.toml) and its conda mirror (environment.yml) agree."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~ \[;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    return {_name(r): r.replace(" ", "") for r in requirements}


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {_name(r): r.replace(" ", "") for r in pip if not r.startswith("-")}


def test_every_dependency_is_pinned_exactly():
    loose = [r for r in pyproject_pins().values() if "==" not in r]
    assert not loose, f"pin these in pyproject.toml with ==: {loose}"


def test_environment_yml_lists_the_same_pins_as_pyproject():
    pyproject, environment = pyproject_pins(), environment_pins()
    missing = sorted(set(pyproject) - set(environment))
    extra = sorted(set(environment) - set(pyproject))
    different = sorted(f"{pyproject[n]} vs {environment[n]}" for n in set(pyproject) & set(environment)
                       if pyproject[n] != environment[n])
    assert not (missing or extra or different), (
        f"environment.yml and pyproject.toml disagree: missing {missing}, extra {extra}, different {different}"
    )


def test_environment_yml_installs_the_package_and_a_supported_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    minor = int(python.split("=")[1].split(".")[1])
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low, high = (int(m) for m in re.findall(r"3\.(\d+)", requires))
    assert low <= minor < high, f"environment.yml has {python}, pyproject requires {requires}"
