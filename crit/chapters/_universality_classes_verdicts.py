r"""Verdicts of the chapter "universality classes" (:mod:`crit.chapters.universality_classes` re-exports them).

Every sentence of the page that states a result is one of these functions of the chapter's
:class:`~crit.chapters.universality_classes.UniversalityClassesResults`: a class assignment of
:func:`crit.analysis.class_assignment.assign` with its distances and their uncertainty, the
calibration's recovery rates, the degeneracy of the classes from
:func:`crit.analysis.class_assignment.separation_matrix`, a comparison of a measured number with a
class value or a calibration (through :func:`crit.analysis.verdicts.compare`), and the chapter's
:func:`claim`. The notebook glues them all from :func:`page_verdicts`. Each returns an undetermined
sentence, with the reason, when its numbers are NaN; none raises on valid results.
"""

from __future__ import annotations

import math

import numpy as np

from crit.analysis import verdicts
from crit.analysis.calibration import RECOVERY_THRESHOLD
from crit.analysis.class_assignment import SEPARATION
from crit.analysis.classes import CLASSES, LABELS
from crit.analysis.finite_size import BRANCHING, SPARSE, SYSTEMS
from crit.analysis.shapes import REFERENCE_SHAPES
from crit.book import claims

__all__ = [
    "NETWORKS", "PAPER_CLASSES", "assignment_sentence", "calibration_sentence", "calibration_exponents_sentence",
    "claim", "collapse_sentence", "cutoff_sentence", "degenerate_pairs", "degeneracy_sentence", "outcome",
    "page_verdicts", "profile_sentence", "resnet_window_sentence", "shape_class", "shape_sentence",
    "shape_separation_sentence", "systematic_sentence",
]

#: The network systems whose classes the claim is about (critical branching on N sites is an exact calibration).
NETWORKS = (*SYSTEMS, SPARSE)
#: The classes the paper names, "Barkhausen noise" and "directed percolation".
PAPER_CLASSES = ("mean-field Barkhausen", "short-range Barkhausen", "mean-field DP", "1+1-D DP")
#: Agreement of one number with another: within this many combined errors.
N_SIGMA = 2.0

_LABELS = {"tanh": "the tanh network", "tanh, driven": "the driven tanh line", "relu": "the ReLU network",
           SPARSE: "the sparse threshold network", BRANCHING: "critical branching on $N$ sites"}
_SHAPE_MODELS = {"free BM": "random-walk excursions (free BM)",
                 "mean-field DP": "critical Poisson trees (mean-field DP)"}


def _label(name: str) -> str:
    """Page name of a system, or of one of its measurements ("tanh, N→∞", "tanh, N=256", "ResNet-18")."""
    system, _, where = name.rpartition(", N")
    if system in _LABELS:
        return _LABELS[system] + (" at $N\\to\\infty$" if where == "→∞" else f" at $N = {where[1:]}$")
    return _LABELS.get(name, name)


def _vs(value, error, reference, reference_error=0.0, *, what, reference_name) -> verdicts.Verdict:
    """:func:`crit.analysis.verdicts.compare` at :data:`N_SIGMA` (undetermined when the reference, itself
    a measurement, came out NaN)."""
    return verdicts.compare(float(value), float(error), float(reference), float(reference_error), what=what,
                            reference_name=reference_name)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].isalpha() else text


def _list(items) -> str:
    items = list(items)
    if len(items) < 2:
        return items[0] if items else "none"
    return ", ".join(items[:-1]) + " and " + items[-1]


# ------------------------------------------------------------------------------------- class assignments

def outcome(assignment) -> str:
    """The class of an assignment, ``"none"`` when every candidate class is rejected (a determined
    negative result), or ``"undetermined"`` when the data cannot decide (classes not separated,
    statistics missing)."""
    if assignment.determined:
        return assignment.assigned
    return "none" if assignment.undetermined.startswith("every class is rejected") else "undetermined"


def _distance(a, name) -> str:
    d, lo, hi = a.distances[name], a.distance_low.get(name, np.nan), a.distance_high.get(name, np.nan)
    band = f", 16–84 % over redraws {lo:.1f}–{hi:.1f}" if np.isfinite(lo) and np.isfinite(hi) else ""
    return f"{d:.1f} combined errors{band}"


def assignment_sentence(assignment) -> str:
    """The class of one system with its uncertainty (Markdown): the assigned class, its distance
    sqrt(χ²/k) with the 16–84 % band over redraws of the measurement, its p-value, the next class and
    the Δχ² that separates them, the stability over redraws; or "undetermined" with the reason and
    the nearest classes.

    Parameters
    ----------
    assignment : crit.analysis.class_assignment.Assignment
    """
    a, who = assignment, _label(assignment.name)
    ranked = [n for n in a.ranking if a.dof.get(n, 0) > 0 and np.isfinite(a.distances[n])]
    if not ranked:
        return f"the class of {who} is undetermined: {a.undetermined or 'no class could be compared'}"
    best = ranked[0]
    used = ", ".join(LABELS[k] for k in a.statistics_used[best])
    near = f"nearest {best} ({_distance(a, best)}, p = {a.p_values[best]:.2g}, on {used})"
    nxt = (f"; next {ranked[1]} ({a.distances[ranked[1]]:.1f}, p = {a.p_values[ranked[1]]:.2g}; "
           f"Δχ² = {a.separation:.1f})" if len(ranked) > 1 else "")
    stable = f"; the best class stays best in {100 * a.stability:.0f} % of redraws" if np.isfinite(a.stability) else ""
    if a.determined:
        return f"{who} is assigned **{a.assigned}**: {near}{nxt}{stable}"
    return f"the class of {who} is undetermined ({a.undetermined}): {near}{nxt}{stable}"


# ------------------------------------------------------------------------------------- calibration

def calibration_sentence(results) -> str:
    """How often the pipeline assigns each exact model its own class, against all five classes and
    against the four with an exact model, each rate against :data:`~crit.analysis.calibration.RECOVERY_THRESHOLD`
    (binomial errors), and where the others went."""
    cal = results.calibration
    parts = []
    for among, what in (("exact", "among the four classes with an exact model"), ("all", "among all five classes")):
        rates, errs = cal.recovery_rate(among), cal.recovery_error(among)
        got = ", ".join(f"{m} {cal.recovered(among)[i]} of {cal.repetitions} ({verdicts.fmt(rates[i], errs[i], 2)})"
                        for i, m in enumerate(cal.models))
        v = {m: cal.recovery_verdict(m, among=among) for m in cal.models}
        below = [m for m, x in v.items() if x.outcome == "differs" and cal.recovery_rate(among)[cal.models.index(m)]
                 < RECOVERY_THRESHOLD]
        tail = (f"below {RECOVERY_THRESHOLD:g} by more than {N_SIGMA:g} errors: {_list(below)}" if below else
                f"none below {RECOVERY_THRESHOLD:g} by more than {N_SIGMA:g} errors")
        parts.append(f"{what}, the exact models are assigned their own class in: {got}; {tail}")
    misses = []
    for m, own in zip(cal.models, cal.true_classes, strict=True):
        other = {k: n for k, n in cal.counts(m).items() if k != own}
        if other:
            misses.append(f"{m}: " + ", ".join(f"{k} {n}" for k, n in sorted(other.items(), key=lambda kv: -kv[1])))
    if misses:
        parts.append("against all five, the other outcomes were " + "; ".join(misses))
    return "; ".join(parts)


def calibration_exponents_sentence(results) -> str:
    """The mean τ_s, τ_d, γ of each exact model over the repetitions against its exact values."""
    cal, out = results.calibration, []
    for m in cal.models:
        v = cal.exponent_verdicts(m)
        off = [f"{LABELS[k]} ({cal.bias[cal.models.index(m), j]:+.2f})" for j, (k, x) in enumerate(v.items())
               if x.outcome == "differs"]
        open_ = [LABELS[k] for k, x in v.items() if not x.determined]
        text = (f"{m}: the mean differs from the exact value in {_list(off)}" if off else
                f"{m}: every mean agrees with its exact value within {N_SIGMA:g} errors of the mean")
        if open_:
            text += f" ({_list(open_)} undetermined)"
        out.append(text)
    return "; ".join(out)


def systematic_sentence(results) -> str:
    """The systematic errors every assignment of the page adds, and where each comes from."""
    cal, sys = results.calibration, results.systematic
    measured = ", ".join(f"{LABELS[k]} {sys[k]:.2f}" for k in cal.statistics)
    rest = ", ".join(f"{LABELS[k]} {v:.2f}" for k, v in sys.items() if k not in cal.statistics)
    worst = {k: cal.models[int(np.nanargmax(np.abs(cal.bias[:, j])))] if np.isfinite(cal.bias[:, j]).any() else "none"
             for j, k in enumerate(cal.statistics)}
    who = ", ".join(f"{LABELS[k]} {w}" for k, w in worst.items())
    return (f"the systematic errors added in quadrature are {measured} (the largest bias over the exact models at "
            f"these sizes, set by {who}) and {rest} (the pipeline's own)")


def degenerate_pairs(matrix) -> dict:
    """``{(a, b): Δχ²}`` for the unordered pairs of classes that an exact measurement cannot separate
    in at least one direction (min over the two directions below :data:`~crit.analysis.class_assignment.SEPARATION`)."""
    out, names = {}, list(CLASSES)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            x = [matrix.get((a, b), np.nan), matrix.get((b, a), np.nan)]
            finite = [v for v in x if np.isfinite(v)]
            if finite and min(finite) < SEPARATION:
                out[(a, b)] = float(min(finite))
    return out


def degeneracy_sentence(results) -> str:
    """Which classes the available statistics cannot separate even when measured exactly, for τ_s,
    τ_d, γ alone (the ResNets, the exact models) and for every statistic of the width sweeps."""
    parts = []
    for matrix, what in ((results.separation_exponents, "$\\tau_s$, $\\tau_d$ and $\\gamma$ alone"),
                         (results.separation, "every statistic of the width sweeps ($b_S$, $b_T$ and $a$ added)")):
        pairs = degenerate_pairs(matrix)
        if pairs:
            listed = "; ".join(f"{a} from {b} (Δχ² = {x:.1f})" for (a, b), x in pairs.items())
            parts.append(f"with {what}, even an exact measurement cannot separate {listed}")
        else:
            parts.append(f"with {what}, an exact measurement separates every pair of classes at 2σ")
    return "; ".join(parts)


# ----------------------------------------------------------------------------------------------- cut-offs

def cutoff_sentence(results, system: str) -> str:
    """b_S and b_T of ``system`` and what they alone say about the classes that predict them."""
    f, a = results.fss[system], results.cutoff_assignments[system]
    if not (np.isfinite(f.size_cutoff_exponent) and np.isfinite(f.duration_cutoff_exponent)):
        return f"the cut-off exponents of {_label(system)} are undetermined: {f.undetermined or 'no slope'}"
    b_s = verdicts.fmt(f.size_cutoff_exponent, f.size_cutoff_exponent_err)
    b_t = verdicts.fmt(f.duration_cutoff_exponent, f.duration_cutoff_exponent_err)
    ps = ", ".join(f"{n} {a.p_values[n]:.2g}" for n in a.ranking if a.dof.get(n, 0) > 0)
    verdict = (f"by these two alone it is assigned **{a.assigned}**" if a.determined else
               f"by these two alone the class is undetermined ({a.undetermined})")
    return f"for {_label(system)}, $b_S$ = {b_s} and $b_T$ = {b_t}: p-values {ps}; {verdict}"


def cutoff_match_sentence(results, system: str, reference: str) -> str:
    """b_T and b_S of ``system`` compared with those of ``reference`` (measured at the same widths and samples)."""
    f, g = results.fss[system], results.fss[reference]
    out = []
    for sym, attr in (("b_T", "duration_cutoff_exponent"), ("b_S", "size_cutoff_exponent")):
        out.append(str(_vs(getattr(f, attr), getattr(f, attr + "_err"), getattr(g, attr), getattr(g, attr + "_err"),
                           what=f"${sym}$ of {_label(system)}", reference_name=f"that of {_label(reference)}")))
    return "; ".join(out)


# ----------------------------------------------------------------------------------------------- collapse

def collapse_sentence(collapse, *, system: str, reference: float, reference_error: float = 0.0,
                      reference_name: str) -> str:
    """The best collapse σ of ``system`` against ``reference ± reference_error`` (a class value or a
    calibration's σ), with its quality; at the edge of the range searched, no collapse."""
    c, who = collapse, _label(system)
    if np.isnan(c.sigma):
        return f"the size collapse of {who} is undetermined: {c.undetermined}"
    if c.at_edge:
        lo, hi = c.sigma_range
        return (f"the best $\\sigma$ of {who}, {c.sigma:.2f}, lies at the edge of the range searched "
                f"({lo:g}–{hi:g}; quality {c.quality:.1f}): no collapse inside it")
    v = _vs(c.sigma, c.sigma_err, reference, reference_error, what=f"$\\sigma$ of {who}",
                         reference_name=reference_name)
    return f"{v} (quality {c.quality:.1f})"


# ------------------------------------------------------------------------------------------------- shapes

def _shape_verdicts(results, system: str) -> dict:
    a, a_err = results.shape_exponents[system]
    return {k: _vs(a, a_err, *results.exact_shape_exponents[k], what=f"$a$ of {_label(system)}",
                                reference_name=_SHAPE_MODELS[k])
            for k in results.exact_shape_exponents}


def shape_class(results, system: str) -> str:
    """The exact model whose shape exponent a lies nearest (in combined errors) to that of ``system``,
    ``"undetermined"`` when no comparison is determined."""
    v = {k: x for k, x in _shape_verdicts(results, system).items() if x.determined}
    return min(v, key=lambda k: v[k].z) if v else "undetermined"


def shape_sentence(results, system: str) -> str:
    """The shape exponent a of ``system`` against the exact models' a on the same durations."""
    v = _shape_verdicts(results, system)
    order = sorted(v, key=lambda k: v[k].z if v[k].determined else math.inf)
    first, *rest = (v[k] for k in order)
    if not first.determined:
        return str(first)
    return "; ".join([str(first)] + [f"it {x.outcome} " + x.text.split(f" {x.outcome} ", 1)[1] if x.determined
                                     else str(x) for x in rest])


def exact_shapes_sentence(results) -> str:
    """The exact models' a on the page's durations against the asymptotic class values."""
    return "; ".join(str(_vs(a, e, REFERENCE_SHAPES[k], what=f"$a$ of {_SHAPE_MODELS[k]}",
                                          reference_name="its asymptotic value"))
                     for k, (a, e) in results.exact_shape_exponents.items())


def shape_separation_sentence(results) -> str:
    """Whether the shapes tell the tanh and sparse networks apart, and whether each shape's nearer
    exact model is the class its exponents at N → ∞ are assigned."""
    (a1, e1), (a2, e2) = results.shape_exponents["tanh"], results.shape_exponents[SPARSE]
    apart = _vs(a1, e1, a2, e2, what="$a$ of the tanh network", reference_name="that of the sparse one")
    if not apart.determined:
        return str(apart)
    pairs = {s: (shape_class(results, s), outcome(results.assignments[f"{s}, N→∞"])) for s in ("tanh", SPARSE)}
    same = [s for s, (shape, expo) in pairs.items() if shape == expo]
    detail = "; ".join(f"{_label(s)}: nearer {shape} by its shape, {expo} by its exponents at $N\\to\\infty$"
                       for s, (shape, expo) in pairs.items())
    match = ("both networks get the same class from either" if len(same) == 2 else
             f"the two measures give the same class for {_list([_label(s) for s in same])} only" if same else
             "the two measures give different classes for both networks")
    return f"{apart}. {_cap(detail)}: {match}"


# ------------------------------------------------------------------------------------------------ ResNets

def resnet_window_sentence(results) -> str:
    """The ResNets' measured duration cut-offs T_c and windows against those of the calibration
    samples, at which the systematic errors were measured."""
    tc = {e.name: e.duration_cutoff for e in results.resnet_exponents.values() if np.isfinite(e.duration_cutoff)}
    cal_tc = results.calibration.duration_cutoff[np.isfinite(results.calibration.duration_cutoff)]
    if not tc or cal_tc.size == 0:
        return "the ResNets' duration cut-offs cannot be set against the calibration's: one of them is undetermined"
    lo, hi = min(tc.values()), max(tc.values())
    c_lo, c_hi = float(cal_tc.min()), float(cal_tc.max())
    listed = ", ".join(f"{k} {v:.0f}" for k, v in tc.items())
    if hi < c_lo:
        where = ("every ResNet's is below every calibration sample's, so their windows are shorter than those at "
                 "which the systematic errors were measured")
    elif lo > c_hi:
        where = "every ResNet's is above every calibration sample's"
    else:
        where = "they overlap the calibration samples'"
    return (f"the ResNets' $T_c = \\langle T^3\\rangle/\\langle T^2\\rangle$ are {listed} module calls, "
            "the calibration "
            f"samples' {c_lo:.0f}–{c_hi:.0f} steps: {where}")


def resnet_summary_sentence(results) -> str:
    """The ResNets' classes next to the tanh network's at N → ∞."""
    got = {e.name: outcome(results.assignments[e.name]) for e in results.resnet_exponents.values()}
    if not got:
        return "no ResNet was measured"
    tanh = outcome(results.assignments["tanh, N→∞"])
    listed = ", ".join(f"{name} {c}" for name, c in got.items())
    if tanh not in CLASSES or not any(c in CLASSES for c in got.values()):
        tail = "no class to compare (undetermined or none)"
    else:
        n = sum(c == tanh for c in got.values())
        tail = f"{n} of {len(got)} ResNets share its class"
    return f"the untrained ResNets: {listed}; the tanh network at $N\\to\\infty$: {tanh}; {tail}"


def profile_sentence(results) -> str:
    """Which profile the page's numbers come from, and what the paper profile would run."""
    from crit.chapters.universality_classes import PROFILES

    s, paper = results.settings, PROFILES["paper"]
    size = (f"widths {paper.widths[0]}–{paper.widths[-1]}, ResNets on "
            f"{paper.resnet_image_size}×{paper.resnet_image_size}-pixel images")
    if s.profile == "paper" and s == paper:
        return f"These numbers come from the `paper` profile ({size})."
    return (f"These numbers come from widths {min(s.widths)}–{max(s.widths)} (the `{s.profile}` profile"
            f"{'' if s == PROFILES.get(s.profile) else ', changed'}); the `paper` profile ({size}) is not what ran "
            "for this page.")



# -------------------------------------------------------------------------------------------- page, claim

#: Sentences the page glues after a colon: they keep their lower-case start.
_MID_SENTENCE = {"v_sum_resnets", "v_rn_window"}


def page_verdicts(results) -> dict:
    """Every computed sentence of the page, in the page's order.

    Parameters
    ----------
    results : UniversalityClassesResults

    Returns
    -------
    dict
        ``{glue name: Markdown sentence}``; each starts with a capital letter unless the page glues
        it after a colon (``_MID_SENTENCE``). Numbers that are NaN give undetermined sentences with the
        reason.
    """
    fss, c, a = results.fss, results.collapses, results.assignments
    br, mf = fss[BRANCHING], CLASSES["mean-field DP"]
    free_bs = CLASSES["free BM"].value("b_S")
    out = {
        "v_calibration": calibration_sentence(results),
        "v_cal_exponents": calibration_exponents_sentence(results),
        "v_systematic": systematic_sentence(results),
        "v_degeneracy": degeneracy_sentence(results),
        "v_cut_tanh": cutoff_sentence(results, "tanh"),
        "v_cut_driven": cutoff_sentence(results, "tanh, driven"),
        "v_cut_sparse": cutoff_sentence(results, SPARSE),
        "v_cut_branching": "; ".join(
            str(_vs(getattr(br, attr), getattr(br, attr + "_err"), mf.value(key),
                    what=f"${key}$ of {_label(BRANCHING)}", reference_name="its exact value"))
            for key, attr in (("b_T", "duration_cutoff_exponent"), ("b_S", "size_cutoff_exponent"))),
        "v_cut_match": cutoff_match_sentence(results, SPARSE, BRANCHING),
        "v_cut_relu": str(_vs(fss["relu"].duration_cutoff_exponent, fss["relu"].duration_cutoff_exponent_err, 1.0,
                              what="$b_T$ of the ReLU network",
                              reference_name="the exponent of the depth $L \\propto N$")),
        "v_col_branching": collapse_sentence(c[BRANCHING], system=BRANCHING, reference=mf.value("b_S"),
                                             reference_name="the exact value"),
        "v_col_sparse": collapse_sentence(c[SPARSE], system=SPARSE, reference=c[BRANCHING].sigma,
                                          reference_error=c[BRANCHING].sigma_err,
                                          reference_name="that of critical branching on $N$ sites"),
        "v_col_tanh_bm": collapse_sentence(c["tanh"], system="tanh", reference=free_bs,
                                           reference_name="free BM's $b_S$"),
        "v_col_tanh_moment": collapse_sentence(c["tanh"], system="tanh", reference=fss["tanh"].size_cutoff_exponent,
                                               reference_error=fss["tanh"].size_cutoff_exponent_err,
                                               reference_name="its moment exponent $b_S$"),
        "v_col_relu": collapse_sentence(c["relu"], system="relu", reference=free_bs, reference_name="free BM's $b_S$"),
        "v_shape_tanh": shape_sentence(results, "tanh"),
        "v_shape_sparse": shape_sentence(results, SPARSE),
        "v_shape_exact": exact_shapes_sentence(results),
        "v_shape_separation": shape_separation_sentence(results),
        "v_rn_assign": ("; ".join(assignment_sentence(a[e.name]) for e in results.resnet_exponents.values())
                        or "no ResNet was measured"),
        "v_rn_window": resnet_window_sentence(results),
    }
    for system in (*NETWORKS, BRANCHING):
        widest = f"{system}, N={int(fss[system].widths[-1])}"
        out[f"v_sum_{system.replace(', ', '_').replace(' ', '_')}"] = (
            assignment_sentence(a[f"{system}, N→∞"]) + "; " + assignment_sentence(a[widest]))
    out["v_sum_resnets"] = resnet_summary_sentence(results)
    out["v_profile"] = profile_sentence(results)
    return {k: text if k in _MID_SENTENCE else _cap(text) for k, text in out.items()}


def claim(results) -> claims.Claim:
    """Claim 4: finite-size scaling sorts deep networks into universality classes ("including Barkhausen
    noise and directed percolation").

    The verdict comes from the class assignments of the network systems (:data:`NETWORKS`) at
    N → ∞ (:func:`outcome`): "reproduced" when at least two of them are assigned different classes;
    "partly reproduced" when every assignment is determined but they fall in one class (or in none the
    paper names); "not reproduced" when every class is rejected for every system; "undetermined" when
    an undetermined assignment could still change the outcome. The key names the assigned or nearest
    class of the tanh and the sparse threshold networks, with its p-value.

    Parameters
    ----------
    results : UniversalityClassesResults

    Returns
    -------
    crit.book.claims.Claim
        Its ``reason`` names the class (and distance) of every network system.
    """
    given = {s: results.assignments.get(f"{s}, N→∞") for s in NETWORKS}
    given = {s: x for s, x in given.items() if x is not None}
    got = {s: outcome(x) for s, x in given.items()}
    classes = {c for c in got.values() if c in CLASSES}
    open_ = [s for s, c in got.items() if c == "undetermined"]
    if len(classes) >= 2:
        verdict = "reproduced"
    elif open_ or not given:
        verdict = "undetermined"
    elif not classes:
        verdict = "not reproduced"
    else:
        verdict = "partly reproduced"
    if verdict == "reproduced":
        why = f"the networks fall in {len(classes)} different classes ({_list(sorted(classes))})"
    elif verdict == "partly reproduced":
        only = next(iter(classes))
        why = (f"every network with a class falls in one, {only}"
               + ("" if only in PAPER_CLASSES else ", none of the paper's"))
    elif verdict == "not reproduced":
        why = "every candidate class is rejected for every network"
    else:
        why = (f"{_list([_label(s) for s in open_])} cannot be assigned, and could change the outcome" if given
               else "no network was measured")
    reason = f"{why}: " + "; ".join(assignment_sentence(x) for x in given.values())
    key_parts = []
    for s in ("tanh", SPARSE):
        x = given.get(s)
        if x is None or not x.best:
            key_parts.append(f"{s}: undetermined")
        else:
            key_parts.append(f"{s}: {got[s]} (nearest {x.best}, p = {x.p_values[x.best]:.2g})")
    key = "class at $N\\to\\infty$: " + "; ".join(key_parts)
    return claims.Claim(4, "Finite-size scaling sorts deep networks into universality classes, "
                           "\"including Barkhausen noise and directed percolation\"",
                        verdict, reason, key, results.settings.profile, "universality_classes")
