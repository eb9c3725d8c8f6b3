"""What is measured from avalanches: fits, order parameters, scaling, classes.

``stats``
    Power-law fits, goodness of fit, likelihood ratios and the crackling-noise relations.
``phases``
    Order parameters and susceptibilities on a (σ_w², σ_b²) grid.
``crackling``, ``quasicritical``
    The authors' and our fits of one run, and the exponents along the drive.
``universality``, ``finite_size``, ``collapse``, ``shapes``
    Class assignment, finite-size scaling in the width, data collapse and mean avalanche shapes.
``correlation``, ``learning``
    Rank correlations with resampling, and the predictors of learning.
"""

from crit import _lazy

__all__, __getattr__, __dir__ = _lazy.submodules(__name__, __path__)
