"""Record-level validation of the link tables with pydantic: one dyad, one edge, one coding.

Each model is built from the table's columns in :data:`~iran_russia_claims.spec.vocab.LINK_COLUMNS`
(types, patterns and vocabularies as field constraints, the descriptions as the JSON Schema's),
and evaluates the rules of :mod:`~iran_russia_claims.spec.link_rules` that one record can break
on its own (a dyad whose source is its target, an edge from a claim to itself, an
``alternative_to`` edge stored the wrong way round) with the same expressions as every other
engine. The rules that read the claims or the whole table run in ``validation.links``.
A collection's id prefix may be given as the validation context (``"ABC"``).
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from iran_russia_claims.spec import rules
from iran_russia_claims.spec.link_rules import LINK_TABLES
from iran_russia_claims.spec.vocab import ID_PREFIX, LINK_COLUMNS, Column, id_pattern

_TYPES: Final[dict[str, Any]] = {"string": str, "boolean": bool, "integer": int}


def own_rules(table: str) -> tuple[str, ...]:
    """The rules of a link table that one record can break by itself: checked, on a row,
    stated by no field constraint, reading only the table's own columns."""
    names = {c.name for c in LINK_COLUMNS[table]}
    return tuple(
        r.name
        for r in rules.link_rules(table)
        if r.scope == "row"
        and r.constraint is None
        and set(rules.columns_read(r)) <= names
        and len(rules.columns_read(r)) > 1
    )


def field_rules(table: str) -> dict[str, tuple[str, ...]]:
    """Per column, the rules on that column alone that pydantic does not state itself (an id
    pattern, which depends on the collection's prefix)."""
    out: dict[str, tuple[str, ...]] = {}
    for r in rules.link_rules(table):
        read = rules.columns_read(r)
        if r.scope == "row" and r.constraint is None and len(read) == 1:
            out[read[0]] = (*out.get(read[0], ()), r.name)
    return out


class _Fields(BaseModel):
    """A link record's fields: strict types, no field outside the table."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _Link(_Fields):
    """A link record's fields and the rules one record can break by itself."""

    @model_validator(mode="after")
    def _record_rules(self, info: ValidationInfo) -> Any:
        from iran_russia_claims.spec.evaluate import record_failures

        table = type(self).__table__  # type: ignore[attr-defined]
        prefix = info.context if isinstance(info.context, str) else ID_PREFIX
        ctx = rules.Context.of(None, prefix)
        record = self.model_dump(mode="json")
        for name in record_failures(record, ctx, own_rules(table), table=table):
            raise PydanticCustomError(name, rules.RULES[name].description)
        return self


def _annotation(column: Column) -> Any:
    base = _TYPES[column.type]
    extra: dict[str, Any] = {"description": column.description}
    if column.vocabulary is not None:
        base = Literal[tuple(str(v) for v in column.vocabulary)]
    elif column.pattern is not None and column.pattern != id_pattern(ID_PREFIX):
        extra["pattern"] = column.pattern
    elif column.pattern is not None:  # the id pattern depends on the prefix: a rule's
        extra["json_schema_extra"] = {"pattern": column.pattern}
    return (base, Field(**extra))


def _field_check(table: str, column: str) -> Any:
    """The rules on ``column`` alone, run even when another field is wrong."""

    def check(cls: Any, value: Any, info: ValidationInfo) -> Any:
        from iran_russia_claims.spec.evaluate import record_failures

        prefix = info.context if isinstance(info.context, str) else ID_PREFIX
        ctx = rules.Context.of(None, prefix)
        names = field_rules(table)[column]
        for name in record_failures({column: value}, ctx, names, table=table):
            raise PydanticCustomError(name, rules.RULES[name].description)
        return value

    return field_validator(column)(check)


def _model(table: str, *, rules_too: bool = True) -> type[BaseModel]:
    name = "".join(part.title() for part in table.removesuffix("s").split("_"))  # one record
    fields = {c.name: _annotation(c) for c in LINK_COLUMNS[table]}
    if not rules_too:
        fields_only: type[BaseModel] = create_model(
            f"{name}Fields", __base__=_Fields, __doc__=_DOCS[table], __module__=__name__, **fields
        )
        return fields_only
    checks = {f"_check_{c}": _field_check(table, c) for c in field_rules(table)}
    model = create_model(
        name,
        __base__=_Link,
        __doc__=_DOCS[table],
        __validators__=checks,
        __module__=__name__,
        **fields,
    )
    model.__table__ = table  # type: ignore[attr-defined]
    return model


_DOCS: Final = {
    "claim_dyads": "One directed dyad a claim asserts: who does what to whom.",
    "claim_relations": "One edge of the argument graph: how one claim bears on another.",
    "claim_coding": "Who coded a claim, and the codebook version it follows.",
}
#: The model of each link table.
LINK_MODELS: Final[dict[str, type[BaseModel]]] = {t: _model(t) for t in LINK_TABLES}
#: Each link table's fields alone (types, patterns, vocabularies): what a table's validation
#: asks of each record before every other rule runs on the whole table in one pass.
FIELD_MODELS: Final[dict[str, type[BaseModel]]] = {
    t: _model(t, rules_too=False) for t in LINK_TABLES
}
ClaimDyad: Final = LINK_MODELS["claim_dyads"]
ClaimRelation: Final = LINK_MODELS["claim_relations"]
ClaimCoding: Final = LINK_MODELS["claim_coding"]
