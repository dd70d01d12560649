"""Step 1 of validating a chunk: each column in its schema type, each bad cell reported once.

A missing or extra column is one problem; a cell that is missing or has the wrong type is one
located problem, and the cell is then made neutral (null, NaN or a distinct negative number)
and marked, so that the rules that read it are not reported on it too: one bad cell, one
problem. A row whose every cell is missing (a spreadsheet's empty row) is one problem for the
row, not one per cell; the empty rows at the end of a file are one problem together, however
many chunks they span. The conversion of each column is :mod:`.convert`'s: in C for valid
columns, per value only on a column holding a wrong value, to locate it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.readers.common import KINDS
from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, DERIVED_COLUMNS
from iran_russia_claims.validation.convert import CONVERTERS, fill
from iran_russia_claims.validation.convert import empty as empty_column
from iran_russia_claims.validation.report import Sink

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from iran_russia_claims.readers import Chunk


_NOT: Final = {
    "string": "not text",
    "integer": "not a whole number",
    "number": "not a number",
    "list": "not a list of strings",
}


_UNICODE_HINT: Final = (
    "write the character whole (often an emoji cut in two by a program that counts UTF-16 "
    "units) or delete it"
)
_HINTS: Final = {
    "string": "write the value as text",
    "integer": "write a whole number, e.g. 120",
    "number": "write a number such as 0.7",
    "list": 'write a list of strings, e.g. ["IRN", "RUS"] (or [] for none)',
}


class Ids:
    """Each record's id, where it is text: looked up only for the problems that are listed."""

    def __init__(self, frame: pd.DataFrame, bad: np.ndarray | None = None) -> None:
        self.column = frame["id"] if "id" in frame.columns else None
        self.values: np.ndarray | None = None
        self.bad = bad

    def __call__(self, i: int) -> str | None:
        import numpy as np

        if self.column is None or (self.bad is not None and self.bad[i]):
            return None
        if self.values is None:
            self.values = np.asarray(self.column.to_numpy(dtype=object), dtype=object)
        value = self.values[i]
        return value if isinstance(value, str) else None


def normalise(chunk: Chunk, sink: Sink) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The chunk's claim columns in their schema types, and the cells already reported."""
    import numpy as np
    import pandas as pd

    frame, rows = chunk.frame, chunk.rows
    n = len(frame)
    raw_ids = Ids(frame, chunk.bad.get("id"))  # no id where the reader found none
    out: dict[str, Any] = {}
    bad: dict[str, np.ndarray] = {}
    names = {str(c) for c in frame.columns}
    empty = empty_rows(chunk)
    _report_empty_rows(chunk, empty, sink)
    only_empty_rows = bool(n) and bool(empty.all())  # no column can be judged missing
    for name in sorted(names - set(KINDS)):
        close = difflib.get_close_matches(name, CLAIM_COLUMN_NAMES, n=1)
        sink.emit(
            Problem(
                "no_extra_fields",
                "the column is not part of the claims schema",
                column=name,
                hint=f"did you mean {close[0]!r}?" if close else "remove the column",
            )
        )
    for name, kind in KINDS.items():
        skip = chunk.bad.get(name, np.zeros(n, dtype=bool)) | empty
        if name not in names:
            if only_empty_rows:
                out[name], bad[name] = empty_column(kind, n), np.ones(n, dtype=bool)
                continue
            sink.emit(
                Problem(
                    "required",
                    "the column is missing",
                    column=name,
                    hint="`iran-russia-claims fill` computes it in a collection's claims.yaml"
                    if name in DERIVED_COLUMNS
                    else f"add it: a claims table has the {len(CLAIM_COLUMN_NAMES)} columns "
                    "of the data dictionary",
                )
            )
            out[name], bad[name] = empty_column(kind, n), np.ones(n, dtype=bool)
            continue
        if name in chunk.missing:  # cells the reader found missing, outside empty rows
            unreported = np.flatnonzero(chunk.missing[name] & ~empty)
            sink.cells("required", name, unreported, rows, raw_ids, "the value is missing")
        series = frame[name]
        if n and skip.all():  # the reader reported the whole column already
            out[name], bad[name] = empty_column(kind, n), skip
            continue
        typed = CONVERTERS[kind](series, name in chunk.lists_checked)
        if typed.column_problem is not None:
            sink.emit(Problem("type", typed.column_problem, column=name, hint=_HINTS[kind]))
            out[name], bad[name] = empty_column(kind, n), np.ones(n, dtype=bool)
            continue
        mask = skip.copy()
        if typed.missing is not None:
            missing = typed.missing & ~skip
            sink.cells(
                "required", name, np.flatnonzero(missing), rows, raw_ids, "the value is missing"
            )
            mask |= missing
        if typed.wrong is not None:
            wrong = typed.wrong & ~skip
            values = series.to_numpy(dtype=object)
            sink.cells(
                "type",
                name,
                np.flatnonzero(wrong),
                rows,
                raw_ids,
                _type_message(values, kind),
                values.__getitem__,
                _HINTS[kind],
            )
            mask |= wrong
        if typed.not_unicode is not None:
            faulty = typed.not_unicode & ~mask
            sink.cells(
                "readable",
                name,
                np.flatnonzero(faulty),
                rows,
                raw_ids,
                "the text is not valid Unicode: it holds a lone surrogate (half of a UTF-16 "
                "pair, such as a JSON \\ud800 escape without its partner)",
                hint=_UNICODE_HINT,
            )
            mask |= faulty
        out[name] = fill(kind, typed.values, mask)
        bad[name] = mask
    return pd.DataFrame(out, index=pd.RangeIndex(n)), bad


def empty_rows(chunk: Chunk) -> np.ndarray:
    """The rows whose every cell is missing (null, NaN, or marked missing by the reader).

    Column by column over the rows still in question, so valid data costs one ``isna`` of one
    column."""
    import numpy as np

    frame = chunk.frame
    empty = np.ones(len(frame), dtype=bool)
    for position, name in enumerate(frame.columns):
        open_rows = np.flatnonzero(empty)
        if not len(open_rows):
            break
        column = frame.iloc[:, position]
        if len(open_rows) < len(frame):
            column = column.iloc[open_rows]
        blank = np.array(column.isna().to_numpy(), dtype=bool)
        if str(name) in chunk.missing:
            blank |= chunk.missing[str(name)][open_rows]
        empty[open_rows[~blank]] = False
    return empty


def _report_empty_rows(chunk: Chunk, empty: np.ndarray, sink: Sink) -> None:
    """One problem per empty row; one for all the empty rows at the end of the file.

    A run of empty rows reaching the end of a chunk that is not the file's last is held until
    the next chunk; where it is not known whether a chunk is the last (a DataFrame), each
    empty row is one problem.
    """
    import numpy as np

    rows, n = chunk.rows, len(empty)
    positions = np.flatnonzero(empty)
    breaks = np.flatnonzero(np.diff(positions) != 1) + 1
    runs = [rows[p] for p in np.split(positions, breaks)] if len(positions) else []
    at_end = bool(len(positions)) and positions[-1] == n - 1
    held, sink.held_empty_rows = sink.held_empty_rows, None
    if held is not None:
        if len(positions) and positions[0] == 0:
            runs[0] = np.concatenate([held, runs[0]])
        else:
            runs.insert(0, held)
            at_end = at_end or n == 0
    if at_end:
        last = runs.pop()
        if chunk.last is False:
            sink.held_empty_rows = last
        elif chunk.last:
            sink.emit(Problem("row_not_empty", _trailing(last), row=int(last[0])))
        else:
            runs.append(last)
    if runs:
        each = np.concatenate(runs)
        sink.cells(
            "row_not_empty",
            None,
            np.arange(len(each)),
            each,
            lambda i: None,
            lambda i: f"row {each[i]} is empty: delete it",
        )


def _trailing(rows: np.ndarray) -> str:
    if len(rows) == 1:
        return f"row {rows[0]} is empty (at the end of the file): delete it"
    return f"rows {_spans(rows)} are empty (at the end of the file): delete them"


def _spans(rows: np.ndarray) -> str:
    """Row numbers as ranges: "113-114", or "5, 7-9" where rows between are not empty."""
    import numpy as np

    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    parts = np.split(rows, breaks)
    return ", ".join(f"{p[0]}-{p[-1]}" if len(p) > 1 else f"{p[0]}" for p in parts)


def _type_message(values: np.ndarray, kind: str) -> Callable[[int], str]:
    return lambda i: f"{_NOT[kind]}: the value is {_what(values[i])}"


def _what(value: Any) -> str:
    import numpy as np

    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float | np.number):
        return "a number"
    if isinstance(value, list | tuple | np.ndarray):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"
