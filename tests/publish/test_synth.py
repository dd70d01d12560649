"""The synthetic generator: valid by every rule, reproducible, and written as the exports are."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims_files import render_csv
from iran_russia_claims.cli import main
from iran_russia_claims.curation.dataset import read_registry
from iran_russia_claims.publish.export import render_json
from iran_russia_claims.publish.synth import (
    synth_frame,
    synth_registry,
    synth_table,
    write_registry,
    write_synth,
    write_table,
)
from iran_russia_claims.spec.models import Claim
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, ID_PATTERN
from iran_russia_claims.validation import validate_frame
from records import registry as small_registry

REGISTRY = synth_registry()


def test_synthetic_claims_pass_the_table_schema_and_every_record_model() -> None:
    frame = synth_frame(400, seed=7)
    report = validate_frame(frame, REGISTRY)
    assert report.valid, report.render()
    for record in synth_table(400, seed=7).to_pylist():
        Claim.model_validate(record, context=REGISTRY)


def test_ids_past_9999_stay_valid_and_unique() -> None:
    table = synth_table(10_050, seed=1)
    ids = table.column("id").to_pylist()
    assert (ids[0], ids[9998], ids[9999]) == ("IRR-0001", "IRR-9999", "IRR-10000")
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(ID_PATTERN, i) for i in ids)
    assert validate_frame(synth_frame(10_050, seed=1), REGISTRY).valid


def test_same_seed_same_table_other_seed_other_table() -> None:
    assert synth_table(300, seed=5).equals(synth_table(300, seed=5))
    assert not synth_table(300, seed=5).equals(synth_table(300, seed=6))


def test_a_given_registry_is_cited_instead() -> None:
    registry = small_registry()
    frame = synth_frame(200, seed=3, registry=registry)
    assert set(frame["source_id"]) == {"test-source"}
    assert validate_frame(frame, registry).valid


def test_frame_has_the_documented_dtypes() -> None:
    frame = synth_frame(50, seed=2)
    assert list(frame.columns) == list(CLAIM_COLUMN_NAMES)
    assert str(frame["theme"].dtype) == "category"
    assert frame["confidence_band"].cat.ordered
    assert str(frame["start"].dtype) == "int64"
    assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in frame["actors"])
    assert frame["actors"].tolist() == synth_table(50, seed=2).column("actors").to_pylist()


@pytest.mark.parametrize("chunk_rows", [7, 100_000])
def test_csv_and_json_are_byte_for_byte_what_the_exporters_write(
    tmp_path: Path, chunk_rows: int
) -> None:
    table = synth_table(60, seed=11)
    records = table.to_pylist()
    write_table(table, tmp_path / "c.csv", chunk_rows=chunk_rows)
    write_table(table, tmp_path / "c.json", chunk_rows=chunk_rows)
    write_table(table, tmp_path / "c.jsonl", chunk_rows=chunk_rows)
    assert (tmp_path / "c.csv").read_bytes() == render_csv(records, CLAIM_COLUMN_NAMES)
    assert (tmp_path / "c.json").read_bytes() == render_json(records)
    lines = (tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records


def test_csv_quotes_only_what_needs_quoting(tmp_path: Path) -> None:
    import pyarrow as pa

    table = synth_table(3, seed=0)
    odd = pa.array(
        [
            'He said "no", twice, then left the room.',
            "Line one\nline two of it.",
            "A plain sentence with no specials.",
        ]
    )
    table = table.set_column(table.schema.get_field_index("assertion"), "assertion", odd)
    write_table(table, tmp_path / "q.csv")
    assert (tmp_path / "q.csv").read_bytes() == render_csv(table.to_pylist(), CLAIM_COLUMN_NAMES)


def test_parquet_round_trips_with_the_export_schema(tmp_path: Path) -> None:
    path = write_synth(tmp_path / "p.parquet", 120, seed=4)
    back = pq.read_table(path)
    assert back.equals(synth_table(120, seed=4))
    shipped = pq.read_schema(Path(__file__).resolve().parents[2] / "exports" / "claims.parquet")
    assert [(f.name, str(f.type)) for f in back.schema] == [(f.name, str(f.type)) for f in shipped]


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".parquet"])
def test_an_empty_table_writes_a_readable_file(tmp_path: Path, suffix: str) -> None:
    path = write_synth(tmp_path / f"e{suffix}", 0)
    if suffix == ".json":
        assert json.loads(path.read_text()) == []
    elif suffix == ".csv":
        assert path.read_text() == ",".join(CLAIM_COLUMN_NAMES) + "\n"
    elif suffix == ".jsonl":
        assert path.read_bytes() == b""
    else:
        assert pq.read_table(path).num_rows == 0


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        write_synth(tmp_path / "x.xlsx", 5)
    assert main(["synth", "--rows", "5", "--out", str(tmp_path / "x.xlsx")]) == 2


def test_registry_written_for_the_validator_reads_back(tmp_path: Path) -> None:
    write_registry(tmp_path)
    back = read_registry(tmp_path)
    assert back.sources == REGISTRY.sources
    assert back.actors == REGISTRY.actors


def test_cli_synth_writes_the_same_file_as_the_function(tmp_path: Path) -> None:
    out = tmp_path / "cli.csv"
    assert (
        main(
            [
                "synth",
                "--rows",
                "40",
                "--seed",
                "9",
                "--out",
                str(out),
                "--registry",
                str(tmp_path / "reg"),
            ]
        )
        == 0
    )
    write_synth(tmp_path / "fn.csv", 40, seed=9)
    assert out.read_bytes() == (tmp_path / "fn.csv").read_bytes()
    assert read_registry(tmp_path / "reg").sources == REGISTRY.sources


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.integers(0, 400), seed=st.integers(0, 2**32 - 1))
def test_every_seed_and_size_gives_a_valid_table(rows: int, seed: int) -> None:
    frame = synth_frame(rows, seed=seed)
    assert len(frame) == rows
    assert validate_frame(frame, REGISTRY).valid
