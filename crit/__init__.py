"""crit: avalanches, criticality and universality in random deep networks.

The science behind the companion book of *Toward a Physics of Deep Learning and Brains*
(Ghavasieh et al., arXiv:2509.22649). Four layers, each a subpackage:

``crit.models``
    What is simulated: the networks, their mean-field theory, and models with exact answers.
``crit.analysis``
    What is measured from avalanches: fits, order parameters, finite-size scaling, classes.
``crit.chapters``
    What each page of the book shows: its settings, its computation, its tables and figures.
``crit.book``
    How the pages are built: the results cache, the figures' look, the build itself.

Submodules are imported on first use::

    import crit
    record = crit.models.avalanches.simulate(width=100, depth=200, sigma_w2=1.01, n_inputs=10_000)
"""

from crit import _lazy

__version__ = "0.1.0"

# the layers (models, analysis, chapters, book) and the core modules, found on disk
__all__, __getattr__, __dir__ = _lazy.submodules(__name__, __path__)
