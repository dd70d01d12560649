"""Property: the pydantic model and the pandera schema accept and reject the same records."""

from __future__ import annotations

import copy
import hashlib

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from iran_russia_claims.spec.models import Claim, errors_to_rules
from iran_russia_claims.spec.rules import band_for
from iran_russia_claims.spec.vocab import Kind, Theme
from iran_russia_claims.validation import validate_frame
from records import MUTATIONS, SOURCE_LENGTH, registry

REGISTRY = registry()
WORDS = st.sampled_from(["Iran", "Russia", "trade", "energy", "sanctions", "grows", "shifts"])


@st.composite
def claim_records(draw: st.DrawFn) -> list[dict]:
    n = draw(st.integers(min_value=1, max_value=8))
    ids = draw(st.lists(st.integers(1, 9999), min_size=n, max_size=n, unique=True))
    records = []
    for i in ids:
        start = draw(st.integers(0, SOURCE_LENGTH - 2))
        end = draw(st.integers(start + 1, SOURCE_LENGTH))
        confidence = draw(st.floats(0.01, 0.99, allow_nan=False))
        words = draw(st.lists(WORDS, min_size=4, max_size=12))
        records.append(
            {
                "id": f"IRR-{i:04d}",
                "source_id": "test-source",
                "section": REGISTRY.sources["test-source"].section_at(start).slug,  # type: ignore[union-attr]
                "start": start,
                "end": end,
                "span_sha256": hashlib.sha256(str(i).encode()).hexdigest(),
                "theme": draw(st.sampled_from(list(Theme))).value,
                "actors": draw(
                    st.lists(st.sampled_from(["IRN", "RUS", "WEST"]), min_size=1, unique=True)
                ),
                "kind": draw(st.sampled_from(list(Kind))).value,
                "assertion": (" ".join(words) + f" case {i}.")[:240],
                "confidence": confidence,
                "confidence_band": band_for(confidence).value,
                "hedges": draw(
                    st.lists(st.sampled_from(["could", "likely", "a distant prospect"]), max_size=2)
                ),
            }
        )
    return records


def pydantic_rules(record: dict) -> set[str]:
    try:
        Claim.model_validate(record, context=REGISTRY)
    except ValidationError as exc:
        return {rule for rule, _, _ in errors_to_rules(exc)}
    return set()


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(claim_records())
def test_valid_records_pass_both(records: list[dict]) -> None:
    assert all(not pydantic_rules(r) for r in records)
    assert validate_frame(pd.DataFrame.from_records(records), REGISTRY).valid


@SETTINGS
@given(claim_records(), st.sampled_from(sorted(MUTATIONS)), st.data())
def test_each_mutation_is_rejected_by_both_with_the_same_rule(
    records: list[dict], rule: str, data: st.DataObject
) -> None:
    target = data.draw(st.integers(0, len(records) - 1))
    mutated = copy.deepcopy(records)
    MUTATIONS[rule](mutated[target])
    assert rule in pydantic_rules(mutated[target])
    assert rule in validate_frame(pd.DataFrame.from_records(mutated), REGISTRY).rules_broken()
