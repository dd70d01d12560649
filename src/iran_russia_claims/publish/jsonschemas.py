"""JSON Schemas (draft 2020-12) of the records, generated from the pydantic models.

They are written to ``schemas/`` by ``iran-russia-claims export`` and never edited by hand.
Keys are sorted so that a pydantic release which reorders its output changes no byte; the
order of the fields is kept in ``required``. Rules that span fields or need the registries
(the band matching the confidence, known actor codes, unique ids) are not expressible here:
``iran-russia-claims`` validation and the data package's keys check those.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.__about__ import __version__
from iran_russia_claims.spec.vocab import ID_PREFIX, SCHEMA_VERSION, with_id_prefix

if TYPE_CHECKING:
    from pydantic import BaseModel

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_COMMENT: Final = (
    "Generated from {module}.{model} by `iran-russia-claims export`; "
    "do not edit. Dataset version {version}, schema version {schema}."
)


def _models() -> dict[str, type[BaseModel]]:
    from iran_russia_claims.spec.link_models import ClaimCoding, ClaimDyad, ClaimRelation
    from iran_russia_claims.spec.models import Actor, Claim, Source

    return {
        "claim": Claim,
        "actor": Actor,
        "source": Source,
        "claim_dyad": ClaimDyad,
        "claim_relation": ClaimRelation,
        "claim_coding": ClaimCoding,
    }


def record_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of one record of ``model``."""
    comment = _COMMENT.format(
        module=model.__module__, model=model.__name__, version=__version__, schema=SCHEMA_VERSION
    )
    return {"$schema": DIALECT, "$comment": comment, **model.model_json_schema()}


def claims_document_schema() -> dict[str, Any]:
    """The JSON Schema of ``claims.json``: an array of claim records."""
    claim = record_schema(_models()["claim"])
    defs = claim.pop("$defs", {})
    del claim["$schema"], claim["$comment"]
    return {
        "$schema": DIALECT,
        "$comment": _COMMENT.format(
            module="iran_russia_claims.spec.models",
            model="Claim",
            version=__version__,
            schema=SCHEMA_VERSION,
        ),
        "title": "Claims",
        "description": "The claims export (claims.json): every claim record, sorted by id.",
        "type": "array",
        "items": {"$ref": "#/$defs/Claim"},
        "$defs": {**defs, "Claim": claim},
    }


def render(schema: dict[str, Any]) -> bytes:
    """Stable text: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def render_schemas(id_prefix: str = ID_PREFIX) -> dict[str, bytes]:
    """Every generated schema file, by name, for a collection whose ids take ``id_prefix``."""
    schemas = {f"{name}.schema.json": record_schema(m) for name, m in _models().items()}
    schemas["claims.schema.json"] = claims_document_schema()
    from iran_russia_claims.validation.report_schema import report_schema

    schemas["report.schema.json"] = report_schema()
    return {name: render(with_id_prefix(s, id_prefix)) for name, s in sorted(schemas.items())}
