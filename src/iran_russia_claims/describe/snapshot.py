"""What the catalogue files describe: the exported files (names, sizes, hashes), the tables
as records, each table's Parquet bytes, and the manifest of the collection they came from.

The card (:mod:`.card`), the Hugging Face header (:mod:`.hub`), the Croissant file
(:mod:`.croissant`) and ``CITATION.cff`` (:mod:`.citation`) are all written from one
:class:`Snapshot`, read once by :func:`read_snapshot`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iran_russia_claims.spec.manifest import Manifest


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """One file of exports/: what a catalogue needs to fetch and check it."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Snapshot:
    """The exported data as the card and the Croissant file describe it, and the manifest of
    the collection it was exported from (its identity)."""

    claims: list[dict[str, Any]]
    actors: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    files: dict[str, ExportedFile]
    manifest: Manifest
    #: Each table's exported Parquet file, by table name.
    parquet: Mapping[str, bytes] = field(default_factory=dict)


def read_snapshot(
    exports: str | Path,
    collection: str | Path | None = None,
    written: Mapping[str, bytes] | None = None,
) -> Snapshot:
    """Read exports/ as ``iran-russia-claims export`` wrote it: JSON and hashes only, no pandas;
    and the manifest of ``collection`` (default: the shipped collection's). ``written``: files
    about to be written there (by name), read as if they were on disk already."""
    import hashlib

    from iran_russia_claims.publish.tables import tables
    from iran_russia_claims.readers.article import sha256_file
    from iran_russia_claims.readers.collection import read_manifest
    from iran_russia_claims.resources import shipped_dataset

    directory = Path(exports)
    pending = dict(written or {})

    def read(name: str) -> bytes:
        return pending[name] if name in pending else (directory / name).read_bytes()

    def load(name: str) -> list[dict[str, Any]]:
        data: list[dict[str, Any]] = json.loads(read(name))
        return data

    # a new exports/ holds only what is about to be written
    on_disk = sorted(directory.iterdir()) if directory.is_dir() or not pending else []
    files = {
        p.name: ExportedFile(p.name, p.stat().st_size, sha256_file(p))
        for p in on_disk
        if p.is_file() and not p.name.startswith(".") and p.name not in pending
    }
    for name, data in pending.items():
        files[name] = ExportedFile(name, len(data), hashlib.sha256(data).hexdigest())
    files = dict(sorted(files.items()))
    manifest = read_manifest(collection if collection is not None else str(shipped_dataset()))
    parquet = {t.name: read(f"{t.name}.parquet") for t in tables()}
    return Snapshot(
        load("claims.json"), load("actors.json"), load("sources.json"), files, manifest, parquet
    )
