"""Every sentence that states a result is computed: result words never appear in typed prose.

A notebook's markdown cells (and the introduction) may say what is measured and how; whether it
agrees, holds or fails comes from :mod:`crit.analysis.verdicts` through ``{glue:md}``. Text in
double quotes is exempt: it quotes the paper's own words.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
RESULT_WORDS = re.compile(
    r"\b(agree[sd]?|agreement|disagree[sd]?|holds?|held|fail(?:s|ed)?|settle[sd]?|supports?|supported|"
    r"confirm(?:s|ed)?|consistent|inconsistent|reproduced|rejected|rules? out|ruled out)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")


def markdown_cells(path: Path) -> list[tuple[int, str]]:
    """(first line number, text) of every markdown cell of a jupytext percent-format notebook."""
    cells, current, start = [], None, 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("# %%"):
            if current is not None:
                cells.append((start, "\n".join(current)))
            current, start = ([] if "[markdown]" in line else None), number + 1
        elif current is not None:
            current.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    if current is not None:
        cells.append((start, "\n".join(current)))
    return cells


def typed_results(text: str) -> list[str]:
    """The result words of ``text`` outside quotes and glue roles."""
    text = QUOTED.sub("", text)
    text = re.sub(r"\{glue:[a-z]+\}`[^`]*`", "", text)
    return [m.group(0) for m in RESULT_WORDS.finditer(text)]


def test_the_check_can_fail():
    assert typed_results("The crackling relation holds at these sizes.") == ["holds"]
    assert typed_results('The paper says it "approximately holds"; {glue:md}`verdict:myst`.') == []
    assert markdown_cells(Path(__file__).with_name("test_notebook_prose.py")) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_typed_verdict_in_a_notebook(path):
    found = [(line, words) for line, text in markdown_cells(path) if (words := typed_results(text))]
    assert not found, (f"{path.name}: result words typed by hand in the markdown cells starting at lines "
                       f"{found}; glue a verdict from crit.analysis.verdicts instead")


def test_no_typed_verdict_in_the_introduction():
    words = typed_results((ROOT / "book" / "intro.md").read_text(encoding="utf-8"))
    assert not words, f"book/intro.md types result words {words}; the claims table carries the verdicts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_states_its_profile_and_claim(path):
    text = path.read_text(encoding="utf-8")
    assert "{glue:md}`profile_statement:myst`" in text, f"{path.name} does not state its profile at its top"
    assert "claims.glue_claim(" in text, f"{path.name} glues no claim for the introduction's table"


def test_typed_scopes_name_the_sizes_their_profiles_hold():
    """The typed SCOPE texts of chapters 1 and 2 describe their profiles' sizes: a changed profile fails here
    instead of leaving a stale sentence at the top of the page."""
    from crit.chapters import phase_diagram as p1
    from crit.chapters import quasi_critical_scaling as p2

    s = p1.PROFILES["ci"]
    text = p1.SCOPE["ci"]
    assert f"Widths {s.widths[0]} to {s.widths[-1]}" in text
    assert f"{s.n_inputs // s.inputs_per_network} networks of {s.inputs_per_network} inputs" in text
    assert f"{s.map_n_inputs // s.inputs_per_network} networks per point" in text
    q = p2.PROFILES["ci"]
    text = p2.SCOPE["ci"]
    assert f"{q.n_inputs // q.inputs_per_network} networks" in text and f"{q.n_resamples} resamples" in text
    assert f"grid of {q.line_sigma_w2.n} values" in text
