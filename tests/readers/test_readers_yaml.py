"""The YAML reader: a claims mapping or a list, duplicate keys and size refused, types kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims_files import write_claims
from iran_russia_claims.readers import ReadError, read_chunks
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
    with pytest.raises(ReadError, match="over the limit of 100"):
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


def _problems(path: Path) -> list[tuple[str, int | None, str | None]]:
    report = validate(path, registry=REGISTRY)
    return [(p.rule, p.row, p.column) for p in report.problems]


def _yaml_claims(tmp_path: Path, n: int = 2) -> tuple[Path, str]:
    path = write_claims(records(n), tmp_path / "c.yaml")
    return path, path.read_text()


def test_an_alias_to_what_contains_it_is_refused_not_followed(tmp_path: Path) -> None:
    """``hedges: &r [*r]`` is a list that holds itself: it once crashed the interpreter."""
    path = tmp_path / "c.yaml"
    path.write_text("claims:\n  - id: IRR-0001\n    hedges: &r [*r]\n")
    with pytest.raises(ReadError, match=r"the alias \*r stands for a list or mapping that"):
        read(path)
    path.write_text("claims:\n  - &c {id: IRR-0001, next: *c}\n")
    with pytest.raises(ReadError, match=r"alias \*c"):
        read(path)


def test_aliases_that_expand_past_twice_the_file_are_refused_while_reading(
    tmp_path: Path,
) -> None:
    """A billion laughs: each level repeats the one before ten times. The weight is counted
    as the aliases are met, so nothing is expanded before the refusal."""
    from iran_russia_claims.readers.safe_yaml import YAML_ALIAS_ALLOWANCE

    levels = ["a0: &a0 [" + ",".join(["lol"] * 10) + "]"]
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    path = tmp_path / "c.yaml"
    path.write_text("\n".join(levels) + "\nclaims:\n  - hedges: *a8\n")
    assert path.stat().st_size < 2048
    with pytest.raises(ReadError, match="its aliases repeat too much"):
        read(path)
    # a collection that names the same actors again and again is fine
    path, text = _yaml_claims(tmp_path, 3)
    text = text.replace("actors:", "actors: &pair", 1)
    assert len(text) < YAML_ALIAS_ALLOWANCE
    assert validate(path, registry=REGISTRY).valid


def test_nesting_is_bounded(tmp_path: Path) -> None:
    from iran_russia_claims.readers.safe_yaml import MAX_YAML_DEPTH

    path = tmp_path / "c.yaml"
    deep = "[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1)
    path.write_text(f"claims:\n  - hedges: {deep}\n")
    with pytest.raises(ReadError, match=f"nested more than {MAX_YAML_DEPTH} levels"):
        read(path)
    path.write_text("claims:\n  - hedges: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(ReadError, match="nest"):  # libyaml's own limit, or ours; no crash
        read(path)
    shallow = "[" * (MAX_YAML_DEPTH - 3) + "]" * (MAX_YAML_DEPTH - 3)
    path.write_text(f"claims:\n  - hedges: {shallow}\n")
    assert ("type", 1, "hedges") in _problems(path)  # read; the rules say what is wrong


def test_tags_that_build_objects_and_values_that_cannot_be_built_are_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.yaml"
    for text, message in [
        ("claims:\n  - !!python/object:os.system {}\n", "tag"),
        ("claims:\n  - id: !!python/name:os.system ''\n", "tag"),
        ("claims:\n  - !!python/tuple [a, b]\n", "tag"),
        ("claims:\n  - start: " + "9" * 5000 + "\n", "a number of 5000 characters"),
        ("claims:\n  - start: !!int twelve\n", "cannot be read as int"),
        ("claims:\n  - {[a]: 1}\n", "key must be a scalar"),
        ("claims: []\n---\nclaims: []\n", "more than one YAML document"),
        ("claims:\n  - id: *nowhere\n", "names no anchor"),
        ("claims:\n  - id: \x1b[2K\n", "not valid YAML"),
    ]:
        path.write_text(text)
        with pytest.raises(ReadError, match=message):
            read(path)


def test_merge_keys_give_defaults_and_never_override(tmp_path: Path) -> None:
    from iran_russia_claims.readers.safe_yaml import read_yaml

    path = tmp_path / "m.yaml"
    path.write_text("base: &b {kind: causal, theme: energy}\nclaim:\n  <<: *b\n  kind: opinion\n")
    assert read_yaml(path)["claim"] == {"kind": "opinion", "theme": "energy"}


def test_the_records_before_damage_are_still_checked(tmp_path: Path) -> None:
    path, text = _yaml_claims(tmp_path, 3)
    path.write_text(text + "- id: [unclosed\n")  # a fourth record, cut short
    seen = []

    def read_all() -> None:
        for chunk in read_chunks(path, None, lambda problem: None, chunk_rows=1):
            seen.append(int(chunk.rows[0]))

    with pytest.raises(ReadError, match="line"):
        read_all()
    assert seen == [1, 2, 3]
    report = validate(path, registry=REGISTRY)
    assert report.rows == 3
    assert report.rules_broken() == {"readable"}
    assert "line" in report.problems[0].message


def test_a_claim_longer_than_the_record_limit_is_refused_while_it_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iran_russia_claims.readers import safe_yaml

    monkeypatch.setattr(safe_yaml, "MAX_RECORD_BYTES", 2000)
    path, text = _yaml_claims(tmp_path, 2)
    assert validate(path, registry=REGISTRY).valid  # each claim is far shorter
    path.write_text(text + "- hedges: [" + ", ".join(["ab"] * 1000) + "]\n")
    report = validate(path, registry=REGISTRY)
    assert report.rows == 2
    assert "a claim is longer than 2000 characters" in report.problems[0].message


def test_chunks_end_at_a_byte_bound_as_well_as_a_record_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iran_russia_claims.readers import yaml as yaml_reader

    path, _ = _yaml_claims(tmp_path, 10)
    monkeypatch.setattr(yaml_reader, "CHUNK_BYTES", 1)
    sizes = [len(c.frame) for c in read_chunks(path, None, lambda problem: None)]
    assert sizes == [1] * 10


def test_yamls_own_collections_are_built_and_a_failure_names_its_claim(tmp_path: Path) -> None:
    path, text = _yaml_claims(tmp_path, 2)
    text = text.replace("- actors:\n  - RUS\n  - IRN", "- actors: !!set {RUS: null, IRN: null}", 1)
    text = text.replace("  hedges:\n  - likely", "  hedges: !!omap [{a: 1}]", 1)
    path.write_text(text)
    assert ("type", 1, "actors") in _problems(path)
    assert ("type", 1, "hedges") in _problems(path)
    path.write_text(text.replace("start: 20", "start: " + "9" * 5000))
    report = validate(path, registry=REGISTRY)
    readable = [p for p in report.problems if p.rule == "readable"]
    assert [p.row for p in readable] == [2]  # the claim being built when it failed
    assert "a number of 5000 characters" in readable[0].message


def test_a_number_too_long_to_build_cheaply_is_refused(tmp_path: Path) -> None:
    from iran_russia_claims.readers.safe_yaml import MAX_YAML_NUMBER_CHARS

    path = tmp_path / "c.yaml"
    path.write_text("claims:\n  - start: " + ":".join(["1"] * MAX_YAML_NUMBER_CHARS) + "\n")
    report = validate(path, registry=REGISTRY)
    assert [(p.rule, p.row) for p in report.problems] == [("readable", 1)]
    assert f"over the limit of {MAX_YAML_NUMBER_CHARS}" in report.problems[0].message
