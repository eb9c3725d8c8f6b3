"""The one settings mechanism of the chapters: grids say their spacing, profiles are built by keyword,
run seeds come from one seed by label."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pytest

from crit.chapters.settings import Grid, Profiles, Settings, sub_seed


@dataclass(frozen=True, kw_only=True)
class Sizes(Settings):
    width: int
    sigma_w2: Grid


PROFILES = Profiles(ci=Sizes(width=8, sigma_w2=Grid.linear(0.5, 1.5, 3)),
                    paper=Sizes(width=500, sigma_w2=Grid.geometric(0.5, 2.0, 3)))


def test_grids_say_their_spacing():
    assert np.allclose(Grid.linear(0.5, 1.5, 3).values(), [0.5, 1.0, 1.5])
    assert np.allclose(Grid.geometric(0.5, 2.0, 3).values(), [0.5, 1.0, 2.0])
    fine = Grid.geometric(0.5, 4.0, 4).refined(3)
    assert fine.n == 10 and np.allclose(fine.values()[::3], Grid.geometric(0.5, 4.0, 4).values())
    assert str(Grid.linear(0.85, 1.45, 13)) == "13 linear points in [0.85, 1.45]"
    with pytest.raises(ValueError, match="spacing"):
        Grid(0.0, 1.0, 3, "log")
    with pytest.raises(ValueError, match="ends > 0"):
        Grid.geometric(0.0, 1.0, 3)
    with pytest.raises(TypeError, match="n must be an integer"):
        Grid.linear(0.0, 1.0, 2.5)


def test_profiles_are_named_by_their_keyword_and_resolve():
    assert PROFILES["paper"].profile == "paper" and PROFILES["paper"].width == 500
    mine = dataclasses.replace(PROFILES["ci"], width=16)
    assert PROFILES.resolve(mine) is mine and PROFILES.resolve("ci") is PROFILES["ci"]
    with pytest.raises(ValueError, match="'ci', 'paper'; got 'gpu'"):
        PROFILES.resolve("gpu")
    with pytest.raises(TypeError, match="Sizes"):
        PROFILES.resolve({"width": 8})
    with pytest.raises(ValueError, match="missing"):
        Profiles(ci=PROFILES["ci"])
    with pytest.raises(TypeError, match="Settings dataclass"):
        Profiles(ci=PROFILES["ci"], paper={"width": 8})


def test_settings_are_plain_data_and_a_table():
    assert PROFILES["ci"].as_dict() == {"profile": "ci", "width": 8,
                                        "sigma_w2": {"first": 0.5, "last": 1.5, "n": 3, "spacing": "linear"}}
    table = PROFILES["ci"]._repr_markdown_()
    assert "| `sigma_w2` | 3 linear points in [0.5, 1.5] |" in table and "profile" not in table.splitlines()[2]


def test_sub_seeds_are_stable_distinct_and_labelled():
    assert sub_seed(0, "sweep", 64) == sub_seed(0, "sweep", 64)
    seeds = {sub_seed(s, kind, w) for s in (0, 1) for kind in ("sweep", "map") for w in (32, 64, 128)}
    assert len(seeds) == 12
    assert sub_seed(0, "sweep", 64) != sub_seed(0, ("sweep", 64, 0))
    assert 0 <= sub_seed(3, "x") < 2**32
    with pytest.raises(ValueError, match="label"):
        sub_seed(0)
    with pytest.raises(ValueError, match="seed"):
        sub_seed(-1, "x")
    with pytest.raises(TypeError, match="label"):
        sub_seed(0, 1.5)


def test_one_cpu_thread_sets_and_restores_the_thread_count():
    import torch

    from crit.chapters.settings import one_cpu_thread

    before = torch.get_num_threads()
    with one_cpu_thread(torch.device("cpu")):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with one_cpu_thread(torch.device("meta")):  # not the CPU: left alone
        assert torch.get_num_threads() == before
