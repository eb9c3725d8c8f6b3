"""The phase-diagram chapter: its profiles, its argument checks and a tiny compute end to end."""

from __future__ import annotations

import dataclasses
import tempfile

import numpy as np
import pytest

from crit.analysis import phases
from crit.book import claims
from crit.chapters import phase_diagram as chapter
from crit.chapters.settings import Grid


def test_profiles_hold_todays_sizes():
    ci, paper = chapter.PROFILES["ci"], chapter.PROFILES["paper"]
    assert (ci.profile, paper.profile) == ("ci", "paper")
    assert ci.widths == (32, 64, 128) and paper.widths == (100, 300, 1000)
    assert ci.sweep_sigma_w2 == Grid.linear(0.85, 1.45, 13) and paper.sweep_sigma_w2 == Grid.linear(0.9, 1.4, 26)
    assert ci.map_sigma_w2 == Grid.geometric(0.8, 2.6, 21) and paper.map_sigma_w2.n == 31
    assert (ci.n_inputs, ci.inputs_per_network, ci.map_width, ci.map_depth) == (4000, 100, 48, 96)
    assert (paper.n_inputs, paper.map_width, paper.map_depth, paper.map_n_inputs) == (20_000, 300, 500, 10_000)
    assert not ci.authors_run and paper.authors_run
    assert ci.depth(64) == 64 and paper.depth(300) == 600
    assert ci.narrow_widths == (32, 64, 128) and ci.narrow_offsets == (-0.1, 0.0, 0.1, 0.2, 0.3, 0.45)
    assert (ci.narrow_n_inputs, ci.narrow_inputs_per_network, ci.narrow_depth(64)) == (600, 40, 128)
    assert paper.narrow_widths == (64, 128, 256, 512, 1024) and len(paper.narrow_offsets) == 17
    assert (paper.narrow_n_inputs, paper.narrow_inputs_per_network) == (10_000, 200)


TINY = dataclasses.replace(
    chapter.PROFILES["ci"], widths=(8, 12), sweep_sigma_w2=Grid.linear(0.8, 1.6, 3), n_inputs=150,
    inputs_per_network=50, map_width=8, map_depth=8, map_sigma_w2=Grid.geometric(0.8, 2.0, 3),
    map_sigma_b2=(0.0, 0.01), map_n_inputs=150, narrow_widths=(8, 16), narrow_offsets=(-0.1, 0.0, 0.2),
    narrow_n_inputs=150, narrow_inputs_per_network=50, narrow_depth_per_width=1.0,
)


def test_compute_on_tiny_settings_returns_every_part(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))
    r = chapter.compute(TINY, seed=1, device="cpu")
    assert r.settings is TINY and r.seed == 1
    assert sorted(r.sweeps) == [8, 12] and all(isinstance(s, phases.PhaseScan) for s in r.sweeps.values())
    assert r.sweeps[12].n_in.shape == (1, 3, 3) and r.sweeps[12].depth == 12
    assert r.peaks.width.tolist() == [8, 12] and r.peaks.response_peak.shape == (2,)
    assert 0 <= r.rho_at_one <= r.rho_top <= 1
    assert r.map.n_in.shape == (2, 3, 3)
    assert r.map_ridge_peak.shape == r.map_ridge_err.shape == r.map_mean_field.shape == (2,)
    assert r.map_mean_field[0] == 1.0 and r.sharp_row in (-1, 0, 1)
    assert r.authors is None and r.authors_peak is None
    assert sorted(r.narrow) == [8, 16] and r.narrow[16].depth == 16
    np.testing.assert_allclose(r.narrow[16].sigma_w2, TINY.narrow_sigma_w2(16))
    assert r.narrow_peaks.width.tolist() == [8, 16]
    assert len(list(tmp_path.glob("PhaseScan-*.npz"))) == 2 + 1 + 2
    again = chapter.compute(TINY, seed=1, device="cpu")  # read back from the cache
    np.testing.assert_array_equal(again.map.n_survived, r.map.n_survived)
    np.testing.assert_array_equal(again.map_ridge_peak, r.map_ridge_peak)
    assert chapter.peaks_table(r.narrow_peaks, heights=False).count("\n") == 3
    assert chapter.ridge_table(r).count("\n") == 3
    assert "did not rerun" in chapter.authors_summary(r)
    for figure in (chapter.order_parameters(r.sweeps), chapter.susceptibilities(r.sweeps, r.peaks),
                   chapter.susceptibility_map(r.map, r.map_ridge_peak, r.map_ridge_err),
                   chapter.authors_run(r.sweeps[8])):
        assert figure.axes


# --- verdicts and claim ---------------------------------------------------------------------------------------

SIGMA = np.linspace(0.8, 1.6, 9)


def _scan(fraction, size, *, width=64, networks=10, per_network=100, seed=0):
    """A PhaseScan at σ_b² = 0 on SIGMA with surviving fraction ``fraction`` and mean size ``size`` per point."""
    rng = np.random.default_rng(seed)
    shape = (1, SIGMA.size, networks)
    n_in = np.full(shape, per_network, np.int64)
    survived = rng.binomial(per_network, np.broadcast_to(np.asarray(fraction)[None, :, None], shape))
    sum_size = np.asarray(size)[None, :, None] * per_network * (1 + 0.02 * rng.standard_normal(shape))
    return phases.PhaseScan(
        sigma_w2=SIGMA, sigma_b2=np.zeros(1), n_in=n_in, n_recorded=n_in.copy(), n_survived=survived.astype(np.int64),
        sum_size=sum_size, width=width, depth=2 * width, q0=0.1, n_inputs=networks * per_network,
        inputs_per_network=per_network, activation="tanh", seed=seed, device="cpu", versions={}, wall_time_s=0.0)


FRACTION = np.where(SIGMA < 1.0, 0.0, np.clip(1 - np.exp(-5 * (SIGMA - 1.0)), 0, 0.97))
SIZE = 1000 / (1 + np.exp(-(SIGMA - 1.1) / 0.05)) + 0.1


@pytest.fixture(scope="module")
def tiny():
    with pytest.MonkeyPatch.context() as mp, tempfile.TemporaryDirectory() as cache:
        mp.setenv("CRIT_CACHE_DIR", cache)
        yield chapter.compute(TINY, seed=1, device="cpu")


def _with_sweep(results, scan, **changes):
    sweeps = {scan.width: scan}
    return dataclasses.replace(results, sweeps=sweeps, peaks=phases.peaks(sweeps, rng=np.random.default_rng(0)),
                               **changes)


def test_claim_of_tiny_results_is_a_claim(tiny):
    c = chapter.claim(tiny)
    assert isinstance(c, claims.Claim) and c.number == 1 and c.chapter == "phase_diagram" and c.profile == "ci"
    assert c.verdict in claims.VERDICTS and c.reason and "$N = 12$" in c.key
    assert set(chapter.order_parameter_verdicts(tiny)) == {"rho_low", "rho_high", "size_low", "size_high", "rho_one"}
    assert set(chapter.ridge_verdicts(tiny)) == {"zero", "sharp", "strong"}
    assert "did not rerun" in str(chapter.authors_verdict(tiny)) and "authors_run = False" in chapter.authors_summary(tiny)
    assert chapter.SCOPE.keys() == {"ci", "paper"}


def test_claim_is_reproduced_then_partly_then_not(tiny):
    good = _with_sweep(tiny, _scan(FRACTION, SIZE), map_ridge_peak=np.array([1.1, 1.2]),
                       map_ridge_err=np.array([0.01, 0.02]))
    v = chapter.order_parameter_verdicts(good)
    assert (v["rho_low"].outcome, v["rho_high"].outcome) == ("zero", "positive")
    assert "none of the 1,000 inputs survived" in str(v["rho_low"])
    assert v["rho_one"].outcome == "zero" and v["size_high"].outcome == "positive"
    assert "from zero (absorbing) to positive (active)" in chapter.phases_sentence(good)
    c = chapter.claim(good)
    assert c.verdict == "reproduced", c.reason
    peak = chapter.peak_verdict(good.peaks)
    assert peak.outcome == "differs" and "above it" in str(peak) and "above it" in c.reason
    assert abs(peak.value - 1.1) < 0.05

    blurred = dataclasses.replace(good, map_ridge_err=np.array([0.01, 5.0]))  # the driven ridge not located
    assert chapter.ridge_sharp(good.map.sigma_w2, blurred.map_ridge_peak, blurred.map_ridge_err).tolist() == [True, False]
    assert chapter.claim(blurred).verdict == "partly reproduced"
    assert "Only the undriven ridge" in chapter.ridge_verdicts(blurred)["sharp"]

    alive = _with_sweep(tiny, _scan(np.maximum(FRACTION, 0.3), SIZE))  # survivors at the smallest σ_w²
    assert chapter.order_parameter_verdicts(alive)["rho_low"].outcome == "positive"
    assert chapter.claim(alive).verdict == "not reproduced"


def test_claim_is_undetermined_without_errors(tiny):
    two = _with_sweep(tiny, _scan(FRACTION, SIZE, networks=2))  # the jackknife needs 3 networks
    v = chapter.order_parameter_verdicts(two)
    assert v["rho_high"].outcome == "undetermined" and v["size_low"].outcome == "undetermined"
    c = chapter.claim(two)
    assert c.verdict == "undetermined" and "undetermined" in c.reason
    assert "cannot be told zero or positive" in chapter.phases_sentence(two)


def test_peak_shift_trend_and_its_undetermined_case(tiny):
    p = tiny.peaks
    wider = dataclasses.replace(p, width=np.array([32, 64, 128]), critical=np.array([1.03, 1.016, 1.008]),
                                response_peak=np.array([1.3, 1.15, 1.1]), response_err=np.array([0.02, 0.01, 0.01]))
    assert chapter.peak_shift_trend(wider).outcome == "decreases"
    flat = dataclasses.replace(wider, response_peak=wider.critical + 0.1)
    assert chapter.peak_shift_trend(flat).outcome == "no trend"
    nan = dataclasses.replace(wider, response_err=np.array([np.nan, 0.01, 0.01]))
    assert chapter.peak_shift_trend(nan).outcome == "undetermined"
    assert chapter.peak_verdict(dataclasses.replace(wider, response_peak=np.full(3, np.nan))).outcome == "undetermined"


def test_peak_widths_find_a_half_maximum_or_say_why():
    scans = {64: _scan(FRACTION, SIZE), 32: _scan(FRACTION, 10 * SIGMA, width=32)}  # the second: flat chi
    widths, fwhm, err, why = chapter.peak_widths(scans, rng=np.random.default_rng(0))
    assert widths.tolist() == [32, 64]
    assert np.isnan(fwhm[0]) and "stays above half its maximum" in why[0]
    # chi of a logistic of scale 0.05, sampled every 0.1 and interpolated: a width of order 0.2
    assert 0.1 < fwhm[1] < 0.35 and 0 < err[1] < 0.1 and why[1] == ""


def test_ridge_verdicts_and_tables_with_undetermined_rows(tiny):
    nan = dataclasses.replace(tiny, map_ridge_peak=np.array([np.nan, 1.2]), map_ridge_err=np.array([np.nan, np.nan]))
    r = chapter.ridge_verdicts(nan)
    assert r["zero"].outcome == "undetermined" and r["sharp"].startswith("undetermined")
    assert "undetermined" in r["strong"]
    assert "undetermined (note 1)" in chapter.ridge_table(nan)
    peaks = dataclasses.replace(tiny.peaks, response_peak=np.array([np.nan, 1.1]),
                                undetermined=("chi peak: no maximum", ""))
    table = chapter.peaks_table(peaks)
    assert "undetermined (note 1)" in table and "Note 1: chi peak: no maximum" in table


def test_authors_verdict_compares_the_rerun_with_their_peak(tiny):
    ran = dataclasses.replace(tiny, authors=tiny.sweeps[12], authors_peak=1.05, authors_err=0.01)
    assert chapter.authors_verdict(ran).outcome == "agrees"
    far = dataclasses.replace(ran, authors_peak=1.2)
    assert chapter.authors_verdict(far).outcome == "differs" and "above it" in str(chapter.authors_verdict(far))
    assert chapter.authors_verdict(dataclasses.replace(ran, authors_err=np.nan)).outcome == "undetermined"


def test_ridge_verdicts_of_an_undriven_map(tiny):
    m = tiny.map
    one = dataclasses.replace(m, sigma_b2=m.sigma_b2[:1], n_in=m.n_in[:1], n_recorded=m.n_recorded[:1],
                              n_survived=m.n_survived[:1], sum_size=m.sum_size[:1])
    undriven = dataclasses.replace(tiny, map=one, map_ridge_peak=np.array([1.2]), map_ridge_err=np.array([0.01]),
                                   map_mean_field=np.ones(1))
    assert "no driven row" in chapter.ridge_verdicts(undriven)["sharp"]
    assert "not located to better than one grid step at any drive" in chapter.claim(undriven).reason
