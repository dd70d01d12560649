"""Reports for machines: GitHub workflow commands, JUnit XML and a Markdown summary.

The text report is ``ValidationReport.render`` and the JSON report ``report.render_json``;
these are the forms CI systems read (as ruff gives them): ``--format github`` turns each
problem into an annotation on the file's line, ``--format junit`` gives one test case per file
and rule, and ``--summary FILE`` appends a Markdown table (a GitHub job summary).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from iran_russia_claims.spec.problem import Problem, shorten
from iran_russia_claims.spec.rules import RULES
from iran_russia_claims.validation.lines import lines_of
from iran_russia_claims.validation.report import ValidationReport

TOOL = "iran-russia-claims"
#: Characters XML 1.0 cannot hold at all, even escaped: shown as their code instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _data(text: str) -> str:
    """A workflow command's message: %, CR and LF escaped (GitHub's rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property: also : and , escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _detail(problem: Problem) -> str:
    where = [f"record {problem.record_id}"] if problem.record_id is not None else []
    where += [f"column {problem.column}"] if problem.column is not None else []
    parts = [f"{problem.message} ({', '.join(where)})" if where else problem.message]
    if problem.value is not None:
        parts.append(f"value: {shorten(problem.value)}")
    if problem.hint:
        parts.append(f"hint: {problem.hint}")
    return "; ".join(parts)


def render_github(reports: Sequence[ValidationReport]) -> str:
    """One ``::error`` workflow command per listed problem, on the file's line where known,
    and a closing line per input (a run over valid files prints only those)."""
    out = []
    for report in reports:
        lines = lines_of(report.target, report.format, (p.row for p in report if p.row))
        for problem in report:
            props = [f"file={_property(problem.file or report.target)}"]
            line = lines.get(problem.row) if problem.row is not None else None
            if line is not None:
                props.append(f"line={line}")
            props.append(f"title={_property(f'{TOOL}: {problem.rule}')}")
            out.append(f"::error {','.join(props)}::{_data(_detail(problem))}")
        if report.omitted:
            out.append(
                f"::error file={_property(report.target)},title={TOOL}::"
                f"{report.omitted} more problem(s) not listed (raise --max-problems)"
            )
        state = "valid" if report.valid else f"{report.total} problem(s)"
        out.append(f"{report.target}: {state} in {report.rows} records")
    return "\n".join(out)


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _rules_of(report: ValidationReport) -> list[str]:
    """The rules a test case is written for: every rule ``validate`` checks, and any other
    that the report broke (the span rules, given an article)."""
    checked = [r.name for r in RULES.values() if r.scope in ("read", "row", "element", "table")]
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
        suite = ET.SubElement(root, "testsuite", name=_xml_text(report.target))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        for rule in _rules_of(report):
            case = ET.SubElement(suite, "testcase", classname=_xml_text(report.target), name=rule)
            counts["tests"] += 1
            broken = report.counts.get(rule, 0)
            if not broken:
                continue
            kind = "error" if rule == "readable" else "failure"
            counts["errors" if kind == "error" else "failures"] += 1
            listed = [p for p in report if p.rule == rule]
            body = "\n".join(_xml_text(str(p)) for p in listed)
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
    return text.replace("|", "\\|").replace("\n", " ")


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
        lines.append(f"| `{_cell(report.target)}` | {report.rows} | {_cell(result)} |")
    problems = [p for r in reports for p in r][:limit]
    if problems:
        lines += ["", "| where | rule | problem |", "|---|---|---|"]
        lines += [f"| {_cell(p.where())} | `{p.rule}` | {_cell(_detail(p))} |" for p in problems]
    return "\n".join(lines) + "\n"
