from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from iran_russia_claims.spec.models import Actor, Claim, Source, errors_to_rules
from records import MUTATIONS, registry, valid_record


def rules_broken(record: dict) -> set[str]:
    try:
        Claim.model_validate(record, context=registry())
    except ValidationError as exc:
        return {rule for rule, _, _ in errors_to_rules(exc)}
    return set()


def test_valid_record_passes() -> None:
    claim = Claim.model_validate(valid_record(), context=registry())
    assert claim.theme == "energy"
    assert claim.actors == ["RUS", "IRN"]


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_each_mutation_names_its_rule(rule: str) -> None:
    record = copy.deepcopy(valid_record())
    MUTATIONS[rule](record)
    assert rule in rules_broken(record)


def test_strict_types_do_not_coerce() -> None:
    record = valid_record()
    record["start"] = "10"
    assert rules_broken(record) == {"type"}


def test_extra_fields_are_forbidden() -> None:
    record = valid_record()
    record["note"] = "x"
    assert rules_broken(record) == {"no_extra_fields"}


def test_registry_rules_need_the_context() -> None:
    record = valid_record()
    record["actors"] = ["CHN"]
    Claim.model_validate(record)  # no registry given: only the context-free rules apply
    assert "actors_registered" in rules_broken(record)


def test_state_actor_needs_a_real_iso3_code() -> None:
    with pytest.raises(ValidationError, match="iso3"):
        Actor(code="XXA", name="Nowhere", kind="state", iso3="XXA")
    with pytest.raises(ValidationError, match="iso3"):
        Actor(code="IRN", name="Iran", kind="state")
    with pytest.raises(ValidationError, match="only states"):
        Actor(code="WEST", name="The West", kind="bloc", iso3="USA")


def test_sections_must_tile_the_source() -> None:
    source = registry().sources["test-source"].model_dump()
    source["sections"][1]["start"] = 401
    with pytest.raises(ValidationError, match=r"expected 400"):
        Source.model_validate(source)


def test_every_field_rule_is_reported_at_once_under_its_field() -> None:
    record = valid_record()
    record.update(
        id="X", assertion=" Iran and Russia cooperate.", actors=["IRN", "IRN"], hedges=["a b c d e"]
    )
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(record, context=registry())
    assert {(rule, column) for rule, column, _ in errors_to_rules(caught.value)} == {
        ("id_pattern", "id"),
        ("assertion_trimmed", "assertion"),
        ("actors_unique", "actors"),
        ("hedges_words", "hedges"),
    }
