"""Small Markdown tables for the book's pages (rendered by myst-nb from ``IPython.display.Markdown``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["fmt", "markdown", "Undetermined"]


@dataclass(frozen=True)
class Undetermined:
    """A table cell the data could not fill, with the reason (shown as a numbered note under the table)."""

    reason: str


def fmt(value, err=None, digits=3) -> str:
    """``value ± err`` with ``digits`` decimals (``"–"`` for NaN or None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,d}"
    text = f"{value:.{digits}f}"
    if err is not None and not math.isnan(err):
        text += f" ± {err:.{digits}f}"
    return text


def markdown(headers, rows) -> str:
    """A Markdown table from column headers and rows of already formatted cells.

    A cell that is an :class:`Undetermined` reads "undetermined (note k)", and the notes, one per
    distinct reason, follow the table.
    """
    headers = [str(h) for h in headers]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    notes: list[str] = []

    def cell(c):
        if isinstance(c, Undetermined):
            if c.reason not in notes:
                notes.append(c.reason)
            return f"undetermined (note {notes.index(c.reason) + 1})"
        return str(c).replace("\n", " ")

    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"a row has {len(row)} cells but there are {len(headers)} headers: {row!r}")
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    if notes:
        lines.append("")
        lines += [f"Note {k}: {reason.replace('|', '/')}  " for k, reason in enumerate(notes, start=1)]
    return "\n".join(lines)
