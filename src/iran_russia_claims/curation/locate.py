"""Finding a span of an article: a quotation that occurs exactly once, or offsets given directly.

A quotation is matched exactly, character for character, as offsets count them. When it is not
found, the error says whether it would be with white space (and typographic quotes and dashes)
normalised, and where; when it is found more than once, it lists where, so that a longer
quotation or ``--sentence N`` can pick one.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Final, NoReturn

from iran_russia_claims.readers.article import Sentence, sentences, sha256_text
from iran_russia_claims.spec.models import Source
from iran_russia_claims.spec.problem import DataError, Problem

#: How many offsets an error lists.
SHOWN: Final = 10
_FOLD: Final = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class Span:
    """``text[start:end]``, its SHA-256, its section's slug (given a source) and the 1-based
    number of the unit (sentence, title or heading) that holds ``start``."""

    start: int
    end: int
    sha256: str
    section: str | None
    sentence: int | None


def _fail(file: str | None, message: str, hint: str, rule: str = "quote_found") -> NoReturn:
    raise DataError([Problem(rule, message, file, hint=hint)])


def _file(file: str | None, source: Source | None) -> str | None:
    return file if file is not None or source is None else source.filename


def _check_length(text: str, source: Source | None, file: str | None) -> None:
    if source is not None and source.length != len(text):
        message = f"the text has {len(text)} characters; source {source.id!r} has {source.length}"
        hint = "pass the registered article's text"
        _fail(file, message, hint, "source_length_matches")


def _numbers(units: list[Sentence], offsets: list[int]) -> list[int | None]:
    """The 1-based number of the unit holding each offset (None between units)."""
    starts = [u.start for u in units]
    found: list[int | None] = []
    for offset in offsets:
        index = bisect.bisect_right(starts, offset) - 1
        found.append(index + 1 if index >= 0 and offset < units[index].end else None)
    return found


def _listed(units: list[Sentence], offsets: list[int]) -> str:
    """The numbers of the units holding ``offsets``, each once, in order (the first ten)."""
    numbers = sorted({n for n in _numbers(units, offsets) if n})
    more = f", ... ({len(numbers)} in all)" if len(numbers) > 10 else ""
    return ", ".join(str(n) for n in numbers[:10]) + more


def _span(text: str, source: Source | None, units: list[Sentence], start: int, end: int) -> Span:
    section = source.section_at(start) if source is not None else None
    slug = section.slug if section is not None else None
    return Span(start, end, sha256_text(text[start:end]), slug, _numbers(units, [start])[0])


def _occurrences(text: str, quote: str, low: int, high: int) -> list[int]:
    """Every start of ``quote`` within ``text[low:high]``, overlapping ones too."""
    found: list[int] = []
    at = text.find(quote, low, high)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1, high)
    return found


def _loose(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of white space as one space and typographic quotes and dashes
    as ASCII, and for each of its characters the offset in ``text`` it comes from."""
    kept: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        if char.isspace():
            if kept and kept[-1] == " ":
                continue
            char = " "
        kept.append(char)
        origin.append(offset)
    return "".join(kept).translate(_FOLD), origin


def _offsets(found: list[int]) -> str:
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return ", ".join(str(at) for at in found[:SHOWN]) + more


def _near(text: str, quote: str, units: list[Sentence], low: int, high: int) -> str:
    """Where a quotation not found in ``text[low:high]`` is found elsewhere or loosely."""
    if (low, high) != (0, len(text)) and (found := _occurrences(text, quote, 0, len(text))):
        return f"; it is in sentence(s) {_listed(units, found)}"
    loose, origin = _loose(text[low:high])
    wanted = " ".join(quote.split()).translate(_FOLD)
    spans = [
        f"{low + origin[at]}:{low + origin[at + len(wanted) - 1] + 1}"
        for at in _occurrences(loose, wanted, 0, len(loose))
    ]
    if not spans:
        return ""
    more = f" and {len(spans) - SHOWN} more" if len(spans) > SHOWN else ""
    return (
        "; it is found when white space, typographic quotes and dashes are normalised, at "
        f"START:END {', '.join(spans[:SHOWN])}{more}"
    )


def locate(
    text: str,
    source: Source | None,
    quote: str,
    *,
    sentence: int | None = None,
    file: str | None = None,
) -> Span:
    """The span of ``text`` where ``quote`` occurs, exactly once (within unit ``sentence``,
    1-based, when given); a DataError (rule quote_found) when it occurs no time or more.

    ``file`` names the article in errors (by default the source's file name)."""
    file = _file(file, source)
    _check_length(text, source, file)
    if not quote.strip():
        _fail(file, "the quotation is empty", "give the words to find, as the article has them")
    units = sentences(text)
    low, high, scope = 0, len(text), "the article"
    if sentence is not None:
        if not 1 <= sentence <= len(units):
            message = f"no sentence {sentence}: the article has sentences 1 to {len(units)}"
            _fail(file, message, "list them with their numbers with the `sentences` command")
        low, high = units[sentence - 1].start, units[sentence - 1].end
        scope = f"sentence {sentence}"
    found = _occurrences(text, quote, low, high)
    if len(found) == 1:
        return _span(text, source, units, found[0], found[0] + len(quote))
    if found:
        listed = _listed(units, found)
        message = (
            f"the quotation occurs {len(found)} times in {scope}, at offsets "
            f"{_offsets(found)} (in sentence(s) {listed})"
        )
        _fail(file, message, f"quote more words, or pass --sentence N (N one of {listed})")
    near = _near(text, quote, units, low, high)
    hint = (
        "check spelling and white space: quotations are matched exactly, character for "
        "character (line breaks, curly quotes and dashes included); copy it from the article"
    )
    _fail(file, f"the quotation is not found in {scope}{near}", hint)


def locate_offsets(
    text: str, source: Source | None, start: int, end: int, *, file: str | None = None
) -> Span:
    """The span ``text[start:end]`` for offsets given directly, once checked."""
    file = _file(file, source)
    _check_length(text, source, file)
    if start < 0:
        _fail(file, f"start {start} is negative", "offsets count from 0", "start_non_negative")
    if end <= start:
        hint = "the span is text[start:end]: give an end after the start"
        _fail(file, f"end {end} is not after start {start}", hint, "offsets_ordered")
    if end > len(text):
        message = f"end {end} is past the end of the article ({len(text)} characters)"
        _fail(file, message, f"give an end of at most {len(text)}", "end_within_source")
    return _span(text, source, sentences(text), start, end)
