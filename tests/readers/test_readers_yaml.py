"""The YAML reader: a claims mapping or a list, duplicate keys and size refused, types kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims_files import write_claims
from iran_russia_claims.readers import ReadError
from iran_russia_claims.validation import validate
from reading import REGISTRY, read, records


def test_yaml_takes_a_claims_mapping_or_a_list(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(json.dumps(records(2)))  # JSON is YAML: a bare list
    assert validate(path, registry=REGISTRY).valid
    path.write_text("actors: []\n")
    with pytest.raises(ReadError, match="'claims'"):
        read(path)


def test_yaml_duplicate_keys_and_size_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_claims(records(2), tmp_path / "c.yaml")
    path.write_text(path.read_text().replace("kind: causal", "kind: causal\n  kind: opinion", 1))
    with pytest.raises(ReadError, match="duplicate key"):
        read(path)
    from iran_russia_claims.readers import safe_yaml

    monkeypatch.setattr(safe_yaml, "MAX_YAML_BYTES", 100)
    with pytest.raises(ReadError, match="over 100"):
        read(write_claims(records(2), tmp_path / "d.yaml"))


def test_records_keep_their_python_types(tmp_path: Path) -> None:
    rows = records(2)
    rows[0]["start"] = "10"
    del rows[1]["confidence"]
    chunks, problems = read(write_claims(rows, tmp_path / "c.yaml"))
    frame = chunks[0].frame
    assert problems == []
    assert frame["start"].tolist() == ["10", 20]
    assert frame["confidence"].tolist() == [0.7, None]  # missing, not NaN
