"""crit.chapters.susceptibility_predicts_learning: the profiles, a tiny run end to end and read back, and the
claim, verdicts and tables on results with moved numbers."""

from __future__ import annotations

import dataclasses
import math

import matplotlib
import numpy as np
import pytest

from crit.analysis.correlation import CorrelationTable
from crit.book import claims, style
from crit.chapters import susceptibility_predicts_learning as chapter
from crit.chapters.settings import Grid
from crit.seeds import sub_seed

matplotlib.use("Agg")

TINY = dataclasses.replace(chapter.PROFILES["ci"], width=16, depths=(8, 10), datasets=("digits",),
                           optimizers=("sgd", "adam"), drives=(0.0, 0.1, 0.3), points=4, seeds=2, steps=12,
                           eval_every=6, sgd_lrs=(0.1, 0.3), adam_lrs=(3e-3,), scan_sigma_w2=Grid.geometric(0.25, 6.0, 14),
                           scan_inputs=900, n_resamples=40)


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def tiny(tiny_cache):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CRIT_CACHE_DIR", str(tiny_cache))
        yield chapter.compute(TINY, seed=3, device="cpu")


def test_profiles_hold_todays_values():
    ci, paper = chapter.PROFILES["ci"], chapter.PROFILES["paper"]
    assert (ci.width, ci.depths, ci.points, ci.seeds, ci.steps) == (32, (12, 24), 8, 3, 150)
    assert (paper.width, paper.depths, paper.points, paper.seeds, paper.steps) == (128, (40, 80), 16, 5, 1000)
    for p in (ci, paper):
        assert p.datasets == ("digits", "mnist1d") and p.optimizers == ("sgd", "adam")
        assert p.learning_rates("sgd") == (0.03, 0.1, 0.3) and p.learning_rates("adam") == (1e-3, 3e-3, 1e-2)
        assert p.validation_fraction == 0.2 and p.drives[0] == 0.0
    # every data set with every optimiser at the main depth, then the main design at the other depths
    assert [str(d) for d in ci.designs()] == ["digits, SGD, depth 12", "digits, Adam, depth 12",
                                              "mnist1d, SGD, depth 12", "mnist1d, Adam, depth 12",
                                              "digits, SGD, depth 24"]
    assert "width 32, depths 12, 24; 5 designs" in chapter.SCOPE["ci"]
    with pytest.raises(ValueError, match="optimizer"):
        ci.learning_rates("lbfgs")


def test_tiny_compute_end_to_end(tiny, tiny_cache):
    r = tiny
    assert r.settings is TINY and r.seed == 3 and len(r.designs) == 3
    assert [str(d.design) for d in r.designs] == ["digits, SGD, depth 8", "digits, Adam, depth 8",
                                                  "digits, SGD, depth 10"]
    assert set(r.scans) == set(r.references) == {8, 10}
    assert r.scans[8].seed == sub_seed(3, "scan", 8)
    for d in r.designs:
        rows = int(r.references[d.design.depth].kept.sum())
        shape = (rows, TINY.points, TINY.seeds)
        for name in ("test_accuracy", "train_accuracy", "test_loss", "train_loss", "validation_accuracy",
                     "steps_to_target", "lr"):
            assert getattr(d, name).shape == shape, name
        assert d.test_curve.shape == (*shape, d.eval_steps.size)
        assert set(np.unique(d.lr)) <= set(TINY.learning_rates(d.design.optimizer))
        np.testing.assert_array_equal(d.test_curve[..., -1], d.test_accuracy)
        assert d.comparison.names == ("chi_peak", "ended_peak", "critical", "chi", "xi_c")
        assert d.optima.ln_best.shape == (rows,) and d.choice.names[-1] == "constant"
        assert np.all(d.sigma_w2[:, 1:] > d.sigma_w2[:, :-1])
    for text in (chapter.designs_table(r), chapter.comparison_table(r.main), chapter.optima_table(r.main),
                 chapter.choice_table(r.main), chapter.verdict_table(r)):
        assert text.startswith("|")
    assert chapter.claim(r).verdict in claims.VERDICTS and "depth" in chapter.rows_sentence(r)
    style.use()
    for figure in (chapter.optimum_figure(r), chapter.lines_figure(r), chapter.predictors_figure(r),
                   chapter.learning_curves(r)):
        assert figure.axes
    with pytest.raises(ValueError, match="kept drive"):
        chapter.learning_curves(r, row=99)
    with pytest.MonkeyPatch.context() as mp:  # read back from the cache the fixture wrote
        mp.setenv("CRIT_CACHE_DIR", str(tiny_cache))
        again = chapter.compute(TINY, seed=3, device="cpu")
    np.testing.assert_array_equal(again.main.test_accuracy, r.main.test_accuracy)
    assert again.scans[8].wall_time_s == r.scans[8].wall_time_s


def test_no_kept_drive_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))
    narrow = dataclasses.replace(TINY, depths=(8,), drives=(0.0,), scan_sigma_w2=Grid.geometric(1.5, 1.6, 4))
    with pytest.raises(ValueError, match="no drive keeps its row at depth 8"):
        chapter.compute(narrow, seed=0, device="cpu")
    with pytest.raises(ValueError, match="validation_fraction is 0.0: choosing among the learning rates of"):
        chapter.compute(dataclasses.replace(TINY, validation_fraction=0.0), seed=0, device="cpu")


def _table(diff, half=0.1, names=("chi_peak", "ended_peak", "critical", "chi", "xi_c")):
    """A comparison table whose rho(chi_peak) - rho(critical) is ``diff`` with a paired interval ± ``half``."""
    rho = np.zeros(len(names))
    rho[0] = diff
    d = rho[:, None] - rho[None, :]
    return CorrelationTable(names=names, rho=rho, low=rho - 0.2, high=rho + 0.2, diff=d, diff_low=d - half,
                            diff_high=d + half, p_not_better=(d <= 0).astype(float), n=60, n_resamples=100,
                            level=0.95, undetermined="", undetermined_predictors=())


def _with(results, *diffs):
    designs = tuple(dataclasses.replace(d, comparison=_table(x)) for d, x in zip(results.designs, diffs))
    return dataclasses.replace(results, designs=designs)


def test_claim_counts_the_designs_by_their_paired_intervals(tiny):
    assert chapter.claim(_with(tiny, 0.5, 0.4, 0.3)).verdict == "reproduced"
    part = chapter.claim(_with(tiny, 0.5, 0.0, -0.5))
    assert part.verdict == "partly reproduced" and "in 1 (digits, SGD, depth 8)" in part.reason
    assert "worse in 1 (digits, SGD, depth 10)" in part.reason
    assert chapter.claim(_with(tiny, -0.5, 0.05, 0.0)).verdict == "not reproduced"
    none = chapter.claim(_with(tiny, 0.05, 0.0, -0.05))
    assert none.verdict == "undetermined" and "cannot tell them apart in the other 3" in none.reason
    assert none.key.startswith("$\\Delta\\rho_s$ = +0.05 [-0.05, +0.15] (digits, SGD, depth 8)")
    assert chapter.design_verdict(_with(tiny, 0.5, 0, 0).main).outcome == "positive"


def test_verdicts_are_undetermined_not_raised_on_nan(tiny):
    nan_table = dataclasses.replace(_table(np.nan), undetermined="predictor 'chi_peak' is constant within every row",
                                    undetermined_predictors=("chi_peak",))
    r = dataclasses.replace(tiny, designs=tuple(dataclasses.replace(d, comparison=nan_table) for d in tiny.designs))
    v = chapter.design_verdict(r.main)
    assert v.outcome == "undetermined" and "constant within every row" in v.text
    assert chapter.claim(r).verdict == "undetermined" and chapter.claim(r).key == "undetermined"
    assert "undetermined (note 1)" in chapter.verdict_table(r)
    assert "undetermined (note 1)" in chapter.comparison_table(r.main)


def test_optimum_sentence_counts_rows_by_the_paired_interval(tiny):
    d = tiny.main
    three = np.zeros(3)
    o = dataclasses.replace(d.optima, at_edge=np.zeros(3, bool), ln_best=three, offset={k: three for k in d.optima.offset},
                            closer_low={**d.optima.closer_low, "critical": np.r_[-0.5, 0.1, -0.2]},
                            closer_high={**d.optima.closer_high, "critical": np.r_[-0.1, 0.4, 0.3]})
    text = chapter.optimum_sentence(dataclasses.replace(d, optima=o))
    assert text.startswith("the accuracy optimum is nearer the $\\chi$ peak in 1, nearer $\\chi_1 = 1$ in 1, and "
                           "neither at 95 % in 1 of the 3 drives")
    edge = dataclasses.replace(o, at_edge=np.ones(3, bool))
    assert "in 3 it lies at an end of the grid" in chapter.optimum_sentence(dataclasses.replace(d, optima=edge))


def test_headline_reads_the_paired_differences_and_correlations(tiny):
    h = chapter.headline(tiny)
    names = tiny.main.comparison.names
    assert list(h) == ["Δρ_s digits SGD d8", "Δρ_s digits Adam d8", "Δρ_s digits SGD d10",
                       *(f"ρ_s {k} digits SGD d8" for k in names)]
    for name, pair in h.items():
        assert isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, float) for x in pair), name
        assert pair[1] >= 0 or math.isnan(pair[1]), name
    for d, key in zip(tiny.designs, list(h)[:3]):
        t = d.comparison
        i, j = t.names.index("chi_peak"), t.names.index("critical")
        np.testing.assert_equal(h[key][0], t.diff[i, j])
        np.testing.assert_allclose(h[key][1], (t.diff_high[i, j] - t.diff_low[i, j]) / 2 / 1.959964, rtol=1e-5)
        assert h[key][0] == chapter.design_verdict(d).value or math.isnan(h[key][0])
    t = tiny.main.comparison
    for i, k in enumerate(names):
        np.testing.assert_equal(h[f"ρ_s {k} digits SGD d8"][0], t.rho[i])
    # on known numbers: a paired interval ± 0.1 at 95 % is a 1σ error of 0.1 / 1.96
    known = chapter.headline(_with(tiny, 0.3, 0.0, -0.2))
    assert known["Δρ_s digits SGD d8"] == pytest.approx((0.3, 0.1 / 1.959964))
    assert known["Δρ_s digits SGD d10"] == pytest.approx((-0.2, 0.1 / 1.959964))
    assert known["ρ_s critical digits SGD d8"] == pytest.approx((0.0, 0.2 / 1.959964))
    nan_table = dataclasses.replace(_table(np.nan), undetermined="predictor 'chi_peak' is constant within every row",
                                    undetermined_predictors=("chi_peak",))
    r = dataclasses.replace(tiny, designs=tuple(dataclasses.replace(d, comparison=nan_table) for d in tiny.designs))
    assert all(math.isnan(v) and math.isnan(e) for k, (v, e) in chapter.headline(r).items() if k.startswith("Δρ_s"))
