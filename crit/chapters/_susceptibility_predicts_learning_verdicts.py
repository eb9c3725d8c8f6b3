r"""Verdicts and tables of the chapter "Does susceptibility predict learning?"
(:mod:`crit.chapters.susceptibility_predicts_learning` re-exports them).

Every result sentence of the page is computed here from the numbers of a
:class:`~crit.chapters.susceptibility_predicts_learning.SusceptibilityPredictsLearningResults` and their
errors with :mod:`crit.analysis.verdicts`: Spearman correlations against zero and against each other by
their bootstrap intervals, accuracies against each other by their spread over training seeds. The
notebook glues the sentences. A sentence the numbers cannot decide says "undetermined" and why, and so
does a table cell (:class:`crit.book.tables.Undetermined`); nothing here raises on valid results.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np

from crit import _validate
from crit.analysis import verdicts
from crit.analysis.correlation import CorrelationTable
from crit.book import claims, tables

if TYPE_CHECKING:
    from crit.chapters.susceptibility_predicts_learning import (
        SusceptibilityPredictsLearningResults,
    )

__all__ = ["PREDICTOR_LABELS", "PREDICTOR_SYMBOLS", "PROXIMITIES", "best_proximity", "claim", "correlates",
           "correlation_table", "curves_summary", "paired", "paired_table", "ranking", "row_summary", "verdict"]

#: Display names of the predictors, all oriented so that a larger value is predicted to learn better.
PREDICTOR_LABELS = {
    "chi": "response susceptibility $\\chi$",
    "chi_f": "fluctuation susceptibility $\\chi_F$",
    "mf_sigma": "closeness to $\\chi_1=1$: $-|\\sigma_w^2-\\sigma_{w,c}^2(\\sigma_b^2)|$",
    "mf_log": "closeness to $\\chi_1=1$: $-|\\ln\\chi_1|$",
    "fw_point": "closeness to the finite-width critical point",
}
#: Short names of the predictors for sentences (Markdown; ``\\vert`` for ``|``).
PREDICTOR_SYMBOLS = {
    "chi": "$\\chi$",
    "chi_f": "$\\chi_F$",
    "mf_sigma": "$-\\vert\\sigma_w^2-\\sigma_{w,c}^2(\\sigma_b^2)\\vert$",
    "mf_log": "$-\\vert\\ln\\chi_1\\vert$",
    "fw_point": "closeness to the finite-width critical point",
}
#: The predictors that measure proximity to the critical point (the paper's alternative to χ).
PROXIMITIES = ("mf_sigma", "mf_log", "fw_point")


# Tables ------------------------------------------------------------------------------------------


def _markdown_label(key: str) -> str:
    """The display name of predictor ``key`` for a Markdown table (``|`` written as ``\\vert``)."""
    return PREDICTOR_LABELS[_validate.choice("key", key, tuple(PREDICTOR_LABELS))].replace("|", "\\vert ")


def _why(t: CorrelationTable, key: str) -> str:
    """Why the correlation of predictor ``key`` is undetermined (its part of ``t.undetermined``)."""
    parts = [p for p in t.undetermined.split("; ") if p.startswith(f"predictor {key!r}")]
    return parts[0] if parts else (t.undetermined or "the bootstrap gave no finite value")


def _interval(t: CorrelationTable, i: int):
    if not np.isfinite(t.rho[i]):
        return tables.Undetermined(_why(t, t.names[i]))
    return f"{tables.fmt(t.rho[i], digits=2)} [{tables.fmt(t.low[i], digits=2)}, {tables.fmt(t.high[i], digits=2)}]"


def correlation_table(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: Spearman's ρ of accuracy and of learning speed with every predictor, with 95 % intervals."""
    acc, speed = results.accuracy, results.speed
    return tables.markdown(
        ["predictor (larger = predicted better)", "$\\rho_s$ with accuracy [95 % CI]",
         "$\\rho_s$ with speed [95 % CI]"],
        [[_markdown_label(k), _interval(acc, i), _interval(speed, i)] for i, k in enumerate(acc.names)],
    )


def paired_table(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: each susceptibility against each proximity, Δρ with accuracy, paired interval and p-value."""
    t = results.accuracy
    rows = []
    for s in ("chi", "chi_f"):
        for c in PROXIMITIES:
            i, j = t.index(s), t.index(c)
            if np.isfinite(t.diff[i, j]):
                cells = [f"{t.diff[i, j]:+.2f} [{t.diff_low[i, j]:+.2f}, {t.diff_high[i, j]:+.2f}]",
                         f"{t.p_not_better[i, j]:.3f}"]
            else:
                cells = [tables.Undetermined(_why(t, s if not np.isfinite(t.rho[i]) else c))] * 2
            rows.append([_markdown_label(s), _markdown_label(c), *cells])
    return tables.markdown(["susceptibility", "proximity", "$\\Delta\\rho_s$ [95 % CI]", "p (not better)"], rows)


# Verdicts ----------------------------------------------------------------------------------------

_COMPARED = {"positive": "predicts better than", "negative": "predicts worse than",
             "zero": "cannot be told apart from", "undetermined": "cannot be compared with"}


def correlates(results: SusceptibilityPredictsLearningResults, key: str) -> verdicts.Verdict:
    """Whether Spearman's ρ of the test accuracy with predictor ``key`` is positive, negative or zero, by its
    bootstrap interval (:func:`crit.analysis.verdicts.interval`); undetermined, with the reason, when NaN."""
    t = results.accuracy
    i = t.index(key)
    v = verdicts.interval(t.rho[i], t.low[i], t.high[i], what=f"$\\rho_s$ of the accuracy with {PREDICTOR_SYMBOLS[key]}",
                          level=t.level)
    return _with_reason(v, t, (key,))


def paired(results: SusceptibilityPredictsLearningResults, a: str, b: str) -> verdicts.Verdict:
    """Whether predictor ``a`` correlates more strongly with the test accuracy than ``b``: the paired
    difference ρ_a − ρ_b and its bootstrap interval (same resamples for both), against zero.

    Returns
    -------
    Verdict
        ``"positive"`` (``a`` predicts better), ``"negative"`` (worse), ``"zero"`` (the interval holds
        0: the data cannot tell them apart) or ``"undetermined"`` (a ρ is NaN), with the numbers.
    """
    t = results.accuracy
    i, j = t.index(a), t.index(b)
    v = verdicts.interval(t.diff[i, j], t.diff_low[i, j], t.diff_high[i, j], level=t.level,
                          what=f"$\\rho_s$({PREDICTOR_SYMBOLS[a]}) − $\\rho_s$({PREDICTOR_SYMBOLS[b]})")
    return _with_reason(v, t, (a, b))


def _with_reason(v: verdicts.Verdict, t: CorrelationTable, keys) -> verdicts.Verdict:
    """``v`` with the table's reason appended when it is undetermined."""
    why = [_why(t, k) for k in keys if not np.isfinite(t.rho[t.index(k)])]
    if v.determined or not why:
        return v
    return dataclasses.replace(v, text=f"{v.text} ({'; '.join(why)})", undetermined=f"{v.undetermined}: {'; '.join(why)}")


def best_proximity(results: SusceptibilityPredictsLearningResults) -> str | None:
    """The proximity measure (of :data:`PROXIMITIES`) with the largest ρ with the test accuracy; None when
    none is determined."""
    rho = np.array([results.rho(k) for k in PROXIMITIES], float)
    return PROXIMITIES[int(np.nanargmax(rho))] if np.isfinite(rho).any() else None


def verdict(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: the page's conclusion in one sentence, computed from the correlations: the predictor with
    the largest ρ, and χ against closeness in abs(ln χ₁) by the paired interval."""
    t, best = results.accuracy, results.best_predictor
    if best == "undetermined":
        first = f"No predictor's $\\rho_s$ with the accuracy is determined ({t.undetermined})"
    else:
        i = t.index(best)
        first = (f"The largest $\\rho_s$ with the accuracy is that of the {_markdown_label(best)} "
                 f"({t.rho[i]:.2f} [{t.low[i]:.2f}, {t.high[i]:.2f}])")
    v = paired(results, "chi", "mf_log")
    return (f"{first}; by the paired interval, the response susceptibility $\\chi$ {_COMPARED[v.outcome]} "
            f"closeness to $\\chi_1 = 1$ measured by $\\vert\\ln\\chi_1\\vert$: {v}.")


def claim(results: SusceptibilityPredictsLearningResults) -> claims.Claim:
    """The paper's claim 3 and its verdict: χ against the proximity measure with the largest ρ, paired.

    "reproduced" when ρ(χ) − ρ(best proximity) has its interval above 0, "not reproduced" below 0,
    "undetermined" when the interval holds 0 (the data cannot decide at this profile) or a ρ is NaN.
    """
    best = best_proximity(results)
    if best is None:
        reason = f"no proximity measure has a determined $\\rho_s$ with the accuracy ({results.accuracy.undetermined})"
        verdict_, key = "undetermined", "undetermined"
    else:
        v = paired(results, "chi", best)
        verdict_ = {"positive": "reproduced", "negative": "not reproduced"}.get(v.outcome, "undetermined")
        reason = (f"$\\chi$ against the proximity measure with the largest $\\rho_s$ with the test accuracy "
                  f"({PREDICTOR_SYMBOLS[best]}), paired: {v}"
                  + (": the data cannot decide at this profile" if v.outcome == "zero" else ""))
        t = results.accuracy
        i, j = t.index("chi"), t.index(best)
        key = (f"$\\Delta\\rho_s$ = {t.diff[i, j]:+.2f} [{t.diff_low[i, j]:+.2f}, {t.diff_high[i, j]:+.2f}]"
               if v.determined else "undetermined")
    return claims.Claim(
        number=3, claim="The peak of the susceptibility predicts learning better than closeness to the critical point",
        verdict=verdict_, reason=reason, key=key, profile=results.settings.profile,
        chapter="susceptibility_predicts_learning")


def ranking(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: the predictors ordered by their ρ with the test accuracy (point estimates), with the
    95 % intervals; the undetermined ones listed with the reason."""
    t = results.accuracy
    done = sorted((k for k in t.names if np.isfinite(t.rho[t.index(k)])), key=lambda k: -t.rho[t.index(k)])
    rest = [k for k in t.names if k not in done]
    items = [f"({n}) {PREDICTOR_SYMBOLS[k]}, {t.rho[t.index(k)]:.2f} [{t.low[t.index(k)]:.2f}, "
             f"{t.high[t.index(k)]:.2f}]" for n, k in enumerate(done, start=1)]
    text = ("ordered by the point estimate of $\\rho_s$ with the accuracy (95 % intervals in brackets): "
            + "; ".join(items) if items else "not ordered: no predictor's $\\rho_s$ with the accuracy is determined")
    if rest:
        text += "; undetermined: " + "; ".join(f"{PREDICTOR_SYMBOLS[k]} ({_why(t, k)})" for k in rest)
    return text


def _mean(values) -> str:
    """``mean ± standard error`` of one value per seed."""
    v = np.asarray(values, float)
    if v.size > 1 and np.isfinite(v).all() and np.ptp(v) == 0:
        return f"{v[0]:.3f} (the same in every seed)"
    return verdicts.fmt(float(v.mean()), float(v.std(ddof=1) / math.sqrt(v.size)) if v.size > 1 else None)


def _over_seeds(values, *, what: str) -> verdicts.Verdict:
    """Sign of the mean of one value per seed, with its standard error over seeds (the spread over networks).
    Values equal in every seed are stated as such (no error to measure a distance in)."""
    v = np.asarray(values, float)
    mean = float(v.mean())
    if v.size > 1 and np.isfinite(v).all() and np.ptp(v) == 0:
        outcome = "zero" if mean == 0 else "positive" if mean > 0 else "negative"
        return verdicts.Verdict(outcome, f"{what} = {mean:.3f} in each of the {v.size} seeds", mean, 0.0,
                                float("nan"))
    error = float(v.std(ddof=1) / math.sqrt(v.size)) if v.size > 1 else float("nan")
    return verdicts.sign(mean, error, what=what)


def row_summary(results: SusceptibilityPredictsLearningResults, row: int = 0) -> str:
    """Markdown: the best σ_w² of one σ_b² row and how the accuracy at the grid points nearest the χ ridge
    and the χ₁ = 1 line compares with it (per-seed differences, mean ± standard error over seeds)."""
    sw, acc = results.sigma_w2, results.seed_accuracy[:, row]
    best = int(np.argmax(acc.mean(0)))
    text = (f"the row $\\sigma_b^2 = {results.sigma_b2[row]:g}$ has its best mean accuracy, {_mean(acc[:, best])} "
            f"(mean ± standard error over {acc.shape[0]} seeds), at $\\sigma_w^2 = {sw[best]:.2f}$")
    step = math.log(sw[1] / sw[0]) if sw.size > 1 else math.inf
    for name, x, err in (("the ridge of $\\chi$", results.ridge_peak[row], results.ridge_err[row]),
                         ("the line $\\chi_1 = 1$", results.mf_critical[row], None)):
        if not np.isfinite(x):
            text += f"; {name} is undetermined in this row"
            continue
        text += f"; {name} lies at $\\sigma_w^2 =$ {verdicts.fmt(float(x), None if err is None else float(err), 2)}"
        j = int(np.argmin(np.abs(np.log(sw) - math.log(x))))
        if abs(math.log(x / sw[j])) > step:
            text += ", off the grid"
        elif j == best:
            text += f", whose nearest grid point, $\\sigma_w^2 = {sw[j]:.2f}$, is the row's best"
        else:
            v = _over_seeds(acc[:, j] - acc[:, best], what="the accuracy minus the row's best")
            text += f"; at its nearest grid point, $\\sigma_w^2 = {sw[j]:.2f}$, {v}"
    return text


def curves_summary(results: SusceptibilityPredictsLearningResults, sigma_b2: float = 0.0) -> dict:
    """Markdown sentences on the learning curves of one σ_b² row, from the per-seed test accuracy.

    Returns
    -------
    dict
        ``"smallest"``, ``"largest"``: the accuracy of the smallest and the largest σ_w² at step 0, at the
        early evaluation (the one nearest a quarter of the budget) and at the end, and whether it rose
        over the budget; ``"early"``, ``"final"``: the largest σ_w² minus the smallest at the early
        evaluation and at the end; ``"plateau"``: the largest σ_w² minus the row's best at the end.
        Each difference is a :class:`~crit.analysis.verdicts.Verdict` on the mean over seeds.
    """
    r0 = results.runs[0]
    row = np.flatnonzero(np.isclose(r0.sigma_b2, sigma_b2))
    if not row.size:
        raise ValueError(f"sigma_b2={sigma_b2} is not a row of the grid {np.unique(r0.sigma_b2).tolist()}")
    curves = np.array([r.test_curve[row] for r in results.runs])  # (seeds, n_w, n_eval)
    steps = np.asarray(r0.eval_steps)
    early = max(int(np.argmin(np.abs(steps - steps[-1] / 4))), 1 if steps.size > 1 else 0)
    w = r0.sigma_w2[row]
    lo, hi, best = 0, w.size - 1, int(np.argmax(curves[:, :, -1].mean(0)))
    out = {}
    for name, j in (("smallest", lo), ("largest", hi)):
        c = curves[:, j]
        gain = _over_seeds(c[:, -1] - c[:, 0], what=f"its gain from step 0 to step {steps[-1]}")
        out[name] = (f"at the {name} $\\sigma_w^2 = {w[j]:.2f}$ the test accuracy is {_mean(c[:, 0])} at step 0, "
                     f"{_mean(c[:, early])} at step {steps[early]} and {_mean(c[:, -1])} at step {steps[-1]} "
                     f"(mean ± standard error over {c.shape[0]} seeds); {gain}")
    for name, k in (("early", early), ("final", -1)):
        out[name] = _over_seeds(curves[:, hi, k] - curves[:, lo, k],
                                what=f"the largest $\\sigma_w^2$ minus the smallest at step {steps[k]}")
    out["plateau"] = _over_seeds(curves[:, hi, -1] - curves[:, best, -1],
                                 what=f"the largest $\\sigma_w^2$ minus the row's best ($\\sigma_w^2 = {w[best]:.2f}$) "
                                      f"at step {steps[-1]}")
    return out
