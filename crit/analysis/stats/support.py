"""Joint (x_min, x_max) support search for power laws with both a lower and an upper cut-off.

Finite systems cut their avalanche distributions off at a size set by the system (the width of a
network, the depth that censors durations). A plain minimum-KS search for x_min (Clauset et al.
2009) then tends to settle in the cut-off region, where a steep power law fits a short stretch of an
exponential tail. Like the NCC toolbox (Marshall et al. 2016, ``plparams.m``), this search looks
for the widest range [x_min, x_max] on which a truncated power law is plausible, and fits there.

Plausible here means a KS distance below the Kolmogorov critical value ``c/√n_tail`` (c = 1.358
for 5 %); NCC asks a bootstrap p-value of each candidate instead, which is much slower. Candidates
come from a logarithmic grid; the widest plausible range (in decades) wins, ties going to the
range with more data. Compute the goodness-of-fit p-value of the result afterwards with
:func:`crit.analysis.stats.bootstrap_pvalue` (it keeps the support fixed).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from crit import _validate
from crit.analysis.stats import _checks
from crit.analysis.stats.powerlaw import ALPHA_LIMIT, PowerLawFit, fit_power_law

__all__ = ["support_search"]

KOLMOGOROV_5PC = 1.358


def support_search(
    data,
    *,
    discrete,
    n_grid=16,
    min_decades=1.0,
    min_tail=100,
    critical=KOLMOGOROV_5PC,
    xmax_limit=None,
    alpha_min=1.0,
) -> PowerLawFit:
    """Fit a truncated power law on the widest plausible support [x_min, x_max].

    Parameters
    ----------
    data : array_like
        Positive, finite observations.
    discrete : bool
        Integer data (Hurwitz-zeta likelihood) or continuous.
    n_grid : int
        Candidate x_min and x_max values per decade-spanning grid (log-spaced over the data range).
    min_decades : float
        Narrowest support considered, log10(x_max / x_min).
    min_tail : int
        Fewest data points a support must hold.
    critical : float
        c in the plausibility threshold KS < c / √n_tail (1.358: 5 % level, ignoring that α is fitted).
    xmax_limit : float, optional
        Largest x_max allowed (e.g. the depth for durations); also the top of the grid.
    alpha_min : float
        Supports whose fitted exponent is not above this are skipped (default 1: the flat body of
        a distribution below its scaling range is a "power law" with α ≈ 0 that nobody wants).
        Supports whose fit is undetermined (exponent above
        :data:`crit.analysis.stats.powerlaw.ALPHA_LIMIT`) are skipped too.

    Returns
    -------
    PowerLawFit
        With ``xmin_method = "support"``. When no candidate is plausible, the one with the smallest
        KS·√n_tail is returned and ``xmin_method = "support-implausible"``. Always determined.

    Raises
    ------
    ValueError
        Bad data (see :func:`crit.analysis.stats.fit_power_law`), or no support of ``min_decades``
        holding ``min_tail`` points with a determined exponent above ``alpha_min``.
    """
    discrete = _checks.flag("discrete", discrete)
    n_grid = _validate.integer("n_grid", n_grid, minimum=3)
    min_decades = _validate.real("min_decades", min_decades, minimum=0.0, strict_min=True)
    min_tail = _validate.integer("min_tail", min_tail, minimum=_checks.MIN_TAIL)
    critical = _validate.real("critical", critical, minimum=0.0, strict_min=True)
    alpha_min = _validate.real("alpha_min", alpha_min)
    x = _checks.positive_data(data, discrete=discrete)
    top = x[-1] if xmax_limit is None else min(x[-1], _validate.real("xmax_limit", xmax_limit, minimum=0.0,
                                                                      strict_min=True))
    grid = np.geomspace(x[0], top, n_grid)
    if discrete:
        grid = np.unique(np.round(grid))
    best, best_key, fallback, fallback_key = None, None, None, None
    n_tried = 0
    for i, lo in enumerate(grid):
        for hi in grid[i + 1:]:
            decades = np.log10(hi / lo)
            if decades < min_decades:
                continue
            n_tail = np.count_nonzero((x >= lo) & (x <= hi))
            if n_tail < min_tail:
                continue
            n_tried += 1
            try:
                fit = fit_power_law(x, discrete=discrete, xmin=lo, xmax=hi)
            except ValueError:
                continue
            if not fit.determined or fit.alpha <= alpha_min:
                continue
            score = fit.ks * np.sqrt(fit.n_tail)
            if score <= critical:
                key = (decades, fit.n_tail)
                if best_key is None or key > best_key:
                    best, best_key = fit, key
            elif fallback_key is None or score < fallback_key:
                fallback, fallback_key = fit, score
    chosen, method = (best, "support") if best is not None else (fallback, "support-implausible")
    if chosen is None:
        if n_tried:
            raise ValueError(
                f"no support of at least {min_decades} decade(s) holding {min_tail} points ({n_tried} tried) "
                f"gives an exponent above alpha_min={alpha_min} and at most {ALPHA_LIMIT:g}: "
                "the data have no power-law range"
            )
        raise ValueError(
            f"no support of at least {min_decades} decade(s) holds {min_tail} points; "
            "lower min_decades or min_tail, or provide more data"
        )
    return dataclasses.replace(chosen, xmin_method=method, n_candidates=int(grid.size))
