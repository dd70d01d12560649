"""A problem found in data: where, which rule, what value, and what to do.

A problem always names where (file, row, record id, column), which rule broke, what the value
was and, where one helps, what to do. Nothing here raises: callers decide the exit code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from iran_russia_claims.spec.rules import RULES

_MAX_VALUE_CHARS = 80
#: How much of a long text or list a problem keeps (the JSON report gives the value itself).
_MAX_KEPT_CHARS = 200
_MAX_KEPT_ITEMS = 50


def shorten(value: Any, limit: int = _MAX_VALUE_CHARS) -> str:
    """``repr`` of a value, cut in the middle when long, so reports stay readable."""
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        value = value.tolist()  # np.int64(5) reads as 5, an array of codes as a list
    text = repr(value)
    if len(text) <= limit:
        return text
    keep = (limit - 5) // 2
    return f"{text[:keep]} ... {text[-keep:]}"


def json_value(value: Any) -> Any:
    """``value`` as plain JSON data (str, number, bool, None, lists and mappings of them), so
    a report gives ``"very_likely"``, not ``"'very_likely'"``. NumPy values become Python ones;
    a number JSON cannot hold (NaN, infinities) becomes its text; a long text or list is cut in
    the middle, so a report stays small however large a cell is."""
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        value = value.tolist()
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return (
            value if value == value and value not in (float("inf"), float("-inf")) else str(value)
        )
    if isinstance(value, str):
        if len(value) <= _MAX_KEPT_CHARS:
            return value
        keep = (_MAX_KEPT_CHARS - 5) // 2
        return f"{value[:keep]} ... {value[-keep:]}"
    if isinstance(value, list | tuple):
        items = [json_value(v) for v in value[:_MAX_KEPT_ITEMS]]
        return items + (["..."] if len(value) > _MAX_KEPT_ITEMS else [])
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in list(value.items())[:_MAX_KEPT_ITEMS]}
    return json_value(repr(value))


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule at one place."""

    rule: str
    message: str
    file: str | None = None
    row: int | None = None
    record_id: str | None = None
    column: str | None = None
    #: The value at fault, as JSON data (see :func:`json_value`); shown shortened in text.
    value: Any = None
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"{self.rule!r} is not a registered rule (spec/rules.py)")
        object.__setattr__(self, "value", json_value(self.value))
        if self.hint is None and RULES[self.rule].hint:
            object.__setattr__(self, "hint", RULES[self.rule].hint)

    def where(self) -> str:
        parts = [self.file or "<data>"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.record_id is not None:
            parts.append(f"record {self.record_id}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.where()}: {self.message} [rule: {self.rule}]"
        if self.value is not None:
            text += f"; value: {shorten(self.value)}"
        if self.hint:
            text += f"; hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class DataError(Exception):
    """Data broke rules; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s):\n{shown}{more}")
