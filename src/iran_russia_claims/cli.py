"""The ``iran-russia-claims`` command: a thin shell over the package's functions.

Exit codes: 0 success, 1 the data broke rules (every problem is listed), 2 bad usage or a file
that cannot be read. Heavy modules are imported inside each command so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from iran_russia_claims.__about__ import __version__
from iran_russia_claims.report import DataError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_problems(error: DataError) -> int:
    print(f"error: {len(error.problems)} problem(s) found; nothing was written", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    unreadable = all(p.rule == "readable" for p in error.problems)
    return EXIT_USAGE if unreadable else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    from iran_russia_claims.dataset import read_dataset
    from iran_russia_claims.export import claim_records, export
    from iran_russia_claims.summary import render, summarise

    dataset = read_dataset(args.dataset)
    written = export(dataset, args.out)
    print(f"wrote {len(written)} files to {args.out}/")
    if not args.quiet:
        print()
        print(render(summarise(claim_records(dataset))))
    return EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from iran_russia_claims.api import load
    from iran_russia_claims.dataset import read_dataset
    from iran_russia_claims.export import claim_records
    from iran_russia_claims.summary import render, summarise

    records = claim_records(read_dataset(args.dataset)) if args.dataset else load(as_frame=False)
    summary = summarise(records)
    print(json.dumps(summary, indent=2) if args.format == "json" else render(summary))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iran-russia-claims",
        description="The claims of one article on Iran-Russia relations, as validated data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("export", help="validate dataset/ and write exports (CSV, JSON, Parquet)")
    p.add_argument("--dataset", type=Path, default=Path("dataset"), help="curated dataset directory")
    p.add_argument("--out", type=Path, default=Path("exports"), help="output directory")
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the summary")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("summary", help="counts by theme, kind, actor and the confidence spread")
    p.add_argument("--dataset", type=Path, default=None,
                   help="summarise a curated dataset directory instead of the shipped data")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_summary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except DataError as error:
        return _print_problems(error)
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
