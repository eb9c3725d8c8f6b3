"""crit.analysis.learning: the reference lines of each drive, the grid around them, and the predictors."""

from __future__ import annotations

import numpy as np
import pytest

from crit.analysis import learning, phases
from crit.analysis.drive import drive_to_sigma_b2
from crit.models import theory


@pytest.fixture(scope="module")
def scan():
    sw = np.geomspace(0.25, 5.0, 20)
    return phases.scan(sw, drive_to_sigma_b2(np.array([0.0, 0.3, 30.0]), 24, 0.1), width=24, depth=10, n_inputs=900,
                       inputs_per_network=100, seed=1)


def test_references_locate_both_peaks_and_the_exact_line(scan):
    refs = learning.references(scan, rng=np.random.default_rng(0), n_resamples=30)
    np.testing.assert_allclose(refs.h, [0.0, 0.3, 30.0])
    np.testing.assert_allclose(np.exp(refs.ln_sigma_w2["critical"]), theory.critical_sigma_w2(scan.sigma_b2))
    assert refs.ln_sigma_w2["critical"][0] == pytest.approx(0.0, abs=1e-9)  # no bias: chi1 = 1 at sigma_w2 = 1
    # without bias, the ended-avalanche peak sits near the finite-width transition and the authors' chi
    # peak well inside the chaotic side
    assert 0.9 < np.exp(refs.ln_sigma_w2["ended_peak"][0]) < 1.25 < np.exp(refs.ln_sigma_w2["chi_peak"][0])
    assert np.all(refs.ln_sigma_w2_err["chi_peak"][refs.kept] > 0)
    # at h = 30 every input survives: the row is dropped, with the reason
    assert refs.kept.tolist()[:2] == [True, True] and not refs.kept[2]
    assert "avalanches end at" in refs.reasons[2]
    sub = refs.select(refs.kept)
    assert sub.h.tolist() == [0.0, 0.3] and sub.reasons == ("", "")


def test_training_grid_spans_both_lines_with_the_margin(scan):
    refs = learning.references(scan, rng=np.random.default_rng(0), n_resamples=10).select([0, 1])
    grid = learning.training_grid(refs, points=6, margin=0.3)
    assert grid.shape == (2, 6)
    ln = np.log(grid)
    a, b = refs.ln_sigma_w2["chi_peak"], refs.ln_sigma_w2["critical"]
    np.testing.assert_allclose(ln[:, 0], np.minimum(a, b) - 0.3)
    np.testing.assert_allclose(ln[:, -1], np.maximum(a, b) + 0.3)
    np.testing.assert_allclose(np.diff(ln, axis=1), np.diff(ln, axis=1)[:, :1] * np.ones((1, 5)))
    with pytest.raises(ValueError, match="points"):
        learning.training_grid(refs, points=2, margin=0.3)


def test_predictors_are_distances_chi_and_the_correlation_length(scan):
    refs = learning.references(scan, rng=np.random.default_rng(0), n_resamples=10).select([0, 1])
    grid = learning.training_grid(refs, points=5, margin=0.2)
    p = learning.predictors(refs, scan, grid)
    assert set(p) == set(learning.PREDICTORS) and all(v.shape == (2, 5) for v in p.values())
    for k in learning.REFERENCES:
        np.testing.assert_allclose(p[k], -np.abs(np.log(grid) - refs.ln_sigma_w2[k][:, None]))
        assert np.all(p[k] <= 0)
    chi = scan.response_susceptibility()[0][0]
    assert p["chi"][0, 2] == pytest.approx(np.interp(np.log(grid[0, 2]), np.log(scan.sigma_w2), chi))
    xi = theory.xi_c(grid[1, 0], refs.sigma_b2[1])
    assert p["xi_c"][1, 0] == pytest.approx(-scan.depth / xi)
    with pytest.raises(ValueError, match="one row per reference row"):
        learning.predictors(refs, scan, grid[:1])
    with pytest.raises(TypeError, match="PhaseScan"):
        learning.references("scan", rng=np.random.default_rng(0))
