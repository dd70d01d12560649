"""Datasette over ``claims.sqlite``: its metadata file, and the command that serves them.

``datasette-metadata.json`` is Datasette's metadata (the 0.65 format): the collection's title,
description, licence and homepage from its manifest, the articles as the data's source, and for
every table its title, description and column descriptions from the table definitions
(:mod:`.tables`), with the facets a reader starts from (:func:`facets`). Nothing in it is
written by hand, so it names no column the database lacks.

:func:`serve_command` is what ``iran-russia-claims browse`` runs: Datasette's own command line,
through the same Python, the database opened read-only and immutable (the shipped file may sit
in a read-only site-packages, and nothing is written beside it), on 127.0.0.1 only. A child
process, not Datasette imported here: its command line is the interface it documents and keeps
across releases (its Python API and server set-up are not), its server handles Ctrl-C and logs
as Datasette does, and ``--dry-run`` can print the very command a user may run by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.publish import sqlite
from iran_russia_claims.publish.tables import Table, tables

if TYPE_CHECKING:
    from iran_russia_claims.curation.dataset import Dataset

FILENAME: Final = "datasette-metadata.json"
#: Datasette names a database after its file.
DATABASE: Final = Path(sqlite.FILENAME).stem
#: Datasette listens here only: the local machine, never the network.
HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8001
INSTALL_HINT: Final = "pip install 'iran-russia-claims[browse]'"


def facets(table: Table) -> list[str | dict[str, str]]:
    """The facets a table page opens with, in field order: every field with a closed
    vocabulary, every list whose elements are keys of a table (an array facet: Datasette
    counts each element; a claim's ``actors``, not its free-text ``hedges``), and every
    single-field foreign key to a registry (a table that refers to no other, as ``actors``
    and ``sources``)."""
    registries = {t.name for t in tables() if not t.foreign_keys}
    keys = {
        fk.fields[0] for fk in table.foreign_keys if len(fk.fields) == 1 and fk.table in registries
    }
    found: list[str | dict[str, str]] = []
    for field in table.fields:
        if field.type == "list" and field.items_refer_to is not None:
            found.append({"array": field.name})
        elif field.vocabulary is not None or field.name in keys:
            found.append(field.name)
    return found


def _table(table: Table) -> dict[str, Any]:
    columns = {
        f.name: f.description + (" A JSON array of strings." if f.type == "list" else "")
        for f in table.fields
    }
    entry: dict[str, Any] = {
        "title": table.title,
        "description": table.description,
        "columns": columns,
    }
    if found := facets(table):
        entry["facets"] = found
    return entry


def metadata(dataset: Dataset) -> dict[str, Any]:
    """Datasette's metadata for ``claims.sqlite`` of ``dataset``."""
    manifest = dataset.manifest
    articles = "; ".join(
        f"{src.title} ({src.author})" for _, src in sorted(dataset.registry.sources.items())
    )
    document: dict[str, Any] = {
        "title": manifest.title,
        "description": f"{manifest.description} Version {manifest.version}.",
        "license": manifest.license.title or manifest.license.id,
    }
    if manifest.license.url:
        document["license_url"] = manifest.license.url
    document["source"] = articles
    document["about"] = f"{manifest.name} {manifest.version}"
    if manifest.homepage:
        document["about_url"] = manifest.homepage
    document["databases"] = {DATABASE: {"tables": {t.name: _table(t) for t in tables()}}}
    return document


def servable(given: Path | None) -> Path:
    """The exports folder to serve (``given``, else the one shipped with the package), once it
    is known to hold the database and its metadata; else a :class:`DataError` with the fix."""
    from iran_russia_claims.resources import exports_dir
    from iran_russia_claims.spec.problem import DataError, Problem

    exports = given or exports_dir()
    missing = [n for n in (sqlite.FILENAME, FILENAME) if not (exports / n).is_file()]
    if missing:
        hint = "run `iran-russia-claims export` there" + ("" if given else ", or pass --exports")
        raise DataError(
            [Problem("readable", f"no {' or '.join(missing)} here", str(exports), hint=hint)]
        )
    return exports


def serve_command(exports: Path, port: int, *, open_browser: bool = False) -> list[str]:
    """Datasette's command line serving ``claims.sqlite`` in ``exports`` with its metadata."""
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(exports / sqlite.FILENAME),
        "--metadata",
        str(exports / FILENAME),
        "--host",
        HOST,
        "--port",
        str(port),
    ]
    return [*command, "--open"] if open_browser else command


def port_free(port: int) -> bool:
    """Whether Datasette could listen on ``port`` of :data:`HOST` now (a port another server
    holds would end Datasette at once)."""
    import os
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # as the server does: a port in TIME_WAIT is free to bind
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def url(port: int) -> str:
    """Where the served database's page is."""
    return f"http://{HOST}:{port}/{DATABASE}"
