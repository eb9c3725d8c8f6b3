"""The paper's claims and what each chapter computed about them: the table the introduction opens with.

Every chapter module has a ``claim(results) -> Claim``: the paper's claim it tests, the verdict its
numbers give (from :mod:`crit.analysis.verdicts`), the key number with its error and the profile it
rests on. The notebook glues it under the name :data:`GLUE_NAME` with :func:`glue_claim`;
``python -m crit book`` reads the glued rows back from the executed pages (:func:`read_claim`) and
writes ``book/_generated/claims.md`` (:func:`claims_table`), which ``book/intro.md`` includes. So
the introduction states only what the chapters of this very build computed, and a chapter that
failed or was not built says so in its row.

Each chapter also states at its top which profile its numbers come from and what that profile can
and cannot show (:func:`profile_statement`).
"""

from __future__ import annotations

import ast
import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from crit.records import Record

__all__ = ["VERDICTS", "GLUE_NAME", "Claim", "glue_claim", "read_claim", "claims_table", "profile_statement"]

#: The verdicts a claim can get.
VERDICTS = ("reproduced", "partly reproduced", "not reproduced", "undetermined")
#: The glue name under which a chapter stores its claim row.
GLUE_NAME = "claim"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


@dataclass(frozen=True)
class Claim(Record):
    """What one chapter computed about one of the paper's claims.

    Attributes
    ----------
    number : int
        The claim's number in the introduction (1 to 4).
    claim : str
        The paper's claim, in a few words (Markdown).
    verdict : str
        One of :data:`VERDICTS`.
    reason : str
        The computed sentence the verdict rests on (Markdown): the comparison, with its numbers.
    key : str
        The key number with its error (Markdown).
    profile : str
        The profile the numbers come from (``"ci"``, ``"paper"``, or a description of settings of one's own).
    chapter : str
        The chapter's page name.
    """

    number: int
    claim: str
    verdict: str
    reason: str
    key: str
    profile: str
    chapter: str

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        if isinstance(self.number, bool) or not isinstance(self.number, int) or self.number < 1:
            raise ValueError(f"number must be a positive int, got {self.number!r}")

    def row(self) -> str:
        """The claim as one row of :func:`claims_table`."""
        return (f"| {self.number}. {_cell(self.claim)} | **{self.verdict}**: {_cell(self.reason)} | {_cell(self.key)} "
                f"| `{_cell(self.profile)}` | {{doc}}`/{self.chapter}` |")


def glue_claim(claim: Claim) -> None:
    """Glue ``claim`` under :data:`GLUE_NAME` (a JSON string, hidden from the page), for :func:`read_claim`."""
    if not isinstance(claim, Claim):
        raise TypeError(f"claim must be a crit.book.claims.Claim, got {type(claim).__name__}")
    try:
        from myst_nb import glue
    except ImportError:  # pragma: no cover - myst-nb comes with the book extras
        return
    glue(GLUE_NAME, json.dumps(dataclasses.asdict(claim)), display=False)


def read_claim(page) -> Claim | None:
    """The claim glued in the executed notebook ``page`` (a path), or None when it holds none."""
    page = Path(page)
    if not page.is_file():
        return None
    nb = json.loads(page.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == GLUE_NAME:
                prefix = output["metadata"]["scrapbook"].get("mime_prefix", "")
                text = output.get("data", {}).get(prefix + "text/plain")
                try:  # the repr of the glued JSON string
                    data = json.loads(ast.literal_eval("".join(text) if isinstance(text, list) else text))
                    return Claim(**{f.name: data[f.name] for f in dataclasses.fields(Claim)})
                except (ValueError, SyntaxError, TypeError, KeyError):
                    return None
    return None


def claims_table(pages: dict) -> str:
    """Markdown: the paper's claims and the verdicts of this build.

    Parameters
    ----------
    pages : dict
        ``{chapter name: (path of its executed page, status)}`` in reading order; ``status`` is
        how the build left the chapter ("ran", "reused", "failed", "not built").
    """
    rows = []
    for name, (page, status) in pages.items():
        claim = read_claim(page) if status in ("ran", "reused") else None
        if claim is not None:
            rows.append((claim.number, claim.row()))
        elif status in ("ran", "reused"):
            rows.append((99, f"| {{doc}}`/{name}` | the page glues no claim | – | – | {{doc}}`/{name}` |"))
        else:
            what = {"failed": "failed in this build", "not built": "was not built in this build"}.get(
                status, f"is {status!r} in this build")
            rows.append((99, f"| `{name}` | **not computed**: the chapter {what} | – | – | – |"))
    head = ["| The paper's claim | Verdict of this build | Key number | Profile | Chapter |", "|---|---|---|---|---|"]
    return "\n".join(head + [r for _, r in sorted(rows, key=lambda r: r[0])]) + "\n"


def profile_statement(settings, profiles, scope: dict, *, seed: int, sources=()) -> str:
    """Markdown for the top of a chapter: where its numbers come from and what that profile can show.

    Parameters
    ----------
    settings : Settings
        The settings the chapter ran with.
    profiles : Profiles
        The chapter's ``PROFILES`` (to tell a named profile from settings of one's own).
    scope : dict
        ``{profile name: what it can and cannot show}`` (Markdown), one entry per profile name.
    seed : int
        The notebook's ``SEED``.
    sources : sequence of crit.book.published.Source, optional
        Where each part of the numbers came from when some were read from published results
        (each says its profile, and a published one its device, commit, date, wall time and code
        hash, and whether that code changed since); empty (the default): every number was computed
        in this build with ``settings``.
    """
    name = settings.profile
    if name not in scope:
        raise ValueError(f"scope has no entry for profile {name!r}; it has {tuple(scope)}")
    own = name in profiles and profiles[name] != settings
    which = (f"settings of one's own, based on the `{name}` profile" if own else f"the `{name}` profile")
    if not sources:
        return f"**Numbers on this page:** {which}, seed {seed}. {scope[name]}"
    missing = [s.profile for s in sources if s.profile not in scope]
    if missing:
        raise ValueError(f"scope has no entry for profile {missing[0]!r}; it has {tuple(scope)}")
    parts = "; ".join(s.sentence() for s in sources)
    shown = list(dict.fromkeys(s.profile for s in sources))
    scopes = " ".join(f"*The `{p}` profile:* {scope[p]}" for p in shown)
    return f"**Numbers on this page**, seed {seed}: {parts}. {scopes}"
