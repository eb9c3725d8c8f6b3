"""Display binning: densities must match the analytic law they were drawn from."""

import numpy as np
import pytest

from crit.analysis.stats import ccdf, equal_count_pdf, log_binned_pdf, sample_power_law


def test_log_binned_density_matches_pareto():
    x = sample_power_law(2.5, 1.0, 200_000, discrete=False, rng=1)
    b = log_binned_pdf(x, discrete=False, bins_per_decade=5)
    exact = 1.5 * b.centers**-2.5
    good = b.counts > 2000  # relative Poisson error < 2.2 %; curvature of the pdf within a bin ~1 %
    assert np.max(np.abs(b.density[good] / exact[good] - 1)) < 0.08
    widths = np.diff(b.edges)[np.histogram(x, b.edges)[0] > 0]
    assert np.sum(b.density * widths) == pytest.approx(1.0)


def test_equal_count_bins_hold_min_count():
    x = sample_power_law(2.0, 1.0, 50_000, discrete=False, rng=2)
    b = equal_count_pdf(x, discrete=False, min_count=3000)
    assert np.all(b.counts[:-1] >= 2999)
    d = sample_power_law(2.0, 1.0, 50_000, discrete=True, rng=3)
    bd = equal_count_pdf(d, discrete=True, min_count=4000)
    assert np.all(bd.counts >= 4000)
    assert bd.density[0] == pytest.approx(np.mean(d == 1))  # first bin is the single integer 1


def test_ccdf():
    c = ccdf([1.0, 2.0, 2.0, 5.0])
    np.testing.assert_allclose(c.x, [1, 2, 5])
    np.testing.assert_allclose(c.p, [1.0, 0.75, 0.25])
