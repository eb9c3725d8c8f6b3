r"""Whether a chapter's stated errors describe its spread over seeds: the seed-stability table.

A chapter's numbers come with errors over networks. Rerun with another seed, every network is
new, so the values move; if the errors are honest, the spread of a value over seeds matches its
stated error. :func:`measure` computes a chapter at several seeds and collects its headline numbers
(each chapter's ``headline(results) -> {name: (value, error)}``) and the verdict of its claim;
:class:`SeedStability` gives, per number, the spread over seeds (sd, ddof 1), the mean stated error
and their ratio, which should be near 1; where the errors differ much between seeds, the scatter of
each value in units of its own error (the Birge ratio, :attr:`SeedStability.birge`) is the better check.

With n seeds the ratio of an exactly right error scatters by itself: (n − 1)·ratio² follows χ² with
n − 1 degrees of freedom, so at 5 seeds a right error gives a ratio in [0.42, 1.54] nine times out
of ten (:meth:`SeedStability.band`). A ratio outside the band at more seeds, or far outside at few,
says the error is wrong: below it the error is overstated, above it understated.

``python -m crit seeds --only NAME --seeds 0-4`` prints the table and saves it (JSON, atomically).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crit import _validate, chapters
from crit.book import tables
from crit.records import Record, atomic_write_text, plain

__all__ = ["SeedStability", "measure", "parse_seeds", "stability_from"]

#: The band of spread / error the issue asks for (issue 12, item 2).
ACCEPTED = (0.5, 2.0)


@dataclass(frozen=True, eq=False)
class SeedStability(Record):
    """A chapter's headline numbers at several seeds, with their spread against their stated errors.

    Attributes
    ----------
    chapter : str
        The chapter's page name.
    profile : str
        The profile it was computed at.
    seeds : tuple of int
        The notebooks' ``SEED`` of each run.
    names : tuple of str
        The headline numbers, in the chapter's order.
    values, errors : numpy.ndarray, shape (n_seeds, n_names)
        Each number and its stated 1σ error at each seed (units of the number; NaN where a run left
        it undetermined).
    verdicts : tuple of str
        The claim's verdict at each seed.
    wall_s : numpy.ndarray, shape (n_seeds,)
        Seconds each run took (a cached run takes next to none).
    """

    chapter: str
    profile: str
    seeds: tuple
    names: tuple
    values: np.ndarray
    errors: np.ndarray
    verdicts: tuple
    wall_s: np.ndarray

    def _finite(self, array, k):
        column = array[:, k]
        return column[np.isfinite(column)]

    @property
    def spread(self) -> np.ndarray:
        """Standard deviation (ddof 1) of each number over the seeds where it was determined; NaN
        with fewer than 3."""
        out = np.full(len(self.names), np.nan)
        for k in range(len(self.names)):
            v = self._finite(self.values, k)
            if v.size >= 3:
                out[k] = v.std(ddof=1)
        return out

    @property
    def mean_error(self) -> np.ndarray:
        """Mean stated error of each number over the seeds where both it and its error are finite."""
        out = np.full(len(self.names), np.nan)
        for k in range(len(self.names)):
            ok = np.isfinite(self.values[:, k]) & np.isfinite(self.errors[:, k])
            if ok.any():
                out[k] = self.errors[ok, k].mean()
        return out

    @property
    def ratio(self) -> np.ndarray:
        """Spread over seeds / mean stated error (NaN where either is undetermined or the error is 0)."""
        spread, error = self.spread, self.mean_error
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(error > 0, spread / error, np.nan)

    @property
    def birge(self) -> np.ndarray:
        """The scatter of each number in units of its own errors: sqrt(Σ (x_i − x̄)²/e_i² / (n − 1)),
        x̄ the mean weighted by 1/e_i² (the Birge ratio). Near 1 for right errors even when they differ
        from seed to seed, where spread / mean error is not; NaN with fewer than 3 seeds having both
        a value and a positive error."""
        out = np.full(len(self.names), np.nan)
        for k in range(len(self.names)):
            x, e = self.values[:, k], self.errors[:, k]
            ok = np.isfinite(x) & np.isfinite(e) & (e > 0)
            if ok.sum() >= 3:
                w = 1.0 / e[ok] ** 2
                mean = np.sum(w * x[ok]) / np.sum(w)
                out[k] = math.sqrt(float(np.sum(w * (x[ok] - mean) ** 2)) / (ok.sum() - 1))
        return out

    def band(self, level=0.9, n=None) -> tuple[float, float]:
        """The central ``level`` range of the ratio when the stated error is exactly right, from
        ``n`` seeds (default: all of them): sqrt(χ²_{n−1} quantiles / (n − 1))."""
        from scipy import stats

        level = _validate.real("level", level, minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
        n = len(self.seeds) if n is None else _validate.integer("n", n, minimum=2)
        if n < 2:
            return float("nan"), float("nan")
        dof = n - 1
        low, high = stats.chi2.ppf([(1 - level) / 2, (1 + level) / 2], dof)
        return float(math.sqrt(low / dof)), float(math.sqrt(high / dof))

    def outside(self, low=ACCEPTED[0], high=ACCEPTED[1]) -> tuple[str, ...]:
        """The numbers whose ratio lies outside [low, high] (undetermined ratios are not counted)."""
        r = self.ratio
        return tuple(n for n, x in zip(self.names, r, strict=True) if np.isfinite(x) and not low <= x <= high)

    def table(self, digits=3) -> str:
        """The table as Markdown: values per seed, mean error, spread, ratio (✗ outside :data:`ACCEPTED`)."""
        low, high = self.band()
        seeds = ",".join(str(s) for s in self.seeds)
        rows = []
        for k, name in enumerate(self.names):
            r = self.ratio[k]
            mark = "" if not np.isfinite(r) or ACCEPTED[0] <= r <= ACCEPTED[1] else " ✗"
            rows.append([name, ", ".join(f"{v:.{digits}f}" for v in self.values[:, k]),
                         f"{self.mean_error[k]:.{digits}f}", f"{self.spread[k]:.{digits}f}", f"{r:.2f}{mark}",
                         f"{self.birge[k]:.2f}"])
        rows.append(["claim", ", ".join(self.verdicts), "", "", "", ""])
        headers = [f"{self.chapter} ({self.profile}): quantity", f"seeds {seeds}", "mean stated error",
                   "spread (sd)", "spread / error", "scatter in own errors"]
        return (tables.markdown(headers, rows) + f"\n\nWith {len(self.seeds)} seeds a right error gives a ratio in "
                f"[{low:.2f}, {high:.2f}] nine times out of ten; the last column is the Birge ratio (each value's "
                "distance from the weighted mean in its own errors), the check when the errors differ between seeds.")

    def write_json(self, path) -> Path:
        """Save as JSON (plain lists; NaN as null), atomically; returns the path."""
        path = Path(path)
        data = {"chapter": self.chapter, "profile": self.profile, "seeds": list(self.seeds),
                "names": list(self.names), "verdicts": list(self.verdicts),
                "values": _nulls(self.values), "errors": _nulls(self.errors), "wall_s": _nulls(self.wall_s),
                "spread": _nulls(self.spread), "mean_error": _nulls(self.mean_error), "ratio": _nulls(self.ratio),
                "birge": _nulls(self.birge),
                "band_90": list(self.band())}
        atomic_write_text(path, json.dumps(plain(data), indent=1, allow_nan=False) + "\n")
        return path


def _nulls(array):
    a = np.asarray(array, float)
    return [None if not np.isfinite(x) else float(x) for x in a.reshape(-1)] if a.ndim == 1 else \
        [_nulls(row) for row in a]


def _pair(name, item):
    try:
        value, error = item
        return float(value), float(error)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"headline {name!r} must be a (value, error) pair of numbers, got {item!r}") from exc


def stability_from(chapter, profile, seeds, headlines, verdicts, wall_s=None) -> SeedStability:
    """A :class:`SeedStability` from one headline dict and one verdict per seed.

    Parameters
    ----------
    chapter, profile : str
    seeds : sequence of int
    headlines : sequence of dict
        ``{name: (value, error)}`` per seed; a name missing at some seed is NaN there.
    verdicts : sequence of str
        The claim's verdict per seed.
    wall_s : sequence of float, optional
        Seconds per run.
    """
    seeds = tuple(_validate.integer("seed", s, minimum=0) for s in seeds)
    headlines, verdicts = list(headlines), tuple(str(v) for v in verdicts)
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed")
    if not (len(headlines) == len(verdicts) == len(seeds)):
        raise ValueError(f"one headline and one verdict per seed: got {len(seeds)} seeds, {len(headlines)} headlines "
                         f"and {len(verdicts)} verdicts")
    names: list[str] = []
    for h in headlines:
        if not isinstance(h, dict):
            raise TypeError(f"a headline must be a dict {{name: (value, error)}}, got {type(h).__name__}")
        names += [str(n) for n in h if str(n) not in names]
    values = np.full((len(seeds), len(names)), np.nan)
    errors = np.full_like(values, np.nan)
    for i, h in enumerate(headlines):
        for name, item in h.items():
            values[i, names.index(str(name))], errors[i, names.index(str(name))] = _pair(name, item)
    if (errors < 0).any():
        bad = names[int(np.argwhere(errors < 0)[0][1])]
        raise ValueError(f"the stated error of {bad!r} is negative: errors must be >= 0 or NaN")
    wall = np.full(len(seeds), np.nan) if wall_s is None else np.asarray(wall_s, float).reshape(len(seeds))
    return SeedStability(chapter=str(chapter), profile=str(profile), seeds=seeds, names=tuple(names), values=values,
                         errors=errors, verdicts=verdicts, wall_s=wall)


def measure(name, seeds, *, profile="ci", device="cpu", log=print) -> SeedStability:
    """Compute chapter ``name`` at each of ``seeds`` and collect its headline numbers and claim verdict.

    Parameters
    ----------
    name : str
        A chapter of :func:`crit.chapters.names` with a ``headline`` function.
    seeds : sequence of int
        The notebooks' ``SEED`` values (each run uses and fills the results cache).
    profile : str or settings
        As the chapter's ``compute`` takes it.
    device : str
        "auto", "cpu" or "cuda".
    log : callable
        Progress lines (``print`` by default).
    """
    module = chapters.load(name)
    if not hasattr(module, "headline"):
        raise ValueError(f"chapter {name!r} has no headline(results) function to measure")
    seeds = tuple(_validate.integer("seed", s, minimum=0) for s in seeds)
    if not seeds:
        raise ValueError("seeds is empty: give at least one seed")
    headlines, verdicts, wall = [], [], []
    for seed in seeds:
        start = time.perf_counter()
        results = module.compute(profile, seed=seed, device=device)
        headlines.append(module.headline(results))
        verdicts.append(module.claim(results).verdict)
        wall.append(time.perf_counter() - start)
        log(f"{name} seed {seed}: {wall[-1]:.0f} s, claim {verdicts[-1]}")
    label = profile if isinstance(profile, str) else getattr(profile, "profile", "settings of one's own")
    return stability_from(name, label, seeds, headlines, verdicts, wall)


def parse_seeds(text) -> tuple[int, ...]:
    """Seeds from "0-4", "0,2,5" or a mix ("0-2,7").

    Examples
    --------
    >>> parse_seeds("0-2,7")
    (0, 1, 2, 7)
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"seeds must be a list like '0-4' or '0,2,5', got {text!r}")
    out: list[int] = []
    for part in text.split(","):
        bounds = part.strip().split("-")
        try:
            numbers = [int(b) for b in bounds]
        except ValueError:
            raise ValueError(f"seeds must be whole numbers >= 0 like '0-4' or '0,2,5', got {part.strip()!r}") from None
        if len(numbers) == 1:
            out.append(numbers[0])
        elif len(numbers) == 2 and 0 <= numbers[0] <= numbers[1]:
            out += range(numbers[0], numbers[1] + 1)
        else:
            raise ValueError(f"a range of seeds reads 'low-high' with 0 <= low <= high, got {part.strip()!r}")
    return tuple(out)
