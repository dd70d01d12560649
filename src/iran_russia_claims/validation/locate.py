"""Located problems from the rules' masks: each failing (rule, row) once, with a message that
says what exactly is wrong, unless a cell the rule reads was already reported (step 1).

Counting is vectorised; only the problems that are listed (``max_problems``) are worded, so a
file in which every row breaks a rule costs little more than a valid one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from iran_russia_claims.spec.messages import message
from iran_russia_claims.spec.rules import RULES, SPAN_KEY
from iran_russia_claims.validation.report import Sink

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

    from iran_russia_claims.spec.evaluate import Failures
    from iran_russia_claims.spec.models import Registry


def locate(
    failures: Failures,
    typed: pl.DataFrame,
    rows: np.ndarray,
    ids: Callable[[int], str | None],
    bad: dict[str, np.ndarray],
    sink: Sink,
    registry: Registry | None,
) -> dict[str, np.ndarray]:
    """Report each rule's failing rows; returns, per column, the rows some rule flagged."""
    import numpy as np

    n = len(typed)
    quoted = Cells(typed)
    flagged: dict[str, np.ndarray] = {}
    for name in sorted(failures.positions, key=list(RULES).index):
        rule = RULES[name]
        positions = failures.positions[name]
        reads = rule.inputs
        suppressed = np.zeros(n, dtype=bool)
        for c in reads:
            if c in bad:
                suppressed |= bad[c]
        positions = positions[~suppressed[positions]]
        if not len(positions):
            continue
        for c in reads:
            flagged.setdefault(c, np.zeros(n, dtype=bool))[positions] = True
        shown = (rule.column,) if rule.column else reads
        sink.cells(
            name,
            rule.column,
            positions,
            rows,
            ids,
            messenger(name, quoted, rows, registry, positions),
            partial(quoted.shown, shown),
        )
    return flagged


class Cells:
    """The rows quoted in problems, fetched one by one as Python values when first quoted."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self.rows: dict[int, dict[str, Any]] = {}

    def record(self, i: int) -> dict[str, Any]:
        if i not in self.rows:
            self.rows[i] = self.frame.row(i, named=True)
        return self.rows[i]

    def shown(self, columns: tuple[str, ...], i: int) -> Any:
        """The offending value: the cell, or the cells a rule across columns read."""
        row = self.record(i)
        values = tuple(row[c] for c in columns if c in row)
        return values[0] if len(values) == 1 else values


def messenger(
    rule: str,
    quoted: Cells,
    rows: np.ndarray,
    registry: Registry | None,
    positions: np.ndarray,
) -> Callable[[int], str]:
    """A message for one failing row: what exactly is wrong, where the rule allows saying so."""
    if rule in ("id_unique", "span_unique"):
        return _duplicate(rule, quoted, rows, positions)
    return lambda i: message(rule, quoted.record(i), registry)


def _duplicate(
    rule: str, quoted: Cells, rows: np.ndarray, positions: np.ndarray
) -> Callable[[int], str]:
    """Where else a duplicate key is used (the rows of this chunk; earlier chunks: see keys)."""
    key = ["id"] if rule == "id_unique" else list(SPAN_KEY)
    shown = positions[:100_000]
    subset = quoted.frame.select(key)[shown].rows()
    groups: dict[tuple[Any, ...], list[int]] = {}
    for pos, values in zip(shown, subset, strict=True):
        groups.setdefault(values, []).append(int(rows[pos]))
    where = {row: group for group in groups.values() for row in group}
    description = RULES[rule].description

    def duplicate(i: int) -> str:
        others = [r for r in where.get(int(rows[i]), []) if r != rows[i]]
        label = f"id {quoted.record(i)['id']!r}" if rule == "id_unique" else "the span"
        if not others:
            return description
        more = f" and {len(others) - 5} more" if len(others) > 5 else ""
        return f"{label} is also used at row(s) {', '.join(map(str, others[:5]))}{more}"

    return duplicate
