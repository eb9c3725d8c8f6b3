"""The phase-diagram chapter: its profiles, its argument checks and a tiny compute end to end."""

from __future__ import annotations

import dataclasses

import numpy as np

from crit.analysis import phases
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
    assert r.map_mean_field[0] == 1.0 and r.sharp_row in (0, 1)
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
    assert "PROFILE = 'paper'" in chapter.authors_summary(r)
    for figure in (chapter.order_parameters(r.sweeps), chapter.susceptibilities(r.sweeps, r.peaks),
                   chapter.susceptibility_map(r.map, r.map_ridge_peak, r.map_ridge_err),
                   chapter.authors_run(r.sweeps[8])):
        assert figure.axes
