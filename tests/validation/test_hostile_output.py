"""Hostile text in a report cannot act on a terminal or a CI log, nor break any output format.

A report whose file names, record ids, columns, values, messages and hints hold terminal
escape sequences, carriage returns, backspaces, bidirectional overrides, line separators, lone
surrogates, workflow commands, XML and Markdown syntax is rendered in every format (text, JSON,
GitHub workflow commands, JUnit XML, the Markdown summary), then from the command line on a
claims file holding such ids and values: no raw control, bidi or surrogate character comes
out, the output is strict UTF-8, JSON parses (to the same data), XML parses, the Markdown table
keeps its cells, no line can start a workflow command but ours, and the escapes are visible.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from iran_russia_claims.publish.synth import write_registry
from iran_russia_claims.spec.neutral import json_text
from iran_russia_claims.spec.patterns import HIDDEN_RANGES
from iran_russia_claims.spec.problem import MAX_NAME_CHARS, Problem
from iran_russia_claims.validation import formats
from iran_russia_claims.validation.report import (
    SpanTally,
    ValidationReport,
    render_json,
)
from iran_russia_claims.validation.report_schema import report_schema
from records import registry, valid_record

REPO = Path(__file__).resolve().parents[2]
#: Each a way to act on a terminal, a CI log, XML or Markdown.
HOSTILE = [
    "\x1b[2K\rvalid",  # erase the line, back to its start, write "valid"
    "\x9b2K",  # the one-byte CSI
    "\x1b]0;title\x07",  # set the terminal's title
    "over\rwrite",
    "back\b\b\bspace",
    "\u202eevil\u202c",  # right-to-left override
    "\u2066iso\u2069\u200e\u200f",
    "line\u2028sep\u2029",
    "lone \ud800 surrogate",
    "zero\u200bwidth\ufeff\U000e0041",
    "\n::error file=x.csv::injected",
    "::warning::at the start",
    "##[error]old syntax ##vso[task.setvariable variable=x]y",
    "</failure>]]><x/>",
    "a|b `c` <script>alert(1)</script> *d* _e_ [f](g) $h$ &amp;",
    "nul\x00 del\x7f vt\x0b",
    "ایران\u200cی",  # letters and a joiner, which stay (and an ASCII terminal gets as escapes)
]
NASTY = " ".join(HOSTILE)
HIDDEN = {chr(c) for a, b in HIDDEN_RANGES for c in range(a, b + 1)}
#: Where escapes must show: the code of an ESC, a CSI, an override and a lone surrogate.
VISIBLE = ("\\x1b[2K\\rvalid", "\\x9b2K", "\\u202eevil", "\\ud800")
VISIBLE_IN_JSON = ("\\u001b[2K\\rvalid", "\\u009b2K", "\\u202eevil", "\\ud800")
#: Our own workflow commands: one per listed problem and per report with problems not listed.
OURS = re.compile(
    r"::error file=[^:,\n]*(?:,line=\d+)?,title=iran-russia-claims(?:%3A [a-z0-9_]+)?::"
)


def raw_unsafe(text: str) -> list[str]:
    """The characters of ``text`` no output may hold raw (a line break is the layout's)."""
    return [
        c
        for c in text
        if c != "\n"
        and (unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in HIDDEN or c in "\ufffe")
    ]


def hostile_reports() -> list[ValidationReport]:
    first = ValidationReport(
        target=f"::error::{NASTY}.csv", rows=3, format="csv", articles_given=True
    )
    first.spans[NASTY] = SpanTally(article=f"\n::error::{NASTY}", checked=1, total=2)
    first.add(Problem("theme_vocabulary", NASTY, first.target, row=2, record_id=NASTY,
                      column=NASTY, value=NASTY, hint=NASTY))  # fmt: skip
    first.add(Problem("no_extra_fields", f"column {NASTY!r}", first.target, column=NASTY))
    first.add(Problem("hedges_words", NASTY, f"\n::error::{NASTY}", row=3, record_id="IRR-0003",
                      column="hedges", value=[NASTY, NASTY * 30, {NASTY: NASTY}]))  # fmt: skip
    first.add(Problem("type", NASTY, None, hint=f"::{NASTY}"))
    valid = ValidationReport(target=f"  ::error::{NASTY}", rows=4, format=None)
    return [first, valid]


def check_output(text: str, commands: int = 0) -> None:
    """What every format must hold to, ``commands`` being how many workflow commands it
    writes."""
    assert raw_unsafe(text) == []
    text.encode("utf-8")  # strictly: no lone surrogate
    starts = [line for line in text.splitlines() if line.lstrip().startswith("::")]
    assert len(starts) == commands
    assert all(OURS.match(line) for line in starts), starts
    assert not re.search(r"##[A-Za-z]*\[", text)


RENDERERS: dict[str, Callable[[list[ValidationReport]], str]] = {
    "text": lambda reports: "\n".join(r.render() for r in reports),
    "json": lambda reports: json_text(render_json(reports)),
    "github": formats.render_github,
    "junit": formats.render_junit,
    "markdown": formats.render_markdown,
}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_hostile_text_is_shown_escaped_in_every_format(fmt: str) -> None:
    reports = hostile_reports()
    out = RENDERERS[fmt](reports)
    check_output(out, commands=len(reports[0].problems) if fmt == "github" else 0)
    for shown in VISIBLE_IN_JSON if fmt == "json" else VISIBLE:
        assert shown in out, (fmt, shown)


def test_text_keeps_its_verdict_on_its_own_line() -> None:
    lines = hostile_reports()[0].render().splitlines()
    assert lines[0].startswith("\\x3a:error::\\x1b[2K\\rvalid")
    assert ": INVALID, 4 problem(s) in 3 records read" in lines[0]
    assert len(lines) == 1 + 1 + 4 + 1  # verdict, spans, problems, count by rule


def test_json_parses_to_the_very_data_and_validates() -> None:
    import jsonschema

    reports = hostile_reports()
    data = json.loads(json_text(render_json(reports)))
    assert data == render_json(reports)
    first = data["reports"][0]["problems"][0]
    assert len(NASTY) > MAX_NAME_CHARS  # so the report keeps its ends, and its length
    keep = (MAX_NAME_CHARS - 5) // 2
    assert first["record_id"] == f"{NASTY[:keep]} ... {NASTY[-keep:]}"
    assert first["record_id_length"] == len(NASTY)
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    hedges = data["reports"][0]["problems"][2]
    assert (hedges["value_truncated"], hedges["value_length"]) == (True, 3)


def test_junit_parses_and_keeps_its_cases() -> None:
    root = ET.fromstring(formats.render_junit(hostile_reports()).encode("utf-8"))
    suites = root.findall("testsuite")
    assert [s.get("name", "")[:12] for s in suites] == ["::error::\\x1", "  ::error::\\"]
    failed = [c for c in suites[0].iter("testcase") if c.find("failure") is not None]
    assert {c.get("name") for c in failed} == {"theme_vocabulary", "no_extra_fields",
                                                "hedges_words", "type"}  # fmt: skip


def _cells(line: str) -> list[str]:
    """A Markdown table row's cells: split on the pipes that are not escaped."""
    return re.split(r"(?<!\\)\|", line)[1:-1]


def test_markdown_cells_hold_their_text_and_nothing_else() -> None:
    out = formats.render_markdown(hostile_reports())
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert all(len(_cells(row)) == 3 for row in rows)
    problems = rows[rows.index("|---|---|---|") + 1 :]
    assert len(problems) == 4
    for row in problems:  # no markup: HTML as entities, the rest escaped
        where, rule, detail = _cells(row)
        assert re.fullmatch(r" `[a-z_]+` ", rule)
        assert not re.search(r"(?<!\\)[`*_\[\]$<>]", where + detail), row
        assert "&lt;script&gt;" in detail
    target = _cells(rows[2])[0].strip()  # a code span whose fence no run inside closes
    fence = re.match("`+", target)
    assert fence is not None
    assert target.endswith(fence.group())
    inside = target[len(fence.group()) : -len(fence.group())]
    assert all(len(run) != len(fence.group()) for run in re.findall("`+", inside))


def test_github_commands_escape_the_file_name_and_end_each_on_its_line() -> None:
    out = formats.render_github(hostile_reports())
    commands = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(commands) == 4
    assert all(OURS.match(c) for c in commands)
    closing = out.splitlines()[-1]
    assert closing.startswith("  \\x3a:error::")
    assert closing.endswith(": valid in 4 records")


# -- from the command line ------------------------------------------------------------------------
def _hostile_claims(folder: Path) -> Path:
    """A JSON claims file whose name starts a workflow command and holds a line break (and, where
    the file system allows, a byte that is not UTF-8), whose ids, values and a column hold
    escape sequences, overrides and markup."""
    rows = [valid_record(n, start=10 * n) for n in range(1, 4)]
    rows[0]["id"] = "\x1b[2K\rvalid ::error::id"
    rows[1]["theme"] = NASTY.replace("\ud800", "")  # a lone surrogate is refused on reading
    rows[2]["assertion"] = "Iran\u202e and Russia\u200b cooperate on energy."
    rows[2]["extra\x1b]0;title\x07"] = "##[error]x"
    text = json.dumps(rows, ensure_ascii=True)
    for name in (b"::error::a\n::warning::b\xff.json", b"::error::a\n::warning::b.json"):
        path = Path(os.fsdecode(os.fsencode(folder) + b"/" + name))
        try:
            path.write_text(text, encoding="utf-8")
        except (OSError, UnicodeEncodeError):  # pragma: no cover - a file system of UTF-8 names
            continue
        return path
    pytest.skip("the file system refuses a line break in a file name")  # pragma: no cover


@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit"])
def test_validate_prints_hostile_files_safely_in_every_format(tmp_path: Path, fmt: str) -> None:
    path = _hostile_claims(tmp_path)
    write_registry(tmp_path / "registry", registry())
    summary = tmp_path / "summary.md"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "iran_russia_claims", "validate", os.fsencode(path.name),
         "--format", fmt, "--collection", tmp_path / "registry", "--summary", summary],
        capture_output=True, env=env, check=False, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode("ascii")  # even an ASCII terminal gets every character
    check_output(out, commands=4 if fmt == "github" else 0)
    check_output(summary.read_text(encoding="utf-8"))
    assert ("\\u001b[2K\\rvalid" if fmt == "json" else "\\x1b[2K\\rvalid") in out
    assert "\\u202e" in out
    if fmt == "json":
        data = json.loads(out)
        assert data["reports"][0]["target"] == path.name
        assert data["reports"][0]["problems"][1]["record_id"] == "\x1b[2K\rvalid ::error::id"
    if fmt == "junit":
        ET.fromstring(done.stdout)
    if fmt == "text":
        assert out.splitlines()[0].startswith("\\x3a:error::a\\n::warning::b")
        assert ": INVALID, " in out.splitlines()[0]


def test_an_error_naming_a_hostile_path_is_shown_safely(tmp_path: Path) -> None:
    """The one error path prints the file name of an error: a summary file that cannot be
    written."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    claims = tmp_path / "claims.json"
    claims.write_text(json.dumps([valid_record()]), encoding="utf-8")
    summary = os.fsencode(tmp_path) + b"/missing/\n::error::s\xff\x1b[2K.md"
    done = subprocess.run(
        [sys.executable, "-m", "iran_russia_claims", "validate", claims, "--summary", summary],
        capture_output=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    check_output(err)
    assert "\\n::error::s\\udcff\\x1b[2K.md: No such file or directory" in err
