"""Known-answer tests of crit.models.theory (mean-field deep information propagation).

The tanh numbers are the tables of ../shared/reference/theory-and-known-answers.md §3 (301-point
Gauss–Hermite quadrature, fixed point to 1e-14, Brent to 1e-12); the rest are closed forms.
"""

import math

import numpy as np
import pytest
from scipy import optimize, special

from crit.models import theory

# σ_b², σ_w²,c, q* at criticality  (notes §3, "Critical line χ₁ = 1")
CRITICAL_LINE = [
    (0.0, 1.000000, 0.0),
    (1e-4, 1.086026, 0.045709),
    (0.01, 1.424205, 0.273301),
    (0.05, 1.760955, 0.570048),
    (0.1, 1.986073, 0.805799),
    (0.3, 2.505127, 1.461169),
    (0.5, 2.843167, 1.971031),
    (1.0, 3.443211, 3.036396),
    (2.0, 4.266395, 4.830586),
]

# σ_w², σ_b², q*, χ₁, c*, σ_w²∫φ'φ' at c*, ξ_c  (notes §3, "Sample points")
SAMPLE_POINTS = [
    (1.0, 0.05, 0.193593, 0.759032, 1.0, 0.759032, 3.627),
    (1.5, 0.05, 0.418037, 0.938636, 1.0, 0.938636, 15.791),
    (2.0, 0.05, 0.721762, 1.047666, 0.744082, 0.961115, 25.213),
    (2.5, 0.05, 1.063958, 1.133516, 0.446804, 0.918717, 11.796),
    (3.0, 0.05, 1.428008, 1.208934, 0.299318, 0.895405, 9.051),
    (4.0, 0.05, 2.195494, 1.342402, 0.165065, 0.866528, 6.980),
    (1.5, 0.3, 0.846175, 0.741833, 1.0, 0.741833, 3.349),
    (2.0, 0.0, 0.617965, 1.105529, 0.0, 0.955011, 21.724),
    (1.0, 1.0, 1.463851, 0.398879, 1.0, 0.398879, 1.088),
]

TOL = 1e-5


# ---------------------------------------------------------------- tanh tables
@pytest.mark.parametrize("sigma_b2, sigma_w2_c, q_c", CRITICAL_LINE)
def test_critical_line_table(sigma_b2, sigma_w2_c, q_c):
    s = theory.critical_sigma_w2(sigma_b2)
    assert abs(s - sigma_w2_c) < TOL
    assert abs(math.sqrt(s) - math.sqrt(sigma_w2_c)) < TOL
    assert abs(theory.q_star(s, sigma_b2) - q_c) < TOL
    assert abs(theory.chi1(s, sigma_b2) - 1.0) < 1e-9


def test_critical_line_vectorised_and_increasing():
    b2 = np.array([row[0] for row in CRITICAL_LINE])
    s = theory.critical_sigma_w2(b2)
    assert s.shape == b2.shape
    np.testing.assert_allclose(s, [row[1] for row in CRITICAL_LINE], atol=TOL, rtol=0)
    assert np.all(np.diff(s) > 0)


@pytest.mark.parametrize("sw, sb, q, chi, c, slope, xi", SAMPLE_POINTS)
def test_sample_points_table(sw, sb, q, chi, c, slope, xi):
    assert abs(theory.q_star(sw, sb) - q) < TOL
    assert abs(theory.chi1(sw, sb) - chi) < TOL
    assert abs(theory.c_star(sw, sb) - c) < TOL
    got = theory.xi_c(sw, sb)
    assert round(got, 3) == pytest.approx(xi, abs=1e-9)
    assert abs(math.exp(-1.0 / got) - slope) < TOL


def test_sample_points_vectorised():
    sw = np.array([row[0] for row in SAMPLE_POINTS])
    sb = np.array([row[1] for row in SAMPLE_POINTS])
    np.testing.assert_allclose(theory.q_star(sw, sb), [r[2] for r in SAMPLE_POINTS], atol=TOL, rtol=0)
    np.testing.assert_allclose(theory.chi1(sw, sb), [r[3] for r in SAMPLE_POINTS], atol=TOL, rtol=0)
    grid = theory.q_star(np.array([[1.0], [2.0]]), np.array([0.05, 0.3]))  # broadcasting
    assert grid.shape == (2, 2)
    assert abs(grid[0, 0] - 0.193593) < TOL


def test_c_star_is_fixed_point_of_correlation_map():
    for sw, sb, *_ in SAMPLE_POINTS:
        if sb > 0:
            c = theory.c_star(sw, sb)
            assert abs(theory.correlation_map(c, sw, sb) - c) < 1e-10
    assert theory.correlation_map(1.0, 2.0, 0.05) == pytest.approx(1.0, abs=1e-12)


def test_chi1_equals_sigma_w2_in_absorbing_phase():
    sw = np.linspace(0.0, 1.0, 11)
    np.testing.assert_allclose(theory.chi1(sw, 0.0), sw, atol=1e-15)
    np.testing.assert_array_equal(theory.q_star(sw, 0.0), 0.0)
    assert theory.chi1(1.2, 0.0) > 1.0  # chaotic just above


def test_xi_c_diverges_on_the_critical_line_and_fixed_point_is_reached():
    s = theory.critical_sigma_w2(0.05)
    assert theory.xi_c(s, 0.05) > 1e5
    assert theory.xi_c(0.0, 0.05) == 0.0
    traj = theory.length_trajectory(2.0, 200, 1.5, 0.05)
    assert traj.shape == (201,)
    assert abs(traj[-1] - 0.418037) < TOL


def test_length_map_matches_a_wide_random_network():
    """Monte Carlo: the per-neuron squared length of a width-1000 tanh network sits at q*."""
    rng = np.random.default_rng(0)
    n, sw, sb = 1000, 1.5, 0.05
    h = rng.standard_normal(n)
    qs = []
    for _ in range(40):
        w = rng.standard_normal((n, n)) * math.sqrt(sw / n)
        h = w @ np.tanh(h) + rng.standard_normal(n) * math.sqrt(sb)
        qs.append(np.mean(h**2))
    assert np.mean(qs[20:]) == pytest.approx(theory.q_star(sw, sb), rel=0.03)


# ---------------------------------------------------------------- other activations
def test_erf_length_map_closed_form():
    # E erf(a x)^2 for x ~ N(0, q) is (2/π) arcsin(2a²q / (1 + 2a²q)); here a² = π/4.
    q = np.array([0.01, 0.3, 1.0, 4.0])
    u = np.pi * q / 2
    np.testing.assert_allclose(theory.length_map(q, 1.0, 0.0, "erf"), 2 / np.pi * np.arcsin(u / (1 + u)),
                               atol=1e-12)


def test_sin_closed_forms():
    # E sin²(√q z) = (1 − e^{−2q})/2 and E cos²(√q z) = (1 + e^{−2q})/2.
    sw, sb = 2.0, 0.1
    q = optimize.brentq(lambda q: sw * (1 - math.exp(-2 * q)) / 2 + sb - q, 1e-9, 10)
    assert theory.q_star(sw, sb, "sin") == pytest.approx(q, abs=1e-10)
    assert theory.chi1(sw, sb, "sin") == pytest.approx(sw * (1 + math.exp(-2 * q)) / 2, abs=1e-10)


@pytest.mark.parametrize("activation", ["erf", "sin"])
def test_smooth_activations_critical_line(activation):
    assert theory.critical_sigma_w2(0.0, activation) == 1.0
    s = theory.critical_sigma_w2(0.2, activation)
    assert abs(theory.chi1(s, 0.2, activation) - 1.0) < 1e-9
    assert theory.chi1(np.array([1.2, 2.0]), 0.0, activation).min() > 1.0


def test_relu_closed_forms():
    assert theory.q_star(1.5, 0.1, "relu") == pytest.approx(0.4, abs=1e-12)
    assert theory.chi1(1.5, 0.1, "relu") == 0.75
    assert theory.critical_sigma_w2(0.0, "relu") == 2.0
    assert theory.c_star(1.5, 0.1, "relu") == 1.0
    assert theory.xi_c(1.5, 0.1, "relu") == pytest.approx(-1 / math.log(0.75))
    assert theory.xi_c(2.5, 0.1, "relu") == math.inf
    assert theory.length_map(0.4, 1.5, 0.1, "relu") == pytest.approx(0.4)
    # arc-cosine kernel at c = 0: E relu(u1) relu(u2) = q / (2π)
    q = 0.4
    assert theory.correlation_map(0.0, 1.5, 0.1, "relu") == pytest.approx((1.5 * q / (2 * np.pi) + 0.1) / q)


def test_relu_has_no_fixed_point_at_or_above_two():
    assert theory.q_star(2.0, 0.1, "relu") == math.inf
    assert theory.q_star(3.0, 0.0, "relu") == math.inf
    assert math.isnan(theory.q_star(2.0, 0.0, "relu"))
    assert theory.q_star(1.0, 0.0, "relu") == 0.0
    with pytest.raises(ValueError, match="sigma_b2"):
        theory.critical_sigma_w2(0.1, "relu")


def test_linear_closed_forms():
    assert theory.q_star(0.5, 0.1, "linear") == pytest.approx(0.2)
    assert theory.chi1(0.5, 0.1, "linear") == 0.5
    assert theory.critical_sigma_w2(0.0, "linear") == 1.0
    np.testing.assert_allclose(theory.length_trajectory(0.1, 3, 1.0, 0.0, "linear"), 0.1)


# ---------------------------------------------------------------- finite width
def test_finite_width_critical_point():
    assert abs(theory.finite_width_critical_sigma_w2(500) - 1.002003) < 1e-6
    for n in (1000, 10_000, 1_000_000):
        assert n * (theory.finite_width_critical_sigma_w2(n) - 1.0) == pytest.approx(1.0, rel=2 / n + 1e-9)
    widths = np.array([100, 300, 500])
    out = theory.finite_width_critical_sigma_w2(widths)
    assert out.shape == (3,) and np.all(np.diff(out) < 0) and np.all(out > 1)
    assert theory.finite_width_critical_sigma_w2(np.int64(500)) == theory.finite_width_critical_sigma_w2(500)


def test_finite_width_drift_matches_chi_square_monte_carlo():
    """Zero drift of ln q: σ_w² E[χ²_N / N] in logs, E ln(χ²_N/N) = ψ(N/2) − ln(N/2)."""
    n = 50
    rng = np.random.default_rng(1)
    x = rng.chisquare(n, size=2_000_000) / n
    drift = np.log(theory.finite_width_critical_sigma_w2(n)) + np.mean(np.log(x))
    assert abs(drift) < 5 * np.std(np.log(x)) / math.sqrt(x.size)
    assert special.digamma(n / 2) - math.log(n / 2) < 0


# ---------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: theory.q_star(-1.0, 0.0), ValueError, "sigma_w2"),
        (lambda: theory.q_star(1.0, -0.1), ValueError, "sigma_b2"),
        (lambda: theory.chi1(float("nan"), 0.0), ValueError, "sigma_w2"),
        (lambda: theory.chi1(1.0, float("inf")), ValueError, "sigma_b2"),
        (lambda: theory.q_star([1.0, -2.0], 0.0), ValueError, "sigma_w2"),
        (lambda: theory.q_star([1.0, float("nan")], 0.0), ValueError, "sigma_w2"),
        (lambda: theory.q_star("1.0", 0.0), TypeError, "sigma_w2"),
        (lambda: theory.chi1(True, 0.0), TypeError, "sigma_w2"),
        (lambda: theory.q_star(1.0, 0.0, "nonsense"), ValueError, "activation"),
        (lambda: theory.chi1(1.0, 0.0, "gelu"), ValueError, "'tanh'"),
        (lambda: theory.critical_sigma_w2(-0.1), ValueError, "sigma_b2"),
        (lambda: theory.critical_sigma_w2(0.05, "hardtanh"), ValueError, "activation"),
        (lambda: theory.critical_sigma_w2(0.1, "linear"), ValueError, "critical line"),
        (lambda: theory.xi_c(1.0, -1.0), ValueError, "sigma_b2"),
        (lambda: theory.c_star(1.0, 0.0, None), ValueError, "activation"),
        (lambda: theory.correlation_map(1.5, 2.0, 0.05), ValueError, "c must"),
        (lambda: theory.correlation_map(0.5, 0.5, 0.0), ValueError, "q\\*"),
        (lambda: theory.length_map(-0.1, 1.0, 0.0), ValueError, "q must"),
        (lambda: theory.length_trajectory(0.1, -1, 1.0, 0.0), ValueError, "depth"),
        (lambda: theory.length_trajectory(0.1, 2.5, 1.0, 0.0), TypeError, "depth"),
        (lambda: theory.finite_width_critical_sigma_w2(0), ValueError, "width"),
        (lambda: theory.finite_width_critical_sigma_w2(-3), ValueError, "width"),
        (lambda: theory.finite_width_critical_sigma_w2(2.5), TypeError, "width"),
        (lambda: theory.finite_width_critical_sigma_w2("500"), TypeError, "width"),
        (lambda: theory.finite_width_critical_sigma_w2([10, 0]), ValueError, "width"),
        (lambda: theory.finite_width_critical_sigma_w2([10, 2.5]), ValueError, "width"),
    ],
)
def test_bad_arguments_raise_with_a_message(call, error, words):
    with pytest.raises(error, match=words):
        call()
