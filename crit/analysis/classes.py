r"""Candidate universality classes and what each predicts for every statistic.

The classes (:func:`candidate_classes`, :data:`CLASSES`) and their predictions for the statistics of
:data:`crit.analysis.pipeline.STATISTICS`: τ_s, τ_d, γ = 1/(σνz) of ⟨S⟩(T) ∝ T^γ, the width exponents
b_S, b_T of the cut-offs S_c ∝ N^{b_S}, T_c ∝ N^{b_T} (N the width: units per layer, or sites), and the
exponent a of the mean shape F(u) ∝ [u(1 − u)]^a. Where the literature gives no prediction the value
is NaN and the note says why. Each number carries its error and its source.

==========================  ==========  ==========  ==========  ========  ========  =====
class                       τ_s         τ_d         γ           b_S       b_T       a
==========================  ==========  ==========  ==========  ========  ========  =====
mean-field DP               3/2         2           2           1         1/2       1
1+1-D DP                    1.1082      1.1595      1.4732      2.3287    1.5807    —
free BM (excursion)         4/3         3/2         3/2         3/2       1         1/2
mean-field Barkhausen (c)   (3 − c)/2   2 − c       2           —         —         1
short-range Barkhausen      1.27(3)     1.5(1)†     1.85(42)†   —         —         —
==========================  ==========  ==========  ==========  ========  ========  =====

† the error of τ_d is assumed (Bohn et al. 2014 give α ~ 1.5 without one; Durin & Zapperi's 2000
abstract gives τ_s only), and γ comes from the crackling relation, so its error rests on that
assumption; their direct 1/(σνz) ~ 1.77 lies within it. Mean-field Barkhausen's a = 1 is derived here
(squared-Bessel excursion), not read in a source, and checked by a short Euler run at c = 1/2.

1+1-D DP's cut-off exponents, derived here: on N sites the lateral correlation length ξ⊥ ∝ t^{1/z}
reaches N at t ∝ N^z, so T_c ∝ N^z, b_T = z = ν∥/ν⊥; the size cut-off is S_c ∝ T_c^γ, b_S = zγ =
z(1 + θ + δ). Equivalently a cluster filling N × N^z at density N^{−β/ν⊥} has S_c ∝ N^{d + z − β/ν⊥}
(d = 1); the two agree by hyperscaling θ = d/z − 2δ (zδ = β/ν⊥). With Hinrichsen's (2000) ν∥ =
1.733847(6), ν⊥ = 1.096854(4), β = 0.276486(8): b_T = 1.580745(8), b_S = 2.328674(10).

The class assignment that uses these predictions is :mod:`crit.analysis.class_assignment`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from crit import _validate
from crit.analysis.pipeline import STATISTICS
from crit.records import Record

__all__ = ["CLASS_NAMES", "LABELS", "CandidateClass", "candidate_classes", "CLASSES"]

#: Names of the candidate classes, in the order of the tables.
CLASS_NAMES = ("mean-field DP", "1+1-D DP", "free BM", "mean-field Barkhausen", "short-range Barkhausen")
#: Math labels of the statistics (Markdown).
LABELS = {"tau_s": r"$\tau_s$", "tau_d": r"$\tau_d$", "gamma": r"$\gamma$", "b_S": r"$b_S$", "b_T": r"$b_T$",
          "shape": r"$a$"}

# 1+1-D directed percolation (Hinrichsen, Adv. Phys. 49, 815 (2000), Table 1; Jensen 1999): value, error
_DP_DELTA, _DP_THETA = (0.159464, 6e-6), (0.313686, 8e-6)
_DP_BETA, _DP_NU_PERP, _DP_NU_PAR = (0.276486, 8e-6), (1.096854, 4e-6), (1.733847, 6e-6)


def _propagate(f, *args):
    """f(values) and its error by first-order propagation of independent errors (central differences)."""
    values = np.array([a[0] for a in args], float)
    errors = np.array([a[1] for a in args], float)
    v = f(*values)
    grad = []
    for i in range(values.size):
        h = 1e-6 * max(abs(values[i]), 1.0)
        up, down = values.copy(), values.copy()
        up[i] += h
        down[i] -= h
        grad.append((f(*up) - f(*down)) / (2 * h))
    return float(v), float(np.sqrt(np.sum((np.array(grad) * errors) ** 2)))


@dataclass(frozen=True, eq=False)
class CandidateClass(Record):
    """One candidate universality class and what it predicts.

    Attributes
    ----------
    name : str
    realisation : str
        A model of the class (what the calibration runs, or the experiments).
    predictions : dict
        ``{statistic: (value, error, source, note)}`` for every statistic of
        :data:`crit.analysis.pipeline.STATISTICS`; value NaN (error NaN) where the class makes no
        prediction, and the note says why. Values are dimensionless exponents; errors are standard
        errors (0 for exact values).
    parameters : dict
        Parameters of the class (ABBM's drive ``c``), empty when none.
    """

    name: str
    realisation: str
    predictions: dict
    parameters: dict = field(default_factory=dict)

    def value(self, statistic) -> float:
        """Predicted value of ``statistic`` (NaN: no prediction)."""
        return float(self.predictions[_validate.choice("statistic", statistic, STATISTICS)][0])

    def error(self, statistic) -> float:
        """Literature error of ``statistic`` (0 for an exact value, NaN without a prediction)."""
        return float(self.predictions[_validate.choice("statistic", statistic, STATISTICS)][1])

    def source(self, statistic) -> str:
        """Short citation of the value."""
        return str(self.predictions[_validate.choice("statistic", statistic, STATISTICS)][2])

    def note(self, statistic) -> str:
        """How the value is obtained, or why there is none."""
        return str(self.predictions[_validate.choice("statistic", statistic, STATISTICS)][3])

    def predicts(self, statistic) -> bool:
        """Whether the class predicts ``statistic``."""
        return bool(np.isfinite(self.value(statistic)))


def _no(note):
    return (float("nan"), float("nan"), "", note)


def candidate_classes(*, abbm_c=0.5) -> dict:
    """The five candidate classes with their predictions (module docstring), in :data:`CLASS_NAMES` order.

    Parameters
    ----------
    abbm_c : float
        Dimensionless drive c of mean-field Barkhausen (ABBM, dv = c dt + √(2v) dW), 0 ≤ c < 1;
        default 1/2, the value of :data:`crit.analysis.universality.REFERENCE_CLASSES`. At c → 0
        every exponent of the class equals mean-field DP's; at c = 1/2 its τ_s = 1.25 and τ_d = 1.5
        lie within the short-range class's errors (1.27 ± 0.03, 1.5 ± 0.1), so that only γ (2 against
        1.85 ± 0.42) differs, by less than 2σ of the literature error alone: no measurement separates
        the two. (At c = 1/4 the class moves away from the short-range one but towards mean-field DP,
        which at the networks' sizes it then cannot be told from either.)

    Returns
    -------
    dict
        ``{name: CandidateClass}``.

    Examples
    --------
    >>> table = candidate_classes()
    >>> round(table["1+1-D DP"].value("b_T"), 6), round(table["1+1-D DP"].value("b_S"), 6)
    (1.580745, 2.328674)
    >>> table["mean-field Barkhausen"].value("tau_s"), table["short-range Barkhausen"].predicts("b_S")
    (1.25, False)
    """
    c = _validate.real("abbm_c", abbm_c, minimum=0.0, maximum=1.0, strict_max=True)
    notes_cutoff = "crit.analysis.finite_size (module docstring)"
    tau_dp = _propagate(lambda d, t: (1 + t + 2 * d) / (1 + t + d), _DP_DELTA, _DP_THETA)
    taud_dp = _propagate(lambda d: 1 + d, _DP_DELTA)
    gamma_dp = _propagate(lambda d, t: 1 + t + d, _DP_DELTA, _DP_THETA)
    bt_dp = _propagate(lambda a, b: a / b, _DP_NU_PAR, _DP_NU_PERP)
    bs_dp = _propagate(lambda a, b, beta: 1 + a / b - beta / b, _DP_NU_PAR, _DP_NU_PERP, _DP_BETA)
    hinrichsen = "Hinrichsen, Adv. Phys. 49, 815 (2000)"
    munoz = "Muñoz, Dickman, Vespignani & Zapperi, PRE 59, 6175 (1999)"
    tau_sr, taud_sr = (1.27, 0.03), (1.5, 0.1)
    gamma_sr = _propagate(lambda ts, td: (td - 1) / (ts - 1), tau_sr, taud_sr)
    table = {
        "mean-field DP": CandidateClass(
            "mean-field DP", "critical branching (Galton–Watson, Poisson(1) offspring); BM in a logarithmic trap", {
                "tau_s": (1.5, 0.0, "Harris (1963); Muñoz et al. (1999)", "Borel law of the total progeny"),
                "tau_d": (2.0, 0.0, "Harris (1963)", "Kolmogorov: P(T > t) ~ 2/t"),
                "gamma": (2.0, 0.0, munoz, "1/(σνz) = 1 + θ + δ with θ = 0, δ = 1"),
                "b_S": (1.0, 0.0, "notes §2.4; " + notes_cutoff, "on N units: S_c ∝ N (mean-field Langevin rescaling)"),
                "b_T": (0.5, 0.0, "notes §2.4; " + notes_cutoff, "on N units: T_c ∝ N^{1/2}"),
                "shape": (1.0, 0.0, "Laurson et al., Nat. Commun. 4, 2927 (2013); crit.analysis.shapes",
                          "parabola u(1 − u): [u(1 − u)]^{γ−1} with γ = 2"),
            }),
        "1+1-D DP": CandidateClass(
            "1+1-D DP", "directed bond percolation on a line at p_c = 0.644700185 (crit.models.lattice_dp)", {
                "tau_s": (*tau_dp, f"{munoz}; δ, θ of {hinrichsen}", "τ_s = (1 + θ + 2δ)/(1 + θ + δ)"),
                "tau_d": (*taud_dp, f"{munoz}; {hinrichsen}", "τ_d = 1 + δ"),
                "gamma": (*gamma_dp, f"{munoz}; {hinrichsen}", "γ = 1 + θ + δ"),
                "b_S": (*bs_dp, f"derived here from ν∥, ν⊥, β of {hinrichsen}",
                        "N lateral sites: S_c ∝ T_c^γ ∝ N^{zγ} = N^{1 + z − β/ν⊥}"),
                "b_T": (*bt_dp, f"derived here from {hinrichsen}", "N lateral sites: ξ⊥ reaches N at T_c ∝ N^z, "
                        "z = ν∥/ν⊥"),
                "shape": _no("no prediction: the mean shape of 1+1-D DP avalanches is not of the form "
                             "[u(1 − u)]^a in the sources used here"),
            }, {}),
        "free BM": CandidateClass(
            "free BM", "simple random-walk excursion (absorbed free Brownian motion)", {
                "tau_s": (4 / 3, 0.0, "Feller vol. 1 ch. III; notes §5.2",
                          "area of an excursion: τ_s = 1 + (τ_d − 1)/γ"),
                "tau_d": (1.5, 0.0, "Feller vol. 1 ch. III", "first return: P(T = 2n + 1) = C_n/2^{2n+1}"),
                "gamma": (1.5, 0.0, "Laurson, Illa & Alava (2009); notes §5.2", "⟨S⟩(T) ∝ T^{3/2}"),
                "b_S": (1.5, 0.0, notes_cutoff, "walk of ln‖h‖² with step variance 2/N: S_c ∝ √N · N (the √N of "
                        "the size definition included)"),
                "b_T": (1.0, 0.0, notes_cutoff, "walk of ln‖h‖² with step variance 2/N: T_c ∝ N"),
                "shape": (0.5, 0.0, "notes §2.1, §5.2 (Brownian excursion)", "semicircle √(u(1 − u))"),
            }),
        "mean-field Barkhausen": CandidateClass(
            "mean-field Barkhausen", f"ABBM with drive c = {c:g} (crit.models.exact_models.abbm)", {
                "tau_s": ((3 - c) / 2, 0.0, "Colaiori, Adv. Phys. 57, 287 (2008); notes §5.3", "τ_s = (3 − c)/2"),
                "tau_d": (2 - c, 0.0, "Göing-Jaeschke & Yor (2003); notes §5.3", "T = v0/Gamma(1 − c): τ_d = 2 − c"),
                "gamma": (2.0, 0.0, "Colaiori (2008); notes §2.2", "γ = 2 for every c"),
                "b_S": _no("no prediction in N: the ABBM cut-off is set by the demagnetizing factor, not by a width "
                           "(Durin & Zapperi, PRL 84, 4705 (2000))"),
                "b_T": _no("no prediction in N: the ABBM cut-off is set by the demagnetizing factor, not by a width"),
                "shape": (1.0, 0.0, "derived here, not read in a source: the excursion of a squared Bessel process "
                          "of dimension 2c is a bridge of dimension 4 − 2c, whose mean is ∝ u(1 − u); an Euler run "
                          "at c = 1/2 gave a = 0.93–1.03 on T = 2–10 v0",
                          "parabola for every c (Colaiori 2008: the measured pulses are asymmetric, which ABBM "
                          "gives only with eddy-current retardation)"),
            }, {"c": c}),
        "short-range Barkhausen": CandidateClass(
            "short-range Barkhausen", "Barkhausen experiments on amorphous ferromagnets (domain wall with short-range "
            "elasticity)", {
                "tau_s": (*tau_sr, "Durin & Zapperi, PRL 84, 4705 (2000)", "measured at vanishing field rate"),
                "tau_d": (*taud_sr, "Bohn et al., arXiv:1407.0396 (2014), abstract: α ~ 1.5 (no error given)",
                          "error 0.1 assumed here: no source read gives one (Durin & Zapperi's 2000 abstract gives "
                          "τ_s only)"),
                "gamma": (*gamma_sr, "crackling relation γ = (τ_d − 1)/(τ_s − 1) of the values above",
                          "its error rests on the assumed 0.1 of τ_d; Bohn et al. measure 1/(σνz) ~ 1.77 directly "
                          "(no error given), 0.2 errors from this value"),
                "b_S": _no("no prediction in N: the cut-off is set by the demagnetizing factor, not by a width"),
                "b_T": _no("no prediction in N: the cut-off is set by the demagnetizing factor, not by a width"),
                "shape": _no("no prediction of a: the measured shapes are asymmetric (Laurson et al. 2013; Bohn et "
                             "al. 2014), not [u(1 − u)]^a"),
            }),
    }
    return {name: table[name] for name in CLASS_NAMES}


#: The candidate classes of the book (mean-field Barkhausen at c = 1/2).
CLASSES = candidate_classes()
