"""Verdicts: numbers and errors in, the page's sentence out; undetermined when they cannot decide."""

import math

import numpy as np
import pytest

from crit.analysis import verdicts


def test_compare_agrees_and_differs_at_the_stated_number_of_errors():
    near = verdicts.compare(1.47, 0.02, 1.5, what="x", reference_name="mean field")
    far = verdicts.compare(1.40, 0.02, 1.5, what="x", reference_name="mean field")
    assert near.outcome == "agrees" and near.z == pytest.approx(1.5)
    assert far.outcome == "differs" and far.z == pytest.approx(5.0)
    assert "1.400 ± 0.020" in far.text and "5.0 combined errors" in far.text
    # the reference's own error widens the band
    assert verdicts.compare(1.40, 0.02, 1.5, 0.05).outcome == "agrees"
    # a stricter band turns agreement into difference
    assert verdicts.compare(1.47, 0.02, 1.5, n_sigma=1.0).outcome == "differs"


@pytest.mark.parametrize("value, error, why", [(math.nan, 0.1, "NaN"), (1.0, math.nan, "no finite error"),
                                               (1.0, math.inf, "no finite error"), (1.0, 0.0, "zero error")])
def test_compare_is_undetermined_when_the_numbers_cannot_decide(value, error, why):
    v = verdicts.compare(value, error, 1.0)
    assert v.outcome == "undetermined" and not v.determined and why in v.undetermined
    assert str(v).startswith("undetermined")


def test_bad_input_raises_with_the_value():
    with pytest.raises(ValueError, match="-0.1"):
        verdicts.compare(1.0, -0.1, 1.0)
    with pytest.raises(TypeError, match="str"):
        verdicts.compare("1.0", 0.1, 1.0)
    with pytest.raises(ValueError, match="n_sigma"):
        verdicts.sign(1.0, 0.1, n_sigma=0)
    with pytest.raises(ValueError, match="low <= high"):
        verdicts.interval(0.0, 1.0, -1.0)
    with pytest.raises(ValueError, match="same length"):
        verdicts.trend([1, 2, 3], [1, 2], [1, 1, 1])


def test_sign_and_interval():
    assert verdicts.sign(0.3, 0.1).outcome == "positive"
    assert verdicts.sign(-0.3, 0.1).outcome == "negative"
    assert verdicts.sign(0.1, 0.1).outcome == "zero"
    assert verdicts.interval(0.2, 0.05, 0.4).outcome == "positive"
    assert verdicts.interval(-0.2, -0.4, -0.05).outcome == "negative"
    assert verdicts.interval(0.1, -0.1, 0.3).outcome == "zero"
    assert verdicts.interval(0.1, math.nan, 0.3).outcome == "undetermined"


def test_trend_finds_a_known_slope_and_no_slope():
    x = np.log([32, 64, 128, 256])
    rising = verdicts.trend(x, 0.5 * x + 1, np.full(4, 0.01), what="y", against="ln N")
    assert rising.outcome == "increases" and rising.value == pytest.approx(0.5)
    flat = verdicts.trend(x, np.array([1.0, 1.01, 0.99, 1.0]), np.full(4, 0.05))
    assert flat.outcome == "no trend"
    # scatter beyond the stated errors widens the slope's error (reduced chi^2 > 1)
    noisy = verdicts.trend(x, 0.02 * x + np.array([0, 0.5, -0.5, 0]), np.full(4, 0.01))
    assert noisy.outcome == "no trend"
    assert verdicts.trend(x[:2], x[:2], np.ones(2)).outcome == "undetermined"
    assert verdicts.trend(np.ones(3), np.arange(3.0), np.ones(3)).outcome == "undetermined"


def test_a_verdict_is_a_record():
    v = verdicts.compare(1.4, 0.02, 1.5)
    assert v.outcome in verdicts.OUTCOMES
    with pytest.raises(AttributeError):
        v.outcome = "agrees"  # frozen


def test_fmt_shows_two_significant_digits_of_the_error():
    assert verdicts.fmt(1.23456, 0.0123) == "1.235 ± 0.012"
    assert verdicts.fmt(1.23456, 0.5) == "1.23 ± 0.50"
    assert verdicts.fmt(math.nan) == "NaN"
