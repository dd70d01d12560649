"""Hashing and sentence segmentation of a source text.

Offsets are Python ``str`` indices into the text decoded as UTF-8 with no normalisation, so a
span is ``text[start:end]`` and anyone holding the article can recompute its hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
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
