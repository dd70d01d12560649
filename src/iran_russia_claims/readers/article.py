"""Hashing and sentence segmentation of a source text.

Offsets are Python ``str`` indices into the text decoded as UTF-8 with no normalisation, so a
span is ``text[start:end]`` and anyone holding the article can recompute its hash.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from iran_russia_claims.readers.common import not_regular
from iran_russia_claims.spec.problem import Problem

if TYPE_CHECKING:
    from iran_russia_claims.spec.models import Registry, Source

#: A paragraph: lines of text, up to a blank line (LF or CRLF line ends; an article with CRLF
#: ends is registered only when its curator says so, see ``add-source --crlf``).
_PARAGRAPH = re.compile(r"[^\r\n]+(?:\r?\n[^\r\n]+)*")
_SENTENCE_END = re.compile(r"[.!?](?=\s)")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One unit of the text: a sentence, or a whole heading, title or byline line."""

    start: int
    end: int


def sha256_text(text: str) -> str:
    """SHA-256 hex of ``text`` encoded as UTF-8: the hash stored for a span."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def read_source_text(path: str | Path) -> str:
    """The text exactly as offsets count it: UTF-8, strict, no newline translation."""
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences, deterministically.

    Paragraphs are separated by blank lines. A paragraph that does not end in ``.``, ``!`` or
    ``?`` (a title, byline or heading) is one unit; any other paragraph is split after each
    ``.``, ``!`` or ``?`` that is followed by white space. Units never include surrounding white
    space. The rule is simple on purpose: the coverage report and the filler registry both key on
    these offsets, so it must never change silently.
    """
    units: list[Sentence] = []
    for para in _PARAGRAPH.finditer(text):
        p_start, p_end = para.start(), para.end()
        body = para.group().rstrip()
        p_end = p_start + len(body)
        if not body.strip():
            continue
        if body[-1] not in ".!?":
            lead = len(body) - len(body.lstrip())
            units.append(Sentence(p_start + lead, p_end))
            continue
        cursor = p_start
        cuts = [p_start + m.end() for m in _SENTENCE_END.finditer(body)] + [p_end]
        for cut in cuts:
            chunk = text[cursor:cut]
            lead = len(chunk) - len(chunk.lstrip())
            if chunk.strip():
                units.append(Sentence(cursor + lead, cut))
            cursor = cut
    return units


# -- matching article files to the source registry ------------------------------------------------
@dataclass(frozen=True, slots=True)
class MatchedArticle:
    """An article file whose bytes are those of a registered source, with its text."""

    source: Source
    path: Path
    text: str


def article_files(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, bool]]:
    """Each file to consider, and whether it was named itself (True) or found in a folder."""
    found: list[tuple[Path, bool]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += [
                (p, False)
                for p in sorted(path.iterdir())
                if p.is_file() and not p.name.startswith(".")
            ]
        else:
            found.append((path, True))
    return found


def match_articles(
    paths: Iterable[str | os.PathLike[str]], registry: Registry, source_id: str | None = None
) -> tuple[list[MatchedArticle], list[Problem]]:
    """The registered articles among ``paths`` (files, or folders of files), matched by SHA-256
    and never by name: a file named like a source but with other bytes is not that source.

    A file named itself that matches no source (or not ``source_id``, when given) is a problem
    that says which hash it has and which was expected; so is a file found in a folder that has
    a registered source's file name but other bytes (an edited copy of the article). Other files
    of a folder that match nothing are passed over (a folder may hold other things). Each
    source is taken once.
    """
    by_hash = {s.sha256: s for s in registry.sources.values()}
    by_name = {s.filename: s for s in registry.sources.values()}
    wanted = registry.sources.get(source_id) if source_id is not None else None
    problems: list[Problem] = []
    if source_id is not None and wanted is None:
        known = ", ".join(sorted(registry.sources)) or "none"
        return [], [
            Problem(
                "source_registered",
                f"no source {source_id!r} in the registry",
                hint=f"registered sources: {known}",
            )
        ]
    matched: dict[str, MatchedArticle] = {}
    for path, named in article_files(paths):
        where = str(path)
        if not path.exists():
            problems.append(Problem("readable", "the article file is not found", where))
            continue
        kind = not_regular(path)
        if kind is not None:
            problems.append(Problem("readable", f"is {kind}, not a regular file", where))
            continue
        try:
            digest = sha256_file(path)
        except OSError as exc:
            problems.append(Problem("readable", f"cannot read: {exc.strerror or exc}", where))
            continue
        source = by_hash.get(digest)
        if wanted is not None and source is not wanted:
            source = None
        if source is None:
            if named or path.name in by_name:
                problems.append(_unmatched(path, digest, registry, wanted))
            continue
        if source.id in matched:
            continue
        try:
            text = read_source_text(path)
        except (UnicodeDecodeError, OSError) as exc:
            problems.append(Problem("readable", f"cannot read as UTF-8 text: {exc}", where))
            continue
        matched[source.id] = MatchedArticle(source, path, text)
    return list(matched.values()), problems


def _unmatched(path: Path, digest: str, registry: Registry, wanted: Source | None) -> Problem:
    """Why a named file is not a registered article: which hash it has, which was expected."""
    same_name = wanted or next(
        (s for s in registry.sources.values() if s.filename == path.name), None
    )
    if same_name is not None:
        return Problem(
            "source_hash_matches",
            f"the file's SHA-256 is {digest}, but source {same_name.id!r} expects "
            f"{same_name.sha256}: this is not the registered text, byte for byte",
            str(path),
            hint="get the exact registered version of the article (offsets and span hashes "
            "refer to it), or register this text as a new source with `iran-russia-claims "
            "add-source`",
        )
    expected = ", ".join(f"{s.id} {s.sha256[:12]}..." for s in registry.sources.values())
    return Problem(
        "source_registered",
        f"the file's SHA-256 is {digest}, which matches no registered source "
        f"(expected one of: {expected or 'none registered'})",
        str(path),
        hint="register it with `iran-russia-claims add-source`, or pass the registered text",
    )
