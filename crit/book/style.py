"""One look for every figure of the book, and numbers for the prose.

``crit.book.style.use()`` sets matplotlib's rcParams (through seaborn's theme) and nothing else; call it
once at the top of a notebook. ``figure()`` makes a figure of the book's size; ``PHASE_COLORS``
colours the absorbing, critical and active regimes the same way in every chapter. ``glue()``
hands a number to the book's prose (myst-nb's ``{glue:text}`` role), so no number is typed twice.

Examples
--------
>>> from crit.book import style
>>> style.use()
>>> fig, ax = style.figure()
>>> _ = ax.axvspan(0.9, 1.0, color=style.PHASE_COLORS["absorbing"], alpha=0.15)
"""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt

from crit import records

#: Colours of the three regimes (colour-blind safe: seaborn "colorblind" blue, green, orange).
PHASE_COLORS = {
    "absorbing": "#0173b2",
    "critical": "#029e73",
    "active": "#de8f05",
}
#: A sequence for curves that differ by one parameter (width, depth, σ_b²), light to dark.
SEQUENTIAL = "rocket_r"
#: Width of a one-column figure in the book, in inches.
WIDTH = 6.4

_RC = {
    "figure.dpi": 110,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "figure.constrained_layout.use": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "lines.linewidth": 1.6,
    "lines.markersize": 4.5,
    "errorbar.capsize": 2,
    "image.cmap": "mako",
    "mathtext.fontset": "dejavusans",
}


def use(context: str = "notebook", font_scale: float = 0.9) -> None:
    """Set the book's figure style in matplotlib's rcParams (seaborn "ticks" + the phase palette)."""
    import seaborn as sns

    sns.set_theme(context=context, style="ticks", palette="colorblind", font_scale=font_scale, rc=_RC)


def figure(nrows: int = 1, ncols: int = 1, *, width: float | None = None, aspect: float = 0.62, **kwargs):
    """A figure of the book's width and its axes: ``fig, ax = figure()`` or ``fig, axes = figure(1, 3)``.

    Parameters
    ----------
    nrows, ncols : int
        The grid of panels.
    width : float, optional
        Figure width in inches (default :data:`WIDTH`, or ``WIDTH * 1.5`` for three or more columns).
    aspect : float
        Height of one row over the width of one column.
    **kwargs
        Passed on to :func:`matplotlib.pyplot.subplots` (``sharex``, ``sharey``, ``squeeze``, ...);
        as there, a single row or column of panels comes back as a 1-d array of axes.
    """
    if nrows < 1 or ncols < 1:
        raise ValueError(f"nrows and ncols must be at least 1, got {nrows} and {ncols}")
    width = width or (WIDTH * 1.5 if ncols >= 3 else WIDTH)
    height = width / ncols * aspect * nrows
    kwargs.setdefault("squeeze", True)
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


def phase_color(sigma_w2, critical: float, *, tolerance: float = 0.0):
    """The regime colour of a point: absorbing below ``critical``, active above, critical within ``tolerance``."""
    if abs(sigma_w2 - critical) <= tolerance:
        return PHASE_COLORS["critical"]
    return PHASE_COLORS["absorbing"] if sigma_w2 < critical else PHASE_COLORS["active"]


def colors(n: int, palette: str = SEQUENTIAL) -> list:
    """``n`` colours from ``palette`` (default the book's sequential palette), skipping the palest."""
    import seaborn as sns

    return sns.color_palette(palette, n + 1)[1:]


def plain(value):
    """``value`` as a plain Python number (or list of them), so glued text reads ``1.045``, not
    ``np.float64(1.045)``."""
    value = records.plain(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def glue(name: str, value, *, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's prose: ``{glue:text}`name:.3f``` in a markdown cell.

    A thin wrapper around :func:`myst_nb.glue` that first turns numpy scalars into Python numbers
    (the role formats the stored ``text/plain``, which for ``np.float64`` is not a number). It
    returns ``None``, so a glue call at the end of a cell prints nothing. Outside the book
    build (myst-nb missing) it does nothing.
    """
    try:
        from myst_nb import glue as _glue
    except ImportError:  # pragma: no cover - myst-nb comes with the book extras
        return
    _glue(name, plain(value), display=display)


def glue_md(name: str, text) -> None:
    """Store the Markdown ``text`` (a sentence, e.g. a :class:`crit.analysis.verdicts.Verdict`) under
    ``name`` for ``{glue:md}`name``` in a markdown cell, where it renders inline with its math."""
    from IPython.display import Markdown

    glue(name, Markdown(str(text)))


__all__ = ["PHASE_COLORS", "SEQUENTIAL", "WIDTH", "use", "figure", "phase_color", "colors", "plain", "glue",
           "glue_md"]
