"""A problem found in data: where, which rule, what value, and what to do.

A problem always names where (file, row, record id, column), which rule broke, what the value
was and, where one helps, what to do. Nothing here raises: callers decide the exit code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from iran_russia_claims.spec.rules import RULES

_MAX_VALUE_CHARS = 80


def shorten(value: Any, limit: int = _MAX_VALUE_CHARS) -> str:
    """``repr`` of a value, cut in the middle when long, so reports stay readable."""
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        value = value.tolist()  # np.int64(5) reads as 5, an array of codes as a list
    text = repr(value)
    if len(text) <= limit:
        return text
    keep = (limit - 5) // 2
    return f"{text[:keep]} ... {text[-keep:]}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule at one place."""

    rule: str
    message: str
    file: str | None = None
    row: int | None = None
    record_id: str | None = None
    column: str | None = None
    value: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"{self.rule!r} is not a registered rule (spec/rules.py)")
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
            text += f"; value: {self.value}"
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
