"""Power-law and crackling-noise analysis of avalanche data.

Fit exponents by maximum likelihood (:func:`fit_power_law`), test them (:func:`bootstrap_pvalue`,
:func:`compare_to`), relate them (:func:`gamma_from_sizes`, :func:`crackling_check`,
:func:`shape_collapse`) and prepare data for plots (:func:`log_binned_pdf`,
:func:`equal_count_pdf`, :func:`ccdf`).

    >>> from crit.analysis import stats
    >>> fit = stats.fit_power_law(sizes, discrete=False)            # doctest: +SKIP
    >>> stats.bootstrap_pvalue(sizes, fit, n_sets=1000, rng=0).p     # doctest: +SKIP

Results can be *undetermined*, with NaN numbers and the reason in a field ``undetermined``
(``determined`` is False): a fit whose exponent exceeds
:data:`crit.analysis.stats.powerlaw.ALPHA_LIMIT` (the data have no power-law tail), and a
comparison whose alternative degenerates into the power law (with a :class:`DegenerateFitWarning`).
``ks_convention="plfit"`` reproduces Clauset et al.'s plfit.m, ties included
(:mod:`crit.analysis.stats.powerlaw`).
"""

from crit.analysis.stats.binning import (
    CCDF,
    BinnedPDF,
    ccdf,
    equal_count_pdf,
    log_binned_pdf,
)
from crit.analysis.stats.compare import (
    ALTERNATIVES,
    DegenerateFitWarning,
    LikelihoodRatio,
    compare_to,
)
from crit.analysis.stats.goodness import BootstrapResult, bootstrap_pvalue
from crit.analysis.stats.powerlaw import PowerLawFit, fit_power_law, sample_power_law
from crit.analysis.stats.scaling import (
    CracklingCheck,
    GammaFit,
    ShapeCollapse,
    crackling_check,
    gamma_from_sizes,
    mean_traces,
    shape_collapse,
)
from crit.analysis.stats.support import support_search

__all__ = [
    "ALTERNATIVES",
    "BinnedPDF",
    "BootstrapResult",
    "CCDF",
    "CracklingCheck",
    "DegenerateFitWarning",
    "GammaFit",
    "LikelihoodRatio",
    "PowerLawFit",
    "ShapeCollapse",
    "bootstrap_pvalue",
    "ccdf",
    "compare_to",
    "crackling_check",
    "equal_count_pdf",
    "fit_power_law",
    "gamma_from_sizes",
    "log_binned_pdf",
    "mean_traces",
    "sample_power_law",
    "shape_collapse",
    "support_search",
]
