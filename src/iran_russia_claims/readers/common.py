"""What every reader shares: the chunk it yields, the error it raises, and the first checks.

:class:`Chunk` is what a reader yields and :class:`ReadError` what it raises where reading
stops; ``Emit`` is the callback that takes each located problem. Here too are the limits common
to the readers (:data:`CHUNK_ROWS`, :data:`MAX_RECORD_BYTES`), each claim column's kind, the
check of a file's first bytes for UTF-16/32 or binary data, the message for text that is not
UTF-8, and the JSON object hook that refuses a key given twice.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.vocab import CLAIM_COLUMNS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: Records per chunk unless the caller asks for another number.
CHUNK_ROWS: Final = 65_536
#: Longest JSON record or JSON Lines line; a claim is well under 4 KiB.
MAX_RECORD_BYTES: Final = 1024 * 1024
#: Most text, in bytes, behind one chunk of records parsed into Python objects (JSON, JSON
#: Lines, YAML): a chunk ends at CHUNK_ROWS records or here, whichever comes first, so what the
#: objects cost (up to some 20 times their text) stays bounded whatever the file holds.
CHUNK_BYTES: Final = 4 * 1024 * 1024
#: What checking a file of N bytes may cost at most, in peak memory of the whole process
#: (Python, pandas, pyarrow and Polars loaded included): MEMORY_ALLOWANCE + MEMORY_PER_INPUT_BYTE
#: * N. The readers' limits below are chosen so that no input, however crafted, needs more;
#: the hostile-input tests (tests/hostile) measure it for every case.
MEMORY_ALLOWANCE: Final = 512 * 1024 * 1024
MEMORY_PER_INPUT_BYTE: Final = 16
#: Fields outside the schema named one by one in a chunk of parsed records; the rest are
#: counted in one problem and not read (each would be a column as long as the chunk).
MAX_EXTRA_FIELDS: Final = 64
#: How much of a file's start is read to check its encoding (and a CSV's header).
HEAD_BYTES: Final = 64 * 1024

#: Each claim column's kind, from the one definition in vocab.
KINDS: Final = {c.name: c.type for c in CLAIM_COLUMNS}
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
UTF8_HINT: Final = "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')"
LIST_HINT: Final = 'write a JSON array of strings, e.g. ["IRN","RUS"] (or [] for none)'

Emit = Callable[[Problem], None]


class ReadError(Exception):
    """The file cannot be read (any further); carries the ``readable`` problem saying why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(slots=True)
class Chunk:
    """Up to ``chunk_rows`` records of a file, ready for validation.

    ``bad`` marks, per column, the cells a reader has already reported (of the wrong type, not
    UTF-8) or found missing: validation does not report them again, nor any rule that reads
    them. ``missing`` marks, per column, the cells a reader found missing (null) and left for
    validation to report, as a cell or, when the whole row is empty, as the row. ``lists_checked``
    names the list columns whose cells are known to be lists of strings (Arrow typed them).
    ``last`` says whether this is the file's last chunk (None: not known), so that the empty rows
    at the end of a file are one problem.
    """

    frame: pd.DataFrame
    rows: np.ndarray
    bad: dict[str, np.ndarray] = field(default_factory=dict)
    lists_checked: frozenset[str] = frozenset()
    missing: dict[str, np.ndarray] = field(default_factory=dict)
    last: bool | None = None


def unreadable(
    path: Path | str, message: str, *, row: int | None = None, hint: str | None = None
) -> ReadError:
    """The error that stops reading ``path``, with its ``readable`` problem."""
    return ReadError(Problem("readable", message, str(path), row=row, hint=hint))


def not_regular(path: Path | str) -> str | None:
    """What ``path`` is when it exists but is not a regular file ("a FIFO", "a character
    device", ...): reading one may block forever (a FIFO) or never end (``/dev/zero``), so
    nothing is read from it. None for a regular file, or a path that is not there."""
    import os
    import stat

    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISDIR, "a directory"))  # fmt: skip
    for test, kind in kinds:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def arrow_source(path: Path | str) -> Any:
    """``path`` as pyarrow's readers take it: its name, or, where the name is not valid
    UTF-8 (bytes the file system allows, which Python holds as lone surrogates and pyarrow
    cannot encode), the open file."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return open(path, "rb")  # pyarrow reads it; it closes when the reader is done
    # absolute, so that pyarrow reads the file Python's open() reads (pyarrow would take a
    # leading ~ for the home folder)
    return os.path.abspath(name)


def check_encoding(path: Path, head: bytes) -> None:
    """Refuse UTF-16/32 text and binary data up front, with a message that says which."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            raise unreadable(path, f"the file is {name} text, not UTF-8", hint=UTF8_HINT)
    if b"\x00" in head:
        raise unreadable(
            path,
            "the file holds NUL bytes: it is binary, or UTF-16 text without a byte order mark",
            hint=UTF8_HINT,
        )


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the file."""
    with path.open("rb") as handle:
        return handle.read(size)


def decode_error(path: Path, exc: UnicodeDecodeError, offset: int, row: int | None) -> ReadError:
    """The error for bytes that are not UTF-8, located by byte offset (``offset`` is where the
    decoded data started in the file)."""
    byte = exc.object[exc.start : exc.start + 1].hex() if exc.object else "?"
    return unreadable(
        path,
        f"not UTF-8: byte 0x{byte} at byte offset {offset + exc.start} cannot be decoded "
        f"({exc.reason}); the file may be Latin-1 or Windows-1252",
        row=row,
        hint=UTF8_HINT,
    )


def repeated(names: list[str]) -> list[str]:
    """The names given more than once, in the order they first repeat (one pass)."""
    seen: set[str] = set()
    out: dict[str, None] = {}
    for name in names:
        if name in seen:
            out[name] = None
        seen.add(name)
    return list(out)


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object that refuses a key given twice (json keeps the last one silently)."""
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return mapping


class DuplicateKeyError(ValueError):
    """Raised by :func:`unique_keys` for a key given twice in one JSON object."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the field {key!r} is given twice in one object")
        self.key = key


def duplicate_key(path: Path, row: int, exc: DuplicateKeyError) -> Problem:
    """The ``no_extra_fields`` problem for a key given twice in record ``row``."""
    return Problem(
        "no_extra_fields",
        f"{exc}; only one value is allowed, and the last one was checked",
        str(path),
        row=row,
        column=exc.key,
        hint="delete one of the two",
    )
