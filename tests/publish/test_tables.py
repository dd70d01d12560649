"""The published tables are derived from the models and vocab.py, never restated."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, Field

from conftest import DATASET
from iran_russia_claims.curation.dataset import read_dataset
from iran_russia_claims.publish.tables import claim_actor_rows, claim_rows, fields_of, table, tables
from iran_russia_claims.spec.models import Actor, Claim, Section, Source
from iran_russia_claims.spec.vocab import CLAIM_COLUMNS


def test_claims_fields_are_the_vocab_columns() -> None:
    fields = table("claims").fields
    assert [f.name for f in fields] == [c.name for c in CLAIM_COLUMNS]
    for field, column in zip(fields, CLAIM_COLUMNS, strict=True):
        assert field.type == column.type, field.name
        assert field.description == column.description, field.name
        assert field.vocabulary == (tuple(column.vocabulary) if column.vocabulary else None)
        assert field.constraints.get("pattern") == column.pattern, field.name
        assert field.required
    assert [f.name for f in fields if f.ordered] == ["confidence_band"]


def test_registry_tables_follow_their_models() -> None:
    assert table("actors").field_names == tuple(Actor.model_fields)
    assert table("sources").field_names == tuple(n for n in Source.model_fields if n != "sections")
    assert table("sections").field_names == ("source_id", *Section.model_fields)
    nullable = {f.name for f in table("actors").fields if not f.required}
    assert nullable == {"iso3", "wikidata", "cameo"}
    kind = next(f for f in table("actors").fields if f.name == "kind")
    assert kind.vocabulary == ("state", "bloc", "igo", "sector", "group", "region")


def test_bounds_come_from_the_models() -> None:
    claims = {f.name: f.constraints for f in table("claims").fields}
    schema = Claim.model_json_schema()["properties"]
    assert claims["assertion"]["minLength"] == schema["assertion"]["minLength"]
    assert claims["confidence"]["maximum"] == schema["confidence"]["maximum"]
    assert claims["end"]["minimum"] == schema["end"]["exclusiveMinimum"] + 1  # integers only
    assert claims["actors"]["minLength"] == schema["actors"]["minItems"]


def test_every_field_is_described_and_keys_exist() -> None:
    names = {t.name for t in tables()}
    for t in tables():
        assert all(f.description for f in t.fields), t.name
        assert set(t.primary_key) <= set(t.field_names)
        for fk in t.foreign_keys:
            assert fk.table in names
            assert set(fk.fields) <= set(t.field_names)
            assert set(fk.reference) <= set(table(fk.table).field_names)


def test_what_cannot_be_published_is_refused() -> None:
    class Exclusive(BaseModel):
        share: Annotated[float, Field(gt=0, description="a share")]

    class Undescribed(BaseModel):
        name: str

    with pytest.raises(ValueError, match="exclusiveMinimum"):
        fields_of(Exclusive)
    with pytest.raises(ValueError, match="no description"):
        fields_of(Undescribed)
    with pytest.raises(KeyError, match="no published table 'claim'"):
        table("claim")


def test_claim_actors_hold_every_actors_list_in_order() -> None:
    dataset = read_dataset(DATASET)
    rebuilt: dict[str, list[str]] = {}
    for row in claim_actor_rows(dataset):
        actors = rebuilt.setdefault(row["claim_id"], [])
        assert row["rank"] == len(actors) + 1
        actors.append(row["actor"])
    assert rebuilt == {r["id"]: r["actors"] for r in claim_rows(dataset)}
