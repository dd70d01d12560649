"""A Croissant (MLCommons) description of the exported data, for dataset search engines.

Croissant 1.0 JSON-LD: the files of exports/ with their sizes and SHA-256 hashes, and record
sets whose fields are the claim columns of :mod:`vocab` (so the description cannot list a column
the data lacks), plus the closed vocabularies as enumerations the claims refer to. Only the
byte-reproducible CSV and JSON files are listed: a Parquet file's footer names the pyarrow
release that wrote it, so its hash would change with the environment that ran the export.
File URLs are relative to the JSON-LD file, which lives in ``metadata/`` beside ``exports/``, so
a checkout loads as it stands (``mlcroissant load --jsonld metadata/croissant.json``).
"""

from __future__ import annotations

import json
from typing import Any

from iran_russia_claims.describe.card import Snapshot
from iran_russia_claims.spec.vocab import (
    CLAIM_COLUMNS,
    KIND_DEFINITIONS,
    THEME_DEFINITIONS,
    Band,
)

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
    "list": "sc:Text",
}
_FORMATS = {".csv": "text/csv", ".json": "application/json", ".parquet": "application/x-parquet"}

#: The files the record sets read, with what each holds.
_DISTRIBUTION = {
    "claims.json": "Every claim, as a JSON array of objects (lists as JSON arrays).",
    "claims.csv": "Every claim, one row each (CSV; list cells hold JSON arrays).",
    "actors.csv": "The actor registry: every code a claim may name.",
    "sources.csv": "The source registry: the article(s) the claims come from.",
    "sections.csv": "The sections of each source and the offsets they cover.",
}

#: Registry columns (not part of the claim model): name, type, description.
_ACTORS = (
    ("code", "sc:Text", "Actor code used in claims.actors."),
    ("name", "sc:Text", "Name of the actor."),
    ("kind", "sc:Text", "What sort of entity the code stands for."),
    ("iso3", "sc:Text", "ISO 3166-1 alpha-3 code, for states."),
    ("wikidata", "sc:Text", "Wikidata item, where known."),
    ("cameo", "sc:Text", "CAMEO actor code, where known."),
)
_SOURCES = (
    ("id", "sc:Text", "Key of the source registry."),
    ("title", "sc:Text", "Title of the article."),
    ("author", "sc:Text", "Author of the article."),
    ("language", "sc:Text", "Language of the article (ISO 639)."),
    ("filename", "sc:Text", "File name the offsets were counted in."),
    ("sha256", "sc:Text", "SHA-256 of the article file: the text the offsets refer to."),
    ("length", "sc:Integer", "Length of the article in characters (Python str)."),
)
_SECTIONS = (
    ("source_id", "sc:Text", "Key of the source registry."),
    ("slug", "sc:Text", "Section slug, as used in claims.section."),
    ("title", "sc:Text", "Our short label for the section."),
    ("start", "sc:Integer", "Offset of the section's first character."),
    ("end", "sc:Integer", "Offset just past the section's last character."),
)


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


def _field(
    record_set: str, name: str, data_type: str, description: str, file: str, **extra: Any
) -> dict[str, Any]:
    extract = {"jsonPath": f"$[*].{name}"} if file.endswith(".json") else {"column": name}
    return {
        "@type": "cr:Field",
        "@id": f"{record_set}/{name}",
        "name": name,
        "description": description,
        "dataType": data_type,
        "source": {"fileObject": {"@id": file}, "extract": extract},
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


def _claims_record_set() -> dict[str, Any]:
    references = {
        "source_id": "sources/id",
        "theme": "themes/name",
        "kind": "kinds/name",
        "confidence_band": "confidence_bands/name",
    }
    fields = []
    for column in CLAIM_COLUMNS:
        extra: dict[str, Any] = {}
        if column.type == "list":
            extra["repeated"] = True
        if column.name in references:
            extra["references"] = {"field": {"@id": references[column.name]}}
        fields.append(
            _field(
                "claims",
                column.name,
                _DATA_TYPES[column.type],
                column.description,
                "claims.json",
                **extra,
            )
        )
    return {
        "@type": "cr:RecordSet",
        "@id": "claims",
        "name": "claims",
        "description": "One record per claim of the article.",
        "key": {"@id": "claims/id"},
        "field": fields,
    }


def _registry_record_set(
    name: str,
    description: str,
    file: str,
    columns: tuple[tuple[str, str, str], ...],
    key: str | None,
) -> dict[str, Any]:
    record_set: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": description,
    }
    if key:
        record_set["key"] = {"@id": f"{name}/{key}"}
    record_set["field"] = [_field(name, col, type_, desc, file) for col, type_, desc in columns]
    return record_set


def _band_descriptions() -> dict[str, str]:
    from iran_russia_claims.describe.summary import band_ranges

    ranges = band_ranges()
    return {b.value: f"ICD 203 band for confidence in {ranges[b.value]}" for b in Band}


def croissant(snap: Snapshot) -> dict[str, Any]:
    """The Croissant JSON-LD document for the exported data."""
    titles = "; ".join(f"{s['title']} (author: {s['author']})" for s in snap.sources)
    m = snap.manifest
    creators = [
        {"@type": "sc:Organization" if c.kind == "organization" else "sc:Person", "name": c.name}
        for c in m.creators
    ]
    names = ", ".join(c.name for c in m.creators)
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
        "distribution": [_file_object(snap, n, d) for n, d in _DISTRIBUTION.items()],
        "recordSet": [
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
            _registry_record_set("sources", "The source registry.", "sources.csv", _SOURCES, "id"),
            _registry_record_set(
                "sections", "Sections of each source.", "sections.csv", _SECTIONS, None
            ),
            _registry_record_set("actors", "The actor registry.", "actors.csv", _ACTORS, "code"),
            _claims_record_set(),
        ],
    }
    if m.released:  # after "version", as the committed file has it
        items = list(document.items())
        at = [k for k, _ in items].index("version") + 1
        document = dict([*items[:at], ("datePublished", m.released), *items[at:]])
    return document


def render_croissant(snap: Snapshot) -> bytes:
    """The Croissant document as committed: two-space JSON, UTF-8, final newline."""
    return (json.dumps(croissant(snap), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
