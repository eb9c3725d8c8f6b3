"""The dimensionless drive, the sweeps that separate the drive from the distance to the critical point,
the threshold and disorder comparisons, and the verdicts that state their outcome."""

from __future__ import annotations

import numpy as np
import pytest

from crit.analysis import bootstrap as bs
from crit.analysis import drive, quasicritical, verdicts
from crit.book.cache import cached_call
from crit.models import avalanches as av
from crit.models import theory

TINY = {"width": 16, "depth": 40, "n_inputs": 2000, "inputs_per_network": 100, "n_resamples": 8,
        "gamma_min_count": 10}


def test_the_drive_round_trips_and_is_the_bias_share_of_the_threshold():
    assert drive.drive_from_sigma_b2(1e-4, 100, 0.1) == pytest.approx(0.1)
    assert drive.drive_to_sigma_b2(0.1, 100, 0.1) == pytest.approx(1e-4)
    assert drive.drive_from_sigma_b2(1e-2, 48, 0.1) == pytest.approx(4.8)  # the rows where every input survives
    h = np.array([0.0, 1e-3, 0.3, 2.0])
    for width, q0 in ((16, 0.01), (100, 0.1), (500, 0.1)):
        back = drive.drive_from_sigma_b2(drive.drive_to_sigma_b2(h, width, q0), width, q0)
        assert isinstance(back, np.ndarray) and np.allclose(back, h, rtol=1e-14, atol=0)
    assert isinstance(drive.drive_to_sigma_b2(0.5, 10, 0.1), float)
    # h = N sigma_b^2 / q0 is the bias's share of ||h||^2 per layer: the bias alone adds N sigma_b^2
    width, q0, h_value = 200, 0.1, 0.5
    sigma_b2 = drive.drive_to_sigma_b2(h_value, width, q0)
    b = np.random.default_rng(0).normal(0, np.sqrt(sigma_b2), (4000, width))
    assert np.mean(np.sum(b**2, axis=1)) / q0 == pytest.approx(h_value, rel=0.01)


def test_bad_drives_raise_and_name_the_value():
    with pytest.raises(ValueError, match="h must be >= 0"):
        drive.drive_to_sigma_b2(-0.1, 10, 0.1)
    with pytest.raises(ValueError, match="sigma_b2 contains 1 non-finite"):
        drive.drive_from_sigma_b2([0.1, np.nan], 10, 0.1)
    with pytest.raises(ValueError, match="q0 must be > 0"):
        drive.drive_to_sigma_b2(0.1, 10, 0.0)
    with pytest.raises(ValueError, match="width must be an integer >= 1"):
        drive.drive_from_sigma_b2(0.1, 0, 0.1)
    with pytest.raises(ValueError, match="drives must start at 0"):
        drive.separation_plan([0.1, 0.2], [1.0, 1.1], width=16, inputs_per_network=10)
    with pytest.raises(ValueError, match="increase strictly"):
        drive.separation_plan([0.0, 0.2, 0.2], [1.0, 1.1, 1.2], width=16, inputs_per_network=10)
    with pytest.raises(ValueError, match="one sigma_w2 per drive"):
        drive.separation_plan([0.0, 0.2], [1.0], width=16, inputs_per_network=10)
    with pytest.raises(ValueError, match="thresholds must be > 0"):
        drive.threshold_sweep([0.1, -0.01], **TINY)
    with pytest.raises(ValueError, match="inputs_per_network of the quenched run must be >= 2"):
        drive.disorder_comparison(**{**TINY, "inputs_per_network": 1})
    with pytest.raises(TypeError, match="measure must be callable"):
        drive.drive_separation([0.0, 0.1], [1.0, 1.1], **TINY, measure=3)


def _separation(a, b, c, err=0.01, *, drives=(0.0, 0.1, 0.3), line=(1.05, 1.08, 1.12)):
    """A DriveSeparation whose tau_s (ended) on the three lines is a, b, c with errors err."""
    n = len(drives)
    values = np.full((3, n, 2, 5), 1.5)
    values[..., 0, 0] = [a, b, c]
    errors = np.full((3, n, 2, 5), err)
    zeros = np.zeros((3, n))
    return drive.DriveSeparation(
        values=values, errors=errors, robust_errors=errors, delta_error_independent=np.zeros((3, n, 2)), correlation=np.zeros((3, n, 2)),
        sigma_w2=zeros, sigma_b2=zeros, h=zeros, q0=zeros + 0.1, surviving_fraction=zeros,
        inputs_per_network=np.ones((3, n), int), n_recorded=np.ones((3, n), int), n_networks=np.ones((3, n), int),
        width=16, depth=40, n_inputs=100, seed=0, n_resamples=10, range_rule="quantile", undetermined=("",) * 3 * n,
        drives=np.array(drives), line_sigma_w2=np.array(line), sigma_c=1.03,
    )


def test_the_verdict_names_the_effect_that_moves_the_exponent():
    ref = [1.50, 1.50, 1.50]
    # the driven line equals the undriven one at the same sigma_w2, and both move away from sigma_c: distance
    v = drive.drive_verdict(_separation(ref, [1.50, 1.40, 1.30], [1.50, 1.40, 1.30]))
    assert v.outcome == "distance" and v.determined and "distance to the critical point" in v.text
    assert v.distance.outcome == "negative" and v.drive_on_line.outcome == "zero"
    assert v.drive_at_critical.outcome == "no trend"
    # the drive moves it at sigma_c and at fixed sigma_w2, the undriven line stays put: drive
    v = drive.drive_verdict(_separation([1.50, 1.40, 1.30], [1.50, 1.40, 1.30], ref))
    assert v.outcome == "drive" and v.drive_at_critical.outcome == "decreases"
    assert v.drive_on_line.outcome == "negative" and v.distance.outcome == "zero"
    # both
    v = drive.drive_verdict(_separation([1.50, 1.40, 1.30], [1.45, 1.30, 1.15], [1.45, 1.40, 1.35]))
    assert v.outcome == "both"
    # errors overlapping zero everywhere: the numbers cannot tell
    v = drive.drive_verdict(_separation(ref, [1.50, 1.49, 1.48], [1.50, 1.50, 1.49], err=0.05))
    assert v.outcome == "undetermined" and "neither" in v.undetermined and v.text.startswith("undetermined")
    # NaN numbers
    v = drive.drive_verdict(_separation([np.nan] * 3, [np.nan] * 3, [np.nan] * 3))
    assert v.outcome == "undetermined" and "NaN" in v.undetermined
    # the other selection and quantities are read from their own slots (all 1.5 here: nothing moves)
    assert drive.drive_verdict(_separation(ref, ref, ref), "gamma", "all").outcome == "undetermined"
    with pytest.raises(ValueError, match="quantity must be one of"):
        drive.drive_verdict(_separation(ref, ref, ref), "tau")
    with pytest.raises(TypeError, match="DriveSeparation"):
        drive.drive_verdict(object())


def test_a_drive_verdict_round_trips_through_the_cache_format(tmp_path):
    v = drive.drive_verdict(_separation([1.50, 1.40, 1.30], [1.50, 1.40, 1.30], [1.5, 1.5, 1.5]))
    back = drive.DriveVerdict.load(v.save(tmp_path / "v.npz"))
    assert back.outcome == v.outcome and back.text == v.text and back.distance.text == v.distance.text


@pytest.fixture(scope="module")
def separation():
    calls = []

    def counting(**kwargs):
        calls.append(kwargs)
        return drive.measure_point(**kwargs)

    sigma_c = float(theory.finite_width_critical_sigma_w2(16))
    sep = drive.drive_separation([0.0, 0.3, 1.0], [sigma_c, 1.10, 1.15], **TINY, range_rule="authors", seed=3,
                                 measure=counting)
    return sep, calls


def test_a_drive_separation_measures_three_lines_both_ways(separation):
    sep, calls = separation
    sigma_c = float(theory.finite_width_critical_sigma_w2(16))
    assert sep.values.shape == sep.errors.shape == (3, 3, 2, 5) and sep.sigma_c == pytest.approx(sigma_c)
    assert np.allclose(sep.sigma_w2[0], sigma_c) and np.allclose(sep.sigma_w2[1:], [[sigma_c, 1.10, 1.15]] * 2)
    assert np.allclose(sep.h[:2], [[0.0, 0.3, 1.0]] * 2) and np.all(sep.h[2] == 0)
    assert np.allclose(sep.sigma_b2, drive.drive_to_sigma_b2(sep.h.ravel(), 16, 0.1).reshape(3, 3))
    # sigma_w2(0) = sigma_c: the fixed, quasi-critical and undriven points at h = 0 are one run
    assert len(calls) == 3 * 3 - 2
    assert np.array_equal(sep.values[0, 0], sep.values[2, 0], equal_nan=True)
    # the drive keeps inputs alive: more never-ending avalanches at sigma_c as h grows
    assert sep.surviving_fraction[0, 0] < sep.surviving_fraction[0, 1] < sep.surviving_fraction[0, 2]
    # the never-ending ones are counted in the second selection only
    tau_ended, _ = sep.value("tau_s", "ended")
    tau_all, _ = sep.value("tau_s", "all")
    assert tau_ended.shape == (3, 3) and not np.allclose(tau_ended, tau_all, equal_nan=True)
    verdict = drive.drive_verdict(sep, "tau_s", "all")
    assert verdict.outcome in ("drive", "distance", "both", "undetermined")


def test_a_point_is_its_simulation_then_its_analysis(separation):
    sep, calls = separation
    kwargs = calls[1]
    rec = av.simulate(kwargs["width"], kwargs["depth"], kwargs["sigma_w2"],
                      drive.drive_to_sigma_b2(kwargs["h"], kwargs["width"], kwargs["q0"]), n_inputs=kwargs["n_inputs"],
                      q0=kwargs["q0"], inputs_per_network=kwargs["inputs_per_network"], seed=kwargs["seed"])
    from crit.seeds import sub_seed

    point = drive.exponents_of(rec, rng=np.random.default_rng(sub_seed(kwargs["seed"], "network bootstrap")),
                               range_rule="authors", n_resamples=8, gamma_min_count=10)
    assert np.array_equal(point.ended.values, sep.values[0, 1, 0], equal_nan=True)
    assert np.array_equal(point.fit("all").errors, sep.errors[0, 1, 1], equal_nan=True)
    assert point.h == pytest.approx(0.3) and point.fit("ended").selection == "ended"


def test_points_can_be_cached_by_the_chapter(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))

    def cached(**kwargs):
        return cached_call(drive.PointExponents, drive.measure_point, **kwargs)

    args = {**TINY, "range_rule": "quantile", "seed": 1}
    first = drive.disorder_comparison(**args, measure=cached)
    assert len(list(tmp_path.iterdir())) == 2
    again = drive.disorder_comparison(**args, measure=cached)
    assert np.array_equal(first.values, again.values, equal_nan=True) and len(list(tmp_path.iterdir())) == 2
    assert first.kinds == ("quenched", "annealed") and first.inputs_per_network.tolist() == [100, 1]
    assert first.n_networks[1] == TINY["n_inputs"]  # annealed: one network per input
    v = drive.disorder_verdict(first, "tau_s")
    assert v.outcome in verdicts.OUTCOMES and "fresh weights" in v.text


def test_a_threshold_sweep_holds_the_drive_fixed():
    sweep = drive.threshold_sweep([0.01, 0.1], **TINY, h=0.3, range_rule="quantile", seed=2)
    assert sweep.values.shape == (2, 2, 5) and sweep.thresholds.tolist() == [0.01, 0.1]
    assert np.allclose(sweep.h, 0.3) and np.allclose(sweep.sigma_b2, [0.3 * 0.01 / 16, 0.3 * 0.1 / 16])
    assert np.allclose(sweep.q0, [0.01, 0.1])
    v = drive.threshold_verdict(sweep, "tau_s")
    assert v.outcome in ("agrees", "differs", "undetermined") and "q_0 = 0.1" in v.text


def test_threshold_and_disorder_verdicts_on_constructed_numbers():
    base = _separation([1.5] * 3, [1.5] * 3, [1.5] * 3)
    fields = {k: getattr(base, k)[0, :2] for k in ("values", "errors", "robust_errors", "delta_error_independent",
                                                   "correlation",
                                                   "sigma_w2", "sigma_b2", "h", "q0", "surviving_fraction",
                                                   "inputs_per_network", "n_recorded", "n_networks")}
    common = {"width": 16, "depth": 40, "n_inputs": 100, "seed": 0, "n_resamples": 10, "range_rule": "quantile",
              "undetermined": ("", "")}
    fields["values"] = fields["values"].copy()
    fields["values"][:, 0, 0] = [1.30, 1.50]
    two = drive.ThresholdSweep(**fields, **common, thresholds=np.array([0.01, 0.1]))
    assert drive.threshold_verdict(two).outcome == "differs"
    comp = drive.DisorderComparison(**fields, **common, kinds=("quenched", "annealed"))
    assert drive.disorder_verdict(comp).outcome == "differs"
    fields["values"][:, 0, 0] = [1.50, 1.51]
    assert drive.threshold_verdict(drive.ThresholdSweep(**fields, **common, thresholds=np.array([0.01, 0.1]))
                                   ).outcome == "agrees"
    fields["values"][:, 0, 0] = [np.nan, 1.51]
    nan = drive.DisorderComparison(**fields, **common, kinds=("quenched", "annealed"))
    assert drive.disorder_verdict(nan).outcome == "undetermined"


def test_the_old_drive_sweep_reports_its_dimensionless_drives():
    sweep = quasicritical.DriveSweep(sigma_b2=np.array([0.0, 1e-4]), sigma_w2=np.ones(2), sigma_w2_err=np.zeros(2),
                                     surviving_fraction=np.zeros(2), ours=np.zeros((2, 4, 2)),
                                     authors=np.zeros((2, 4, 2)), width=100, depth=200, n_inputs=10, seed=0,
                                     wall_time_s=0.0)
    assert np.allclose(sweep.drives(), [0.0, 0.1])
    assert bs.SELECTIONS == ("ended", "all") and drive.LINES == ("fixed", "quasi-critical", "undriven")
