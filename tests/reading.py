"""Reading claims files in the reader tests: valid records, their chunks, the rules they break."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iran_russia_claims.readers import Chunk, read_chunks
from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.validation import validate
from records import registry, valid_record

REGISTRY = registry()


def records(n: int = 3) -> list[dict[str, Any]]:
    return [valid_record(i, start=10 * i) for i in range(1, n + 1)]


def read(
    path: Path, fmt: str | None = None, chunk_rows: int = 1000
) -> tuple[list[Chunk], list[Problem]]:
    problems: list[Problem] = []
    chunks = list(read_chunks(path, fmt, problems.append, chunk_rows=chunk_rows))
    return chunks, problems


def rules_at(path: Path, **kwargs: Any) -> list[tuple[str, int | None, str | None]]:
    report = validate(path, registry=REGISTRY, **kwargs)
    return [(p.rule, p.row, p.column) for p in report.problems]
