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


def cmd_verify_source(args: argparse.Namespace) -> int:
    from iran_russia_claims.dataset import read_dataset
    from iran_russia_claims.provenance import verify_source
    from iran_russia_claims.resources import default_dataset_dir

    dataset = read_dataset(args.dataset or default_dataset_dir())
    result = verify_source(dataset, args.path, args.source_id)
    print(f"source {result.source.id}: {args.path}")
    hash_ok = result.file_sha256 == result.source.sha256
    print(f"  file sha256  {result.file_sha256} ({'matches' if hash_ok else 'DIFFERS'})")
    bad_spans = sum(p.rule == "span_hash_matches" for p in result.problems)
    print(f"  spans        {result.spans_checked + result.filler_checked - bad_spans} of "
          f"{result.spans_checked + result.filler_checked} hashes match "
          f"({result.spans_checked} claims, {result.filler_checked} filler)")
    if result.ok:
        print("OK: every span and section is where the dataset says")
        return EXIT_OK
    print(f"FAILED: {len(result.problems)} problem(s)", file=sys.stderr)
    for problem in result.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID


def cmd_coverage(args: argparse.Namespace) -> int:
    from iran_russia_claims.dataset import read_dataset
    from iran_russia_claims.provenance import coverage, match_source
    from iran_russia_claims.resources import default_dataset_dir
    from iran_russia_claims.text import read_source_text

    dataset = read_dataset(args.dataset or default_dataset_dir())
    source, _ = match_source(dataset, args.source, args.source_id)
    text = read_source_text(args.source)
    rows, problems = coverage(dataset, text, source.id)
    for row in rows:
        preview = " ".join(text[row.start:row.end].split()[:6])
        what = ", ".join(row.claim_ids) if row.claim_ids else f"filler: {row.filler_reason}"
        if row.status in ("unexplained", "conflict"):
            what = f"{row.status.upper()} {what}"
        print(f"[{row.start:>5}:{row.end:<5}] {preview[:48]:<48} | {what}")
    counts = {s: sum(r.status == s for r in rows) for s in ("claimed", "filler", "unexplained", "conflict")}
    print(f"\n{len(rows)} sentences: {counts['claimed']} with claims, {counts['filler']} filler, "
          f"{counts['unexplained']} unexplained, {counts['conflict']} both claimed and filler")
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID if problems else EXIT_OK


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

    p = sub.add_parser("verify-source", help="check the article's hash and every span against it")
    p.add_argument("path", type=Path, help="the article file")
    p.add_argument("--dataset", type=Path, default=None, help="dataset directory (default: ./dataset or the shipped one)")
    p.add_argument("--source-id", default=None, help="registry id of the source (default: by hash or name)")
    p.set_defaults(func=cmd_verify_source)

    p = sub.add_parser("coverage", help="each sentence of the article with its claims or filler reason")
    p.add_argument("--source", type=Path, required=True, help="the article file")
    p.add_argument("--dataset", type=Path, default=None, help="dataset directory (default: ./dataset or the shipped one)")
    p.add_argument("--source-id", default=None, help="registry id of the source (default: by hash or name)")
    p.set_defaults(func=cmd_coverage)
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
