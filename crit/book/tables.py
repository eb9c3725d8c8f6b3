"""Small Markdown tables for the book's pages (rendered by myst-nb from ``IPython.display.Markdown``)."""

from __future__ import annotations

import math

__all__ = ["fmt", "markdown"]


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
    """A Markdown table from column headers and rows of already formatted cells."""
    headers = [str(h) for h in headers]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"a row has {len(row)} cells but there are {len(headers)} headers: {row!r}")
        lines.append("| " + " | ".join(str(c) for c in row) + " |")
    return "\n".join(lines)
