"""The sweeps that separate the drive from the distance to the critical point (three lines against h), one point
as its simulation then its analysis, and the verdict that states which effect moves an exponent."""

from __future__ import annotations

import numpy as np
import pytest

from crit.analysis import bootstrap as bs
from crit.analysis import drive, drive_lines
from crit.models import avalanches as av
from crit.models import theory
from crit.seeds import sub_seed

TINY = {"width": 16, "depth": 40, "n_inputs": 2000, "inputs_per_network": 100, "n_resamples": 8,
        "gamma_min_count": 10}


def test_bad_drives_raise_and_name_the_value():
    with pytest.raises(ValueError, match="drives must start at 0"):
        drive_lines.separation_plan([0.1, 0.2], [1.0, 1.1], width=16, inputs_per_network=10)
    with pytest.raises(ValueError, match="increase strictly"):
        drive_lines.separation_plan([0.0, 0.2, 0.2], [1.0, 1.1, 1.2], width=16, inputs_per_network=10)
    with pytest.raises(ValueError, match="one sigma_w2 per drive"):
        drive_lines.separation_plan([0.0, 0.2], [1.0], width=16, inputs_per_network=10)
    with pytest.raises(TypeError, match="measure must be callable"):
        drive_lines.drive_separation([0.0, 0.1], [1.0, 1.1], **TINY, measure=3)


def _separation(a, b, c, err=0.01, *, drives=(0.0, 0.1, 0.3), line=(1.05, 1.08, 1.12)):
    """A DriveSeparation whose tau_s (ended) on the three lines is a, b, c with errors err."""
    n = len(drives)
    values = np.full((3, n, 2, 5), 1.5)
    values[..., 0, 0] = [a, b, c]
    errors = np.full((3, n, 2, 5), err)
    zeros = np.zeros((3, n))
    return drive_lines.DriveSeparation(
        values=values, errors=errors, robust_errors=errors, delta_error_independent=np.zeros((3, n, 2)),
        correlation=np.zeros((3, n, 2)), delta_test_errors=np.full((3, n, 2), err),
        sigma_w2=zeros, sigma_b2=zeros, h=zeros, q0=zeros + 0.1, surviving_fraction=zeros,
        inputs_per_network=np.ones((3, n), int), n_recorded=np.ones((3, n), int), n_networks=np.ones((3, n), int),
        width=16, depth=40, n_inputs=100, seed=0, n_resamples=10, range_rule="quantile", undetermined=("",) * 3 * n,
        drives=np.array(drives), line_sigma_w2=np.array(line), sigma_c=1.03,
    )


def test_the_verdict_names_the_effect_that_moves_the_exponent():
    ref = [1.50, 1.50, 1.50]
    # the driven line equals the undriven one at the same sigma_w2, and both move away from sigma_c: distance
    v = drive_lines.drive_verdict(_separation(ref, [1.50, 1.40, 1.30], [1.50, 1.40, 1.30]))
    assert v.outcome == "distance" and v.determined and "distance to the critical point" in v.text
    assert v.distance.outcome == "negative" and v.drive_on_line.outcome == "zero"
    assert v.drive_at_critical.outcome == "no trend"
    # the drive moves it at sigma_c and at fixed sigma_w2, the undriven line stays put: drive
    v = drive_lines.drive_verdict(_separation([1.50, 1.40, 1.30], [1.50, 1.40, 1.30], ref))
    assert v.outcome == "drive" and v.drive_at_critical.outcome == "decreases"
    assert v.drive_on_line.outcome == "negative" and v.distance.outcome == "zero"
    # both
    v = drive_lines.drive_verdict(_separation([1.50, 1.40, 1.30], [1.45, 1.30, 1.15], [1.45, 1.40, 1.35]))
    assert v.outcome == "both"
    # errors overlapping zero everywhere: the numbers cannot tell
    v = drive_lines.drive_verdict(_separation(ref, [1.50, 1.49, 1.48], [1.50, 1.50, 1.49], err=0.05))
    assert v.outcome == "undetermined" and "neither" in v.undetermined and v.text.startswith("undetermined")
    # NaN numbers
    v = drive_lines.drive_verdict(_separation([np.nan] * 3, [np.nan] * 3, [np.nan] * 3))
    assert v.outcome == "undetermined" and "NaN" in v.undetermined
    # the other selection and quantities are read from their own slots (all 1.5 here: nothing moves)
    assert drive_lines.drive_verdict(_separation(ref, ref, ref), "gamma", "all").outcome == "undetermined"
    with pytest.raises(ValueError, match="quantity must be one of"):
        drive_lines.drive_verdict(_separation(ref, ref, ref), "tau")
    with pytest.raises(TypeError, match="DriveSeparation"):
        drive_lines.drive_verdict(object())


def test_a_drive_verdict_round_trips_through_the_cache_format(tmp_path):
    v = drive_lines.drive_verdict(_separation([1.50, 1.40, 1.30], [1.50, 1.40, 1.30], [1.5, 1.5, 1.5]))
    back = drive_lines.DriveVerdict.load(v.save(tmp_path / "v.npz"))
    assert back.outcome == v.outcome and back.text == v.text and back.distance.text == v.distance.text


@pytest.fixture(scope="module")
def separation():
    calls = []

    def counting(**kwargs):
        calls.append(kwargs)
        return drive.measure_point(**kwargs)

    sigma_c = float(theory.finite_width_critical_sigma_w2(16))
    sep = drive_lines.drive_separation([0.0, 0.3, 1.0], [sigma_c, 1.10, 1.15], **TINY, range_rule="authors", seed=3,
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
    assert bs.SELECTIONS == ("ended", "all") and drive_lines.LINES == ("fixed", "quasi-critical", "undriven")
    verdict = drive_lines.drive_verdict(sep, "tau_s", "all")
    assert verdict.outcome in ("drive", "distance", "both", "undetermined")


def test_a_point_is_its_simulation_then_its_analysis(separation):
    sep, calls = separation
    kwargs = calls[1]
    rec = av.simulate(kwargs["width"], kwargs["depth"], kwargs["sigma_w2"],
                      drive.drive_to_sigma_b2(kwargs["h"], kwargs["width"], kwargs["q0"]), n_inputs=kwargs["n_inputs"],
                      q0=kwargs["q0"], inputs_per_network=kwargs["inputs_per_network"], seed=kwargs["seed"])
    point = drive.exponents_of(rec, rng=np.random.default_rng(sub_seed(kwargs["seed"], "network bootstrap")),
                               range_rule="authors", n_resamples=8, gamma_min_count=10)
    assert np.array_equal(point.ended.values, sep.values[0, 1, 0], equal_nan=True)
    assert np.array_equal(point.fit("all").errors, sep.errors[0, 1, 1], equal_nan=True)
    assert point.h == pytest.approx(0.3) and point.fit("ended").selection == "ended"
