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
from typing import TYPE_CHECKING

from iran_russia_claims.__about__ import __version__
from iran_russia_claims.validation.report import DataError

if TYPE_CHECKING:
    from iran_russia_claims.curation.dataset import Dataset

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_problems(error: DataError) -> int:
    print(f"error: {len(error.problems)} problem(s) found; nothing was written", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    unreadable = all(p.rule == "readable" for p in error.problems)
    return EXIT_USAGE if unreadable else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.dataset import read_dataset
    from iran_russia_claims.describe.summary import render, summarise
    from iran_russia_claims.publish.export import export
    from iran_russia_claims.publish.tables import claim_rows

    dataset = read_dataset(args.dataset)
    schemas = None if args.no_schemas else args.schemas
    if args.check:
        return _check_exports(args, dataset, schemas)
    try:
        written = export(dataset, args.out, schemas)
    except OSError as error:
        print(
            f"error: cannot write {error.filename or args.out}: {error.strerror or error}; "
            "nothing was changed (check the directory exists and is writable)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    places = f"{args.out}/" + ("" if schemas is None else f" and {schemas}/")
    print(f"wrote {len(written)} files to {places}")
    if _refresh_metadata(args):
        from iran_russia_claims.describe.metadata import write_metadata

        refreshed = write_metadata(args.out, METADATA_DIR, README)
        print(f"refreshed {len(refreshed)} metadata file(s) in {METADATA_DIR}/ and {README}")
    if not args.quiet:
        print()
        print(render(summarise(claim_rows(dataset))))
    return EXIT_OK


METADATA_DIR, README = Path("metadata"), Path("README.md")


def _refresh_metadata(args: argparse.Namespace) -> bool:
    """Metadata describes the committed exports: refresh it only for those, in a checkout."""
    return not args.no_metadata and args.out == Path("exports") and README.is_file()


def _check_exports(args: argparse.Namespace, dataset: Dataset, schemas: Path | None) -> int:
    from iran_russia_claims.publish.drift import REMEDY, stale
    from iran_russia_claims.publish.export import render_all

    out = args.out
    expected = render_all(dataset, out, schemas)
    problems = stale(expected, [d for d in (out, schemas) if d is not None])
    if not problems and _refresh_metadata(args):
        from iran_russia_claims.describe.metadata import stale_files

        problems = [f"{name}: out of date" for name in stale_files(out, METADATA_DIR, README)]
    if not problems:
        print(f"OK: the {len(expected)} generated files are up to date")
        return EXIT_OK
    print(f"error: {len(problems)} generated file(s) out of date; {REMEDY}", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID


def cmd_summary(args: argparse.Namespace) -> int:
    from iran_russia_claims.api import load
    from iran_russia_claims.curation.dataset import read_dataset
    from iran_russia_claims.describe.summary import render, summarise
    from iran_russia_claims.publish.tables import claim_rows

    if args.dataset:
        dataset = read_dataset(args.dataset)
        records, names = (
            claim_rows(dataset),
            {code: actor.name for code, actor in dataset.registry.actors.items()},
        )
    else:
        from iran_russia_claims.api import actors

        records, names = load(as_frame=False), {a.code: a.name for a in actors()}
    summary = summarise(records)
    print(json.dumps(summary, indent=2) if args.format == "json" else render(summary, names))
    return EXIT_OK


def cmd_verify_source(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.dataset import read_dataset
    from iran_russia_claims.curation.provenance import verify_source
    from iran_russia_claims.resources import default_dataset_dir

    dataset = read_dataset(args.dataset or default_dataset_dir())
    result = verify_source(dataset, args.path, args.source_id)
    print(f"source {result.source.id}: {args.path}")
    hash_ok = result.file_sha256 == result.source.sha256
    print(f"  file sha256  {result.file_sha256} ({'matches' if hash_ok else 'DIFFERS'})")
    bad_spans = sum(p.rule == "span_hash_matches" for p in result.problems)
    print(
        f"  spans        {result.spans_checked + result.filler_checked - bad_spans} of "
        f"{result.spans_checked + result.filler_checked} hashes match "
        f"({result.spans_checked} claims, {result.filler_checked} filler)"
    )
    if result.ok:
        print("OK: every span and section is where the dataset says")
        return EXIT_OK
    print(f"FAILED: {len(result.problems)} problem(s)", file=sys.stderr)
    for problem in result.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID


def cmd_coverage(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.dataset import read_dataset
    from iran_russia_claims.curation.provenance import coverage, match_source
    from iran_russia_claims.readers.article import read_source_text
    from iran_russia_claims.resources import default_dataset_dir

    dataset = read_dataset(args.dataset or default_dataset_dir())
    source, _ = match_source(dataset, args.source, args.source_id)
    text = read_source_text(args.source)
    rows, problems = coverage(dataset, text, source.id)
    for row in rows:
        preview = " ".join(text[row.start : row.end].split()[:6])
        what = ", ".join(row.claim_ids) if row.claim_ids else f"filler: {row.filler_reason}"
        if row.status in ("unexplained", "conflict"):
            what = f"{row.status.upper()} {what}"
        print(f"[{row.start:>5}:{row.end:<5}] {preview[:48]:<48} | {what}")
    counts = {
        s: sum(r.status == s for r in rows)
        for s in ("claimed", "filler", "unexplained", "conflict")
    }
    print(
        f"\n{len(rows)} sentences: {counts['claimed']} with claims, {counts['filler']} filler, "
        f"{counts['unexplained']} unexplained, {counts['conflict']} both claimed and filler"
    )
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID if problems else EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from iran_russia_claims.publish.synth import FORMATS, write_registry, write_synth

    if args.out.suffix.lower() not in FORMATS:
        print(f"error: --out must end in one of {', '.join(FORMATS)}", file=sys.stderr)
        return EXIT_USAGE
    write_synth(args.out, args.rows, args.seed)
    print(f"wrote {args.rows} synthetic claims (seed {args.seed}) to {args.out}")
    if args.registry is not None:
        write_registry(args.registry)
        print(f"wrote the synthetic registry (actors.yaml, sources.yaml) to {args.registry}/")
    return EXIT_OK


def cmd_plot(args: argparse.Namespace) -> int:
    from iran_russia_claims.api import actors, load
    from iran_russia_claims.describe.plot import PlotUnavailable, plot

    if args.dataset:
        from iran_russia_claims.curation.dataset import read_dataset
        from iran_russia_claims.publish.tables import claim_rows

        dataset = read_dataset(args.dataset)
        records = claim_rows(dataset)
        names = {code: actor.name for code, actor in dataset.registry.actors.items()}
    else:
        records, names = load(as_frame=False), {a.code: a.name for a in actors()}
    try:
        written = plot(records, args.out, names)
    except PlotUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print("wrote " + ", ".join(str(path) for path in written))
    return EXIT_OK


def cmd_metadata(args: argparse.Namespace) -> int:
    from iran_russia_claims.describe.metadata import stale_files, write_metadata

    try:
        if args.check:
            stale = stale_files(args.exports, args.out, args.readme)
        else:
            written = write_metadata(args.exports, args.out, args.readme)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.check:
        for name in stale:
            print(f"out of date: {name}", file=sys.stderr)
        if stale:
            print("run `iran-russia-claims metadata` to regenerate them", file=sys.stderr)
            return EXIT_INVALID
        print("metadata and README are up to date")
        return EXIT_OK
    print("wrote " + (", ".join(str(path) for path in written) or "nothing (all up to date)"))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from iran_russia_claims.readers.registry import read_registry
    from iran_russia_claims.validation import exit_code, render_json, shipped_registry, validate

    try:
        registry = read_registry(args.dataset) if args.dataset else shipped_registry()
    except DataError as error:
        print(f"error: no usable registry in {args.dataset}:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_USAGE
    reports = []
    for path in args.paths:
        try:
            report = validate(
                path,
                registry=registry,
                source=args.source,
                format=args.input_format,
                max_problems=args.max_problems or None,
                engine=args.engine,
            )
        except ValueError as exc:  # e.g. the Polars engine without Polars installed
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except Exception as exc:  # a bug of ours: say so plainly, without a traceback
            print(
                f"error: validating {path} failed unexpectedly ({type(exc).__name__}: {exc}); "
                "this is a bug in iran-russia-claims, please report it",
                file=sys.stderr,
            )
            return EXIT_USAGE
        reports.append(report)
        if args.format == "text":
            print(report.render())
    if args.format == "json":
        print(json.dumps(render_json(reports), indent=2, ensure_ascii=False))
    return exit_code(reports)


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, not {value}")
    return value


def _provenance_options(p: argparse.ArgumentParser) -> None:
    """The options that verify-source and coverage share."""
    p.add_argument(
        "--dataset",
        type=Path,
        default=None,
        help="dataset directory (default: ./dataset or the shipped one)",
    )
    p.add_argument(
        "--source-id", default=None, help="registry id of the source (default: by hash or name)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iran-russia-claims",
        description="The claims of one article on Iran-Russia relations, as validated data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "export",
        help="validate dataset/; write exports/ (CSV, JSON, Parquet, "
        "datapackage.json, SHA256SUMS) and schemas/",
    )
    p.add_argument(
        "--dataset", type=Path, default=Path("dataset"), help="curated dataset directory"
    )
    p.add_argument("--out", type=Path, default=Path("exports"), help="output directory")
    p.add_argument(
        "--schemas",
        type=Path,
        default=Path("schemas"),
        help="directory for the generated JSON Schemas (default: schemas)",
    )
    p.add_argument("--no-schemas", action="store_true", help="do not write the JSON Schemas")
    p.add_argument(
        "--no-metadata",
        action="store_true",
        help="in a checkout, do not refresh metadata/ and the README's generated sections "
        "(refreshed by default when writing to ./exports next to a README.md)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files on disk differ from a fresh export",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the summary")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("summary", help="counts by theme, kind, actor and the confidence spread")
    p.add_argument(
        "--dataset",
        type=Path,
        default=None,
        help="summarise a curated dataset directory instead of the shipped data",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("verify-source", help="check the article's hash and every span against it")
    p.add_argument("path", type=Path, help="the article file")
    _provenance_options(p)
    p.set_defaults(func=cmd_verify_source)

    p = sub.add_parser(
        "coverage", help="each sentence of the article with its claims or filler reason"
    )
    p.add_argument("--source", type=Path, required=True, help="the article file")
    _provenance_options(p)
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("synth", help="write N reproducible synthetic valid claims (for benchmarks)")
    p.add_argument("--rows", type=_count, required=True, help="number of claims")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same file)")
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output file; format by extension: .parquet, .csv, .json, .jsonl",
    )
    p.add_argument(
        "--registry",
        type=Path,
        default=None,
        help="also write the synthetic registry the claims cite to this directory",
    )
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("plot", help="draw the overview figure (PNG and SVG); needs the plot extra")
    p.add_argument("--out", type=Path, required=True, help="output directory, e.g. docs/img")
    p.add_argument(
        "--dataset",
        type=Path,
        default=None,
        help="plot a curated dataset directory instead of the shipped data",
    )
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser(
        "metadata",
        help="write the Croissant file and dataset card; refresh README's generated sections",
    )
    p.add_argument(
        "--exports",
        type=Path,
        default=Path("exports"),
        help="the exports to describe (default: exports)",
    )
    p.add_argument(
        "--out", type=Path, default=Path("metadata"), help="output directory (default: metadata)"
    )
    p.add_argument(
        "--readme",
        type=Path,
        default=Path("README.md"),
        help="README whose generated sections to refresh (default: README.md)",
    )
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file is out of date"
    )
    p.set_defaults(func=cmd_metadata)

    p = sub.add_parser(
        "validate",
        help="check claims files (CSV, JSON, JSON Lines, Parquet, YAML) against every rule",
        description="Check claims files against every rule of the dataset and list every "
        "problem: file, row, record id, column, rule, value and a hint. Exit 0 if all are "
        "valid, 1 if any breaks a rule, 2 if any cannot be read (or on bad usage).",
    )
    p.add_argument("paths", type=Path, nargs="+", metavar="PATH", help="claims files to check")
    p.add_argument(
        "--input-format",
        choices=("csv", "json", "jsonl", "parquet", "yaml"),
        default=None,
        help="read every PATH as this format (default: by extension)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="report as text (default) or as JSON",
    )
    p.add_argument(
        "--source",
        type=Path,
        default=None,
        help="the article's text file: also check every span's SHA-256 against it",
    )
    p.add_argument(
        "--dataset",
        type=Path,
        default=None,
        help="take actors and sources from this dataset directory "
        "(default: the registry shipped with the package)",
    )
    p.add_argument(
        "--max-problems",
        type=_count,
        default=1000,
        metavar="N",
        help="list at most N problems per file, 0 for all; all are counted (default: 1000)",
    )
    p.add_argument(
        "--engine",
        choices=("auto", "pandas", "polars"),
        default="auto",
        help="how the file is read, never what is found: polars reads a Parquet, CSV or JSON "
        "Lines file whole with a strict reader (falling back to chunks for what it does not "
        "take), pandas reads it in chunks; auto (default): polars for such files of 16 MiB "
        "or more",
    )
    p.set_defaults(func=cmd_validate)
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
