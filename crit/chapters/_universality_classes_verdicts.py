r"""Verdicts of the chapter "universality classes" (:mod:`crit.chapters.universality_classes` re-exports them).

Every sentence of the page that states a result is one of these functions of the chapter's
:class:`~crit.chapters.universality_classes.UniversalityClassesResults`: a class assignment with
its distances, a comparison of a measured number with a class value or a calibration (through
:func:`crit.analysis.verdicts.compare`), and the chapter's :func:`claim`. The notebook glues them
all from :func:`page_verdicts`. Each returns an undetermined sentence, with the reason, when its
numbers are NaN; none raises on valid results.
"""

from __future__ import annotations

import math

import numpy as np

from crit.analysis import verdicts
from crit.analysis.finite_size import BRANCHING, CUTOFF_EXPONENTS, SPARSE, SYSTEMS
from crit.analysis.shapes import REFERENCE_SHAPES
from crit.analysis.universality import REFERENCE_CLASSES
from crit.book import claims

__all__ = [
    "NETWORKS", "PAPER_CLASSES", "assignment_sentence", "calibration_sentence", "claim", "collapse_sentence",
    "cutoff_class_sentence", "cutoff_distances", "cutoff_match_sentence", "dense_vs_dp_sentence", "nearer_sentence",
    "page_verdicts", "profile_sentence", "ratio_sentence", "resnet_dp_sentence", "resnet_summary_sentence",
    "resnet_window_sentence", "shape_class", "shape_sentence", "shape_separation_sentence", "tolerance_sentence",
]

#: The network systems whose classes the claim is about (critical branching on N sites is an exact calibration).
NETWORKS = (*SYSTEMS, SPARSE)
#: The classes the paper names, "Barkhausen noise" (ABBM) and "directed percolation".
PAPER_CLASSES = ("ABBM c=1/2", "mean-field DP", "1+1-D DP")
#: Agreement of one number with another: within this many combined errors.
N_SIGMA = 2.0

_LABELS = {"tanh": "the tanh network", "tanh, driven": "the driven tanh line", "relu": "the ReLU network",
           SPARSE: "the sparse threshold network", BRANCHING: "critical branching on $N$ sites"}
_SHAPE_MODELS = {"free BM": "random-walk excursions (free BM)", "mean-field DP": "critical Poisson trees (mean-field DP)"}


def _label(name: str) -> str:
    """Page name of a system, or of one of its assignments ("tanh, N→∞", "tanh, N=256", "ResNet-18")."""
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


def _finite(distances: dict) -> dict:
    return dict(sorted(((k, d) for k, d in distances.items() if np.isfinite(d)), key=lambda kv: kv[1]))


# ------------------------------------------------------------------------------------- class assignments

def assignment_sentence(assignment) -> str:
    """The class of one system and its distances (Markdown), e.g. "the tanh network at N → ∞ is assigned
    **free BM** (0.9 combined errors; next 1+1-D DP at 1.8)".

    Parameters
    ----------
    assignment : crit.analysis.universality.ClassAssignment
    """
    who, near = _label(assignment.name), _finite(assignment.distances)
    if not assignment.determined or not near:
        return f"the class of {who} is undetermined: {assignment.undetermined or 'no distance could be formed'}"
    (first, d1), *rest = near.items()
    nxt = f"; next {rest[0][0]} at {rest[0][1]:.1f}" if rest else ""
    if assignment.assigned == "none":
        return (f"{who} lies in no class: the nearest, {first}, is {d1:.1f} combined errors away "
                f"(tolerance {assignment.tolerance:g})")
    return f"{who} is assigned **{assignment.assigned}** ({d1:.1f} combined errors{nxt})"


def tolerance_sentence(assignment) -> str:
    """Which classes lie within the tolerance of one system (Markdown): one class is a clear assignment,
    two or more are classes its exponents do not tell apart."""
    who, near = _label(assignment.name), _finite(assignment.distances)
    if not assignment.determined or not near:
        return f"the classes near {who} are undetermined: {assignment.undetermined or 'no distance could be formed'}"
    inside = {k: d for k, d in near.items() if d <= assignment.tolerance}
    dist = ", ".join(f"{k} {d:.1f}" for k, d in near.items())
    if not inside:
        return f"no class lies within {assignment.tolerance:g} combined errors of {who} (distances: {dist})"
    if len(inside) == 1:
        return f"only {next(iter(inside))} lies within {assignment.tolerance:g} combined errors of {who} (distances: {dist})"
    return (f"{_list(inside)} {'both' if len(inside) == 2 else 'all'} lie within {assignment.tolerance:g} combined errors of {who} (distances: {dist}), "
            "so its exponents do not tell them apart")


def calibration_sentence(results) -> str:
    """How many calibration models the pipeline assigns to their own class, and where the others go."""
    got = results.calibration_classes
    wrong = {k: v for k, v in got.items() if v != k}
    if not wrong:
        return f"all {len(got)} calibration models are assigned to their own class"
    others = "; ".join(f"{k} is assigned {v}" for k, v in wrong.items())
    return f"{len(got) - len(wrong)} of the {len(got)} calibration models are assigned to their own class; {others}"


# ----------------------------------------------------------------------------------------------- cut-offs

def cutoff_distances(f) -> dict:
    """RMS over (b_S, b_T) of (measured − predicted)/error for each class of
    :data:`crit.analysis.finite_size.CUTOFF_EXPONENTS` (NaN when an exponent or error is NaN)."""
    b = np.array([f.size_cutoff_exponent, f.duration_cutoff_exponent])
    e = np.array([f.size_cutoff_exponent_err, f.duration_cutoff_exponent_err])
    with np.errstate(divide="ignore", invalid="ignore"):
        return {k: float(np.sqrt(np.mean(((b - np.array(ref)) / e) ** 2))) for k, ref in CUTOFF_EXPONENTS.items()}


def cutoff_class_sentence(results, system: str) -> str:
    """The cut-off exponents (b_S, b_T) of ``system`` against those of free BM and mean-field DP."""
    f = results.fss[system]
    dist = _finite(cutoff_distances(f))
    if len(dist) < len(CUTOFF_EXPONENTS):
        return f"the cut-off exponents of {_label(system)} are undetermined: {f.undetermined or 'an error is zero'}"
    tol = results.tolerance
    b_s, b_t = (verdicts.fmt(f.size_cutoff_exponent, f.size_cutoff_exponent_err),
                verdicts.fmt(f.duration_cutoff_exponent, f.duration_cutoff_exponent_err))
    parts = " and ".join(f"{d:.1f}{' combined errors (RMS)' if i == 0 else ''} from {k}'s "
                         f"({_frac(CUTOFF_EXPONENTS[k][0])}, {_frac(CUTOFF_EXPONENTS[k][1])})"
                         for i, (k, d) in enumerate(dist.items()))
    nearest, d = next(iter(dist.items()))
    where = (f"within {tol:g} of {nearest} only" if sum(x <= tol for x in dist.values()) == 1 and d <= tol else
             f"within {tol:g} of both" if d <= tol else f"farther than {tol:g} from both, nearer {nearest}")
    return f"for {_label(system)}, $b_S$ = {b_s} and $b_T$ = {b_t} lie {parts}: {where}"


def _frac(x: float) -> str:
    return {0.5: "1/2", 1.5: "3/2"}.get(x, f"{x:g}")


def cutoff_match_sentence(results, system: str, reference: str) -> str:
    """b_T and b_S of ``system`` compared with those of ``reference`` (measured at the same widths and samples)."""
    f, g = results.fss[system], results.fss[reference]
    out = []
    for sym, attr in (("b_T", "duration_cutoff_exponent"), ("b_S", "size_cutoff_exponent")):
        out.append(str(_vs(getattr(f, attr), getattr(f, attr + "_err"), getattr(g, attr),
                                        getattr(g, attr + "_err"), what=f"${sym}$ of {_label(system)}",
                                        reference_name=f"that of {_label(reference)}")))
    return "; ".join(out)


def ratio_sentence(results, system: str) -> str:
    """b_S/b_T of ``system`` (``results.cutoff_ratios``) against free BM's γ = 3/2 and mean-field DP's 2."""
    ratio, err = results.cutoff_ratios[system]
    refs = {"free BM": 1.5, "mean-field DP": 2.0}
    v = {k: _vs(ratio, err, r, what=f"$b_S/b_T$ of {_label(system)}", reference_name=k) for k, r in refs.items()}
    if any(not x.determined for x in v.values()):
        return str(next(x for x in v.values() if not x.determined))
    near = [k for k, x in v.items() if x.outcome == "agrees"]
    verdict = (f"it agrees with {_list(near)} within {N_SIGMA:g} combined errors" if near else
               f"it differs from both by more than {N_SIGMA:g} combined errors")
    return (f"$b_S/b_T$ of {_label(system)} is {verdicts.fmt(ratio, err)}, {v['free BM'].z:.1f} combined errors from "
            f"free BM's $\\gamma = 3/2$ and {v['mean-field DP'].z:.1f} from mean-field DP's 2: {verdict}")


def nearer_sentence(value, error, what: str, references: dict) -> str:
    """Which of ``references`` ({name: value}) ``value ± error`` lies nearer, in combined errors."""
    v = {k: _vs(value, error, r, what=what, reference_name=k) for k, r in references.items()}
    if any(not x.determined for x in v.values()):
        return str(next(x for x in v.values() if not x.determined))
    order = sorted(v, key=lambda k: v[k].z)
    dist = ", ".join(f"{v[k].z:.1f}{' combined errors' if i == 0 else ''} from {k} ({references[k]:g})"
                     for i, k in enumerate(order))
    return f"{what} = {verdicts.fmt(value, error)} lies {dist}: nearest {order[0]}"


def dense_vs_dp_sentence(results) -> str:
    """Distances of the dense networks (widest N and N → ∞) to mean-field DP, in the exponents and in the
    cut-off exponents, against the tolerance."""
    tol = results.tolerance
    exps = {_label(n): a.distances["mean-field DP"] for n, a in results.verdicts.items()
            if n.rpartition(", N")[0] in SYSTEMS}
    cuts = {_label(s): cutoff_distances(results.fss[s])["mean-field DP"] for s in SYSTEMS}
    out = []
    for what, dist in (("exponents ($\\tau_s$, $\\tau_d$, $\\gamma$; widest $N$ and $N\\to\\infty$)", exps),
                       ("cut-off exponents ($b_S$, $b_T$)", cuts)):
        dist = {k: x for k, x in dist.items() if np.isfinite(x)}
        if not dist:
            out.append(f"in the {what} the distance to mean-field DP is undetermined (no finite distance)")
            continue
        near = [k for k, x in dist.items() if x <= tol]
        side = (f"all farther than the tolerance {tol:g}" if not near else f"{_list(near)} within the tolerance {tol:g}")
        out.append(f"in the {what} the dense networks lie {min(dist.values()):.1f}–{max(dist.values()):.1f} combined "
                   f"errors from mean-field DP ({side})")
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
    pairs = {s: (shape_class(results, s), results.verdicts[f"{s}, N→∞"].assigned) for s in ("tanh", SPARSE)}
    same = [s for s, (shape, expo) in pairs.items() if shape == expo]
    detail = "; ".join(f"{_label(s)}: nearer {shape} by its shape, {expo} by its exponents at $N\\to\\infty$"
                       for s, (shape, expo) in pairs.items())
    match = ("both networks get the same class from either" if len(same) == 2 else
             f"the two measures give the same class for {_list([_label(s) for s in same])} only" if same else
             "the two measures give different classes for both networks")
    return f"{apart}. {_cap(detail)}: {match}"


# ------------------------------------------------------------------------------------------------ ResNets

def _resnet_name(results, depth) -> str:
    return results.resnet_exponents[depth].name


def resnet_window_sentence(results) -> str:
    """Per ResNet, the classes within the tolerance (:func:`tolerance_sentence`)."""
    return "; ".join(tolerance_sentence(a) for a in results.resnet_classes.values())


def resnet_dp_sentence(results) -> str:
    """Distances of the ResNets to mean-field DP against the tolerance, and γ against mean-field DP's 2."""
    tol, out = results.tolerance, []
    d = {_resnet_name(results, k): a.distances["mean-field DP"] for k, a in results.resnet_classes.items()}
    finite = {k: x for k, x in d.items() if np.isfinite(x)}
    if not finite:
        out.append("the distance of the ResNets to mean-field DP is undetermined (no finite distance)")
    else:
        near = [k for k, x in finite.items() if x <= tol]
        out.append(f"the ResNets lie {min(finite.values()):.1f}–{max(finite.values()):.1f} combined errors from "
                   "mean-field DP (" + (f"all farther than the tolerance {tol:g}" if not near else
                                        f"{_list(near)} within the tolerance {tol:g}") + ")")
    for e in results.resnet_exponents.values():
        out.append(str(_vs(e.gamma, e.gamma_err, REFERENCE_CLASSES["mean-field DP"][2],
                                        what=f"$\\gamma$ of {e.name}", reference_name="mean-field DP")))
    return "; ".join(out)


def resnet_summary_sentence(results) -> str:
    """The ResNets' classes next to the tanh network's at N → ∞."""
    got = {_resnet_name(results, k): a.assigned for k, a in results.resnet_classes.items()}
    tanh = results.verdicts["tanh, N→∞"].assigned
    listed = ", ".join(f"{name} **{c}**" for name, c in got.items())
    known = [c for c in got.values() if c in REFERENCE_CLASSES]
    if not known or tanh not in REFERENCE_CLASSES:
        tail = "no class to compare (undetermined or none)"
    elif all(c == tanh for c in got.values()):
        tail = "every ResNet shares its class"
    else:
        n = sum(c == tanh for c in got.values())
        tail = f"{n} of {len(got)} ResNets {'shares' if n == 1 else 'share'} its class"
    return f"the untrained ResNets are assigned: {listed}; the tanh network at $N\\to\\infty$: **{tanh}**; {tail}"


def profile_sentence(results) -> str:
    """Which profile the page's numbers come from, and what the paper profile would run."""
    from crit.chapters.universality_classes import PROFILES

    s, paper = results.settings, PROFILES["paper"]
    size = f"widths {paper.widths[0]}–{paper.widths[-1]}, ResNets on {paper.resnet_image_size}×{paper.resnet_image_size}-pixel images"
    if s.profile == "paper" and s == paper:
        return f"These numbers come from the `paper` profile ({size})."
    return (f"These numbers come from widths {min(s.widths)}–{max(s.widths)} (the `{s.profile}` profile"
            f"{'' if s == PROFILES.get(s.profile) else ', changed'}); the `paper` profile ({size}) is not what ran "
            "for this page.")


# -------------------------------------------------------------------------------------------- page, claim

#: Sentences the page glues after a colon: they keep their lower-case start.
_MID_SENTENCE = {"v_rn_window", "v_sum_tanh_window", "v_sum_measured_activations", "v_sum_resnets"}


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
    fss, c, v = results.fss, results.collapses, results.verdicts
    br = fss[BRANCHING]
    out = {
        "v_calibration": calibration_sentence(results),
        "v_cut_tanh": cutoff_class_sentence(results, "tanh"),
        "v_cut_sparse": cutoff_class_sentence(results, SPARSE),
        "v_cut_branching": "; ".join(
            str(_vs(getattr(br, a), getattr(br, a + "_err"), ref, what=f"${sym}$ of {_label(BRANCHING)}",
                    reference_name="its asymptotic value"))
            for sym, a, ref in (("b_T", "duration_cutoff_exponent", 0.5), ("b_S", "size_cutoff_exponent", 1.0))),
        "v_cut_match": cutoff_match_sentence(results, SPARSE, BRANCHING),
        "v_cut_relu": str(_vs(fss["relu"].duration_cutoff_exponent, fss["relu"].duration_cutoff_exponent_err, 1.0,
                              what="$b_T$ of the ReLU network",
                              reference_name="the exponent of the depth $L \\propto N$")),
        "v_col_branching": collapse_sentence(c[BRANCHING], system=BRANCHING, reference=1.0,
                                             reference_name="the exact value"),
        "v_col_sparse": collapse_sentence(c[SPARSE], system=SPARSE, reference=c[BRANCHING].sigma,
                                          reference_error=c[BRANCHING].sigma_err,
                                          reference_name="that of critical branching on $N$ sites"),
        "v_col_tanh_bm": collapse_sentence(c["tanh"], system="tanh", reference=1.5, reference_name="free BM's $b_S$"),
        "v_col_tanh_moment": collapse_sentence(c["tanh"], system="tanh", reference=fss["tanh"].size_cutoff_exponent,
                                               reference_error=fss["tanh"].size_cutoff_exponent_err,
                                               reference_name="its moment exponent $b_S$"),
        "v_col_relu": collapse_sentence(c["relu"], system="relu", reference=1.5, reference_name="free BM's $b_S$"),
        "v_shape_tanh": shape_sentence(results, "tanh"),
        "v_shape_sparse": shape_sentence(results, SPARSE),
        "v_shape_exact": exact_shapes_sentence(results),
        "v_shape_separation": shape_separation_sentence(results),
    }
    if results.resnet_exponents:
        e = results.resnet_exponents[max(results.resnet_exponents)]
        gammas = {k: REFERENCE_CLASSES[k][2] for k in ("free BM", "1+1-D DP", "mean-field DP")}
        out["v_rn_deepest"] = (nearer_sentence(e.gamma, e.gamma_err, f"$\\gamma$ of {e.name}", gammas) + "; "
                               + assignment_sentence(results.resnet_classes[max(results.resnet_exponents)]))
        out["v_rn_window"] = resnet_window_sentence(results)
        out["v_rn_dp"] = resnet_dp_sentence(results)
    else:
        out.update(dict.fromkeys(("v_rn_deepest", "v_rn_window", "v_rn_dp"), "no ResNet was measured"))
    td = {s: fss[s].limit["tau_d"] for s in SYSTEMS}
    out.update({
        "v_sum_dense": "; ".join(assignment_sentence(v[f"{s}, N→∞"]) for s in SYSTEMS),
        "v_sum_dense_dp": dense_vs_dp_sentence(results),
        "v_sum_tanh_window": tolerance_sentence(v["tanh, N→∞"]) + "; " + str(_vs(
            *td["tanh"], 1.5, what="$\\tau_d$ of the tanh network at $N\\to\\infty$", reference_name="free BM")),
        "v_sum_driven_td": nearer_sentence(*td["tanh, driven"], "$\\tau_d$ of the driven tanh line at $N\\to\\infty$",
                                           {"free BM": 1.5, "1+1-D DP": REFERENCE_CLASSES["1+1-D DP"][1]}),
        "v_sum_ratio_tanh": ratio_sentence(results, "tanh"),
        "v_sum_ratio_driven": ratio_sentence(results, "tanh, driven"),
        "v_sum_bt_tanh": str(_vs(fss["tanh"].duration_cutoff_exponent, fss["tanh"].duration_cutoff_exponent_err,
                                 1.0, what="$b_T$ of the tanh network", reference_name="free BM ($T_c \\propto N$)")),
        "v_sum_measured_activations": "; ".join(assignment_sentence(v[f"{s}, N→∞"]) for s in ("tanh", "relu")),
        "v_sum_sparse": (assignment_sentence(v[f"{SPARSE}, N→∞"]) + "; "
                         + assignment_sentence(v[f"{SPARSE}, N={int(fss[SPARSE].widths[-1])}"])),
        "v_sum_ratio_sparse": ratio_sentence(results, SPARSE),
        "v_sum_td_sparse": "; ".join(
            str(_vs(*fss[s].limit["tau_d"], 2.0, what=f"$\\tau_d$ of {_label(s)} at $N\\to\\infty$",
                    reference_name="mean-field DP")) for s in (SPARSE, BRANCHING)),
        "v_sum_resnets": resnet_summary_sentence(results) if results.resnet_exponents else "no ResNet was measured",
        "v_profile": profile_sentence(results),
    })
    return {k: text if k in _MID_SENTENCE else _cap(text) for k, text in out.items()}


def claim(results) -> claims.Claim:
    """Claim 4: finite-size scaling sorts deep networks into universality classes ("including Barkhausen
    noise and directed percolation").

    The verdict comes from the class assignments of the network systems (:data:`NETWORKS`) at
    N → ∞: "reproduced" when at least two of them are assigned different classes; "partly reproduced"
    when every assignment is determined but they fall in one class (or in no class the paper names);
    "not reproduced" when every assignment is determined and none is a class; "undetermined" when
    an undetermined assignment could still change the outcome. The key number is b_S/b_T, the
    cut-off ratio, of the tanh and the sparse threshold networks.

    Parameters
    ----------
    results : UniversalityClassesResults

    Returns
    -------
    crit.book.claims.Claim
        Its ``reason`` names the class (and distance) of every network system.
    """
    given = {s: results.verdicts.get(f"{s}, N→∞") for s in NETWORKS}
    given = {s: a for s, a in given.items() if a is not None}
    assigned = {s: a.assigned for s, a in given.items()}
    classes = {c for c in assigned.values() if c in REFERENCE_CLASSES}
    open_ = [s for s, c in assigned.items() if c == "undetermined"]
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
        why = f"every network with a class falls in one, {only}" + ("" if only in PAPER_CLASSES else ", none of the paper's")
    elif verdict == "not reproduced":
        why = "no network is assigned a class"
    else:
        why = "an undetermined assignment could change the outcome" if given else "no network was measured"
    reason = f"{why}: " + "; ".join(assignment_sentence(a) for a in given.values())
    ratios = {s: results.cutoff_ratios.get(s, (float("nan"), float("nan"))) for s in ("tanh", SPARSE)}
    key = "$b_S/b_T$ = " + ", ".join(
        f"{verdicts.fmt(*r) if np.isfinite(r[0]) else 'undetermined'} ({s})" for s, r in ratios.items()
    ) + "; free BM 3/2, mean-field DP 2"
    return claims.Claim(4, "Finite-size scaling sorts deep networks into universality classes, "
                           "\"including Barkhausen noise and directed percolation\"",
                        verdict, reason, key, results.settings.profile, "universality_classes")
