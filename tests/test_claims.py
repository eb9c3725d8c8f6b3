"""The introduction's table of claims is read back from the pages that glued them."""

import json

import nbformat
import pytest

from crit.book import claims, tables


def claim(**changes):
    base = dict(number=2, claim="Crackling | noise", verdict="reproduced", reason="$\\gamma$ = 1.5 ± 0.1 agrees",
                key="1.5 ± 0.1", profile="ci", chapter="quasi_critical_scaling")
    return claims.Claim(**{**base, **changes})


def page_with(tmp_path, name, glued):
    """An executed-notebook file holding one glued output as myst-nb writes it."""
    nb = nbformat.v4.new_notebook()
    prefix = "application/papermill.record/"
    output = nbformat.v4.new_output("display_data", data={prefix + "text/plain": repr(glued)},
                                    metadata={"scrapbook": {"name": claims.GLUE_NAME, "mime_prefix": prefix}})
    cell = nbformat.v4.new_code_cell("claims.glue_claim(...)")
    cell.outputs = [output]
    nb.cells.append(cell)
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_claim_round_trips_through_a_page(tmp_path):
    c = claim()
    page = page_with(tmp_path, "q", json.dumps(c.__dict__))
    assert claims.read_claim(page) == c
    assert claims.read_claim(tmp_path / "missing.ipynb") is None
    assert claims.read_claim(page_with(tmp_path, "bad", "not json")) is None


def test_the_table_orders_by_claim_and_says_what_was_not_computed(tmp_path):
    second = page_with(tmp_path, "b", json.dumps(claim().__dict__))
    first = page_with(tmp_path, "a", json.dumps(claim(number=1, chapter="a", verdict="not reproduced").__dict__))
    table = claims.claims_table({"b": (second, "ran"), "a": (first, "reused"), "c": (tmp_path / "c.ipynb", "failed")})
    lines = table.strip().splitlines()
    assert lines[2].startswith("| 1. ") and "**not reproduced**" in lines[2]
    assert lines[3].startswith("| 2. Crackling \\| noise") and "{doc}`/quasi_critical_scaling`" in lines[3]
    assert "**not computed**" in lines[4] and "failed" in lines[4]


def test_claim_rejects_an_unknown_verdict():
    with pytest.raises(ValueError, match="maybe"):
        claim(verdict="maybe")
    with pytest.raises(ValueError, match="positive int"):
        claim(number=0)


def test_profile_statement_names_the_profile_and_settings_of_ones_own():
    import dataclasses

    from crit.chapters import phase_diagram as chapter

    scope = {"ci": "small.", "paper": "large."}
    ci = chapter.PROFILES["ci"]
    assert "the `ci` profile, seed 3. small." in claims.profile_statement(ci, chapter.PROFILES, scope, seed=3)
    own = dataclasses.replace(ci, widths=ci.widths[:1])
    assert "settings of one's own" in claims.profile_statement(own, chapter.PROFILES, scope, seed=0)
    with pytest.raises(ValueError, match="paper"):
        claims.profile_statement(chapter.PROFILES["paper"], chapter.PROFILES, {"ci": "x"}, seed=0)


def test_profile_statement_says_which_part_came_from_where():
    from crit.book.published import Source
    from crit.chapters import phase_diagram as chapter

    scope = {"ci": "small.", "paper": "large."}
    ci = chapter.PROFILES["ci"]
    plain = claims.profile_statement(ci, chapter.PROFILES, scope, seed=3)
    assert claims.profile_statement(ci, chapter.PROFILES, scope, seed=3, sources=()) == plain  # compatible
    sources = (Source("the point", "paper", None), Source("the rest", "ci"))
    text = claims.profile_statement(ci, chapter.PROFILES, scope, seed=3, sources=sources)
    assert "the point: the `paper` profile" in text and "the rest: the `ci` profile, computed in this build" in text
    assert "large." in text and "small." in text and "seed 3" in text
    with pytest.raises(ValueError, match="huge"):
        claims.profile_statement(ci, chapter.PROFILES, scope, seed=0, sources=(Source("x", "huge"),))


def test_undetermined_cells_carry_numbered_reasons():
    text = tables.markdown(["a", "b"], [[tables.Undetermined("one width"), "1"],
                                        ["2", tables.Undetermined("one width")],
                                        [tables.Undetermined("NaN"), "3"]])
    assert text.count("undetermined (note 1)") == 2 and "undetermined (note 2)" in text
    assert "Note 1: one width" in text and "Note 2: NaN" in text
