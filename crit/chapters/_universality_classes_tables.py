"""The tables of the universality-classes page (Markdown strings), re-exported by
:mod:`crit.chapters.universality_classes`. A value the data could not give is an undetermined cell
with its reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crit.analysis import finite_size, universality
from crit.analysis.finite_size import SPARSE, SYSTEMS
from crit.book import tables

if TYPE_CHECKING:  # the results record lives in the chapter module, which imports this one
    from crit.chapters.universality_classes import UniversalityClassesResults

__all__ = ["calibration_table", "class_table", "surviving_table", "sparse_table", "cutoff_table", "collapse_table", "exact_shapes_table", "resnet_table"]


def _cutoff_ratio(f) -> tuple[float, float]:
    return f.cutoff_ratio, f.cutoff_ratio_err


def _nearest(distances: dict, why: str):
    """The key of the smallest distance (bold), or an undetermined cell when no distance is a number."""
    finite = {k: d for k, d in distances.items() if np.isfinite(d)}
    return f"**{min(finite, key=finite.get)}**" if finite else tables.Undetermined(why or "no distance is a number")


def _cell(value, err=None, digits=3, why=""):
    """``value ± err`` for a table, or an undetermined cell with ``why`` when the value is NaN."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return tables.Undetermined(why or "the data gave no number")
    return tables.fmt(value, err, digits)


def _class_cell(a):
    return tables.Undetermined(a.undetermined) if a.assigned == "undetermined" else f"**{a.assigned}**"


# ----------------------------------------------------------------------------------------------- tables

def _class_table(systems) -> str:
    names = list(universality.REFERENCE_CLASSES)
    rows = []
    for e in systems:
        a = universality.classify(e)
        why = e.undetermined
        rows.append([e.name, _cell(e.tau_s, e.tau_s_err, why=why), _cell(e.tau_d, e.tau_d_err, why=why),
                     _cell(e.gamma, e.gamma_err, why=why)]
                    + [_cell(a.distances[k], digits=1, why=a.undetermined) for k in names] + [_class_cell(a)])
    return tables.markdown(["system", "τ_s", "τ_d", "γ"] + [f"d({k})" for k in names] + ["class"], rows)


def calibration_table(results: UniversalityClassesResults) -> str:
    """Markdown: exponents of the calibration models, their distance to every class (combined errors)
    and the class assigned."""
    return _class_table(results.calibration.values())


def class_table(results: UniversalityClassesResults) -> str:
    """Markdown: as :func:`calibration_table` for the calibration models and then every network
    (widest N, N → ∞ limits, ResNets)."""
    return _class_table([*results.calibration.values(), *results.networks])


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
    """Markdown: cut-off exponents (b_S, b_T) of every system, their ratio and distances to the classes.

    The distance to a class is the RMS over (b_S, b_T) of (measured − predicted)/error, with the
    weighted-least-squares errors of :func:`crit.analysis.universality.power_law_in_width` and the
    predictions :data:`crit.analysis.finite_size.CUTOFF_EXPONENTS`.
    """
    references = finite_size.CUTOFF_EXPONENTS
    rows = []
    for system, f in results.fss.items():
        b = np.array([f.size_cutoff_exponent, f.duration_cutoff_exponent])
        e = np.array([f.size_cutoff_exponent_err, f.duration_cutoff_exponent_err])
        ratio, ratio_err = _cutoff_ratio(f)
        dist = {k: float(np.sqrt(np.mean(((b - np.array(ref)) / e) ** 2))) for k, ref in references.items()}
        rows.append([system, f"{int(f.widths[0])}–{int(f.widths[-1])}", _cell(b[0], e[0], 2, f.undetermined),
                     _cell(b[1], e[1], 2, f.undetermined), tables.fmt(ratio, ratio_err, 2)]
                    + [_cell(dist[k], digits=1, why=f.undetermined) for k in references]
                    + [_nearest(dist, f.undetermined)])
        if np.isnan(ratio):
            rows[-1][4] = tables.Undetermined(f.undetermined or "a cut-off exponent is undetermined")
    return tables.markdown(["system", "widths", "$b_S$", "$b_T$", "$b_S/b_T$"] + [f"d({k})" for k in references]
                           + ["nearer"], rows)


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
    """Markdown: module calls, avalanches, survivors, exponents and class of every untrained ResNet."""
    runs = results.resnet_runs
    return tables.markdown(
        ["network", "module calls", "avalanches", "no module below threshold", "$\\tau_s$", "$\\tau_d$",
         "$\\gamma$", "class"],
        [[e.name, runs[d].n_modules, e.n_avalanches, tables.fmt(100 * runs[d].surviving_fraction, digits=1) + " %",
          _cell(e.tau_s, e.tau_s_err, why=e.undetermined), _cell(e.tau_d, e.tau_d_err, why=e.undetermined),
          _cell(e.gamma, e.gamma_err, why=e.undetermined), _class_cell(results.resnet_classes[d])]
         for d, e in results.resnet_exponents.items()])

