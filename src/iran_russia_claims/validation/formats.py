"""Reports for machines: GitHub workflow commands, JUnit XML and a Markdown summary.

The text report is ``ValidationReport.render`` and the JSON report ``report.render_json``;
these are the forms CI systems read (as ruff gives them): ``--format github`` turns each
problem into an annotation on the file's line, ``--format junit`` gives one test case per file
and rule, and ``--summary FILE`` appends a Markdown table (a GitHub job summary).

Every name and value from the data (file names too: they come from the command line) is shown
through :func:`~iran_russia_claims.spec.neutral.neutral`, so none can act on a terminal or a CI
log, break the XML, or break out of a Markdown table cell.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from iran_russia_claims.spec.neutral import neutral, no_command
from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.rules import RULES
from iran_russia_claims.validation.lines import lines_of
from iran_russia_claims.validation.report import ValidationReport

TOOL = "iran-russia-claims"
#: What Markdown reads as markup inside a table cell, escaped with a backslash (``<``, ``>``
#: and ``&`` become entities instead).
_MARKUP = re.compile(r"([\\`*_\[\]|~$])")


def _data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped (GitHub's rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property: also : and , escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _file(name: str) -> str:
    """A file name as a workflow command's property: line breaks in GitHub's own escapes (so
    the annotation still names the file), every other unsafe character shown as its code."""
    parts = re.split(r"(\r\n|\r|\n)", name)
    return _property("".join(p if i % 2 else neutral(p) for i, p in enumerate(parts)))


def _detail(problem: Problem) -> str:
    """The problem but its file and row, as text safe to show."""
    where = [f"record {neutral(problem.record_id)}"] if problem.record_id is not None else []
    where += [f"column {neutral(problem.column)}"] if problem.column is not None else []
    message = neutral(problem.message)
    parts = [f"{message} ({', '.join(where)})" if where else message]
    if problem.value is not None:
        parts.append(f"value: {problem.shown_value()}")
    if problem.hint:
        parts.append(f"hint: {neutral(problem.hint)}")
    return "; ".join(parts)


def render_github(reports: Sequence[ValidationReport]) -> str:
    """One ``::error`` workflow command per listed problem, on the file's line where known,
    and a closing line per input (a run over valid files prints only those)."""
    out = []
    for report in reports:
        lines = _lines(report)
        for problem in report:
            file = problem.file or report.target
            props = [f"file={_file(file)}"]
            line = lines.get((file, problem.row)) if problem.row is not None else None
            if line is not None:
                props.append(f"line={line}")
            props.append(f"title={_property(f'{TOOL}: {problem.rule}')}")
            out.append(f"::error {','.join(props)}::{_data(_detail(problem))}")
        if report.omitted:
            out.append(
                f"::error file={_file(report.target)},title={TOOL}::"
                f"{report.omitted} more problem(s) not listed (raise --max-problems)"
            )
        state = "valid" if report.valid else f"{report.total} problem(s)"
        out.append(no_command(f"{neutral(report.target)}: {state} in {report.rows} records"))
    return "\n".join(out)


def _lines(report: ValidationReport) -> dict[tuple[str, int], int]:
    """The line each listed problem's record starts on, by file and row: the claims file in
    its format, a link table's file in the format its extension names."""
    from iran_russia_claims.readers.links import LINK_FORMATS

    rows: dict[str, set[int]] = {}
    for p in report:
        if p.row:
            rows.setdefault(p.file or report.target, set()).add(p.row)
    out: dict[tuple[str, int], int] = {}
    for file, wanted in rows.items():
        fmt = report.format if file == report.target else LINK_FORMATS.get(Path(file).suffix)
        out |= {(file, row): line for row, line in lines_of(file, fmt, wanted).items()}
    return out


def _rules_of(report: ValidationReport) -> list[str]:
    """The rules a test case is written for: every rule ``validate`` checks (the claims', and
    those of the link tables it was given), and any other that the report broke (the span
    rules, given an article)."""
    tables = {"claims", *report.links}
    checked = [
        r.name
        for r in RULES.values()
        if r.scope in ("read", "row", "element", "table", "graph") and tables & set(r.tables)
    ]
    if report.articles_given:
        checked += ["span_hash_matches", "source_registered", "source_hash_matches"]
    return list(dict.fromkeys([*checked, *sorted(report.counts)]))


def render_junit(reports: Sequence[ValidationReport]) -> str:
    """JUnit XML: a test suite per input, a test case per rule; a broken rule is a failure
    (an unreadable input an error) whose text lists its problems."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name=f"{TOOL} validate")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for report in reports:
        target = neutral(report.target)  # XML cannot hold every character, even escaped
        suite = ET.SubElement(root, "testsuite", name=target)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for rule in _rules_of(report):
            case = ET.SubElement(suite, "testcase", classname=target, name=rule)
            counts["tests"] += 1
            broken = report.counts.get(rule, 0)
            if not broken:
                continue
            kind = "error" if rule == "readable" else "failure"
            counts["errors" if kind == "error" else "failures"] += 1
            listed = [p for p in report if p.rule == rule]
            body = "\n".join(str(p) for p in listed)  # each shown through neutral
            if broken > len(listed):
                body += f"\n... and {broken - len(listed)} more not listed"
            element = ET.SubElement(
                case, kind, message=f"{broken} problem(s): {RULES[rule].description}", type=rule
            )
            element.text = body
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _cell(text: str) -> str:
    """Text for a Markdown table cell, shown as it is: no markup, link, HTML or line break."""
    return _MARKUP.sub(r"\\\1", html.escape(neutral(text), quote=False))


def _code(text: str) -> str:
    """Text as a code span in a Markdown table cell: fenced by more backticks than it holds in
    a row, its pipes escaped (which the table reads before the span)."""
    text = neutral(text).replace("|", "\\|")
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] == "`" or text[-1:] == "`" or not text.strip(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(reports: Sequence[ValidationReport], limit: int = 20) -> str:
    """A Markdown summary (GitHub's job summary): a line per input, then the first problems."""
    valid = sum(r.valid for r in reports)
    lines = [f"### {TOOL} validate: {valid} of {len(reports)} input(s) valid", ""]
    lines += ["| input | records | result |", "|---|---:|---|"]
    for report in reports:
        if report.valid:
            result = "valid"
        else:
            by_rule = ", ".join(f"`{rule}` {n}" for rule, n in report.counts.most_common())
            result = f"{report.total} problem(s): {by_rule}"
        lines.append(f"| {_code(report.target)} | {report.rows} | {result} |")
    problems = [p for r in reports for p in r][:limit]
    if problems:
        lines += ["", "| where | rule | problem |", "|---|---|---|"]
        lines += [f"| {_cell(p.where())} | `{p.rule}` | {_cell(_detail(p))} |" for p in problems]
    return "\n".join(lines) + "\n"
