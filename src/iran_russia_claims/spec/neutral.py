"""Text from data made safe to show: on a terminal, in a CI log, in JSON, XML and Markdown.

A claims file can hold anything in its ids, column names and values, and a file's name comes
from the command line: terminal escape sequences (ESC, the one-byte CSI U+009B and the other
C0 and C1 controls), carriage returns and backspaces that rewrite what a terminal shows,
bidirectional controls that reorder it, invisible characters, line separators, and lone
surrogates that no encoder writes. :func:`neutral` shows each such character as its code
(``\\x1b``, ``\\u202e``, ``\\ud800``), as Python's ``repr`` does, so that a report can be
printed, parsed and read whatever the data holds; the joiners U+200C and U+200D stay as they
are (Persian and Arabic need them). It also breaks ``##[``, ``##vso[`` and ``##teamcity[``,
with which a line anywhere holds a command of GitHub's runner (its older syntax), Azure
Pipelines or TeamCity, and :func:`no_command` a line that starts with ``::`` (a GitHub
workflow command). :func:`json_text` writes JSON with the same characters escaped (``\\u``
escapes, so the data parses back unchanged). A backslash in the data is shown as it is.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from iran_russia_claims.spec.patterns import CONTROL_RANGES, HIDDEN_RANGES

#: Code points that are not text at all: the surrogates (half of a pair, never a character on
#: their own) and the noncharacters U+FFFE and U+FFFF; XML cannot hold them even escaped.
NOT_TEXT_RANGES: Final = ((0xD800, 0xDFFF), (0xFFFE, 0xFFFF))
#: Every code point a report shows as its code: the controls, the hidden characters (the
#: bidirectional controls and the invisible ones) and what is not text.
UNSAFE_RANGES: Final = tuple(sorted(CONTROL_RANGES + HIDDEN_RANGES + NOT_TEXT_RANGES))


def _class(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    """A Python regex matching one character of ``ranges``."""
    return re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


_UNSAFE: Final = _class(UNSAFE_RANGES)
#: In JSON the C0 controls are escaped by ``json.dumps`` itself, and a raw line break is the
#: layout's: the rest is escaped here.
_UNSAFE_IN_JSON: Final = _class(tuple((max(a, 0x20), b) for a, b in UNSAFE_RANGES if b >= 0x20))
#: Where a CI runner reads a command anywhere in a line: ``##[name]`` (GitHub's older syntax),
#: ``##vso[...]`` (Azure Pipelines), ``##teamcity[...]`` (TeamCity); the ``[`` is escaped.
_LOG_COMMAND: Final = re.compile(r"(##[A-Za-z]*)\[")


#: How the three controls Python's ``repr`` names are shown.
_NAMED: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _code(match: re.Match[str]) -> str:
    char = match.group()
    n = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def neutral(text: object) -> str:
    """``text`` (or its ``str``) with every control, bidirectional control, invisible character
    and surrogate shown as its code (``\\x1b``, ``\\u202e``, ``\\ud800``; ``\\t``, ``\\n`` and
    ``\\r`` as Python writes them) and ``##[`` or ``##vso[`` broken (``##\\x5b``): safe to
    print, to encode as UTF-8 and to put in XML."""
    shown = _UNSAFE.sub(_code, text if isinstance(text, str) else str(text))
    return _LOG_COMMAND.sub(r"\1\\x5b", shown) if "##" in shown else shown


def no_command(line: str) -> str:
    """``line`` such that no CI runner takes it for a command: a GitHub runner reads a line that
    starts with ``::`` (after white space) as a workflow command; its first colon is shown as
    its code (``\\x3a:error::``). For lines made of text from data, never for our own
    commands."""
    stripped = line.lstrip()
    if not stripped.startswith("::"):
        return line
    at = len(line) - len(stripped)
    return f"{line[:at]}\\x3a{line[at + 1 :]}"


def _json_code(match: re.Match[str]) -> str:
    n = ord(match.group())
    if n < 0x10000:
        return f"\\u{n:04x}"
    n -= 0x10000
    return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"


def json_text(data: Any, indent: int | None = 2) -> str:
    """``data`` as JSON that keeps letters readable (Persian, Arabic, Cyrillic as they are) and
    escapes, as ``\\uXXXX``, every character :func:`neutral` shows as its code (they can only
    occur inside strings), and the ``[`` of ``##[`` or ``##vso[``: valid JSON, printable and
    encodable whatever the data holds, which parses back to the same data."""
    text = _UNSAFE_IN_JSON.sub(_json_code, json.dumps(data, indent=indent, ensure_ascii=False))
    return _LOG_COMMAND.sub(r"\1\\u005b", text) if "##" in text else text
