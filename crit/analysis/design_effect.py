r"""Likelihood ratios and goodness of fit of a power law when the avalanches of a network are not independent.

One network serves many inputs, so its avalanches share its weights (quenched disorder): a test
that counts them as independent draws overstates its evidence by the **design effect**, the variance
of a statistic over networks divided by its variance for independent avalanches.

:func:`likelihood_ratio_over_networks`
    Likelihood ratios whose variance is taken over networks (a cluster-robust Vuong test; for the
    nested alternative, Wilks's χ²₁ with a first-order Rao–Scott correction).
:func:`goodness_over_networks`
    The goodness-of-fit p-value beside a version corrected by the measured design effect, with a
    field that says what neither can claim (:data:`GOODNESS_LIMITS`).

Data that do not allow a number (too few networks) give NaN and the reason in ``undetermined``;
only bad input raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy import stats as scipy_stats

from crit import _validate
from crit.analysis import stats
from crit.analysis.resampling import _labels, network_bootstrap, too_few_networks
from crit.analysis.stats.compare import _logpdf
from crit.analysis.stats.powerlaw import log_pdf
from crit.records import Record

__all__ = [
    "GOODNESS_LIMITS",
    "NetworkGoodness",
    "NetworkLikelihoodRatio",
    "goodness_over_networks",
    "likelihood_ratio_over_networks",
]


@dataclass(frozen=True, eq=False)
class NetworkLikelihoodRatio(Record):
    """A power law against an alternative, with the significance taken over networks.

    Attributes
    ----------
    alternative : str
    R : float
        Log-likelihood ratio (nats), positive when the power law fits better.
    normalized_ratio_iid, p_iid : float
        Vuong's ratio and p treating the avalanches as independent (:func:`crit.analysis.stats.compare_to`).
    normalized_ratio, p : float
        The same with the variance of R taken over networks: R over the square root of
        m/(m − 1) Σ_k (R_k − n_k R/n)², R_k the log-ratio summed over the tail avalanches of network
        k (a cluster-robust Vuong test). For the nested alternative (power law with cut-off) Wilks's
        χ²₁ is applied to 2|R|/design_effect (a first-order Rao–Scott correction).
    design_effect : float
        Variance of R over networks divided by its i.i.d. variance n s²: how many avalanches one
        independent one is worth, inverted.
    nested : bool
    n_tail, n_networks : int
    undetermined : str
    """

    alternative: str
    R: float
    normalized_ratio_iid: float
    p_iid: float
    normalized_ratio: float
    p: float
    design_effect: float
    nested: bool
    n_tail: int
    n_networks: int
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether the comparison over networks has a ratio and a p-value."""
        return not self.undetermined


def _data_and_labels(data, network, fit):
    if not isinstance(fit, stats.PowerLawFit):
        raise TypeError(f"fit must be a PowerLawFit, got {type(fit).__name__}")
    x = _validate.finite_array("data", data)
    labels = _labels("network", network)
    if labels.shape != x.shape:
        raise ValueError(f"data and network must have the same length, got {x.size} and {labels.size}")
    return x, labels


def likelihood_ratio_over_networks(data, network, fit, alternative) -> NetworkLikelihoodRatio:
    """Likelihood-ratio test of ``fit`` against ``alternative`` whose variance is taken over networks.

    Parameters
    ----------
    data : array_like
        The data ``fit`` was fitted to (all of it).
    network : array_like of int
        The network of each data point.
    fit : crit.analysis.stats.PowerLawFit
        An untruncated fit (as :func:`crit.analysis.stats.compare_to` requires).
    alternative : str
        One of :data:`crit.analysis.stats.ALTERNATIVES`.

    Returns
    -------
    NetworkLikelihoodRatio
        Undetermined when the i.i.d. comparison is (a degenerate alternative), or with fewer than 3
        networks holding tail avalanches.
    """
    x, labels = _data_and_labels(data, network, fit)
    lr = stats.compare_to(x, fit, alternative)
    nan = float("nan")
    tail_mask = x >= fit.xmin
    tail_labels = labels[tail_mask]
    ids, inverse = np.unique(tail_labels, return_inverse=True)
    m = int(ids.size)
    base = {"alternative": lr.alternative, "R": lr.R, "normalized_ratio_iid": lr.normalized_ratio, "p_iid": lr.p,
            "nested": lr.nested, "n_tail": int(tail_mask.sum()), "n_networks": m}
    if not lr.determined:
        return NetworkLikelihoodRatio(**base, normalized_ratio=nan, p=nan, design_effect=nan,
                                      undetermined=lr.undetermined)
    few = too_few_networks(m, "a variance over networks")
    if few:
        return NetworkLikelihoodRatio(**base, normalized_ratio=nan, p=nan, design_effect=nan, undetermined=few)
    tail = x[tail_mask]
    with np.errstate(all="ignore"):
        diff = log_pdf(fit, tail) - _logpdf(lr.alternative, tuple(lr.params.values()), tail, fit.xmin, fit.discrete)
    n = tail.size
    total = float(np.sum(diff))
    per_net = np.bincount(inverse, weights=diff, minlength=m)
    n_k = np.bincount(inverse, minlength=m)
    var_net = m / (m - 1) * float(np.sum((per_net - n_k * total / n) ** 2))
    var_iid = n * float(np.var(diff))
    deff = var_net / var_iid if var_iid > 0 else nan
    R = lr.R
    if lr.nested:
        p = float(scipy_stats.chi2.sf(2 * abs(R) / deff, 1)) if deff > 0 else 1.0
        z = R / math.sqrt(var_net) if var_net > 0 else 0.0
    else:
        z = R / math.sqrt(var_net) if var_net > 0 else 0.0
        p = float(special.erfc(abs(z) / math.sqrt(2))) if var_net > 0 else 1.0
    return NetworkLikelihoodRatio(**base, normalized_ratio=float(z), p=p, design_effect=float(deff))


#: What the goodness-of-fit numbers cannot claim, stored with each result.
GOODNESS_LIMITS = (
    "p_iid is Clauset et al.'s p-value: it treats the avalanches as independent draws from one law, "
    "but those of one network share its weights, so when the design effect exceeds 1 it overstates the "
    "evidence against the power law. p_network rescales the synthetic KS distances by the square root of "
    "the design effect measured on the exponent, assuming disorder widens the KS distance by the same "
    "factor (a first-order correction, not an exact test). Both test the pooled distribution of all "
    "networks: neither says whether each network follows the same law, and a p above 0.1 only means that "
    "the power law is not rejected at these sizes."
)


@dataclass(frozen=True, eq=False)
class NetworkGoodness(Record):
    """Goodness of fit of a power law, with and without the correction for quenched disorder.

    Attributes
    ----------
    p_iid, p_iid_error : float
        Clauset et al.'s semi-parametric bootstrap p-value and its Monte-Carlo error.
    p_network : float
        The fraction of synthetic KS distances, scaled by sqrt(design_effect) (≥ 1), above the data's.
    design_effect, design_effect_iid_sigma : float, float
        (spread of the exponent over networks / its i.i.d. error)², the exponent refitted on the
        fixed range in every resample; and that i.i.d. error.
    ks : float
        The KS distance of the data.
    n_tail, n_networks, n_sets, n_resamples : int
    cannot_claim : str
        What these numbers cannot claim (:data:`GOODNESS_LIMITS`).
    undetermined : str
    """

    p_iid: float
    p_iid_error: float
    p_network: float
    design_effect: float
    design_effect_iid_sigma: float
    ks: float
    n_tail: int
    n_networks: int
    n_sets: int
    n_resamples: int
    cannot_claim: str = GOODNESS_LIMITS
    undetermined: str = ""

    @property
    def determined(self) -> bool:
        """Whether both p-values were determined."""
        return not self.undetermined


def goodness_over_networks(data, network, fit, *, n_sets=200, n_resamples=100, rng) -> NetworkGoodness:
    """Clauset et al.'s p-value of ``fit`` and its version corrected for the design effect of disorder.

    Parameters
    ----------
    data : array_like
        The data ``fit`` was fitted to (all of it, below x_min too).
    network : array_like of int
        The network of each data point.
    fit : crit.analysis.stats.PowerLawFit
        A determined fit; its range is kept in the synthetic sets and in the resamples.
    n_sets : int
        Synthetic sets of the p-value.
    n_resamples : int
        Resamples of the networks for the design effect.
    rng : numpy.random.Generator

    Returns
    -------
    NetworkGoodness
        ``p_network`` NaN, with the reason, when the design effect is undetermined (fewer than 3
        networks).
    """
    x, labels = _data_and_labels(data, network, fit)
    if not fit.determined:
        raise ValueError(f"fit is undetermined, so there is no power law to test: {fit.undetermined}")
    n_sets = _validate.integer("n_sets", n_sets, minimum=1)
    n_resamples = _validate.integer("n_resamples", n_resamples, minimum=3)
    rng = _validate.rng("rng", rng)
    pv = stats.bootstrap_pvalue(x, fit, n_sets=n_sets, rng=rng)
    xmax = fit.xmax

    def alpha(idx):
        return [stats.fit_power_law(x[idx], discrete=fit.discrete, xmin=fit.xmin, xmax=xmax).alpha]

    boot = network_bootstrap(labels, alpha, names=["alpha"], n_resamples=n_resamples, rng=rng)
    deff = float(boot.errors[0] / fit.sigma) ** 2 if fit.sigma > 0 else float("nan")
    p_network = float(np.mean(pv.ks_synthetic * math.sqrt(max(deff, 1.0)) > pv.ks)) if np.isfinite(deff) else \
        float("nan")
    return NetworkGoodness(
        p_iid=float(pv.p), p_iid_error=float(pv.p_error), p_network=p_network, design_effect=deff,
        design_effect_iid_sigma=float(fit.sigma), ks=float(pv.ks), n_tail=int(fit.n_tail),
        n_networks=int(np.unique(labels).size), n_sets=n_sets, n_resamples=n_resamples,
        undetermined="" if np.isfinite(deff) else f"design effect: {boot.undetermined or 'NaN'}",
    )

