r"""Verdicts and tables of the chapter "Absorbing and active phases" (:mod:`crit.chapters.phase_diagram`
re-exports them).

Every result sentence of the page is computed here from the numbers of a
:class:`~crit.chapters.phase_diagram.PhaseDiagramResults` and their errors, with
:mod:`crit.analysis.verdicts`; the notebook glues the sentences. A sentence the numbers cannot
decide says "undetermined" and why, and so does a table cell (:class:`crit.book.tables.Undetermined`);
nothing here raises on valid results.
"""

from __future__ import annotations

import math

import numpy as np

from crit.analysis import phases
from crit.analysis import verdicts as vd
from crit.analysis.phases import ridge_undetermined
from crit.book import claims, tables
from crit.models import theory
from crit.seeds import sub_seed

__all__ = [
    "AUTHORS_PEAK", "authors_verdict", "claim", "order_parameter_verdicts", "peak_shift_trend",
    "peak_verdict", "peak_width_trend", "peak_widths", "peaks_table", "phases_sentence", "ridge_sharp",
    "ridge_table", "ridge_verdicts", "surviving_verdict",
]

#: σ_w² near which the authors' χ peaked in their notebook.
AUTHORS_PEAK = 1.045
#: σ_w² step of the authors' grid, linspace(0.95, 1.4, 20): their peak is one of its points.
_AUTHORS_STEP = (1.4 - 0.95) / 19


def _nan_verdict(reason: str) -> vd.Verdict:
    return vd.Verdict("undetermined", f"undetermined: {reason}", math.nan, math.nan, math.nan, reason)


def surviving_verdict(scan, row: int, column: int, *, what: str = "$\\rho$") -> vd.Verdict:
    """Whether the surviving fraction ρ of ``scan`` at grid point (``row``, ``column``) is zero or positive.

    ρ is a count over inputs, so its jackknife error is 0 when no input (or every input) survived in
    every network; then the counts decide: none of n surviving is "zero" (below the rule-of-three
    bound 3/n at 95%), all of them "positive". Otherwise :func:`crit.analysis.verdicts.sign` on ρ
    and its error over networks.

    Parameters
    ----------
    scan : PhaseScan
    row, column : int
        Index of σ_b² and of σ_w² in the scan.
    what : str
        Name of the quantity in the sentence (Markdown).

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


def _widest(results):
    width = max(results.sweeps)
    return width, results.sweeps[width]


def order_parameter_verdicts(results) -> dict:
    r"""Sign verdicts of the order parameters of the widest sweep at its smallest and largest σ_w²,
    and of ρ at σ_w² = 1.

    Returns
    -------
    dict of str to Verdict
        ``"rho_low"``, ``"rho_high"`` (ρ, :func:`surviving_verdict`), ``"size_low"``, ``"size_high"``
        (S̄ with its error over networks, :func:`crit.analysis.verdicts.sign`) and ``"rho_one"``
        (ρ at σ_w² = 1: its grid point, or linear interpolation between the two neighbours,
        whose errors add in quadrature; undetermined when 1 lies outside the sweep).
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
        t = (1.0 - x[j - 1]) / (x[j] - x[j - 1])
        rho, err = s.surviving_fraction()
        if s.n_survived[0, j - 1:j + 1].sum() == 0:
            out["rho_one"] = surviving_verdict(s, 0, j, what=what)  # no survivor on either side
        else:
            out["rho_one"] = vd.sign(float((1 - t) * rho[0, j - 1] + t * rho[0, j]),
                                     float(np.hypot((1 - t) * err[0, j - 1], t * err[0, j])), what=what)
    return out


def phases_sentence(results) -> str:
    """Markdown: how ρ and S̄ of the widest sweep compare with zero at its two ends (the two phases).

    ρ going from zero at the smallest σ_w² to positive at the largest is the absorbing and the
    active phase in one sweep; any other pair of outcomes is said as it is.
    """
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


def _direction(verdict: vd.Verdict, reference: float) -> str:
    if verdict.outcome != "differs":
        return str(verdict)
    return f"{verdict}, {'above' if verdict.value > reference else 'below'} it"


def peak_verdict(peaks, k: int = -1) -> vd.Verdict:
    r"""The peak of χ of entry ``k`` of ``peaks`` (:class:`~crit.analysis.phases.Peaks`) against the
    finite-width critical point σ_{w,c}²(N); the text says "above it" or "below it" when they differ."""
    width, peak, err, critical = (peaks.width[k], peaks.response_peak[k], peaks.response_err[k],
                                  peaks.critical[k])
    if math.isnan(peak):
        return _nan_verdict(f"the peak of $\\chi$ at $N = {width}$: {peaks.undetermined[k] or 'NaN'}")
    v = vd.compare(float(peak), float(err), float(critical),
                   what=f"$\\sigma_w^2$ of the peak of $\\chi$ ($N = {width}$)",
                   reference_name=f"$\\sigma_{{w,c}}^2({width})$")
    return vd.Verdict(v.outcome, _direction(v, critical), v.value, v.error, v.z, v.undetermined)


def peak_shift_trend(peaks) -> vd.Verdict:
    r"""Trend of the shift of the peak of χ above σ_{w,c}²(N) against ln N (weighted by the peak errors)."""
    return vd.trend(np.log(peaks.width.astype(float)), peaks.response_peak - peaks.critical, peaks.response_err,
                    what="the shift of the peak of $\\chi$ above $\\sigma_{w,c}^2(N)$", against="$\\ln N$")


def _half_width(x, y):
    """Full width at half maximum of y(x) (linear interpolation of both crossings) and why it is NaN."""
    if not np.isfinite(y).all():
        return math.nan, "$\\chi$ is NaN somewhere along the sweep"
    k = int(np.argmax(y))
    half = y[k] / 2
    if not half > 0:
        return math.nan, "$\\chi$ has no positive maximum"
    left, right = np.flatnonzero(y[:k] < half), np.flatnonzero(y[k + 1:] < half)
    if not left.size:
        return math.nan, f"$\\chi$ stays above half its maximum down to the smallest $\\sigma_w^2$ ({x[0]:g})"
    if not right.size:
        return math.nan, f"$\\chi$ stays above half its maximum up to the largest $\\sigma_w^2$ ({x[-1]:g})"
    i, j = left[-1], k + 1 + right[0]
    lo = x[i] + (half - y[i]) * (x[i + 1] - x[i]) / (y[i + 1] - y[i])
    hi = x[j - 1] + (y[j - 1] - half) * (x[j] - x[j - 1]) / (y[j - 1] - y[j])
    return float(hi - lo), ""


def peak_widths(sweeps: dict, *, rng, n_resamples: int = 200):
    """Full width at half maximum of χ = dS̄/dσ_w² of every sweep (σ_w²), with a parametric bootstrap error.

    χ is redrawn from N(χ, err²) ``n_resamples`` times, as for the peak positions. The width is
    undetermined (NaN, with the reason) where χ does not fall below half its maximum on both sides
    within the sweep; its error where fewer than half the redraws do.

    Returns
    -------
    (widths, fwhm, err, reasons) : tuple
        Widths N (increasing), the full widths and their errors (units of σ_w²), and per width why
        they are NaN (``""`` where determined).
    """
    widths = sorted(sweeps)
    fwhm, err, reasons = np.full(len(widths), np.nan), np.full(len(widths), np.nan), []
    for n, width in enumerate(widths):
        s = sweeps[width]
        chi, chi_err = s.response_susceptibility()
        fwhm[n], reason = _half_width(s.sigma_w2, chi[0])
        draws = chi[0] + chi_err[0] * rng.standard_normal((n_resamples, s.sigma_w2.size))
        if not reason:
            if not np.isfinite(chi_err[0]).all():
                reason = "the error of $\\chi$ is NaN (fewer than 3 networks)"
            else:
                found = np.array([_half_width(s.sigma_w2, d)[0] for d in draws])
                ok = np.isfinite(found)
                if ok.sum() < n_resamples / 2:
                    reason = f"half the maximum is crossed on both sides in only {ok.sum()} of {n_resamples} redraws"
                else:
                    err[n] = found[ok].std(ddof=1)
        reasons.append(reason)
    return np.array(widths), fwhm, err, tuple(reasons)


def peak_width_trend(results) -> vd.Verdict:
    r"""Trend of the full width at half maximum of χ (:func:`peak_widths` of the sweeps) against ln N."""
    widths, fwhm, err, reasons = peak_widths(results.sweeps, rng=np.random.default_rng(
        sub_seed(results.seed, "peak widths")))
    what = "the full width at half maximum of $\\chi$"
    v = vd.trend(np.log(widths.astype(float)), fwhm, err, what=what, against="$\\ln N$")
    if v.determined:
        return v
    why = "; ".join(f"$N = {w}$: {r}" for w, r in zip(widths, reasons) if r)
    return _nan_verdict(f"{v.undetermined}" + (f" ({why})" if why else ""))


def _local_step(x, peak):
    """σ_w² spacing of the grid ``x`` at ``peak`` (NaN for a NaN peak)."""
    if not math.isfinite(peak):
        return math.nan
    j = int(np.clip(np.searchsorted(x, peak), 1, x.size - 1))
    return float(x[j] - x[j - 1])


def ridge_sharp(sigma_w2, ridge_peak, ridge_err) -> np.ndarray:
    """Per σ_b² row of a map, whether its ridge is located to better than one grid step: its
    bootstrap error is below the σ_w² spacing of the grid ``sigma_w2`` at the ridge (False where
    either is NaN)."""
    x = np.asarray(sigma_w2, float)
    return np.array([bool(e < _local_step(x, p)) for p, e in zip(ridge_peak, ridge_err)], dtype=bool)


def _sharp_row(sigma_w2, ridge_peak, ridge_err) -> int:
    """The strongest drive (row) up to which every row is located to better than a grid step; -1 when
    not even the first is."""
    sharp = ridge_sharp(sigma_w2, ridge_peak, ridge_err)
    return sharp.size - 1 if sharp.all() else int(np.argmin(sharp)) - 1


def ridge_verdicts(results) -> dict:
    r"""The sentences on the ridge of the (σ_w², σ_b²) map.

    Returns
    -------
    dict of str to Verdict or str
        ``"zero"``: the undriven ridge against σ_{w,c}²(N) of the map's width (Verdict);
        ``"sharp"``: up to which drive the ridge is located to better than one grid step, where it
        lies and how it compares with the mean-field line χ₁ = 1 there (str);
        ``"strong"``: whether the ridge of the strongest drive is located within a grid step, how
        flat χ is along that row, and whether ρ is positive there at the smallest σ_w² (str).
    """
    m, peak, err, mf = results.map, results.map_ridge_peak, results.map_ridge_err, results.map_mean_field
    chi, _ = m.response_susceptibility()
    why = ridge_undetermined(chi)
    critical = float(theory.finite_width_critical_sigma_w2(m.width))

    def located(row):
        if math.isnan(peak[row]):
            return _nan_verdict(f"the ridge at $\\sigma_b^2 = {m.sigma_b2[row]:g}$: {why[row]}")
        return None

    out = {"zero": located(0)}
    if out["zero"] is None:
        v = vd.compare(float(peak[0]), float(err[0]), critical, what="The undriven ridge",
                       reference_name=f"$\\sigma_{{w,c}}^2({m.width})$")
        out["zero"] = vd.Verdict(v.outcome, _direction(v, critical), v.value, v.error, v.z, v.undetermined)

    sharp = _sharp_row(m.sigma_w2, peak, err)
    step = [_local_step(m.sigma_w2, p) for p in peak]
    if np.isnan(err).all():
        out["sharp"] = f"undetermined: the ridge errors are NaN ({m.undetermined or 'no peak to locate'})"
    elif sharp < 0:
        out["sharp"] = (f"Even at $\\sigma_b^2 = 0$ the ridge error ({vd.fmt(err[0])}) is not below the local "
                        f"grid step ({step[0]:.3f}), so no row of the map is located to better than one step")
    elif sharp == 0 and m.sigma_b2.size == 1:
        out["sharp"] = "The map has no driven row ($\\sigma_b^2 > 0$) to locate a ridge in"
    elif sharp == 0:
        out["sharp"] = (f"Only the undriven ridge is located to better than one grid step; at $\\sigma_b^2 = "
                        f"{m.sigma_b2[1]:g}$ the error ({vd.fmt(err[1])}) is not below the local step "
                        f"({step[1]:.3f})")
    else:
        v = vd.compare(float(peak[sharp]), float(err[sharp]), float(mf[sharp]),
                       what="its position", reference_name="the mean-field line $\\chi_1 = 1$")
        out["sharp"] = (f"Up to $\\sigma_b^2 = {m.sigma_b2[sharp]:g}$ every ridge error is below the local grid "
                        f"step (at that drive {vd.fmt(err[sharp])} against {step[sharp]:.3f}), so the ridge is "
                        f"located to better than one step; {_direction(v, float(mf[sharp]))}")

    last = m.sigma_b2.size - 1
    head = f"At the strongest drive, $\\sigma_b^2 = {m.sigma_b2[last]:g}$,"
    if math.isnan(peak[last]) or math.isnan(err[last]):
        ridge = f"{head} the ridge is undetermined ({why[last] or 'its error is NaN'})"
    elif err[last] < step[last]:
        ridge = (f"{head} the ridge error ({vd.fmt(err[last])}) is below the local grid step "
                 f"({step[last]:.3f}): its maximum is located within a step")
    else:
        ridge = (f"{head} the ridge error (± {err[last]:.2g}) is not below the local grid step "
                 f"({step[last]:.3f}): its maximum is not located within a step")
    flat = ""
    if np.isfinite(chi[[0, last]]).all() and (chi[[0, last]].max(axis=1) > 0).all():
        low = 100 * chi[[0, last]].min(axis=1) / chi[[0, last]].max(axis=1)
        flat = (f"; the smallest $\\chi$ of that row is {low[1]:.2g}% of its largest, against {low[0]:.2g}% "
                "without drive")
    rho = surviving_verdict(m, last, 0, what=f"$\\rho({m.sigma_w2[0]:g})$")
    alive = ", so there the drive, not $\\sigma_w^2$, keeps the activity alive" if rho.outcome == "positive" else ""
    out["strong"] = f"{ridge}{flat}. At that drive {rho}{alive}"
    return out


def authors_verdict(results) -> vd.Verdict | str:
    r"""The peak of χ of the authors' scan rerun here against theirs (σ_w² ≈ 1.045), or why it was not rerun.

    Their peak is a point of their grid (step 0.45/19 of σ_w²), so it is given the error of a
    position known to one step, step/√12.
    """
    if results.authors is None:
        return (f"This build did not rerun it: the settings it ran with (`{results.settings.profile}` profile) "
                "have `authors_run = False`")
    if results.authors_peak is None or math.isnan(results.authors_peak):
        return _nan_verdict("the peak of $\\chi$ of the authors' scan: "
                            + ridge_undetermined(results.authors.response_susceptibility()[0])[0])
    reference_err = _AUTHORS_STEP / math.sqrt(12)
    err = math.nan if results.authors_err is None else float(results.authors_err)
    v = vd.compare(float(results.authors_peak), err, AUTHORS_PEAK, reference_err,
                   what="The peak of $\\chi$ of the rerun", reference_name="the authors' peak")
    return vd.Verdict(v.outcome, _direction(v, AUTHORS_PEAK), v.value, v.error, v.z, v.undetermined)


_CLAIM = ("Random deep networks have an absorbing and an active phase with a susceptibility peak between them; "
          "with biases a quasi-critical ridge replaces the transition.")


def claim(results) -> claims.Claim:
    """The page's claim (claim 1 of the paper) and the verdict its numbers give.

    "reproduced" when, for the widest sweep, ρ is zero within its errors at the smallest σ_w² and
    positive at the largest, the peak of χ is located (a finite error, strictly inside the sweep),
    and the ridge of the map is located to better than one grid step at a drive σ_b² > 0;
    "partly reproduced" when the phases show but one of the others does not; "not reproduced" when
    ρ is not zero-then-positive; "undetermined" when ρ cannot be told zero or positive.
    """
    width, s = _widest(results)
    v = order_parameter_verdicts(results)
    peak = peak_verdict(results.peaks)
    p = results.peaks
    key = (f"peak of $\\chi$ at $N = {width}$: $\\sigma_w^2 =$ {vd.fmt(p.response_peak[-1], p.response_err[-1])}"
           f" ($\\sigma_{{w,c}}^2(N) = {p.critical[-1]:.4f}$)")
    located = peak.determined and s.sigma_w2[0] < p.response_peak[-1] < s.sigma_w2[-1]
    sharp = _sharp_row(results.map.sigma_w2, results.map_ridge_peak, results.map_ridge_err)
    driven = sharp >= 1
    ridge = ("the ridge of the map is located to better than one grid step up to "
             f"$\\sigma_b^2 = {results.map.sigma_b2[sharp]:g}$" if driven
             else "the ridge of the map is not located to better than one grid step at any drive $\\sigma_b^2 > 0$")
    where = str(peak)
    if peak.determined and not located:
        where = f"the peak of $\\chi$ lies at the edge of the sweep, so it is not located ({peak})"
    reason = f"Widest sweep ($N = {width}$): {v['rho_low']}, and {v['rho_high']}; {where}; {ridge}."
    outcomes = (v["rho_low"].outcome, v["rho_high"].outcome)
    if "undetermined" in outcomes:
        verdict = "undetermined"
    elif outcomes != ("zero", "positive"):
        verdict = "not reproduced"
    elif located and driven:
        verdict = "reproduced"
    else:
        verdict = "partly reproduced"
    return claims.Claim(1, _CLAIM, verdict, reason, key, results.settings.profile, "phase_diagram")


# --- tables ---------------------------------------------------------------------------------------------------

def _cell(value, err, reason, digits=3):
    """``value ± err``, or an :class:`~crit.book.tables.Undetermined` cell with ``reason`` when either is NaN."""
    if value is None or np.isnan(value):
        return tables.Undetermined(reason or "NaN")
    if err is not None and np.isnan(err):
        return tables.Undetermined(f"{value:.{digits}f} with an undetermined error: {reason or 'its error is NaN'}")
    return tables.fmt(value, err, digits=digits)


def peaks_table(peaks: phases.Peaks, *, heights: bool = True) -> str:
    """Markdown table of the peaks of χ and χ_F (σ_w², with errors) against the width, with σ_{w,c}²(N).

    ``heights`` adds the height of χ_F (dimensionless). A peak or error the data could not give is an
    undetermined cell, with the reason under the table.
    """
    headers = ["width $N$", "depth", "$\\sigma^2_{w,c}(N)$", "peak of $\\chi$", "peak of $\\chi_F$"]
    why = peaks.undetermined or ("",) * peaks.width.size
    rows = [[int(peaks.width[k]), int(peaks.depth[k]), tables.fmt(peaks.critical[k], digits=4),
             _cell(peaks.response_peak[k], peaks.response_err[k], why[k]),
             _cell(peaks.fluctuation_peak[k], peaks.fluctuation_err[k], why[k])]
            + ([_cell(peaks.fluctuation_height[k], None, why[k], digits=2)] if heights else [])
            for k in range(peaks.width.size)]
    return tables.markdown(headers + (["height of $\\chi_F$"] if heights else []), rows)


def ridge_table(results) -> str:
    """Markdown table of the ridge of χ (σ_w², with error), the σ_w² step of the map's grid there
    (:func:`ridge_sharp`: the ridge is located to better than a step when its error is below it) and
    the mean-field line χ₁ = 1, for every σ_b² of the map."""
    m = results.map
    why = ridge_undetermined(m.response_susceptibility()[0])
    sharp = ridge_sharp(m.sigma_w2, results.map_ridge_peak, results.map_ridge_err)
    rows = []
    for k, (b, p, e, mf) in enumerate(zip(m.sigma_b2, results.map_ridge_peak, results.map_ridge_err,
                                          results.map_mean_field)):
        if np.isnan(p):
            step = tables.Undetermined(why[k])
        else:
            j = int(np.clip(np.searchsorted(m.sigma_w2, p), 1, m.sigma_w2.size - 1))
            step = f"{m.sigma_w2[j] - m.sigma_w2[j - 1]:.3f} ({'error below it' if sharp[k] else 'error not below it'})"
        rows.append([f"{b:g}", _cell(p, e, why[k] or m.undetermined), step, tables.fmt(mf, digits=3)])
    return tables.markdown(["$\\sigma_b^2$", "ridge $\\sigma_w^2$", "grid step there", "mean field $\\chi_1=1$"], rows)
