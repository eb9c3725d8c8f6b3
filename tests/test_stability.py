"""The seed-stability table: spread over seeds against the stated errors (crit.book.stability)."""

import json
import math
import types

import numpy as np
import pytest

from crit import __main__ as cli
from crit.book import stability


def synthetic(n_seeds, sigma, stated, seed=0):
    """Headlines whose values scatter by ``sigma`` over seeds and claim the error ``stated``."""
    rng = np.random.default_rng(seed)
    heads = [{"x": (float(1 + sigma * rng.standard_normal()), stated), "y": (float(rng.standard_normal()), 1.0)}
             for _ in range(n_seeds)]
    return stability.stability_from("demo", "ci", range(n_seeds), heads, ["reproduced"] * n_seeds)


def test_a_right_error_gives_a_ratio_near_one_and_a_wrong_one_does_not():
    right = synthetic(400, 0.1, 0.1)
    assert right.ratio[0] == pytest.approx(1.0, abs=0.1) and right.ratio[1] == pytest.approx(1.0, abs=0.1)
    assert right.outside() == ()
    overstated = synthetic(400, 0.1, 0.4)
    assert overstated.ratio[0] == pytest.approx(0.25, abs=0.03) and overstated.outside() == ("x",)
    understated = synthetic(400, 0.1, 0.02)
    assert understated.ratio[0] == pytest.approx(5.0, rel=0.1) and understated.outside() == ("x",)


def test_the_band_of_a_right_error_is_the_chi_square_one():
    s = synthetic(5, 0.1, 0.1)
    low, high = s.band()
    assert (low, high) == pytest.approx((math.sqrt(0.71072 / 4), math.sqrt(9.48773 / 4)), rel=1e-4)
    # a right error falls inside the 90 % band about nine times out of ten
    inside = [synthetic(5, 0.1, 0.1, seed=k).ratio[0] for k in range(400)]
    assert np.mean([(low <= r <= high) for r in inside]) == pytest.approx(0.9, abs=0.05)
    assert s.band(n=10) == pytest.approx((math.sqrt(3.32511 / 9), math.sqrt(16.91898 / 9)), rel=1e-4)


def test_missing_or_undetermined_numbers_are_nan_not_errors():
    heads = [{"a": (1.0, 0.1), "b": (2.0, float("nan"))}, {"a": (1.1, 0.1)},
             {"a": (float("nan"), 0.1), "b": (2.1, 0.2)}]
    s = stability.stability_from("demo", "ci", [0, 1, 2], heads, ["undetermined"] * 3)
    assert s.names == ("a", "b") and np.isnan(s.values[1, 1])
    assert np.isnan(s.spread).all()  # fewer than 3 determined values each
    assert s.mean_error[1] == pytest.approx(0.2)  # the error counts only where the value is determined
    assert np.isnan(s.ratio).all() and s.outside() == ()
    assert "undetermined, undetermined" in s.table() and "nine times out of ten" in s.table()


def test_table_marks_rows_outside_the_accepted_band():
    table = synthetic(50, 0.1, 0.5).table()
    row = next(line for line in table.splitlines() if line.startswith("| x "))
    assert row.split("|")[5].strip().endswith("✗")
    assert "| claim |" in table


def test_json_is_written_atomically_with_nan_as_null(tmp_path):
    heads = [{"a": (1.0, 0.1)}, {"a": (float("nan"), 0.1)}, {"a": (1.2, 0.1)}, {"a": (0.9, 0.1)}]
    s = stability.stability_from("demo", "ci", [0, 1, 2, 3], heads, ["reproduced"] * 4, wall_s=[1, 2, 3, 4])
    path = s.write_json(tmp_path / "out.json")
    data = json.loads(path.read_text())
    assert data["values"][1] == [None] and data["seeds"] == [0, 1, 2, 3] and data["wall_s"] == [1, 2, 3, 4]
    assert data["ratio"][0] == pytest.approx(float(s.ratio[0]))
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"seeds": []}, ValueError, "seeds is empty"),
    ({"seeds": [0, 1]}, ValueError, "one headline and one verdict per seed"),
    ({"headlines": [{"a": (1.0, -0.1)}]}, ValueError, "negative"),
    ({"headlines": [{"a": 1.0}]}, TypeError, "pair"),
    ({"headlines": [[("a", (1.0, 0.1))]]}, TypeError, "must be a dict"),
    ({"seeds": [-1]}, ValueError, "seed"),
])
def test_bad_input_is_named(kwargs, error, match):
    args = {"chapter": "demo", "profile": "ci", "seeds": [0], "headlines": [{"a": (1.0, 0.1)}],
            "verdicts": ["reproduced"], **kwargs}
    with pytest.raises(error, match=match):
        stability.stability_from(**args)


@pytest.mark.parametrize(("text", "seeds"), [("0-4", (0, 1, 2, 3, 4)), ("3", (3,)), ("0-1, 7", (0, 1, 7))])
def test_parse_seeds(text, seeds):
    assert stability.parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["", "a", "4-2", "1-2-3", "-1", None])
def test_parse_seeds_rejects_what_is_not_a_list_of_seeds(text):
    with pytest.raises(ValueError, match="seeds|range"):
        stability.parse_seeds(text)


def test_measure_computes_each_seed_and_reads_headline_and_claim(monkeypatch):
    calls = []

    def compute(profile, *, seed, device):
        calls.append((profile, seed, device))
        return seed

    fake = types.SimpleNamespace(compute=compute, headline=lambda r: {"x": (float(r), 0.5)},
                                 claim=lambda r: types.SimpleNamespace(verdict="reproduced" if r else "undetermined"))
    monkeypatch.setattr(stability.chapters, "load", lambda name: fake)
    s = stability.measure("demo", [0, 1, 2], profile="ci", device="cpu", log=lambda *_: None)
    assert calls == [("ci", 0, "cpu"), ("ci", 1, "cpu"), ("ci", 2, "cpu")]
    assert s.values[:, 0].tolist() == [0.0, 1.0, 2.0] and s.verdicts == ("undetermined", "reproduced", "reproduced")
    assert s.ratio[0] == pytest.approx(2.0) and s.wall_s.shape == (3,)


def test_measure_names_a_chapter_without_headline(monkeypatch):
    monkeypatch.setattr(stability.chapters, "load", lambda name: types.SimpleNamespace(compute=None))
    with pytest.raises(ValueError, match="no headline"):
        stability.measure("demo", [0])


def test_every_chapter_has_a_headline():
    from crit import chapters

    for name in chapters.names():
        assert callable(getattr(chapters.load(name), "headline", None)), name


def test_the_command_line_names_an_unknown_chapter(capsys):
    assert cli.main(["seeds", "--only", "no_such_chapter", "--seeds", "0"]) == 2
    assert "no_such_chapter" in capsys.readouterr().err


def test_birge_ratio_judges_errors_that_differ_between_seeds():
    rng = np.random.default_rng(1)
    errors = rng.choice([0.05, 0.5], 400)  # half the seeds ten times noisier, each with its right error
    heads = [{"x": (float(e * rng.standard_normal()), float(e))} for e in errors]
    s = stability.stability_from("demo", "ci", range(400), heads, ["reproduced"] * 400)
    assert s.birge[0] == pytest.approx(1.0, abs=0.1)
    assert not 0.9 < s.ratio[0] < 1.1  # the spread over the mean error mixes the two kinds of seed
    doubled = stability.stability_from("demo", "ci", range(400), [{"x": (h["x"][0], 2 * h["x"][1])} for h in heads],
                                       ["reproduced"] * 400)
    assert doubled.birge[0] == pytest.approx(0.5, abs=0.05)
