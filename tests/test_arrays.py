"""The array helpers against NumPy's own."""

import numpy as np
import pytest

from crit._arrays import sorted_distinct


@pytest.mark.parametrize("n, high", [(0, 5), (1, 5), (7, 3), (3000, 200), (3000, 10**9)])
def test_sorted_distinct_is_numpy_unique(n, high):
    values = np.random.default_rng(n).integers(high, size=n)
    got = sorted_distinct(values)
    np.testing.assert_array_equal(got, np.unique(values))
    assert got.dtype == values.dtype
