"""The JSON Schema of the JSON report (``validate --format json``), published in ``schemas/``.

Written from the same names the report uses (``report.REPORT_VERSION``, ``ROW_MEANING``, the
rule catalogue), so a consumer can check what it parses; a test validates real reports against
it.
"""

from __future__ import annotations

from typing import Any

from iran_russia_claims.spec.link_rules import LINK_TABLES
from iran_russia_claims.spec.problem import MAX_NAME_CHARS
from iran_russia_claims.spec.rules import RULES
from iran_russia_claims.validation.report import REPORT_VERSION, ROW_MEANING

_JSON_VALUE: dict[str, Any] = {
    "description": "The value at fault as JSON data (a long text is cut in the middle, a long "
    'list after its first items, ending in "...", and a value nested deeper than four levels '
    'is "...": see value_truncated; a number JSON cannot hold, such as NaN, and an object of '
    "another type are given as text); null when there is none.",
}
_NULLABLE_STRING = {"type": ["string", "null"]}


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON report."""
    problem = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "rule",
            "message",
            "file",
            "row",
            "record_id",
            "column",
            "value",
            "hint",
            "value_truncated",
            "value_length",
            "record_id_length",
            "column_length",
        ],
        "properties": {
            "rule": {"enum": sorted(RULES), "description": "The rule broken (see the README)."},
            "message": {"type": "string", "description": "What is wrong, and the fix."},
            "file": _NULLABLE_STRING,
            "row": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "Where in the input; see the report's row_means.",
            },
            "record_id": _NULLABLE_STRING,
            "column": _NULLABLE_STRING,
            "value": _JSON_VALUE,
            "hint": _NULLABLE_STRING,
            "value_truncated": {
                "type": "boolean",
                "description": "Whether value is a part of the value at fault (cut to keep the "
                "report small).",
            },
            "value_length": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "The length of the value at fault when value is a part of it: "
                "characters of a text (or of the text a number or object is shown as), items of "
                "a list or mapping; null when it was not cut, or its length is not known.",
            },
            "record_id_length": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "The length in characters of the record id when record_id keeps "
                "only its ends (a name of more than "
                f"{MAX_NAME_CHARS} characters); null otherwise.",
            },
            "column_length": {
                "type": ["integer", "null"],
                "minimum": 0,
                "description": "The length in characters of the column name when column keeps "
                f"only its ends (a name of more than {MAX_NAME_CHARS} characters); null otherwise.",
            },
        },
    }
    tally = {
        "type": "object",
        "additionalProperties": False,
        "required": ["article", "checked", "records"],
        "properties": {
            "article": _NULLABLE_STRING,
            "checked": {"type": "integer", "minimum": 0},
            "records": {"type": "integer", "minimum": 0},
        },
    }
    report = {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "target",
            "format",
            "row_means",
            "valid",
            "readable",
            "rows",
            "problem_count",
            "problems_by_rule",
            "problems_listed",
            "problems",
            "articles_given",
            "spans",
            "links",
        ],
        "properties": {
            "target": {"type": "string"},
            "format": {"enum": [*ROW_MEANING, None]},
            "row_means": {"enum": [*ROW_MEANING.values(), None]},
            "valid": {"type": "boolean"},
            "readable": {"type": "boolean"},
            "rows": {"type": "integer", "minimum": 0},
            "problem_count": {"type": "integer", "minimum": 0},
            "problems_by_rule": {
                "type": "object",
                "propertyNames": {"enum": sorted(RULES)},
                "additionalProperties": {"type": "integer", "minimum": 1},
            },
            "problems_listed": {"type": "integer", "minimum": 0},
            "problems": {"type": "array", "items": problem},
            "articles_given": {"type": "boolean"},
            "spans": {"type": "object", "additionalProperties": tally},
            "links": {
                "type": "object",
                "propertyNames": {"enum": list(LINK_TABLES)},
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["file", "records"],
                    "properties": {
                        "file": {"type": "string"},
                        "records": {"type": "integer", "minimum": 0},
                    },
                },
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": "Generated from iran_russia_claims.validation.report_schema by "
        "`iran-russia-claims export`; do not edit.",
        "title": "iran-russia-claims validation report",
        "description": "The output of `iran-russia-claims validate --format json`.",
        "type": "object",
        "additionalProperties": False,
        "required": ["report_version", "valid", "exit_code", "reports"],
        "properties": {
            "report_version": {"const": REPORT_VERSION},
            "valid": {"type": "boolean"},
            "exit_code": {"enum": [0, 1, 2]},
            "reports": {"type": "array", "items": report},
        },
    }
