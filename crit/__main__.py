"""Command line of the crit book.

    python -m crit book [--profile published|ci|paper] [--only NAME] [--device auto|cpu|cuda] [--seed N] [--force]
                        [--no-html]
    python -m crit notebooks --to-ipynb DIR [--only NAME] [--seed N]
    python -m crit compute [--profile ci|paper] [--device auto|cpu|cuda] [--only NAME] [--part PART] [--seed N]
    python -m crit publish [--profile paper] [--only NAME] [--seed N]
    python -m crit seeds --only NAME [--seeds 0-4] [--profile ci] [--device auto|cpu|cuda] [--out FILE.json]

``book`` executes the figure notebooks with papermill into ``book/`` and builds the HTML book into
``_build/html`` (see :mod:`crit.book.build`); its default profile, ``published``, renders every
chapter with published results from ``results/paper/`` and the others at ``ci``. ``notebooks``
converts the jupytext sources to ``.ipynb`` files at their default (CI) parameters, for nbval.
``compute`` runs the chapters' heavy steps (or one publishable part) as plain Python into the
results cache (see :mod:`crit.book.compute`), e.g. on a GPU machine without Jupyter, and
``publish`` copies what the cache holds at the paper profile into ``results/paper/`` with its
provenance (:mod:`crit.book.published`). ``seeds`` computes a chapter at several seeds and prints
its seed-stability table: the spread of each headline number against its stated error
(:mod:`crit.book.stability`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    from crit.book import build as book

    parser = argparse.ArgumentParser(prog="python -m crit", description="Build the crit companion book.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="{book,notebooks,compute,publish,seeds}")

    p = sub.add_parser("book", help="execute the notebooks and build the HTML book into _build/html")
    p.add_argument("--profile", default="published", choices=book.BOOK_PROFILES,
                   help="published: each chapter from its published paper-scale results in results/paper, "
                        "else at ci (default); ci: recompute at sizes for 2 CPU cores, minutes; paper: "
                        "recompute at the paper's sizes (a GPU) and publish them")
    p.add_argument("--device", default="auto", choices=book.DEVICES,
                   help="auto: cuda when torch sees a GPU, else cpu; the notebooks get the resolved name")
    p.add_argument("--only", action="append", metavar="NAME",
                   help="execute only this notebook (repeatable); the other pages stay as they are")
    p.add_argument("--seed", type=int, default=None, help="pass SEED to the notebooks (default: each notebook's own)")
    p.add_argument("--force", action="store_true", help="execute even the notebooks that are unchanged")
    p.add_argument("--no-html", dest="html", action="store_false", help="execute the notebooks, skip jupyter-book")

    n = sub.add_parser("notebooks", help="convert the notebook sources to .ipynb (for nbval)")
    n.add_argument("--to-ipynb", required=True, metavar="DIR", type=Path, help="folder to write <name>.ipynb into")
    n.add_argument("--only", action="append", metavar="NAME", help="convert only this notebook (repeatable)")
    n.add_argument("--seed", type=int, default=None, help="set SEED in the notebooks (default: each notebook's own)")
    c = sub.add_parser("compute", help="fill the results cache for the chapters, without Jupyter")
    c.add_argument("--profile", default="ci", choices=book.PROFILES, help="ci or paper (default ci)")
    c.add_argument("--device", default="auto", choices=book.DEVICES, help="auto, cpu or cuda (default auto)")
    c.add_argument("--only", action="append", metavar="NAME", help="this chapter only (repeatable)")
    c.add_argument("--part", action="append", metavar="PART",
                   help="only this publishable part of the chapters (repeatable), e.g. point")
    c.add_argument("--seed", type=int, default=0, help="the notebooks' SEED (default 0)")
    u = sub.add_parser("publish", help="copy the paper-profile results of the cache into results/paper")
    u.add_argument("--profile", default="paper", help="only paper is published (default paper)")
    u.add_argument("--only", action="append", metavar="NAME", help="this chapter only (repeatable)")
    u.add_argument("--seed", type=int, default=0, help="the notebooks' SEED (default 0)")
    t = sub.add_parser("seeds", help="a chapter at several seeds: spread of its headline numbers against their errors")
    t.add_argument("--only", required=True, action="append", metavar="NAME", help="the chapter (repeatable)")
    t.add_argument("--seeds", default="0-4", help="seeds, e.g. 0-4 or 0,2,5 (default 0-4)")
    t.add_argument("--profile", default="ci", choices=book.PROFILES, help="ci or paper (default ci)")
    t.add_argument("--device", default="auto", choices=book.DEVICES, help="auto, cpu or cuda (default auto)")
    t.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="also save the table as JSON (one chapter), or FILE with the chapter's name appended")
    return parser


def main(argv: list[str] | None = None) -> int:
    from crit.book import build as book

    args = _parser().parse_args(argv)
    try:
        if args.command == "book":
            return book.build(profile=args.profile, device=args.device, only=args.only, seed=args.seed,
                              force=args.force, html=args.html)
        if args.command == "compute":
            from crit.book import compute

            compute.compute(args.only, profile=args.profile, seed=args.seed, device=args.device, parts=args.part)
            return 0
        if args.command == "publish":
            from crit.book import compute

            compute.publish(args.only, profile=args.profile, seed=args.seed)
            return 0
        if args.command == "seeds":
            from crit.book import stability

            seeds = stability.parse_seeds(args.seeds)
            for name in args.only:
                result = stability.measure(name, seeds, profile=args.profile, device=args.device)
                print(result.table())
                if args.out is not None:
                    out = args.out if len(args.only) == 1 else args.out.with_name(f"{args.out.stem}-{name}.json")
                    print(f"wrote {result.write_json(out)}")
            return 0
        parameters = None if args.seed is None else {"SEED": args.seed}
        written = book.convert_all(book.find_root() / "notebooks", args.to_ipynb, only=args.only, parameters=parameters)
        for path in written:
            print(f"wrote {path}")
        if not written:
            print("no notebooks in notebooks/ yet")
        return 0
    except ValueError as exc:
        print(f"python -m crit {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
