"""The universality-class chapter: its profiles hold the page's sizes, its seeds are today's, and
compute on tiny settings returns every part the page shows, with its tables and figures."""

import dataclasses
import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from crit.analysis import shapes, universality
from crit.analysis.finite_size import BRANCHING, SPARSE, SYSTEMS
from crit.analysis.universality import REFERENCE_CLASSES
from crit.book import claims
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
        table_lines = text.split("\n\n")[0].splitlines()  # undetermined cells add notes under the table
        assert text.startswith("| ") and len(table_lines) == 2 + rows, table.__name__
    for figure in (chapter.cutoffs_figure, chapter.exponents_figure, chapter.collapse_figure,
                   chapter.shapes_figure, chapter.class_plane_figure):
        fig = figure(results)
        assert isinstance(fig, Figure), figure.__name__
        plt.close(fig)


# ------------------------------------------------------------------------------------- claim and verdicts

NAN = float("nan")


def _glue_md_keys() -> set:
    text = (Path(__file__).resolve().parents[1] / "notebooks" / "universality_classes.py").read_text(encoding="utf-8")
    return set(re.findall(r"\{glue:md\}`(v_[a-z_]+):myst`", text))


def _with_classes(results, assigned: dict):
    """``results`` with the N → ∞ class assignments of the named systems replaced."""
    verdicts = dict(results.verdicts)
    for system, cls in assigned.items():
        a = verdicts[f"{system}, N→∞"]
        verdicts[a.name] = dataclasses.replace(a, assigned=cls, undetermined="moved by the test" if cls ==
                                               "undetermined" else "")
    return dataclasses.replace(results, verdicts=verdicts)


def _all_nan(results):
    """``results`` whose every measured number is NaN: nothing the page states can be decided."""
    fss = {}
    for system, f in results.fss.items():
        nan = np.full(f.widths.shape, NAN)
        fss[system] = dataclasses.replace(
            f, tau_s=nan, tau_s_err=nan, tau_d=nan, tau_d_err=nan, gamma=nan, gamma_err=nan, size_cutoff=nan,
            size_cutoff_err=nan, duration_cutoff=nan, duration_cutoff_err=nan, size_cutoff_exponent=NAN,
            size_cutoff_exponent_err=NAN, duration_cutoff_exponent=NAN, duration_cutoff_exponent_err=NAN,
            limit={k: (NAN, NAN) for k in ("tau_s", "tau_d", "gamma")}, cutoff_ratio=NAN, cutoff_ratio_err=NAN,
            undetermined="set to NaN by the test",
            width_undetermined=("set to NaN by the test",) * f.widths.size)
    networks = [f.exponents_at(-1) for f in fss.values()] + [f.limit_exponents() for f in fss.values()]
    resnets = {d: dataclasses.replace(e, tau_s=NAN, tau_d=NAN, gamma=NAN, undetermined="set to NaN by the test")
               for d, e in results.resnet_exponents.items()}
    networks += list(resnets.values())
    return dataclasses.replace(
        results, fss=fss, cutoff_ratios=dict.fromkeys(fss, (NAN, NAN)),
        collapses={k: dataclasses.replace(c, sigma=NAN, sigma_err=NAN, quality=NAN, undetermined="set to NaN by the test")
                   for k, c in results.collapses.items()},
        shape_exponents=dict.fromkeys(results.shape_exponents, (NAN, NAN)),
        exact_shape_exponents=dict.fromkeys(results.exact_shape_exponents, (NAN, NAN)),
        resnet_exponents=resnets, resnet_classes={d: universality.classify(e) for d, e in resnets.items()},
        networks=tuple(networks), verdicts={e.name: universality.classify(e) for e in networks})


def test_claim_and_every_glued_sentence_are_computed(results):
    c = chapter.claim(results)
    assert isinstance(c, claims.Claim) and c.number == 4 and c.chapter == "universality_classes"
    assert c.profile == "ci" and c.verdict in claims.VERDICTS
    assert "$b_S/b_T$" in c.key and "(tanh)" in c.key and f"({SPARSE})" in c.key
    for system in chapter.NETWORKS:  # the reason names the class of every network system
        assert results.verdicts[f"{system}, N→∞"].assigned in c.reason
    sentences = chapter.page_verdicts(results)
    assert _glue_md_keys() <= set(sentences), _glue_md_keys() - set(sentences)
    assert all(isinstance(t, str) and t for t in sentences.values())
    assert set(chapter.SCOPE) == {"ci", "paper"}
    statement = claims.profile_statement(results.settings, chapter.PROFILES, chapter.SCOPE, seed=0)
    assert "settings of one's own" in statement  # TINY is not the ci profile itself


@pytest.mark.parametrize(("assigned", "verdict"), [
    ({"tanh": "free BM", "tanh, driven": "free BM", "relu": "free BM", SPARSE: "mean-field DP"}, "reproduced"),
    ({"tanh": "free BM", "tanh, driven": "free BM", "relu": "free BM", SPARSE: "free BM"}, "partly reproduced"),
    ({"tanh": "mean-field DP", "tanh, driven": "mean-field DP", "relu": "mean-field DP", SPARSE: "mean-field DP"},
     "partly reproduced"),
    ({"tanh": "none", "tanh, driven": "none", "relu": "none", SPARSE: "none"}, "not reproduced"),
    ({"tanh": "free BM", "tanh, driven": "free BM", "relu": "free BM", SPARSE: "undetermined"}, "undetermined"),
    ({"tanh": "free BM", "tanh, driven": "undetermined", "relu": "none", SPARSE: "1+1-D DP"}, "reproduced"),
])
def test_claim_verdict_follows_the_class_assignments(results, assigned, verdict):
    c = chapter.claim(_with_classes(results, assigned))
    assert c.verdict == verdict, c.reason
    if verdict == "partly reproduced" and "mean-field DP" not in assigned.values():
        assert "none of the paper's" in c.reason


def test_a_moved_number_moves_the_sentence(results):
    moved = dataclasses.replace(results, cutoff_ratios={**results.cutoff_ratios, "tanh": (1.5, 0.05)})
    assert "it agrees with free BM within 2 combined errors" in chapter.ratio_sentence(moved, "tanh")
    moved = dataclasses.replace(results, cutoff_ratios={**results.cutoff_ratios, "tanh": (2.0, 0.05)})
    assert "it agrees with mean-field DP within 2 combined errors" in chapter.ratio_sentence(moved, "tanh")
    moved = dataclasses.replace(results, cutoff_ratios={**results.cutoff_ratios, "tanh": (3.0, 0.05)})
    assert "it differs from both" in chapter.ratio_sentence(moved, "tanh")
    assert "(tanh)" in chapter.claim(moved).key and "3.000 ± 0.050" in chapter.claim(moved).key
    right = dataclasses.replace(results, calibration_classes={k: k for k in results.calibration_classes})
    assert chapter.calibration_sentence(right) == "all 4 calibration models are assigned to their own class"
    moved = dataclasses.replace(right, calibration_classes={**right.calibration_classes, "free BM": "1+1-D DP"})
    assert chapter.calibration_sentence(moved).startswith("3 of the 4 calibration models")
    assert "free BM is assigned 1+1-D DP" in chapter.calibration_sentence(moved)


def test_nan_numbers_give_undetermined_sentences_and_cells(results):
    blank = _all_nan(results)
    c = chapter.claim(blank)
    assert c.verdict == "undetermined" and "undetermined" in c.key
    sentences = chapter.page_verdicts(blank)
    for key in ("v_cut_tanh", "v_cut_match", "v_col_sparse", "v_shape_tanh", "v_shape_separation", "v_sum_dense",
                "v_sum_ratio_tanh", "v_sum_td_sparse", "v_rn_deepest", "v_rn_dp", "v_sum_dense_dp"):
        assert "undetermined" in sentences[key].lower(), (key, sentences[key])
    assert chapter.shape_class(blank, "tanh") == "undetermined"
    for table in (chapter.class_table, chapter.cutoff_table, chapter.collapse_table, chapter.sparse_table,
                  chapter.exact_shapes_table, chapter.resnet_table):
        text = table(blank)
        cells = [c.strip() for line in text.split("\n\n")[0].splitlines() for c in line.strip("|").split("|")]
        assert "undetermined (note 1)" in text and "\nNote 1: " in text, table.__name__
        assert "–" not in cells and "undetermined" not in cells, table.__name__  # every blank cell says why
