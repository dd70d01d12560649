"""What exactly is wrong with a record, per rule: one wording for every engine.

The validator's located problems and the pydantic models' errors both take their messages
from :func:`message`, given the record's values; rules with nothing to add past their
description say that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iran_russia_claims.spec.rules import RULES, band_for


def message(rule: str, record: Mapping[str, Any], registry: Any = None) -> str:
    """The message for ``rule`` broken by ``record`` (a mapping of column to value); the
    registry (or just the collection's id prefix) lets it name what was expected."""
    description = RULES[rule].description if rule in RULES else rule
    get = record.get
    if rule == "offsets_ordered":
        return f"start {get('start')} is not before end {get('end')}"
    if rule == "band_matches_confidence":
        try:
            expected = band_for(float(record["confidence"])).value
        except (KeyError, TypeError, ValueError):
            return description
        given = get("confidence_band")
        return f"confidence {get('confidence')} lies in band {expected!r}, not {given!r}"
    if rule == "hedges_words":
        return f"hedges {get('hedges')!r}: {description}"
    if rule == "id_pattern":
        prefix = registry if isinstance(registry, str) else getattr(registry, "id_prefix", None)
        if prefix:
            return f"id is not {prefix}-NNNN (this collection's prefix, four digits or more)"
        return description
    if registry is None or isinstance(registry, str):
        return description
    source = registry.sources.get(str(get("source_id")))
    if rule == "source_registered":
        known = ", ".join(sorted(registry.sources)[:5])
        return f"source {get('source_id')!r} is not in the registry (known: {known})"
    if rule == "actors_registered":
        unknown = [c for c in (get("actors") or []) if c not in registry.actors]
        return f"actor code(s) {unknown} are not in the actor registry"
    if rule == "end_within_source" and source is not None:
        return (
            f"end {get('end')} is beyond the end of source {source.id!r} "
            f"({source.length} characters)"
        )
    if rule == "section_matches_offsets" and source is not None:
        found = source.section_at(int(record["start"]))
        if found is not None:
            return f"start {get('start')} lies in section {found.slug!r}, not {get('section')!r}"
    return description
