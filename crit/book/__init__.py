"""How the pages are built: the results cache, the figures' look, tables, and the book build.

``build``
    Executes the notebooks with papermill and runs Jupyter Book (``python -m crit book``).
``compute``
    Runs every chapter's heavy steps as plain Python into the results cache (``python -m crit compute``)
    and publishes the paper profile's (``python -m crit publish``).
``published``
    The published results under ``results/paper/``, with their provenance.
``cache``
    The results cache, keyed on the parameters of each result.
``style``, ``tables``
    The figures' look and glue, and Markdown tables.
"""

from crit import _lazy

__all__, __getattr__, __dir__ = _lazy.submodules(__name__, __path__)
