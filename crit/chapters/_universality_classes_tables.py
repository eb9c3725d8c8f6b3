"""The tables of the universality-classes page (Markdown strings), re-exported by
:mod:`crit.chapters.universality_classes`. A value the data could not give is an undetermined cell
with its reason; a statistic a class makes no prediction for reads "no prediction"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crit.analysis.class_assignment import SEPARATION
from crit.analysis.classes import CLASSES, LABELS
from crit.analysis.finite_size import SPARSE, SYSTEMS
from crit.analysis.pipeline import STATISTICS
from crit.book import tables

if TYPE_CHECKING:  # the results record lives in the chapter module, which imports this one
    from crit.chapters.universality_classes import UniversalityClassesResults

__all__ = ["assignment_table", "calibration_table", "class_table", "collapse_table", "cutoff_table",
           "exact_shapes_table", "headline", "resnet_table", "separation_table", "sources_table", "sparse_table",
           "surviving_table"]


def _cell(value, err=None, digits=3, why=""):
    """``value ± err`` for a table, or an undetermined cell with ``why`` when the value is NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return tables.Undetermined(why or "the data gave no number")
    return tables.fmt(value, err, digits)


def _class_cell(a):
    return tables.Undetermined(a.undetermined) if a.assigned == "undetermined" else f"**{a.assigned}**"


# ------------------------------------------------------------------------------------- the classes

def _prediction(c, k) -> str:
    if not c.predicts(k):
        return "no prediction"
    v, e = c.value(k), c.error(k)
    if e == 0:
        return tables.fmt(v, None, 3)
    if e < 1e-3:  # a numerical value known to a few units in the sixth decimal
        return tables.fmt(v, e, 6)
    return tables.fmt(v, e, 2)


def class_table(results: UniversalityClassesResults | None = None) -> str:
    """Markdown: what every candidate class of :data:`crit.analysis.classes.CLASSES` predicts for
    each statistic (value ± literature error; "no prediction" where the literature gives none)."""
    return tables.markdown(["class", "realisation"] + [LABELS[k] for k in STATISTICS],
                           [[name, c.realisation] + [_prediction(c, k) for k in STATISTICS]
                            for name, c in CLASSES.items()])


def sources_table(results: UniversalityClassesResults | None = None) -> str:
    """Markdown: the source and the derivation (or why there is no prediction) of every entry of
    :func:`class_table`."""
    rows = [[name, LABELS[k], c.source(k) or "–", c.note(k)] for name, c in CLASSES.items() for k in STATISTICS]
    return tables.markdown(["class", "statistic", "source", "how, or why none"], rows)


def separation_table(results: UniversalityClassesResults, statistics="all") -> str:
    """Markdown: Δχ² of every class (column) against a measurement exactly at another (row), with the
    literature errors and the calibration's systematic and no statistical error: below
    :data:`~crit.analysis.class_assignment.SEPARATION` no measurement of these statistics, however
    precise, tells the row's class from the column's. ``statistics``: ``"all"`` (what the width sweeps
    measure) or ``"exponents"`` (τ_s, τ_d, γ: what the ResNets and the exact models measure)."""
    matrix = results.separation if statistics == "all" else results.separation_exponents
    names = list(CLASSES)

    def cell(a, b):
        if a == b:
            return "–"
        x = matrix[(a, b)]
        if not np.isfinite(x):
            return tables.Undetermined("the two classes predict no statistic in common")
        return f"**{x:.1f}**" if x < SEPARATION else f"{x:.1f}"

    return tables.markdown(["exactly at ↓ against →"] + names, [[a] + [cell(a, b) for b in names] for a in names])


# ----------------------------------------------------------------------------------- calibration

def calibration_table(results: UniversalityClassesResults) -> str:
    """Markdown: per exact model, its class, the recovery rates (against all five classes and against
    the four with an exact model, binomial errors), the mean τ_s, τ_d, γ over repetitions with their
    bias from the exact values, and the outcomes of the assignments."""
    cal = results.calibration
    rate_all, err_all = cal.recovery_rate("all"), cal.recovery_error("all")
    rate_ex, err_ex = cal.recovery_rate("exact"), cal.recovery_error("exact")
    rows = []
    for i, (model, cls) in enumerate(zip(cal.models, cal.true_classes, strict=True)):
        means = [_cell(float(cal.mean[i, j]), float(cal.bias_error[i, j]), 2,
                       "no repetition gave a value") for j in range(len(cal.statistics))]
        bias = ", ".join(f"{cal.bias[i, j]:+.2f}" if np.isfinite(cal.bias[i, j]) else "–"
                         for j in range(len(cal.statistics)))
        outcomes = "; ".join(f"{k} {n}" for k, n in sorted(cal.counts(model).items(), key=lambda kv: -kv[1]))
        rows.append([model, cls, tables.fmt(float(rate_all[i]), float(err_all[i]), 2),
                     tables.fmt(float(rate_ex[i]), float(err_ex[i]), 2), *means, bias, outcomes])
    return tables.markdown(["model", "class", "recovered (5 classes)", "recovered (4 exact classes)",
                            "$\\tau_s$", "$\\tau_d$", "$\\gamma$", "bias ($\\tau_s$, $\\tau_d$, $\\gamma$)",
                            f"assigned, of {cal.repetitions}"], rows)


# --------------------------------------------------------------------------------------- assignment

def _stat_cell(m, k):
    if k not in m.values:
        return "not measured"
    return _cell(m.values[k], m.errors[k], 2, m.undetermined)


def _distance_cell(a, name):
    d = a.distances.get(name, float("nan"))
    if not np.isfinite(d):
        return tables.Undetermined(a.undetermined or "no statistic this class predicts was measured")
    lo, hi = a.distance_low.get(name, np.nan), a.distance_high.get(name, np.nan)
    band = f" [{lo:.1f}–{hi:.1f}]" if np.isfinite(lo) and np.isfinite(hi) else ""
    return f"{d:.1f}{band}"


def assignment_table(results: UniversalityClassesResults) -> str:
    """Markdown: every system's statistics, its distance sqrt(χ²/k) to each class with the 16–84 %
    band over redraws of the measurement from its errors, and the class assigned (or undetermined,
    with the reason)."""
    names = list(CLASSES)
    rows = []
    for key, m in results.measurements.items():
        a = results.assignments[key]
        rows.append([key] + [_stat_cell(m, k) for k in STATISTICS] + [_distance_cell(a, n) for n in names]
                    + [_class_cell(a)])
    return tables.markdown(["system"] + [LABELS[k] for k in STATISTICS] + [f"d({n})" for n in names] + ["class"],
                           rows)


# ------------------------------------------------------------------------------------ width sweeps

def surviving_table(results: UniversalityClassesResults) -> str:
    """Markdown: percentage of inputs still active at the last layer, per dense system and width."""
    return tables.markdown(
        ["system"] + [f"$N={w}$" for w in results.settings.widths],
        [[system] + [tables.fmt(100 * x, digits=2) + " %" if np.isfinite(x) else
                     tables.Undetermined(results.fss[system].undetermined or "nothing was recorded")
                     for x in results.fss[system].surviving_fraction]
         for system in SYSTEMS])


def sparse_table(results: UniversalityClassesResults) -> str:
    """Markdown: avalanches, surviving percentage and cut-offs T_c (layers), S_c (active units) of the
    sparse threshold network per width."""
    sparse, f = results.sweeps[SPARSE], results.fss[SPARSE]
    return tables.markdown(
        ["$N$", "avalanches", "surviving", "$T_c$", "$S_c$"],
        [[int(w), sparse[w].sizes.size, tables.fmt(100 * sparse[w].surviving_fraction, digits=2) + " %",
          _cell(f.duration_cutoff[k], f.duration_cutoff_err[k], 1, _width_why(f, k)),
          _cell(f.size_cutoff[k], f.size_cutoff_err[k], 0, _width_why(f, k))] for k, w in enumerate(sorted(sparse))])


def _width_why(f, k) -> str:
    return f.width_undetermined[k] if f.width_undetermined else f.undetermined


def cutoff_table(results: UniversalityClassesResults) -> str:
    """Markdown: cut-off exponents (b_S, b_T) of every system, their ratio, and the p-value of each
    class that predicts them (χ² on b_S and b_T alone, :func:`crit.analysis.class_assignment.assign`)."""
    names = [n for n, c in CLASSES.items() if c.predicts("b_S") and c.predicts("b_T")]
    rows = []
    for system, f in results.fss.items():
        a = results.cutoff_assignments[system]
        why = f.undetermined or "a cut-off exponent is undetermined"
        rows.append([system, f"{int(f.widths[0])}–{int(f.widths[-1])}",
                     _cell(f.size_cutoff_exponent, f.size_cutoff_exponent_err, 2, why),
                     _cell(f.duration_cutoff_exponent, f.duration_cutoff_exponent_err, 2, why),
                     _cell(f.cutoff_ratio, f.cutoff_ratio_err, 2, why)]
                    + [_cell(a.p_values.get(n, np.nan), digits=2, why=a.undetermined or why) for n in names]
                    + [_class_cell(a)])
    return tables.markdown(["system", "widths", "$b_S$", "$b_T$", "$b_S/b_T$"] + [f"p({n})" for n in names]
                           + ["class by $b_S$, $b_T$"], rows)


def collapse_table(results: UniversalityClassesResults) -> str:
    """Markdown: τ_s of the widest N, σ of the best size collapse, the moment exponent b_S and the
    collapse quality (χ² per point) of every system."""
    fss = results.fss
    return tables.markdown(
        ["system", "$\\tau_s$ (fit, widest $N$)", "$\\sigma$ (collapse)", "$b_S$ (moments)", "quality",
         "inside the range"],
        [[s, _cell(fss[s].tau_s[-1], fss[s].tau_s_err[-1], 3, _width_why(fss[s], -1)),
          tables.fmt(c.sigma, c.sigma_err, 2) if c.determined else tables.Undetermined(c.undetermined),
          _cell(fss[s].size_cutoff_exponent, fss[s].size_cutoff_exponent_err, 2, fss[s].undetermined),
          _cell(c.quality, digits=1, why=c.undetermined),
          ("no" if c.at_edge else "yes") if np.isfinite(c.sigma) else tables.Undetermined(c.undetermined)]
         for s, c in results.collapses.items()])


def exact_shapes_table(results: UniversalityClassesResults) -> str:
    """Markdown: shape exponent a of the exact models (the yardsticks of the networks' shapes)."""
    return tables.markdown(["model", "$a$ on $T = 20\\ldots 80$"],
                           [[k, _cell(*v, why="no duration had enough runs for a mean shape")]
                            for k, v in results.exact_shape_exponents.items()])


def resnet_table(results: UniversalityClassesResults) -> str:
    """Markdown: module calls, ended avalanches, survivors, the measured T_c and fit window, the
    exponents and the class of every untrained ResNet."""
    runs = results.resnet_runs
    rows = []
    for d, e in results.resnet_exponents.items():
        window = (f"{e.duration_window[0]:g}–{e.duration_window[1]:g}" if len(e.duration_window) == 2 else
                  tables.Undetermined(e.undetermined or "no duration window"))
        rows.append([e.name, runs[d].n_modules, e.n_avalanches,
                     tables.fmt(100 * runs[d].surviving_fraction, digits=1) + " %",
                     _cell(e.duration_cutoff, digits=0, why=e.undetermined), window,
                     _cell(e.tau_s, e.tau_s_err, why=e.undetermined), _cell(e.tau_d, e.tau_d_err, why=e.undetermined),
                     _cell(e.gamma, e.gamma_err, why=e.undetermined), _class_cell(results.assignments[e.name])])
    return tables.markdown(["network", "module calls", "ended avalanches", "no module below threshold", "$T_c$",
                            "$T$ window", "$\\tau_s$", "$\\tau_d$", "$\\gamma$", "class"], rows)


# ------------------------------------------------------------------------------------- the headline

def _pair(value, error) -> tuple[float, float]:
    return float(value), float(error)


def headline(results: UniversalityClassesResults) -> dict[str, tuple[float, float]]:
    """The page's headline numbers with their stated 1σ errors, by name: what the seed-stability
    table of :mod:`crit.book.stability` checks against their spread over seeds.

    For every system of ``results.fss`` (``<sys>`` its name): ``"b_S/b_T <sys>"``, ``"b_S <sys>"`` and
    ``"b_T <sys>"`` (width exponents of the cut-offs S_c ∝ N^{b_S}, T_c ∝ N^{b_T} and their ratio),
    ``"tau_s N→∞ <sys>"``, ``"tau_d N→∞ <sys>"``, ``"gamma N→∞ <sys>"`` (the N → ∞ limits) and
    ``"collapse σ <sys>"`` (σ of the size collapse); ``"shape a <sys>"`` of every system with a mean
    shape (exponent of F ∝ [u(1 − u)]^a); ``"γ ResNet-<depth>"`` of every ResNet (slope of ⟨S⟩ on T).
    All are dimensionless.

    Parameters
    ----------
    results : UniversalityClassesResults
        What :func:`~crit.chapters.universality_classes.compute` returned.

    Returns
    -------
    dict
        ``{name: (value, error)}``, read from the results' fields (nothing is recomputed); NaN where
        the data left a number or its error undetermined. Never raises on results of
        :func:`~crit.chapters.universality_classes.compute`.
    """
    out: dict[str, tuple[float, float]] = {}
    for system, f in results.fss.items():
        out[f"b_S/b_T {system}"] = _pair(f.cutoff_ratio, f.cutoff_ratio_err)
        out[f"b_S {system}"] = _pair(f.size_cutoff_exponent, f.size_cutoff_exponent_err)
        out[f"b_T {system}"] = _pair(f.duration_cutoff_exponent, f.duration_cutoff_exponent_err)
        for key in ("tau_s", "tau_d", "gamma"):
            out[f"{key} N→∞ {system}"] = _pair(*f.limit[key])
        c = results.collapses.get(system)
        if c is not None:
            out[f"collapse σ {system}"] = _pair(c.sigma, c.sigma_err)
    for system, (a, a_err) in results.shape_exponents.items():
        out[f"shape a {system}"] = _pair(a, a_err)
    for depth, e in results.resnet_exponents.items():
        out[f"γ ResNet-{depth}"] = _pair(e.gamma, e.gamma_err)
    return out
