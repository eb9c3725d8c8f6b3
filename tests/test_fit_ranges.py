"""The range rules of the crackling exponents: the cheap tail exponent (its value is checked by its doctest,
its coverage over networks in tests/test_resampling.py, the rules through the crackling bootstrap in
tests/test_bootstrap.py)."""

from __future__ import annotations

import pytest

from crit.analysis import fit_ranges


def test_the_range_rules_are_the_three_documented():
    assert fit_ranges.RANGE_RULES == ("support", "authors", "quantile")


def test_a_tail_exponent_of_bad_input_raises_and_names_the_value():
    with pytest.raises(ValueError, match="quantile must be < 1"):
        fit_ranges.tail_exponent([1.0, 2.0], discrete=False, quantile=1.5)
    with pytest.raises(ValueError, match="data must be > 0"):
        fit_ranges.tail_exponent([1.0, 0.0], discrete=False)
