"""A curator's commands: start a collection, register articles, find spans, fill in the
derived fields. Each works on a collection folder (``--collection``, default: the current
folder if it holds ``collection.yaml``, else ``./dataset``) and writes all or nothing."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iran_russia_claims.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    articles_option,
    collection_option,
    working_collection,
)

if TYPE_CHECKING:
    from iran_russia_claims.spec.models import Registry, Source


def cmd_init(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.scaffold import ARTICLES, init_collection, new_manifest

    if not args.creator and not args.organization:
        print("error: name who made the collection: --creator NAME (a person) or "
              "--organization NAME, each repeatable", file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    folder = args.directory.resolve().name
    manifest = new_manifest(
        name=args.name or _slug(folder),
        title=args.title or folder,
        description=args.description
        or "Claims coded from articles, in the format of iran-russia-claims.",
        version="0.1.0",
        license={"id": args.license},
        creators=[{"name": name} for name in args.creator or ()]
        + [{"name": name, "kind": "organization"} for name in args.organization or ()],
        id_prefix=args.id_prefix,
        language=args.language,
        articles=ARTICLES,
    )
    written = init_collection(args.directory, manifest)
    print(f"created the collection {manifest.name!r} in {args.directory}/ ({len(written)} files)")
    folder = shlex.quote(str(args.directory))
    print(f"next: put an article in {args.directory}/{ARTICLES}/ and run `iran-russia-claims "
          f"add-source {folder}/{ARTICLES}/ARTICLE.txt --collection {folder} "
          "--author NAME`")  # fmt: skip
    return EXIT_OK


def _slug(text: str) -> str:
    import re

    return "-".join(re.findall(r"[a-z0-9]+", text.lower())) or "my-claims"


def cmd_add_source(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.register import add_source

    directory = working_collection(args)
    source = add_source(
        directory,
        args.article,
        id=args.id,
        title=args.title,
        author=args.author,
        language=args.language,
        published=args.published,
        section_specs=args.section,
        crlf=args.crlf,
    )
    print(f"registered {source.id!r} in {directory / 'sources.yaml'}")
    print(
        f"  sha256 {source.sha256}, {source.length} characters, {len(source.sections)} section(s):"
    )
    for section in source.sections:
        print(f"    {section.slug:<28} [{section.start}:{section.end}] {section.title}")
    if source.filename != args.article.name or not _in_articles(directory, args.article):
        print(f"  keep the text as {source.filename} in the collection's articles folder, so "
              "that verify-source, coverage and fill find it")  # fmt: skip
    return EXIT_OK


def _in_articles(directory: Path, article: Path) -> bool:
    from iran_russia_claims.readers.collection import articles_folder, read_manifest

    folder = articles_folder(directory, read_manifest(directory))
    return folder is not None and article.resolve().parent == folder.resolve()


def _article(args: argparse.Namespace) -> tuple[str, Source | None, Registry | None]:
    """The article's text; if the collection registers it (by hash), its source; and the
    collection's registry (None outside any collection)."""
    from iran_russia_claims.curation.register import inspect_article
    from iran_russia_claims.readers.article import sha256_text

    text = inspect_article(args.article, crlf=True)
    registry = _registry(args)
    sources = registry.sources.values() if registry is not None else ()
    digest = sha256_text(text)
    source = next((s for s in sources if s.sha256 == digest), None)
    if source is None and sources:
        print(
            f"note: {args.article} is not registered in this collection (by hash); "
            "sections are not shown",
            file=sys.stderr,
        )
    return text, source, registry


def _registry(args: argparse.Namespace) -> Registry | None:
    from iran_russia_claims.readers.registry import read_registry
    from iran_russia_claims.resources import local_collection

    directory = args.dataset or local_collection()
    return read_registry(directory) if directory is not None else None


def cmd_sentences(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.register import sentence_rows

    text, source, registry = _article(args)
    rows = sentence_rows(text, source)
    prefix = registry.id_prefix if registry is not None else "PREFIX"
    if args.skeleton is not None:
        print(f"# stubs to paste under `{args.skeleton}:` in {args.skeleton}.yaml (delete the `[]` "
              "of an empty list first); replace every upper-case placeholder")  # fmt: skip
    for row in rows:
        quoted = " ".join(row.text.split())
        if args.skeleton is None:
            print(f"{row.number:>4} [{row.start}:{row.end}] {row.section or '-'} | {quoted}")
            continue
        print(f"  # sentence {row.number}: {quoted[:90]}")
        if args.skeleton == "filler":
            print(f"  - {{source_id: {source.id if source else 'SOURCE-ID'}, start: {row.start}, "
                  f"end: {row.end}, reason: REASON, note: \"...\"}}")  # fmt: skip
        else:
            print(f"  - id: {prefix}-NNNN\n    source_id: {source.id if source else 'SOURCE-ID'}\n"
                  f"    start: {row.start}\n    end: {row.end}\n    theme: THEME\n"
                  "    actors: [CODE]\n    kind: KIND\n    assertion: \"...\"\n"
                  "    confidence: 0.9\n    hedges: []")  # fmt: skip
    print(f"{len(rows)} sentences", file=sys.stderr)
    return EXIT_OK


def cmd_locate(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.locate import locate, locate_offsets

    if (args.quote is None) == (args.offsets is None):
        print("error: give a quotation or --offsets START:END (one of the two)", file=sys.stderr)
        return EXIT_USAGE
    text, source, _ = _article(args)
    if args.offsets is not None:
        span = locate_offsets(text, source, *args.offsets)
    else:
        span = locate(text, source, args.quote, sentence=args.sentence)
    _warn_if_wider(text, source, span.start, span.end)
    print(f"start: {span.start}")
    print(f"end: {span.end}")
    print(f"span_sha256: {span.sha256}")
    if span.section is not None:
        print(f"section: {span.section}")
    if span.sentence is not None:
        print(f"# sentence {span.sentence}")
    return EXIT_OK


def cmd_fill(args: argparse.Namespace) -> int:
    from iran_russia_claims.curation.fill import fill_collection

    directory = working_collection(args)
    result = fill_collection(directory, args.source or None, check=args.check)
    for source_id, path in sorted(result.articles.items()):
        print(f"article of {source_id}: {path}")
    for note in result.notes:
        print(f"note: {note}")
    for file in result.files:
        for change in file.changes:
            print(f"{file.path}: {_record(change.index, change.record_id)} {change.field}: "
                  f"{change.old!r} -> {change.new!r}")  # fmt: skip
        for left in file.left:
            print(f"{file.path}: {_record(left.index, left.record_id)} {left.field or ''} "
                  f"left as is: {left.reason}")  # fmt: skip
    changes = sum(len(f.changes) for f in result.files)
    unfilled = sum(len(f.left) for f in result.files)
    if changes:
        print(f"{changes} value(s) {'would change' if args.check else 'changed'}")
    elif not unfilled:
        print("every derived field is up to date")
    if unfilled:
        print(f"{unfilled} value(s) left as is (the reasons are above)")
    if args.check and result.changed:
        print("run `iran-russia-claims fill` to write these changes", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _warn_if_wider(text: str, source: Source | None, start: int, end: int) -> None:
    """A span is part of one sentence in one section: say so when it is not."""
    from iran_russia_claims.readers.article import sentences

    inside = [u for u in sentences(text) if u.start < end and start < u.end]
    if len(inside) > 1:
        print(f"note: the span runs over {len(inside)} sentences; a claim's span is part of "
              "one sentence", file=sys.stderr)  # fmt: skip
    if source is not None:
        first, last = source.section_at(start), source.section_at(end - 1)
        if first is not None and last is not None and first.slug != last.slug:
            print(f"note: the span runs from section {first.slug!r} into {last.slug!r}",
                  file=sys.stderr)  # fmt: skip


def _record(index: int, record_id: str | None) -> str:
    return f"record {index}" + (f" ({record_id})" if record_id else "")


def _offsets(text: str) -> tuple[int, int]:
    start, sep, end = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(f"give START:END, not {text!r}")
    try:
        return int(start), int(end)
    except ValueError:
        raise argparse.ArgumentTypeError(f"START and END are whole numbers, not {text!r}") from None


def register(sub: Any) -> None:
    """Add the curator's commands to the parser's subcommands."""
    p = sub.add_parser("init", help="start a new collection folder (manifest, registries)")
    p.add_argument("directory", type=Path, metavar="DIR", help="the new folder")
    p.add_argument("--id-prefix", required=True, help="claim ids are PREFIX-0001, ... (e.g. KKW)")
    p.add_argument("--title", default=None, help="title of the collection")
    p.add_argument("--name", default=None, help="slug (default: from DIR)")
    p.add_argument("--description", default=None, help="one paragraph: what the data is")
    p.add_argument("--creator", action="append", help="a person who made it (repeatable)")
    p.add_argument(
        "--organization", action="append", help="an organisation that made it (repeatable)"
    )
    p.add_argument("--license", default="CC-BY-4.0", help="SPDX id (default: CC-BY-4.0)")
    p.add_argument("--language", default="en", help="ISO 639 code (default: en)")
    p.set_defaults(func=cmd_init, refusal=True)

    p = sub.add_parser("add-source", help="register an article: hash, length, sections, facts")
    p.add_argument("article", type=Path, metavar="ARTICLE", help="the article's text file")
    collection_option(p, None, "the collection folder (default: here or ./dataset)")
    p.add_argument("--author", required=True, help="the article's author, as in its byline")
    p.add_argument("--id", default=None, help="source id, a slug (default: from the file name)")
    p.add_argument("--title", default=None, help="title (default: the article's first line)")
    p.add_argument("--language", default="en", help="ISO 639 code (default: en)")
    p.add_argument("--published", default=None, metavar="YYYY-MM-DD", help="publication date")
    p.add_argument(
        "--section",
        action="append",
        default=None,
        metavar="START:SLUG[:TITLE]",
        help="give the sections by hand (repeatable; default: found from the headings)",
    )
    p.add_argument(
        "--crlf",
        action="store_true",
        help="register a text with CRLF line ends as it is (offsets then count each CR)",
    )
    p.set_defaults(func=cmd_add_source, refusal=True)

    p = sub.add_parser("sentences", help="an article's sentences with offsets (and stubs)")
    p.add_argument("article", type=Path, metavar="ARTICLE", help="the article's text file")
    collection_option(p, None, "the collection folder (default: here or ./dataset)")
    p.add_argument(
        "--skeleton",
        choices=("claims", "filler"),
        default=None,
        help="print each sentence as a claim or filler stub to paste into the YAML",
    )
    p.set_defaults(func=cmd_sentences, outcome="nothing was listed", refusal=True)

    p = sub.add_parser("locate", help="a quotation's start, end, span_sha256 and section")
    p.add_argument("article", type=Path, metavar="ARTICLE", help="the article's text file")
    p.add_argument("quote", nargs="?", default=None, help="the exact text to find")
    p.add_argument("--sentence", type=int, default=None, metavar="N", help="search sentence N only")
    p.add_argument(
        "--offsets",
        type=_offsets,
        default=None,
        metavar="START:END",
        help="give the offsets instead of a quotation",
    )
    collection_option(p, None, "the collection folder (default: here or ./dataset)")
    p.set_defaults(func=cmd_locate, outcome="nothing was located", refusal=True)

    p = sub.add_parser(
        "fill", help="compute section, span_sha256 and confidence_band in the YAML, in place"
    )
    collection_option(p, None, "the collection folder (default: here or ./dataset)")
    articles_option(
        p,
        "an article's text file or a folder of them, repeatable (default: the manifest's "
        "articles folder)",
    )
    p.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if anything would change"
    )
    p.set_defaults(func=cmd_fill)
