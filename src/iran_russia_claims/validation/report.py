"""The report of a validation, the one report class of the package, and where problems go.

:class:`ValidationReport` counts every problem by rule and lists the first ``max_problems``,
so memory stays bounded however broken an input is. :class:`Sink` is what the validation steps
write to: each problem once, each located failure with its row, record id and value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.spec.neutral import neutral, no_command
from iran_russia_claims.spec.problem import DataError, Problem, shorten

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "DEFAULT_MAX_PROBLEMS",
    "DataError",
    "Problem",
    "Report",
    "Sink",
    "SpanTally",
    "ValidationReport",
    "exit_code",
    "render_json",
    "shorten",
]

#: Problems listed per report unless told otherwise; all of them are counted regardless.
DEFAULT_MAX_PROBLEMS: Final = 1000

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
#: The version of the JSON report's layout (``schemas/report.schema.json``): a new key is a
#: minor change, a key renamed or removed a major one. 1.1: a problem says whether its value
#: was shortened (``value_truncated``) and from what length (``value_length``). 1.2: the
#: format ``spark`` (``validate --engine spark``), whose problems have a file and no row. 1.3:
#: a record id or column name of more than 200 characters is cut, with its length beside it
#: (``record_id_length``, ``column_length``). 1.4: ``links``, the link tables' files checked
#: against the claims (``validate --dyads/--relations/--coding``), with their records.
REPORT_VERSION: Final = "1.4"
#: What "row" means in a report, by format: every report says it.
ROW_MEANING: Final = {
    "csv": "the row of the file, the header being row 1 (a row starts on a later line only "
    "where an earlier quoted cell holds a line break)",
    "jsonl": "the line of the file",
    "json": "the record's position in the array, from 1",
    "yaml": "the record's position in the list, from 1",
    "parquet": "the record's position in the file, from 1",
    "dataframe": "the frame's index label plus 1 (with the default index, the position from 1)",
    "spark": "no row: Spark keeps no record's position, so a problem names its file and record id",
}


@dataclass(slots=True)
class SpanTally:
    """For one source: the article file its spans were checked against (None: no article was
    given for it), how many spans were checked, and how many well-formed records cite it."""

    article: str | None
    checked: int = 0
    total: int = 0

    def render(self, source_id: str) -> str:
        source_id = neutral(source_id)
        if self.article is None:
            return f"{source_id}: 0 of {self.total} spans checked (no article given for it)"
        article = neutral(self.article)
        text = f"{source_id}: {self.checked} of {self.total} spans checked against {article}"
        if self.checked < self.total:
            text += " (the others break a rule on their source, offsets or hash; see below)"
        return text


@dataclass(slots=True)
class ValidationReport:
    """What :func:`validate` found in one input: every problem counted, the first ones listed.

    ``valid`` is True when no problem was found; ``readable`` is False when (part of) the file
    could not be read, which the command turns into exit code 2.
    """

    target: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    format: str | None = None
    max_problems: int | None = DEFAULT_MAX_PROBLEMS
    counts: Counter[str] = field(default_factory=Counter)
    #: Per source id, the spans checked against its article (only when articles are given).
    spans: dict[str, SpanTally] = field(default_factory=dict)
    #: Whether articles were given to check the spans against (``validate(source=...)``).
    articles_given: bool = False
    #: Per link table checked against these claims: its file and how many records it holds.
    links: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: The listed problem last in report order, and where it is (see :meth:`worst`).
    _last: tuple[int, Problem] | None = field(default=None, repr=False, compare=False)

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
        self.offer(problem)

    def offer(self, problem: Problem) -> None:
        """List ``problem`` (counted already) if it is among the first ``max_problems`` in
        report order (:func:`order`): which problems are listed does not depend on the order
        they were found in, so every engine lists the same ones."""
        if self.room():
            self.problems.append(problem)
            return
        if not self.problems:
            return
        worst = self.worst()
        if order(problem) < order(self.problems[worst]):
            self.problems[worst] = problem
            self._last = None

    def worst(self) -> int:
        """The position of the listed problem that comes last in report order (remembered
        while it stays there, so that a stream of later problems costs one comparison each)."""
        last = self._last
        if last is not None and last[0] < len(self.problems) and self.problems[last[0]] is last[1]:
            return last[0]
        at = max(range(len(self.problems)), key=lambda i: order(self.problems[i]))
        self._last = (at, self.problems[at])
        return at

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

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
            "row_means": ROW_MEANING.get(self.format or ""),
            "valid": self.valid,
            "readable": self.readable,
            "rows": self.rows,
            "problem_count": self.total,
            "problems_by_rule": dict(sorted(self.counts.items())),
            "problems_listed": len(self.problems),
            "problems": [p.to_dict() for p in self.problems],
            "articles_given": self.articles_given,
            "spans": {
                source_id: {"article": t.article, "checked": t.checked, "records": t.total}
                for source_id, t in sorted(self.spans.items())
            },
            "links": {
                table: {"file": file, "records": n}
                for table, (file, n) in sorted(self.links.items())
            },
        }

    def render(self) -> str:
        """The text report: every name and value from the data shown through ``neutral``, and
        no line that a CI runner would take for a command."""
        target = neutral(self.target)
        what = f"{target} ({neutral(self.format)})" if self.format else target
        spans = [f"  spans of {t.render(s)}" for s, t in sorted(self.spans.items())]
        if not self.articles_given and self.rows:
            spans = ["  spans: not checked against any article (--source ARTICLE checks them)"]
        spans += [
            f"  {table}: {n} records in {neutral(file)}, checked against these claims"
            for table, (file, n) in sorted(self.links.items())
        ]
        if self.valid:
            return "\n".join(
                no_command(line) for line in [f"{what}: valid, {self.rows} records", *spans]
            )
        state = "UNREADABLE" if not self.readable else "INVALID"
        lines = [f"{what}: {state}, {self.total} problem(s) in {self.rows} records read", *spans]
        lines.extend(f"  {p}" for p in self.problems)
        if self.omitted:
            lines.append(
                f"  ... and {self.omitted} more not listed "
                "(raise --max-problems, or set it to 0 to list all)"
            )
        if len(self.counts) > 1 or self.omitted:
            by_rule = ", ".join(f"{rule} {n}" for rule, n in self.counts.most_common())
            lines.append(f"  problems by rule: {by_rule}")
        return "\n".join(no_command(line) for line in lines)


#: The name of the report class before 0.2 (one class serves every report now).
Report = ValidationReport


def exit_code(reports: Sequence[ValidationReport]) -> int:
    """2 if any input could not be read, else 1 if any is invalid, else 0."""
    return max((r.exit_code() for r in reports), default=EXIT_VALID)


def render_json(reports: Sequence[ValidationReport]) -> dict[str, Any]:
    """The machine-readable report of a run over several inputs."""
    return {
        "report_version": REPORT_VERSION,
        "valid": all(r.valid for r in reports),
        "exit_code": exit_code(reports),
        "reports": [r.to_dict() for r in reports],
    }


def order(p: Problem) -> tuple[int, int, str, str]:
    """Problems sorted by row (problems of the whole input first), then column and rule."""
    return (p.row is not None, p.row if p.row is not None else -1, p.column or "", p.rule)


class Sink:
    """Where the steps of one validation put problems: a column-wide problem once however
    many chunks show it, located problems counted in bulk and listed up to the limit."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        self.said: set[tuple[str, str | None, str]] = set()
        #: Rows of the empty run that ended the chunk checked last, while it is not known
        #: whether the file goes on (one problem for them all if it does not).
        self.held_empty_rows: np.ndarray | None = None

    def emit(self, problem: Problem) -> None:
        """Add a problem, saying a column-wide one once however many chunks show it."""
        if problem.file is None:
            problem = with_changes(problem, file=self.report.target)
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
        ids: Callable[[int], str | None],
        message: str | Callable[[int], str],
        value: Callable[[int], Any] | None = None,
        hint: str | None = None,
        file: str | None = None,
    ) -> None:
        """One problem per position: all counted, the first ones in report order (up to the
        limit) listed; only those listed are worded. ``file`` names another file than the
        report's (a link table checked beside its claims)."""
        import numpy as np

        report = self.report
        if not len(positions):
            return
        report.counts[rule] += len(positions)

        def problem(i: int) -> Problem:
            return Problem(
                rule,
                message(i) if callable(message) else message,
                file or report.target,
                row=int(rows[i]),
                record_id=ids(i),
                column=column,
                value=value(i) if value is not None else None,
                hint=hint,
            )

        room = report.room()
        for pos in positions[:room]:
            report.problems.append(problem(int(pos)))
        rest = positions[room:]
        if not len(rest) or not report.problems:
            return
        last = order(report.problems[report.worst()])
        if not last[0]:  # every listed problem is of the whole input: none comes after it
            return
        # the rows that could come before the last one listed, the first of them only
        found = rest[rows[rest] <= last[1]]
        found = found[np.argsort(rows[found], kind="stable")][: len(report.problems)]
        if len(found):
            merged = report.problems + [problem(int(pos)) for pos in found]
            merged.sort(key=order)
            report.problems[:] = merged[: len(report.problems)]


def with_changes(problem: Problem, **changes: Any) -> Problem:
    values = problem.to_dict()
    values.update(changes)
    return Problem(**values)
