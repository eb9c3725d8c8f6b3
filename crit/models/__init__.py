"""What is simulated: the random deep networks, their mean-field theory, and models with exact answers.

``avalanches``
    The batched avalanche engine of the paper's tanh/ReLU networks (:func:`~crit.models.avalanches.simulate`).
``sweeps``
    The same networks at every σ_w² of a grid, in one batched pass (common random numbers).
``activations``, ``theory``
    The activation functions and mean-field signal propagation (q*, χ₁, the order-to-chaos line,
    the finite-width critical point).
``sparse_networks``, ``resnets``
    Threshold units with sparse connections (the branching class) and untrained ResNets.
``exact_models``, ``lattice_dp``
    Critical branching, random-walk excursions, ABBM and 1+1-D directed percolation: exact answers
    that the analyses are tested against.
``train``, ``datasets``
    Training many initialisations at once, on data sets shipped with packages.
"""

from crit import _lazy

__all__, __getattr__, __dir__ = _lazy.submodules(__name__, __path__)
