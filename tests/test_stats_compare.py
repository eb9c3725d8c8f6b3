"""Likelihood-ratio tests: Clauset et al. 2009 Tables 5/6 rows, as reproduced with powerlaw 2.0 (notes §4.1)."""

import numpy as np
import powerlaw
import pytest

from crit.analysis.stats import compare_to, fit_power_law, sample_power_law

# name, factor, discrete, alternative, normalised R (powerlaw 2.0), p (powerlaw 2.0), Clauset's (R, p)
ROWS = [
    ("blackouts", 1e-3, False, "lognormal", -0.416, 0.678),  # Clauset -0.412 (0.68)
    ("blackouts", 1e-3, False, "exponential", 1.431, 0.152),  # Clauset 1.21 (0.23), see notes
    ("cities", 1e-3, False, "lognormal", -0.091, 0.927),  # Clauset -0.090 (0.93)
    ("cities", 1e-3, False, "exponential", 3.595, 0.000),  # Clauset 3.65 (0.00)
    ("terrorism", 1.0, True, "lognormal", -0.278, 0.781),  # Clauset -0.278 (0.78)
    ("terrorism", 1.0, True, "exponential", 2.458, 0.014),  # Clauset 2.457 (0.01)
    ("words", 1.0, True, "exponential", 9.137, 0.000),  # Clauset 9.09 (0.00)
]


@pytest.mark.parametrize("name,factor,discrete,alt,R,p", ROWS)
def test_likelihood_ratio_rows(name, factor, discrete, alt, R, p):
    x = powerlaw.load_test_dataset(name) * factor
    res = compare_to(x, fit_power_law(x, discrete=discrete), alt)
    assert res.normalized_ratio == pytest.approx(R, abs=0.01)
    assert res.p == pytest.approx(p, abs=0.005)
    assert not res.nested


def test_cutoff_is_nested_and_detects_a_real_cutoff():
    rng = np.random.default_rng(1)
    x = sample_power_law(1.8, 1.0, 20_000, discrete=False, rng=rng)
    x = x[rng.random(x.size) < np.exp(-x / 50.0)]  # thinning by e^{-x/50}: a true exponential cut-off
    fit = fit_power_law(x, discrete=False, xmin=1.0)
    res = compare_to(x, fit, "power_law_cutoff")
    assert res.nested and res.R < 0 and res.p < 1e-6
    assert res.params["lambda"] == pytest.approx(1 / 50.0, rel=0.3)
    plain = sample_power_law(1.8, 1.0, 5000, discrete=False, rng=2)
    assert compare_to(plain, fit_power_law(plain, discrete=False, xmin=1.0), "power_law_cutoff").p > 0.01


def test_compare_bad_input():
    x = powerlaw.load_test_dataset("blackouts") * 1e-3
    fit = fit_power_law(x, discrete=False)
    with pytest.raises(ValueError, match="alternative"):
        compare_to(x, fit, "gamma")
