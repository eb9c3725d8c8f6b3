"""What every chapter module shares: profiles named ci and paper, the same compute signature, clear
errors for a bad profile, settings that render as a table."""

from __future__ import annotations

import inspect

import pytest

from crit import chapters
from crit.chapters.settings import PROFILE_NAMES, Results, Settings

NAMES = chapters.names()


def test_every_notebook_has_a_chapter():
    from pathlib import Path

    notebooks = {p.stem for p in (Path(__file__).resolve().parents[1] / "notebooks").glob("*.py")}
    assert notebooks == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_profiles_and_compute_signature(name):
    chapter = chapters.load(name)
    assert tuple(chapter.PROFILES) == PROFILE_NAMES
    for profile in PROFILE_NAMES:
        settings = chapter.PROFILES[profile]
        assert isinstance(settings, Settings) and settings.profile == profile
        assert settings._repr_markdown_().startswith(f"| setting (profile '{profile}')")
    params = inspect.signature(chapter.compute).parameters
    assert list(params)[:1] == ["profile"] and params["profile"].default == "ci"
    assert {"seed", "device"} <= {k for k, p in params.items() if p.kind is p.KEYWORD_ONLY}
    results = [c for c in vars(chapter).values() if inspect.isclass(c) and issubclass(c, Results) and c is not Results]
    assert len(results) == 1, "one Results record per chapter, holding everything the page shows"


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_profile_names_the_valid_ones(name):
    chapter = chapters.load(name)
    with pytest.raises(ValueError, match="'ci', 'paper'"):
        chapter.PROFILES["huge"]
    with pytest.raises(ValueError, match="'ci', 'paper'"):
        chapter.compute("huge")


@pytest.mark.parametrize("name", NAMES)
def test_a_profile_of_the_wrong_type_names_the_settings_class(name):
    chapter = chapters.load(name)
    cls = type(chapter.PROFILES["ci"]).__name__
    with pytest.raises(TypeError, match=cls):
        chapter.compute(chapter.PROFILES["ci"].as_dict())
    other = next(n for n in NAMES if n != name)
    with pytest.raises(TypeError, match=cls):  # another chapter's settings are not this chapter's
        chapter.compute(chapters.load(other).PROFILES["ci"])


def test_load_rejects_an_unknown_chapter():
    with pytest.raises(ValueError, match="phase_diagram"):
        chapters.load("no_such_figure")
