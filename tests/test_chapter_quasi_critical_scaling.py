"""The chapter module of "quasi-critical scaling": its profiles, its compute and its tables."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from crit.analysis import crackling, quasicritical, stats
from crit.chapters import quasi_critical_scaling as chapter
from crit.chapters.settings import Grid
from crit.models import theory


def test_profiles_hold_todays_sizes():
    ci, paper = chapter.PROFILES["ci"], chapter.PROFILES["paper"]
    assert (ci.width, ci.depth, ci.sigma_w2, ci.n_inputs) == (100, 200, None, 100_000)
    assert ci.sweep_sigma_b2 == (0.0, 3e-6, 1e-5, 3e-5) and ci.ridge_sigma_w2 == Grid.linear(0.85, 1.25, 9)
    assert (ci.n_resamples, ci.n_sets, ci.gamma_min_count, ci.collapse_range) == (50, 100, 50, (20, 80, 20))
    assert (paper.width, paper.depth, paper.sigma_w2, paper.n_inputs) == (500, 1000, 1.002, 2_000_000)
    assert paper.ridge_sigma_w2.values().tolist() == np.linspace(0.9, 1.1, 21).tolist()
    assert (ci.profile, paper.profile) == ("ci", "paper")


TINY = dataclasses.replace(
    chapter.PROFILES["ci"], width=24, depth=48, n_inputs=20_000, inputs_per_network=500, collapse_range=(5, 20, 10),
    n_resamples=10, n_sets=0, gamma_min_count=10, sweep_sigma_b2=(0.0, 1e-4), drive_n_inputs=6000, drive_inputs_per_network=300,
    ridge_sigma_w2=Grid.linear(0.8, 1.3, 6), ridge_n_inputs=300,
)


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield chapter.compute(TINY, seed=1, device="cpu")


def test_compute_on_tiny_settings_returns_every_part(tiny_results):
    r = tiny_results
    assert r.settings is TINY and r.seed == 1
    assert isinstance(r.point, crackling.CracklingAnalysis) and isinstance(r.sweep, quasicritical.DriveSweep)
    assert r.point.width == 24 and r.point.sigma_w2 == pytest.approx(theory.finite_width_critical_sigma_w2(24))
    assert r.point.lr_sizes.shape == (len(stats.ALTERNATIVES), 2)
    assert r.sweep.sigma_b2.tolist() == [0.0, 1e-4] and r.sweep.ours.shape == r.sweep.authors.shape == (2, 4, 2)
    assert len(r.plane_points) == 3 and all(len(v) == 4 for v in r.plane_points.values())
    assert r.iid_ratio == pytest.approx(r.point.authors.tau_s_err / r.point.authors.tau_s_err_iid)
    assert r.ratio_min <= r.ratio_max and r.ours_nan in (0, 1, 2)
    assert r.drift_tau_s == pytest.approx(r.sweep.authors[1, 0, 0] - r.sweep.authors[0, 0, 0])


def test_compute_reads_back_from_the_cache(tiny_results, tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))
    first = chapter.compute(TINY, seed=1, device="cpu")
    files = sorted(p.name for p in tmp_path.iterdir())
    assert [f.split("-")[0] for f in files] == ["CracklingAnalysis", "DriveSweep"]
    again = chapter.compute(TINY, seed=1, device="cpu")
    assert again.point.authors.tau_s == first.point.authors.tau_s == tiny_results.point.authors.tau_s
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_tables_have_a_row_per_quantity(tiny_results):
    assert len(chapter.comparison_table(tiny_results).splitlines()) == 2 + 10
    paper = dataclasses.replace(tiny_results, settings=dataclasses.replace(TINY, profile="paper"))
    header = chapter.comparison_table(paper).splitlines()[0]
    assert "authors' notebook" in header
    assert len(chapter.likelihood_ratio_table(tiny_results).splitlines()) == 2 + len(stats.ALTERNATIVES)
    assert len(chapter.drive_table(tiny_results).splitlines()) == 2 + 2


def test_figures_draw(tiny_results):
    import matplotlib.pyplot as plt

    for fig in (chapter.distributions(tiny_results.point), chapter.collapse(tiny_results.point),
                chapter.drive_exponents(tiny_results.sweep), chapter.exponent_plane(tiny_results.plane_points)):
        assert fig.axes
        plt.close(fig)
