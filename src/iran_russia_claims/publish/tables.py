"""The published tables: their fields, keys and rows, derived from the pydantic models.

Every export format (CSV, JSON, Parquet) and the data package describe the same eight tables:
the claims, their actors, the registries, and the link tables (dyads, relations, codings).
Field types and constraints are read from each model's JSON Schema, which the models build
from :mod:`iran_russia_claims.spec.vocab`, so a pattern, bound or vocabulary changes in one place
only. The registry models carry no field descriptions, so those (and the two derived tables'
extra fields) are written here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any, Final, Literal

from iran_russia_claims.spec.vocab import ORDINAL_VOCABULARIES

if TYPE_CHECKING:
    from pydantic import BaseModel

    from iran_russia_claims.curation.dataset import Dataset

FieldType = Literal["string", "integer", "number", "boolean", "list"]

#: Descriptions of the registry fields, which the pydantic models do not carry.
_ACTOR_DOCS: Final = {
    "code": "Actor code, as used in the `actors` list of a claim.",
    "name": "Name of the actor in English.",
    "kind": "What sort of entity the code stands for.",
    "iso3": "ISO 3166-1 alpha-3 code; states only, empty otherwise.",
    "wikidata": "Wikidata item identifier, where we can vouch for it; empty otherwise.",
    "cameo": "CAMEO actor code, where we can vouch for it; empty otherwise.",
}
_SOURCE_DOCS: Final = {
    "id": "Key of the source, as used in `source_id` of a claim.",
    "title": "Title of the article.",
    "author": "Author of the article, as given in its byline.",
    "language": "ISO 639 code of the article's language.",
    "filename": "File name of the article's text (not distributed with the dataset).",
    "sha256": "SHA-256 hex of the article's text file; offsets refer to exactly this text.",
    "length": "Length of the article's text in characters (Python str length).",
    "published": "Day the article was published (YYYY-MM-DD); empty when it is undated.",
}
_SECTION_DOCS: Final = {
    "source_id": "Key of the source the section belongs to.",
    "slug": "Slug of the section, as used in `section` of a claim.",
    "title": "Our short label for the section.",
    "start": "Offset of the section's first character (0-based).",
    "end": "Offset just past the section's last character (end exclusive).",
}
_CLAIM_ACTOR_DOCS: Final = {
    "claim_id": "Identifier of the claim.",
    "rank": "Position of the actor in the claim's `actors` list, 1 for the most central.",
    "actor": "Actor code, a key of the actor registry.",
}


@dataclass(frozen=True, slots=True)
class TableField:
    """One field of a published table, in the terms every format needs."""

    name: str
    type: FieldType
    description: str
    required: bool
    #: Table Schema constraints other than ``required`` (pattern, enum, minimum, ...).
    constraints: Mapping[str, Any]
    #: A list's items: the Table Schema constraints of each element (from the JSON Schema's
    #: ``items``), and the table whose primary key every element is, if any (a claim's
    #: ``actors`` are codes of the actor registry).
    item_constraints: Mapping[str, Any] = field(default_factory=dict)
    items_refer_to: str | None = None

    @property
    def vocabulary(self) -> tuple[str, ...] | None:
        """The closed set of values, when the field has one (a categorical)."""
        enum = self.constraints.get("enum")
        return tuple(enum) if enum is not None else None

    @property
    def ordered(self) -> bool:
        """Whether the vocabulary is ordinal (listed in ``ORDINAL_VOCABULARIES``)."""
        return self.vocabulary in ORDINAL_VOCABULARIES


@dataclass(frozen=True, slots=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A published table: one file per format, named after it, plus its keys."""

    name: str
    title: str
    description: str
    fields: tuple[TableField, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    rows: Callable[[Dataset], list[dict[str, Any]]]
    #: The order of the rows; the primary key unless given.
    order: tuple[str, ...] = ()

    @property
    def order_by(self) -> tuple[str, ...]:
        return self.order or self.primary_key

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> TableField:
        """One field by name."""
        (found,) = (f for f in self.fields if f.name == name)
        return found

    @property
    def resource(self) -> str:
        """Its name in the data package (Data Package names allow no underscore)."""
        return self.name.replace("_", "-")


# -- fields from JSON Schema ---------------------------------------------------------------------
def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """A property's own schema with ``$ref`` and ``anyOf [X, null]`` resolved; and if nullable."""
    nullable = False
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        nullable = len(options) < len(schema["anyOf"])
        if len(options) != 1:
            raise ValueError(f"cannot publish a union field: {schema}")
        schema = {**{k: v for k, v in schema.items() if k != "anyOf"}, **options[0]}
    if "$ref" in schema:
        target = defs[schema["$ref"].rsplit("/", 1)[-1]]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return dict(schema), nullable


def _constraints(name: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    """Table Schema constraints equivalent to a property's JSON Schema keywords."""
    out: dict[str, Any] = {}
    kind = schema["type"]
    for key in ("pattern", "enum", "minLength", "maxLength", "minimum", "maximum"):
        if key in schema:
            out[key] = schema[key]
    if "minItems" in schema:
        out["minLength"] = schema["minItems"]
    if "maxItems" in schema:
        out["maxLength"] = schema["maxItems"]
    for key, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if key in schema:
            # Table Schema has no exclusive bounds: exact for integers only.
            if kind != "integer":
                raise ValueError(f"field {name!r}: no Table Schema equivalent of {key} on {kind}")
            out[bound] = schema[key] + (1 if bound == "minimum" else -1)
    return out


_TYPES: Final[dict[str, FieldType]] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "array": "list",
}


def _field(
    name: str,
    prop: Mapping[str, Any],
    defs: Mapping[str, Any],
    *,
    required: bool,
    docs: Mapping[str, str],
) -> TableField:
    schema, nullable = _resolve(prop, defs)
    if schema.get("type") not in _TYPES:
        raise ValueError(f"field {name!r}: cannot publish JSON Schema type {schema.get('type')!r}")
    if schema["type"] == "array" and schema.get("items", {}).get("type") != "string":
        raise ValueError(f"field {name!r}: only lists of strings can be published")
    description = prop.get("description") or docs.get(name)
    if not description:
        raise ValueError(f"field {name!r} has no description: give the model field one")
    items = schema.get("items", {}) if schema["type"] == "array" else {}
    return TableField(
        name=name,
        type=_TYPES[schema["type"]],
        description=description,
        required=required and not nullable,
        constraints=_constraints(name, schema),
        item_constraints=_constraints(name, items) if items else {},
    )


def fields_of(
    model: type[BaseModel],
    docs: Mapping[str, str] | None = None,
    *,
    exclude: tuple[str, ...] = (),
    definition: str | None = None,
) -> tuple[TableField, ...]:
    """The fields of a pydantic model (or of one of its ``$defs``), in declaration order."""
    full = model.model_json_schema()
    defs = full.get("$defs", {})
    schema = defs[definition] if definition else full
    required = set(schema.get("required", ()))
    return tuple(
        _field(name, prop, defs, required=name in required, docs=docs or {})
        for name, prop in schema["properties"].items()
        if name not in exclude
    )


def _pick(fields: tuple[TableField, ...], name: str, new_name: str, description: str) -> TableField:
    """A field of another table, renamed and re-described (for a key that refers to it)."""
    (found,) = (f for f in fields if f.name == name)
    return TableField(new_name, found.type, description, True, found.constraints)


# -- rows ---------------------------------------------------------------------------------------
def claim_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """The claims as JSON-ready records, sorted by id."""
    return sorted((c.model_dump(mode="json") for c in dataset.claims), key=lambda r: r["id"])


def claim_actor_rows(dataset: Dataset) -> list[dict[str, Any]]:
    return [
        {"claim_id": claim["id"], "rank": rank, "actor": code}
        for claim in claim_rows(dataset)
        for rank, code in enumerate(claim["actors"], start=1)
    ]


def actor_rows(dataset: Dataset) -> list[dict[str, Any]]:
    rows = (a.model_dump(mode="json") for a in dataset.registry.actors.values())
    return sorted(rows, key=lambda r: r["code"])


def source_records(dataset: Dataset) -> list[dict[str, Any]]:
    """The source registry as records with their sections nested, as ``sources.json`` holds."""
    rows = (s.model_dump(mode="json") for s in dataset.registry.sources.values())
    return sorted(rows, key=lambda r: r["id"])


def source_rows(dataset: Dataset) -> list[dict[str, Any]]:
    """The sources without their sections (those are the ``sections`` table)."""
    return [{k: v for k, v in s.items() if k != "sections"} for s in source_records(dataset)]


def section_rows(dataset: Dataset) -> list[dict[str, Any]]:
    return [
        {"source_id": s["id"], **section}
        for s in source_records(dataset)
        for section in s["sections"]
    ]


def link_rows(name: str) -> Callable[[Dataset], list[dict[str, Any]]]:
    """The rows of a link table, sorted by its primary key."""

    def rows(dataset: Dataset) -> list[dict[str, Any]]:
        records = {"claim_dyads": dataset.dyads, "claim_relations": dataset.relations,
                   "claim_coding": dataset.codings}[name]  # fmt: skip
        key = table(name).primary_key
        dumped = (r.model_dump(mode="json") for r in records)
        return sorted(dumped, key=lambda r: tuple(r[k] for k in key))

    return rows


def _link_tables() -> tuple[Table, ...]:
    from iran_russia_claims.spec.link_models import LINK_MODELS

    def fields(name: str) -> tuple[TableField, ...]:
        return fields_of(LINK_MODELS[name])

    def to_claims(column: str) -> ForeignKey:
        return ForeignKey((column,), "claims", ("id",))

    return (
        Table(
            "claim_dyads",
            "Directed dyads of each claim",
            "Who does what to whom, as each claim asserts it: one row per (claim, source actor, "
            "target actor), with the CAMEO/GDELT QuadClass of the interaction.",
            fields("claim_dyads"),
            ("claim_id", "source", "target"),
            (
                to_claims("claim_id"),
                ForeignKey(("source",), "actors", ("code",)),
                ForeignKey(("target",), "actors", ("code",)),
            ),
            link_rows("claim_dyads"),
        ),
        Table(
            "claim_relations",
            "The argument graph",
            "Which claim supports, elaborates, contrasts with or is an alternative to which: "
            "one row per directed edge between two claims of the same source.",
            fields("claim_relations"),
            ("from_id", "to_id"),
            (to_claims("from_id"), to_claims("to_id")),
            link_rows("claim_relations"),
        ),
        Table(
            "claim_coding",
            "Who coded each claim",
            "Record-level provenance of the claims: the annotation pass that coded each one and "
            "the codebook version it follows.",
            fields("claim_coding"),
            ("claim_id",),
            (to_claims("claim_id"),),
            link_rows("claim_coding"),
        ),
    )


# -- the tables ---------------------------------------------------------------------------------
@cache
def tables() -> tuple[Table, ...]:
    """Every published table, claims first."""
    from iran_russia_claims.spec.models import Actor, Claim, Source

    claim_fields = tuple(
        replace(f, items_refer_to="actors") if f.name == "actors" else f for f in fields_of(Claim)
    )
    actor_fields = fields_of(Actor, _ACTOR_DOCS)
    source_fields = fields_of(Source, _SOURCE_DOCS, exclude=("sections",))
    section_fields = (
        _pick(source_fields, "id", "source_id", _SECTION_DOCS["source_id"]),
        *fields_of(Source, _SECTION_DOCS, definition="Section"),
    )
    rank = TableField("rank", "integer", _CLAIM_ACTOR_DOCS["rank"], True, {"minimum": 1})
    claim_actor_fields = (
        _pick(claim_fields, "id", "claim_id", _CLAIM_ACTOR_DOCS["claim_id"]),
        rank,
        _pick(actor_fields, "code", "actor", _CLAIM_ACTOR_DOCS["actor"]),
    )
    return (
        Table(
            "claims",
            "Claims",
            "One row per atomic claim of the article, with its provenance (offsets into the "
            "source text and the SHA-256 of the span).",
            claim_fields,
            ("id",),
            (
                ForeignKey(("source_id",), "sources", ("id",)),
                ForeignKey(("source_id", "section"), "sections", ("source_id", "slug")),
            ),
            claim_rows,
        ),
        Table(
            "claim_actors",
            "Actors of each claim",
            "The `actors` lists of the claims, one row per claim and actor, for joins with the "
            "actor registry.",
            claim_actor_fields,
            ("claim_id", "rank"),
            (
                ForeignKey(("claim_id",), "claims", ("id",)),
                ForeignKey(("actor",), "actors", ("code",)),
            ),
            claim_actor_rows,
        ),
        Table(
            "actors",
            "Actor registry",
            "Every code a claim may name in `actors`.",
            actor_fields,
            ("code",),
            (),
            actor_rows,
        ),
        Table(
            "sources",
            "Source registry",
            "Facts about each article claims are drawn from (never its text).",
            source_fields,
            ("id",),
            (),
            source_rows,
        ),
        Table(
            "sections",
            "Sections of each source",
            "The sections of each source, which tile its text; `section` of a claim refers to one.",
            section_fields,
            ("source_id", "slug"),
            (ForeignKey(("source_id",), "sources", ("id",)),),
            section_rows,
            order=("source_id", "start"),
        ),
        *_link_tables(),
    )


def table(name: str) -> Table:
    """One published table by name."""
    for candidate in tables():
        if candidate.name == name:
            return candidate
    raise KeyError(f"no published table {name!r}; the tables are {[t.name for t in tables()]}")
