"""Undetermined results: fits of data without a power-law tail, comparisons with degenerate alternatives.

Criteria (module docstrings of crit.analysis.stats.powerlaw and .compare):

* a fit is undetermined when its maximum-likelihood exponent exceeds ALPHA_LIMIT = 10;
* a lognormal or stretched-exponential comparison is undetermined when the alternative's likelihood
  is largest at its power-law edge; for continuous data, exactly when the log-excesses
  y = ln(x/xmin) have var(y) >= mean(y)^2.
"""

import warnings

import numpy as np
import powerlaw
import pytest
from scipy import stats as sps

from crit.analysis.stats import (
    DegenerateFitWarning,
    LikelihoodRatio,
    PowerLawFit,
    bootstrap_pvalue,
    compare_to,
    fit_power_law,
    sample_power_law,
    support_search,
)
from crit.analysis.stats.powerlaw import ALPHA_LIMIT

# ---- fits ------------------------------------------------------------------------------------------


def test_uniform_on_1_2_has_no_power_law_tail():
    x = np.random.default_rng(0).uniform(1.0, 2.0, 2000)
    fit = fit_power_law(x, discrete=False)
    assert not fit.determined
    assert np.isnan(fit.alpha) and np.isnan(fit.sigma) and np.isnan(fit.tau)
    assert "no power-law tail" in fit.undetermined and "exceeds 10" in fit.undetermined
    # everything else is kept: where the search put xmin, the tail, its KS distance and likelihood
    assert 1.0 < fit.xmin < 2.0 and fit.n_tail >= 10 and fit.n == 2000 and fit.xmin_method == "ks"
    assert 0 < fit.ks < 1 and np.isfinite(fit.loglik)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_discrete_counts_without_a_tail_are_undetermined(seed):
    x = np.random.default_rng(seed).poisson(20, 2000) + 1.0  # Poisson(20): light-tailed counts
    fit = fit_power_law(x, discrete=True)
    assert not fit.determined and np.isnan(fit.alpha) and fit.discrete
    assert fit.xmin == np.round(fit.xmin) and fit.n_tail >= 10


def test_the_criterion_is_the_exponent_bound():
    # log-excesses with mean exactly 1/(alpha - 1): the continuous MLE with xmin = 1 is alpha
    y = sps.expon.ppf((np.arange(500) + 0.5) / 500)
    for alpha, determined in [(ALPHA_LIMIT - 0.01, True), (ALPHA_LIMIT + 0.01, False)]:
        x = np.exp(y / np.mean(y) / (alpha - 1))
        fit = fit_power_law(x, discrete=False, xmin=1.0)
        assert fit.determined is determined
        if determined:
            assert fit.alpha == pytest.approx(alpha, rel=1e-12)
        else:
            assert f"{alpha:.4g}" in fit.undetermined


@pytest.mark.parametrize("discrete", [False, True])
def test_clean_power_laws_stay_determined(discrete):
    x = sample_power_law(2.5, 1.0, 5000, discrete=discrete, rng=3)
    for fit in (fit_power_law(x, discrete=discrete), fit_power_law(x, discrete=discrete, xmin=1.0)):
        assert fit.determined and fit.undetermined == ""
        assert abs(fit.alpha - 2.5) < 4 * fit.sigma


def test_a_steep_but_real_power_law_stays_determined():
    x = sample_power_law(6.0, 1.0, 2000, discrete=False, rng=4)
    fit = fit_power_law(x, discrete=False, xmin=1.0)
    assert fit.determined and abs(fit.alpha - 6.0) < 4 * fit.sigma


def test_flat_truncated_window_is_a_determined_zero_exponent():
    # with xmax, a flat density is the law alpha = 0 on [xmin, xmax], not a missing tail
    x = np.random.default_rng(5).uniform(1.0, 2.0, 5000)
    fit = fit_power_law(x, discrete=False, xmin=1.0, xmax=2.0)
    assert fit.determined and abs(fit.alpha) < 4 * fit.sigma


def test_undetermined_fit_round_trips(tmp_path):
    fit = fit_power_law(np.random.default_rng(0).uniform(1.0, 2.0, 500), discrete=False)
    back = PowerLawFit.load(fit.save(tmp_path / "fit.npz"))
    assert back.undetermined == fit.undetermined and np.isnan(back.alpha) and not back.determined
    good = fit_power_law(sample_power_law(2.0, 1.0, 500, discrete=False, rng=1), discrete=False)
    assert PowerLawFit.load(good.save(tmp_path / "good.npz")).determined


@pytest.mark.parametrize("discrete", [False, True])
@pytest.mark.parametrize(
    "data,exc,msg",
    [
        ([], ValueError, "empty"),
        ([1.0, 2.0, np.nan] * 10, ValueError, "non-finite"),
        ([1.0, 2.0, -3.0] * 10, ValueError, "> 0"),
        ("abc", TypeError, "data"),
        (5.0, TypeError, "data"),
    ],
)
def test_bad_input_still_raises(data, exc, msg, discrete):
    with pytest.raises(exc, match=msg):
        fit_power_law(data, discrete=discrete)


def test_thin_data_still_raise_value_error():
    # the cases callers catch (crit.analysis.universality, crackling via the chapters) are unchanged
    with pytest.raises(ValueError, match="at least 10"):
        fit_power_law(np.arange(1.0, 101.0), discrete=True, xmin=95)
    with pytest.raises(ValueError, match="no candidate xmin"):
        fit_power_law(np.arange(1.0, 8.0), discrete=True)
    with pytest.raises(ValueError, match="left"):  # a discrete exponent beyond the solver's 30
        fit_power_law(np.r_[np.full(500, 10.0), 11.0], discrete=True, xmin=10)


def test_support_search_skips_undetermined_supports():
    # every window of a decade holding 100 points is bunched at its bottom: alpha >> 10
    rng = np.random.default_rng(0)
    x = np.concatenate([1 + rng.exponential(0.01, 3000), [100.0]])
    assert not fit_power_law(x, discrete=False, xmin=x.min(), xmax=100.0).determined
    with pytest.raises(ValueError, match="no power-law range"):
        support_search(x, discrete=False)


def test_bootstrap_refuses_an_undetermined_fit():
    x = np.random.default_rng(0).uniform(1.0, 2.0, 500)
    with pytest.raises(ValueError, match="undetermined"):
        bootstrap_pvalue(x, fit_power_law(x, discrete=False), n_sets=10, rng=0)


def test_compare_to_an_undetermined_fit_is_undetermined_without_warning():
    x = np.random.default_rng(0).uniform(1.0, 2.0, 500)
    fit = fit_power_law(x, discrete=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = compare_to(x, fit, "exponential")
    assert not res.determined and "power-law fit is undetermined" in res.undetermined
    assert np.isnan(res.R) and np.isnan(res.normalized_ratio) and np.isnan(res.p)


# ---- comparisons -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def words():
    x = powerlaw.load_test_dataset("words")
    return x, fit_power_law(x, discrete=True)


def test_words_lognormal_is_degenerate(words):
    x, fit = words
    with pytest.warns(DegenerateFitWarning, match="lognormal"):
        res = compare_to(x, fit, "lognormal")
    assert isinstance(res, LikelihoodRatio) and not res.determined
    assert "power-law limit" in res.undetermined
    assert np.isnan(res.R) and np.isnan(res.normalized_ratio) and np.isnan(res.p)
    # where the optimiser stopped: mu far below ln xmin = 1.95 (about -44 000)
    assert res.params["mu"] < -1000 and res.params["sigma"] > 30
    assert np.isfinite(res.loglik_power_law) and res.loglik_alternative <= res.loglik_power_law + 0.01


def test_words_stretched_exponential_is_degenerate_and_exponential_is_not(words):
    x, fit = words
    with pytest.warns(DegenerateFitWarning, match="beta -> 0"):
        assert not compare_to(x, fit, "stretched_exponential").determined
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = compare_to(x, fit, "exponential")
    assert res.determined and res.normalized_ratio == pytest.approx(9.137, abs=0.01)  # notes §4.1


def test_degenerate_fit_warning_is_a_user_warning():
    assert issubclass(DegenerateFitWarning, UserWarning)
    assert not issubclass(DegenerateFitWarning, RuntimeWarning)


@pytest.mark.parametrize("shape,degenerate", [(0.8, True), (1.25, False)])
def test_continuous_criterion_is_the_dispersion_of_log_excesses(shape, degenerate):
    # y = ln(x / xmin) Gamma-distributed: var(y)/mean(y)^2 = 1/shape, 1.25 (degenerate) or 0.8 (not)
    y = sps.gamma.ppf((np.arange(3000) + 0.5) / 3000, shape)
    x = np.exp(y)
    fit = fit_power_law(x, discrete=False, xmin=1.0)
    for alt in ("lognormal", "stretched_exponential"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = compare_to(x, fit, alt)
        assert res.determined is not degenerate
        assert any(issubclass(w.category, DegenerateFitWarning) for w in caught) is degenerate
        if not degenerate:
            assert res.R < -10 and res.p < 0.01  # lighter than a power law: the alternative wins


@pytest.mark.parametrize(
    "name,factor,discrete", [("terrorism", 1.0, True), ("cities", 1e-3, False), ("blackouts", 1e-3, False)]
)
def test_genuine_lognormal_fits_stay_determined(name, factor, discrete):
    # cities is the closest to the edge (var/mean^2 = 0.987, mu = -100): still a comparison
    x = powerlaw.load_test_dataset(name) * factor
    fit = fit_power_law(x, discrete=discrete)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for alt in ("lognormal", "stretched_exponential"):
            assert compare_to(x, fit, alt).determined


def test_nested_cutoff_at_its_edge_is_a_valid_answer():
    x = sample_power_law(2.0, 1.0, 3000, discrete=False, rng=2)
    fit = fit_power_law(x, discrete=False, xmin=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = compare_to(x, fit, "power_law_cutoff")
    assert res.determined and res.nested and 0 < res.p <= 1
