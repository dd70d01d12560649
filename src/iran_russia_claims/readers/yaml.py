"""The YAML reader: a claims file in the curated dataset's own format, parsed safely.

The records are built one at a time by :func:`~iran_russia_claims.readers.safe_yaml.iter_claims`
(plain data only, duplicate keys refused, size, nesting and aliases bounded), after the file's
first bytes are checked for UTF-16/32 or binary data. The file holds either a mapping with a
list under ``claims`` (as ``dataset/claims.yaml`` does) or a bare list of claims; the records
count from 1 and are yielded ``chunk_rows`` at a time, each value the Python object YAML
parsed. Damage part-way stops the reading after the records before it, which are checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from iran_russia_claims.readers.chunks import records_chunk
from iran_russia_claims.readers.common import (
    CHUNK_BYTES,
    Chunk,
    Emit,
    ReadError,
    check_encoding,
    read_head,
    unreadable,
)
from iran_russia_claims.spec.problem import DataError


def yaml_chunks(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    """The claims of a YAML file, ``chunk_rows`` at a time, built one record at a time."""
    from iran_russia_claims.readers.safe_yaml import NotClaims, iter_claims  # PyYAML when needed

    check_encoding(path, read_head(path, 4))
    batch: list[tuple[int, Any]] = []
    held = 0  # the weight (text written out) of the records held
    try:
        for row, (item, weight) in enumerate(iter_claims(path), start=1):
            batch.append((row, item))
            held += weight
            if len(batch) >= chunk_rows or held >= CHUNK_BYTES:
                yield records_chunk(batch, path, emit, what="claim")
                batch, held = [], 0
    except DataError as error:
        if batch:  # the records read before the damage are still checked
            yield records_chunk(batch, path, emit, what="claim")
        raise ReadError(error.problems[0]) from None
    except NotClaims:
        raise unreadable(
            path,
            "expected a mapping with a list under 'claims' (as in dataset/claims.yaml) "
            "or a list of claims",
        ) from None
    if batch:
        yield records_chunk(batch, path, emit, what="claim")
