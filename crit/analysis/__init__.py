"""What is measured from avalanches: fits, order parameters, scaling, classes.

``stats``
    Power-law fits, goodness of fit, likelihood ratios and the crackling-noise relations.
``phases``, ``transition``
    Order parameters and susceptibilities on a (σ_w², σ_b²) grid; the peak located and refined,
    and its finite-size scaling.
``crackling``, ``quasicritical``, ``drive``, ``bootstrap``
    The authors' and our fits of one run, the exponents along the drive (h = Nσ_b²/q0) on lines
    that separate the drive from the distance to the critical point, and errors from resampling
    networks (fit ranges re-selected, joint (γ, γ_pred) errors, tests over networks).
``universality``, ``finite_size``, ``collapse``, ``shapes``
    Class assignment, finite-size scaling in the width, data collapse and mean avalanche shapes.
``correlation``, ``learning``
    Rank correlations with resampling, and the predictors of learning.
``resampling``, ``verdicts``
    Jackknife and bootstrap over networks; numbers and errors turned into the sentences a page states.
"""

from crit import _lazy

__all__, __getattr__, __dir__ = _lazy.submodules(__name__, __path__)
