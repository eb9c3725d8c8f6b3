"""Where each chapter's numbers come from in one build: published results or this build's computation.

Private to :mod:`crit.book.build`. :func:`plan` decides, per chapter, what the notebook is given
(``PROFILE``, and ``PUBLISHED`` where the chapter has published results and its notebook reads
them), :func:`fallback_note` is the note a page without published results carries at its top, and
:func:`sources_table` is the reproducibility page's table of sources.
"""

from __future__ import annotations

import dataclasses

from crit.book import published
from crit.book.replay import PART_NAME as WHOLE

#: ``PUBLISHED`` as the notebooks receive it: relative to the project folder (their working folder).
PUBLISHED_DIR = (published.RESULTS / published.PUBLISHED_PROFILE).as_posix()


@dataclasses.dataclass(frozen=True)
class Plan:
    """What one chapter's notebook gets in this build.

    Attributes
    ----------
    parameters : dict
        Its papermill parameters.
    provenances : tuple of Provenance
        The published parts it reads (empty when none).
    note : str
        Markdown put under the page's title ("" for none).
    """

    parameters: dict
    provenances: tuple = ()
    note: str = ""


def fallback_note(name: str, *, readable: bool) -> str:
    """The note at the top of a page rendered at ``ci`` in a build from published results."""
    why = (f"no paper-scale results of this chapter are published yet (`results/paper/{name}/`)" if readable else
           "its notebook does not read the published results in `results/paper/` yet")
    return (f"```{{note}}\nThis page was built from published results where there are any, but {why}: every "
            "number on it was computed in this build at the `ci` profile (small sizes, minutes on two CPU "
            "cores). `python -m crit compute --profile paper` on a GPU, then `python -m crit publish`, "
            "gives it the paper's sizes.\n```")


def plan(name: str, *, profile: str, base: dict, defaults: dict, root) -> Plan:
    """The parameters and the note of chapter ``name`` in a build at ``profile``.

    Parameters
    ----------
    name : str
        The chapter (notebook) name.
    profile : {"published", "ci", "paper"}
        The build's profile.
    base : dict
        The parameters every notebook gets (``DEVICE``, ``SEED``).
    defaults : dict
        The notebook's parameter defaults (to know whether it takes ``PUBLISHED``).
    root : path
        The project folder.
    """
    if profile != "published":
        return Plan({"PROFILE": profile, **base})
    found = tuple(published.provenances(root).get(name, ()))
    whole = tuple(p for p in found if p.part == WHOLE)
    found = whole or found  # a page published whole reads nothing else
    if found and "PUBLISHED" in defaults:
        return Plan({"PROFILE": "ci", **base, "PUBLISHED": PUBLISHED_DIR}, found)
    return Plan({"PROFILE": "ci", **base}, (), fallback_note(name, readable=not found))


def publishable() -> tuple[str, ...]:
    """The chapters that define publishable parts (``PARTS``)."""
    from crit import chapters

    return tuple(n for n in chapters.names() if published.chapter_parts(n))


def _stale(provenance) -> str:
    try:
        parts = {p.name: p for p in published.chapter_parts(provenance.chapter)}
    except ValueError:
        return "unknown: no chapter module of this name"
    part = parts.get(provenance.part)
    if part is None:
        return "the chapter no longer defines this part"
    return provenance.stale() or "no"


def sources_table(runs, plans: dict, *, device: str, commit: str) -> str:
    """Markdown: per chapter, where its numbers came from in this build.

    Parameters
    ----------
    runs : list of NotebookRun
        The build's notebooks, in reading order.
    plans : dict
        ``{name: Plan}`` of the chapters this build executed or reused.
    device : str
        The device of this build.
    commit : str
        The commit of this build.
    """
    out = ["| Chapter | Numbers from | Device | Commit | Computed | Wall time | Code hash | Code changed since |",
           "|---|---|---|---|---|---|---|---|"]
    for run in runs:
        plan_ = plans.get(run.name)
        link = f"{{doc}}`{run.name}`" if run.status in ("ran", "reused") else f"`{run.name}`"
        if plan_ is None or run.status not in ("ran", "reused"):
            out.append(f"| {link} | not built in this build | – | – | – | – | – | – |")
            continue
        for p in plan_.provenances:
            took = f"{p.wall_time_s:,.0f} s" if p.wall_time_s == p.wall_time_s else "not recorded"
            out.append(f"| {link} | {p.part}: published, `{p.profile}` profile (`results/{p.profile}/{p.chapter}/"
                       f"{p.part}.npz`) | {p.device} | `{p.commit or 'unknown'}` | {p.computed_at} | {took} "
                       f"| `{p.code}` | {_stale(p)} |")
        if any(p.part == WHOLE for p in plan_.provenances):
            continue  # replayed from what was published: nothing was computed here but the analysis
        rest = "everything else" if plan_.provenances else "every number"
        took = f"{run.seconds:.0f} s (the notebook)" if run.seconds is not None else "–"
        out.append(f"| {link} | {rest}: computed in this build, `{plan_.parameters.get('PROFILE')}` profile "
                   f"| {device} | `{commit or 'unknown'}` | {run.executed_at or '–'} | {took} | – | – |")
    if not runs:
        out.append("| (no notebooks yet) | | | | | | | |")
    return "\n".join(s.replace("\n", " ") for s in out) + "\n"


def insert_note(nb, note: str) -> None:
    """Put ``note`` right under the page's title (the first line of its first markdown cell)."""
    if not note:
        return
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            first, _, rest = cell.source.partition("\n")
            if first.startswith("# "):
                cell.source = f"{first}\n\n{note}\n{rest}"
                return
            break
    import nbformat

    nb.cells.insert(0, nbformat.v4.new_markdown_cell(note))


def digest(name: str, root) -> str:
    """The hash of the published files of chapter ``name`` ("" when none)."""
    return published.chapter_digest(name, root)
