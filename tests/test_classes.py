"""The candidate classes (crit.analysis.classes) and the class assignment (crit.analysis.class_assignment).

Known values: mean-field DP (3/2, 2, 2; b_S = 1, b_T = 1/2; parabola), free BM (4/3, 3/2, 3/2; 3/2, 1;
semicircle), ABBM with drive c ((3 − c)/2, 2 − c, 2), 1+1-D DP from Hinrichsen's (2000) δ, θ, ν∥,
ν⊥, β, short-range Barkhausen τ_s = 1.27 ± 0.03 (Durin & Zapperi 2000) with γ from the crackling
relation. The assignment is a χ² over the statistics a class predicts; a class is rejected at
p < 0.05, and the best two must differ by Δχ² ≥ 4.
"""

import dataclasses

import numpy as np
import pytest
from scipy import stats

from crit.analysis import class_assignment, classes, pipeline, universality
from crit.analysis.class_assignment import Measurement, assign
from crit.analysis.classes import CLASSES
from crit.analysis.pipeline import STATISTICS


def _exact(name, keys=STATISTICS, error=0.01):
    c = CLASSES[name]
    keys = [k for k in keys if c.predicts(k)]
    return Measurement(name, {k: c.value(k) for k in keys}, dict.fromkeys(keys, error))


def test_every_class_has_every_statistic_with_a_source_or_a_note():
    assert tuple(CLASSES) == classes.CLASS_NAMES == ("mean-field DP", "1+1-D DP", "free BM", "mean-field Barkhausen",
                                                     "short-range Barkhausen")
    for name, c in CLASSES.items():
        assert set(c.predictions) == set(STATISTICS), name
        for k in STATISTICS:
            error = c.error(k)
            if c.predicts(k):
                assert error >= 0 and c.source(k), (name, k)
            else:
                assert np.isnan(error) and "no prediction" in c.note(k), (name, k)
    # the values the literature gives
    assert [CLASSES["mean-field DP"].value(k) for k in STATISTICS] == [1.5, 2.0, 2.0, 1.0, 0.5, 1.0]
    assert [CLASSES["free BM"].value(k) for k in STATISTICS] == pytest.approx([4 / 3, 1.5, 1.5, 1.5, 1.0, 0.5])
    dp = CLASSES["1+1-D DP"]
    assert (dp.value("tau_s"), dp.value("tau_d"), dp.value("gamma")) == pytest.approx((1.1082, 1.1595, 1.4732),
                                                                                     abs=1e-4)
    # b_S = z γ = 1 + z − β/ν⊥: the two routes agree through hyperscaling
    assert dp.value("b_S") == pytest.approx(dp.value("b_T") * dp.value("gamma"), abs=1e-5)
    assert 0 < dp.error("b_T") < 1e-4
    sr = CLASSES["short-range Barkhausen"]
    assert (sr.value("tau_s"), sr.error("tau_s")) == (1.27, 0.03)
    assert sr.value("gamma") == pytest.approx((1.5 - 1) / (1.27 - 1)) and sr.error("gamma") > 0.3
    abbm = classes.candidate_classes(abbm_c=0.3)["mean-field Barkhausen"]
    assert (abbm.value("tau_s"), abbm.value("tau_d"), abbm.value("gamma")) == pytest.approx((1.35, 1.7, 2.0))
    assert abbm.parameters == {"c": 0.3}


def test_a_measurement_at_a_class_is_assigned_that_class():
    for name in ("mean-field DP", "1+1-D DP"):
        a = assign(_exact(name), rng=0, n_draws=200)
        assert a.assigned == name and a.determined, (name, a.undetermined)
        assert a.p_values[name] > 0.5 and a.distances[name] < 0.1
        assert a.distance_low[name] <= a.distances[name] + 0.5 and a.stability > 0.9
        assert a.separation >= class_assignment.SEPARATION
    # mean-field Barkhausen and free BM have no exact twin among the classes when short-range Barkhausen is absent
    four = {k: v for k, v in CLASSES.items() if k != "short-range Barkhausen"}
    for name in ("free BM", "mean-field Barkhausen"):
        assert assign(_exact(name), classes=four, rng=0, n_draws=0).assigned == name


def test_a_measurement_between_two_classes_is_undetermined_with_the_reason():
    mf, bm = CLASSES["mean-field DP"], CLASSES["free BM"]
    keys = ("tau_s", "tau_d", "gamma")
    mid = Measurement("between", {k: (mf.value(k) + bm.value(k)) / 2 for k in keys}, dict.fromkeys(keys, 0.15))
    a = assign(mid, classes={"mean-field DP": mf, "free BM": bm}, rng=1, n_draws=300)
    assert a.assigned == "undetermined"
    assert "not separated at 2σ" in a.undetermined and abs(a.separation) < class_assignment.SEPARATION
    assert 0.2 < a.stability < 0.8
    # the literature's short-range Barkhausen class lies within 2σ of free BM for any precision of τ_s, τ_d, γ
    walk = assign(_exact("free BM", keys, error=1e-4), rng=0, n_draws=0)
    assert walk.assigned == "undetermined" and "short-range Barkhausen" in walk.undetermined
    matrix = class_assignment.separation_matrix(statistics=keys)
    assert matrix[("free BM", "short-range Barkhausen")] < class_assignment.SEPARATION
    assert matrix[("mean-field DP", "free BM")] > 4 * class_assignment.SEPARATION


def test_every_class_rejected_is_undetermined():
    far = Measurement("far", {"tau_s": 2.5, "tau_d": 3.0, "gamma": 3.0}, {"tau_s": 0.01, "tau_d": 0.01, "gamma": 0.01})
    a = assign(far, rng=0, n_draws=0)
    assert a.assigned == "undetermined" and "every class is rejected" in a.undetermined
    assert all(p < 0.05 for p in a.p_values.values())
    # the same measurement with huge errors rejects nothing
    vague = dataclasses.replace(far, errors={"tau_s": 5.0, "tau_d": 5.0, "gamma": 5.0})
    assert "every class is rejected" not in assign(vague, rng=0, n_draws=0).undetermined


def test_nan_statistics_are_left_out_and_nothing_usable_is_undetermined():
    e = universality.Exponents("thin", np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, 1, 0, 1, 0, (), (), (), 5, 20,
                               0.0, "no duration window")
    a = assign(e, rng=0, n_draws=0)
    assert a.assigned == "undetermined" and "not usable" in a.undetermined and "no duration window" in a.undetermined
    only_shape = Measurement("shape only", {"shape": 0.5, "tau_s": np.nan}, {"shape": 0.02, "tau_s": np.nan})
    b = assign(only_shape, rng=0, n_draws=0)
    assert set(b.statistics_used["free BM"]) == {"shape"} and b.dof["1+1-D DP"] == 0
    assert b.ranking[0] == "free BM"


def test_p_values_are_uniform_under_the_null():
    """Measurements drawn around a class with the errors the χ² assumes give p < 0.05 about 5 % of the time."""
    rng = np.random.default_rng(7)
    cls = CLASSES["mean-field DP"]
    sys = pipeline.SYSTEMATIC
    err = {"tau_s": 0.03, "tau_d": 0.1, "gamma": 0.05, "b_S": 0.08, "b_T": 0.04, "shape": 0.05}
    rho = 0.6  # correlated τ_s, τ_d
    cov = np.diag([err[k] ** 2 + sys[k] ** 2 for k in STATISTICS])
    cov[0, 1] = cov[1, 0] = rho * err["tau_s"] * err["tau_d"]
    draws = rng.multivariate_normal([cls.value(k) for k in STATISTICS], cov, size=400)
    p = np.array([assign(Measurement("null", dict(zip(STATISTICS, x, strict=True)), err,
                                     {"tau_s,tau_d": rho}), rng=rng, n_draws=0).p_values["mean-field DP"]
                  for x in draws])
    assert 0.02 <= np.mean(p < 0.05) <= 0.10
    assert stats.kstest(p, "uniform").pvalue > 0.01
    # ignoring the correlation would miscount: the χ² uses it
    a = assign(Measurement("x", dict(zip(STATISTICS, draws[0], strict=True)), err), rng=0, n_draws=0)
    b = assign(Measurement("x", dict(zip(STATISTICS, draws[0], strict=True)), err, {"tau_s,tau_d": rho}), rng=0,
               n_draws=0)
    assert a.chi2["mean-field DP"] != pytest.approx(b.chi2["mean-field DP"])


def test_measurement_from_exponents_and_finite_size_records():
    cov = ((0.0004, 0.0002, 0.0), (0.0002, 0.0025, 0.0), (0.0, 0.0, 0.0016))
    e = universality.Exponents("net", 1.5, 0.02, 2.0, 0.05, 2.0, 0.04, 10, 1, 5, 0.5, (), (), (), 500, 20, 0.0,
                               "", 0.5, cov)
    m = class_assignment.measurement(e, shape=(1.0, 0.05), cutoff_exponents=((1.0, 0.1), (0.5, 0.05)),
                                     cutoff_correlation=0.7)
    assert m.values == {"tau_s": 1.5, "tau_d": 2.0, "gamma": 2.0, "shape": 1.0, "b_S": 1.0, "b_T": 0.5}
    assert m.corr("tau_s", "tau_d") == pytest.approx(0.0002 / (0.02 * 0.05)) and m.corr("b_T", "b_S") == 0.7
    assert m.corr("gamma", "shape") == 0.0
    assert assign(m, rng=0, n_draws=0).assigned == "mean-field DP"


def test_bad_input_raises():
    with pytest.raises(ValueError, match="abbm_c"):
        classes.candidate_classes(abbm_c=1.0)
    with pytest.raises(ValueError, match="statistic"):
        Measurement("x", {"tau": 1.5}, {"tau": 0.1})
    with pytest.raises(ValueError, match="same statistics"):
        Measurement("x", {"tau_s": 1.5}, {"tau_d": 0.1})
    with pytest.raises(ValueError, match="error of tau_s"):
        Measurement("x", {"tau_s": 1.5}, {"tau_s": -0.1})
    with pytest.raises(ValueError, match="correlation"):
        Measurement("x", {"tau_s": 1.5, "tau_d": 2.0}, {"tau_s": 0.1, "tau_d": 0.1}, {"tau_s,tau_d": 1.5})
    m = _exact("mean-field DP")
    with pytest.raises(TypeError, match="measured"):
        assign((1.5, 2.0, 2.0), rng=0)
    with pytest.raises(TypeError, match="rng"):
        assign(m, rng="seed")
    with pytest.raises(TypeError, match="classes"):
        assign(m, classes={"x": (1.5, 2.0, 2.0)}, rng=0)
    with pytest.raises(ValueError, match="systematic"):
        assign(m, systematic={"tau_s": -0.1}, rng=0)
    with pytest.raises(ValueError, match="alpha"):
        assign(m, rng=0, alpha=1.5)
    with pytest.raises(TypeError, match="cutoff_exponents"):
        class_assignment.measurement(cutoff_exponents=1.0)
