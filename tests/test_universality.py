"""The class assignment puts each calibration model of known class in its own class.

Known exponents (τ_s, τ_d, γ): critical branching = mean-field DP (3/2, 2, 2) (Harris 1963; notes
§5.1); random-walk excursion = absorbed free BM (4/3, 3/2, 3/2) (Feller vol. 1 ch. III; notes §5.2);
ABBM with drive c: ((3 − c)/2, 2 − c, 2) (Colaiori, Adv. Phys. 57, 287 (2008); notes §5.3);
1+1-D DP (1.108, 1.159, 1.473) (Muñoz et al., PRE 59, 6175 (1999) with Hinrichsen 2000's δ, θ).
"""

import numpy as np
import pytest

from crit.analysis import finite_size, universality


@pytest.fixture(scope="module")
def calibration():
    return universality.calibration(6000, cap_scale=1.0, rng=np.random.default_rng(0))


def test_each_calibration_model_lands_in_its_own_class(calibration):
    for name, exponents in calibration.items():
        assert universality.classify(exponents).assigned == name, (name, exponents.values)


def test_classification_can_fail():
    """A system far from every class is not assigned, and a swapped reference moves the assignment."""
    e = universality.Exponents("far", 2.5, 0.01, 3.0, 0.01, 3.0, 0.01, 1, 0, 1, 0, (), (), (), 100, 20, 0.0)
    assert universality.classify(e).assigned == "none"
    bm = universality.Exponents("bm", 4 / 3, 0.01, 1.5, 0.01, 1.5, 0.01, 1, 0, 1, 0, (), (), (), 100, 20, 0.0)
    only_dp = {"mean-field DP": universality.REFERENCE_CLASSES["mean-field DP"]}
    assert universality.classify(bm, classes=only_dp).assigned == "none"


def test_extrapolation_and_width_exponent_recover_known_laws():
    n = np.array([32.0, 64, 128, 256])
    a, a_err, b = universality.extrapolate(n, 1.5 - 2.0 / n, np.full(4, 0.01))
    assert abs(a - 1.5) < 1e-9 and abs(b + 2.0) < 1e-9
    slope, _ = universality.power_law_in_width(n, 3 * n**1.5, 0.1 * n)
    assert abs(slope - 1.5) < 1e-9


def test_relu_critical_point_is_the_zero_drift_point():
    """ln σ_c² + E ψ(K/2) − ln(N/2) = 0 by construction; tends to the mean-field value 2."""
    assert abs(finite_size.relu_critical_sigma_w2(4096) - 2.0) < 2e-3
    assert finite_size.relu_critical_sigma_w2(32) > finite_size.relu_critical_sigma_w2(64) > 2.0


def test_calibration_rejects_bad_sizes():
    with pytest.raises(ValueError, match="n_runs"):
        universality.calibration(0, cap_scale=1.0, rng=0)
    with pytest.raises(ValueError, match="cap_scale"):
        universality.calibration(100, cap_scale=0.0, rng=0)
    with pytest.raises(TypeError, match="rng"):
        universality.calibration(100, cap_scale=1.0, rng="seed")
