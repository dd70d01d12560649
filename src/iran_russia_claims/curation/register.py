"""Registering an article in a collection: its text checked, its sections found, its entry added.

:func:`inspect_article` refuses a file whose offsets some tool would count differently (not
UTF-8, a byte-order mark, CR line ends, control characters); :func:`add_source` appends the
entry to the collection's ``sources.yaml``, keeping the file's text byte for byte, and writes
only a file that reads back with the new source in it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NoReturn

import yaml
from pydantic import ValidationError

from iran_russia_claims.publish.atomic import write_files
from iran_russia_claims.readers.article import sentences, sha256_file, sha256_text
from iran_russia_claims.readers.collection import folder_problem
from iran_russia_claims.readers.registry import ACTORS_FILE, SOURCES_FILE, read_registry
from iran_russia_claims.spec.models import Registry, Section, Source, errors_to_rules
from iran_russia_claims.spec.problem import DataError, Problem

#: Larger files are refused unread: an article is far smaller.
MAX_ARTICLE_BYTES: Final = 16 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SPEC = re.compile(r"(\d+):([^:]*)(?::(.*))?", re.DOTALL)
_WIDE: Final = 1 << 30  # no line folding in dumped YAML scalars
_BINARY: Final = "if it is a document (PDF, Word, HTML), save its text as UTF-8 first"
_NEWLINES: Final = (
    "offsets would differ between tools that translate newlines: convert to LF, e.g. with "
    "`dos2unix`"
)
_SPEC_FORM: Final = "give START:SLUG or START:SLUG:TITLE, e.g. 0:introduction 533:next-part"
_FIX: Final = {
    "id": "pass --id with a lower-case slug such as 'my-article'",
    "title": "pass --title with 1 to 200 characters",
    "author": "pass --author with 1 to 120 characters",
    "language": "pass --language with an ISO 639 code such as 'en'",
    "filename": "rename the file: letters, digits, '.', '_' and '-' only",
    "published": "pass --published as YYYY-MM-DD",
}


def _refuse(path: Path, message: str, hint: str, rule: str = "article_text") -> NoReturn:
    raise DataError([Problem(rule, message, str(path), hint=hint)])


def inspect_article(path: Path, *, crlf: bool = False) -> str:
    """The article's text exactly as offsets count it, or a DataError saying what to fix."""
    try:
        if not path.exists():
            _refuse(path, "the article file is not found", "check the path", "readable")
        if not path.is_file():
            _refuse(path, "not a regular file", "name the article's text file", "readable")
        with path.open("rb") as handle:
            data = handle.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        _refuse(path, f"cannot read: {exc.strerror or exc}", "check its permissions", "readable")
    if len(data) > MAX_ARTICLE_BYTES:
        _refuse(path, f"over {MAX_ARTICLE_BYTES} bytes", "pass the plain text file", "readable")
    if data.startswith(b"\xef\xbb\xbf"):
        _refuse(path, "the file starts with a UTF-8 byte-order mark", "save it without BOM")
    if b"\x00" in data:
        _refuse(path, f"a NUL byte at byte {data.index(0)}: a binary file", _BINARY)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _refuse(
            path,
            f"not UTF-8 ({exc.reason} at byte {exc.start})",
            f"convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 FILE`; {_BINARY}",
        )
    control = _CONTROL.search(text)
    if control is not None:
        where = f"control character {control.group()!r} at offset {control.start()}"
        _refuse(path, f"{where}: a binary file?", f"remove the character; {_BINARY}")
    lone = re.search(r"\r(?!\n)", text)
    if lone is not None:
        _refuse(path, f"a lone CR line end at offset {lone.start()}", _NEWLINES)
    if "\r\n" in text and not crlf:
        at = text.index("\r\n")
        _refuse(path, f"CRLF line ends (the first at offset {at})", _NEWLINES + ", or pass "
                "--crlf to register the text as it is")  # fmt: skip
    if not text.strip():
        _refuse(path, "the text is empty or only white space", "pass the article's text file")
    return text


def _words(text: str) -> list[str]:
    """Lower-case ASCII words (accents dropped, "What's" one word) for a slug."""
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def _cut(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    cut = head.rsplit(" ", 1)[0].rstrip(" ,;:-–—") if " " in head else ""
    return cut or text[:limit]


def find_sections(text: str) -> list[Section]:
    """Sections from the headings: one-line paragraphs not ending in . ! or ? after the first
    paragraph of prose (so a title and byline stay in the first section, "introduction")."""
    headings: list[tuple[int, str]] = []
    prose = False
    for unit in sentences(text):
        words = text[unit.start : unit.end]
        if words[-1] in ".!?":
            prose = True
        elif prose and "\n" not in words:
            headings.append((unit.start, words))
    if not headings:
        return [Section(slug="body", title="Body", start=0, end=len(text))]
    sections = [Section(slug="introduction", title="Introduction", start=0, end=headings[0][0])]
    ends = [start for start, _ in headings[1:]] + [len(text)]
    for number, ((start, heading), end) in enumerate(zip(headings, ends, strict=True), start=2):
        slug = base = "-".join(_words(heading)[:5]) or f"section-{number}"
        copy = 2
        while any(s.slug == slug for s in sections):
            slug, copy = f"{base}-{copy}", copy + 1
        sections.append(Section(slug=slug, title=_cut(heading, 60), start=start, end=end))
    return sections


def parse_section_specs(text: str, specs: list[str], *, file: str | None = None) -> list[Section]:
    """Sections given by hand as ``START:SLUG`` or ``START:SLUG:TITLE`` (the title defaults to
    the slug in words); each ends where the next starts, the last at the end of the text."""
    problems: list[Problem] = []
    parsed: list[tuple[int, str, str]] = []
    for spec in specs:
        if (match := _SPEC.fullmatch(spec)) is None:
            problems.append(Problem("readable", f"section {spec!r} is not START:SLUG[:TITLE]",
                                    file, hint=_SPEC_FORM))  # fmt: skip
            continue
        slug, title = match.group(2), match.group(3)
        parsed.append((int(match.group(1)), slug, title or slug.replace("-", " ").capitalize()))
    if not specs:
        problems.append(Problem("sections_tile", "no sections given", file, hint=_SPEC_FORM))
    tile = f"the first starts at 0, each after the one before, all before {len(text)}"
    sections: list[Section] = []
    for number, (start, slug, title) in enumerate(parsed):
        end = parsed[number + 1][0] if number + 1 < len(parsed) else len(text)
        if number == 0 and start != 0:
            message = f"the first section, {slug!r}, starts at {start}, not 0"
        elif start >= end:
            message = f"section {slug!r} starts at {start}, not before {end}, where it must end"
        else:
            message = ""
        if message:
            problems.append(Problem("sections_tile", message, file, hint=tile))
            continue
        try:
            sections.append(Section(slug=slug, title=title, start=start, end=end))
        except ValidationError as exc:
            fix = "a slug is lower-case words joined by '-'; a title has 1 to 60 characters"
            for _, column, message in errors_to_rules(exc):
                what = f"section {slug!r}: {column} {message}"
                problems.append(Problem("readable", what, file, hint=fix))
    if len({s.slug for s in sections}) != len(sections):
        problems.append(Problem("sections_tile", "two sections share a slug", file,
                                hint="give each section its own slug"))  # fmt: skip
    if problems:
        raise DataError(problems)
    return sections


def new_source(
    text: str,
    path: Path,
    *,
    id: str | None,
    title: str | None,
    author: str,
    language: str = "en",
    published: str | None = None,
    sections: list[Section] | None = None,
) -> Source:
    """The registry entry for the article ``text`` read from ``path``, validated."""
    digest = sha256_text(text)
    if digest != sha256_file(path):  # so for text read strictly, with no newline translation
        _refuse(path, "the text is not the file's bytes as UTF-8", "read it with inspect_article")
    units = sentences(text)
    if not units:
        _refuse(path, "the text is empty or only white space", "pass the article's text file")
    entry: dict[str, Any] = {
        "id": id if id is not None else "-".join(_words(path.stem)),
        "title": title if title is not None else _cut(text[units[0].start : units[0].end], 200),
        "author": author,
        "language": language,
        "filename": path.name,
        "sha256": digest,
        "length": len(text),
        "sections": [s.model_dump() for s in (sections or find_sections(text))],
    }
    if published is not None:
        entry["published"] = published
    try:
        return Source.model_validate(entry)
    except ValidationError as exc:
        problems = [
            Problem(rule, message, str(path), record_id=str(entry["id"]), column=column,
                    value=entry.get(column),
                    hint=_FIX.get(column, "pass sections that tile the text"))
            for rule, column, message in errors_to_rules(exc)
        ]  # fmt: skip
        raise DataError(problems) from None


def _scalar(value: str | int) -> str:
    """``value`` as a YAML scalar: plain where it reads back as itself, else double-quoted."""
    plain = yaml.safe_dump({"k": value}, width=_WIDE, allow_unicode=True) == f"k: {value}\n"
    if isinstance(value, int) or plain:
        return str(value)
    return yaml.safe_dump(value, default_style='"', width=_WIDE, allow_unicode=True).strip()


def source_entry(source: Source, dash: int = 2, indent: int = 4) -> list[str]:
    """The lines of a block-style ``sources.yaml`` entry, its sections one per line."""
    fields = source.model_dump(exclude={"sections"}, exclude_none=True).items()
    lines = [f"{' ' * indent}{field}: {_scalar(value)}" for field, value in fields]
    lines[0] = f"{' ' * dash}- {lines[0].lstrip()}"
    lines.append(f"{' ' * indent}sections:")
    for section in source.sections:
        flow = yaml.safe_dump(section.model_dump(), default_flow_style=True, sort_keys=False,
                              width=_WIDE, allow_unicode=True).strip()  # fmt: skip
        lines.append(f"{' ' * (indent + 2)}- {flow}")
    return lines


def _leaf_end(node: yaml.Node) -> int:
    """Where the last scalar or flow collection inside ``node`` ends (a block collection's own
    end mark runs on past trailing comments)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return int(node.end_mark.index)
    items: list[Any] = node.value
    flat = [n for pair in items for n in pair] if isinstance(node, yaml.MappingNode) else items
    return max((_leaf_end(n) for n in flat), default=int(node.end_mark.index))


def appended(text: str, source: Source, path: Path) -> str:
    """``text`` (of a sources.yaml) with ``source`` appended to its list, all else unchanged."""
    newline = "\r\n" if "\r\n" in text else "\n"
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):  # read_registry has read it: cannot happen
        _refuse(path, "not a mapping with a list under 'sources'", "fix the file", "readable")
    key, seq = next((k, v) for k, v in root.value if k.value == "sources")
    if seq.flow_style and seq.value:
        _refuse(path, "sources is a flow list [...]", "make it a block list", "readable")
    if seq.flow_style:  # sources: [] -> drop the brackets; the entry follows that line
        start = seq.start_mark.index
        while start and text[start - 1] in " \t":  # no white space left at the line's end
            start -= 1
        text = text[:start] + text[seq.end_mark.index :]
        at, dash = seq.start_mark.index, key.start_mark.column + 2
    else:
        at, dash = _leaf_end(seq), seq.start_mark.column
    indent = seq.value[0].start_mark.column if seq.value else dash + 2
    if text[at - 1 : at] != "\n":  # after the rest of the line (a comment, say)
        line_end = text.find("\n", at)
        at = len(text) if line_end < 0 else line_end + 1
    head = text[:at] if text[:at].endswith("\n") else text[:at] + newline
    return head + newline.join(source_entry(source, dash, indent)) + newline + text[at:]


def add_source(
    directory: Path,
    article: Path,
    *,
    author: str,
    id: str | None = None,
    title: str | None = None,
    language: str = "en",
    published: str | None = None,
    sections: list[Section] | None = None,
    section_specs: list[str] | None = None,
    crlf: bool = False,
) -> Source:
    """Register ``article`` in the collection at ``directory``: refuse an article or id that is
    registered already; else append its entry to sources.yaml, once it reads back, atomically.
    ``section_specs`` (as for :func:`parse_section_specs`) give the sections by hand."""
    if (problem := folder_problem(directory)) is not None:
        raise DataError([problem])
    text = inspect_article(article, crlf=crlf)
    registry = read_registry(directory)
    digest = sha256_text(text)
    for old in registry.sources.values():
        if old.sha256 == digest:
            message = f"this article is registered already, as {old.id!r} (same SHA-256)"
            _refuse(article, message, f"nothing to do: its source_id is {old.id}", "source_new")
    if section_specs is not None:
        sections = parse_section_specs(text, section_specs, file=str(article))
    source = new_source(text, article, id=id, title=title, author=author, language=language,
                        published=published, sections=sections)  # fmt: skip
    if (taken := registry.sources.get(source.id)) is not None:
        message = f"the id {taken.id!r} is taken by another article ({taken.filename})"
        _refuse(article, message, "pass --id with another slug", "source_new")
    path = directory / SOURCES_FILE
    new_text = appended(path.read_bytes().decode("utf-8"), source, path)
    after = _read_back(directory, new_text)
    if after is None or after.sources != {**registry.sources, source.id: source}:
        hint = "add the entry by hand:\n" + "\n".join(source_entry(source))
        _refuse(path, "the file would not read back with the new entry", hint, "readable")
    write_files({path: new_text.encode("utf-8")})
    return source


def _read_back(directory: Path, sources_text: str) -> Registry | None:
    """The registry ``sources_text`` would give with the collection's actors, or None."""
    with tempfile.TemporaryDirectory(prefix=".add-source-") as scratch:
        shutil.copyfile(directory / ACTORS_FILE, Path(scratch) / ACTORS_FILE)
        (Path(scratch) / SOURCES_FILE).write_bytes(sources_text.encode("utf-8"))
        try:
            return read_registry(Path(scratch))
        except DataError:
            return None


@dataclass(frozen=True)
class SentenceRow:
    """One unit of the text, as the ``sentences`` command lists it."""

    number: int
    start: int
    end: int
    section: str | None
    sha256: str
    text: str


def sentence_rows(text: str, source: Source | None) -> list[SentenceRow]:
    """Every unit of ``text``, numbered from 1, with its offsets, section and hash."""
    rows = []
    for number, unit in enumerate(sentences(text), start=1):
        span = text[unit.start : unit.end]
        section = source.section_at(unit.start) if source is not None else None
        slug = section.slug if section is not None else None
        rows.append(SentenceRow(number, unit.start, unit.end, slug, sha256_text(span), span))
    return rows
