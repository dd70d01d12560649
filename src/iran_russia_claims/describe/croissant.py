"""A Croissant (MLCommons) description of the exported data, for dataset search engines.

Croissant 1.0 JSON-LD: every rendering (Parquet, CSV, JSON) of every table of exports/ with its
size and SHA-256, and one record set per table, read from its Parquet file, whose fields are the
table's definition (``publish.tables``: so the description cannot list a column the data lacks),
with its keys and references, plus the closed vocabularies as enumerations the claims refer to.
The hashes are those of the files as written (a Parquet file's footer names the pyarrow release
that wrote it, so a re-export with another release changes its hash here too, and
``SHA256SUMS``, in the same set of files).
File URLs are relative to the JSON-LD file, which lives in ``metadata/`` beside ``exports/``, so
a checkout loads as it stands (``mlcroissant load --jsonld metadata/croissant.json``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from iran_russia_claims.describe.snapshot import Snapshot
from iran_russia_claims.spec.vocab import KIND_DEFINITIONS, THEME_DEFINITIONS, Band

if TYPE_CHECKING:
    from iran_russia_claims.publish.tables import Table, TableField

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
#: Where the exports are, seen from the JSON-LD file (metadata/croissant.json).
EXPORTS_URL = "../exports/"

#: The standard Croissant 1.0 JSON-LD context, as published with the specification.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_DATA_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "list": "sc:Text",
}
_FORMATS = {".csv": "text/csv", ".json": "application/json", ".parquet": "application/x-parquet"}
_RENDERINGS = {
    ".parquet": "Parquet, typed columns (lists as list<string>, vocabularies dictionary-encoded)",
    ".csv": "CSV (list cells hold JSON arrays)",
    ".json": "JSON, an array of objects",
}


def _distribution(snap: Snapshot) -> list[dict[str, Any]]:
    """Every rendering of every table; the record sets read the Parquet files."""
    from iran_russia_claims.publish.tables import tables

    objects = []
    for table in tables():
        for suffix, rendering in _RENDERINGS.items():
            name = f"{table.name}{suffix}"
            if name in snap.files:
                description = f"{table.title}: {table.description} {rendering}."
                objects.append(_file_object(snap, name, description))
    return objects


def _file_object(snap: Snapshot, name: str, description: str) -> dict[str, Any]:
    exported = snap.files[name]
    suffix = name[name.rindex(".") :]
    return {
        "@type": "cr:FileObject",
        "@id": name,
        "name": name,
        "description": description,
        "contentUrl": EXPORTS_URL + name,
        "encodingFormat": _FORMATS[suffix],
        "contentSize": f"{exported.size} B",
        "sha256": exported.sha256,
    }


def _field(record_set: str, field: TableField, file: str, **extra: Any) -> dict[str, Any]:
    return {
        "@type": "cr:Field",
        "@id": f"{record_set}/{field.name}",
        "name": field.name,
        "description": field.description,
        "dataType": _DATA_TYPES[field.type],
        "source": {"fileObject": {"@id": file}, "extract": {"column": field.name}},
        **extra,
    }


def _enumeration(name: str, description: str, values: dict[str, str]) -> dict[str, Any]:
    """A closed vocabulary as an inline record set that claim fields can reference."""
    return {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": description,
        "dataType": "sc:Enumeration",
        "key": {"@id": f"{name}/name"},
        "field": [
            {
                "@type": "cr:Field",
                "@id": f"{name}/name",
                "name": "name",
                "dataType": "sc:Text",
                "description": "The value as it appears in the claims.",
            },
            {
                "@type": "cr:Field",
                "@id": f"{name}/description",
                "name": "description",
                "dataType": "sc:Text",
                "description": "What the value means.",
            },
        ],
        "data": [{f"{name}/name": k, f"{name}/description": v} for k, v in values.items()],
    }


def _refers(table: Table) -> bool:
    """Whether a table refers to others. mlcroissant (1.x) cannot follow a reference to such a
    record set (its join fails), so a reference to one (``claim_actors.claim_id`` to the
    claims) is left out; the data package states it as a foreign key."""
    return bool(table.foreign_keys) or any(f.items_refer_to for f in table.fields)


def _record_set(table: Table, enumerations: dict[tuple[str, ...], str]) -> dict[str, Any]:
    """A table as a record set read from its Parquet file: every field of its definition, the
    single-column foreign keys (and a list's elements' table) as references, and each closed
    vocabulary as a reference to its enumeration."""
    from iran_russia_claims.publish.tables import table as table_named

    references = {
        fk.fields[0]: f"{fk.table}/{fk.reference[0]}"
        for fk in table.foreign_keys
        if len(fk.fields) == 1 and not _refers(table_named(fk.table))
    }
    fields = []
    for field in table.fields:
        extra: dict[str, Any] = {}
        if field.type == "list":
            extra["repeated"] = True
        target = references.get(field.name)
        if field.items_refer_to is not None:
            (key,) = table_named(field.items_refer_to).primary_key
            target = f"{field.items_refer_to}/{key}"
        if field.vocabulary is not None and field.vocabulary in enumerations:
            target = f"{enumerations[field.vocabulary]}/name"
        if target is not None:
            extra["references"] = {"field": {"@id": target}}
        fields.append(_field(table.name, field, f"{table.name}.parquet", **extra))
    record_set: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": table.name,
        "name": table.name,
        "description": table.description,
    }
    if len(table.primary_key) == 1:
        record_set["key"] = {"@id": f"{table.name}/{table.primary_key[0]}"}
    record_set["field"] = fields
    return record_set


def _band_descriptions() -> dict[str, str]:
    from iran_russia_claims.describe.summary import band_ranges

    ranges = band_ranges()
    return {b.value: f"ICD 203 band for confidence in {ranges[b.value]}" for b in Band}


def _ordered_tables() -> tuple[Table, ...]:
    """The tables, each after the tables its references point at (a record set must be
    declared before a field refers to it)."""
    from iran_russia_claims.publish.tables import tables

    done: list[Table] = []
    pending = list(tables())
    while pending:
        for table in pending:
            needs = {fk.table for fk in table.foreign_keys} | {
                f.items_refer_to for f in table.fields if f.items_refer_to is not None
            }
            if needs <= {t.name for t in done} | {table.name}:
                done.append(table)
                pending.remove(table)
                break
        else:  # pragma: no cover - a cycle of foreign keys
            raise ValueError(f"tables refer to each other in a cycle: {pending}")
    return tuple(done)


def croissant(snap: Snapshot) -> dict[str, Any]:
    """The Croissant JSON-LD document for the exported data."""
    titles = "; ".join(f"{s['title']} (author: {s['author']})" for s in snap.sources)
    m = snap.manifest
    creators = [
        {"@type": "sc:Organization" if c.kind == "organization" else "sc:Person", "name": c.name}
        for c in m.creators
    ]
    names = ", ".join(c.name for c in m.creators)
    enumerations = [
        _enumeration(
            "themes",
            "What a claim is mainly about (exactly one per claim).",
            {k.value: v for k, v in THEME_DEFINITIONS.items()},
        ),
        _enumeration(
            "kinds",
            "The logical form of a claim.",
            {k.value: v for k, v in KIND_DEFINITIONS.items()},
        ),
        _enumeration(
            "confidence_bands",
            "ICD 203 expressions of likelihood, lowest first.",
            _band_descriptions(),
        ),
    ]
    by_values = {
        tuple(row[f"{e['@id']}/name"] for row in e["data"]): e["@id"] for e in enumerations
    }
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": m.name,
        "description": m.description,
        "conformsTo": CONFORMS_TO,
        "version": m.version,
        "license": m.license.url or m.license.id,
        "creator": creators[0] if len(creators) == 1 else creators,
        "citeAs": f"{names}. {m.title}, version {m.version}. Dataset of the claims made in: "
        f"{titles}. See CITATION.cff.",
        "keywords": list(m.keywords),
        "inLanguage": m.language,
        "isLiveDataset": False,
        "rai:dataLimitations": " ".join(m.limitations) or "None stated.",
        "rai:dataCollection": "Claims were coded by hand from the article under a written "
        "codebook (docs/codebook.md); every record stores the character offsets and SHA-256 of "
        "its span, and validation rejects any record whose span hash does not match.",
        "distribution": _distribution(snap),
        "recordSet": [*enumerations, *(_record_set(t, by_values) for t in _ordered_tables())],
    }
    if m.homepage:
        document["url"] = m.homepage
    if m.released:  # after "version", as the committed file has it
        items = list(document.items())
        at = [k for k, _ in items].index("version") + 1
        document = dict([*items[:at], ("datePublished", m.released), *items[at:]])
    return document


def render_croissant(snap: Snapshot) -> bytes:
    """The Croissant document as committed: two-space JSON, UTF-8, final newline."""
    return (json.dumps(croissant(snap), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
