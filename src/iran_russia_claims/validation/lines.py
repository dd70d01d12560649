"""Where a reported row is in its file: the line a CI annotation points at.

A report counts rows as its format does (see ``report.ROW_MEANING``); a pull request shows
lines. JSON Lines rows are lines already; for CSV (a quoted cell may hold line breaks), YAML and
JSON (a record spans many lines) the file is read once more, only when asked, to find the line
each reported record starts on. Parquet has no lines.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

#: Files larger than this are not read again for line numbers (the rows are still reported).
MAX_SCAN_BYTES = 64 * 1024 * 1024


def lines_of(path: str, fmt: str | None, rows: Iterable[int]) -> dict[int, int]:
    """For each of ``rows`` (as the report numbers them), the 1-based line of the file where
    that record starts; rows that cannot be placed are left out."""
    wanted = {r for r in rows if r is not None and r >= 1}
    if not wanted or fmt not in ("csv", "jsonl", "yaml", "json"):
        return {}
    if fmt == "jsonl":
        return {r: r for r in wanted}
    file = Path(path)
    try:
        if file.stat().st_size > MAX_SCAN_BYTES:
            return {}
        text = file.read_text(encoding="utf-8")
    except (OSError, ValueError):  # a name no file can have (a NUL, a lone surrogate), or not UTF-8
        return {}
    try:
        starts = {"csv": _csv_starts, "yaml": _yaml_starts, "json": _json_starts}[fmt](text)
    except Exception:  # a file a reader refused: no lines, the rows still say where
        return {}
    return {r: starts[r - 1] for r in wanted if r - 1 < len(starts)}


def _csv_starts(text: str) -> list[int]:
    """Line of each CSV row, the header being row 1."""
    reader = csv.reader(text.splitlines(keepends=True))
    starts = []
    line = 1
    for _ in reader:
        starts.append(line)
        line = reader.line_num + 1
    return starts


def _yaml_starts(text: str) -> list[int]:
    """Line of each record of the list (top level, or under the mapping's one list key)."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if isinstance(root, yaml.MappingNode):
        lists = [v for _, v in root.value if isinstance(v, yaml.SequenceNode)]
        root = lists[0] if len(lists) == 1 else None
    if not isinstance(root, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in root.value]


def _json_starts(text: str) -> list[int]:
    """Line of each element of the top-level array."""
    decoder = json.JSONDecoder()
    at = len(text) - len(text.lstrip())
    if not text.startswith("[", at):
        return []
    at += 1
    starts: list[int] = []
    line, counted = 1, 0
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            return starts
        line += text.count("\n", counted, at)
        counted = at
        starts.append(line)
        _, at = decoder.raw_decode(text, at)
