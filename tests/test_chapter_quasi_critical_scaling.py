"""The chapter module of "quasi-critical scaling": its profiles, its compute and its tables."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from crit.analysis import crackling, quasicritical, stats
from crit.book import claims
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


def test_compute_reads_back_from_the_cache(tiny_results, tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))
    first = chapter.compute(TINY, seed=1, device="cpu")
    files = sorted(p.name for p in tmp_path.iterdir())
    assert [f.split("-")[0] for f in files] == ["CracklingAnalysis", "DriveSweep"]
    again = chapter.compute(TINY, seed=1, device="cpu")
    assert again.point.authors.tau_s == first.point.authors.tau_s == tiny_results.point.authors.tau_s
    assert sorted(p.name for p in tmp_path.iterdir()) == files


def test_tables_have_a_row_per_quantity(tiny_results):
    assert len(chapter.comparison_table(tiny_results).splitlines()) >= 2 + 11  # and notes of undetermined cells
    paper = dataclasses.replace(tiny_results, settings=dataclasses.replace(TINY, profile="paper"))
    header = chapter.comparison_table(paper).splitlines()[0]
    assert "authors' notebook" in header
    assert len(chapter.likelihood_ratio_table(tiny_results).splitlines()) == 2 + len(stats.ALTERNATIVES)
    assert chapter.drive_table(tiny_results).splitlines()[3].startswith("| 0.0001 |")
    assert chapter.relation_table(tiny_results).splitlines()[3].startswith("| 0.0001 |")


def test_figures_draw(tiny_results):
    import matplotlib.pyplot as plt

    for fig in (chapter.distributions(tiny_results.point), chapter.collapse(tiny_results.point),
                chapter.drive_exponents(tiny_results.sweep), chapter.exponent_plane(tiny_results.plane_points)):
        assert fig.axes
        plt.close(fig)


# ------------------------------------------------------------------------------------- verdicts and claim


def with_fit(results, fits, **changes):
    """``results`` with fields of ``results.point.<fits>`` (an ExponentSet) replaced."""
    exponents = dataclasses.replace(getattr(results.point, fits), **changes)
    return dataclasses.replace(results, point=dataclasses.replace(results.point, **{fits: exponents}))


def relation(results, fits, gamma, gamma_err=0.01, pred=1.5, pred_err=0.01):
    return with_fit(results, fits, gamma=gamma, gamma_err=gamma_err, gamma_pred=pred, gamma_pred_err=pred_err,
                    undetermined="")


def with_sweep(results, sigma_b2, authors, ours=None, undetermined=None):
    """``results`` with a drive sweep of the given drives and (n, 4, 2) exponents."""
    n = len(sigma_b2)
    sweep = dataclasses.replace(
        results.sweep, sigma_b2=np.asarray(sigma_b2, float), sigma_w2=np.ones(n), sigma_w2_err=np.full(n, 0.01),
        surviving_fraction=np.full(n, 0.5), authors=np.asarray(authors, float),
        ours=np.asarray(authors if ours is None else ours, float), undetermined=undetermined or ("",) * n)
    return dataclasses.replace(results, sweep=sweep)


def exponents(tau_s, tau_d, gamma, gamma_pred, err=0.001):
    """(n, 4, 2) sweep rows from per-drive arrays, every error ``err``."""
    values = np.stack([np.asarray(v, float) for v in (tau_s, tau_d, gamma, gamma_pred)], axis=1)
    return np.stack([values, np.full_like(values, err)], axis=2)


def test_scope_states_every_profile(tiny_results):
    assert set(chapter.SCOPE) == {"ci", "paper"}
    text = claims.profile_statement(chapter.PROFILES["paper"], chapter.PROFILES, chapter.SCOPE, seed=2)
    assert "`paper` profile, seed 2" in text and "width 500" in text
    own = claims.profile_statement(tiny_results.settings, chapter.PROFILES, chapter.SCOPE, seed=1)
    assert "settings of one's own" in own


def test_claim_of_the_tiny_results_rests_on_both_comparisons(tiny_results):
    c = chapter.claim(tiny_results)
    assert isinstance(c, claims.Claim) and c.number == 2 and c.chapter == "quasi_critical_scaling"
    assert c.profile == "ci (settings of one's own)" and c.verdict in claims.VERDICTS
    outcomes = [chapter.crackling_relation(tiny_results.point.ours, "ours").outcome,
                chapter.crackling_relation(tiny_results.point.authors, "authors").outcome]
    expected = ("undetermined" if "undetermined" in outcomes
                else ("not reproduced", "partly reproduced", "reproduced")[outcomes.count("agrees")])
    assert c.verdict == expected
    assert "our fits" in c.reason and "the authors' fits" in c.reason and "$\\gamma$ =" in c.key


@pytest.mark.parametrize(("ours", "authors", "verdict"), [
    (1.5, 1.51, "reproduced"), (1.5, 1.9, "partly reproduced"), (1.9, 1.5, "partly reproduced"),
    (1.9, 1.1, "not reproduced"), (float("nan"), 1.5, "undetermined"),
])
def test_claim_verdict_moves_with_gamma(tiny_results, ours, authors, verdict):
    results = relation(relation(tiny_results, "ours", ours), "authors", authors)
    c = chapter.claim(results)
    assert c.verdict == verdict
    if verdict == "undetermined":
        assert "could not be measured (NaN)" in c.reason


def test_claim_is_undetermined_without_errors(tiny_results):
    results = relation(relation(tiny_results, "ours", 1.5, gamma_err=float("nan"), pred_err=float("nan")),
                       "authors", 1.5)
    c = chapter.claim(results)
    assert c.verdict == "undetermined" and "no finite error" in c.reason


def test_a_nan_prediction_is_undetermined_with_the_fits_reason(tiny_results):
    results = with_fit(tiny_results, "ours", gamma_pred=float("nan"), undetermined="tau_s: 1 value(s) >= xmin")
    v = chapter.crackling_relation(results.point.ours, "ours")
    assert v.outcome == "undetermined" and "tau_s: 1 value(s) >= xmin" in v.text


def test_precision_compares_the_two_errors(tiny_results):
    iid = 0.01
    more = with_fit(tiny_results, "authors", tau_s_err=0.03, tau_s_err_iid=iid)
    same = with_fit(tiny_results, "authors", tau_s_err=0.0101, tau_s_err_iid=iid)
    assert chapter.precision(more).outcome == "differs" and "quenched disorder" in str(chapter.precision(more))
    assert chapter.precision(same).outcome == "agrees" and "counting alone" in str(chapter.precision(same))
    assert chapter.precision(with_fit(tiny_results, "authors", tau_s_err_iid=0.0)).outcome == "undetermined"


def test_conventions_compare_our_exponents_with_the_authors(tiny_results):
    o = tiny_results.point.ours
    near = with_fit(tiny_results, "authors", tau_s=o.tau_s, tau_s_err=0.01)
    far = with_fit(tiny_results, "authors", tau_s=o.tau_s + 1.0, tau_s_err=0.01)
    assert chapter.conventions(near)["tau_s"].outcome == "agrees"
    assert chapter.conventions(far)["tau_s"].outcome == "differs"


def test_goodness_of_fit_reads_each_p_value(tiny_results):
    settings = dataclasses.replace(tiny_results.settings, n_sets=100)
    results = dataclasses.replace(with_fit(tiny_results, "ours", p_s=0.5, p_d=0.0), settings=settings)
    found = chapter.goodness_of_fit(results)
    assert "does not reject" in found["sizes"] and "p = 0.50" in found["sizes"]
    assert "so the test rejects" in found["durations"] and "p < 0.01" in found["durations"]
    assert "undetermined" in chapter.goodness_of_fit(tiny_results)["sizes"]  # n_sets = 0: no test


def test_likelihood_ratios_group_the_alternatives(tiny_results):
    lr = np.array([[5.0, 0.001], [-4.0, 0.01], [0.5, 0.6], [np.nan, np.nan]])
    point = dataclasses.replace(tiny_results.point, lr_sizes=lr, lr_durations=lr)
    text = chapter.likelihood_ratios(dataclasses.replace(tiny_results, point=point))["sizes"]
    alt = [a.replace("_", " ") for a in tiny_results.point.alternatives]
    assert "favoured over an exponential" in text and "favoured over our power-law fit" in text
    assert "no model favoured" in text and "undetermined against" in text, (text, alt)


DRIVES = (0.0, 1e-6, 1e-5, 1e-4)


def test_drift_follows_the_slope_against_the_log_drive(tiny_results):
    x = np.log(np.array(DRIVES[1:]) / 1e-6)
    falling = np.r_[1.5, 1.4 - 0.05 * x]
    results = with_sweep(tiny_results, DRIVES, exponents(falling, falling + 0.3, np.full(4, 1.6), np.full(4, 1.6)))
    d = chapter.drift(results)
    assert d["tau_s"].outcome == "decreases" and d["tau_d"].outcome == "decreases"
    assert d["gamma"].outcome == "no trend"
    c = chapter.change(results)
    assert c["tau_s"].outcome == "differs" and c["gamma"].outcome == "agrees"
    assert "undriven" in c["tau_s"].text
    rows = exponents(falling, falling + 0.3, np.full(4, 1.6), np.full(4, 1.6))
    rows[2] = np.nan
    gap = with_sweep(tiny_results, DRIVES, rows, undetermined=("", "", "our fit: too few avalanches", ""))
    assert chapter.drift(gap)["tau_s"].outcome == "undetermined"
    assert "needs 3 points" in chapter.drift(gap)["tau_s"].undetermined


def test_the_relation_is_counted_drive_by_drive(tiny_results):
    rows = exponents([1.3] * 4, [1.5] * 4, [1.6, 1.6, 1.6, 1.6], [1.6, 1.601, 1.9, 2.2])
    results = with_sweep(tiny_results, DRIVES, rows)
    found = chapter.ridge_relation(results)
    assert [v.outcome for v in found] == ["agrees", "agrees", "differs", "differs"]
    assert "at 2 of the 4 drives" in chapter.verdicts(results)["ridge_authors"]
    table = chapter.relation_table(results)
    assert table.count("within 2") == 2 * 2 and table.count("beyond 2") == 2 * 2
    rows[3] = np.nan
    gap = with_sweep(tiny_results, DRIVES, rows, undetermined=("", "", "", "authors' fit: no avalanche ended"))
    assert "at 2 of the 3 drives" in chapter.verdicts(gap)["ridge_authors"]
    assert "undetermined (note 1)" in chapter.relation_table(gap) and "no avalanche ended" in chapter.relation_table(gap)
    assert "undetermined (note 1)" in chapter.drive_table(gap)


def test_abbm_line_tells_motion_along_the_line_from_motion_off_it(tiny_results):
    tau_s = np.array([1.4, 1.35, 1.3, 1.25])
    on = with_sweep(tiny_results, DRIVES, exponents(tau_s, 2 * tau_s - 1, np.full(4, 2.0), np.full(4, 2.0)))
    a = chapter.abbm_line(on)
    assert "3 of the 3 driven points" in a["line"] and "along the Barkhausen line" in a["pattern"]
    assert a["gamma"].outcome == "agrees" and a["shift"].outcome == "differs"
    off = with_sweep(tiny_results, DRIVES, exponents(tau_s, 2 * tau_s - 0.8, np.full(4, 1.5), np.full(4, 1.5)))
    b = chapter.abbm_line(off)
    assert "0 of the 3" in b["line"] and "lie off the Barkhausen line" in b["pattern"]
    assert b["gamma"].outcome == "differs"
    still = with_sweep(tiny_results, DRIVES, exponents(np.full(4, 1.3), np.full(4, 1.6), np.full(4, 2.0),
                                                       np.full(4, 2.0)))
    assert "no motion" in chapter.abbm_line(still)["pattern"]


def test_reference_classes(tiny_results):
    results = with_fit(tiny_results, "ours", tau_d=1.5, tau_d_err=0.01, gamma=1.7, gamma_err=0.01, undetermined="")
    found = chapter.reference_classes(results)
    assert found["tau_d_brownian_ours"].outcome == "agrees" and found["tau_d_mfdp_ours"].outcome == "differs"
    assert found["gamma_brownian_ours"].outcome == "positive"


NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quasi_critical_scaling.py"


def test_every_sentence_the_notebook_glues_is_computed(tiny_results):
    keys = set(re.findall(r"\{glue:md\}`([a-z_]+):myst`", NOTEBOOK.read_text(encoding="utf-8")))
    found = chapter.verdicts(tiny_results)
    assert keys - {"profile_statement"} <= set(found), sorted(keys - {"profile_statement"} - set(found))
    assert all(str(v).strip() for v in found.values())


def test_nothing_raises_when_every_number_is_nan(tiny_results):
    nan = float("nan")
    results = tiny_results
    for fits in ("ours", "authors"):
        results = with_fit(results, fits, tau_s=nan, tau_d=nan, gamma=nan, gamma_pred=nan, gamma_err=nan,
                           gamma_pred_err=nan, tau_s_err=nan, tau_d_err=nan, distance=nan, p_s=nan, p_d=nan,
                           undetermined="no avalanche ended")
    results = with_sweep(results, DRIVES, np.full((4, 4, 2), nan), undetermined=("ridge of chi_F: flat",) * 4)
    assert chapter.claim(results).verdict == "undetermined"
    found = chapter.verdicts(results)
    for key in ("crackling_ours", "precision", "drift_authors", "change_ours", "ridge_authors", "ratio_ours",
                "abbm_line_authors", "abbm_pattern_ours", "tau_d_mfdp_ours", "gamma_brownian_authors"):
        assert "undetermined" in str(found[key]), key
    assert "no avalanche ended" in str(found["crackling_ours"])
    for table in (chapter.comparison_table(results), chapter.drive_table(results), chapter.relation_table(results)):
        assert "undetermined (note 1)" in table
