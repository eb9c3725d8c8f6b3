"""crit: avalanches, criticality and universality in random deep networks.

The science behind the companion book of *Toward a Physics of Deep Learning and Brains*
(Ghavasieh et al., arXiv:2509.22649). Submodules are imported on first use::

    import crit
    record = crit.avalanches.simulate(width=100, depth=200, sigma_w2=1.01, n_inputs=10_000)
"""

import pkgutil
from importlib import import_module

__version__ = "0.1.0"

# every public submodule, found on disk rather than listed by hand
_SUBMODULES = tuple(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def __getattr__(name):
    if name in _SUBMODULES:
        module = import_module(f"crit.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'crit' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
