"""Peer: Frictionless validating a claims CSV file with the package's exported Table Schema.

    python bench/peers/frictionless_peer.py FILE.csv REGISTRY_DIR

Exits 0 when the file is valid, 1 when not (printing the errors by type). The Table Schema is
the one the package exports for the claims table (the ``claims`` resource of
``exports/datapackage.json``, its id pattern set to the collection's prefix), used as it is:
nothing is added for this peer. Its foreign keys point at the ``sources`` and ``sections``
resources, which here are the registry folder's sources and sections as inline data, so the
check of references runs against the same registry as the other tools. This is what
``frictionless validate datapackage.json`` does on an export, with the claims file swapped in.
Frictionless stops listing errors at its default ``limit_errors`` (1000); a valid file is read
whole.

Our rules the Table Schema states (``RULES``, which is ``datapackage.STATED_RULES``): ``required``
(``required``), ``type`` (field types; an ``array`` must be a JSON array), ``no_extra_fields``
(``extra-label``, ``extra-cell``), ``row_not_empty`` (``blank-row``), the patterns of id, source_id,
section and span_sha256, ``start_non_negative`` (``minimum``), the three vocabularies (``enum``),
``actors_non_empty`` (``minLength``), ``assertion_length`` (``minLength``, ``maxLength``),
``confidence_finite`` and ``confidence_range`` (``minimum``, ``maximum``: NaN and infinities fail
them), ``id_unique`` (``primaryKey``), ``source_registered`` (a foreign key), and ``actors_pattern``
and ``actors_registered`` (each element's ``arrayItem`` constraints: the pattern, and the registry's
codes as an enum). Not stated: the assertion's characters, rules across columns (the ``(source_id,
section)`` foreign key checks the section is one of the source's, not that it holds ``start``),
``span_unique`` (a second unique key), and the rest as for the other peers.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from _common import arguments, finish
from frictionless import Package, Resource, Schema

from iran_russia_claims.publish.datapackage import STATED_RULES
from iran_russia_claims.resources import exported
from iran_russia_claims.spec.vocab import with_id_prefix

#: The rules of ``spec/rules.py`` this peer states: those the exported Table Schema states.
RULES = tuple(sorted(STATED_RULES))


def claims_table_schema(id_prefix: str) -> dict[str, Any]:
    """The exported Table Schema of the claims table, for a collection's id prefix."""
    package = json.loads(exported("datapackage.json").read_text(encoding="utf-8"))
    claims = next(r for r in package["resources"] if r["name"] == "claims")
    return dict(with_id_prefix(claims["schema"], id_prefix))


def main() -> None:
    path, registry = arguments()
    schema = claims_table_schema(registry.id_prefix)
    claims = Resource(path=path.name, name="claims", schema=Schema.from_descriptor(schema))
    sources = Resource(
        name="sources",
        data=[["id"], *([s] for s in registry.lengths)],
        schema=Schema.from_descriptor(
            {"fields": [{"name": "id", "type": "string"}], "primaryKey": "id"}
        ),
    )
    sections = Resource(
        name="sections",
        data=[["source_id", "slug"], *(list(key) for key in registry.sections)],
        schema=Schema.from_descriptor(
            {
                "fields": [
                    {"name": "source_id", "type": "string"},
                    {"name": "slug", "type": "string"},
                ],
                "primaryKey": ["source_id", "slug"],
            }
        ),
    )
    # Frictionless reads a relative path under the package's base path only
    package = Package(resources=[claims, sources, sections], basepath=str(path.resolve().parent))
    report = package.get_resource("claims").validate()
    task = report.tasks[0]
    errors = Counter(error.type for error in task.errors)
    rows = task.stats.get("rows") or 0
    finish("frictionless", int(rows), dict(errors))


if __name__ == "__main__":
    main()
