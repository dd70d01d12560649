"""Validating a claims table and turning pandera's failure cases into located problems."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

from iran_russia_claims.report import Problem, Report, shorten
from iran_russia_claims.rules import RULES

if TYPE_CHECKING:
    import pandas as pd

    from iran_russia_claims.models import Registry

# pandera's names for its own structural checks, mapped to our rule names.
_PANDERA_RULES = {
    "column_in_dataframe": "required",
    "column_in_schema": "no_extra_fields",
    "not_nullable": "required",
    "dtype": "type",
    "coerce_dtype": "type",
}


def _rule_name(check: str) -> str:
    name = check.split("(")[0].strip("<>")
    if name.startswith("dtype"):
        return "type"
    return _PANDERA_RULES.get(name, name)


def validate_frame(
    frame: pd.DataFrame,
    registry: Registry | None = None,
    *,
    target: str = "<frame>",
    row_offset: int = 1,
) -> Report:
    """Validate a claims frame with the pandera schema, collecting every failure.

    A row is reported as its index label plus ``row_offset`` (with the default RangeIndex, the
    1-based record number; a CSV reader passes 2 so that the header is row 1). Raises nothing
    for bad data; the report holds it.
    """
    import pandera.errors as pa_errors

    from iran_russia_claims.schema import claims_schema

    report = Report(target=target, rows=len(frame))
    schema = claims_schema(registry)
    try:
        schema.validate(frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        report.extend(_problems(exc.failure_cases, frame, target, row_offset))
    except pa_errors.SchemaError as exc:  # pragma: no cover - lazy=True collects instead
        report.extend([Problem("type", str(exc), target)])
    return report


def _problems(cases: pd.DataFrame, frame: pd.DataFrame, target: str, row_offset: int) -> list[Problem]:
    ids = frame["id"] if "id" in frame.columns else None
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for case in cases.itertuples(index=False):
        rule = _rule_name(str(case.check))
        column = None if case.column is None or str(case.column) == "nan" else str(case.column)
        if column is None and rule in RULES:
            column = RULES[rule].column
        row = record = None
        label = case.index
        if isinstance(label, numbers.Integral) and label in frame.index:
            row = int(label) + row_offset
            if ids is not None:
                value_id = ids.loc[label]
                record = value_id if isinstance(value_id, str) else None
        failure = case.failure_case
        if case.schema_context == "DataFrameSchema" and rule in ("required", "no_extra_fields"):
            column = str(failure)
            message = "column is missing" if rule == "required" else "column is not in the schema"
            value = None
        elif case.schema_context == "DataFrameSchema":
            # A table check reports every cell of a failing row: report the row once, on the
            # column the rule is about.
            column = RULES[rule].column if rule in RULES else None
            message = RULES[rule].description if rule in RULES else str(case.check)
            value = None
            if row is not None and column in frame.columns:
                value = shorten(frame.at[label, column])
        else:
            message = RULES[rule].description if rule in RULES else str(case.check)
            value = None if failure is None else shorten(failure)
        key = (rule, row, column)
        if key in seen:
            continue
        seen.add(key)
        problems.append(
            Problem(rule, message, target, row=row, record_id=record, column=column, value=value)
        )
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column or "", p.rule))
    return problems
