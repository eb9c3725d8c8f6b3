"""The universality-class chapter: its profiles hold the page's sizes, its seeds are today's, and
compute on tiny settings returns every part the page shows (one pipeline for the networks, the ResNets
and the calibration's exact models; every system assigned against every candidate class), with its
tables, figures and computed sentences."""

import dataclasses
import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from crit.analysis import calibration, class_assignment, shapes
from crit.analysis.classes import CLASSES
from crit.analysis.finite_size import BRANCHING, SPARSE, SYSTEMS
from crit.analysis.pipeline import PIPELINE, STATISTICS
from crit.book import claims
from crit.chapters import universality_classes as chapter

TINY = dataclasses.replace(
    chapter.PROFILES["ci"], widths=(32, 64), depth_per_width=4.0, n_inputs=1500, inputs_per_network=150,
    calibration_repetitions=3, calibration_avalanches=300, calibration_cutoff=30.0, sparse_widths=(256, 1024, 4096),
    sparse_n_inputs=1000,
    sparse_inputs_per_network=100, shape_sparse_width=1024, shape_exact_runs=20_000, resnet_depths=(18,),
    resnet_n_inputs=60, resnet_inputs_per_network=20, resnet_image_size=16,
)
ALL = (*SYSTEMS, SPARSE, BRANCHING)


def test_profiles_hold_todays_sizes():
    ci, paper = chapter.PROFILES["ci"], chapter.PROFILES["paper"]
    assert (ci.profile, paper.profile) == ("ci", "paper")
    assert ci.widths == (32, 64, 128, 256) and ci.depth_per_width == 6.0 and ci.depth(256) == 1536
    assert (ci.n_inputs, ci.inputs_per_network, ci.scaled_drive) == (2400, 40, 1.0)
    assert (ci.calibration_repetitions, ci.calibration_avalanches, ci.calibration_cutoff) == (8, 900, 200.0)
    assert ci.sparse_widths == (1024, 4096, 16384, 65536, 262144)
    assert (ci.sparse_n_inputs, ci.sparse_inputs_per_network, ci.sparse_depth(16384)) == (20_000, 1000, 1280)
    assert (ci.fan_out, ci.threshold, ci.shape_sparse_width, ci.shape_exact_runs) == (4, 1.0, 16384, 200_000)
    assert (ci.resnet_depths, ci.resnet_n_inputs, ci.resnet_inputs_per_network, ci.resnet_image_size) == (
        (18, 50, 152), 3000, 500, 32)
    assert paper.widths == (64, 128, 256, 512, 1024, 2048) and paper.depth_per_width == 8.0
    assert (paper.n_inputs, paper.inputs_per_network) == (40_000, 200)
    assert (paper.calibration_repetitions, paper.calibration_avalanches, paper.calibration_cutoff) == (20, 5000, 600.0)
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
    # the calibration is the exact models through the one pipeline, at the profile's sizes
    cal = r.calibration
    assert isinstance(cal, calibration.Calibration) and cal.pipeline.name == PIPELINE.name
    assert (cal.repetitions, cal.n_avalanches, cal.cutoff) == (3, 300, 30.0)
    assert cal.models == tuple(calibration.MODELS) and r.systematic == cal.systematic
    assert tuple(r.sweeps) == tuple(r.fss) == tuple(r.collapses) == tuple(r.cutoff_assignments) == ALL
    for system in SYSTEMS:
        assert tuple(r.sweeps[system]) == TINY.widths
        assert r.fss[system].tau_s.shape == (len(TINY.widths),)
        assert r.sweeps[system][64].depth == 256
    for system in ALL:  # every width of every system by the one pipeline, ω the measured b_T
        f = r.fss[system]
        assert f.pipeline == PIPELINE.name
        assert f.omega == f.duration_cutoff_exponent or not np.isfinite(f.duration_cutoff_exponent)
    for system in (SPARSE, BRANCHING):
        assert tuple(r.sweeps[system]) == TINY.sparse_widths
        assert r.fss[system].size_cutoff.shape == (3,)
        assert all(a.sizes.size == 1000 for a in r.sweeps[system].values())
    assert set(r.shape_collapses) == set(r.shape_exponents) == {"tanh", SPARSE}
    assert all(len(v) == 2 for v in (*r.shape_exponents.values(), *r.exact_shape_exponents.values()))
    assert list(r.exact_shape_exponents) == ["mean-field DP", "free BM"]
    assert tuple(r.resnet_runs) == tuple(r.resnet_exponents) == (18,)
    assert r.resnet_runs[18].n_modules == 60 and r.resnet_runs[18].sizes.size == 60
    window = r.resnet_exponents[18].duration_window
    assert r.resnet_exponents[18].name == "ResNet-18" and (not window or window[0] == PIPELINE.dmin)
    # every system at N → ∞ and at its widest N, and every ResNet, is assigned with the calibration's systematic
    names = [f"{s}, N→∞" for s in ALL] + [f"{s}, N={int(r.fss[s].widths[-1])}" for s in ALL] + ["ResNet-18"]
    assert set(r.measurements) == set(r.assignments) == set(names)
    for name, a in r.assignments.items():
        assert isinstance(a, class_assignment.Assignment) and a.systematic == r.systematic, name
        assert a.assigned in (*CLASSES, "undetermined") and (a.assigned == "undetermined") == bool(a.undetermined)
    assert set(r.measurements["tanh, N→∞"].values) == set(STATISTICS)  # with b_S, b_T and the shape
    assert set(r.measurements["relu, N→∞"].values) == {"tau_s", "tau_d", "gamma", "b_S", "b_T"}
    assert set(r.measurements["ResNet-18"].values) == {"tau_s", "tau_d", "gamma"}
    assert set(r.separation) == set(r.separation_exponents) == {(a, b) for a in CLASSES for b in CLASSES if a != b}
    assert r.sparse_sigma_w2 > 0 and 1 < r.sparse_tau_eff < 2


def test_tables_and_figures_render(results):
    for table, rows in ((chapter.calibration_table, 4), (chapter.class_table, 5), (chapter.sources_table, 30),
                        (chapter.assignment_table, 2 * len(ALL) + 1), (chapter.separation_table, 5),
                        (chapter.surviving_table, 3), (chapter.sparse_table, 3), (chapter.cutoff_table, 5),
                        (chapter.collapse_table, 5), (chapter.exact_shapes_table, 2), (chapter.resnet_table, 1)):
        text = table(results)
        table_lines = text.split("\n\n")[0].splitlines()  # undetermined cells add notes under the table
        assert text.startswith("| ") and len(table_lines) == 2 + rows, table.__name__
    for figure in (chapter.cutoffs_figure, chapter.exponents_figure, chapter.collapse_figure,
                   chapter.shapes_figure, chapter.class_plane_figure, chapter.resnet_distributions_figure):
        fig = figure(results)
        assert isinstance(fig, Figure), figure.__name__
        plt.close(fig)


def test_the_class_table_shows_every_class_and_statistic_with_no_prediction_where_none():
    text = chapter.class_table()
    lines = text.splitlines()
    assert len(lines) == 2 + len(CLASSES)
    for name, c in CLASSES.items():
        row = next(line for line in lines if line.startswith(f"| {name} |"))
        cells = [x.strip() for x in row.strip("|").split("|")][2:]
        assert len(cells) == len(STATISTICS)
        for k, cell in zip(STATISTICS, cells, strict=True):
            assert (cell == "no prediction") == (not c.predicts(k)), (name, k, cell)
    assert "| short-range Barkhausen |" in text and "| 1+1-D DP |" in text
    assert "1.27 ± 0.03" in text and "1.108247 ± 0.000004" in text and "1.580745 ± 0.000008" in text
    sources = chapter.sources_table()
    assert "Durin & Zapperi" in sources and "assumed" in sources and "Hinrichsen" in sources


# ------------------------------------------------------------------------------------- claim and verdicts

NAN = float("nan")


def _glue_md_keys() -> set:
    text = (Path(__file__).resolve().parents[1] / "notebooks" / "universality_classes.py").read_text(encoding="utf-8")
    return set(re.findall(r"\{glue:md\}`(v_[a-zA-Z_]+):myst`", text))


def _assigned(a, cls):
    """An Assignment moved to ``cls`` ("undetermined", "none": every class rejected, or a class)."""
    if cls == "undetermined":
        return dataclasses.replace(a, assigned="undetermined", undetermined="moved by the test: not separated")
    if cls == "none":
        return dataclasses.replace(a, assigned="undetermined",
                                   undetermined="every class is rejected (moved by the test)")
    return dataclasses.replace(a, assigned=cls, undetermined="")


def _with_classes(results, assigned: dict):
    """``results`` with the N → ∞ class assignments of the named systems replaced."""
    moved = dict(results.assignments)
    for system, cls in assigned.items():
        moved[f"{system}, N→∞"] = _assigned(moved[f"{system}, N→∞"], cls)
    return dataclasses.replace(results, assignments=moved)


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
    resnets = {d: dataclasses.replace(e, tau_s=NAN, tau_d=NAN, gamma=NAN, duration_cutoff=NAN,
                                      undetermined="set to NaN by the test")
               for d, e in results.resnet_exponents.items()}
    measurements = {}
    for system, f in fss.items():
        measurements[f"{system}, N→∞"] = class_assignment.from_finite_size(f, shape=(NAN, NAN))
        widest = class_assignment.from_finite_size(f, which=-1, shape=(NAN, NAN))
        measurements[widest.name] = widest
    for e in resnets.values():
        measurements[e.name] = class_assignment.measurement(e)
    assignments = {k: class_assignment.assign(m, systematic=results.systematic, rng=0, n_draws=0)
                   for k, m in measurements.items()}
    cutoff = {s: class_assignment.assign(class_assignment.Measurement(s, {"b_S": NAN, "b_T": NAN},
                                                                      {"b_S": NAN, "b_T": NAN}), rng=0, n_draws=0)
              for s in fss}
    cal = results.calibration
    return dataclasses.replace(
        results, fss=fss, measurements=measurements, assignments=assignments, cutoff_assignments=cutoff,
        collapses={k: dataclasses.replace(c, sigma=NAN, sigma_err=NAN, quality=NAN,
                                          undetermined="set to NaN by the test")
                   for k, c in results.collapses.items()},
        shape_exponents=dict.fromkeys(results.shape_exponents, (NAN, NAN)),
        exact_shape_exponents=dict.fromkeys(results.exact_shape_exponents, (NAN, NAN)),
        resnet_exponents=resnets,
        calibration=dataclasses.replace(cal, measured=np.full_like(cal.measured, NAN),
                                        duration_cutoff=np.full_like(cal.duration_cutoff, NAN)))


def test_claim_and_every_glued_sentence_are_computed(results):
    c = chapter.claim(results)
    assert isinstance(c, claims.Claim) and c.number == 4 and c.chapter == "universality_classes"
    assert c.profile == "ci" and c.verdict in claims.VERDICTS
    assert "(tanh)" not in c.key and "tanh:" in c.key and f"{SPARSE}:" in c.key
    for system in chapter.NETWORKS:  # the reason names every network system
        assert chapter.assignment_sentence(results.assignments[f"{system}, N→∞"]) in c.reason
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


def test_the_assignment_sentence_follows_the_assignment(results):
    a = results.assignments["tanh, N→∞"]
    moved = _assigned(a, "free BM")
    assert "is assigned **free BM**" in chapter.assignment_sentence(moved)
    # the uncertainty is part of the sentence: the 16–84 % band over redraws and the stability
    base = dataclasses.replace(moved, ranking=("free BM", "short-range Barkhausen"),
                               distances={**moved.distances, "free BM": 0.5, "short-range Barkhausen": 1.5},
                               distance_low={**moved.distance_low, "free BM": 0.3},
                               distance_high={**moved.distance_high, "free BM": 0.9},
                               p_values={**moved.p_values, "free BM": 0.6}, stability=0.83, separation=5.0,
                               dof={**moved.dof, "free BM": 3, "short-range Barkhausen": 3},
                               statistics_used={**moved.statistics_used, "free BM": ("tau_s", "tau_d", "gamma")})
    text = chapter.assignment_sentence(base)
    assert "0.5 combined errors, 16–84 % over redraws 0.3–0.9" in text and "83 %" in text
    assert "next short-range Barkhausen (1.5" in text and "Δχ² = 5.0" in text
    open_ = chapter.assignment_sentence(_assigned(base, "undetermined"))
    assert open_.startswith("the class of the tanh network at $N\\to\\infty$ is undetermined (moved by the test")
    assert "nearest free BM" in open_
    assert chapter.outcome(_assigned(base, "none")) == "none"
    assert chapter.outcome(_assigned(base, "undetermined")) == "undetermined"


def test_a_moved_calibration_moves_its_sentences(results):
    cal = results.calibration
    right = dataclasses.replace(cal, assigned=tuple((t,) * cal.repetitions for t in cal.true_classes),
                                assigned_exact=tuple((t,) * cal.repetitions for t in cal.true_classes))
    text = chapter.calibration_sentence(dataclasses.replace(results, calibration=right))
    assert f"critical branching {cal.repetitions} of {cal.repetitions}" in text
    assert "none below 0.5 by more than 2 errors" in text and "other outcomes" not in text
    wrong = dataclasses.replace(right, assigned=(("free BM",) * cal.repetitions,) + right.assigned[1:])
    text = chapter.calibration_sentence(dataclasses.replace(results, calibration=wrong))
    assert "critical branching 0 of" in text and "critical branching: free BM" in text


def test_the_degeneracy_sentence_names_the_pairs_the_matrix_cannot_separate(results):
    names = list(CLASSES)
    far = {(a, b): 100.0 for a in names for b in names if a != b}
    apart = dataclasses.replace(results, separation=far, separation_exponents=far)
    assert "separates every pair of classes" in chapter.degeneracy_sentence(apart)
    close = {**far, ("free BM", "short-range Barkhausen"): 0.8}
    text = chapter.degeneracy_sentence(dataclasses.replace(results, separation=far, separation_exponents=close))
    assert "cannot separate free BM from short-range Barkhausen (Δχ² = 0.8)" in text
    assert text.count("cannot separate") == 1


def test_nan_numbers_give_undetermined_sentences_and_cells(results):
    blank = _all_nan(results)
    c = chapter.claim(blank)
    assert c.verdict == "undetermined" and "undetermined" in c.key
    sentences = chapter.page_verdicts(blank)
    for key in ("v_cut_tanh", "v_cut_match", "v_col_sparse", "v_shape_tanh", "v_shape_separation", "v_sum_tanh",
                "v_sum_sparse_step", "v_rn_assign", "v_rn_window", "v_cal_exponents"):
        assert "undetermined" in sentences[key].lower(), (key, sentences[key])
    assert chapter.shape_class(blank, "tanh") == "undetermined"
    for table in (chapter.assignment_table, chapter.cutoff_table, chapter.collapse_table, chapter.sparse_table,
                  chapter.exact_shapes_table, chapter.resnet_table, chapter.calibration_table):
        text = table(blank)
        cells = [c.strip() for line in text.split("\n\n")[0].splitlines() for c in line.strip("|").split("|")]
        assert "undetermined (note 1)" in text and "\nNote 1: " in text, table.__name__
        assert "undetermined" not in cells, table.__name__  # every blank cell says why


def test_headline_reads_every_number_with_its_error_from_the_results(results):
    h = chapter.headline(results)
    r = results
    names = [f"{k} {s}" for s in ALL for k in ("b_S/b_T", "b_S", "b_T", "tau_s N→∞", "tau_d N→∞", "gamma N→∞",
                                               "collapse σ")]
    names += ["shape a tanh", f"shape a {SPARSE}", "γ ResNet-18"]
    assert sorted(h) == sorted(names)
    for name, pair in h.items():
        assert isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, float) for x in pair), name
        assert np.isnan(pair[1]) or pair[1] >= 0, name
    same = lambda got, want: got == tuple(float(x) for x in want) or np.allclose(got, want, equal_nan=True)  # noqa: E731
    for s in ALL:
        f = r.fss[s]
        assert same(h[f"b_S/b_T {s}"], (f.cutoff_ratio, f.cutoff_ratio_err))
        assert same(h[f"b_S {s}"], (f.size_cutoff_exponent, f.size_cutoff_exponent_err))
        assert same(h[f"b_T {s}"], (f.duration_cutoff_exponent, f.duration_cutoff_exponent_err))
        for k in ("tau_s", "tau_d", "gamma"):
            assert same(h[f"{k} N→∞ {s}"], f.limit[k])
        assert same(h[f"collapse σ {s}"], (r.collapses[s].sigma, r.collapses[s].sigma_err))
    for s in ("tanh", SPARSE):
        assert same(h[f"shape a {s}"], r.shape_exponents[s])
    assert same(h["γ ResNet-18"], (r.resnet_exponents[18].gamma, r.resnet_exponents[18].gamma_err))
    blank = chapter.headline(_all_nan(results))  # undetermined numbers are NaN, not an error
    assert set(blank) == set(h) and np.isnan(blank[f"b_T {SPARSE}"][0]) and np.isnan(blank["collapse σ tanh"][0])
