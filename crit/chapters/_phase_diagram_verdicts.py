r"""Verdicts of the chapter "Absorbing and active phases" (:mod:`crit.chapters.phase_diagram` re-exports them).

Every result sentence of the page is computed here from the numbers of a
:class:`~crit.chapters.phase_diagram.PhaseDiagramResults` and their errors over networks, with
:mod:`crit.analysis.verdicts`; the notebook glues the sentences. A sentence the numbers cannot
decide says "undetermined" and why; nothing here raises on valid results.
"""

from __future__ import annotations

import math

import numpy as np

from crit.analysis import verdicts as vd
from crit.analysis.phases import ridge_undetermined
from crit.analysis.resampling import jackknife
from crit.book import claims
from crit.models import theory

__all__ = [
    "AUTHORS_PEAK", "authors_verdict", "claim", "collapse_sentence", "curve_points", "depth_verdicts", "ended_fraction",
    "exponent_verdicts", "fluctuation_verdict",
    "map_verdicts", "never_ending_sentence", "order_parameter_verdicts", "phases_sentence", "surviving_verdict",
    "target_sentence", "tracking_verdict",
]

#: σ_w² near which the authors' χ peaked in their notebook (width 300, depth 500).
AUTHORS_PEAK = 1.045
#: σ_w² step of the authors' grid, linspace(0.95, 1.4, 20): their peak is one of its points.
_AUTHORS_STEP = (1.4 - 0.95) / 19
#: Names of the susceptibilities in sentences (Markdown).
NAMES = {"ended_mean_size": "$\\bar S_{\\rm end}$", "survival_derivative": "$d\\rho/d\\sigma_w^2$"}
#: A collapse counts as falling on one curve within about its errors when its χ² per point is at most this.
COLLAPSE_QUALITY = 2.0


def _nan_verdict(reason: str) -> vd.Verdict:
    return vd.Verdict("undetermined", f"undetermined: {reason}", math.nan, math.nan, math.nan, reason)


def _with_direction(verdict: vd.Verdict, reference: float) -> vd.Verdict:
    """``verdict`` with "above it" or "below it" added when it differs from ``reference``."""
    if verdict.outcome != "differs":
        return verdict
    side = "above" if verdict.value > reference else "below"
    return vd.Verdict(verdict.outcome, f"{verdict.text}, {side} it", verdict.value, verdict.error, verdict.z,
                      verdict.undetermined)


def surviving_verdict(scan, row: int, column: int, *, what: str = "$\\rho$") -> vd.Verdict:
    """Whether the surviving fraction ρ of ``scan`` at grid point (``row``, ``column``) is zero or positive.

    ρ is a count over inputs, so its jackknife error is 0 when no input (or every input) survived in
    every network; then the counts decide: none of n surviving is "zero" (below the rule-of-three
    bound 3/n at 95%), all of them "positive". Otherwise :func:`crit.analysis.verdicts.sign` on ρ
    and its error over networks.

    Returns
    -------
    Verdict
        ``"zero"``, ``"positive"`` or ``"undetermined"``.
    """
    n = int(scan.n_in[row, column].sum())
    k = int(scan.n_survived[row, column].sum())
    if n == 0:
        return _nan_verdict(f"{what}: no input was sent")
    if k == 0:
        return vd.Verdict("zero", f"{what} = 0: none of the {n:,} inputs survived (below 3/n = {3 / n:.2g} "
                          "at 95%)", 0.0, math.nan, 0.0)
    if k == n:
        return vd.Verdict("positive", f"{what} = 1: all {n:,} inputs survived", 1.0, math.nan, math.inf)
    rho, err = scan.surviving_fraction()
    return vd.sign(float(rho[row, column]), float(err[row, column]), what=what)


def curve_points(refinement):
    """Every σ_w² of a :class:`~crit.analysis.transition.PeakRefinement` (all rounds, sorted, each once) with
    the susceptibility and its error there.

    The rounds of a refinement use the same networks and inputs (common random numbers with one
    seed), so a σ_w² scanned in two rounds has one value.
    """
    x, index = np.unique(np.round(refinement.grid, 12), return_index=True)
    return x, refinement.chi[index], refinement.chi_err[index]


def _widest(results):
    width = max(results.sweeps)
    return width, results.sweeps[width]


def _interpolate(scan, values, errors, at):
    """``values`` (row 0 of a scan's grid) and its error linearly interpolated at σ_w² = ``at``
    (errors of the two neighbours added in quadrature); NaN outside the grid."""
    x = scan.sigma_w2
    if not (math.isfinite(at) and x[0] <= at <= x[-1]):
        return math.nan, math.nan
    j = int(np.clip(np.searchsorted(x, at), 1, x.size - 1))
    t = (at - x[j - 1]) / (x[j] - x[j - 1])
    return (float((1 - t) * values[0, j - 1] + t * values[0, j]),
            float(np.hypot((1 - t) * errors[0, j - 1], t * errors[0, j])))


def order_parameter_verdicts(results) -> dict:
    r"""Sign verdicts of the order parameters of the widest sweep at its smallest and largest σ_w²,
    and of ρ at σ_w² = 1.

    Returns
    -------
    dict of str to Verdict
        ``"rho_low"``, ``"rho_high"`` (ρ, :func:`surviving_verdict`), ``"size_low"``, ``"size_high"``
        (S̄ with its error over networks) and ``"rho_one"`` (ρ at σ_w² = 1, interpolated between
        the two neighbours; undetermined when 1 lies outside the sweep).
    """
    _, s = _widest(results)
    x = s.sigma_w2
    size, size_err = s.mean_size()
    out = {
        "rho_low": surviving_verdict(s, 0, 0, what=f"$\\rho({x[0]:g})$"),
        "rho_high": surviving_verdict(s, 0, x.size - 1, what=f"$\\rho({x[-1]:g})$"),
        "size_low": vd.sign(float(size[0, 0]), float(size_err[0, 0]), what=f"$\\bar S({x[0]:g})$"),
        "size_high": vd.sign(float(size[0, -1]), float(size_err[0, -1]), what=f"$\\bar S({x[-1]:g})$"),
    }
    what = "$\\rho(1)$"
    exact = np.flatnonzero(np.isclose(x, 1.0))
    if exact.size:
        out["rho_one"] = surviving_verdict(s, 0, int(exact[0]), what=what)
    elif not x[0] < 1.0 < x[-1]:
        out["rho_one"] = _nan_verdict(f"$\\sigma_w^2 = 1$ lies outside the sweep [{x[0]:g}, {x[-1]:g}]")
    else:
        j = int(np.searchsorted(x, 1.0))
        if s.n_survived[0, j - 1:j + 1].sum() == 0:
            out["rho_one"] = surviving_verdict(s, 0, j, what=what)  # no survivor on either side
        else:
            out["rho_one"] = vd.sign(*_interpolate(s, *s.surviving_fraction(), 1.0), what=what)
    return out


def phases_sentence(results) -> str:
    """Markdown: how ρ and S̄ of the widest sweep compare with zero at its two ends (the two phases)."""
    width, s = _widest(results)
    v = order_parameter_verdicts(results)
    low, high = v["rho_low"].outcome, v["rho_high"].outcome
    if "undetermined" in (low, high):
        summary = "cannot be told zero or positive at both ends of the sweep"
    elif (low, high) == ("zero", "positive"):
        summary = "goes from zero (absorbing) to positive (active) across the sweep"
    else:
        summary = f"is {low} at the smallest and {high} at the largest $\\sigma_w^2$ of the sweep"
    return (f"For the widest sweep ($N = {width}$, depth {s.depth}) the surviving fraction {summary}: "
            f"{v['rho_low']}, and {v['rho_high']}. The mean size: {v['size_low']}; {v['size_high']}")


def target_sentence(results, name: str = "ended_mean_size") -> str:
    """Markdown: at which widths the refinement of the peak of ``name`` reached its target error 0.2/N,
    and why not at the others (the last round's reason)."""
    refined = results.refined if name == "ended_mean_size" else results.refined_survival
    reached = [n for n in sorted(refined) if refined[n].reached]
    missed = [n for n in sorted(refined) if not refined[n].reached]
    why = "; ".join(f"$N = {n}$, after {refined[n].n_rounds} scans: {refined[n].undetermined}" for n in missed)
    if not reached:
        return f"The peak of {NAMES[name]} did not reach its target error $0.2/N$ at any width ({why})"
    head = (f"The peak of {NAMES[name]} reached its target error $0.2/N$ at "
            + ", ".join(f"$N = {n}$ ({refined[n].n_rounds} scans)" for n in reached))
    if not missed:
        return f"{head}, every width of the page"
    return f"{head}; not at {', '.join(f'$N = {n}$' for n in missed)} ({why})"


def _weighted_mean(y, e):
    ok = np.isfinite(y) & np.isfinite(e) & (e > 0)
    if ok.sum() < 1:
        return math.nan, math.nan
    w = 1 / e[ok] ** 2
    mean = float(np.sum(w * y[ok]) / w.sum())
    chi2 = float(np.sum(w * (y[ok] - mean) ** 2)) / max(int(ok.sum()) - 1, 1)
    return mean, float(np.sqrt(max(chi2, 1.0) / w.sum()))


def tracking_verdict(scaling, name: str = "ended_mean_size") -> vd.Verdict:
    r"""Whether the peak of a susceptibility tracks σ_c(N) + c/N: the trend of N·(peak − σ_c(N)) with ln N.

    "no trend" (the slope is zero within 2 errors) means one c fits every width: the text then gives
    c, the weighted mean of N·(peak − σ_c(N)), and whether it is zero. "increases" or "decreases"
    means the shift does not fall as 1/N over these widths. Undetermined with fewer than 3 widths
    with a peak and an error.

    Parameters
    ----------
    scaling : PeakScaling
        :func:`crit.analysis.transition.peak_scaling` of the refined peaks.
    name : str
        Which susceptibility (a key of :data:`NAMES`), for the text.
    """
    what = f"$N(\\sigma_{{\\rm peak}} - \\sigma_c(N))$ of {NAMES[name]}"
    v = vd.trend(np.log(scaling.widths.astype(float)), scaling.scaled_shift, scaling.scaled_shift_err, what=what,
                 against="$\\ln N$")
    if not v.determined:
        return v
    if v.outcome == "no trend":
        c, c_err = _weighted_mean(scaling.scaled_shift, scaling.scaled_shift_err)
        zero = vd.sign(c, c_err, what="$c$")
        text = (f"{v.text}: the peak follows $\\sigma_c(N) + c/N$ with one $c$ at these widths, and its weighted "
                f"mean {zero}")
    else:
        text = f"{v.text}: the peak's distance from $\\sigma_c(N)$ does not fall as $1/N$ over these widths"
    return vd.Verdict(v.outcome, text, v.value, v.error, v.z)


def exponent_verdicts(scaling, name: str = "ended_mean_size") -> dict:
    r"""1/ν and γ/ν of the finite-size scaling of a susceptibility's peaks against the random-walk
    expectation at fixed L/N (both 1; see the methods page).

    Returns
    -------
    dict of str to Verdict
        ``"inv_nu"`` (peak − 1 ∝ N^{−1/ν}) and ``"gamma_over_nu"`` (height ∝ N^{γ/ν}); undetermined
        with the fit's reason where it gave NaN.
    """
    out = {}
    for key, value, err, what in (("inv_nu", scaling.inv_nu, scaling.inv_nu_err, "$1/\\nu$"),
                                  ("gamma_over_nu", scaling.gamma_over_nu, scaling.gamma_over_nu_err,
                                   "$\\gamma/\\nu$")):
        what = f"{what} of {NAMES[name]}"
        if not math.isfinite(value):
            out[key] = _nan_verdict(f"{what}: {scaling.undetermined or 'NaN'}")
        else:
            out[key] = vd.compare(float(value), float(err), 1.0, what=what,
                                  reference_name="the random-walk value at fixed $L/N$")
    return out


def collapse_sentence(collapse) -> str:
    r"""Markdown: how well the S̄_end curves fall on one curve when rescaled with the fitted exponents.

    The measure is :attr:`crit.analysis.transition.CurveCollapse.quality`, the χ² per point of the
    pairwise differences on their overlaps; at most :data:`COLLAPSE_QUALITY` counts as one curve
    within about the errors (the points of a curve are correlated, so this is a scale, not a test).
    """
    if not collapse.determined:
        return f"The collapse is undetermined: {collapse.undetermined}"
    q = collapse.quality
    head = (f"Rescaled with $1/\\nu = {collapse.inv_nu:.2f}$ and $\\gamma/\\nu = {collapse.gamma_over_nu:.2f}$, "
            f"the curves of {collapse.widths.size} widths differ on their overlaps ({collapse.n_pairs} pairs) by "
            f"$\\chi^2$ per point {q:.2g}")
    if q <= COLLAPSE_QUALITY:
        return f"{head}, at most {COLLAPSE_QUALITY:g}: they fall on one curve within about their errors"
    return f"{head}, above {COLLAPSE_QUALITY:g}: they do not fall on one curve within their errors"


def fluctuation_verdict(results) -> vd.Verdict:
    r"""Trend of the largest χ_F = N·Var_networks(ρ) on the first grid of every width against ln N.

    The height is the largest value of the grid (χ_F is not refined), its error the jackknife error
    over networks at that point. The methods page gives the expectation: no growth with N at the
    transition when β/ν = 1/2.
    """
    widths = sorted(results.sweeps)
    heights, errors = np.full(len(widths), np.nan), np.full(len(widths), np.nan)
    for k, n in enumerate(widths):
        chi, err = results.sweeps[n].fluctuation_susceptibility()
        if np.isfinite(chi[0]).any():
            j = int(np.nanargmax(chi[0]))
            heights[k], errors[k] = chi[0, j], err[0, j]
    return vd.trend(np.log(np.array(widths, float)), heights, errors, against="$\\ln N$",
                    what="The largest $\\chi_F$ of the first grid")


def _never_ending_share(scan, column):
    """Share of the summed size of the recorded avalanches at grid point ``column`` carried by the
    never-ending ones, and its jackknife error over networks (NaN where nothing had a size)."""
    total, ended = scan.sum_size[0, column], scan.sum_size_ended[0, column]
    if not total.sum() > 0:
        return math.nan, math.nan
    share, err = jackknife(lambda t, e: 1 - e.sum(-1) / np.where(t.sum(-1) > 0, t.sum(-1), np.nan), total, ended)
    return float(share), float(err)


def never_ending_sentence(results, k: int = -1) -> str:
    r"""Markdown: where the authors' χ = dS̄/dσ_w² peaks at width entry ``k`` (default the widest),
    against the peaks of S̄_end and of dρ/dσ_w², and what the never-ending avalanches are there.

    At the grid point of the first sweep nearest χ's peak: ρ (interpolated at the peak) and the share
    of the summed size carried by the avalanches that never end, each with its error over networks.
    """
    p = results.peaks
    width = int(p.width[k])
    peak, err = float(p.response_peak[k]), float(p.response_err[k])
    if not math.isfinite(peak):
        return f"At $N = {width}$ the peak of $\\chi$ is undetermined: {p.undetermined[k] or 'NaN'}"
    parts = []
    for name, refined in (("ended_mean_size", results.refined), ("survival_derivative", results.refined_survival)):
        r = refined[width]
        ref_name = f"the peak of {NAMES[name]}"
        if not (math.isfinite(r.peak) and math.isfinite(r.peak_err)):
            parts.append(f"{ref_name} is undetermined ({r.undetermined})")
            continue
        what = "the same peak of $\\chi$" if parts else "the peak of $\\chi$"
        v = vd.compare(peak, err, r.peak, r.peak_err, what=what, reference_name=ref_name)
        parts.append(str(_with_direction(v, r.peak)))
    scan = results.sweeps[width]
    rho = vd.sign(*_interpolate(scan, *scan.surviving_fraction(), peak), what="$\\rho$")
    column = int(np.argmin(np.abs(scan.sigma_w2 - peak)))
    share, share_err = _never_ending_share(scan, column)
    carried = (f"the avalanches that never end carry {vd.fmt(100 * share, 100 * share_err)} % of the summed size at "
               f"$\\sigma_w^2 = {scan.sigma_w2[column]:g}$" if math.isfinite(share)
               else "no avalanche had a size there")
    return f"At $N = {width}$, {parts[0]}; and {parts[1]}. At that peak {rho}, and {carried}"


def depth_verdicts(results) -> dict:
    r"""How the peaks move with the depth L at the fixed width of the depth sweep.

    Returns
    -------
    dict of str to Verdict
        ``"ended"``: trend of the refined S̄_end peak's distance from σ_c(N) with ln L; ``"response"``:
        trend of the authors' χ peak (first grid) with ln L. Undetermined with fewer than 3 depths.
    """
    depths = np.array(sorted(results.depth_refined), float)
    width = results.settings.depth_width
    critical = float(theory.finite_width_critical_sigma_w2(width))
    ended = np.array([results.depth_refined[d].peak - critical for d in sorted(results.depth_refined)])
    ended_err = np.array([results.depth_refined[d].peak_err for d in sorted(results.depth_refined)])
    chi = np.array([results.depth_peaks[d].response_peak[0] for d in sorted(results.depth_peaks)])
    chi_err = np.array([results.depth_peaks[d].response_err[0] for d in sorted(results.depth_peaks)])
    return {
        "ended": vd.trend(np.log(depths), ended, ended_err, against="$\\ln L$",
                          what=f"At $N = {width}$ the distance of the peak of {NAMES['ended_mean_size']} from "
                               "$\\sigma_c(N)$"),
        "response": vd.trend(np.log(depths), chi, chi_err, against="$\\ln L$",
                             what=f"the peak of $\\chi$ at $N = {width}$"),
    }


def ended_fraction(scan):
    """Fraction of the inputs that ended within the depth (1 − ρ) at every σ_w² of row 0 of ``scan``."""
    return 1 - scan.n_survived[0].sum(-1) / np.maximum(scan.n_in[0].sum(-1), 1)


def _map_rows(results):
    """Per row of the map: (h, peak, err, reason, largest fraction ended over the grid, out_of_range).

    A row is out of range when no recorded avalanche ended at any σ_w² of its grid: S̄_end, the
    susceptibility of the quasi-critical line, has nothing to average there.
    """
    rows = []
    for h, scan, r in zip(results.map_drives, results.map_scans, results.map_refined, strict=True):
        out = not scan.n_ended[0].any()
        sent, survived = int(scan.n_in[0].sum()), int(scan.n_survived[0].sum())
        reason = (f"no recorded avalanche ended at any of the row's {scan.sigma_w2.size} values of $\\sigma_w^2$ "
                  f"({survived:,} of the {sent:,} inputs sent over the row survived the whole depth)" if out
                  else r.undetermined)
        rows.append((float(h), float(r.peak), float(r.peak_err), reason, float(ended_fraction(scan).max()), out))
    return rows


def map_verdicts(results) -> dict:
    r"""The sentences on the map in (σ_w², h).

    Returns
    -------
    dict of str to Verdict or str
        ``"range"``: which rows are out of range (no input ended anywhere on their grid) and which rows
        have no located peak, and why (str); ``"line"``: the quasi-critical σ_w² at the strongest drive
        where it is located (a finite peak and error) against the undriven row's (Verdict, with the
        side); ``"mean_field"``: the same against the mean-field line χ₁ = 1 at that drive.
    """
    rows = _map_rows(results)
    out_of_range = [h for h, _, _, _, _, out in rows if out]
    lost = [f"$h = {h:g}$ ({why})" for h, p, _, why, _, out in rows if not out and not math.isfinite(p)]
    if out_of_range:
        text = ("Out of range: " + "; ".join(f"at $h = {h:g}$ {why}" for h, _, _, why, _, out in rows if out)
                + f", so {'this row has' if len(out_of_range) == 1 else 'these rows have'} no quasi-critical point")
    else:
        text = "Every row holds avalanches that end"
    if lost:
        text += f"; rows with ended avalanches but no located peak: {'; '.join(lost)}"
    out = {"range": text}
    located = [(h, p, e, k) for k, (h, p, e, _, _, _) in enumerate(rows) if math.isfinite(p) and math.isfinite(e)]
    undriven = [row for row in located if row[0] == 0]
    driven = [row for row in located if row[0] > 0]
    if not driven:
        out["line"] = out["mean_field"] = _nan_verdict("no driven row ($h > 0$) has a located peak")
        return out
    h, peak, err, k = driven[-1]
    what = f"At $h = {h:g}$ the quasi-critical $\\sigma_w^2$"
    if undriven:
        _, p0, e0, _ = undriven[0]
        out["line"] = _with_direction(vd.compare(peak, err, p0, e0, what=what,
                                                 reference_name="the peak without drive"), p0)
    else:
        out["line"] = _nan_verdict("the undriven row ($h = 0$) has no located peak")
    mean_field = float(results.map_mean_field[k])
    out["mean_field"] = _with_direction(vd.compare(peak, err, mean_field, what=what,
                                                   reference_name="the mean-field line $\\chi_1 = 1$"), mean_field)
    return out


def authors_verdict(results) -> vd.Verdict | str:
    r"""The peak of χ of the authors' scan rerun here against theirs (σ_w² ≈ 1.045 at width 300, depth
    500), or why it was not rerun. Their peak is a point of their grid (step 0.45/19), so it is given
    the error of a position known to one step, step/√12."""
    if results.authors is None:
        return (f"This build did not rerun it: the settings it ran with (`{results.settings.profile}` profile) "
                "have `authors_run = False`")
    if results.authors_peak is None or math.isnan(results.authors_peak):
        return _nan_verdict("the peak of $\\chi$ of the authors' scan: "
                            + ridge_undetermined(results.authors.response_susceptibility()[0])[0])
    err = math.nan if results.authors_err is None else float(results.authors_err)
    scan = results.authors
    published = next((src for src in getattr(results, "sources", ()) if src.provenance is not None), None)
    profile = (f"`{published.profile}` profile, published" if published is not None
               else f"`{results.settings.profile}` profile" if results.settings.profile else "settings of one's own")
    what = (f"The peak of $\\chi$ of the rerun (width {scan.width}, depth {scan.depth}, {scan.n_inputs:,d} inputs "
            f"per point; {profile})")
    v = vd.compare(float(results.authors_peak), err, AUTHORS_PEAK, _AUTHORS_STEP / math.sqrt(12),
                   what=what, reference_name="the authors' peak")
    return _with_direction(v, AUTHORS_PEAK)


_CLAIM = ("Random deep networks have an absorbing and an active phase with a susceptibility peak between them; "
          "with biases a quasi-critical line replaces the transition.")


def claim(results) -> claims.Claim:
    r"""The page's claim (claim 1 of the paper) and the verdict its numbers give.

    "reproduced" when, for the widest sweep, ρ is zero at the smallest σ_w² and positive at the
    largest, the peak of S̄_end tracks σ_c(N) + c/N (:func:`tracking_verdict`: no trend of
    N·(peak − σ_c(N)) with ln N), and the quasi-critical line is located at a drive h > 0 where
    avalanches end; "partly reproduced" when the phases show but the peak does not track σ_c(N) or
    no driven row is located; "not reproduced" when ρ is not zero-then-positive; "undetermined" when
    ρ cannot be told zero or positive, or the tracking cannot be decided.
    """
    width, _ = _widest(results)
    v = order_parameter_verdicts(results)
    tracking = tracking_verdict(results.scaling)
    r = results.refined[width]
    critical = float(theory.finite_width_critical_sigma_w2(width))
    key = (f"peak of $\\bar S_{{\\rm end}}$ at $N = {width}$: $\\sigma_w^2 =$ {vd.fmt(r.peak, r.peak_err)} "
           f"($\\sigma_c(N) = {critical:.4f}$)")
    line = map_verdicts(results)["mean_field"]
    driven = line.determined
    where = (f"the quasi-critical line is located at a drive $h > 0$ ({line.text[0].lower()}{line.text[1:]})" if driven
             else f"no quasi-critical point is located under drive ({line.undetermined})")
    reason = f"Widest sweep ($N = {width}$): {v['rho_low']}, and {v['rho_high']}; {tracking}; {where}."
    outcomes = (v["rho_low"].outcome, v["rho_high"].outcome)
    if "undetermined" in outcomes:
        verdict = "undetermined"
    elif outcomes != ("zero", "positive"):
        verdict = "not reproduced"
    elif not tracking.determined:
        verdict = "undetermined"
    elif tracking.outcome == "no trend" and driven:
        verdict = "reproduced"
    else:
        verdict = "partly reproduced"
    return claims.Claim(1, _CLAIM, verdict, reason, key, results.settings.profile, "phase_diagram")
