"""The phase-diagram chapter: its profiles, a tiny compute end to end, and every verdict on known numbers."""

from __future__ import annotations

import dataclasses
import math
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch

from crit.analysis import phases, transition
from crit.analysis.verdicts import Verdict
from crit.book import claims
from crit.chapters import phase_diagram as chapter
from crit.chapters.settings import Grid
from crit.models.theory import finite_width_critical_sigma_w2


def test_profiles_hold_fixed_depth_ratios_and_the_target():
    ci, paper = chapter.PROFILES["ci"], chapter.PROFILES["paper"]
    assert (ci.profile, paper.profile) == ("ci", "paper")
    assert ci.widths == (16, 32, 64) and paper.widths == (32, 64, 128, 256, 512)
    assert [ci.depth(n) for n in ci.widths] == [32, 64, 128]  # L/N fixed
    assert [paper.depth(n) / n for n in paper.widths] == [2.0] * 5
    assert ci.target(64) == pytest.approx(0.2 / 64) and paper.target(512) == pytest.approx(0.2 / 512)
    assert ci.depth(ci.depth_width, 4.0) == 128 and len(ci.depth_ratios) >= 3 and len(paper.depth_ratios) >= 3
    assert ci.map_drives[0] == 0 and max(ci.map_drives) >= 1 and max(paper.map_drives) >= 1
    assert ci.sweep_sigma_w2 == Grid.linear(0.9, 1.5, 9) and ci.refine_points >= 7
    assert not ci.authors_run and paper.authors_run
    assert (ci.n_inputs // ci.inputs_per_network, paper.n_inputs // paper.inputs_per_network) == (20, 100)


TINY = dataclasses.replace(
    chapter.PROFILES["ci"], widths=(8, 12, 16), depth_ratio=1.0, sweep_sigma_w2=Grid.linear(0.8, 1.6, 5), n_inputs=60,
    inputs_per_network=20, refine_points=7, refine_rounds=2, depth_width=8, depth_ratios=(1.0, 2.0), map_width=8,
    map_sigma_w2=Grid.linear(0.8, 1.4, 5), map_drives=(0.0, 30.0), map_n_inputs=60, map_rounds=1,
)


@pytest.fixture(scope="module")
def tiny():
    saved = torch.get_num_threads()
    with pytest.MonkeyPatch.context() as mp, tempfile.TemporaryDirectory() as cache:
        mp.setenv("CRIT_CACHE_DIR", cache)
        first = chapter.compute(TINY, seed=1, device="cpu")
        again = chapter.compute(TINY, seed=1, device="cpu")  # read back from the cache
        yield first, again, cache
    assert torch.get_num_threads() == saved


def test_compute_on_tiny_settings_returns_every_part(tiny):
    r, again, cache = tiny
    assert r.settings is TINY and r.seed == 1
    assert sorted(r.sweeps) == sorted(r.refined) == sorted(r.refined_survival) == [8, 12, 16]
    assert r.sweeps[12].depth == 12 and r.sweeps[12].common_random_numbers and r.sweeps[12].n_in.shape == (1, 5, 3)
    first_round = r.refined[12].grid[r.refined[12].grid_round == 0]
    np.testing.assert_allclose(first_round, r.sweeps[12].sigma_w2)  # round 0 is the first grid
    assert r.refined[12].target == pytest.approx(0.2 / 12) and r.refined[12].susceptibility == "ended_mean_size"
    assert r.refined_survival[12].susceptibility == "survival_derivative"
    assert r.peaks.width.tolist() == [8, 12, 16] and r.scaling.widths.tolist() == [8, 12, 16]
    assert r.collapse.widths.tolist() == [8, 12, 16]
    assert sorted(r.depth_refined) == [8, 16] and r.depth_sweeps[16].depth == 16
    # the depth sweep at (8, 8) is the width series' run: same networks, same refinement
    assert r.depth_refined[8].peak == r.refined[8].peak or np.isnan(r.refined[8].peak)
    assert r.map_drives.tolist() == [0.0, 30.0] and len(r.map_scans) == len(r.map_refined) == 2
    assert r.map_scans[1].sigma_b2[0] == pytest.approx(30 * chapter.Q0 / 8)  # h = N sigma_b2 / q0
    assert r.map_mean_field[0] == 1.0 and r.map_mean_field[1] > 1.0
    assert r.authors is None and r.authors_peak is None
    assert list(Path(cache).glob("PhaseScan-*.npz"))
    np.testing.assert_array_equal(again.sweeps[16].n_survived, r.sweeps[16].n_survived)
    assert again.refined[16].peak == r.refined[16].peak or np.isnan(r.refined[16].peak)
    x, y, e = chapter.curve_points(r.refined[16])
    assert np.all(np.diff(x) > 0) and x.size == np.unique(np.round(r.refined[16].grid, 12)).size
    for table in (chapter.peaks_table(r), chapter.authors_table(r), chapter.scaling_table(r), chapter.depth_table(r),
                  chapter.map_table(r)):
        assert table.startswith("| ")
    for figure in (chapter.order_parameters(r.sweeps), chapter.susceptibilities(r), chapter.scaling_figure(r),
                   chapter.collapse_figure(r.collapse), chapter.depth_figure(r), chapter.drive_map(r),
                   chapter.authors_run(r.sweeps[8])):
        assert figure.axes


def test_every_sentence_of_tiny_results_is_text(tiny):
    r = tiny[0]
    c = chapter.claim(r)
    assert isinstance(c, claims.Claim) and c.number == 1 and c.chapter == "phase_diagram" and c.profile == "ci"
    assert c.verdict in claims.VERDICTS and c.reason and "$N = 16$" in c.key
    assert chapter.SCOPE.keys() == {"ci", "paper"}
    texts = [chapter.phases_sentence(r), chapter.target_sentence(r), chapter.target_sentence(r, "survival_derivative"),
             chapter.never_ending_sentence(r), chapter.collapse_sentence(r.collapse), chapter.fluctuation_verdict(r),
             chapter.tracking_verdict(r.scaling), *chapter.exponent_verdicts(r.scaling).values(),
             *chapter.depth_verdicts(r).values(), *chapter.map_verdicts(r).values(), chapter.authors_verdict(r)]
    assert all(isinstance(str(t), str) and str(t) for t in texts)
    assert "did not rerun" in str(chapter.authors_verdict(r))


# --- synthetic results ----------------------------------------------------------------------------------------

SIGMA = np.linspace(0.8, 1.6, 9)


def _scan(fraction, ended_size=5.0, *, width=64, networks=10, per_network=100, seed=0, sigma_b2=0.0):
    """A PhaseScan on SIGMA with surviving fraction ``fraction`` and mean ended size ``ended_size`` per point."""
    rng = np.random.default_rng(seed)
    shape = (1, SIGMA.size, networks)
    n_in = np.full(shape, per_network, np.int64)
    survived = rng.binomial(per_network, np.broadcast_to(np.asarray(fraction, float)[None, :, None], shape))
    ended = n_in - survived
    size = np.broadcast_to(np.asarray(ended_size, float), SIGMA.shape)[None, :, None]
    size = size * (1 + 0.02 * rng.standard_normal(shape))
    sum_ended = ended * size
    return phases.PhaseScan(
        sigma_w2=SIGMA, sigma_b2=np.full(1, sigma_b2), n_in=n_in, n_recorded=n_in.copy(), n_survived=survived,
        sum_size=sum_ended + survived * 1000.0, width=width, depth=2 * width, q0=0.1, n_inputs=networks * per_network,
        inputs_per_network=per_network, activation="tanh", seed=seed, device="cpu", versions={}, wall_time_s=0.0,
        n_ended=ended, sum_size_ended=sum_ended, sum_size2_ended=sum_ended * size, common_random_numbers=True)


FRACTION = np.where(SIGMA < 1.0, 0.0, np.clip(1 - np.exp(-5 * (SIGMA - 1.0)), 0, 0.97))


def _refinement(template, peak, err, *, height=5.0, height_err=0.5, reached=True, undetermined=""):
    return dataclasses.replace(template, peak=peak, peak_err=err, height=height, height_err=height_err,
                               reached=reached, undetermined=undetermined)


def _scaling(widths, peak, err, height=None, height_err=None):
    widths = np.asarray(widths)
    height = widths.astype(float) if height is None else np.asarray(height, float)
    height_err = 0.05 * height if height_err is None else height_err
    return transition.peak_scaling(widths, peak, err, height, height_err)


def _tracking_scaling(c=1.0, widths=(8, 12, 16)):
    """Peaks at σ_c(N) + c/N exactly, with errors 0.1/N."""
    w = np.array(widths)
    return _scaling(w, finite_width_critical_sigma_w2(w) + c / w, 0.1 / w)


def _good(tiny_results):
    """Synthetic results that give "reproduced": phases, a peak tracking σ_c(N), a located driven row."""
    r = tiny_results
    template = r.refined[16]
    sweeps = {n: _scan(FRACTION, width=n) for n in r.sweeps}
    refined = {n: _refinement(template, float(finite_width_critical_sigma_w2(n) + 1 / n), 0.1 / n) for n in sweeps}
    return dataclasses.replace(
        r, sweeps=sweeps, refined=refined, refined_survival=refined, scaling=_tracking_scaling(1.0),
        map_drives=np.array([0.0, 0.3]), map_scans=(_scan(FRACTION), _scan(FRACTION, sigma_b2=1e-3)),
        map_refined=(_refinement(template, 1.05, 0.01), _refinement(template, 0.97, 0.01)),
        map_mean_field=np.array([1.0, 1.18]))


def test_claim_is_reproduced_then_partly_then_not_then_undetermined(tiny):
    good = _good(tiny[0])
    v = chapter.order_parameter_verdicts(good)
    assert (v["rho_low"].outcome, v["rho_high"].outcome) == ("zero", "positive")
    assert "from zero (absorbing) to positive (active)" in chapter.phases_sentence(good)
    c = chapter.claim(good)
    assert c.verdict == "reproduced", c.reason
    assert "no trend" in c.reason and "$N = 16$" in c.key

    drifting = dataclasses.replace(good, scaling=_scaling([8, 12, 16], finite_width_critical_sigma_w2(
        np.array([8, 12, 16])) + 0.3, np.full(3, 0.005)))  # a constant shift: N·shift grows
    assert chapter.tracking_verdict(drifting.scaling).outcome == "increases"
    assert chapter.claim(drifting).verdict == "partly reproduced"

    undriven = dataclasses.replace(good, map_refined=(good.map_refined[0], _refinement(
        good.map_refined[1], float("nan"), float("nan"), reached=False, undetermined="the peak is on the edge")))
    assert chapter.map_verdicts(undriven)["line"].outcome == "undetermined"
    assert chapter.claim(undriven).verdict == "partly reproduced"

    alive = dataclasses.replace(good, sweeps={n: _scan(np.maximum(FRACTION, 0.3), width=n) for n in good.sweeps})
    assert chapter.order_parameter_verdicts(alive)["rho_low"].outcome == "positive"
    assert chapter.claim(alive).verdict == "not reproduced"

    no_errors = dataclasses.replace(good, scaling=_scaling([8, 12, 16], good.scaling.peak, np.full(3, np.nan)))
    assert chapter.tracking_verdict(no_errors.scaling).outcome == "undetermined"
    assert chapter.claim(no_errors).verdict == "undetermined"
    two = dataclasses.replace(good, sweeps={n: _scan(FRACTION, width=n, networks=2) for n in good.sweeps})
    assert chapter.claim(two).verdict == "undetermined"
    assert "cannot be told zero or positive" in chapter.phases_sentence(two)


def test_tracking_verdict_gives_c_and_its_sign():
    tracks = chapter.tracking_verdict(_tracking_scaling(1.0))
    assert tracks.outcome == "no trend" and "$c$ = 1.000" in str(tracks) and "is positive" in str(tracks)
    at_critical = chapter.tracking_verdict(_tracking_scaling(0.0))
    assert at_critical.outcome == "no trend" and "is zero within 2 errors" in str(at_critical)
    w = np.array([8, 12, 16])
    faster = _scaling(w, finite_width_critical_sigma_w2(w) + 8 / w**2, np.full(3, 1e-4))  # N·shift = 8/N falls
    assert chapter.tracking_verdict(faster).outcome == "decreases"
    assert chapter.tracking_verdict(_tracking_scaling(1.0, widths=(8, 16))).outcome == "undetermined"


def test_exponent_verdicts_against_the_random_walk_values():
    w = np.array([16, 32, 64, 128])
    exact = _scaling(w, 1 + 2.0 / w, 0.01 / w, height=3.0 * w)
    v = chapter.exponent_verdicts(exact)
    assert v["inv_nu"].outcome == "agrees" and v["gamma_over_nu"].outcome == "agrees"
    assert v["inv_nu"].value == pytest.approx(1.0, abs=1e-9)
    flat = _scaling(w, 1 + 2.0 / w**0.5, 0.01 / w, height=3.0 * w**0.4)
    v = chapter.exponent_verdicts(flat)
    assert v["inv_nu"].outcome == "differs" and v["gamma_over_nu"].outcome == "differs"
    one = _scaling([16], [1.1], [0.01], height=[3.0], height_err=[0.1])
    v = chapter.exponent_verdicts(one)
    assert v["inv_nu"].outcome == v["gamma_over_nu"].outcome == "undetermined"
    assert "needs 2 widths" in v["inv_nu"].undetermined


def test_collapse_sentence_falls_on_one_curve_or_not():
    w = np.array([16, 32, 64])
    x = [np.linspace(0.9, 1.3, 401)] * 3
    curves = [n * np.exp(-((xs - finite_width_critical_sigma_w2(n)) * n) ** 2) for n, xs in zip(w, x, strict=True)]
    errs = [0.05 * c + 0.02 * n for c, n in zip(curves, w, strict=True)]
    good = transition.collapse_curves(w, x, curves, errs, inv_nu=1.0, gamma_over_nu=1.0)
    assert "fall on one curve within about their errors" in chapter.collapse_sentence(good)
    bad = transition.collapse_curves(w, x, curves, errs, inv_nu=1.0, gamma_over_nu=0.3)
    assert "do not fall on one curve" in chapter.collapse_sentence(bad)
    none = transition.collapse_curves(w, x, curves, errs, inv_nu=float("nan"), gamma_over_nu=1.0)
    assert chapter.collapse_sentence(none).startswith("The collapse is undetermined")


def test_target_sentence_names_the_widths_reached_and_why_not(tiny):
    good = _good(tiny[0])
    assert chapter.target_sentence(good).endswith("every width of the page")
    missed = dict(good.refined)
    missed[16] = _refinement(good.refined[16], 1.08, 0.05, reached=False, undetermined="round 2: the error is large")
    some = dataclasses.replace(good, refined=missed)
    text = chapter.target_sentence(some)
    assert "$N = 8$" in text and "not at $N = 16$" in text and "the error is large" in text
    none = dataclasses.replace(good, refined={n: _refinement(r, r.peak, 0.05, reached=False, undetermined="far")
                                              for n, r in good.refined.items()})
    assert "did not reach its target error $0.2/N$ at any width" in chapter.target_sentence(none)


def test_never_ending_sentence_places_chi_against_the_other_peaks(tiny):
    good = _good(tiny[0])
    peaks = dataclasses.replace(good.peaks, response_peak=np.array([1.3, 1.25, 1.2]),
                                response_err=np.array([0.01, 0.01, 0.01]))
    text = chapter.never_ending_sentence(dataclasses.replace(good, peaks=peaks))
    assert text.startswith("At $N = 16$") and "above it" in text and "is positive" in text
    assert "never end carry 99." in text  # survivors weigh 1000 against an ended size of 5 in _scan
    lost = dataclasses.replace(peaks, response_peak=np.array([1.3, 1.25, np.nan]),
                               undetermined=("", "", "chi peak: no maximum"))
    assert "undetermined: chi peak: no maximum" in chapter.never_ending_sentence(dataclasses.replace(good, peaks=lost))
    table = chapter.authors_table(dataclasses.replace(good, peaks=lost))
    assert "undetermined (note 1)" in table and "chi peak: no maximum" in table


def test_depth_verdicts_follow_the_peaks_with_the_depth(tiny):
    good = _good(tiny[0])
    template = good.refined[16]
    critical = float(finite_width_critical_sigma_w2(good.settings.depth_width))
    depths = {8: 0.2, 16: 0.1, 32: 0.05}
    refined = {d: _refinement(template, critical + shift, 0.002) for d, shift in depths.items()}
    peaks = {d: dataclasses.replace(good.peaks, response_peak=np.array([1.4 - 0.05 * k]), response_err=np.array([0.01]))
             for k, d in enumerate(depths)}
    v = chapter.depth_verdicts(dataclasses.replace(good, depth_refined=refined, depth_peaks=peaks))
    assert v["ended"].outcome == "decreases" and v["response"].outcome == "decreases"
    flat = {d: _refinement(template, critical + 0.1, 0.01) for d in depths}
    v = chapter.depth_verdicts(dataclasses.replace(good, depth_refined=flat, depth_peaks=peaks))
    assert v["ended"].outcome == "no trend"
    v = chapter.depth_verdicts(dataclasses.replace(good, depth_refined=dict(list(flat.items())[:2]),
                                                   depth_peaks=dict(list(peaks.items())[:2])))
    assert v["ended"].outcome == "undetermined"


def test_map_verdicts_say_which_rows_are_out_of_range(tiny):
    good = _good(tiny[0])
    v = chapter.map_verdicts(good)
    assert v["range"] == "Every row holds avalanches that end"
    assert v["line"].outcome == "differs" and "below it" in str(v["line"])
    assert v["mean_field"].outcome == "differs" and "below it" in str(v["mean_field"])
    near = dataclasses.replace(good, map_refined=(good.map_refined[0], _refinement(good.map_refined[1], 1.04, 0.01)))
    assert chapter.map_verdicts(near)["line"].outcome == "agrees"
    template = good.map_refined[1]
    lost = _refinement(template, float("nan"), float("nan"), reached=False, undetermined="chi is determined at 0")
    saturated = dataclasses.replace(good, map_drives=np.array([0.0, 0.3, 3.0]),
                                    map_scans=good.map_scans + (_scan(np.ones(SIGMA.size), sigma_b2=0.03),),
                                    map_refined=good.map_refined + (lost,), map_mean_field=np.array([1.0, 1.18, 1.4]))
    v = chapter.map_verdicts(saturated)
    assert v["range"].startswith("Out of range: at $h = 3$") and "9,000 of the 9,000 inputs" in str(v["range"])
    assert v["line"].outcome == "differs"  # the last located driven row, h = 0.3
    table = chapter.map_table(saturated)
    assert "undetermined (note 1)" in table and "out of range at h = 3" in table
    assert "0.000" in table.splitlines()[4]  # no input ended at h = 3


def test_fluctuation_verdict_and_tables_with_undetermined_cells(tiny):
    good = _good(tiny[0])
    assert chapter.fluctuation_verdict(good).outcome in ("no trend", "increases", "decreases")
    two = dataclasses.replace(good, sweeps={n: _scan(FRACTION, width=n, networks=2) for n in good.sweeps})
    assert chapter.fluctuation_verdict(two).outcome == "undetermined"
    missed = dict(good.refined)
    missed[12] = _refinement(good.refined[12], float("nan"), float("nan"), reached=False,
                             undetermined="round 0: chi is constant")
    table = chapter.peaks_table(dataclasses.replace(good, refined=missed))
    assert "undetermined (note 1)" in table and "chi is constant" in table and "yes, " in table
    scaling = chapter.scaling_table(dataclasses.replace(good, scaling_survival=_scaling([16], [1.1], [0.01], [3.0],
                                                                                        [0.1])))
    assert "undetermined (note 1)" in scaling and "needs 2 widths" in scaling


def test_authors_verdict_compares_the_rerun_with_their_peak(tiny):
    r = tiny[0]
    ran = dataclasses.replace(r, authors=r.sweeps[12], authors_peak=1.05, authors_err=0.01)
    assert chapter.authors_verdict(ran).outcome == "agrees"
    assert "width 12, depth 12, 60 inputs per point; `ci` profile" in str(chapter.authors_verdict(ran))
    far = dataclasses.replace(ran, authors_peak=1.2)
    assert chapter.authors_verdict(far).outcome == "differs" and "above it" in str(chapter.authors_verdict(far))
    assert chapter.authors_verdict(dataclasses.replace(ran, authors_err=np.nan)).outcome == "undetermined"


def test_headline_reads_the_peaks_and_exponents_with_their_errors(tiny):
    r = tiny[0]
    h = chapter.headline(r)
    per_width = [f"{k} N={n}" for n in (8, 12, 16) for k in ("S_end peak", "N·shift", "S_end height")]
    assert list(h) == [*per_width, "1/ν (S_end)", "γ/ν (S_end)", "1/ν (dρ/dσ)"]
    for name, pair in h.items():
        assert isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(x, float) for x in pair), name
        assert pair[1] >= 0 or math.isnan(pair[1]), name
    same = np.testing.assert_equal  # NaN == NaN
    for k, n in enumerate((8, 12, 16)):
        same(h[f"S_end peak N={n}"], (r.refined[n].peak, r.refined[n].peak_err))
        same(h[f"S_end height N={n}"], (r.refined[n].height, r.refined[n].height_err))
        same(h[f"N·shift N={n}"], (r.scaling.scaled_shift[k], r.scaling.scaled_shift_err[k]))
        critical = float(finite_width_critical_sigma_w2(n))  # as the peaks table states it
        np.testing.assert_allclose(h[f"N·shift N={n}"], (n * (r.refined[n].peak - critical), n * r.refined[n].peak_err))
    same(h["1/ν (S_end)"], (r.scaling.inv_nu, r.scaling.inv_nu_err))
    same(h["γ/ν (S_end)"], (r.scaling.gamma_over_nu, r.scaling.gamma_over_nu_err))
    same(h["1/ν (dρ/dσ)"], (r.scaling_survival.inv_nu, r.scaling_survival.inv_nu_err))
    g = _good(r)  # synthetic results with every number determined
    g = dataclasses.replace(g, scaling_survival=g.scaling)
    good = chapter.headline(g)
    assert list(good) == list(h) and all(math.isfinite(v) and e > 0 for v, e in good.values())
    assert good["S_end peak N=16"] == (g.refined[16].peak, g.refined[16].peak_err)
    assert good["N·shift N=12"] == pytest.approx((1.0, 0.1))  # peaks at σ_c(N) + 1/N, errors 0.1/N
    undetermined = dataclasses.replace(g, refined={**g.refined, 16: _refinement(g.refined[16], math.nan, math.nan)})
    assert all(math.isnan(x) for x in chapter.headline(undetermined)["S_end peak N=16"])


def _publish_authors(root, monkeypatch, *, code=None, seed=1):
    """Publish the authors' part, shrunk to width 8 so that it runs in a second, as the paper profile's."""
    from crit.book import published

    monkeypatch.setattr(chapter, "_AUTHORS_SIGMA_W2", Grid.linear(0.9, 1.3, 3))
    monkeypatch.setattr(chapter, "_AUTHORS_SCAN", {"sigma_b2": 0.0, "width": 8, "depth": 8, "n_inputs": 60,
                                                   "inputs_per_network": 20})
    scan = chapter.compute_authors("paper", seed=seed, device="cpu")
    run = {"device": "cpu: test", "seconds": 3.0, "date": "2026-12-01 00:00 UTC", "commit": "abc123", "code": code}
    published.publish_record(scan, chapter="phase_diagram", part=chapter.PARTS[0], profile="paper", seed=seed,
                             settings=chapter.PROFILES["paper"], run=run, commit="abc123", root=root)
    return scan


def test_a_published_authors_scan_is_read_not_recomputed(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", tiny[2])  # the rest of the page is read back from the tiny run
    scan = _publish_authors(tmp_path, monkeypatch)
    part, whole = chapter.PARTS
    assert part.name == "authors" and part.record is phases.PhaseScan and part.compute is chapter.compute_authors
    assert whole.name == "chapter"  # the whole page (tests/test_replay.py)
    monkeypatch.setattr(chapter, "compute_authors", lambda *a, **k: pytest.fail("the published scan was recomputed"))
    folder = tmp_path / "results" / "paper"
    r = chapter.compute(TINY, seed=1, device="cpu", published=folder)
    np.testing.assert_array_equal(r.authors.n_in, scan.n_in)
    np.testing.assert_array_equal(r.authors.sigma_w2, scan.sigma_w2)
    assert r.authors_peak is not None and r.settings is TINY and not TINY.authors_run
    np.testing.assert_array_equal(r.refined[12].grid, tiny[0].refined[12].grid)  # the rest: as without
    first, rest = r.sources
    assert first.provenance.device == "cpu: test" and first.stale == "" and rest.provenance is None
    assert rest.profile == "ci" and chapter.claim(r).profile == "ci"  # the claim rests on the ci numbers
    text = claims.profile_statement(r.settings, chapter.PROFILES, chapter.SCOPE, seed=1, sources=r.sources)
    assert "read from the published results" in text and "computed in this build" in text and "abc123" in text
    verdict = chapter.authors_verdict(r)
    assert isinstance(verdict, Verdict) and "`paper` profile, published" in str(verdict)
    # another SEED, other sizes, or no published scan: not this page's scan
    assert chapter._published_authors(folder, 2) is None
    assert chapter._published_authors(tmp_path / "nothing", 1) is None
    monkeypatch.setattr(chapter, "_AUTHORS_SCAN", {**chapter._AUTHORS_SCAN, "depth": 9})
    assert chapter._published_authors(folder, 1) is None


def test_a_published_authors_scan_of_earlier_code_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path / "cache"))
    _publish_authors(tmp_path, monkeypatch, code="0000000000000000")
    _, source = chapter._published_authors(tmp_path / "results" / "paper", 1)
    assert "earlier version" in source.stale and "0000000000000000" in source.stale
    assert "earlier version of this chapter's code" in source.sentence()


def test_compute_authors_checks_its_arguments():
    with pytest.raises(ValueError, match="profile"):
        chapter.compute_authors("huge")
    with pytest.raises((TypeError, ValueError), match="seed"):
        chapter.compute_authors("paper", seed=-1)
