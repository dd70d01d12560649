"""Commands on a collection's data: export, summary, plot, metadata, synth, browse."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iran_russia_claims.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    collection_option,
    count,
    working_collection,
)
from iran_russia_claims.spec.link_rules import DYADS, RELATIONS

if TYPE_CHECKING:
    from iran_russia_claims.curation.dataset import Dataset


@dataclass(frozen=True)
class Places:
    """Where a collection's generated files go: under the manifest's ``outputs`` folder (the
    collection folder itself, or, for the shipped one, the root of this project's checkout)."""

    collection: Path
    exports: Path
    schemas: Path
    metadata: Path
    readme: Path
    citation: Path

    @classmethod
    def of(cls, collection: Path) -> Places:
        from iran_russia_claims.readers.collection import outputs_folder, read_manifest

        home = outputs_folder(collection, read_manifest(collection))
        return cls(
            collection,
            home / "exports",
            home / "schemas",
            home / "metadata",
            home / "README.md",
            home / "CITATION.cff",
        )


def cmd_export(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.dataset import read_dataset
    from iran_russia_claims.describe.summary import render, summarise
    from iran_russia_claims.publish.atomic import write_files
    from iran_russia_claims.publish.export import render_all
    from iran_russia_claims.publish.tables import claim_rows

    places = Places.of(working_collection(args))
    dataset = read_dataset(places.collection)
    out = args.out or places.exports
    schemas = None if args.no_schemas else (args.schemas or places.schemas)
    refresh = not args.no_metadata and out == places.exports and places.readme.is_file()
    if refresh:  # a README without its markers: say so before anything is written
        from iran_russia_claims.describe.metadata import check_readme

        check_readme(places.readme)
    if args.check:
        return _check_exports(dataset, places, out, schemas, refresh)
    exported = render_all(dataset, out, schemas)
    refreshed: dict[Path, bytes] = {}
    if refresh:  # described from the exports about to be written: one set, written at once
        from iran_russia_claims.describe.metadata import changed_files

        names = {path.name: data for path, data in exported.items() if path.parent == out}
        refreshed = changed_files(*_metadata_places(places, out), written=names)
    try:
        write_files(exported | refreshed)
    except OSError as error:
        print(
            f"error: cannot write {error.filename or out}: {error.strerror or error}; "
            "nothing was changed (check the directory exists and is writable)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    where = f"{out}/" + ("" if schemas is None else f" and {schemas}/")
    print(f"wrote {len(exported)} files to {where}")
    if refresh:
        print(
            f"refreshed {len(refreshed)} metadata file(s) in {places.metadata}/, "
            f"{places.readme} and {places.citation}"
        )
    if not args.quiet:
        print()
        print(render(summarise(claim_rows(dataset)), _names(dataset)))
    return EXIT_OK


def _metadata_places(places: Places, exports: Path) -> tuple[Path, Path, Path, Path, Path]:
    """The arguments of the metadata writers: exports, metadata folder, README, collection,
    citation file."""
    return exports, places.metadata, places.readme, places.collection, places.citation


def _check_exports(
    dataset: Dataset, places: Places, out: Path, schemas: Path | None, refresh: bool
) -> int:
    from iran_russia_claims.publish.drift import REMEDY, stale
    from iran_russia_claims.publish.export import render_all

    expected = render_all(dataset, out, schemas)
    problems = stale(expected, [d for d in (out, schemas) if d is not None])
    if not problems and refresh:
        from iran_russia_claims.describe.metadata import stale_files

        stale_metadata = stale_files(*_metadata_places(places, out))
        problems = [f"{name}: out of date" for name in stale_metadata]
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
    records, names, label, _ = _collection(args)
    return records, names, label


def _collection(
    args: argparse.Namespace,
) -> tuple[list[dict[str, Any]], dict[str, str], str, dict[str, list[dict[str, Any]]]]:
    """:func:`_records`, and the rows of the link tables (dyads, relations) by name."""
    from iran_russia_claims.resources import local_collection

    collection = args.dataset or local_collection()
    if collection is not None:
        from iran_russia_claims.curation.dataset import read_dataset
        from iran_russia_claims.publish.tables import claim_rows, table

        dataset = read_dataset(collection)
        label = f"{dataset.manifest.name} {dataset.manifest.version}"
        links = {n: table(n).rows(dataset) for n in (DYADS, RELATIONS)}
        return claim_rows(dataset), _names(dataset), label, links
    from iran_russia_claims.api import actors, load, manifest

    shipped = manifest()
    label = f"{shipped.name} {shipped.version}"
    links = {n: load(n, as_frame=False) for n in (DYADS, RELATIONS)}
    return load(as_frame=False), {a.code: a.name for a in actors()}, label, links


def cmd_summary(args: argparse.Namespace) -> int:
    from iran_russia_claims.describe.summary import render, summarise, summarise_links

    records, names, _, links = _collection(args)
    summary = summarise(records)
    if links[DYADS] or links[RELATIONS]:
        summary |= summarise_links(links[DYADS], links[RELATIONS])
    print(json.dumps(summary, indent=2) if args.format == "json" else render(summary, names))
    return EXIT_OK


def cmd_plot(args: argparse.Namespace) -> int:
    from iran_russia_claims.describe import link_plot
    from iran_russia_claims.describe.plot import PlotUnavailable, plot

    records, names, label, links = _collection(args)
    dyads, relations = links[DYADS], links[RELATIONS]
    try:
        written = plot(records, args.out, names, label)
        if dyads or relations:  # the argument graph, for a collection that codes it
            written += link_plot.plot(records, dyads, relations, args.out, names, label)
    except PlotUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print("wrote " + ", ".join(str(path) for path in written))
    return EXIT_OK


def cmd_metadata(args: argparse.Namespace) -> int:
    from iran_russia_claims.describe.metadata import check_exports_match

    places = Places.of(working_collection(args))
    exports = args.exports or places.exports
    check_exports_match(exports, places.collection)
    where = (
        exports,
        args.out or places.metadata,
        args.readme or places.readme,
        places.collection,
        args.citation or places.citation,
    )
    from iran_russia_claims.describe.metadata import hub_clash, stale_files, write_metadata
    from iran_russia_claims.spec.neutral import neutral

    clash = hub_clash(args.hub, *where[:4]) if args.hub is not None else None
    if clash is not None:  # the Hub's README.md or data/ would overwrite the project's files
        print(f"error: --hub {neutral(clash)}; pass an empty folder", file=sys.stderr)
        return EXIT_USAGE
    if args.check:
        stale = stale_files(*where, hub=args.hub)
        for name in stale:
            print(f"out of date: {name}", file=sys.stderr)
        if stale:
            print("run `iran-russia-claims metadata` to regenerate them", file=sys.stderr)
            return EXIT_INVALID
        print("metadata and README are up to date")
        return EXIT_OK
    written = write_metadata(*where, hub=args.hub)
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


def port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a TCP port, 1 to 65535, not {value}")
    return value


def cmd_browse(args: argparse.Namespace) -> int:
    """Serve claims.sqlite with Datasette: its own command line, run by this Python."""
    import importlib.util
    import shlex
    import subprocess

    from iran_russia_claims.publish import datasette, sqlite

    if importlib.util.find_spec("datasette") is None:
        print(
            f"error: browse needs Datasette, which is not installed: {datasette.INSTALL_HINT}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    exports = datasette.servable(args.exports)
    command = datasette.serve_command(exports, args.port, open_browser=args.open)
    if args.dry_run:
        print(shlex.join(command))
        print(datasette.url(args.port))
        return EXIT_OK
    if not datasette.port_free(args.port):
        print(
            f"error: port {args.port} of {datasette.HOST} is in use; pass another with --port",
            file=sys.stderr,
        )
        return EXIT_USAGE
    database = exports / sqlite.FILENAME
    print(f"serving {database} at {datasette.url(args.port)} (Ctrl-C stops it)", flush=True)
    sys.stderr.flush()
    if os.name == "posix":  # Datasette becomes this process: SIGTERM and Ctrl-C reach it
        os.execv(command[0], command)  # noqa: S606 (our own Python, our arguments)
    code = subprocess.run(command, check=False).returncode  # pragma: no cover - Windows
    return 128 - code if code < 0 else code  # pragma: no cover - killed by a signal


def register(sub: Any) -> None:
    """Add the data commands to the parser's subcommands."""
    p = sub.add_parser(
        "export",
        help="validate a collection; write its exports (CSV, JSON, Parquet, SQLite, "
        "datapackage.json, SHA256SUMS) and JSON Schemas",
    )
    collection_option(
        p,
        None,
        "the collection folder (default: this folder if it holds collection.yaml, else ./dataset)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="output directory (default: exports/ in the manifest's outputs folder)",
    )
    p.add_argument(
        "--schemas",
        type=Path,
        default=None,
        help="directory for the generated JSON Schemas (default: schemas/ beside exports/)",
    )
    p.add_argument("--no-schemas", action="store_true", help="do not write the JSON Schemas")
    p.add_argument(
        "--no-metadata",
        action="store_true",
        help="do not refresh metadata/, CITATION.cff and the README's generated sections "
        "(refreshed by default when writing to the default exports/ beside a README.md)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files on disk differ from a fresh export",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="do not print the summary")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("summary", help="counts by theme, kind, actor and the confidence spread")
    collection_option(
        p,
        None,
        "the collection folder (default: this folder if it holds collection.yaml, "
        "else ./dataset, else the data shipped with the package)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_summary, outcome="nothing was summarised")

    p = sub.add_parser(
        "plot",
        help="draw the overview figure and, where the collection has dyads or relations, the "
        "argument graph (PNG and SVG); needs the plot extra",
    )
    p.add_argument("--out", type=Path, required=True, help="output directory, e.g. docs/img")
    collection_option(
        p,
        None,
        "the collection folder (default: this folder if it holds collection.yaml, "
        "else ./dataset, else the data shipped with the package)",
    )
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser(
        "metadata",
        help="write the Croissant file, dataset card and CITATION.cff; refresh README's "
        "generated sections",
    )
    p.add_argument(
        "--exports",
        type=Path,
        default=None,
        help="the exports to describe (default: exports/ in the manifest's outputs folder)",
    )
    collection_option(
        p,
        None,
        "the collection whose manifest names the data (default: this folder if it "
        "holds collection.yaml, else ./dataset)",
    )
    p.add_argument(
        "--out", type=Path, default=None, help="output directory (default: metadata/ there)"
    )
    p.add_argument(
        "--readme",
        type=Path,
        default=None,
        help="README whose generated sections to refresh (default: README.md there)",
    )
    p.add_argument(
        "--citation",
        type=Path,
        default=None,
        help="where to write the citation file (default: CITATION.cff there)",
    )
    p.add_argument(
        "--hub",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write a Hugging Face dataset repository to DIR: README.md (the card), "
        "CITATION.cff and data/<table>.parquet, ready for `hf upload`",
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

    from iran_russia_claims.publish.datasette import DEFAULT_PORT, HOST

    p = sub.add_parser(
        "browse", help=f"serve claims.sqlite with Datasette on {HOST}; needs the browse extra"
    )
    p.add_argument(
        "--exports",
        type=Path,
        default=None,
        help="the exports to serve (default: those shipped with the package)",
    )
    p.add_argument(
        "--port", type=port, default=DEFAULT_PORT, help=f"port on {HOST} (default: %(default)s)"
    )
    p.add_argument("--open", action="store_true", help="open the page in a web browser too")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print the Datasette command and the URL; start nothing",
    )
    p.set_defaults(func=cmd_browse, outcome="nothing was served")
