"""Published results: compact analysis records of the paper profile, committed under ``results/``.

A chapter that can publish lists its :class:`Part` objects in ``PARTS`` (each a cached computation
that returns one :class:`~crit.records.Record`, e.g. the critical point of the quasi-critical
chapter). Publishing (``python -m crit publish``) reads each part from the results cache, computing
nothing, and writes, for chapter ``C`` and part ``P``::

    results/paper/C/P.npz    the record (npz, no pickle)
    results/paper/C/P.json   its Provenance: device, commit, code hash, date, wall time, settings, sha256

The npz is written first and the JSON last, both atomically, and the JSON holds the npz's SHA-256,
so a half-published part is never read as whole. ``make book`` renders a chapter with published
parts from them (its other parts at the ``ci`` profile) and a chapter without at ``ci``, and the
page and the reproducibility page say which. A part whose code changed since it was published is
still used: :meth:`Provenance.stale` says so, and the page repeats it (it is never shown as current).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from crit.book.cache import science_digest
from crit.records import Record, atomic_write_text, plain

__all__ = ["RESULTS", "PUBLISHED_PROFILE", "MAX_BYTES", "Part", "Provenance", "Source", "results_dir",
           "chapter_parts", "publish_record", "load", "provenances", "chapter_digest", "total_bytes"]

#: The folder of published results, relative to the project root.
RESULTS = Path("results")
#: The one profile that is published (``ci`` recomputes in minutes).
PUBLISHED_PROFILE = "paper"
#: The most bytes all published results may take together (20 MB).
MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class Part:
    """A part of a chapter that is computed, published and read back on its own.

    Parameters
    ----------
    name : str
        The part's name (a file name: letters, digits and ``_``).
    title : str
        What it is, for the page ("the critical point").
    record : type
        The :class:`~crit.records.Record` class ``compute`` returns.
    compute : callable
        ``compute(profile, *, seed, device, progress)``: the part, from the results cache or computed.
    modules : tuple of str
        The modules whose code makes the part (their :func:`~crit.book.cache.science_digest` is the
        part's code hash).
    """

    name: str
    title: str
    record: type
    compute: Callable
    modules: tuple[str, ...]

    def __post_init__(self):
        if not self.name.replace("_", "").isalnum():
            raise ValueError(f"a part's name must be letters, digits and '_', got {self.name!r}")

    def code(self) -> str:
        """The hash of the part's code as it is now."""
        return science_digest(*self.modules)


@dataclass(frozen=True)
class Provenance:
    """Where a published part came from.

    Attributes
    ----------
    chapter, part, record : str
        The chapter, the part and the record's class name.
    profile : str
        The profile it was computed at.
    seed : int
        The notebook's ``SEED``.
    settings : dict
        The chapter's settings it was computed with (plain values).
    code : str
        The hash of the part's code that made it (:meth:`Part.code` then).
    modules : tuple of str
        The modules that hash covers.
    device : str
        The device it ran on, in words (e.g. "cpu: AMD EPYC ..., 2 threads"); "not recorded" when unknown.
    commit : str
        The git commit of the computation ("+ uncommitted changes" when the tree differed).
    computed_at : str
        UTC date and time of the computation.
    wall_time_s : float
        Seconds the computation took (NaN when not recorded).
    published_at : str
        UTC date and time of publication.
    versions : dict
        Versions of crit, Python, torch, NumPy and SciPy.
    sha256 : str
        Of the ``.npz`` file.
    size_bytes : int
        Of the ``.npz`` file.
    """

    chapter: str
    part: str
    record: str
    profile: str
    seed: int
    settings: dict
    code: str
    modules: tuple
    device: str
    commit: str
    computed_at: str
    wall_time_s: float
    published_at: str
    versions: dict
    sha256: str
    size_bytes: int

    def to_json(self) -> str:
        """The provenance as JSON text."""
        return json.dumps(plain(dataclasses.asdict(self)), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Provenance:
        """Read :meth:`to_json`'s text back; ``ValueError`` when a field is missing."""
        data = json.loads(text)
        missing = [f.name for f in dataclasses.fields(cls) if f.name not in data]
        if missing:
            raise ValueError(f"the provenance lacks {missing}")
        data["modules"] = tuple(data["modules"])
        data["wall_time_s"] = float("nan") if data["wall_time_s"] is None else float(data["wall_time_s"])
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls)})

    def stale(self, current: str | None = None) -> str:
        """Why the part is not current ("" when its code is unchanged).

        Parameters
        ----------
        current : str, optional
            The code hash now (default: :func:`~crit.book.cache.science_digest` of :attr:`modules`).
        """
        current = science_digest(*self.modules) if current is None else current
        if current == self.code:
            return ""
        return (f"computed by an earlier version of this chapter's code (code hash `{self.code}`, commit "
                f"`{self.commit or 'unknown'}`); the code is now `{current}`")

    def summary(self) -> str:
        """One line (Markdown): device, commit, date, wall time and code hash."""
        took = f"{self.wall_time_s:,.0f} s" if self.wall_time_s == self.wall_time_s else "time not recorded"
        return (f"computed on {self.device} at commit `{self.commit or 'unknown'}` on {self.computed_at}, "
                f"{took}, code hash `{self.code}`")


@dataclass(frozen=True)
class Source:
    """Where one part of a page's numbers came from in this build.

    Attributes
    ----------
    title : str
        What the part is ("the critical point", "everything else").
    profile : str
        The profile of its numbers.
    provenance : Provenance or None
        The published part it was read from; None when it was computed in this build.
    stale : str
        :meth:`Provenance.stale` at reading ("" when current or computed in this build).
    """

    title: str
    profile: str
    provenance: Provenance | None = None
    stale: str = ""

    @classmethod
    def from_published(cls, part: Part, provenance: Provenance) -> Source:
        """The source of ``part`` read from published results with ``provenance``, stale or not against
        the code of the modules it names, as that code is now."""
        return cls(part.title, provenance.profile, provenance, provenance.stale())

    def sentence(self) -> str:
        """One sentence (Markdown) for the top of the page."""
        if self.provenance is None:
            return f"{self.title}: the `{self.profile}` profile, computed in this build"
        text = (f"{self.title}: the `{self.profile}` profile, read from the published results "
                f"({self.provenance.summary()})")
        return text + (f"; **{self.stale}**" if self.stale else "")


def results_dir(root=None, profile: str = PUBLISHED_PROFILE) -> Path:
    """``<root>/results/<profile>`` (root: the project folder, default the current one)."""
    _check_profile(profile)
    return Path(root or Path.cwd()) / RESULTS / profile


def _check_profile(profile: str) -> str:
    if profile != PUBLISHED_PROFILE:
        raise ValueError(f"only the {PUBLISHED_PROFILE!r} profile is published (got {profile!r}); "
                         "the 'ci' profile is recomputed in minutes by `make book PROFILE=ci`")
    return profile


def chapter_parts(name: str) -> tuple[Part, ...]:
    """The publishable parts of chapter ``name`` (``()`` when its module defines no ``PARTS``).

    Raises ``ValueError`` naming the chapters when ``name`` is not one.
    """
    from crit import chapters

    return tuple(getattr(chapters.load(name), "PARTS", ()))


def _device_name(device) -> str:
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    threads = torch.get_num_threads()
    return f"cpu: {model or 'unknown model'}, {threads} thread{'' if threads == 1 else 's'}"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def publish_record(record: Record, *, chapter: str, part: Part, profile: str, seed: int, settings, run: dict,
                   commit: str, root=None) -> Provenance:
    """Write ``record`` and its provenance under ``results/<profile>/<chapter>/`` atomically.

    Parameters
    ----------
    record : Record
        The part's record (of class ``part.record``).
    chapter : str
        The chapter's name.
    part : Part
        The part.
    profile : str
        Must be :data:`PUBLISHED_PROFILE`.
    seed : int
        The notebook's ``SEED``.
    settings : Settings
        The chapter's settings of that profile.
    run : dict
        What the cache noted of the computation (:func:`crit.book.cache.run_info`): ``device``,
        ``seconds``, ``date``, ``commit``, ``code`` and, where the code hash covers other modules
        than ``part.modules`` (a whole chapter, :mod:`crit.book.replay`), ``modules``; missing keys
        read "not recorded".
    commit : str
        The commit now (used when ``run`` has none).
    root : path, optional
        The project folder (default: the current one).
    """
    if not isinstance(record, part.record):
        raise TypeError(f"part {part.name!r} publishes a {part.record.__name__}, got {type(record).__name__}")
    folder = results_dir(root, profile) / chapter
    npz = record.save(folder / f"{part.name}.npz")
    payload = npz.read_bytes()
    provenance = Provenance(
        chapter=chapter, part=part.name, record=type(record).__name__, profile=profile, seed=int(seed),
        settings=plain(settings), code=run.get("code") or part.code(),
        modules=tuple(run.get("modules") or part.modules),
        device=run.get("device", "not recorded"), commit=run.get("commit") or commit,
        computed_at=run.get("date", "not recorded"), wall_time_s=float(run.get("seconds", float("nan"))),
        published_at=_now(), versions=run.get("versions") or _versions(), sha256=hashlib.sha256(payload).hexdigest(),
        size_bytes=len(payload))
    atomic_write_text(folder / f"{part.name}.json", provenance.to_json())
    return provenance


def _versions() -> dict:
    from crit.records import provenance

    return provenance()


def load(folder, chapter: str, part: Part) -> tuple[Record, Provenance] | None:
    """The published ``part`` of ``chapter`` in ``folder`` (e.g. ``results/paper``) with its provenance,
    or None when it is not published there.

    Raises ``ValueError`` when the files disagree (the npz is not the one the JSON describes, or it
    holds another record class): a broken publication is an error, not a silent recomputation.
    """
    folder = Path(folder) / chapter
    meta, npz = folder / f"{part.name}.json", folder / f"{part.name}.npz"
    if not meta.is_file():
        return None
    provenance = Provenance.from_json(meta.read_text(encoding="utf-8"))
    if not npz.is_file() or hashlib.sha256(npz.read_bytes()).hexdigest() != provenance.sha256:
        raise ValueError(f"{npz} is missing or is not the file {meta.name} describes (sha256); publish it again")
    return part.record.load(npz), provenance


def provenances(root=None, profile: str = PUBLISHED_PROFILE) -> dict[str, list[Provenance]]:
    """``{chapter: [Provenance of each published part]}`` of every chapter with published results."""
    folder = results_dir(root, profile)
    found: dict[str, list[Provenance]] = {}
    for meta in sorted(folder.glob("*/*.json")):
        found.setdefault(meta.parent.name, []).append(Provenance.from_json(meta.read_text(encoding="utf-8")))
    return found


def chapter_digest(chapter: str, root=None, profile: str = PUBLISHED_PROFILE) -> str:
    """A hash of the published files of ``chapter`` ("" when none): a page reruns when they change."""
    folder = results_dir(root, profile) / chapter
    digest = hashlib.sha256()
    files = sorted(folder.glob("*.json"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16] if files else ""


def total_bytes(root=None, profile: str = PUBLISHED_PROFILE) -> int:
    """Bytes of every published file of ``profile``."""
    return sum(p.stat().st_size for p in results_dir(root, profile).rglob("*") if p.is_file())
