"""What is measured from avalanches: fits, order parameters, scaling, classes.

``stats``
    Power-law fits, goodness of fit, likelihood ratios and the crackling-noise relations.
``phases``, ``transition``
    Order parameters and susceptibilities on a (σ_w², σ_b²) grid; the peak located and refined,
    and its finite-size scaling.
``crackling``
    The authors' and our fits of one run.
``fit_ranges``, ``bootstrap``, ``design_effect``
    How the fit range is chosen; the crackling exponents with errors over networks (the range
    re-selected in every resample, the joint error of γ − γ_pred); likelihood ratios and goodness of
    fit corrected for the design effect of quenched disorder.
``drive``, ``drive_lines``, ``threshold_and_disorder``
    The dimensionless drive h = Nσ_b²/q0 and the exponents of one point; the lines that separate the
    drive from the distance to the critical point; the threshold q0, and quenched against annealed
    networks.
``universality``, ``finite_size``, ``collapse``, ``shapes``
    Class assignment, finite-size scaling in the width, data collapse, and mean avalanche shapes
    (γ* with its spread over networks).
``correlation``, ``learning``, ``hierarchical``
    Rank correlations with resampling; the reference lines of each drive and the predictors of
    learning; the hierarchical bootstrap over initialisations and seeds, and the tests built on it.
``resampling``, ``verdicts``
    Jackknife and bootstrap over networks (of any estimator); numbers and errors turned into the
    sentences a page states.
"""

from crit import _lazy

__all__, __getattr__, __dir__ = _lazy.submodules(__name__, __path__)
