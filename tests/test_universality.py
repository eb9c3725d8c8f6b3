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


def test_ratio_of_width_exponents_carries_the_correlation_of_the_cutoffs():
    """Against a Monte Carlo of correlated cut-offs: the error of b_S/b_T shrinks with a positive correlation
    as the simulated spread does, and equals independent propagation at zero correlation."""
    n = np.array([32.0, 64.0, 128.0, 256.0])
    size, duration = 3 * n**1.5, 2 * n
    ratio, err0 = universality.ratio_of_width_exponents(n, size, 0.1 * size, duration, 0.05 * duration, 0.0)
    (b_s, e_s), (b_t, e_t) = (universality.power_law_in_width(n, size, 0.1 * size),
                              universality.power_law_in_width(n, duration, 0.05 * duration))
    assert ratio == pytest.approx(1.5) and err0 == pytest.approx(ratio * np.hypot(e_s / b_s, e_t / b_t))
    rng = np.random.default_rng(0)
    z = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=(4000, 4))
    ratios = [universality.power_law_in_width(n, size * np.exp(0.1 * zk[:, 0]), 0.1 * size)[0]
              / universality.power_law_in_width(n, duration * np.exp(0.05 * zk[:, 1]), 0.05 * duration)[0] for zk in z]
    _, err9 = universality.ratio_of_width_exponents(n, size, 0.1 * size, duration, 0.05 * duration, 0.9)
    assert err9 < err0 / 2
    assert err9 == pytest.approx(np.std(ratios), rel=0.1)
    assert np.isnan(universality.ratio_of_width_exponents(n[:1], size[:1], size[:1], duration[:1], duration[:1], 0)[0])
    with pytest.raises(ValueError, match="correlation"):
        universality.ratio_of_width_exponents(n, size, size, duration, duration, 1.5)


def test_measure_reports_the_correlation_of_the_cutoffs_over_groups():
    from crit.models import exact_models

    a = exact_models.galton_watson(20_000, rng=np.random.default_rng(1))
    e = universality.measure(a.sizes, a.durations.astype(float), groups=a.network, survived=a.survived,
                             discrete_sizes=True, discrete_durations=True, dmin=10.0)
    # larger avalanches in a block raise both S_c and T_c: the correlation is positive
    assert 0 < e.cutoff_correlation <= 1
