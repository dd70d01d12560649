"""``datapackage.json``: the exports described as a Frictionless Data Package (spec v1).

Each table's CSV file is a tabular data resource with a Table Schema built from
:mod:`iran_russia_claims.publish.tables` (types, descriptions, constraints, primary and foreign
keys), so ``frictionless validate datapackage.json`` checks every value and every reference. List
fields are ``type: array``: the cell holds a JSON array, which Frictionless reads back as a list,
and each element is declared with ``arrayItem`` (a string; for a claim's ``actors``, one of the
registry's codes), which Table Schema's foreign keys cannot state for a list. The rules a Table
Schema can state are :data:`STATED_RULES`; the others only ``validate`` checks (a test proves the
split, rule by rule, with ``frictionless validate``). The JSON and Parquet renderings are listed as
plain file resources: Frictionless cannot read Parquet list columns, and reading JSON tables needs
an extra it does not install by default; so are the SQLite database of every table and its
Datasette metadata. No timestamps or hashes, so the file is the same whenever the data is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.publish import datasette, sqlite
from iran_russia_claims.publish.tables import Table, TableField, tables
from iran_russia_claims.spec.vocab import FALSE_VALUES, SCHEMA_VERSION, TRUE_VALUES, with_id_prefix

if TYPE_CHECKING:
    from iran_russia_claims.curation.dataset import Dataset
    from iran_russia_claims.spec.manifest import Manifest

FILENAME: Final = "datapackage.json"
#: The CSV dialect every CSV export is written in (see ``writer``).
CSV_DIALECT: Final = {
    "delimiter": ",",
    "lineTerminator": "\n",
    "quoteChar": '"',
    "doubleQuote": True,
    "header": True,
}
_MEDIATYPES: Final = {
    "csv": "text/csv",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
    "sqlite": "application/vnd.sqlite3",
}


#: The rules (``spec/rules.py``, ``spec/link_rules.py``) that the data package's Table Schemas
#: state, so that ``frictionless validate datapackage.json`` checks them too: types, required
#: values, patterns,
#: vocabularies, bounds, the primary key, the foreign keys and the list items. Every other rule
#: (``describe.card`` lists them in the README) only ``validate`` checks.
#: ``tests/publish/test_datapackage.py`` breaks each rule alone and runs Frictionless.
STATED_RULES: Final = frozenset(
    {
        "required", "type", "no_extra_fields", "row_not_empty",
        "id_pattern", "source_id_pattern", "section_pattern", "start_non_negative",
        "sha256_pattern", "theme_vocabulary", "kind_vocabulary", "band_vocabulary",
        "actors_non_empty", "actors_pattern", "actors_registered", "assertion_length",
        "confidence_finite", "confidence_range", "id_unique", "source_registered",
        # the link tables: their patterns, vocabularies, primary and foreign keys
        "claim_id_pattern", "from_id_pattern", "to_id_pattern", "source_pattern",
        "target_pattern", "quad_class_vocabulary", "relation_vocabulary", "ground_vocabulary",
        "coded_by_vocabulary", "codebook_version_known", "claim_exists", "from_exists",
        "to_exists", "coding_unique",
    }
)  # fmt: skip


def _field(field: TableField, keys: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    constraints: dict[str, Any] = {"required": True} if field.required else {}
    constraints.update(field.constraints)
    out: dict[str, Any] = {
        "name": field.name,
        "type": "array" if field.type == "list" else field.type,
        "description": field.description,
    }
    if field.type == "list":
        out["description"] += " Written in CSV as a JSON array of strings."
        item: dict[str, Any] = dict(field.item_constraints)
        if field.items_refer_to is not None:  # a foreign key of each element, as an enum
            item["enum"] = list(keys[field.items_refer_to])
        out["arrayItem"] = {"type": "string"} | ({"constraints": item} if item else {})
    if field.type == "boolean":  # the spellings every reader of the package takes
        out["trueValues"], out["falseValues"] = list(TRUE_VALUES), list(FALSE_VALUES)
    if constraints:
        out["constraints"] = constraints
    if field.vocabulary is not None:  # Table Schema v2: the values, and whether they run in order
        out["categories"] = list(field.vocabulary)
        out["categoriesOrdered"] = field.ordered
    return out


def _keys(fields: tuple[str, ...]) -> str | list[str]:
    return fields[0] if len(fields) == 1 else list(fields)


def table_schema(table: Table, keys: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The Frictionless Table Schema of one table; ``keys``: the primary keys of each table that
    a list's elements refer to (``{"actors": codes}``), which become the items' enum."""
    schema: dict[str, Any] = {
        "fields": [_field(f, keys) for f in table.fields],
        "missingValues": [""],
        "primaryKey": _keys(table.primary_key),
    }
    if table.foreign_keys:
        by_name = {t.name: t for t in tables()}
        schema["foreignKeys"] = [
            {
                "fields": _keys(fk.fields),
                "reference": {
                    "resource": by_name[fk.table].resource,
                    "fields": _keys(fk.reference),
                },
            }
            for fk in table.foreign_keys
        ]
    return schema


def _resources(table: Table, keys: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    csv = {
        "name": table.resource,
        "title": table.title,
        "description": table.description,
        "profile": "tabular-data-resource",
        "path": f"{table.name}.csv",
        "format": "csv",
        "mediatype": _MEDIATYPES["csv"],
        "encoding": "utf-8",
        "dialect": CSV_DIALECT,
        "schema": table_schema(table, keys),
    }
    json_note = (
        "the source registry as records, each with its `sections` nested"
        if table.name == "sources"
        else f"the `{table.resource}` table as an array of records, with native lists and numbers"
    )
    others = [
        {
            "name": f"{table.resource}-json",
            "title": f"{table.title} (JSON)",
            "description": f"JSON rendering of {json_note}.",
            "path": f"{table.name}.json",
            "format": "json",
            "mediatype": _MEDIATYPES["json"],
            "encoding": "utf-8",
        },
        {
            "name": f"{table.resource}-parquet",
            "title": f"{table.title} (Parquet)",
            "description": f"Parquet rendering of the `{table.resource}` table: typed columns "
            "(lists, dictionary-encoded vocabularies), field descriptions in the Arrow "
            "schema, zstd.",
            "type": "file",
            "path": f"{table.name}.parquet",
            "format": "parquet",
            "mediatype": _MEDIATYPES["parquet"],
        },
    ]
    return [csv, *others]


def _database_resources() -> list[dict[str, Any]]:
    """The SQLite database of every table, and Datasette's metadata for it."""
    return [
        {
            "name": "database-sqlite",
            "title": "Every table (SQLite)",
            "description": "SQLite database of every table, typed, with primary and foreign "
            "keys; list columns hold JSON arrays.",
            "type": "file",
            "path": sqlite.FILENAME,
            "format": "sqlite",
            "mediatype": _MEDIATYPES["sqlite"],
        },
        {
            "name": "database-datasette",
            "title": "Datasette metadata",
            "description": f"Datasette metadata for {sqlite.FILENAME}: titles, descriptions, "
            "licence and facets (`datasette serve --immutable "
            f"{sqlite.FILENAME} --metadata {datasette.FILENAME}`).",
            "type": "file",
            "path": datasette.FILENAME,
            "format": "json",
            "mediatype": _MEDIATYPES["json"],
            "encoding": "utf-8",
        },
    ]


def license_of(manifest: Manifest) -> dict[str, str]:
    """The data licence as a Data Package ``licenses`` entry."""
    entry = {"name": manifest.license.id}
    if manifest.license.url:
        entry["path"] = manifest.license.url
    if manifest.license.title:
        entry["title"] = manifest.license.title
    return entry


def descriptor(dataset: Dataset) -> dict[str, Any]:
    """The data package describing every export file but itself and ``SHA256SUMS``; its
    identity (name, title, description, version, licence, creators) is the manifest's."""
    manifest = dataset.manifest
    keys = {"actors": sorted(dataset.registry.actors)}
    sources = [
        {"title": f"{src.title} ({src.author}); SHA-256 of the text {src.sha256}"}
        for _, src in sorted(dataset.registry.sources.items())
    ]
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": manifest.name,
        "title": manifest.title,
        "description": (
            f"{manifest.description} Schema version {SCHEMA_VERSION}. Every table is given as "
            "CSV (described here), JSON and Parquet, and all of them in one SQLite database; "
            "SHA256SUMS lists the hash of every file."
        ),
        "version": manifest.version,
        "licenses": [license_of(manifest)],
        "sources": sources,
        "contributors": [
            {"title": c.name, "role": "author"}
            | ({"organization": c.affiliation} if c.affiliation else {})
            | ({"path": f"https://orcid.org/{c.orcid}"} if c.orcid else {})
            for c in manifest.creators
        ],
        "keywords": list(manifest.keywords),
        "resources": [
            *(resource for table in tables() for resource in _resources(table, keys)),
            *_database_resources(),
        ],
    }
    if manifest.homepage:
        package["homepage"] = manifest.homepage
    result: dict[str, Any] = with_id_prefix(package, manifest.id_prefix)
    return result
