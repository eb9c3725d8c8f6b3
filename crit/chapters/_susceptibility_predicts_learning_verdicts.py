r"""Verdicts and tables of the chapter "Does susceptibility predict learning?"
(:mod:`crit.chapters.susceptibility_predicts_learning` re-exports them).

Every result sentence of the page is computed here from the numbers of a
:class:`~crit.chapters.susceptibility_predicts_learning.SusceptibilityPredictsLearningResults` and their
hierarchical-bootstrap intervals (:mod:`crit.analysis.hierarchical`) with :mod:`crit.analysis.verdicts`.
The deciding comparison is the paired difference of the within-row rank correlations of the test
accuracy with closeness to the χ peak and with closeness to χ₁ = 1; the leave-one-row-out choice test
and the row optima are the evidence beside it. A sentence the numbers cannot decide says "undetermined"
and why, and so does a table cell (:class:`crit.book.tables.Undetermined`); nothing here raises on valid
results.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from crit.analysis import verdicts
from crit.book import claims, tables

if TYPE_CHECKING:
    from crit.chapters.susceptibility_predicts_learning import DesignResults, SusceptibilityPredictsLearningResults

__all__ = ["PREDICTOR_LABELS", "PREDICTOR_SYMBOLS", "choice_table", "choice_verdict", "claim", "comparison_table",
           "design_verdict", "designs_table", "optima_table", "optimum_sentence", "rows_sentence", "verdict_table"]

#: Display names of the predictors, all oriented so that a larger value is predicted to learn better.
PREDICTOR_LABELS = {
    "chi_peak": "closeness to the $\\chi$ peak, $-\\vert\\ln\\sigma_w^2 - \\ln\\sigma^2_{\\chi\\,\\rm peak}\\vert$",
    "ended_peak": ("closeness to the $\\bar S_{\\rm end}$ peak, "
                   "$-\\vert\\ln\\sigma_w^2 - \\ln\\sigma^2_{\\rm end\\,peak}\\vert$"),
    "critical": "closeness to $\\chi_1 = 1$, $-\\vert\\ln\\sigma_w^2 - \\ln\\sigma^2_{w,c}\\vert$",
    "chi": "raw response susceptibility $\\chi$",
    "xi_c": "signal propagation, $-L/\\xi_c$",
    "constant": "one $\\sigma_w^2$ for every drive",
}
#: Short names of the predictors and rules for sentences.
PREDICTOR_SYMBOLS = {"chi_peak": "the $\\chi$ peak", "ended_peak": "the $\\bar S_{\\rm end}$ peak",
                     "critical": "$\\chi_1 = 1$", "chi": "raw $\\chi$", "xi_c": "$-L/\\xi_c$",
                     "constant": "a constant $\\sigma_w^2$"}
_OUTCOME = {"positive": "reproduced", "negative": "not reproduced"}


class _Diff:
    """The paired differences of an OutOfSample, read as a table's (for :func:`_rho_cell`)."""

    def __init__(self, c):
        self.diff, self.diff_low, self.diff_high, self.undetermined = c.diff, c.diff_low, c.diff_high, c.undetermined


def _rho_cell(t, i, j=None, digits=2):
    """"value [low, high]" of ρ_i (or of ρ_i − ρ_j), or an Undetermined cell with the table's reason."""
    value, low, high = ((t.rho[i], t.low[i], t.high[i]) if j is None
                        else (t.diff[i, j], t.diff_low[i, j], t.diff_high[i, j]))
    if not np.isfinite(value):
        return tables.Undetermined(t.undetermined or "no finite value")
    return f"{value:+.{digits}f} [{low:+.{digits}f}, {high:+.{digits}f}]"


def design_verdict(d: DesignResults) -> verdicts.Verdict:
    """Whether closeness to the χ peak ranks a drive's initialisations better than closeness to χ₁ = 1:
    the paired difference of their within-row ρ with the test accuracy, against zero by its interval."""
    t = d.comparison
    i, j = t.names.index("chi_peak"), t.names.index("critical")
    v = verdicts.interval(t.diff[i, j], t.diff_low[i, j], t.diff_high[i, j], level=t.level,
                          what="$\\rho_s$(closeness to the $\\chi$ peak) − $\\rho_s$(closeness to $\\chi_1 = 1$)")
    if not v.determined and t.undetermined:
        return verdicts.Verdict("undetermined", f"{v.text} ({t.undetermined})", v.value, v.error, v.z,
                                f"{v.undetermined}: {t.undetermined}")
    return v


def choice_verdict(d: DesignResults, a: str = "chi_peak", b: str = "critical") -> verdicts.Verdict:
    """Whether rule ``a`` chooses initialisations that reach a higher test accuracy than rule ``b`` in the
    leave-one-row-out test (paired interval of the difference of mean accuracies reached)."""
    c = d.choice
    if not c.determined:
        return verdicts.Verdict("undetermined", f"undetermined: {c.undetermined}", math.nan, math.nan, math.nan,
                                c.undetermined)
    i, j = c.index(a), c.index(b)
    return verdicts.interval(c.diff[i, j], c.diff_low[i, j], c.diff_high[i, j], level=c.level,
                             what=f"accuracy reached by {PREDICTOR_SYMBOLS[a]} − by {PREDICTOR_SYMBOLS[b]}")


def optimum_sentence(d: DesignResults) -> str:
    """Where each drive's accuracy optimum lies against the χ peak and χ₁ = 1, counted over rows by the
    paired interval of abs(offset to the χ peak) − abs(offset to χ₁ = 1)."""
    o = d.optima
    low, high = o.closer_low["critical"], o.closer_high["critical"]
    edge = o.at_edge
    peak = int(((high < 0) & ~edge).sum())
    crit = int(((low > 0) & ~edge).sum())
    rows = edge.size
    tie = rows - peak - crit - int(edge.sum())
    off_p, off_c = o.offset["chi_peak"], o.offset["critical"]
    inside = ~edge
    parts = [f"the accuracy optimum is nearer the $\\chi$ peak in {peak}, nearer $\\chi_1 = 1$ in {crit}, and "
             f"neither at {o.level * 100:g} % in {tie} of the {rows} drives"]
    if edge.any():
        parts.append(f"in {int(edge.sum())} it lies at an end of the grid, so its position is undetermined there")
    if inside.any():
        parts.append(f"on average the optimum sits {np.mean(off_p[inside]):+.2f} in $\\ln\\sigma_w^2$ from the "
                     f"$\\chi$ peak and {np.mean(off_c[inside]):+.2f} from $\\chi_1 = 1$")
    return "; ".join(parts) + f" ({d.design})"


def rows_sentence(results: SusceptibilityPredictsLearningResults) -> str:
    """Which drives were kept at each depth and why the others were not."""
    out = []
    for depth, refs in results.references.items():
        kept = ", ".join(f"{h:g}" for h in refs.h[refs.kept])
        dropped = "; ".join(f"h = {h:g} ({r})" for h, r, k in zip(refs.h, refs.reasons, refs.kept) if not k)
        out.append(f"at depth {depth}, drives h = {kept} kept" + (f", dropped: {dropped}" if dropped else ""))
    return "; ".join(out)


def claim(results: SusceptibilityPredictsLearningResults) -> claims.Claim:
    """The paper's claim 3, from :func:`design_verdict` in every design.

    "reproduced" when every design's interval lies above 0; "partly reproduced" when some do and others
    do not; "not reproduced" when some lie below 0 and none above; "undetermined" when every interval
    holds 0 or is undetermined.
    """
    vs = [(d.design, design_verdict(d)) for d in results.designs]
    pos = [str(g) for g, v in vs if v.outcome == "positive"]
    neg = [str(g) for g, v in vs if v.outcome == "negative"]
    if pos and len(pos) == len(vs):
        verdict_ = "reproduced"
    elif pos:
        verdict_ = "partly reproduced"
    elif neg:
        verdict_ = "not reproduced"
    else:
        verdict_ = "undetermined"
    counts = (f"over {len(vs)} designs, closeness to the $\\chi$ peak ranks initialisations better than closeness "
              f"to $\\chi_1 = 1$ in {len(pos)} ({'; '.join(pos) or 'none'}), worse in {len(neg)} "
              f"({'; '.join(neg) or 'none'}), and the data cannot tell them apart in the other "
              f"{len(vs) - len(pos) - len(neg)} (paired within-drive $\\rho_s$, hierarchical bootstrap, 95 %)")
    main, t = design_verdict(results.main), results.main.comparison
    i, j = t.names.index("chi_peak"), t.names.index("critical")
    key = (f"$\\Delta\\rho_s$ = {main.value:+.2f} [{t.diff_low[i, j]:+.2f}, {t.diff_high[i, j]:+.2f}] "
           f"({results.main.design})" if main.determined else "undetermined")
    return claims.Claim(
        number=3, claim="The peak of the susceptibility predicts learning better than closeness to the critical point",
        verdict=verdict_, reason=counts, key=key, profile=results.settings.profile,
        chapter="susceptibility_predicts_learning")


# Tables ------------------------------------------------------------------------------------------


def designs_table(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: per design, the best drive-and-σ_w² by mean test accuracy, with its train and test
    accuracy and loss, the steps to the target accuracy and the learning rates chosen."""
    rows = []
    for d in results.designs:
        mean, acc_seeds = d.test_accuracy.mean(-1), d.test_accuracy.shape[-1]
        r, p = np.unravel_index(int(np.argmax(mean)), mean.shape)
        reach = d.steps_to_target[r, p]
        steps = (f"{np.nanmean(reach):.0f} ({int(np.isfinite(reach).sum())}/{reach.size} reach it)"
                 if np.isfinite(reach).any() else tables.Undetermined(
                     "no network of the best initialisation reached the target accuracy "
                     f"{results.settings.target_accuracy:g}"))
        lrs, counts = np.unique(d.lr, return_counts=True)
        rows.append([str(d.design), f"{d.refs.h[r]:g}", f"{d.sigma_w2[r, p]:.2f}",
                     tables.fmt(mean[r, p], d.test_accuracy[r, p].std(ddof=1) if acc_seeds > 1 else None, 3),
                     tables.fmt(float(d.train_accuracy[r, p].mean()), digits=3),
                     tables.fmt(float(d.test_loss[r, p].mean()), digits=2),
                     tables.fmt(float(d.train_loss[r, p].mean()), digits=2), steps,
                     ", ".join(f"{lr:g} ×{c}" for lr, c in zip(lrs, counts)), f"{d.train_s:.0f}"])
    return tables.markdown(["design", "$h$", "best $\\sigma_w^2$", "test acc. (± s.d. over seeds)", "train acc.",
                            "test loss", "train loss", "steps to target", "learning rates chosen (all networks)",
                            "training s"], rows)


def comparison_table(d: DesignResults) -> str:
    """Markdown: within-drive ρ of the test accuracy with every predictor, and each one's paired
    difference from closeness to the χ peak (95 % hierarchical-bootstrap intervals)."""
    t = d.comparison
    ref = t.names.index("chi_peak")
    rows = [[PREDICTOR_LABELS[k], _rho_cell(t, i), "—" if i == ref else _rho_cell(t, ref, i),
             "—" if i == ref else f"{t.p_not_better[ref, i]:.3f}"] for i, k in enumerate(t.names)]
    return tables.markdown(["predictor (larger = predicted better)", "$\\rho_s$ within drives [95 %]",
                            "$\\rho_s$($\\chi$ peak) − this [95 %]", "p ($\\chi$ peak not better)"], rows)


def optima_table(d: DesignResults) -> str:
    """Markdown: per drive, σ_w² of the accuracy optimum against the three reference lines, with errors."""
    o, refs = d.optima, d.refs
    rows = []
    for r in range(refs.h.size):
        best = (tables.Undetermined("the best mean accuracy lies at an end of the drive's grid") if o.at_edge[r]
                else f"{np.exp(o.ln_best[r]):.2f} ({verdicts.fmt(o.ln_best[r], o.ln_best_err[r])})")
        cells = []
        for k in ("chi_peak", "ended_peak", "critical"):
            ln, err = refs.ln_sigma_w2[k][r], refs.ln_sigma_w2_err[k][r]
            cells.append(f"{np.exp(ln):.2f} ({verdicts.fmt(ln, err if err > 0 else None)})" if np.isfinite(ln)
                         else tables.Undetermined("the peak is not located in this drive"))
        lo, hi = o.closer_low["critical"][r], o.closer_high["critical"][r]
        closer = "—" if o.at_edge[r] else f"{o.closer['critical'][r]:+.2f} [{lo:+.2f}, {hi:+.2f}]"
        rows.append([f"{refs.h[r]:g}", best, *cells, closer])
    return tables.markdown(["$h$", "$\\sigma_w^2$ of best accuracy ($\\ln$ ± error)", "$\\chi$ peak",
                            "$\\bar S_{\\rm end}$ peak", "$\\chi_1 = 1$",
                            "$\\vert\\Delta_\\chi\\vert - \\vert\\Delta_{\\chi_1}\\vert$ [95 %] "
                            "(< 0: nearer the $\\chi$ peak)"],
                           rows)


def choice_table(d: DesignResults) -> str:
    """Markdown: the leave-one-drive-out test, mean test accuracy each rule's choice reaches."""
    c = d.choice
    if not c.determined:
        return tables.markdown(["rule", "test accuracy reached [95 %]"], [["all", tables.Undetermined(c.undetermined)]])
    ref = c.index("chi_peak")
    rows = [[PREDICTOR_LABELS[k], f"{c.mean[i]:.3f} [{c.low[i]:.3f}, {c.high[i]:.3f}]",
             "—" if i == ref else f"{c.diff[ref, i]:+.3f} [{c.diff_low[ref, i]:+.3f}, {c.diff_high[ref, i]:+.3f}]"]
            for i, k in enumerate(c.names)]
    best = f"{c.best:.3f} [{c.best_low:.3f}, {c.best_high:.3f}]"
    rows.append(["best initialisation of each drive (no rule)", best, "—"])
    return tables.markdown(["rule", "test accuracy reached [95 %]", "$\\chi$ peak − this [95 %]"], rows)


def verdict_table(results: SusceptibilityPredictsLearningResults) -> str:
    """Markdown: per design, the deciding paired comparison and the choice test, each with its outcome."""
    rows = []
    for d in results.designs:
        v, c = design_verdict(d), choice_verdict(d)
        t = d.comparison
        reached = (tables.Undetermined(c.undetermined) if not c.determined else
                   _rho_cell(_Diff(d.choice), d.choice.index("chi_peak"), d.choice.index("critical"), digits=3))
        rows.append([str(d.design), _rho_cell(t, t.names.index("chi_peak"), t.names.index("critical")),
                     _OUTCOME.get(v.outcome, "undetermined"), reached, c.outcome])
    return tables.markdown(["design", "$\\Delta\\rho_s$ ($\\chi$ peak − $\\chi_1 = 1$) [95 %]", "claim",
                            "accuracy reached, $\\chi$ peak − $\\chi_1 = 1$ rule [95 %]", "choice test"], rows)
