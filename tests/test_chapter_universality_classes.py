"""The universality-class chapter: its profiles hold the page's sizes, its seeds are today's, and
compute on tiny settings returns every part the page shows, with its tables and figures."""

import dataclasses
import warnings

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

from crit.analysis import shapes
from crit.analysis.finite_size import BRANCHING, SPARSE, SYSTEMS
from crit.analysis.universality import REFERENCE_CLASSES
from crit.chapters import universality_classes as chapter

TINY = dataclasses.replace(
    chapter.PROFILES["ci"], widths=(32, 64), depth_per_width=4.0, n_inputs=1500, inputs_per_network=150,
    calibration_runs=2000, calibration_cap_scale=0.5, sparse_widths=(256, 1024, 4096), sparse_n_inputs=1000,
    sparse_inputs_per_network=100, shape_sparse_width=1024, shape_exact_runs=20_000, resnet_depths=(18,),
    resnet_n_inputs=60, resnet_inputs_per_network=20, resnet_image_size=16,
)
ALL = (*SYSTEMS, SPARSE, BRANCHING)


def test_profiles_hold_todays_sizes():
    ci, paper = chapter.PROFILES["ci"], chapter.PROFILES["paper"]
    assert (ci.profile, paper.profile) == ("ci", "paper")
    assert ci.widths == (32, 64, 128, 256) and ci.depth_per_width == 6.0 and ci.depth(256) == 1536
    assert (ci.n_inputs, ci.inputs_per_network, ci.scaled_drive) == (2400, 40, 1.0)
    assert (ci.calibration_runs, ci.calibration_cap_scale) == (12_000, 2.0)
    assert ci.sparse_widths == (1024, 4096, 16384, 65536, 262144)
    assert (ci.sparse_n_inputs, ci.sparse_inputs_per_network, ci.sparse_depth(16384)) == (20_000, 1000, 1280)
    assert (ci.fan_out, ci.threshold, ci.shape_sparse_width, ci.shape_exact_runs) == (4, 1.0, 16384, 200_000)
    assert (ci.resnet_depths, ci.resnet_n_inputs, ci.resnet_inputs_per_network, ci.resnet_image_size) == (
        (18, 50, 152), 3000, 500, 32)
    assert paper.widths == (64, 128, 256, 512, 1024, 2048) and paper.depth_per_width == 8.0
    assert (paper.n_inputs, paper.inputs_per_network) == (40_000, 200)
    assert (paper.calibration_runs, paper.calibration_cap_scale) == (100_000, 8.0)
    assert paper.sparse_widths[-1] == 1048576 and (paper.sparse_n_inputs, paper.sparse_inputs_per_network) == (
        100_000, 2000)
    assert (paper.resnet_n_inputs, paper.resnet_inputs_per_network, paper.resnet_image_size) == (20_000, 1000, 224)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        mp.setenv("CRIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        # tiny runs have few long avalanches: shorter, sparser shape windows than the page's
        mp.setitem(shapes.WINDOWS, "tanh", (6, 30, 5))
        mp.setitem(shapes.WINDOWS, SPARSE, (6, 30, 5))
        warnings.simplefilter("ignore", RuntimeWarning)  # jackknife samples too thin for a window give NaN
        yield chapter.compute(TINY, seed=0, device="cpu")


def test_compute_on_tiny_settings_returns_every_part(results):
    r = results
    assert r.settings is TINY and r.seed == 0
    assert list(r.calibration) == list(r.calibration_classes) and set(r.calibration) == set(REFERENCE_CLASSES)
    assert 0 <= r.n_right <= 4
    assert tuple(r.sweeps) == tuple(r.fss) == tuple(r.collapses) == tuple(r.cutoff_ratios) == ALL
    for system in SYSTEMS:
        assert tuple(r.sweeps[system]) == TINY.widths
        assert r.fss[system].tau_s.shape == (len(TINY.widths),)
        assert r.sweeps[system][64].depth == 256
    for system in (SPARSE, BRANCHING):
        assert tuple(r.sweeps[system]) == TINY.sparse_widths
        assert r.fss[system].size_cutoff.shape == (3,)
        assert all(a.sizes.size == 1000 for a in r.sweeps[system].values())
    assert set(r.shape_collapses) == set(r.shape_exponents) == {"tanh", SPARSE}
    assert all(len(v) == 2 for v in (*r.shape_exponents.values(), *r.exact_shape_exponents.values()))
    assert list(r.exact_shape_exponents) == ["mean-field DP", "free BM"]
    assert tuple(r.resnet_runs) == tuple(r.resnet_exponents) == tuple(r.resnet_classes) == (18,)
    assert r.resnet_runs[18].n_modules == 60 and r.resnet_runs[18].sizes.size == 60
    assert len(r.networks) == len(r.verdicts) == 2 * len(ALL) + 1
    assert r.sparse_sigma_w2 > 0 and 1 < r.sparse_tau_eff < 2
    assert r.systematic == (0.03, 0.06, 0.08) and r.tolerance == 2.5


def test_tables_and_figures_render(results):
    for table, rows in ((chapter.calibration_table, 4), (chapter.class_table, 4 + 2 * len(ALL) + 1),
                        (chapter.surviving_table, 3), (chapter.sparse_table, 3), (chapter.cutoff_table, 5),
                        (chapter.collapse_table, 5), (chapter.exact_shapes_table, 2), (chapter.resnet_table, 1)):
        text = table(results)
        assert text.startswith("| ") and len(text.splitlines()) == 2 + rows, table.__name__
    for figure in (chapter.cutoffs_figure, chapter.exponents_figure, chapter.collapse_figure,
                   chapter.shapes_figure, chapter.class_plane_figure):
        fig = figure(results)
        assert isinstance(fig, Figure), figure.__name__
        plt.close(fig)
