"""Power-law and crackling-noise analysis of avalanche data.

Fit exponents by maximum likelihood (:func:`fit_power_law`), test them (:func:`bootstrap_pvalue`,
:func:`compare_to`), relate them (:func:`gamma_from_sizes`, :func:`crackling_check`,
:func:`shape_collapse`) and prepare data for plots (:func:`log_binned_pdf`,
:func:`equal_count_pdf`, :func:`ccdf`).
"""

from crit.stats.powerlaw import PowerLawFit, fit_power_law, sample_power_law

__all__ = ["PowerLawFit", "fit_power_law", "sample_power_law"]
