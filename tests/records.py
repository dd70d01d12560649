"""A valid claim record, a small registry, and single-rule mutations, for the model tests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from iran_russia_claims.spec.models import Actor, Registry, Source

SOURCE_LENGTH = 1000


def registry() -> Registry:
    actors = [
        Actor(code="IRN", name="Iran", kind="state", iso3="IRN"),
        Actor(code="RUS", name="Russia", kind="state", iso3="RUS"),
        Actor(code="WEST", name="The West", kind="bloc"),
    ]
    source = Source.model_validate(
        {
            "id": "test-source",
            "title": "A test source",
            "author": "Nobody",
            "language": "en",
            "filename": "test.txt",
            "sha256": "0" * 64,
            "length": SOURCE_LENGTH,
            "sections": [
                {"slug": "intro", "title": "Intro", "start": 0, "end": 400},
                {"slug": "body", "title": "Body", "start": 400, "end": SOURCE_LENGTH},
            ],
        }
    )
    return Registry({a.code: a for a in actors}, {source.id: source})


def valid_record(n: int = 1, start: int = 10) -> dict[str, Any]:
    return {
        "id": f"IRR-{n:04d}",
        "source_id": "test-source",
        "section": "intro" if start < 400 else "body",
        "start": start,
        "end": start + 50,
        "span_sha256": hashlib.sha256(f"span {n}".encode()).hexdigest(),
        "theme": "energy",
        "actors": ["RUS", "IRN"],
        "kind": "causal",
        "assertion": f"Russian firms invest in Iran's gas sector, case {n}.",
        "confidence": 0.7,
        "confidence_band": "likely",
        "hedges": ["likely"],
    }


def _set(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(record: dict[str, Any]) -> None:
        record[field] = value

    return mutate


def _drop(field: str) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.pop(field)


#: One mutation per rule: applied to one valid record, it breaks exactly that rule.
MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "required": _drop("kind"),
    "id_pattern": _set("id", "CLAIM-1"),
    "source_registered": _set("source_id", "other-source"),
    "source_id_pattern": _set("source_id", "Not A Slug"),
    "section_pattern": _set("section", "Not A Slug"),
    "section_matches_offsets": lambda r: r.update(
        section="body" if r["section"] == "intro" else "intro"
    ),
    "start_non_negative": _set("start", -5),
    "offsets_ordered": lambda r: r.update(start=r["end"]),
    "end_within_source": _set("end", SOURCE_LENGTH + 1),
    "sha256_pattern": _set("span_sha256", "abc"),
    "theme_vocabulary": _set("theme", "weather"),
    "kind_vocabulary": _set("kind", "speculative"),
    "band_vocabulary": _set("confidence_band", "maybe"),
    "actors_non_empty": _set("actors", []),
    "actors_unique": _set("actors", ["IRN", "IRN"]),
    "actors_pattern": _set("actors", ["iran"]),
    "actors_registered": _set("actors", ["IRN", "CHN"]),
    "assertion_length": _set("assertion", "Too short."),
    "assertion_trimmed": _set("assertion", " Iran and Russia cooperate on energy."),
    "assertion_no_control_chars": _set("assertion", "Iran and Russia\x07 cooperate on energy."),
    "assertion_no_hidden_chars": _set("assertion", "Iran and Russia\u200b cooperate on energy."),
    "assertion_no_formula": _set("assertion", '=HYPERLINK("x") Iran and Russia cooperate.'),
    "confidence_finite": _set("confidence", float("nan")),
    "confidence_range": lambda r: r.update(confidence=0.995),
    "band_matches_confidence": lambda r: r.update(
        confidence_band="almost_certain" if r["confidence"] <= 0.95 else "likely"
    ),
    "hedges_words": _set("hedges", ["one two three four five"]),
    "hedges_no_hidden_chars": _set("hedges", ["likely", "\u202eylekil"]),
}


def _same_id(records: list[dict[str, Any]]) -> None:
    records[2]["id"] = records[1]["id"]


def _same_span(records: list[dict[str, Any]]) -> None:
    for field in ("source_id", "section", "start", "end", "span_sha256", "assertion"):
        records[2][field] = records[1][field]


#: Mutations of a table of at least three records that break exactly one whole-table rule.
TABLE_MUTATIONS: dict[str, Callable[[list[dict[str, Any]]], None]] = {
    "id_unique": _same_id,
    "span_unique": _same_span,
}


def mutated_table(rule: str | None, rows: int = 3) -> list[dict[str, Any]]:
    """``rows`` valid records (at least 3) with ``rule`` broken once: on the second record for
    a rule of one record, across records for a rule of the whole table; None: all valid."""
    records = [valid_record(n, start=10 * n) for n in range(1, rows + 1)]
    if rule in MUTATIONS:
        MUTATIONS[rule](records[1])
    elif rule is not None:
        TABLE_MUTATIONS[rule](records)
    return records


def pydantic_rules(records: list[dict[str, Any]], context: Registry) -> set[str]:
    """The rules the pydantic ``Claim`` finds broken across ``records``."""
    from pydantic import ValidationError

    from iran_russia_claims.spec.models import Claim, errors_to_rules

    broken: set[str] = set()
    for record in records:
        try:
            Claim.model_validate(record, context=context)
        except ValidationError as exc:
            broken |= {rule for rule, _, _ in errors_to_rules(exc)}
    return broken


def pandera_rules(schema: Any, frame: Any) -> set[str]:
    """The rules a pandera schema (any backend) finds broken in ``frame``."""
    import pandera.errors

    from iran_russia_claims.engines import failed_rules

    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return failed_rules(exc)
    return set()
