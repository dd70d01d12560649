"""Reproducible synthetic claims tables of any size, for benchmarks and property tests.

Every rule holds in the output: ids are unique, actors come from the shipped actor registry,
bands match confidences, and offsets, sections and lengths agree with a declared synthetic
source registry (:func:`synth_registry`). Tables are built column by column with NumPy and
Arrow compute, never row by row, so a million claims take a few seconds. Files are written by
the exports' own writer (:mod:`.writer`), so readers see what they would see in a real export:
the same CSV and JSON bytes, and Parquet with the same schema, field descriptions and table
metadata (marked as synthetic).
"""

from __future__ import annotations

import gc
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from iran_russia_claims.publish.writer import FORMATS, write
from iran_russia_claims.spec.vocab import (
    BAND_UPPER_BOUNDS,
    CLAIM_COLUMN_NAMES,
    LIST_COLUMNS,
    ORDINAL_VOCABULARIES,
    VOCABULARY_COLUMNS,
    Kind,
    Theme,
)

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from iran_russia_claims.spec.models import Registry

__all__ = [
    "FORMATS",
    "SYNTH_SOURCES",
    "synth_frame",
    "synth_registry",
    "synth_table",
    "write_registry",
    "write_synth",
    "write_table",
]

#: The declared synthetic sources: id, length in characters, and section slugs. Sections tile
#: each source in equal parts; several sources make the per-source registry checks do work.
SYNTH_SOURCES: Final[tuple[tuple[str, int, tuple[str, ...]], ...]] = (
    (
        "synthetic-analysis",
        240_000,
        (
            "introduction",
            "background",
            "economy",
            "energy",
            "defence",
            "nuclear",
            "diplomacy",
            "outlook",
        ),
    ),
    ("synthetic-briefing", 90_000, ("summary", "sanctions", "military", "scenarios")),
    ("synthetic-interview", 30_000, ("opening", "questions", "closing")),
)

# Assertion parts: every combination is 15-240 characters, trimmed, plain ASCII with no quote,
# backslash or control character (so CSV and JSON need no escaping beyond CSV quoting).
_SUBJECTS: Final = (
    "Iran",
    "Russia",
    "Moscow",
    "Tehran",
    "The partnership",
    "Western pressure",
    "Russian companies",
    "The Security Council",
    "Bilateral trade",
    "Military cooperation",
)
_VERBS: Final = (
    "deepens",
    "weakens",
    "reshapes",
    "depends on",
    "accelerates",
    "limits",
    "is expected to change",
    "may undermine",
    "strengthens",
    "complicates",
)
_OBJECTS: Final = (
    "energy cooperation in the Caspian region",
    "the regional balance of power",
    "arms transfers between the two states",
    "trade routes that avoid Western banks",
    "the diplomatic position of both governments",
    "the nuclear negotiations",
    "long-term investment in gas fields",
    "coordination at the United Nations",
    "the economic stability of Iran",
    "the future of the relationship",
)
_HEDGES: Final = (
    "likely",
    "could",
    "may",
    "perhaps",
    "is expected to",
    "a distant prospect",
    "almost certainly",
    "unlikely",
    "it seems",
    "possibly",
    "may well",
)
#: Relative weight of each actor code: the two protagonists dominate, as in the article.
_ACTOR_WEIGHT: Final = {"IRN": 8.0, "RUS": 8.0, "USA": 2.0, "WEST": 2.0}
_MAX_ACTORS: Final = 3
_MAX_HEDGES: Final = 2
_SPAN_MIN, _SPAN_MAX = 20, 600


def synth_registry() -> Registry:
    """The shipped actor registry plus the declared synthetic sources that synth data cites."""
    from iran_russia_claims.api import actors
    from iran_russia_claims.spec.models import Registry, Source

    sources = {}
    for source_id, length, slugs in SYNTH_SOURCES:
        bounds = np.linspace(0, length, len(slugs) + 1).astype(int)
        source = Source.model_validate(
            {
                "id": source_id,
                "title": f"Synthetic source {source_id}",
                "author": "iran-russia-claims synth",
                "language": "en",
                "filename": f"{source_id}.txt",
                "sha256": hashlib.sha256(source_id.encode()).hexdigest(),
                "length": length,
                "sections": [
                    {"slug": slug, "title": slug.title(), "start": int(a), "end": int(b)}
                    for slug, a, b in zip(slugs, bounds[:-1], bounds[1:], strict=True)
                ],
            }
        )
        sources[source.id] = source
    return Registry({a.code: a for a in actors()}, sources)


def _arrow_schema(rows: int, seed: int, offset: int = 0) -> pa.Schema:
    """The published claims schema (as in ``claims.parquet``), marked as synthetic."""
    from iran_russia_claims.publish.parquet import METADATA_PREFIX, arrow_schema, table_metadata
    from iran_russia_claims.publish.tables import table

    claims = table("claims")
    return arrow_schema(
        claims,
        {
            **table_metadata(claims),
            f"{METADATA_PREFIX}synthetic": json.dumps(
                {"rows": rows, "seed": seed} | ({"offset": offset} if offset else {})
            ),
        },
    )


def _top_k_distinct(rng: np.random.Generator, weights: np.ndarray, k: np.ndarray) -> Any:
    """Per row, ``k[row]`` distinct choices weighted by ``weights``, as a (flat, offsets) pair.

    Gumbel top-k: sort per-row random keys once, keep the first k of each row; no Python loop.
    """
    rows, width = len(k), int(k.max(initial=0))
    uniform = 1 - rng.random((rows, len(weights)), dtype=np.float32)  # in (0, 1]: log is finite
    keys = np.log(uniform) / weights.astype(np.float32)
    order = np.argsort(-keys, axis=1)[:, :width]
    flat = order[np.arange(width) < k[:, None]]
    offsets = np.zeros(rows + 1, dtype=np.int32)
    np.cumsum(k, out=offsets[1:])
    return flat, offsets


def _hex_column(rng: np.random.Generator, rows: int) -> pa.Array:
    """``rows`` random 64-digit lower-case hex strings, built in one buffer."""
    import pyarrow as pa

    pairs = np.frombuffer("".join(f"{b:02x}" for b in range(256)).encode(), dtype=np.uint16)
    text = pairs[np.frombuffer(rng.bytes(32 * rows), dtype=np.uint8)].view(np.uint8)
    offsets = np.arange(0, 64 * rows + 1, 64, dtype=np.int32)
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(text))


def _dictionary(indices: np.ndarray, values: list[str]) -> pa.Array:
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(values))


def _strings(indices: np.ndarray, values: list[str]) -> pa.Array:
    import pyarrow as pa

    return pa.array(values, pa.string()).take(pa.array(indices))


def synth_table(
    rows: int, seed: int = 0, registry: Registry | None = None, *, offset: int = 0
) -> pa.Table:
    """``rows`` valid claims as an Arrow table with the export's schema, reproducible by seed.

    ``registry`` defaults to :func:`synth_registry`; any registry whose sources have sections
    works, which lets tests build tables against their own small registry. Claims are numbered
    from ``offset + 1``, so tables made with offsets 0, n, 2n, ... of n rows each (and any
    seeds) are slices of one valid table: their ids and spans do not repeat.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if rows < 0:
        raise ValueError(f"rows must be >= 0, not {rows}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, not {offset}")
    registry = registry if registry is not None else synth_registry()
    rng = np.random.default_rng(seed)
    sources = list(registry.sources.values())
    codes = sorted(registry.actors)

    # ids: IRR-0001 .. IRR-9999, then IRR-10000 onwards (the canonical spelling of each number).
    numbers = pa.array(np.arange(offset + 1, offset + rows + 1, dtype=np.int64))
    ids = pc.binary_join_element_wise(
        "IRR-", pc.utf8_lpad(pc.cast(numbers, pa.string()), width=4, padding="0"), ""
    )

    # offsets, source and section: a start inside the source, the section found by search.
    source_idx = rng.integers(0, len(sources), rows)
    lengths = np.array([s.length for s in sources], dtype=np.int64)
    start = (rng.random(rows) * (lengths[source_idx] - 1)).astype(np.int64)
    end = np.minimum(start + rng.integers(_SPAN_MIN, _SPAN_MAX + 1, rows), lengths[source_idx])
    base = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    sec_starts = np.concatenate(
        [[base[i] + sec.start for sec in s.sections] for i, s in enumerate(sources)]
    )
    sec_slugs = [sec.slug for s in sources for sec in s.sections]
    slugs = sorted(set(sec_slugs))
    slug_index = np.array([slugs.index(slug) for slug in sec_slugs], dtype=np.int32)
    section = slug_index[np.searchsorted(sec_starts, base[source_idx] + start, side="right") - 1]

    # confidence in hundredths, and the band that holds it (ranges closed at the top).
    confidence = rng.integers(1, 100, rows) / 100.0
    uppers = np.array(list(BAND_UPPER_BOUNDS.values()))
    band = np.searchsorted(uppers, confidence, side="left")

    weights = np.array([_ACTOR_WEIGHT.get(code, 1.0) for code in codes])
    n_actors = rng.integers(1, min(_MAX_ACTORS, len(codes)) + 1, rows)
    actor_flat, actor_offsets = _top_k_distinct(rng, weights, n_actors)
    n_hedges = rng.integers(0, _MAX_HEDGES + 1, rows)
    hedge_flat, hedge_offsets = _top_k_distinct(rng, np.ones(len(_HEDGES)), n_hedges)

    parts = [pa.array(p) for p in (_SUBJECTS, _VERBS, _OBJECTS)]
    assertion = pc.binary_join_element_wise(
        *(p.take(pa.array(rng.integers(0, len(p), rows))) for p in parts), " "
    )
    assertion = pc.binary_join_element_wise(
        assertion, ", synthetic claim ", pc.cast(numbers, pa.string()), ".", ""
    )

    columns = {
        "id": ids,
        "source_id": _strings(source_idx, [s.id for s in sources]),
        "section": _strings(section, slugs),
        "start": pa.array(start),
        "end": pa.array(end),
        "span_sha256": _hex_column(rng, rows),
        "theme": _dictionary(rng.integers(0, len(Theme), rows), [t.value for t in Theme]),
        "actors": pa.ListArray.from_arrays(
            pa.array(actor_offsets), pa.array(codes).take(pa.array(actor_flat))
        ),
        "kind": _dictionary(rng.integers(0, len(Kind), rows), [k.value for k in Kind]),
        "assertion": assertion,
        "confidence": pa.array(confidence),
        "confidence_band": _dictionary(band, [b.value for b in BAND_UPPER_BOUNDS]),
        "hedges": pa.ListArray.from_arrays(
            pa.array(hedge_offsets), pa.array(_HEDGES).take(pa.array(hedge_flat))
        ),
    }
    schema = _arrow_schema(rows, seed, offset)
    return pa.Table.from_arrays([columns[f.name].cast(f.type) for f in schema], schema=schema)


def synth_frame(rows: int, seed: int = 0, registry: Registry | None = None) -> pd.DataFrame:
    """The same claims as :func:`synth_table`, with the dtypes of :func:`iran_russia_claims.load`.

    Categoricals over the full vocabularies, object strings, int64 offsets, float64 confidence
    and Python lists of str in ``actors`` and ``hedges``.
    """
    import pandas as pd

    table = synth_table(rows, seed, registry)
    data: dict[str, Any] = {}
    for name in CLAIM_COLUMN_NAMES:
        column = table.column(name).combine_chunks()
        if name in VOCABULARY_COLUMNS:
            categories = [str(v) for v in VOCABULARY_COLUMNS[name]]
            # re-code from the column's dictionary order to the vocabulary's order
            recode = np.array(
                [categories.index(v) for v in column.dictionary.to_pylist()], dtype=np.int8
            )
            codes = recode[column.indices.to_numpy()]
            ordered = VOCABULARY_COLUMNS[name] in ORDINAL_VOCABULARIES
            dtype = pd.CategoricalDtype(categories, ordered=ordered)
            data[name] = pd.Categorical.from_codes(codes, dtype=dtype)
        elif name in LIST_COLUMNS:
            values = np.empty(len(column), dtype=object)
            gc_was_on = gc.isenabled()
            gc.disable()  # a million new lists would otherwise trigger collection after collection
            try:
                values[:] = column.to_pylist()
            finally:
                if gc_was_on:
                    gc.enable()
            data[name] = values
        else:
            data[name] = column.to_pandas()
            if name in ("source_id", "section"):
                data[name] = data[name].astype(object)
    return pd.DataFrame(data, columns=list(CLAIM_COLUMN_NAMES))


# -- writers --------------------------------------------------------------------------------------
def write_table(table: pa.Table, path: str | Path, *, chunk_rows: int | None = None) -> Path:
    """Write a claims table (as from :func:`synth_table`) in the format named by the extension.

    The one writer of the exports (:func:`.writer.write`), atomically: ``.parquet`` (zstd, with
    the field descriptions and the table's metadata), ``.csv`` and ``.json`` as the exports
    write them, ``.jsonl`` one compact object per line. A value outside a vocabulary (a file
    broken on purpose) is written as it is, its column as plain text.
    """
    return write(table, path, chunk_rows=chunk_rows, outside_vocabulary="text")


def write_synth(path: str | Path, rows: int, seed: int = 0) -> Path:
    """Write ``rows`` synthetic claims to ``path`` (format by extension); return the path."""
    return write_table(synth_table(rows, seed), path)


def write_registry(directory: str | Path, registry: Registry | None = None) -> list[Path]:
    """Write a registry as ``actors.yaml`` and ``sources.yaml`` (JSON, which YAML reads).

    :func:`iran_russia_claims.readers.registry.read_registry` reads the directory back, so a
    validator can be pointed at the synthetic registry.
    """
    registry = registry if registry is not None else synth_registry()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    documents = {
        "actors.yaml": {
            "actors": [
                a.model_dump(mode="json", exclude_none=True) for a in registry.actors.values()
            ]
        },
        "sources.yaml": {"sources": [s.model_dump(mode="json") for s in registry.sources.values()]},
    }
    written = []
    for name, document in documents.items():
        target = directory / name
        target.write_text(
            json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        written.append(target)
    return written
