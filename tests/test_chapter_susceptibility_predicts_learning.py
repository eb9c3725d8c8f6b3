"""crit.chapters.susceptibility_predicts_learning: the profiles, compute's checks, a tiny run end to end."""

from __future__ import annotations

import dataclasses

import matplotlib
import numpy as np

from crit.book import style
from crit.chapters import susceptibility_predicts_learning as chapter
from crit.chapters.settings import Grid
from crit.seeds import sub_seed

matplotlib.use("Agg")


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


def test_tiny_compute_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))
    tiny = dataclasses.replace(chapter.PROFILES["ci"], width=8, depth=3, sigma_w2=Grid.geometric(0.5, 4.0, 3),
                               sigma_b2=(0.0, 0.1), seeds=2, steps=10, eval_every=5, refine=2,
                               scan_inputs=300)
    r = chapter.compute(tiny, seed=3, device="cpu")
    n_b, n_w, g = 2, 3, 6
    assert r.settings is tiny and r.seed == 3
    assert len(r.runs) == 2 and r.n_init == g
    assert [run.seed for run in r.runs] == [sub_seed(3, "train", 0), sub_seed(3, "train", 1)]
    assert r.scan.seed == sub_seed(3, "scan")
    assert r.scan.sigma_w2.shape == (5,) and r.scan.sigma_b2.shape == (n_b,)
    assert r.predictors.chi.shape == (g,)
    assert r.ridge_peak.shape == r.ridge_err.shape == r.best_sigma_w2.shape == r.mf_critical.shape == (n_b,)
    assert r.mean_accuracy.shape == (n_b, n_w)
    assert r.score.shape == (2 * g,) and all(v.shape == (2 * g,) for v in r.oriented.values())
    assert r.accuracy.names == r.speed.names == tuple(chapter.PREDICTOR_LABELS)
    assert r.best_predictor in chapter.PREDICTOR_LABELS and 0 <= r.zero_chi_f <= 1
    for table in (chapter.correlation_table(r), chapter.paired_table(r)):
        assert table.startswith("|") and "\\vert" in table
    assert chapter.verdict(r).startswith("The best single predictor")
    style.use()  # registers the seaborn palettes the figures use
    for figure in (chapter.accuracy_map(r), chapter.scatter(r), chapter.learning_curves(r)):
        assert figure.axes
    again = chapter.compute(tiny, seed=3, device="cpu")  # read back from the cache
    np.testing.assert_array_equal(again.score, r.score)
    assert again.scan.wall_time_s == r.scan.wall_time_s
