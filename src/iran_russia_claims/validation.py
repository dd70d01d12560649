"""Validating claims: any file or DataFrame, every rule, every problem located, nothing raised.

:func:`validate` reads a file in bounded chunks (:mod:`iran_russia_claims.readers`) and checks
each chunk in three steps:

1. Columns get their schema types. A missing or extra column is one problem; a cell that is
   missing or has the wrong type is one located problem, and the rules that read that cell are
   not run on it (so one bad cell is one problem, not five).
2. The pandera schema of :mod:`iran_russia_claims.schema`, the package's one definition of the
   rules, runs lazily on the chunk, and each failure case becomes a located :class:`Problem`.
3. What one chunk cannot see: ids and spans are kept across chunks as 64-bit hashes (16 bytes
   per record), so a duplicate in another chunk is found too, with both row numbers; given the
   article, each span's SHA-256 is checked against it.

Every problem is counted, by rule; at most ``max_problems`` are listed, so memory stays bounded
however broken a file is. Nothing here raises for bad data: only a wrong argument (programmer
error) raises. Heavy modules are imported on first use.
"""

from __future__ import annotations

import difflib
import math
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeGuard

from iran_russia_claims.readers import CHUNK_ROWS, FORMATS, Chunk, ReadError
from iran_russia_claims.report import Problem, Report, shorten
from iran_russia_claims.rules import RULES
from iran_russia_claims.vocab import CLAIM_COLUMN_NAMES, CLAIM_COLUMNS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from iran_russia_claims.models import Registry

#: Problems listed per report unless told otherwise; all of them are counted regardless.
DEFAULT_MAX_PROBLEMS: Final = 1000
#: Engines: "pandas" checks everything, chunk by chunk. "polars" first tries the Polars schema
#: on the whole file (fast for large valid files, needs the polars extra); if it cannot vouch
#: for the file, the pandas engine runs and locates every problem. "auto" (the default) uses
#: "polars" for Parquet, CSV and JSON Lines files of AUTO_POLARS_BYTES or more when Polars is
#: installed, and "pandas" otherwise.
ENGINES: Final = ("auto", "pandas", "polars")
#: Files at least this large go through the Polars engine under "auto": below it, importing
#: Polars costs more than it saves.
AUTO_POLARS_BYTES: Final = 16 * 2**20
EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2

_KINDS: Final = {c.name: c.type for c in CLAIM_COLUMNS}
_NOT: Final = {
    "string": "not text",
    "integer": "not a whole number",
    "number": "not a number",
    "list": "not a list of strings",
}
_HINTS: Final = {
    "string": "write the value as text",
    "integer": "write a whole number, e.g. 120",
    "number": "write a number such as 0.7",
    "list": 'write a list of strings, e.g. ["IRN", "RUS"] (or [] for none)',
}
# pandera's names for its own structural checks, mapped to our rule names.
_PANDERA_RULES: Final = {
    "column_in_dataframe": "required",
    "column_in_schema": "no_extra_fields",
    "not_nullable": "required",
    "dtype": "type",
    "coerce_dtype": "type",
}


@cache
def _rule_inputs() -> dict[str, tuple[str, ...]]:
    """The columns each table rule reads (from the one declaration of the checks)."""
    from iran_russia_claims.table_rules import TABLE_CHECKS

    return {
        check.rule: check.columns or ((check.column,) if check.column else ())
        for check in TABLE_CHECKS
    }


# -- the report ------------------------------------------------------------------------------------
@dataclass(slots=True)
class ValidationReport(Report):
    """What :func:`validate` found in one input: every problem counted, the first ones listed.

    ``valid`` is True when no problem was found; ``readable`` is False when (part of) the file
    could not be read, which the command turns into exit code 2.
    """

    format: str | None = None
    max_problems: int | None = DEFAULT_MAX_PROBLEMS
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def valid(self) -> bool:
        return self.total == 0 and not self.problems

    @property
    def readable(self) -> bool:
        return self.counts.get("readable", 0) == 0

    @property
    def total(self) -> int:
        """Every problem found, listed or not."""
        return sum(self.counts.values())

    @property
    def omitted(self) -> int:
        """Problems found but not listed (over ``max_problems``)."""
        return self.total - len(self.problems)

    def room(self) -> int:
        if self.max_problems is None:
            return 1 << 62
        return max(self.max_problems - len(self.problems), 0)

    def add(self, problem: Problem) -> None:
        self.counts[problem.rule] += 1
        if self.room():
            self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def rules_broken(self) -> set[str]:
        """Every rule broken, including by problems not listed."""
        return {rule for rule, n in self.counts.items() if n}

    def exit_code(self) -> int:
        if not self.readable:
            return EXIT_UNREADABLE
        return EXIT_VALID if self.valid else EXIT_INVALID

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "format": self.format,
            "valid": self.valid,
            "readable": self.readable,
            "rows": self.rows,
            "problem_count": self.total,
            "problems_by_rule": dict(sorted(self.counts.items())),
            "problems_listed": len(self.problems),
            "problems": [p.to_dict() for p in self.problems],
        }

    def render(self) -> str:
        what = f"{self.target} ({self.format})" if self.format else self.target
        if self.valid:
            return f"{what}: valid, {self.rows} records"
        state = "UNREADABLE" if not self.readable else "INVALID"
        lines = [f"{what}: {state}, {self.total} problem(s) in {self.rows} records read"]
        lines.extend(f"  {p}" for p in self.problems)
        if self.omitted:
            lines.append(
                f"  ... and {self.omitted} more not listed "
                "(raise --max-problems, or set it to 0 to list all)"
            )
        if len(self.counts) > 1 or self.omitted:
            by_rule = ", ".join(f"{rule} {n}" for rule, n in self.counts.most_common())
            lines.append(f"  problems by rule: {by_rule}")
        return "\n".join(lines)


def exit_code(reports: Sequence[ValidationReport]) -> int:
    """2 if any input could not be read, else 1 if any is invalid, else 0."""
    return max((r.exit_code() for r in reports), default=EXIT_VALID)


def render_json(reports: Sequence[ValidationReport]) -> dict[str, Any]:
    """The machine-readable report of a run over several inputs."""
    return {
        "valid": all(r.valid for r in reports),
        "exit_code": exit_code(reports),
        "reports": [r.to_dict() for r in reports],
    }


# -- the public entry points -----------------------------------------------------------------------
@cache
def shipped_registry() -> Registry:
    """The actor and source registries shipped with the package."""
    from iran_russia_claims.dataset import read_registry
    from iran_russia_claims.resources import shipped_dataset

    return read_registry(Path(str(shipped_dataset())))


def validate(
    data: str | os.PathLike[str] | pd.DataFrame,
    *,
    registry: Registry | None = None,
    source: str | os.PathLike[str] | None = None,
    format: str | None = None,
    max_problems: int | None = DEFAULT_MAX_PROBLEMS,
    chunk_rows: int = CHUNK_ROWS,
    engine: str = "auto",
) -> ValidationReport:
    """Check a claims file (CSV, JSON, JSON Lines, Parquet, YAML) or DataFrame against every rule.

    ``registry`` (default: the shipped one) supplies actors and sources; ``source`` is the
    article's text file, to check every span's SHA-256 too; ``format`` overrides the file
    extension. The report lists at most ``max_problems`` problems (None: all) and counts all.
    Files are read ``chunk_rows`` records at a time, so memory does not grow with the file.
    ``engine`` (see :data:`ENGINES`) only changes how fast a valid file is confirmed: problems
    are always found and located by the chunked pandas engine. Bad data never raises; a wrong
    argument raises TypeError or ValueError.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
    if max_problems is not None and (isinstance(max_problems, bool) or max_problems < 0):
        raise ValueError(f"max_problems must be None or >= 0, not {max_problems!r}")
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a positive integer, not {chunk_rows!r}")
    chunks: Iterator[Chunk]
    if _is_dataframe(data):
        report = ValidationReport(
            target="<DataFrame>", format="dataframe", max_problems=max_problems
        )
        run = _Run(report, registry or shipped_registry())
        chunks = _frame_chunks(data, chunk_rows, run.emit)
    elif isinstance(data, str | os.PathLike):
        from iran_russia_claims.readers import read_chunks, resolve

        path = Path(data)
        report = ValidationReport(target=str(path), max_problems=max_problems)
        run = _Run(report, registry or shipped_registry())
        try:
            report.format = resolve(path, format)
        except ReadError as exc:
            report.add(exc.problem)
            return report
        if source is None and _use_polars(engine, path, report.format):
            rows = _polars_verdict(path, report.format, run.registry, required=engine == "polars")
            if rows is not None:
                report.rows = rows
                return report
        chunks = read_chunks(path, report.format, run.emit, chunk_rows=chunk_rows)
    else:
        raise TypeError(f"validate() takes a path or a pandas DataFrame, not {type(data).__name__}")
    if source is not None:
        run.article = _load_article(Path(source), run)
    try:
        for chunk in chunks:
            run.check(chunk)
    except ReadError as exc:
        report.add(exc.problem)
    run.finish()
    return report


def _is_dataframe(data: object) -> TypeGuard[pd.DataFrame]:
    """Whether ``data`` is a pandas DataFrame, without importing pandas to find out.

    A valid large file is confirmed by the Polars engine alone; importing pandas just for this
    test would cost a fresh process about 0.2 s.
    """
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


def _use_polars(engine: str, path: Path, fmt: str) -> bool:
    """Whether to try the Polars engine first (see ENGINES)."""
    if engine != "auto":
        return engine == "polars"
    if fmt not in ("parquet", "csv", "jsonl"):
        return False
    try:
        large = path.stat().st_size >= AUTO_POLARS_BYTES
    except OSError:
        return False
    from importlib.util import find_spec

    return large and find_spec("polars") is not None


def _polars_verdict(
    path: Path, fmt: str, registry: Registry | None, *, required: bool = True
) -> int | None:
    """The number of records if the Polars engine finds the whole file valid, else None."""
    try:
        from iran_russia_claims.polars_io import validate_file
    except ImportError:
        if not required:  # "auto": Polars is there but pandera's Polars support is not
            return None
        raise ValueError(
            "the polars engine needs Polars: pip install 'iran-russia-claims[polars]'"
        ) from None
    return validate_file(str(path), fmt, registry)


def validate_frame(
    frame: pd.DataFrame,
    registry: Registry | None = None,
    *,
    target: str = "<frame>",
    row_offset: int = 1,
) -> Report:
    """Validate one in-memory claims frame, collecting every failure (no limit, no chunking).

    A row is reported as its index label plus ``row_offset`` (with the default RangeIndex, the
    1-based record number; a CSV reader passes 2 so that the header is row 1); without an
    integer index, its position plus ``row_offset``. Without ``registry`` the registry rules are
    not checked. Raises nothing for bad data; the report holds it.
    """
    report = ValidationReport(target=target, max_problems=None)
    run = _Run(report, registry)
    chunk = _frame_chunk(frame, _row_numbers(frame, row_offset), run.emit)
    run.check(chunk)
    report.problems.sort(key=_order)
    return report


def _problems(
    cases: pd.DataFrame, frame: pd.DataFrame, target: str, row_offset: int
) -> list[Problem]:
    """Located problems from pandera failure cases on ``frame`` (rows: index label + offset).

    For engines that run their own schema (Polars) and want the same problems.
    """
    import numpy as np
    import pandas as pd

    report = ValidationReport(target=target, max_problems=None)
    labels = pd.to_numeric(cases["index"], errors="coerce")
    positions = frame.index.get_indexer(pd.Index(labels.fillna(-1)))
    cases = cases.assign(index=np.where(labels.isna(), np.nan, positions))
    typed = frame.reset_index(drop=True)
    rows = _row_numbers(frame, row_offset)
    _map_failures(cases, typed, rows, _Ids(typed), {}, _Run(report, None))
    report.problems.sort(key=_order)
    return report.problems


def _order(p: Problem) -> tuple[int, int, str, str]:
    return (p.row is not None, p.row if p.row is not None else -1, p.column or "", p.rule)


# -- a run over one input --------------------------------------------------------------------------
@dataclass(slots=True)
class _Article:
    """The article text for the span-hash check, and which source of the registry it is."""

    path: str
    source_id: str
    text: str


class _Run:
    """State of one validation: the report, the schema, and the keys seen in earlier chunks."""

    def __init__(self, report: ValidationReport, registry: Registry | None) -> None:
        self.report = report
        self.registry = registry
        self.schema: Any = None
        self.said: set[tuple[str, str | None, str]] = set()
        self.ids = _Keys()
        self.spans = _Keys()
        self.article: _Article | None = None

    def emit(self, problem: Problem) -> None:
        """Add a problem, saying a column-wide one once however many chunks show it."""
        if problem.file is None:
            problem = _with(problem, file=self.report.target)
        if problem.row is None and problem.column is not None:
            key = (problem.rule, problem.column, problem.message)
            if key in self.said:
                return
            self.said.add(key)
        self.report.add(problem)

    def cells(
        self,
        rule: str,
        column: str | None,
        positions: np.ndarray,
        rows: np.ndarray,
        ids: _Ids,
        message: str | Callable[[int], str],
        value: Callable[[int], Any] | None = None,
        hint: str | None = None,
    ) -> None:
        """One problem per position: all counted, the first ones (up to the limit) listed."""
        report = self.report
        if not len(positions):
            return
        report.counts[rule] += len(positions)
        for pos in positions[: report.room()]:
            i = int(pos)
            report.problems.append(
                Problem(
                    rule,
                    message(i) if callable(message) else message,
                    report.target,
                    row=int(rows[i]),
                    record_id=ids[i],
                    column=column,
                    value=shorten(value(i)) if value is not None else None,
                    hint=hint,
                )
            )

    def check(self, chunk: Chunk) -> None:
        """All three steps on one chunk."""
        import pandera.errors as pa_errors

        from iran_russia_claims.schema import claims_schema, prepare_frame

        n = len(chunk.frame)
        self.report.rows += n
        typed, bad = _normalise(chunk, self)
        if n == 0:
            return
        ids = _Ids(typed, bad["id"])
        if self.schema is None:
            self.schema = claims_schema(self.registry)
        flagged: dict[str, np.ndarray] = {}
        try:
            self.schema.validate(prepare_frame(typed), lazy=True, inplace=True)
        except pa_errors.SchemaErrors as exc:
            flagged = _map_failures(exc.failure_cases, typed, chunk.rows, ids, bad, self)
        self._across_chunks(typed, chunk.rows, ids, bad)
        if self.article is not None:
            _check_spans(self.article, typed, chunk.rows, ids, bad, flagged, self)

    def _across_chunks(
        self, typed: pd.DataFrame, rows: np.ndarray, ids: _Ids, bad: dict[str, np.ndarray]
    ) -> None:
        import numpy as np
        import pandas as pd

        ok = ~bad["id"]
        hashes = pd.util.hash_pandas_object(typed["id"], index=False, categorize=False).to_numpy()
        self._duplicates(self.ids, "id_unique", "id", hashes, ok, rows, ids, typed["id"])
        key = ["source_id", "start", "end", "assertion"]
        ok = ~np.logical_or.reduce([bad[c] for c in key])
        hashes = pd.util.hash_pandas_object(typed[key], index=False, categorize=False).to_numpy()
        self._duplicates(self.spans, "span_unique", None, hashes, ok, rows, ids, None)

    def _duplicates(
        self,
        keys: _Keys,
        rule: str,
        column: str | None,
        hashes: np.ndarray,
        ok: np.ndarray,
        rows: np.ndarray,
        ids: _Ids,
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
        report = self.report
        report.counts[rule] += int(again.sum() + newly.sum())
        for k in np.flatnonzero(again | newly)[: report.room()]:
            i = int(positions[found[k]])
            shown: Any = values.iloc[i] if values is not None else None
            what = f"id {shown!r}" if values is not None else "the span"
            value = shorten(shown) if shown is not None else None
            if again[k] and report.room():
                report.problems.append(
                    Problem(
                        rule,
                        f"{what} is also used at row {first_rows[k]}",
                        report.target,
                        row=int(rows[i]),
                        record_id=ids[i],
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

    def finish(self) -> None:
        report = self.report
        if report.rows == 0 and report.readable:
            report.add(
                Problem(
                    "not_empty",
                    "the input holds no claims",
                    report.target,
                    hint="a claims file has a header (CSV) and at least one record",
                )
            )
        report.problems.sort(key=_order)


def _with(problem: Problem, **changes: Any) -> Problem:
    values = problem.to_dict()
    values.update(changes)
    return Problem(**values)


class _Keys:
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


# -- step 1: schema types --------------------------------------------------------------------------
@dataclass(slots=True)
class _Typed:
    """A column converted to its schema type, and which cells could not be."""

    values: Any
    missing: np.ndarray | None = None
    wrong: np.ndarray | None = None
    column_problem: str | None = None


class _Ids:
    """Each record's id, where it is text: looked up only for the problems that are listed."""

    def __init__(self, frame: pd.DataFrame, bad: np.ndarray | None = None) -> None:
        self.column = frame["id"] if "id" in frame.columns else None
        self.values: np.ndarray | None = None
        self.bad = bad

    def __getitem__(self, i: int) -> str | None:
        import numpy as np

        if self.column is None or (self.bad is not None and self.bad[i]):
            return None
        if self.values is None:
            self.values = np.asarray(self.column.to_numpy(dtype=object), dtype=object)
        value = self.values[i]
        return value if isinstance(value, str) else None


def _normalise(chunk: Chunk, run: _Run) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The chunk's claim columns in their schema types, and the cells already reported."""
    import numpy as np
    import pandas as pd

    frame, rows = chunk.frame, chunk.rows
    n = len(frame)
    raw_ids = _Ids(frame)
    out: dict[str, Any] = {}
    bad: dict[str, np.ndarray] = {}
    names = {str(c) for c in frame.columns}
    for name in sorted(names - set(_KINDS)):
        close = difflib.get_close_matches(name, CLAIM_COLUMN_NAMES, n=1)
        run.emit(
            Problem(
                "no_extra_fields",
                "the column is not part of the claims schema",
                column=name,
                hint=f"did you mean {close[0]!r}?" if close else "remove the column",
            )
        )
    for name, kind in _KINDS.items():
        skip = chunk.bad.get(name, np.zeros(n, dtype=bool))
        if name not in names:
            run.emit(
                Problem(
                    "required",
                    "the column is missing",
                    column=name,
                    hint=f"add it: a claims table has the {len(CLAIM_COLUMN_NAMES)} columns "
                    "of the data dictionary",
                )
            )
            out[name], bad[name] = _empty(kind, n), np.ones(n, dtype=bool)
            continue
        series = frame[name]
        if n and skip.all():  # the reader reported the whole column already
            out[name], bad[name] = _empty(kind, n), skip
            continue
        typed = _CONVERT[kind](series, name in chunk.lists_checked)
        if typed.column_problem is not None:
            run.emit(Problem("type", typed.column_problem, column=name, hint=_HINTS[kind]))
            out[name], bad[name] = _empty(kind, n), np.ones(n, dtype=bool)
            continue
        mask = skip.copy()
        if typed.missing is not None:
            missing = typed.missing & ~skip
            run.cells(
                "required", name, np.flatnonzero(missing), rows, raw_ids, "the value is missing"
            )
            mask |= missing
        if typed.wrong is not None:
            wrong = typed.wrong & ~skip
            values = series.to_numpy(dtype=object)
            run.cells(
                "type",
                name,
                np.flatnonzero(wrong),
                rows,
                raw_ids,
                _type_message(values, kind),
                values.__getitem__,
                _HINTS[kind],
            )
            mask |= wrong
        out[name] = _fill(kind, typed.values, mask)
        bad[name] = mask
    return pd.DataFrame(out, index=pd.RangeIndex(n)), bad


def _what(value: Any) -> str:
    import numpy as np

    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float | np.number):
        return "a number"
    if isinstance(value, list | tuple | np.ndarray):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _arrow_type(dtype: Any) -> Any:
    import pandas as pd

    return dtype.pyarrow_dtype if isinstance(dtype, pd.ArrowDtype) else None


def _arrow_values(s: pd.Series) -> Any:
    """The Arrow data behind an Arrow-backed column, as a ChunkedArray (no copy)."""
    import pyarrow as pa

    values = s.array.__arrow_array__()
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


def _is_object(dtype: Any) -> bool:
    import numpy as np

    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _all_of(values: np.ndarray, allowed: tuple[type, ...], refused: tuple[type, ...] = ()) -> bool:
    """Whether every value's type is one of ``allowed`` (and none of ``refused``).

    One C loop over the values and a check per distinct type, so the fast paths below are
    taken only where the per-value checks would accept every value.
    """
    import numpy as np
    import pandas as pd

    if not len(values):
        return False
    kinds = pd.unique(np.frompyfunc(type, 1, 1)(values))
    return all(issubclass(k, allowed) and not issubclass(k, refused) for k in kinds)


def _missing_objects(values: np.ndarray, nan_is_missing: bool = True) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if nan_is_missing:
        return np.asarray(pd.isna(values), dtype=bool)
    return np.fromiter((v is None or v is pd.NA for v in values), dtype=bool, count=len(values))


def _as_strings(s: pd.Series, checked: bool) -> _Typed:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    dtype = s.dtype
    arrow = _arrow_type(dtype)
    if arrow is not None:
        value = arrow.value_type if pa.types.is_dictionary(arrow) else arrow
        if pa.types.is_string(value) or pa.types.is_large_string(value) or pa.types.is_null(value):
            return _Typed(s, missing=np.asarray(s.isna().to_numpy(), dtype=bool))
    elif isinstance(dtype, pd.StringDtype):
        return _Typed(s, missing=np.asarray(s.isna().to_numpy(), dtype=bool))
    elif isinstance(dtype, pd.CategoricalDtype):
        if pd.api.types.infer_dtype(dtype.categories, skipna=True) in ("string", "empty"):
            return _Typed(s, missing=np.asarray(s.isna().to_numpy(), dtype=bool))
        s = s.astype(object)
        dtype = s.dtype
    if not _is_object(dtype):
        return _Typed(s, column_problem=f"the column holds {dtype} values; it must hold text")
    values = s.to_numpy()
    missing = _missing_objects(values)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        return _Typed(s, missing=missing)
    is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    return _Typed(s, missing=missing, wrong=~is_str & ~missing)


def _as_integers(s: pd.Series, checked: bool) -> _Typed:
    import numpy as np
    import pandas as pd

    dtype = s.dtype
    numeric = not isinstance(dtype, pd.CategoricalDtype) and not _is_object(dtype)
    if numeric and pd.api.types.is_integer_dtype(dtype):
        missing = np.asarray(s.isna().to_numpy(), dtype=bool)
        if getattr(dtype, "kind", "") == "u" or str(dtype).lower().startswith("uint"):
            too_big = np.asarray((s > np.iinfo(np.int64).max).fillna(False).to_numpy(), dtype=bool)
            values = s.where(~too_big, 0).to_numpy(dtype=np.int64, na_value=0)
            return _Typed(values, missing=missing, wrong=too_big)
        return _Typed(s.to_numpy(dtype=np.int64, na_value=0), missing=missing)
    if numeric and pd.api.types.is_float_dtype(dtype):
        return _Typed(
            s,
            column_problem=f"the column holds {dtype} values (decimals); it must hold whole "
            "numbers (pandas turns whole numbers into floats when a value is missing: fill "
            "the gaps, or use the Int64 dtype)",
        )
    if not _is_object(dtype):
        return _Typed(
            s, column_problem=f"the column holds {dtype} values; it must hold whole numbers"
        )
    values = s.to_numpy()
    if _all_of(values, (int, np.integer), (bool, np.bool_)):  # valid data: one cast in C
        try:
            out = values.astype(np.int64)
        except OverflowError:  # beyond int64: the loop below locates it
            pass
        else:
            none = np.zeros(len(values), dtype=bool)
            return _Typed(out, missing=none, wrong=none.copy())
    limit = np.iinfo(np.int64)
    is_int = np.fromiter(
        (
            isinstance(v, int | np.integer)
            and not isinstance(v, bool | np.bool_)
            and limit.min <= v <= limit.max
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )
    missing = _missing_objects(values) & ~is_int
    out = np.zeros(len(values), dtype=np.int64)
    out[is_int] = [int(v) for v in values[is_int]]
    return _Typed(out, missing=missing, wrong=~is_int & ~missing)


def _as_numbers(s: pd.Series, checked: bool) -> _Typed:
    import numpy as np
    import pandas as pd

    dtype = s.dtype
    numeric = not isinstance(dtype, pd.CategoricalDtype) and not _is_object(dtype)
    if numeric and not pd.api.types.is_bool_dtype(dtype) and pd.api.types.is_numeric_dtype(dtype):
        missing = np.asarray(s.isna().to_numpy(), dtype=bool)
        if isinstance(dtype, np.dtype) and dtype.kind == "f":  # NaN is a number, not missing
            missing = np.zeros(len(s), dtype=bool)
        return _Typed(s.to_numpy(dtype=np.float64, na_value=np.nan), missing=missing)
    if not _is_object(dtype):
        return _Typed(s, column_problem=f"the column holds {dtype} values; it must hold numbers")
    values = s.to_numpy()
    if _all_of(values, (int, float, np.integer, np.floating), (bool, np.bool_)):
        try:  # valid data: one cast in C
            out = values.astype(np.float64)
        except OverflowError:  # an int beyond float: the loop below behaves as before
            pass
        else:
            none = np.zeros(len(values), dtype=bool)
            return _Typed(out, missing=none, wrong=none.copy())
    is_number = np.fromiter(
        (
            isinstance(v, int | float | np.number) and not isinstance(v, bool | np.bool_)
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )
    missing = _missing_objects(values, nan_is_missing=False) & ~is_number
    out = np.full(len(values), np.nan)
    out[is_number] = [float(v) for v in values[is_number]]
    return _Typed(out, missing=missing, wrong=~is_number & ~missing)


def _as_lists(s: pd.Series, checked: bool) -> _Typed:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = _arrow_type(s.dtype)
    if arrow is not None and (pa.types.is_list(arrow) or pa.types.is_large_list(arrow)):
        inner = arrow.value_type
        if pa.types.is_string(inner) or pa.types.is_large_string(inner) or pa.types.is_null(inner):
            missing = np.asarray(s.isna().to_numpy(), dtype=bool)
            array = _arrow_values(s).cast(pa.list_(pa.string()))
            wrong = None
            if not checked:
                flat = pc.list_flatten(array)
                if flat.null_count:
                    parents = pc.list_parent_indices(array).to_numpy()
                    wrong = np.zeros(len(s), dtype=bool)
                    wrong[parents[flat.is_null().to_numpy(zero_copy_only=False)]] = True
            lists = pd.Series(pd.arrays.ArrowExtensionArray(array), index=s.index)
            return _Typed(lists, missing=missing, wrong=wrong)
    if not _is_object(s.dtype):
        return _Typed(
            s, column_problem=f"the column holds {s.dtype} values; it must hold lists of strings"
        )
    values = s.to_numpy()
    arrow = _lists_at_once(values)
    if arrow is not None:
        none = np.zeros(len(values), dtype=bool)
        lists = pd.Series(pd.arrays.ArrowExtensionArray(arrow), index=s.index)
        return _Typed(lists, missing=none, wrong=none.copy())
    is_list = np.fromiter(
        (
            isinstance(v, list | tuple) or (isinstance(v, np.ndarray) and v.ndim == 1)
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )
    missing = np.fromiter(
        (not is_list[i] and _is_missing_scalar(v) for i, v in enumerate(values)),
        dtype=bool,
        count=len(values),
    )
    wrong = ~is_list & ~missing
    if not checked and is_list.any():
        cells = values[is_list]
        lengths = np.fromiter((len(v) for v in cells), dtype=np.int64, count=len(cells))
        flat = [x for v in cells for x in v]
        element_ok = np.fromiter((isinstance(x, str) for x in flat), dtype=bool, count=len(flat))
        owners = np.repeat(np.flatnonzero(is_list), lengths)
        wrong[owners[~element_ok]] = True
    return _Typed(s, missing=missing, wrong=wrong)


def _lists_at_once(values: np.ndarray) -> Any:
    """Python lists of strings as one Arrow list<string> array, converted in C; None unless
    every cell is a list, tuple or 1-D array of strings with no null anywhere.

    Anything else (a null, a set, a number, a non-string element) is left to the per-value
    checks, which locate it: so per-value Python runs only on a column with a problem.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _all_of(values, (list, tuple, np.ndarray)):
        return None
    try:
        arrow = pa.array(values, from_pandas=True)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    if not (pa.types.is_list(arrow.type) or pa.types.is_large_list(arrow.type)):
        return None
    inner = arrow.type.value_type
    if not (
        pa.types.is_string(inner) or pa.types.is_large_string(inner) or pa.types.is_null(inner)
    ):
        return None
    if arrow.null_count or pc.list_flatten(arrow).null_count:
        return None
    return arrow.cast(pa.list_(pa.string()))


def _is_missing_scalar(value: Any) -> bool:
    import pandas as pd

    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


_CONVERT: Final[dict[str, Callable[[Any, bool], _Typed]]] = {
    "string": _as_strings,
    "integer": _as_integers,
    "number": _as_numbers,
    "list": _as_lists,
}


def _empty(kind: str, n: int) -> Any:
    """A column of the right type whose every cell is marked bad."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if kind == "integer":
        return -1 - np.arange(n, dtype=np.int64)
    if kind == "number":
        return np.full(n, np.nan)
    arrow = pa.nulls(n, pa.string() if kind == "string" else pa.list_(pa.string()))
    return pd.arrays.ArrowExtensionArray(arrow)


def _fill(kind: str, values: Any, mask: np.ndarray) -> Any:
    """Values with every marked cell made neutral: null for text and lists (the schema's checks
    pass nulls), a distinct negative number for offsets (no false duplicate), NaN for numbers."""
    import numpy as np
    import pandas as pd

    if not mask.any():
        return values
    if kind == "integer":
        out = np.array(values, dtype=np.int64, copy=True)
        out[mask] = -1 - np.flatnonzero(mask)
        return out
    if kind == "number":
        out = np.array(values, dtype=np.float64, copy=True)
        out[mask] = np.nan
        return out
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.ArrowDtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        array = _arrow_values(series)
        array = pc.if_else(pa.array(mask), pa.scalar(None, array.type), array)
        return pd.arrays.ArrowExtensionArray(array)
    return np.where(mask, np.array(None, dtype=object), series.to_numpy(dtype=object))


# -- step 2: the schema's failure cases as located problems ----------------------------------------
def _rule_name(check: str) -> str:
    name = check.split("(")[0].strip("<>")
    if name.startswith("dtype"):
        return "type"
    return _PANDERA_RULES.get(name, name)


def _map_failures(
    cases: pd.DataFrame,
    typed: pd.DataFrame,
    rows: np.ndarray,
    ids: _Ids,
    bad: dict[str, np.ndarray],
    run: _Run,
) -> dict[str, np.ndarray]:
    """Each failing (rule, row) once, on the column the rule is about, unless a cell it reads
    was already reported; returns, per column, the rows some rule flagged."""
    import numpy as np
    import pandas as pd

    n = len(typed)
    inputs = _rule_inputs()
    quoted = _Cells(typed)
    flagged: dict[str, np.ndarray] = {}
    table = cases["schema_context"].astype(str).to_numpy() == "DataFrameSchema"
    checks = cases["check"].astype(str)
    rule = checks.map({c: _rule_name(c) for c in checks.unique()}).to_numpy()
    about = {r: (RULES[r].column or "") if r in RULES else "" for r in set(rule)}
    column = np.where(
        table,
        pd.Series(rule).map(about).to_numpy(),
        cases["column"].astype(object).where(cases["column"].notna(), "").astype(str).to_numpy(),
    )
    index = pd.to_numeric(cases["index"], errors="coerce").to_numpy(dtype=float)
    located = np.isfinite(index)
    # failures of a whole column (no row): once each
    for i in np.flatnonzero(~located):
        name = rule[i]
        message = RULES[name].description if name in RULES else str(cases["check"].iloc[i])
        run.emit(
            Problem(
                name,
                f"{message} (the check failed on the whole column: "
                f"{shorten(cases['failure_case'].iloc[i])})",
                column=column[i] or None,
            )
        )
    found = pd.DataFrame(
        {
            "rule": rule[located],
            "column": column[located],
            "pos": index[located].astype(np.int64),
        }
    ).drop_duplicates()
    for key, group in found.groupby(["rule", "column"], sort=False):
        name, col = str(key[0]), str(key[1])
        positions = group["pos"].to_numpy()
        positions = positions[(positions >= 0) & (positions < n)]
        reads = inputs.get(name) or ((col,) if col else ())
        if name in ("required", "type") and col:
            reads = (col,)
        suppressed = np.zeros(n, dtype=bool)
        for c in reads:
            if c in bad:
                suppressed |= bad[c]
        positions = np.sort(positions[~suppressed[positions]])
        if not len(positions):
            continue
        for c in reads:
            flagged.setdefault(c, np.zeros(n, dtype=bool))[positions] = True
        shown = (col,) if col else reads
        run.cells(
            name,
            col or None,
            positions,
            rows,
            ids,
            _messenger(name, typed, rows, run.registry, positions),
            partial(quoted.shown, shown),
        )
    return flagged


def _type_message(values: np.ndarray, kind: str) -> Callable[[int], str]:
    return lambda i: f"{_NOT[kind]}: the value is {_what(values[i])}"


class _Cells:
    """The cells quoted in problems; a column becomes Python objects once, when first quoted."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.columns: dict[str, np.ndarray] = {}

    def shown(self, columns: tuple[str, ...], i: int) -> Any:
        """The offending value: the cell, or the cells a rule across columns read."""
        values = tuple(self.cell(c, i) for c in columns if c in self.frame.columns)
        return values[0] if len(values) == 1 else values

    def cell(self, column: str, i: int) -> Any:
        import numpy as np

        if column not in self.columns:
            self.columns[column] = np.asarray(
                self.frame[column].to_numpy(dtype=object), dtype=object
            )
        value = self.columns[column][i]
        return value.tolist() if isinstance(value, np.ndarray | np.generic) else value


def _messenger(
    rule: str,
    typed: pd.DataFrame,
    rows: np.ndarray,
    registry: Registry | None,
    positions: np.ndarray,
) -> Callable[[int], str]:
    """A message for one failing row: what exactly is wrong, where the rule allows saying so."""
    description = RULES[rule].description if rule in RULES else rule
    if rule in ("id_unique", "span_unique"):
        key = ["id"] if rule == "id_unique" else ["source_id", "start", "end", "assertion"]
        subset = typed.iloc[positions[:100_000]][key].astype(object)
        groups: dict[tuple[Any, ...], list[int]] = {}
        for pos, values in zip(positions, subset.itertuples(index=False, name=None), strict=False):
            groups.setdefault(values, []).append(int(rows[pos]))
        where = {row: group for group in groups.values() for row in group}

        def duplicate(i: int) -> str:
            others = [r for r in where.get(int(rows[i]), []) if r != rows[i]]
            label = f"id {typed['id'].iloc[i]!r}" if rule == "id_unique" else "the span"
            if not others:
                return description
            more = f" and {len(others) - 5} more" if len(others) > 5 else ""
            return f"{label} is also used at row(s) {', '.join(map(str, others[:5]))}{more}"

        return duplicate
    if rule == "band_matches_confidence":
        from iran_russia_claims.rules import band_for

        def band(i: int) -> str:
            confidence = float(typed["confidence"].iloc[i])
            given = typed["confidence_band"].iloc[i]
            try:
                expected = band_for(confidence).value
            except ValueError:
                return description
            return f"confidence {confidence} lies in band {expected!r}, not {given!r}"

        return band
    if rule == "offsets_ordered":
        return lambda i: f"start {typed['start'].iloc[i]} is not before end {typed['end'].iloc[i]}"
    if registry is not None and rule == "end_within_source":

        def beyond(i: int) -> str:
            source = registry.sources.get(str(typed["source_id"].iloc[i]))
            if source is None:
                return description
            return (
                f"end {typed['end'].iloc[i]} is beyond the end of source {source.id!r} "
                f"({source.length} characters)"
            )

        return beyond
    if registry is not None and rule == "section_matches_offsets":

        def section(i: int) -> str:
            source = registry.sources.get(str(typed["source_id"].iloc[i]))
            start = int(typed["start"].iloc[i])
            found = source.section_at(start) if source is not None else None
            if found is None:
                return description
            return f"start {start} lies in section {found.slug!r}, not {typed['section'].iloc[i]!r}"

        return section
    if registry is not None and rule == "source_registered":
        known = ", ".join(sorted(registry.sources)[:5])
        return lambda i: (
            f"source {typed['source_id'].iloc[i]!r} is not in the registry (known: {known})"
        )
    if registry is not None and rule == "actors_registered":

        def actors(i: int) -> str:
            value = typed["actors"].iloc[i]
            codes = [] if value is None else list(value)
            unknown = [c for c in codes if c not in registry.actors]
            return f"actor code(s) {unknown} are not in the actor registry"

        return actors
    return lambda i: description


# -- step 3: spans against the article -------------------------------------------------------------
def _load_article(path: Path, run: _Run) -> _Article | None:
    """The article, if it is the registry's source byte for byte; otherwise a problem."""
    from iran_russia_claims.provenance import find_source
    from iran_russia_claims.text import read_source_text, sha256_file

    where = str(path)
    registry = run.registry
    if registry is None:  # pragma: no cover - validate() always has one
        return None
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "is not found"
        run.report.add(
            Problem("readable", f"the article file {what}", where, hint="check --source")
        )
        return None
    digest = sha256_file(path)
    sources = list(registry.sources.values())
    source = find_source(registry, digest, path.name)
    if source is None:
        run.report.add(
            Problem(
                "source_registered",
                "the article file matches no source of the registry by hash or by file name; "
                "spans were not checked",
                where,
                hint=f"registered: {', '.join(f'{s.id} ({s.filename})' for s in sources[:5])}",
            )
        )
        return None
    if digest != source.sha256:
        run.report.add(
            Problem(
                "source_hash_matches",
                f"the file's SHA-256 is {digest}, the registry's for {source.id!r} is "
                f"{source.sha256}; spans were not checked against a different text",
                where,
            )
        )
        return None
    try:
        text = read_source_text(path)
    except (UnicodeDecodeError, OSError) as exc:
        run.report.add(
            Problem("readable", f"the article cannot be read as UTF-8 text: {exc}", where)
        )
        return None
    return _Article(where, source.id, text)


def _check_spans(
    article: _Article,
    typed: pd.DataFrame,
    rows: np.ndarray,
    ids: _Ids,
    bad: dict[str, np.ndarray],
    flagged: dict[str, np.ndarray],
    run: _Run,
) -> None:
    """span_hash_matches for rows of this article whose offsets and hash are otherwise fine."""
    import numpy as np

    from iran_russia_claims.text import sha256_text

    reads = ("source_id", "start", "end", "span_sha256")
    skip = np.logical_or.reduce([bad[c] | flagged.get(c, False) for c in reads])
    ours = np.asarray(typed["source_id"].astype(object).to_numpy() == article.source_id, dtype=bool)
    start = np.asarray(typed["start"].to_numpy(), dtype=np.int64)
    end = np.asarray(typed["end"].to_numpy(), dtype=np.int64)
    text = article.text
    positions = np.flatnonzero(ours & ~skip & (start >= 0) & (start < end) & (end <= len(text)))
    given = typed["span_sha256"].to_numpy(dtype=object)
    wrong = [int(i) for i in positions if sha256_text(text[start[i] : end[i]]) != given[i]]
    run.cells(
        "span_hash_matches",
        "span_sha256",
        np.asarray(wrong, dtype=np.int64),
        rows,
        ids,
        lambda i: f"span_sha256 is not the SHA-256 of text[{start[i]}:{end[i]}] of {article.path}",
        lambda i: given[i],
    )


# -- DataFrames as chunks --------------------------------------------------------------------------
def _row_numbers(frame: pd.DataFrame, offset: int) -> np.ndarray:
    import numpy as np

    labels = np.asarray(frame.index)
    if labels.dtype.kind in "iu":
        return np.asarray(labels, dtype=np.int64) + offset
    return np.arange(len(frame), dtype=np.int64) + offset


def _frame_chunk(frame: pd.DataFrame, rows: np.ndarray, emit: Callable[[Problem], None]) -> Chunk:
    if frame.columns.duplicated().any():
        for name in frame.columns[frame.columns.duplicated()].unique():
            emit(
                Problem(
                    "no_extra_fields",
                    "the column appears more than once; the first is checked",
                    column=str(name),
                )
            )
        frame = frame.loc[:, ~frame.columns.duplicated()]
    frame = frame.rename(columns=str).reset_index(drop=True)
    return Chunk(frame, rows)


def _frame_chunks(
    frame: pd.DataFrame, size: int, emit: Callable[[Problem], None]
) -> Iterator[Chunk]:
    rows = _row_numbers(frame, 1)
    if len(frame) == 0:
        yield _frame_chunk(frame, rows, emit)
    for start in range(0, len(frame), size):
        yield _frame_chunk(frame.iloc[start : start + size], rows[start : start + size], emit)


__all__ = [
    "DEFAULT_MAX_PROBLEMS",
    "ENGINES",
    "ValidationReport",
    "exit_code",
    "render_json",
    "shipped_registry",
    "validate",
    "validate_frame",
]
