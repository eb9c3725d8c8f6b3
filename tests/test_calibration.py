"""The calibration as used (crit.analysis.calibration): every exact model, at sizes like the networks',
through the networks' pipeline and class assignment.

Sizes of the test: 1500 avalanches per sample with an exponential cut-off at x_c = 200 steps (the
networks' CI widths have about 1000–2000 ended avalanches and T_c ≈ 100–800 layers), 10 samples per
model. The threshold: each model is assigned to its own class in at least 5 of 10 samples among the
four classes that have an exact model. With all five candidate classes the random walk and ABBM are
not: the literature's short-range Barkhausen class cannot be separated from free BM or from ABBM at
c = 1/2 by τ_s, τ_d and γ at 2σ (tests/test_classes.py), and the calibration says so in its reasons.
"""

import numpy as np
import pytest

from crit.analysis import calibration, verdicts
from crit.analysis.calibration import MODELS
from crit.analysis.pipeline import PIPELINE

THRESHOLD = 0.5


@pytest.fixture(scope="module")
def cal():
    return calibration.calibrate(PIPELINE, repetitions=10, n_avalanches=1500, cutoff=200.0,
                                 rng=np.random.default_rng(2026))


def test_every_exact_model_is_recovered_by_the_networks_pipeline(cal):
    assert cal.models == tuple(MODELS) and cal.true_classes == tuple(MODELS.values())
    rates = dict(zip(cal.models, cal.recovery_rate("exact"), strict=True))
    assert all(r >= THRESHOLD for r in rates.values()), rates
    # the errors are binomial and never zero
    assert np.all(cal.recovery_error("exact") > 0) and np.all(cal.recovery_error("exact") < 0.2)
    # the samples really have the cut-off asked for: T_c ≈ (3 − τ_d) x_c
    for i, model in enumerate(cal.models):
        expected = (3 - cal.exact[i, 1]) * cal.cutoff
        assert 0.5 * expected < np.nanmean(cal.duration_cutoff[i]) < 1.5 * expected, model


def test_against_every_candidate_the_barkhausen_degeneracy_is_the_reason(cal):
    walk = cal.models.index("random-walk excursions")
    assert cal.recovery_rate("all")[walk] < cal.recovery_rate("exact")[walk]
    reasons = cal.reasons_of("random-walk excursions")
    assert reasons and all("short-range Barkhausen" in r or "not separated" in r for r in reasons)


def test_exponents_and_verdicts(cal):
    assert cal.measured.shape == cal.errors.shape == (4, 10, 3) and cal.exact.shape == (4, 3)
    assert np.all(np.isfinite(cal.mean)) and np.all(cal.spread > 0)
    # τ_s within 0.1 of the exact values at these sizes, γ within 0.25 (a critical tree's ⟨S⟩(T) steepens
    # slowly towards T²: slopes 1.77–1.91 on T ≤ 200, notes §4.4)
    assert np.all(np.abs(cal.bias[:, [0, 2]]) < 0.25), cal.bias
    assert np.all(np.abs(cal.bias[:, 0]) < 0.1), cal.bias
    # the systematic the networks get is the largest bias, with the noise of the mean removed
    worst = np.sqrt(np.maximum(cal.bias**2 - cal.bias_error**2, 0)).max(axis=0)
    assert [cal.systematic[k] for k in cal.statistics] == pytest.approx(np.maximum(np.round(worst, 3), 0.01))
    for model in cal.models:
        v = cal.exponent_verdicts(model)
        assert set(v) == {"tau_s", "tau_d", "gamma"} and all(x.outcome in verdicts.OUTCOMES for x in v.values())
        r = cal.recovery_verdict(model, threshold=0.5, among="exact")
        assert r.outcome in ("agrees", "differs") and model in r.text
    assert sum(cal.counts("1+1-D DP", "exact").values()) == 10


def test_simulate_keeps_the_asked_number_and_shape():
    run = calibration.simulate("ABBM", n_avalanches=300, cutoff=50.0, rng=0)
    assert run["sizes"].size == run["durations"].size == 300 and not run["discrete"]
    cap = calibration.simulate("1+1-D DP", n_avalanches=200, cutoff=30.0, rng=0, cutoff_shape="cap")
    assert cap["durations"].max() <= 30 and cap["survived"].any()
    walk = calibration.simulate("random-walk excursions", n_avalanches=200, cutoff=30.0, rng=0, cutoff_shape="cap")
    assert np.all(walk["durations"] == np.round(walk["durations"]))  # (T + 1)/2 of an odd T


def test_bad_input_raises():
    with pytest.raises(TypeError, match="pipeline"):
        calibration.calibrate("pipeline", repetitions=2, n_avalanches=100, cutoff=50.0, rng=0)
    with pytest.raises(ValueError, match="repetitions"):
        calibration.calibrate(PIPELINE, repetitions=1, n_avalanches=100, cutoff=50.0, rng=0)
    with pytest.raises(ValueError, match="cutoff"):
        calibration.calibrate(PIPELINE, repetitions=2, n_avalanches=100, cutoff=5.0, rng=0)
    with pytest.raises(ValueError, match="cutoff_shape"):
        calibration.simulate("ABBM", n_avalanches=10, cutoff=20.0, rng=0, cutoff_shape="gaussian")
    with pytest.raises(ValueError, match="model"):
        calibration.simulate("sandpile", n_avalanches=10, cutoff=20.0, rng=0)
    with pytest.raises(TypeError, match="rng"):
        calibration.simulate("ABBM", n_avalanches=10, cutoff=20.0, rng="x")
    with pytest.raises(ValueError, match="missing"):
        calibration.calibrate(PIPELINE, repetitions=2, n_avalanches=100, cutoff=50.0, rng=0, classes={})


def test_the_record_saves_and_loads(tmp_path):
    small = calibration.calibrate(PIPELINE, repetitions=2, n_avalanches=300, cutoff=30.0, rng=0, cutoff_shape="cap")
    back = calibration.Calibration.load(small.save(tmp_path / "cal.npz"))
    assert back.pipeline.dmin == PIPELINE.dmin and back.systematic == small.systematic
    assert back.assigned == small.assigned and back.reasons_exact == small.reasons_exact
    np.testing.assert_array_equal(back.measured, small.measured)
    assert list(back.recovery_rate()) == list(small.recovery_rate())
