"""crit.chapters.susceptibility_predicts_learning: the profiles, compute's checks, a tiny run end to end, and
the claim and verdict functions on results with moved numbers."""

from __future__ import annotations

import dataclasses

import matplotlib
import numpy as np
import pytest

from crit.analysis.correlation import CorrelationTable
from crit.book import claims, style
from crit.chapters import susceptibility_predicts_learning as chapter
from crit.chapters.settings import Grid
from crit.seeds import sub_seed

matplotlib.use("Agg")

TINY = dataclasses.replace(chapter.PROFILES["ci"], width=8, depth=3, sigma_w2=Grid.geometric(0.5, 4.0, 3),
                           sigma_b2=(0.0, 0.1), seeds=2, steps=10, eval_every=5, refine=2, scan_inputs=300)


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def tiny(tiny_cache):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CRIT_CACHE_DIR", str(tiny_cache))
        yield chapter.compute(TINY, seed=3, device="cpu")


def _table(rho, half=0.05):
    """A CorrelationTable with the given ρ per predictor (dict), intervals ± 0.1 and paired intervals ± half."""
    names = tuple(chapter.PREDICTOR_LABELS)
    r = np.array([rho.get(k, 0.0) for k in names], float)
    diff = r[:, None] - r[None, :]
    nan = tuple(k for k in names if np.isnan(rho.get(k, 0.0)))
    return CorrelationTable(names=names, rho=r, low=r - 0.1, high=r + 0.1, diff=diff, diff_low=diff - half,
                            diff_high=diff + half, p_not_better=(diff <= 0).astype(float), n=60, n_resamples=100,
                            level=0.95, undetermined="; ".join(f"predictor {k!r} is constant (0) over the 60 "
                                                               "observations" for k in nan),
                            undetermined_predictors=nan)


def _with(results, **rho):
    return dataclasses.replace(results, accuracy=_table(rho))


def test_profiles_hold_todays_values():
    ci, paper = chapter.PROFILES["ci"], chapter.PROFILES["paper"]
    assert (ci.profile, paper.profile) == ("ci", "paper")
    assert (ci.width, ci.depth, ci.seeds, ci.steps, ci.refine, ci.scan_inputs) == (48, 20, 3, 200, 3, 2000)
    assert ci.sigma_w2 == Grid.geometric(0.5, 4.0, 8)
    assert ci.sigma_b2 == (0.0, 0.001, 0.01, 0.03, 0.1, 0.3)
    assert (paper.width, paper.depth, paper.seeds, paper.steps, paper.refine, paper.scan_inputs) == (
        128, 40, 5, 400, 3, 10_000)
    assert paper.sigma_w2 == Grid.geometric(0.5, 4.0, 16)
    assert paper.sigma_b2 == (0.0, 1e-4, 1e-3, 3e-3, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5)
    for p in (ci, paper):
        assert (p.dataset, p.batch_size, p.lr, p.optimizer, p.target_accuracy, p.eval_every,
                p.inputs_per_network) == ("digits", 64, 0.05, "sgd", 0.9, 10, 100)
    # the engine's grid: refine steps per training step, every refine-th point a training value
    np.testing.assert_array_equal(ci.scan_sigma_w2(), np.geomspace(0.5, 4.0, 22))
    np.testing.assert_allclose(ci.scan_sigma_w2()[::3], ci.sigma_w2.values(), rtol=1e-12)
    assert set(chapter.SCOPE) == {"ci", "paper"}
    assert "width 48, depth 20" in chapter.SCOPE["ci"] and "400 steps" in chapter.SCOPE["paper"]


def test_tiny_compute_end_to_end(tiny, tiny_cache):
    r = tiny
    n_b, n_w, g = 2, 3, 6
    assert r.settings is TINY and r.seed == 3
    assert len(r.runs) == 2 and r.n_init == g
    assert [run.seed for run in r.runs] == [sub_seed(3, "train", 0), sub_seed(3, "train", 1)]
    assert r.scan.seed == sub_seed(3, "scan")
    assert r.scan.sigma_w2.shape == (5,) and r.scan.sigma_b2.shape == (n_b,)
    assert r.predictors.chi.shape == (g,)
    assert r.ridge_peak.shape == r.ridge_err.shape == r.best_sigma_w2.shape == r.mf_critical.shape == (n_b,)
    assert r.mean_accuracy.shape == (n_b, n_w) and r.seed_accuracy.shape == (2, n_b, n_w)
    np.testing.assert_allclose(r.seed_accuracy.mean(0), r.mean_accuracy)
    assert r.score.shape == (2 * g,) and all(v.shape == (2 * g,) for v in r.oriented.values())
    assert r.accuracy.names == r.speed.names == tuple(chapter.PREDICTOR_LABELS)
    assert r.best_predictor in chapter.PREDICTOR_LABELS and 0 <= r.zero_chi_f <= 1
    for table in (chapter.correlation_table(r), chapter.paired_table(r)):
        assert table.startswith("|") and "\\vert" in table
    assert chapter.verdict(r).startswith("The largest $\\rho_s$ with the accuracy is that of the")
    assert chapter.claim(r).verdict in claims.VERDICTS
    style.use()  # registers the seaborn palettes the figures use
    for figure in (chapter.accuracy_map(r), chapter.scatter(r), chapter.learning_curves(r)):
        assert figure.axes
    with pytest.MonkeyPatch.context() as mp:  # read back from the cache the fixture wrote
        mp.setenv("CRIT_CACHE_DIR", str(tiny_cache))
        again = chapter.compute(TINY, seed=3, device="cpu")
    np.testing.assert_array_equal(again.score, r.score)
    assert again.scan.wall_time_s == r.scan.wall_time_s


def test_claim_follows_the_paired_interval_of_chi_against_the_best_proximity(tiny):
    better = chapter.claim(_with(tiny, chi=0.8, mf_log=0.5, mf_sigma=0.3, fw_point=-0.2))
    assert (better.verdict, better.number, better.profile, better.chapter) == (
        "reproduced", 3, "ci", "susceptibility_predicts_learning")
    assert better.key == "$\\Delta\\rho_s$ = +0.30 [+0.25, +0.35]" and "is positive" in better.reason
    worse = chapter.claim(_with(tiny, chi=0.4, mf_log=0.9, mf_sigma=0.3))
    assert worse.verdict == "not reproduced" and worse.key.startswith("$\\Delta\\rho_s$ = -0.50")
    # the best proximity is whichever correlates most: here the distance in sigma_w2
    assert chapter.best_proximity(_with(tiny, mf_sigma=0.7, mf_log=0.2)) == "mf_sigma"
    assert chapter.claim(_with(tiny, chi=0.6, mf_sigma=0.7, mf_log=0.2)).verdict == "not reproduced"
    tie = chapter.claim(_with(tiny, chi=0.52, mf_log=0.5))
    assert tie.verdict == "undetermined" and "cannot decide" in tie.reason and "is zero" in tie.reason


def test_claim_and_verdicts_are_undetermined_not_raised_on_nan(tiny):
    nan = float("nan")
    no_chi = _with(tiny, chi=nan, mf_log=0.5)
    c = chapter.claim(no_chi)
    assert c.verdict == "undetermined" and c.key == "undetermined" and "constant" in c.reason
    assert chapter.correlates(no_chi, "chi").outcome == "undetermined"
    assert "cannot be compared with" in chapter.verdict(no_chi)
    assert "undetermined (note 1)" in chapter.correlation_table(no_chi)
    assert "undetermined (note 1)" in chapter.paired_table(no_chi)
    assert "undetermined: $\\chi$" in chapter.ranking(no_chi)
    everything = _with(tiny, **dict.fromkeys(chapter.PREDICTOR_LABELS, nan))
    assert chapter.best_proximity(everything) is None
    assert chapter.claim(everything).verdict == "undetermined"
    assert chapter.verdict(everything).startswith("No predictor's")
    assert chapter.ranking(everything).startswith("not ordered")


def test_ranking_and_correlates_follow_the_numbers(tiny):
    r = _with(tiny, chi=0.3, chi_f=-0.05, mf_sigma=0.6, mf_log=0.9, fw_point=-0.4)
    text = chapter.ranking(r)
    order = [text.index(chapter.PREDICTOR_SYMBOLS[k]) for k in ("mf_log", "mf_sigma", "chi", "chi_f", "fw_point")]
    assert order == sorted(order) and "(1) $-\\vert\\ln\\chi_1\\vert$, 0.90 [0.80, 1.00]" in text
    assert chapter.correlates(r, "chi").outcome == "positive"
    assert chapter.correlates(r, "chi_f").outcome == "zero"
    assert chapter.correlates(r, "fw_point").outcome == "negative"
    assert chapter.paired(r, "mf_log", "chi").outcome == "positive"
    assert "predicts worse than" in chapter.verdict(r)


def _runs_with(results, accuracy=None, curves=None):
    """The results with each run's final accuracy (seeds, G) and/or test curves (seeds, G, n_eval) replaced."""
    runs = tuple(dataclasses.replace(run, **({} if accuracy is None else {"test_accuracy": accuracy[k]}),
                                     **({} if curves is None else {"test_curve": curves[k]}))
                 for k, run in enumerate(results.runs))
    return dataclasses.replace(results, runs=runs)


def test_row_summary_compares_the_ridge_and_the_line_with_the_best(tiny):
    sw = tiny.sigma_w2  # 0.5, 1.41, 4
    acc = np.array([[0.1, 0.9, 0.5, 0.1, 0.2, 0.8], [0.1, 0.92, 0.52, 0.1, 0.22, 0.79]])
    r = dataclasses.replace(_runs_with(tiny, accuracy=acc), ridge_peak=np.array([4.0, np.nan]),
                            ridge_err=np.array([0.1, np.nan]), mf_critical=np.array([sw[1], 4.0]))
    first = chapter.row_summary(r, 0)
    assert first.startswith("the row $\\sigma_b^2 = 0$ has its best mean accuracy, 0.910 ± 0.010")
    assert "the accuracy minus the row's best = -0.400 in each of the 2 seeds" in first
    assert "$\\sigma_w^2 = 1.41$, is the row's best" in first
    last = chapter.row_summary(r, 1)
    assert "the ridge of $\\chi$ is undetermined in this row" in last and "is the row's best" in last
    far = dataclasses.replace(r, ridge_peak=np.array([40.0, 1.0]))
    assert "off the grid" in chapter.row_summary(far, 0)


def test_curves_summary_reads_the_curves_seed_by_seed(tiny):
    n_eval = tiny.runs[0].eval_steps.size  # steps 0, 5, 10
    curves = np.full((2, 6, n_eval), 0.1)
    curves[:, 2] = [[0.1, 0.5, 0.7], [0.12, 0.45, 0.75]]  # the largest sigma_w2 of the row sigma_b2 = 0
    curves[:, 1] = [[0.1, 0.6, 0.9], [0.1, 0.62, 0.93]]
    out = chapter.curves_summary(_runs_with(tiny, curves=curves), sigma_b2=0.0)
    assert "0.100 (the same in every seed) at step 0" in out["smallest"]
    assert "its gain from step 0 to step 10 = 0.000 in each of the 2 seeds" in out["smallest"]
    assert out["largest"].startswith("at the largest $\\sigma_w^2 = 4.00$") and "is positive" in out["largest"]
    assert out["early"].outcome == "positive" and "at step 5" in out["early"].text
    assert out["final"].outcome == "positive"
    assert out["plateau"].outcome == "negative" and "$\\sigma_w^2 = 1.41$" in out["plateau"].text
    flat = chapter.curves_summary(_runs_with(tiny, curves=np.full((2, 6, n_eval), 0.1)))
    assert flat["early"].outcome == "zero"
    with pytest.raises(ValueError, match="not a row"):
        chapter.curves_summary(tiny, sigma_b2=0.5)
