"""One point at several thresholds q0 and with quenched against annealed networks, the verdicts that state
their outcome, and points routed through the chapter's cache."""

from __future__ import annotations

import numpy as np
import pytest

from crit.analysis import drive, verdicts
from crit.analysis import threshold_and_disorder as td
from crit.book.cache import cached_call

TINY = {"width": 16, "depth": 40, "n_inputs": 2000, "inputs_per_network": 100, "n_resamples": 8,
        "gamma_min_count": 10}


def test_bad_thresholds_and_disorder_raise_and_name_the_value():
    with pytest.raises(ValueError, match="thresholds must be > 0"):
        td.threshold_sweep([0.1, -0.01], **TINY)
    with pytest.raises(ValueError, match="inputs_per_network of the quenched run must be >= 2"):
        td.disorder_comparison(**{**TINY, "inputs_per_network": 1})


def test_points_can_be_cached_by_the_chapter(tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))

    def cached(**kwargs):
        return cached_call(drive.PointExponents, drive.measure_point, **kwargs)

    args = {**TINY, "range_rule": "quantile", "seed": 1}
    first = td.disorder_comparison(**args, measure=cached)
    assert len(list(tmp_path.glob("*.npz"))) == 2  # one record per kind (each with its run note)
    again = td.disorder_comparison(**args, measure=cached)
    assert np.array_equal(first.values, again.values, equal_nan=True) and len(list(tmp_path.glob("*.npz"))) == 2
    assert first.kinds == ("quenched", "annealed") and first.inputs_per_network.tolist() == [100, 1]
    assert first.n_networks[1] == TINY["n_inputs"]  # annealed: one network per input
    v = td.disorder_verdict(first, "tau_s")
    assert v.outcome in verdicts.OUTCOMES and "fresh weights" in v.text


def test_a_threshold_sweep_holds_the_drive_fixed():
    sweep = td.threshold_sweep([0.01, 0.1], **TINY, h=0.3, range_rule="quantile", seed=2)
    assert sweep.values.shape == (2, 2, 5) and sweep.thresholds.tolist() == [0.01, 0.1]
    assert np.allclose(sweep.h, 0.3) and np.allclose(sweep.sigma_b2, [0.3 * 0.01 / 16, 0.3 * 0.1 / 16])
    assert np.allclose(sweep.q0, [0.01, 0.1])
    v = td.threshold_verdict(sweep, "tau_s")
    assert v.outcome in ("agrees", "differs", "undetermined") and "q_0 = 0.1" in v.text


def _fields(n=2):
    """ExponentTable fields of ``n`` points: every quantity 1.5 with error 0.01."""
    zeros = np.zeros(n)
    errors = np.full((n, 2, 5), 0.01)
    return {"values": np.full((n, 2, 5), 1.5), "errors": errors, "robust_errors": errors,
            "delta_error_independent": np.zeros((n, 2)), "correlation": np.zeros((n, 2)),
            "delta_test_errors": np.full((n, 2), 0.01), "sigma_w2": zeros,
            "sigma_b2": zeros, "h": zeros, "q0": zeros + 0.1, "surviving_fraction": zeros,
            "inputs_per_network": np.ones(n, int), "n_recorded": np.ones(n, int), "n_networks": np.ones(n, int)}


def test_threshold_and_disorder_verdicts_on_constructed_numbers():
    fields = _fields()
    common = {"width": 16, "depth": 40, "n_inputs": 100, "seed": 0, "n_resamples": 10, "range_rule": "quantile",
              "undetermined": ("", "")}
    fields["values"] = fields["values"].copy()
    fields["values"][:, 0, 0] = [1.30, 1.50]
    two = td.ThresholdSweep(**fields, **common, thresholds=np.array([0.01, 0.1]))
    assert td.threshold_verdict(two).outcome == "differs"
    comp = td.DisorderComparison(**fields, **common, kinds=("quenched", "annealed"))
    assert td.disorder_verdict(comp).outcome == "differs"
    fields["values"][:, 0, 0] = [1.50, 1.51]
    assert td.threshold_verdict(td.ThresholdSweep(**fields, **common, thresholds=np.array([0.01, 0.1]))
                                   ).outcome == "agrees"
    fields["values"][:, 0, 0] = [np.nan, 1.51]
    nan = td.DisorderComparison(**fields, **common, kinds=("quenched", "annealed"))
    assert td.disorder_verdict(nan).outcome == "undetermined"
