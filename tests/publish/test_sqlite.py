"""claims.sqlite and its Datasette metadata: every table typed and keyed as defined, the rows of
the other exports, the same content every time, and drift found by content, not bytes."""

from __future__ import annotations

import csv
import json
import shlex
import shutil
import sqlite3
import subprocess
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

import iran_russia_claims as irc
from conftest import DATASET, EXPORTS, REPO
from iran_russia_claims.curation.dataset import Dataset, read_dataset
from iran_russia_claims.publish import datasette, sqlite
from iran_russia_claims.publish.drift import stale
from iran_russia_claims.publish.export import CHECKSUMS, export, render_checksums
from iran_russia_claims.publish.tables import tables

DATABASE = EXPORTS / sqlite.FILENAME
SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "list": "TEXT",
}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return read_dataset(DATASET)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)


@pytest.mark.parametrize("table", tables(), ids=lambda t: t.name)
def test_every_table_is_typed_and_keyed_as_defined(table) -> None:
    with closing(_connect(DATABASE)) as db:
        info = db.execute(f'PRAGMA table_info("{table.name}")').fetchall()
        keys = db.execute(f'PRAGMA foreign_key_list("{table.name}")').fetchall()
    # (name, declared type, NOT NULL, position in the primary key)
    assert [(c[1], c[2], bool(c[3]), c[5]) for c in info] == [
        (
            f.name,
            SQL_TYPES[f.type],
            f.required,
            table.primary_key.index(f.name) + 1 if f.name in table.primary_key else 0,
        )
        for f in table.fields
    ]
    # foreign_key_list: (id, seq, table, from, to, ...), one id per key, in reverse order
    found: dict[int, tuple[str, list[str], list[str]]] = {}
    for key_id, _, target, source, reference, *_ in keys:
        entry = found.setdefault(key_id, (target, [], []))
        entry[1].append(source)
        entry[2].append(reference)
    assert sorted((t, tuple(s), tuple(r)) for t, s, r in found.values()) == sorted(
        (fk.table, fk.fields, fk.reference) for fk in table.foreign_keys
    )


@pytest.mark.parametrize("table", tables(), ids=lambda t: t.name)
def test_rows_are_the_shipped_records_with_nulls_and_json_lists(table) -> None:
    with closing(_connect(DATABASE)) as db:
        db.row_factory = sqlite3.Row
        rows = [dict(r) for r in db.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid')]
    lists = [f.name for f in table.fields if f.type == "list"]
    for row in rows:
        for name in lists:
            assert json.loads(row[name]) is not None
            row[name] = json.loads(row[name])
    assert rows == irc.load(table.name, as_frame=False)


def test_values_keep_their_types_and_absent_values_are_null() -> None:
    actors = irc.load("actors", as_frame=False)
    with closing(_connect(DATABASE)) as db:
        types = db.execute(
            "SELECT DISTINCT typeof(confidence), typeof(start), typeof(actors) FROM claims"
        ).fetchall()
        missing = db.execute("SELECT count(*) FROM actors WHERE iso3 IS NULL").fetchone()[0]
        empty = db.execute("SELECT count(*) FROM actors WHERE iso3 = ''").fetchone()[0]
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
    assert types == [("real", "integer", "text")]
    assert missing == sum(a["iso3"] is None for a in actors) > 0
    assert empty == 0
    assert problems == []


def test_list_cells_are_the_csv_cells_and_json_each_reads_them() -> None:
    claims = irc.load(as_frame=False)
    with irc.files()["claims.csv"].open(encoding="utf-8", newline="") as handle:
        csv_cells = {row["id"]: (row["actors"], row["hedges"]) for row in csv.DictReader(handle)}
    with closing(_connect(DATABASE)) as db:
        cells = db.execute("SELECT id, actors, hedges FROM claims").fetchall()
        unnested = db.execute(
            "SELECT count(*) FROM claims, json_each(claims.actors) AS a "
            "JOIN claim_actors ON claim_actors.claim_id = claims.id "
            "AND claim_actors.rank = a.key + 1 AND claim_actors.actor = a.value"
        ).fetchone()[0]
    assert {claim_id: (actors, hedges) for claim_id, actors, hedges in cells} == csv_cells
    assert unnested == sum(len(c["actors"]) for c in claims)


def test_the_same_rows_give_the_same_bytes(dataset: Dataset) -> None:
    first = sqlite.render_sqlite(dataset)
    assert sqlite.render_sqlite(dataset) == first
    assert first[:16] == b"SQLite format 3\x00"
    assert int.from_bytes(first[16:18], "big") == sqlite.PAGE_SIZE
    assert first[18:20] == b"\x01\x01"  # rollback journal, not WAL
    assert sqlite.contents(first) == sqlite.contents(DATABASE.read_bytes())


# -- drift ---------------------------------------------------------------------------------------
def _rewrite_checksums(folder: Path) -> None:
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != CHECKSUMS}
    (folder / CHECKSUMS).write_bytes(render_checksums(files))


def test_drift_is_found_in_a_row_but_not_in_the_header(dataset: Dataset, tmp_path: Path) -> None:
    export(dataset, tmp_path / "exports")
    folder = tmp_path / "exports"
    expected = {p: p.read_bytes() for p in folder.iterdir()}
    target, sums = folder / sqlite.FILENAME, folder / CHECKSUMS
    assert stale(expected, [folder]) == []

    # Written by another SQLite release: the version in the header differs, nothing else.
    data = bytearray(expected[target])
    data[96:100] = (3_008_000).to_bytes(4, "big")
    target.write_bytes(bytes(data))
    assert stale(expected, [folder]) == [
        f"{sums}: the hash of {sqlite.FILENAME} does not match the file"
    ]
    _rewrite_checksums(folder)
    assert target.read_bytes() != expected[target]
    assert stale(expected, [folder]) == []

    # One value changed: drift, in the database and in its checksum.
    with closing(sqlite3.connect(target)) as db:
        db.execute("UPDATE claims SET confidence = confidence + 0.01 WHERE rowid = 1")
        db.commit()
    assert set(stale(expected, [folder])) == {
        f"{target}: the rows of its table 'claims' differ",
        f"{sums}: the hash of {sqlite.FILENAME} does not match the file",
    }
    _rewrite_checksums(folder)
    assert stale(expected, [folder]) == [f"{target}: the rows of its table 'claims' differ"]

    # An absent value made empty text, a changed schema, a file that is not SQLite.
    target.write_bytes(expected[target])
    with closing(sqlite3.connect(target)) as db:
        db.execute("UPDATE actors SET iso3 = '' WHERE iso3 IS NULL")
        db.commit()
    assert f"{target}: the rows of its table 'actors' differ" in stale(expected, [folder])
    target.write_bytes(expected[target])
    with closing(sqlite3.connect(target)) as db:
        db.execute("CREATE INDEX claims_theme ON claims (theme)")
        db.commit()
    assert f"{target}: its schema differs" in "\n".join(stale(expected, [folder]))
    target.write_bytes(b"not a database" * 100)
    assert f"{target}: cannot be read as SQLite" in "\n".join(stale(expected, [folder]))


# -- Datasette's metadata ------------------------------------------------------------------------
def test_datasette_metadata_comes_from_the_manifest_and_the_tables() -> None:
    document = json.loads((EXPORTS / datasette.FILENAME).read_text(encoding="utf-8"))
    manifest = irc.manifest()
    assert document["title"] == manifest.title
    assert document["description"].startswith(manifest.description)
    assert manifest.version in document["description"]
    assert document["license"] in (manifest.license.title, manifest.license.id)
    assert document.get("license_url") == manifest.license.url
    assert document.get("about_url") == manifest.homepage
    assert document["source"] == "; ".join(f"{s.title} ({s.author})" for s in irc.sources())
    described = document["databases"][Path(sqlite.FILENAME).stem]["tables"]
    assert list(described) == [t.name for t in tables()]
    for table in tables():
        entry = described[table.name]
        assert (entry["title"], entry["description"]) == (table.title, table.description)
        assert list(entry["columns"]) == list(table.field_names)
        for field in table.fields:
            assert entry["columns"][field.name].startswith(field.description)


def test_facets_name_columns_that_exist_and_arrays_hold_json() -> None:
    document = json.loads((EXPORTS / datasette.FILENAME).read_text(encoding="utf-8"))
    claims = document["databases"]["claims"]["tables"]["claims"]["facets"]
    assert {"theme", "kind", "confidence_band"} <= {f for f in claims if isinstance(f, str)}
    assert {"array": "actors"} in claims
    with closing(_connect(DATABASE)) as db:
        for name, entry in document["databases"]["claims"]["tables"].items():
            columns = {c[1] for c in db.execute(f'PRAGMA table_info("{name}")')}
            for facet in entry.get("facets", []):
                column = facet["array"] if isinstance(facet, dict) else facet
                assert column in columns, (name, facet)
                if isinstance(facet, dict):
                    bad = db.execute(
                        f'SELECT count(*) FROM "{name}" WHERE json_type("{column}") != \'array\''
                    ).fetchone()[0]
                    assert bad == 0, (name, column)


def test_the_readme_sqlite3_example_counts_the_actors() -> None:
    """The README's `sqlite3` shell line, run as written from the checkout."""
    lines = [
        line
        for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("sqlite3 ")
    ]
    assert lines, "the README lost its sqlite3 example"
    if shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 shell is not installed: apt-get install sqlite3")
    claims = irc.load(as_frame=False)
    expected = Counter(code for c in claims for code in c["actors"])
    for line in lines:
        out = subprocess.run(
            shlex.split(line), cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
        header, _, *rows = out.splitlines()
        assert header.split() == ["actor", "claims"]
        counts = {actor: int(n) for actor, n in (row.split() for row in rows)}
        assert counts == dict(expected)
        assert list(counts) == sorted(expected, key=lambda a: (-expected[a], a))


def test_another_collection_gets_its_own_titles_and_licence() -> None:
    """Nothing in the metadata is a constant: the worked example's manifest names its own."""
    example = read_dataset(REPO / "docs" / "example" / "kz-kg-water")
    document = datasette.metadata(example)
    manifest = example.manifest
    assert document["title"] == manifest.title != irc.manifest().title
    assert document["about"] == f"{manifest.name} {manifest.version}"
    assert document["license"] == (manifest.license.title or manifest.license.id)
    assert ("license_url" in document) == (manifest.license.url is not None)
    assert ("about_url" in document) == (manifest.homepage is not None)
    titles = {s.title for s in example.registry.sources.values()}
    assert all(title in document["source"] for title in titles)
