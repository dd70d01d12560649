"""The Parquet reader: pyarrow reads the file in record batches, typed as it was written.

Before any data is read, the file's metadata is checked: a row group over
:data:`MAX_ROW_GROUP_BYTES` uncompressed is refused, so a hostile file cannot claim the memory.
Batches of ``chunk_rows`` records then go through ``arrow_chunk``, which checks the column
types and the text; a file with no records still has its columns checked. Records count from
1, and damage found mid-file stops the reading after the records already read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

from iran_russia_claims.readers.chunks import arrow_chunk
from iran_russia_claims.readers.common import Chunk, Emit, unreadable

#: Largest Parquet row group (uncompressed) read; a 10^6-row export is about 300 MB.
MAX_ROW_GROUP_BYTES: Final = 4 * 1024**3


def parquet_chunks(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    """The records of a Parquet file, at most ``chunk_rows`` per chunk."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(str(path), memory_map=False)
        metadata = parquet.metadata
        for group in range(metadata.num_row_groups):
            size = metadata.row_group(group).total_byte_size
            if size > MAX_ROW_GROUP_BYTES:
                raise unreadable(
                    path,
                    f"row group {group} holds {size} bytes uncompressed, over the limit of "
                    f"{MAX_ROW_GROUP_BYTES}",
                    hint="write the file with smaller row groups (row_group_size)",
                )
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        raise unreadable(
            path,
            f"not a readable Parquet file: {exc}",
            hint="the file may be cut short, or another format with a .parquet name",
        ) from None
    row = 1
    try:
        for batch in parquet.iter_batches(batch_size=chunk_rows, use_threads=True):
            table = pa.Table.from_batches([batch])
            rows = np.arange(row, row + table.num_rows, dtype=np.int64)
            yield arrow_chunk(table, rows, path, emit)
            row += table.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise unreadable(
            path,
            f"the Parquet data is damaged after record {row - 1}: {exc}",
            row=row,
            hint="the file may be cut short; write it again",
        ) from None
    if row == 1:  # no records: still check the columns
        yield arrow_chunk(schema.empty_table(), np.zeros(0, dtype=np.int64), path, emit)
