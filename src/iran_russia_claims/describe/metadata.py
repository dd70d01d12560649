"""Everything generated for catalogues and readers, written or checked in one place.

``iran-russia-claims metadata`` writes ``metadata/croissant.json``, ``metadata/dataset_card.md``,
``metadata/dataset_card.yaml`` and ``CITATION.cff`` from exports/, the collection's manifest and
the model, and refreshes the generated sections of README.md; ``--check`` only reports what is
out of date, which is what CI and the drift tests need.
"""

from __future__ import annotations

from pathlib import Path

from iran_russia_claims.describe.card import (
    read_snapshot,
    readme_blocks,
    render_card_files,
    sync_blocks,
)
from iran_russia_claims.describe.citation import render_citation
from iran_russia_claims.describe.croissant import render_croissant
from iran_russia_claims.publish.atomic import write_files


def expected_files(
    exports: str | Path,
    out: str | Path,
    readme: str | Path | None,
    collection: str | Path | None = None,
    citation: str | Path | None = None,
) -> dict[Path, bytes]:
    """Each generated file's path and the bytes it should hold, given the current exports and
    the manifest of ``collection`` (default: the shipped one)."""
    snap = read_snapshot(exports, collection)
    out = Path(out)
    files = {out / "croissant.json": render_croissant(snap)}
    if citation is not None:
        files[Path(citation)] = render_citation(snap)
    files.update({out / name: data for name, data in render_card_files(snap).items()})
    if readme is not None:
        path = Path(readme)
        current = path.read_text(encoding="utf-8")
        files[path] = sync_blocks(current, readme_blocks(snap)).encode("utf-8")
    return files


def stale_files(
    exports: str | Path,
    out: str | Path,
    readme: str | Path | None,
    collection: str | Path | None = None,
    citation: str | Path | None = None,
) -> list[str]:
    """Paths whose committed content differs from what would be generated now."""
    stale = []
    for path, data in expected_files(exports, out, readme, collection, citation).items():
        if not path.is_file() or path.read_bytes() != data:
            stale.append(str(path))
    return stale


def write_metadata(
    exports: str | Path,
    out: str | Path,
    readme: str | Path | None,
    collection: str | Path | None = None,
    citation: str | Path | None = None,
) -> list[Path]:
    """Write every generated file that changed, all or none; returns the paths written."""
    changed = {
        path: data
        for path, data in expected_files(exports, out, readme, collection, citation).items()
        if not (path.is_file() and path.read_bytes() == data)
    }
    return write_files(changed)
