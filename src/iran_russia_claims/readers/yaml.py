"""The YAML reader: a claims file in the curated dataset's own format, parsed safely.

The file is parsed whole by :func:`~iran_russia_claims.readers.safe_yaml.read_yaml` (a safe
loader that refuses duplicate keys, within a size limit), after its first bytes are checked for
UTF-16/32 or binary data. It holds either a mapping with a list under ``claims`` (as
``dataset/claims.yaml`` does) or a bare list of claims; the records count from 1 and are
yielded ``chunk_rows`` at a time, each value the Python object YAML parsed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from iran_russia_claims.readers.chunks import records_chunk
from iran_russia_claims.readers.common import (
    Chunk,
    Emit,
    ReadError,
    check_encoding,
    read_head,
    unreadable,
)
from iran_russia_claims.spec.problem import DataError


def yaml_chunks(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    """The claims of a YAML file, ``chunk_rows`` at a time."""
    from iran_russia_claims.readers.safe_yaml import read_yaml  # PyYAML only when needed

    check_encoding(path, read_head(path, 4))
    try:
        data = read_yaml(path)
    except DataError as error:
        problem = error.problems[0]
        raise ReadError(problem) from None
    if isinstance(data, dict) and isinstance(data.get("claims"), list):
        items = data["claims"]
    elif isinstance(data, list):
        items = data
    else:
        raise unreadable(
            path,
            "expected a mapping with a list under 'claims' (as in dataset/claims.yaml) "
            "or a list of claims",
        )
    records = list(enumerate(items, start=1))
    for batch in _batched(records, chunk_rows):
        yield records_chunk(batch, path, emit, what="claim")


def _batched(items: list[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
