"""Step 3 of validating: what one chunk cannot see. Ids and spans are kept across chunks as
64-bit hashes with the row each was first seen at (16 bytes per record), so a duplicate in
another chunk is found too, with both row numbers. Duplicates within a chunk are the
``id_unique`` and ``span_unique`` rules' own (a window over the chunk), reported with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.rules import SPAN_KEY
from iran_russia_claims.validation.report import Sink

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from iran_russia_claims.validation.normalise import Ids


@dataclass(slots=True)
class ChunkKeys:
    """The keys seen in earlier chunks: ids, and spans."""

    ids: Keys = field(default_factory=lambda: Keys())
    spans: Keys = field(default_factory=lambda: Keys())


def across_chunks(
    state: ChunkKeys,
    sink: Sink,
    typed: pd.DataFrame,
    rows: np.ndarray,
    ids: Ids,
    bad: dict[str, np.ndarray],
) -> None:
    import numpy as np
    import pandas as pd

    ok = ~bad["id"]
    hashes = pd.util.hash_pandas_object(typed["id"], index=False, categorize=False).to_numpy()
    _duplicates(state.ids, sink, "id_unique", "id", hashes, ok, rows, ids, typed["id"])
    key = list(SPAN_KEY)
    ok = ~np.logical_or.reduce([bad[c] for c in key])
    hashes = pd.util.hash_pandas_object(typed[key], index=False, categorize=False).to_numpy()
    _duplicates(state.spans, sink, "span_unique", None, hashes, ok, rows, ids, None)


def _duplicates(
    keys: Keys,
    sink: Sink,
    rule: str,
    column: str | None,
    hashes: np.ndarray,
    ok: np.ndarray,
    rows: np.ndarray,
    ids: Ids,
    values: pd.Series | None,
) -> None:
    import numpy as np

    positions = np.flatnonzero(ok)
    hashes = hashes[positions]
    order = np.argsort(hashes, kind="stable")  # one sort serves both steps
    within = _duplicated(hashes, order)
    found, first_rows, newly = keys.matches(hashes, rows[positions], within, order)
    if not len(found):
        return
    # a duplicate within this chunk was reported by the schema already
    again = ~within[found]
    report = sink.report
    report.counts[rule] += int(again.sum() + newly.sum())
    for k in np.flatnonzero(again | newly)[: report.room()]:
        i = int(positions[found[k]])
        shown: Any = values.iloc[i] if values is not None else None
        what = f"id {shown!r}" if values is not None else "the span"
        value = shown
        if again[k] and report.room():
            report.problems.append(
                Problem(
                    rule,
                    f"{what} is also used at row {first_rows[k]}",
                    report.target,
                    row=int(rows[i]),
                    record_id=ids(i),
                    column=column,
                    value=value,
                )
            )
        if newly[k] and report.room():
            report.problems.append(
                Problem(
                    rule,
                    f"{what} is used again at row {rows[i]}",
                    report.target,
                    row=int(first_rows[k]),
                    record_id=shown if rule == "id_unique" else None,
                    column=column,
                    value=value,
                )
            )


class Keys:
    """The first row of every key seen so far, as sorted blocks of 64-bit hashes."""

    def __init__(self) -> None:
        self.blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def matches(
        self, hashes: np.ndarray, rows: np.ndarray, within: np.ndarray, order: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each key seen in an earlier chunk: its position here, the row it was first
        seen at, and whether that first row is flagged now for the first time. Then remember
        this chunk's new keys.

        Blocks are merged like a log-structured tree (a block is merged into the one before
        it once as large), so there are O(log n) of them to search. ``order`` sorts ``hashes``.
        """
        import numpy as np

        ordered = hashes[order]
        seen = np.zeros(len(hashes), dtype=bool)
        found: list[np.ndarray] = []
        first_rows: list[np.ndarray] = []
        newly: list[np.ndarray] = []
        for block_hashes, block_rows, flagged in self.blocks:
            at = np.minimum(np.searchsorted(block_hashes, ordered), len(block_hashes) - 1)
            hit = (block_hashes[at] == ordered) & ~seen
            k = np.flatnonzero(hit)
            j = at[k]
            fresh = ~flagged[j]
            _, once = np.unique(j, return_index=True)  # one "used again" per earlier row
            fresh &= np.isin(np.arange(len(j)), once)
            flagged[j] = True
            found.append(order[k])
            first_rows.append(block_rows[j])
            newly.append(fresh)
            seen |= hit
        first = np.ones(len(ordered), dtype=bool)
        first[1:] = ordered[1:] != ordered[:-1]
        new = first & ~seen
        if new.any():
            self.blocks.append((ordered[new], rows[order[new]], within[order[new]].copy()))
        while len(self.blocks) > 1 and len(self.blocks[-1][0]) >= len(self.blocks[-2][0]):
            top, below = self.blocks.pop(), self.blocks.pop()
            merged = [np.concatenate(part) for part in zip(below, top, strict=True)]
            by_hash = np.argsort(merged[0], kind="stable")
            self.blocks.append((merged[0][by_hash], merged[1][by_hash], merged[2][by_hash]))
        if not found:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=bool)
        return np.concatenate(found), np.concatenate(first_rows), np.concatenate(newly)


def _duplicated(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Values that occur more than once, from the order that sorts them (no second sort)."""
    import numpy as np

    ordered = values[order]
    same = ordered[1:] == ordered[:-1]
    repeated = np.zeros(len(values), dtype=bool)
    repeated[1:] |= same
    repeated[:-1] |= same
    out = np.empty(len(values), dtype=bool)
    out[order] = repeated
    return out
