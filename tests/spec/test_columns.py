"""One column list: the vocabulary, the models, the schemas, the curated YAML and the exports."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq

from conftest import REPO
from iran_russia_claims.engines.pandera_pandas import claims_schema
from iran_russia_claims.engines.pandera_polars import polars_schema
from iran_russia_claims.readers.safe_yaml import read_yaml
from iran_russia_claims.spec.evaluate import polars_types
from iran_russia_claims.spec.models import Claim
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES


def test_the_code_lists_the_same_columns_in_the_same_order() -> None:
    assert tuple(Claim.model_fields) == CLAIM_COLUMN_NAMES
    assert tuple(polars_types()) == CLAIM_COLUMN_NAMES
    assert tuple(claims_schema().columns) == CLAIM_COLUMN_NAMES
    assert tuple(polars_schema().columns) == CLAIM_COLUMN_NAMES


def test_the_curated_yaml_and_the_exports_hold_those_columns() -> None:
    claims = read_yaml(REPO / "dataset" / "claims.yaml")["claims"]
    assert all(tuple(c) == CLAIM_COLUMN_NAMES for c in claims)
    with (REPO / "exports" / "claims.csv").open(encoding="utf-8") as f:
        assert tuple(next(csv.reader(f))) == CLAIM_COLUMN_NAMES
    records = json.loads((REPO / "exports" / "claims.json").read_text(encoding="utf-8"))
    assert all(tuple(r) == CLAIM_COLUMN_NAMES for r in records)
    assert tuple(pq.read_schema(REPO / "exports" / "claims.parquet").names) == CLAIM_COLUMN_NAMES
