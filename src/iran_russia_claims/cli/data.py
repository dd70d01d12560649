"""Commands on a collection's data: export, summary, plot, metadata, synth."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iran_russia_claims.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    collection_option,
    count,
)

if TYPE_CHECKING:
    from iran_russia_claims.curation.dataset import Dataset

#: Where, in a checkout, the generated metadata lives beside the exports.
METADATA_DIR, README, CITATION = Path("metadata"), Path("README.md"), Path("CITATION.cff")


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

        refreshed = write_metadata(args.out, METADATA_DIR, README, args.dataset, CITATION)
        print(f"refreshed {len(refreshed)} metadata file(s) in {METADATA_DIR}/ and {README}")
    if not args.quiet:
        print()
        print(render(summarise(claim_rows(dataset)), _names(dataset)))
    return EXIT_OK


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

        problems = [
            f"{name}: out of date"
            for name in stale_files(out, METADATA_DIR, README, args.dataset, CITATION)
        ]
    if not problems:
        print(f"OK: the {len(expected)} generated files are up to date")
        return EXIT_OK
    print(f"error: {len(problems)} generated file(s) out of date; {REMEDY}", file=sys.stderr)
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID


def _names(dataset: Dataset) -> dict[str, str]:
    return {code: actor.name for code, actor in dataset.registry.actors.items()}


def _records(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, str], str]:
    """The claims, actor names and a label (name and version) of the collection asked for,
    or of the shipped data."""
    if args.dataset:
        from iran_russia_claims.curation.dataset import read_dataset
        from iran_russia_claims.publish.tables import claim_rows

        dataset = read_dataset(args.dataset)
        label = f"{dataset.manifest.name} {dataset.manifest.version}"
        return claim_rows(dataset), _names(dataset), label
    from iran_russia_claims.api import actors, load, manifest

    shipped = manifest()
    label = f"{shipped.name} {shipped.version}"
    return load(as_frame=False), {a.code: a.name for a in actors()}, label


def cmd_summary(args: argparse.Namespace) -> int:
    from iran_russia_claims.describe.summary import render, summarise

    records, names, _ = _records(args)
    summary = summarise(records)
    print(json.dumps(summary, indent=2) if args.format == "json" else render(summary, names))
    return EXIT_OK


def cmd_plot(args: argparse.Namespace) -> int:
    from iran_russia_claims.describe.plot import PlotUnavailable, plot

    records, names, label = _records(args)
    try:
        written = plot(records, args.out, names, label)
    except PlotUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print("wrote " + ", ".join(str(path) for path in written))
    return EXIT_OK


def cmd_metadata(args: argparse.Namespace) -> int:
    from iran_russia_claims.readers.collection import read_manifest
    from iran_russia_claims.resources import default_dataset_dir
    from iran_russia_claims.spec.problem import DataError, Problem

    collection = args.dataset or default_dataset_dir()
    read_manifest(collection)  # a folder that is not a collection: say so first
    if not (args.exports / "claims.json").is_file():
        raise DataError(
            [
                Problem(
                    "readable",
                    "no exports here to describe (claims.json is missing)",
                    str(args.exports),
                    hint="run `iran-russia-claims export` first, or pass --exports DIR",
                )
            ]
        )
    where = (args.exports, args.out, args.readme, collection, args.citation)
    try:
        return _metadata(args, where)
    except ValueError as error:  # e.g. a README without the generated-section markers
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


def _metadata(args: argparse.Namespace, where: tuple[Any, ...]) -> int:
    from iran_russia_claims.describe.metadata import stale_files, write_metadata

    if args.check:
        stale = stale_files(*where)
        for name in stale:
            print(f"out of date: {name}", file=sys.stderr)
        if stale:
            print("run `iran-russia-claims metadata` to regenerate them", file=sys.stderr)
            return EXIT_INVALID
        print("metadata and README are up to date")
        return EXIT_OK
    written = write_metadata(*where)
    print("wrote " + (", ".join(str(path) for path in written) or "nothing (all up to date)"))
    return EXIT_OK


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


def register(sub: Any) -> None:
    """Add the data commands to the parser's subcommands."""
    p = sub.add_parser(
        "export",
        help="validate a collection; write its exports (CSV, JSON, Parquet, "
        "datapackage.json, SHA256SUMS) and JSON Schemas",
    )
    collection_option(p, Path("dataset"), "the collection folder (default: dataset)")
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
        help="in a checkout, do not refresh metadata/, CITATION.cff and the README's generated "
        "sections (refreshed by default when writing to ./exports next to a README.md)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files on disk differ from a fresh export",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the summary")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("summary", help="counts by theme, kind, actor and the confidence spread")
    collection_option(p, None, "summarise this collection folder instead of the shipped data")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_summary, outcome="nothing was summarised")

    p = sub.add_parser("plot", help="draw the overview figure (PNG and SVG); needs the plot extra")
    p.add_argument("--out", type=Path, required=True, help="output directory, e.g. docs/img")
    collection_option(p, None, "plot this collection folder instead of the shipped data")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser(
        "metadata",
        help="write the Croissant file, dataset card and CITATION.cff; refresh README's "
        "generated sections",
    )
    p.add_argument(
        "--exports",
        type=Path,
        default=Path("exports"),
        help="the exports to describe (default: exports)",
    )
    collection_option(
        p,
        None,
        "the collection whose manifest names the data (default: ./dataset, or the "
        "current folder if it holds collection.yaml)",
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
        "--citation",
        type=Path,
        default=CITATION,
        help="where to write the citation file (default: CITATION.cff)",
    )
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file is out of date"
    )
    p.set_defaults(func=cmd_metadata)

    p = sub.add_parser("synth", help="write N reproducible synthetic valid claims (for benchmarks)")
    p.add_argument("--rows", type=count, required=True, help="number of claims")
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
