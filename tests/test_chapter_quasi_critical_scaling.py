"""The chapter module of "quasi-critical scaling": its profiles, its compute, its verdicts, claim and tables."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from crit.analysis import bootstrap, crackling, drive_lines, shapes, stats, transition
from crit.book import claims
from crit.chapters import quasi_critical_scaling as chapter
from crit.chapters._quasi_critical_scaling_point import LR_FIELDS
from crit.chapters.settings import Grid
from crit.models import theory

NAN = float("nan")


def test_profiles_hold_the_sizes_of_the_page():
    ci, paper = chapter.PROFILES["ci"], chapter.PROFILES["paper"]
    assert (ci.width, ci.depth, ci.sigma_w2, ci.n_inputs, ci.inputs_per_network) == (64, 128, None, 20_000, 500)
    assert ci.drives == (0.0, 0.01, 0.03) and ci.thresholds == (0.01, 0.1)
    # the critical point is also the undriven point at sigma_c(N) of the sweeps: same inputs
    assert (ci.drive_n_inputs, ci.drive_inputs_per_network) == (ci.n_inputs, ci.inputs_per_network)
    # 50 resamples: with 20, the error of the crackling test is itself uncertain by 16 % and came out
    # low enough at one seed in eight to call Delta non-zero (benchmarks/crackling_test_calibration.py)
    assert (ci.n_resamples, ci.support_grid, ci.line_rounds) == (50, 8, 1)
    # the authors' run (paper-method.md §3-4) at the paper profile
    assert (paper.width, paper.depth, paper.sigma_w2, paper.n_inputs, paper.inputs_per_network) == (
        500, 1000, 1.002, 2_000_000, 1000)
    assert paper.drives[0] == 0.0 and max(paper.drives) < 1  # avalanches still end
    assert (ci.profile, paper.profile) == ("ci", "paper")
    assert set(chapter.SCOPE) == {"ci", "paper"}


TINY = dataclasses.replace(
    chapter.PROFILES["ci"], width=16, depth=32, n_inputs=3000, inputs_per_network=300, collapse_range=(3, 12, 5),
    n_resamples=5, n_sets=5, gamma_min_count=5, support_grid=4, drives=(0.0, 0.03), drive_n_inputs=3000,
    drive_inputs_per_network=300, line_sigma_w2=Grid.linear(0.8, 1.3, 6), line_n_inputs=600,
    line_inputs_per_network=100, line_rounds=1, line_points=5, thresholds=(0.01, 0.1),
)


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield chapter.compute(TINY, seed=1, device="cpu")


def test_compute_on_tiny_settings_returns_every_part(tiny_results):
    r = tiny_results
    assert r.settings is TINY and r.seed == 1
    assert r.sigma_c == pytest.approx(theory.finite_width_critical_sigma_w2(16))
    assert r.point.exponents.sigma_w2 == pytest.approx(r.sigma_c) and r.point.exponents.h == 0
    assert isinstance(r.point.analysis, crackling.CracklingAnalysis)
    assert isinstance(r.point.shape, shapes.ShapeBootstrap)
    assert r.point.authors_convention.range_rule == "authors" and r.point.authors_convention.selection == "all"
    assert r.point.lr.shape == (2, len(stats.ALTERNATIVES), 6)
    assert len(r.line) == 2 and all(isinstance(x, transition.PeakRefinement) for x in r.line)
    assert r.line_sigma_w2.shape == (2,) and np.isfinite(r.line_sigma_w2).all() and len(r.line_notes) == 2
    assert isinstance(r.separation, drive_lines.DriveSeparation) and r.separation.values.shape == (3, 2, 2, 5)
    assert r.separation.line_sigma_w2.tolist() == r.line_sigma_w2.tolist()
    assert r.thresholds.thresholds.tolist() == [0.01, 0.1] and r.disorder.kinds == ("quenched", "annealed")
    assert r.disorder.inputs_per_network.tolist() == [300, 1]


def test_the_critical_point_is_one_run_with_the_undriven_point_at_sigma_c(tiny_results):
    r, e = tiny_results, tiny_results.point.exponents
    np.testing.assert_array_equal(r.separation.values[0, 0, 0], e.ended.values)
    np.testing.assert_array_equal(r.thresholds.values[1, 1], e.with_never_ending.values)
    np.testing.assert_array_equal(r.disorder.values[0, 0], e.ended.values)
    # the undriven line at h = 0 is the quasi-critical line's point there
    np.testing.assert_array_equal(r.separation.values[1, 0], r.separation.values[2, 0])


def test_the_critical_points_wall_time_counts_the_simulation_once(monkeypatch):
    import time

    from crit.chapters import _quasi_critical_scaling_point as point_module

    now = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])
    simulate = point_module.av.simulate

    def slow_simulate(*args, **kwargs):  # a simulation that took 500 s by the clock and by its own record
        now[0] += 500.0
        return dataclasses.replace(simulate(*args, **kwargs), wall_time_s=500.0)

    monkeypatch.setattr(point_module.av, "simulate", slow_simulate)
    p = point_module.critical_point(**chapter._headline(TINY, 1), collapse_range=TINY.collapse_range, n_sets=0,
                                    device="cpu")
    assert p.exponents.wall_time_s == 500.0  # not 1000: the simulation's own time is not added again


def test_compute_reads_back_from_the_cache(tiny_results, tmp_path, monkeypatch):
    monkeypatch.setenv("CRIT_CACHE_DIR", str(tmp_path))
    first = chapter.compute(TINY, seed=1, device="cpu")
    files = sorted(p.name for p in tmp_path.iterdir())
    kinds = {f.split("-")[0] for f in files}
    assert kinds == {"CriticalPoint", "PointExponents", "PhaseScan"}
    again = chapter.compute(TINY, seed=1, device="cpu")
    assert sorted(p.name for p in tmp_path.iterdir()) == files
    np.testing.assert_array_equal(again.separation.values, first.separation.values)
    np.testing.assert_array_equal(first.point.exponents.ended.values, tiny_results.point.exponents.ended.values)


def test_tables_have_a_row_per_quantity(tiny_results):
    r = tiny_results
    comparison = chapter.comparison_table(r)
    assert "authors' notebook (width 500, depth 1000" in comparison.splitlines()[0]
    assert "1.3050 ± 0.0004" in comparison  # the authors' numbers at every profile
    assert len(chapter.error_table(r).splitlines()) >= 2 + 5
    assert len(chapter.goodness_table(r).splitlines()) >= 2 + 2
    assert len(chapter.likelihood_ratio_table(r).splitlines()) >= 2 + len(stats.ALTERNATIVES)
    assert chapter.line_table(r).splitlines()[3].startswith("| 0.03 |")
    for selection in ("ended", "all"):
        lines = chapter.separation_table(r, selection).splitlines()
        assert sum(line.startswith("| quasi-critical |") for line in lines) == 2
        assert len([line for line in chapter.variants_table(r, selection).splitlines() if "$q_0$" in line]) == 3


def test_figures_draw(tiny_results):
    import matplotlib.pyplot as plt

    for fig in (chapter.distributions(tiny_results.point), chapter.collapse(tiny_results.point),
                chapter.quasi_critical_line(tiny_results), chapter.drive_exponents(tiny_results),
                chapter.exponent_plane(tiny_results)):
        assert fig.axes
        plt.close(fig)


# ------------------------------------------------------------------------------------- constructed results


def boot(template, values, errors=0.01, undetermined="", robust=None, test_error=None):
    """``template`` (a CracklingBootstrap) with the five quantities and their errors (the spread, the
    central-68 % half-width and the error of the crackling test, the same unless ``robust`` or
    ``test_error`` is given) replaced; the replicates vary γ alone, so that the residual
    γ(τ_s − 1) − (τ_d − 1) has the spread ``test_error``·(τ_s − 1)."""
    values = np.asarray(values, float)
    test_error = float(errors if test_error is None else test_error)
    z = np.random.default_rng(0).standard_normal(20)
    z = (z - z.mean()) / z.std(ddof=1)
    reps = np.tile(values, (z.size, 1))
    reps[:, 2] = values[2] + test_error * z
    reps[:, 4] = reps[:, 2] - reps[:, 3]
    return dataclasses.replace(template, values=values, errors=np.full(5, float(errors)),
                               robust_errors=np.full(5, float(errors if robust is None else robust)),
                               replicates=reps, undetermined=undetermined)


def crackling_values(tau_s, tau_d, gamma):
    pred = (tau_d - 1) / (tau_s - 1)
    return [tau_s, tau_d, gamma, pred, gamma - pred]


def with_point(results, *, ended=None, everything=None, authors=None):
    p = results.point
    exponents = dataclasses.replace(p.exponents, ended=ended or p.exponents.ended,
                                    with_never_ending=everything or p.exponents.with_never_ending)
    point = dataclasses.replace(p, exponents=exponents, authors_convention=authors or p.authors_convention)
    return dataclasses.replace(results, point=point)


ON = crackling_values(4 / 3, 1.5, 1.5)  # Delta = 0
OFF = crackling_values(4 / 3, 1.5, 1.8)  # Delta = 0.3


@pytest.mark.parametrize(("values", "error", "outcome"), [
    (ON, 0.05, "zero"), (OFF, 0.05, "positive"), (crackling_values(4 / 3, 1.5, 1.2), 0.05, "negative"),
    (ON, 0.4, "undetermined"), ([1.3, NAN, NAN, NAN, NAN], 0.05, "undetermined"),
])
def test_crackling_test_reads_delta_against_its_joint_error(tiny_results, values, error, outcome):
    v = chapter.crackling_test(boot(tiny_results.point.exponents.ended, values, error), "label")
    assert v.outcome == outcome and v.text.startswith("label: ")
    if error > chapter.RESOLUTION:
        assert "cannot decide" in v.text


def test_boot_gives_the_crackling_test_the_error_asked_for(tiny_results):
    b = boot(tiny_results.point.exponents.ended, OFF, errors=3.0, test_error=0.05)
    assert b.delta_test_error == pytest.approx(0.05) and b.errors[4] == 3.0


def test_crackling_test_reads_the_residual_not_the_heavy_tailed_delta(tiny_results):
    # tau_s near 1 in one resample blows up gamma_pred and Delta there; the residual
    # gamma (tau_s - 1) - (tau_d - 1) that the test reads moves by no more than that tau_s does
    far = crackling_values(4 / 3, 1.5, 2.0)  # Delta = 0.5
    rng = np.random.default_rng(1)
    n = 400
    tau_s = far[0] + 0.02 * rng.standard_normal(n)
    tau_d = far[1] + 0.02 * rng.standard_normal(n)
    tau_s[0] = 1.002
    gamma = far[2] + 0.02 * rng.standard_normal(n)
    pred = (tau_d - 1) / (tau_s - 1)
    reps = np.column_stack([tau_s, tau_d, gamma, pred, gamma - pred])
    heavy = dataclasses.replace(tiny_results.point.exponents.ended, values=np.asarray(far, float),
                                errors=np.nanstd(reps, axis=0, ddof=1), replicates=reps, undetermined="")
    residual = gamma * (tau_s - 1) - (tau_d - 1)
    assert heavy.residual == (pytest.approx(far[2] * (far[0] - 1) - (far[1] - 1)),
                              pytest.approx(residual.std(ddof=1)))
    v = chapter.crackling_test(heavy, "label")
    assert v.error == pytest.approx(residual.std(ddof=1) / (far[0] - 1)) and v.error < chapter.RESOLUTION * 2
    assert v.outcome == "positive", v.text
    assert heavy.errors[4] > 20 * v.error  # Delta's own spread follows the one resample
    assert v.z == pytest.approx(heavy.residual[0] / heavy.residual[1])  # Delta over its error is D over its own
    # the same test through the public verdict; Delta's own spread cannot tell Delta = 0.5 from 0
    assert bootstrap.crackling_verdict(heavy).error == pytest.approx(v.error)
    assert bootstrap.crackling_verdict(heavy, by="spread").outcome == "zero"


def test_crackling_test_is_undetermined_without_a_meaningful_tau_s(tiny_results):
    below = boot(tiny_results.point.exponents.ended, [0.98, 1.5, 1.5, -25.0, 26.5], 0.05)
    v = chapter.crackling_test(below, "label")
    assert v.outcome == "undetermined" and "not above 1" in v.text


def test_headline_states_what_the_page_states(tiny_results):
    p = tiny_results.point
    results = with_point(tiny_results, ended=boot(p.exponents.ended, OFF, errors=3.0, robust=0.04, test_error=0.05),
                         authors=boot(p.authors_convention, ON, errors=2.0, robust=0.07))
    h = chapter.headline(results)
    assert h["tau_s ours ended"] == (OFF[0], 3.0)
    assert h["delta ours ended"] == (pytest.approx(OFF[4]), pytest.approx(0.05))
    assert h["gamma_pred authors' convention"] == (pytest.approx(ON[3]), 0.07)
    assert len(h) == 16 and all(isinstance(v, float) and isinstance(e, float) for v, e in h.values())
    assert all(not np.isfinite(e) or e >= 0 for _, e in chapter.headline(tiny_results).values())


@pytest.mark.parametrize(("ours", "authors", "verdict"), [
    (ON, ON, "reproduced"), (ON, OFF, "partly reproduced"), (OFF, ON, "partly reproduced"),
    (OFF, OFF, "not reproduced"),
])
def test_claim_verdict_follows_both_conventions(tiny_results, ours, authors, verdict):
    p = tiny_results.point
    results = with_point(tiny_results, ended=boot(p.exponents.ended, ours, 0.05),
                         authors=boot(p.authors_convention, authors, 0.05))
    c = chapter.claim(results)
    assert isinstance(c, claims.Claim) and c.number == 2 and c.chapter == "quasi_critical_scaling"
    assert c.verdict == verdict and c.profile == "ci (settings of one's own)"
    assert "ended avalanches" in c.reason and "authors' convention" in c.reason and "$\\Delta$ =" in c.key


def test_claim_is_undetermined_when_a_test_cannot_decide(tiny_results):
    p = tiny_results.point
    wide = with_point(tiny_results, ended=boot(p.exponents.ended, ON, 0.5),
                      authors=boot(p.authors_convention, ON, 0.05))
    assert chapter.claim(wide).verdict == "undetermined" and "cannot decide" in chapter.claim(wide).reason
    missing = with_point(tiny_results, ended=boot(p.exponents.ended, [NAN] * 5, NAN, "no avalanche ended"),
                         authors=boot(p.authors_convention, ON, 0.05))
    c = chapter.claim(missing)
    assert c.verdict == "undetermined" and "no avalanche ended" in c.reason


def with_separation(results, fixed, quasi, undriven, errors=0.01):
    """The separation with τ_s of the three lines (per drive) set, the other quantities constant,
    the line's σ_w² away from σ_c(N)."""
    sep = results.separation
    values = np.tile(np.array(crackling_values(1.3, 1.5, 1.6)), (3, sep.drives.size, 2, 1))
    values[..., 0] = np.asarray([fixed, quasi, undriven], float)[:, :, None]
    line = results.sigma_c + 0.05 * (1 + np.arange(sep.drives.size))
    separation = dataclasses.replace(sep, values=values, errors=np.full_like(values, errors), line_sigma_w2=line)
    return dataclasses.replace(results, separation=separation)


@pytest.mark.parametrize(("fixed", "quasi", "undriven", "outcome", "words"), [
    ([1.5, 1.3], [1.5, 1.3], [1.5, 1.5], "drive", "$\\tau_s$ moved by the drive"),
    ([1.5, 1.5], [1.3, 1.3], [1.3, 1.3], "distance", "$\\tau_s$ moved by the distance"),
    ([1.5, 1.3], [1.3, 1.1], [1.3, 1.3], "both", "$\\tau_s$ moved by both"),
    ([1.5, 1.5], [1.5, 1.5], [1.5, 1.5], "undetermined", "undetermined (neither"),
    ([NAN, NAN], [1.5, 1.5], [1.5, 1.5], "undetermined", "undetermined (neither"),
])
def test_the_separation_names_the_effect_that_moves_an_exponent(tiny_results, fixed, quasi, undriven, outcome, words):
    results = with_separation(tiny_results, fixed, quasi, undriven)
    for selection in ("ended", "all"):
        assert chapter.separation_verdicts(results, selection)["tau_s"].outcome == outcome
        assert words in chapter.verdicts(results)[f"separation_{selection}"]
    assert chapter.verdicts(results)["moves_tau_d_ended"].outcome == "undetermined"  # tau_d does not move


def with_variants(results, q001, q01, annealed, errors=0.01):
    t, d = results.thresholds, results.disorder
    tv = np.tile(np.array(crackling_values(1.3, 1.5, 1.6)), (2, 2, 1))
    tv[0, :, 0], tv[1, :, 0] = q001, q01
    dv = tv[[1, 1]].copy()
    dv[1, :, 0] = annealed
    thresholds = dataclasses.replace(t, values=tv, errors=np.full_like(tv, errors))
    disorder = dataclasses.replace(d, values=dv, errors=np.full_like(dv, errors))
    return dataclasses.replace(results, thresholds=thresholds, disorder=disorder)


def test_threshold_and_disorder_verdicts(tiny_results):
    same = chapter.verdicts(with_variants(tiny_results, 1.3, 1.3, 1.3))
    assert ("$\\tau_s$ (ended avalanches) at $q_0 = 0.1$ = 1.300 ± 0.010 agrees with $q_0 = 0.01$"
            in same["threshold_ended"])
    assert "fresh weights for every input = 1.300 ± 0.010 agrees" in same["disorder_all"]
    moved = chapter.verdicts(with_variants(tiny_results, 1.2, 1.3, 1.4))
    assert "at $q_0 = 0.1$ = 1.300 ± 0.010 differs from $q_0 = 0.01$" in moved["threshold_ended"]
    assert "fresh weights for every input = 1.400 ± 0.010 differs" in moved["disorder_ended"]
    missing = chapter.verdicts(with_variants(tiny_results, NAN, 1.3, NAN))
    assert "undetermined" in missing["threshold_ended"] and "undetermined" in missing["disorder_ended"]


def test_the_quasi_critical_line_against_sigma_c(tiny_results):
    r = tiny_results
    line = tuple(dataclasses.replace(x, peak=r.sigma_c + dx, peak_err=0.001)
                 for x, dx in zip(r.line, (0.0, 0.01), strict=True))
    found = chapter.verdicts(dataclasses.replace(r, line=line))
    assert found["line_start"].outcome == "agrees" and found["line_trend"].outcome == "differs"
    far = tuple(dataclasses.replace(x, peak=r.sigma_c + 0.05, peak_err=0.001) for x in r.line)
    assert chapter.verdicts(dataclasses.replace(r, line=far))["line_start"].outcome == "differs"
    lost = tuple(dataclasses.replace(x, peak=NAN, peak_err=NAN) for x in r.line)
    found = chapter.verdicts(dataclasses.replace(r, line=lost))
    assert found["line_start"].outcome == "undetermined" and "has an error over networks" in found["line_target"]


def test_goodness_and_likelihood_ratios_over_networks(tiny_results):
    p = tiny_results.point
    good = dataclasses.replace(p.goodness_sizes, p_iid=0.01, p_network=0.5, design_effect=4.0, n_sets=100,
                               undetermined="")
    bad = dataclasses.replace(good, p_network=0.02)
    lr = np.full_like(p.lr, NAN)
    k_ratio, k_p = LR_FIELDS.index("normalized_ratio"), LR_FIELDS.index("p")
    lr[0, 0, [k_ratio, k_p]] = 5.0, 0.001
    lr[0, 1, [k_ratio, k_p]] = -4.0, 0.01
    lr[0, 2, [k_ratio, k_p]] = 0.5, 0.6
    point = dataclasses.replace(p, goodness_sizes=good, goodness_durations=bad, lr=lr,
                                lr_undetermined=("",) * 3 + ("degenerate fit",) + ("",) * 4)
    found = chapter.verdicts(dataclasses.replace(tiny_results, point=point))
    assert "does not reject" in found["gof_sizes"] and "design effect 4" in found["gof_sizes"]
    assert "corrected test rejects" in found["gof_durations"]
    assert "favoured over an exponential" in found["lr_sizes"] and "favoured over the power law" in found["lr_sizes"]
    assert "no model favoured" in found["lr_sizes"] and "degenerate fit" in found["lr_sizes"]
    assert "independent" in found["gof_limits"]  # the design-effect module's cannot_claim
    nan_point = dataclasses.replace(p, goodness_sizes=dataclasses.replace(good, p_network=NAN, undetermined="few"))
    assert "undetermined: few" in chapter.verdicts(dataclasses.replace(tiny_results, point=nan_point))["gof_sizes"]


NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quasi_critical_scaling.py"


def test_every_key_the_notebook_glues_is_produced(tiny_results):
    text = NOTEBOOK.read_text(encoding="utf-8")
    md_keys = set(re.findall(r"\{glue:md\}`([a-z_]+):myst`", text))
    found = chapter.verdicts(tiny_results)
    assert md_keys - {"profile_statement"} <= set(found), sorted(md_keys - {"profile_statement"} - set(found))
    assert all(str(v).strip() for v in found.values())
    text_keys = set(re.findall(r"\{glue:text\}`([a-z_]+)", text))
    assert text_keys == {"resolution"} and 'style.glue("resolution"' in text


def test_nothing_raises_when_every_number_is_nan(tiny_results):
    r = tiny_results
    p = r.point
    nan_boot = {"ended": boot(p.exponents.ended, [NAN] * 5, NAN, "no avalanche ended"),
                "everything": boot(p.exponents.with_never_ending, [NAN] * 5, NAN, "no avalanche ended"),
                "authors": boot(p.authors_convention, [NAN] * 5, NAN, "no avalanche ended")}
    results = with_point(r, **nan_boot)
    sep = results.separation
    results = dataclasses.replace(results, separation=dataclasses.replace(
        sep, values=np.full_like(sep.values, NAN), errors=np.full_like(sep.errors, NAN),
        undetermined=("no avalanche ended",) * len(sep.undetermined)))
    results = with_variants(results, NAN, NAN, NAN, errors=NAN)
    assert chapter.claim(results).verdict == "undetermined"
    found = chapter.verdicts(results)
    for key in ("crackling_ours", "crackling_authors", "joint_ended", "separation_ended", "moves_gamma_all",
                "line_crackling_all", "abbm_ended", "threshold_all", "disorder_ended", "tau_d_mfdp_ours"):
        assert "undetermined" in str(found[key]), key
    assert "no avalanche ended" in str(found["crackling_ours"])
    for table in (chapter.comparison_table(results), chapter.separation_table(results, "ended"),
                  chapter.variants_table(results, "all")):
        assert "undetermined (note 1)" in table



def _publish_point(tiny_results, root, *, profile_settings, code=None):
    """Publish ``tiny_results.point`` as if it had been computed at ``profile_settings``."""
    from crit.book import published

    part = chapter.PARTS[0]
    run = {"device": "cpu: test", "seconds": 12.5, "date": "2026-12-01 00:00 UTC", "commit": "abc123",
           "code": code}
    return published.publish_record(tiny_results.point, chapter="quasi_critical_scaling", part=part,
                                    profile="paper", seed=1, settings=profile_settings, run=run, commit="abc123",
                                    root=root)


def test_a_published_point_is_read_not_recomputed_and_the_rest_is_computed(tiny_results, tmp_path, monkeypatch):
    from crit.book import claims

    paper_like = dataclasses.replace(TINY, n_inputs=3000)
    paper_like = dataclasses.replace(paper_like, profile="paper")
    _publish_point(tiny_results, tmp_path, profile_settings=paper_like)
    monkeypatch.setattr(chapter, "compute_point", lambda *a, **k: pytest.fail("the published point was recomputed"))
    r = chapter.compute(TINY, seed=1, device="cpu", published=tmp_path / "results" / "paper")
    assert r.point_settings == paper_like and r.point_profile.profile == "paper" and r.settings is TINY
    np.testing.assert_array_equal(r.point.exponents.ended.values, tiny_results.point.exponents.ended.values)
    np.testing.assert_array_equal(r.separation.values, tiny_results.separation.values)  # the rest: computed
    first, rest = r.sources
    assert first.provenance.device == "cpu: test" and first.stale == "" and rest.provenance is None
    assert chapter.claim(r).profile == "paper, published"
    text = claims.profile_statement(r.settings, chapter.PROFILES, chapter.SCOPE, seed=1,
                                    sources=r.sources)
    assert "read from the published results" in text and "computed in this build" in text and "abc123" in text
    # a folder without a published point: every number is computed
    monkeypatch.undo()
    assert chapter.compute(TINY, seed=1, device="cpu", published=tmp_path / "nothing").sources == ()


def test_a_published_point_of_earlier_code_says_so(tiny_results, tmp_path):
    from crit.book import claims

    _publish_point(tiny_results, tmp_path, profile_settings=dataclasses.replace(TINY, profile="paper"),
                   code="0000000000000000")
    r = chapter.compute(TINY, seed=1, device="cpu", published=tmp_path / "results" / "paper")
    assert "earlier version" in r.sources[0].stale and "0000000000000000" in r.sources[0].stale
    assert chapter.claim(r).profile == "paper, published, by earlier code"
    text = claims.profile_statement(r.settings, chapter.PROFILES, chapter.SCOPE, seed=1,
                                    sources=r.sources)
    assert "earlier version of this chapter's code" in text
