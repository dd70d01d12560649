"""Claims files in every format the validator reads, written from records as users would.

CSV is written row by row with the :mod:`csv` module, as a user's script would write it (lists
as compact JSON arrays, floats as reprs): :func:`render_csv` is also the reference that the
column-wise writer (``publish.writer``) is compared with, byte for byte. Row numbers differ by
format: a CSV's header is row 1, every other format counts records from 1 (JSON Lines: one
record per line).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES

FORMATS = ("csv", "json", "jsonl", "parquet", "yaml")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, float):
        return repr(value)  # the shortest text that parses back to the same float
    return str(value)


def render_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """RFC 4180 CSV with LF line ends, UTF-8 without BOM; lists as compact JSON arrays."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue().encode("utf-8")


def columns_of(records: Sequence[dict[str, Any]]) -> list[str]:
    """The claim columns first, then any extra field, in order of appearance."""
    extra = [k for r in records for k in r if k not in CLAIM_COLUMN_NAMES]
    return [*CLAIM_COLUMN_NAMES, *dict.fromkeys(extra)]


def write_claims(records: Sequence[dict[str, Any]], path: Path, fmt: str | None = None) -> Path:
    """Write ``records`` to ``path`` in ``fmt`` (default: the extension)."""
    fmt = fmt or path.suffix.lstrip(".")
    if fmt == "csv":
        columns = [c for c in columns_of(records) if any(c in r for r in records)]
        path.write_bytes(render_csv(records, columns))
    elif fmt == "json":
        path.write_text(json.dumps(list(records), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(list(records)), path)
    elif fmt == "yaml":
        path.write_text(yaml.safe_dump({"claims": list(records)}, allow_unicode=True))
    else:  # pragma: no cover - a typo in a test
        raise ValueError(fmt)
    return path


def row_of(fmt: str, index: int) -> int:
    """The row number the validator reports for the record at 0-based ``index``."""
    return index + 2 if fmt == "csv" else index + 1


def is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
