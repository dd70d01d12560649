"""What each dataframe library needs beyond the shared rules: pandera schemas for pandas,
Polars and PySpark, generated from :mod:`iran_russia_claims.spec.rules` (every check evaluates
the rule's one expression), for use in one's own pipelines. The package's own validator does
not go through pandera. Each pandera module imports its library and pandera when imported;
``spark_validate`` (``validate --engine spark``) imports PySpark only when it runs.
"""

from __future__ import annotations

from typing import Any, Final

#: pandera's names for its own structural checks, as the package's rule names.
STRUCTURAL: Final = {
    "not_nullable": "required",
    "column_in_dataframe": "required",
    "column_in_schema": "no_extra_fields",
    "dtype": "type",
    "coerce_dtype": "type",
}


def rule_name(check: str) -> str:
    """The rule a pandera failure case names (``check`` as pandera writes it)."""
    name = check.split("(")[0].strip("<>")
    return STRUCTURAL.get(name, "type" if name.startswith("dtype") else name)


def failed_rules(error: Any) -> set[str]:
    """The rules of a ``pandera.errors.SchemaErrors`` (pandas or Polars backend)."""
    cases = error.failure_cases
    checks = (
        cases["check"].to_list() if hasattr(cases["check"], "to_list") else list(cases["check"])
    )
    return {rule_name(str(c)) for c in checks}
