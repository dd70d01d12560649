"""Everything generated for catalogues and readers, written or checked in one place.

``iran-russia-claims metadata`` writes ``metadata/croissant.json``, ``metadata/dataset_card.md``,
``metadata/dataset_card.yaml`` and ``CITATION.cff`` from exports/, the collection's manifest and
the model, and refreshes the generated sections of README.md; ``--check`` only reports what is
out of date, which is what CI and the drift tests need. With ``--hub DIR`` it also writes (or
checks) the Hugging Face dataset repository (:func:`hub_layout`) in DIR, in the same set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from iran_russia_claims.describe.card import (
    BLOCKS,
    card_markdown,
    readme_blocks,
    render_card_files,
    sync_blocks,
)
from iran_russia_claims.describe.citation import render_citation
from iran_russia_claims.describe.croissant import render_croissant
from iran_russia_claims.describe.hub import data_file, hub_parquet
from iran_russia_claims.describe.snapshot import Snapshot, read_snapshot
from iran_russia_claims.publish.atomic import write_files
from iran_russia_claims.publish.tables import tables
from iran_russia_claims.spec.problem import DataError, Problem


def hub_layout(snap: Snapshot) -> dict[str, bytes]:
    """The Hub dataset repository, by path relative to its root: ``README.md`` (the card, whose
    configs read the files below), ``CITATION.cff`` and ``data/<table>.parquet``."""
    files = {"README.md": card_markdown(snap).encode("utf-8")}
    files["CITATION.cff"] = render_citation(snap)
    parquet = hub_parquet(snap)
    files.update({data_file(t): parquet[t.name] for t in tables()})
    return files


def expected_files(
    exports: str | Path,
    out: str | Path,
    readme: str | Path | None,
    collection: str | Path | None = None,
    citation: str | Path | None = None,
    written: Mapping[str, bytes] | None = None,
    hub: str | Path | None = None,
) -> dict[Path, bytes]:
    """Each generated file's path and the bytes it should hold, given the current exports (and
    ``written``: exports about to be written, by name) and the manifest of ``collection``
    (default: the shipped one); with ``hub``, the Hugging Face repository's files there too."""
    snap = read_snapshot(exports, collection, written)
    out = Path(out)
    files = {out / "croissant.json": render_croissant(snap)}
    if citation is not None:
        files[Path(citation)] = render_citation(snap)
    files.update({out / name: data for name, data in render_card_files(snap).items()})
    if readme is not None:
        path = Path(readme)
        current = check_readme(path)
        files[path] = sync_blocks(current, readme_blocks(snap)).encode("utf-8")
    if hub is not None:
        files.update({Path(hub) / name: data for name, data in hub_layout(snap).items()})
    return files


def hub_clash(
    hub: str | Path,
    exports: str | Path,
    out: str | Path,
    readme: str | Path | None,
    collection: str | Path,
) -> str | None:
    """Why the Hub repository cannot be written in ``hub``, or None: the folder is (or is inside)
    the exports, the metadata folder or the collection, or its ``README.md`` is the README this
    command refreshes (``--hub .`` in a checkout would overwrite the project's README)."""
    root = Path(hub).resolve()
    for what, folder in (("exports", exports), ("metadata", out), ("collection", collection)):
        place = Path(folder).resolve()
        if root == place or place in root.parents:
            return f"{root} is the {what} folder or inside it ({place})"
    if readme is not None and root / "README.md" == Path(readme).resolve():
        return f"{root / 'README.md'} would be the card, but it is the project's README"
    return None


def check_readme(path: Path) -> str:
    """The README's text, if it holds each generated section's markers once; else DataError
    naming the file and the markers to add."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(
            [Problem("readable", f"cannot read the README: {exc}", str(path))]
        ) from None
    missing = [
        name
        for name in BLOCKS
        if text.count(f"<!-- {name}:start -->") != 1 or text.count(f"<!-- {name}:end -->") != 1
    ]
    if missing:
        markers = ", ".join(f"`<!-- {n}:start -->` ... `<!-- {n}:end -->`" for n in missing)
        raise DataError(
            [
                Problem(
                    "readable",
                    f"the README does not hold each generated section's markers once: {markers}",
                    str(path),
                    hint="add each pair once, on lines of their own (the sections are written "
                    "between them), or pass --no-metadata / --readme FILE",
                )
            ]
        )
    return text


def check_exports_match(exports: Path, collection: str | Path) -> None:
    """Refuse to describe exports that are missing, or that another collection (or version)
    wrote: the card would mix one collection's identity with another's data."""
    from iran_russia_claims.readers.collection import read_manifest

    manifest = read_manifest(collection)
    package = exports / "datapackage.json"
    if not (exports / "claims.json").is_file() or not package.is_file():
        raise DataError(
            [
                Problem(
                    "readable",
                    "no exports here to describe (claims.json or datapackage.json is missing)",
                    str(exports),
                    hint="run `iran-russia-claims export` first, or pass --exports DIR",
                )
            ]
        )
    try:
        written = json.loads(package.read_text(encoding="utf-8"))
        found = (written.get("name"), written.get("version"))
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as exc:
        raise DataError([Problem("readable", f"not a data package: {exc}", str(package))]) from None
    if found != (manifest.name, manifest.version):
        raise DataError(
            [
                Problem(
                    "readable",
                    f"these exports are of {found[0]!r} version {found[1]!r}, the collection "
                    f"is {manifest.name!r} version {manifest.version!r}",
                    str(package),
                    hint="run `iran-russia-claims export` for this collection first, or pass "
                    "the --exports of this collection",
                )
            ]
        )


def stale_files(
    exports: str | Path,
    out: str | Path,
    readme: str | Path | None,
    collection: str | Path | None = None,
    citation: str | Path | None = None,
    hub: str | Path | None = None,
) -> list[str]:
    """Paths whose committed content differs from what would be generated now."""
    stale = []
    expected = expected_files(exports, out, readme, collection, citation, hub=hub)
    for path, data in expected.items():
        if not path.is_file() or path.read_bytes() != data:
            stale.append(str(path))
    return stale


def changed_files(
    exports: str | Path,
    out: str | Path,
    readme: str | Path | None,
    collection: str | Path | None = None,
    citation: str | Path | None = None,
    written: Mapping[str, bytes] | None = None,
    hub: str | Path | None = None,
) -> dict[Path, bytes]:
    """The generated files whose content would change, and their new bytes; ``written``: the
    exports about to be written, so that ``export`` writes them and these as one set."""
    expected = expected_files(exports, out, readme, collection, citation, written, hub)
    return {
        path: data
        for path, data in expected.items()
        if not (path.is_file() and path.read_bytes() == data)
    }


def write_metadata(
    exports: str | Path,
    out: str | Path,
    readme: str | Path | None,
    collection: str | Path | None = None,
    citation: str | Path | None = None,
    hub: str | Path | None = None,
) -> list[Path]:
    """Write every generated file that changed, all or none; returns the paths written."""
    return write_files(changed_files(exports, out, readme, collection, citation, hub=hub))
