"""Commands that check data: validate (claims files), verify-source and coverage (a
collection against its articles)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iran_russia_claims.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    articles_option,
    collection_option,
    count,
)
from iran_russia_claims.spec.neutral import json_text, neutral
from iran_russia_claims.validation.report import DataError

if TYPE_CHECKING:
    from iran_russia_claims.curation.dataset import Dataset
    from iran_russia_claims.readers.article import MatchedArticle
    from iran_russia_claims.validation import ValidationReport


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate every path and print the report. Text from the data reaches the output only
    through ``neutral`` (or ``json_text``); the streams write what they cannot encode as
    escapes rather than fail, and a file name in an error is shown the same way."""
    for stream in (sys.stdout, sys.stderr):
        _escape_unencodable(stream)
    try:
        return _validate(args)
    except BrokenPipeError:
        raise
    except OSError as error:  # the command's one error path prints its file name: shown safe
        raise _shown(error) from None


def _escape_unencodable(stream: Any) -> None:
    """Have ``stream`` write a character its encoding lacks (or a lone surrogate) as an escape
    instead of failing, so printing a report cannot raise whatever it holds."""
    reconfigure = getattr(stream, "reconfigure", None)
    if callable(reconfigure):
        with contextlib.suppress(OSError, ValueError):  # pragma: no cover - an odd stream
            reconfigure(errors="backslashreplace")


def _shown(error: OSError) -> OSError:
    """``error`` (of the same class) with its file name and text as :func:`neutral` shows
    them."""
    if error.errno is None:
        return OSError(neutral(error))
    name = neutral(error.filename) if error.filename is not None else None
    return OSError(error.errno, neutral(error.strerror or ""), name)


def _validate(args: argparse.Namespace) -> int:
    refused = _spark_refusal(args)
    if refused is None and _links(args) and len(args.paths) != 1:
        refused = "--dyads, --relations and --coding check one claims file: give one PATH"
    if refused is not None:
        print(f"error: {refused}", file=sys.stderr)
        return EXIT_USAGE
    from iran_russia_claims.readers.registry import read_registry
    from iran_russia_claims.resources import local_collection
    from iran_russia_claims.validation import exit_code, render_json, shipped_registry

    collection = args.dataset or local_collection()
    registry = read_registry(collection) if collection is not None else shipped_registry()
    if args.source:  # an article that is not a registered text: refuse before checking
        from iran_russia_claims.readers.article import match_articles

        matched, problems = match_articles(args.source, registry)
        if not matched and not problems:
            problems = [_no_article(args.source, registry)]
        if problems:
            raise DataError(problems)
    reports = []
    for path in args.paths:
        report = _validate_one(args, path, registry)
        reports.append(report)
        if args.format == "text":
            print(report.render())
    if args.summary is not None:  # first: a closed stdout must not lose the summary
        from iran_russia_claims.readers.common import not_regular
        from iran_russia_claims.validation.formats import render_markdown

        kind = not_regular(args.summary)
        if kind is not None:  # opening a FIFO would wait for a reader forever
            raise OSError(errno.EINVAL, f"is {kind}, not a regular file", str(args.summary))
        try:
            with args.summary.open("a", encoding="utf-8") as handle:
                handle.write(render_markdown(reports))
        except OSError as exc:  # a full disk shows at close, without the file's name
            raise OSError(exc.errno, exc.strerror, str(args.summary)) from None
    if args.format == "json":
        print(json_text(render_json(reports)))
    elif args.format in ("github", "junit"):
        from iran_russia_claims.validation import formats

        print(formats.render_github(reports) if args.format == "github" else
              formats.render_junit(reports))  # fmt: skip
    return exit_code(reports)


def _spark_refusal(args: argparse.Namespace) -> str | None:
    """Why the Spark options cannot be used as given (None: they can, or are not asked for)."""
    if args.engine != "spark":
        return "--spark-master is for --engine spark" if args.spark_master else None
    from iran_russia_claims.engines.spark_validate import SparkMissing, require_pyspark

    try:
        require_pyspark()
    except SparkMissing as missing:
        return str(missing)
    if args.source:
        return "--source is not available with --engine spark (check spans on one machine)"
    if args.input_format not in (None, "parquet"):
        return "--engine spark reads Parquet only (a file or a folder of Parquet files)"
    if _links(args):
        return "--dyads, --relations and --coding are not available with --engine spark"
    return None


def _links(args: argparse.Namespace) -> dict[str, Path]:
    """The link tables' files given, by table."""
    given = {"claim_dyads": args.dyads, "claim_relations": args.relations,
             "claim_coding": args.coding}  # fmt: skip
    return {table: path for table, path in given.items() if path is not None}


def _validate_one(args: argparse.Namespace, path: str, registry: Any) -> ValidationReport:
    """One input's report. Nothing one input does stops the run: a failure that is not a
    located problem (a disk error, no memory left, or a bug of ours) is this input's
    ``readable`` problem, named and explained, and the next input is checked."""
    import os

    from iran_russia_claims.cli import DEBUG_ENV
    from iran_russia_claims.spec.problem import Problem
    from iran_russia_claims.validation import ValidationReport, validate

    try:
        if args.engine == "spark":  # the path goes to Spark as given: hdfs://, s3a://, ...
            from iran_russia_claims.engines.spark_validate import validate_spark

            return validate_spark(
                path,
                registry=registry,
                master=args.spark_master,
                max_problems=args.max_problems or None,
            )
        return validate(
            Path(path),
            registry=registry,
            source=args.source,
            format=args.input_format,
            max_problems=args.max_problems or None,
            engine=args.engine,
            links=_links(args),
        )
    except MemoryError:
        message, hint = (
            "ran out of memory while checking it",
            ("check it on a machine with more memory, or split it into smaller files"),
        )
    except OSError as exc:
        message, hint = f"cannot read: {exc.strerror or exc}", None
    except Exception as exc:  # a bug of ours: say so, for this input, and go on
        if os.environ.get(DEBUG_ENV):
            raise
        message = (
            f"could not be checked: this is a bug in iran-russia-claims ({type(exc).__name__}: "
            f"{exc})"
        )
        hint = f"please report it (set {DEBUG_ENV}=1 to see where)"
    target = path if args.engine == "spark" else str(Path(path))
    report = ValidationReport(target=target, max_problems=args.max_problems or None)
    report.add(Problem("readable", message, target, hint=hint))
    return report


def _no_article(paths: list[Path], registry: Any) -> Any:
    from iran_russia_claims.spec.problem import Problem

    return Problem(
        "source_registered",
        "no file here has the SHA-256 of a registered source: no span could be checked",
        ", ".join(str(p) for p in paths),
        hint="the registry matches articles by hash: "
        + "; ".join(f"{s.id} is {s.sha256}" for s in registry.sources.values()),
    )


def _articles(args: argparse.Namespace) -> tuple[Dataset, list[MatchedArticle]]:
    from iran_russia_claims.curation.dataset import read_dataset
    from iran_russia_claims.curation.provenance import find_articles
    from iran_russia_claims.resources import default_dataset_dir

    dataset = read_dataset(args.dataset or default_dataset_dir(), allow_empty=True)
    return dataset, find_articles(dataset, args.source or (), args.source_id)


def cmd_verify_source(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.provenance import verify_article

    dataset, articles = _articles(args)
    failed = 0
    for article in articles:
        result = verify_article(dataset, article)
        checked = result.spans_checked + result.filler_checked
        bad_spans = sum(p.rule == "span_hash_matches" for p in result.problems)
        print(f"source {result.source.id}: {article.path}")
        print(f"  file sha256  {article.source.sha256} (matches the registry)")
        print(
            f"  spans        {checked - bad_spans} of {checked} hashes match "
            f"({result.spans_checked} claims, {result.filler_checked} filler)"
        )
        if result.ok:
            print("  OK: every span and section is where the collection says")
            continue
        failed += 1
        print(f"  FAILED: {len(result.problems)} problem(s)", file=sys.stderr)
        for problem in result.problems:
            print(f"    {problem}", file=sys.stderr)
    _unverified(dataset, {a.source.id for a in articles})
    return EXIT_INVALID if failed else EXIT_OK


def _unverified(dataset: Dataset, done: set[str]) -> None:
    """Say which registered sources were not checked (no article given for them)."""
    missing = sorted(set(dataset.registry.sources) - done)
    if missing:
        print(f"not checked (no article given): {', '.join(missing)}")


def cmd_coverage(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.provenance import coverage

    dataset, articles = _articles(args)
    failed = 0
    for article in articles:
        failed += _coverage_of(dataset, article, coverage)
    _unverified(dataset, {a.source.id for a in articles})
    return EXIT_INVALID if failed else EXIT_OK


def _coverage_of(dataset: Dataset, article: MatchedArticle, coverage: Any) -> int:
    text, source = article.text, article.source
    rows, problems = coverage(dataset, text, source.id, str(article.path))
    print(f"source {source.id}: {article.path}")
    for row in rows:
        preview = " ".join(text[row.start : row.end].split()[:6])
        what = ", ".join(row.claim_ids) if row.claim_ids else f"filler: {row.filler_reason}"
        if row.status == "conflict":
            what = f"CONFLICT {what}"
        elif row.status == "unexplained":
            what = "UNEXPLAINED: no claim and no filler"
        print(f"[{row.start:>5}:{row.end:<5}] {preview[:48]:<48} | {what}")
    counts = {
        s: sum(r.status == s for r in rows)
        for s in ("claimed", "filler", "unexplained", "conflict")
    }
    print(
        f"\n{source.id}: {len(rows)} sentences: {counts['claimed']} with claims, "
        f"{counts['filler']} filler, {counts['unexplained']} unexplained, "
        f"{counts['conflict']} both claimed and filler"
    )
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems else 0


def _provenance_options(p: argparse.ArgumentParser) -> None:
    """The options that verify-source and coverage share."""
    collection_option(
        p,
        None,
        "the collection folder (default: the current folder if it holds "
        "collection.yaml, else ./dataset, else the shipped one)",
    )
    p.add_argument(
        "--source-id",
        default=None,
        help="check only this source; the article given must be its text (by hash)",
    )


def register(sub: Any) -> None:
    """Add the checking commands to the parser's subcommands."""
    p = sub.add_parser(
        "validate",
        help="check claims files (CSV, JSON, JSON Lines, Parquet, YAML) against every rule",
        description="Check claims files against every rule of the dataset and list every "
        "problem: file, row, record id, column, rule, value and a hint. Exit 0 if all are "
        "valid, 1 if any breaks a rule, 2 if any cannot be read (or on bad usage).",
    )
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="claims files to check (with --engine spark: Parquet files or folders of them, "
        "local or any URL Spark reads, such as hdfs://... or s3a://...)",
    )
    p.add_argument(
        "--input-format",
        choices=("csv", "json", "jsonl", "parquet", "yaml"),
        default=None,
        help="read every PATH as this format (default: by extension)",
    )
    p.add_argument(
        "--format",
        choices=("text", "json", "github", "junit"),
        default="text",
        help="text (default); json (schemas/report.schema.json); github (workflow commands: "
        "annotations on the lines of a pull request); junit (JUnit XML, a test case per file "
        "and rule)",
    )
    p.add_argument(
        "--summary",
        type=Path,
        default=None,
        metavar="FILE",
        help='also append a Markdown summary to FILE (e.g. "$GITHUB_STEP_SUMMARY")',
    )
    articles_option(
        p,
        "an article's text file, or a folder of them (repeatable): also check every span's "
        "SHA-256 against it; files are matched to the registry by hash, and the report says "
        "how many spans it checked against which article",
    )
    collection_option(
        p,
        None,
        "take the id prefix, actors and sources from this collection folder "
        "(default: this folder if it holds collection.yaml, else ./dataset, else the registry "
        "shipped with the package)",
    )
    for option, table, what in (
        ("--dyads", "claim_dyads", "each claim's directed dyads"),
        ("--relations", "claim_relations", "the argument graph's edges"),
        ("--coding", "claim_coding", "who coded each claim"),
    ):
        p.add_argument(
            option,
            type=Path,
            default=None,
            metavar="FILE",
            help=f"also check {what} ({table}: CSV, JSON, JSON Lines, Parquet or YAML) "
            "against the one claims file given",
        )
    p.add_argument(
        "--max-problems",
        type=count,
        default=1000,
        metavar="N",
        help="list at most N problems per file, 0 for all; all are counted (default: 1000)",
    )
    p.add_argument(
        "--engine",
        choices=("auto", "pandas", "polars", "spark"),
        default="auto",
        help="how the file is read, never what is found: polars reads a Parquet, CSV or JSON "
        "Lines file whole with a strict reader (falling back to chunks for what it does not "
        "take), pandas reads it in chunks; auto (default): polars for such files of 16 MiB "
        "or more; spark runs the rules on Apache Spark for Parquet files or folders (the "
        "spark extra; problems are located by file and record id)",
    )
    p.add_argument(
        "--spark-master",
        default=None,
        metavar="URL",
        help="with --engine spark: the Spark master, e.g. spark://host:7077 or yarn (default: "
        "$SPARK_MASTER, else Spark's own configuration, as under spark-submit, else local[*])",
    )
    p.set_defaults(func=cmd_validate, outcome="nothing was checked")

    p = sub.add_parser(
        "verify-source",
        help="check each article's hash and every span of the collection against it",
    )
    p.add_argument(
        "source",
        type=Path,
        nargs="*",
        metavar="ARTICLE",
        help="article text files or folders of them (default: the manifest's articles folder)",
    )
    _provenance_options(p)
    p.set_defaults(func=cmd_verify_source, outcome="nothing was checked")

    p = sub.add_parser(
        "coverage", help="each sentence of each article with its claims or filler reason"
    )
    articles_option(
        p,
        "an article's text file or a folder of them, repeatable (default: the manifest's "
        "articles folder)",
    )
    _provenance_options(p)
    p.set_defaults(func=cmd_coverage, outcome="nothing was checked")
