"""The dataset card and catalogue metadata: generated, in sync, valid, and agreeing everywhere."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATASET, EXPORTS, REPO
from iran_russia_claims import SCHEMA_VERSION, __version__
from iran_russia_claims.cli import main
from iran_russia_claims.describe.card import (
    REGENERATE,
    data_dictionary,
    readme_blocks,
    sync_blocks,
)
from iran_russia_claims.describe.croissant import croissant
from iran_russia_claims.describe.hub import card_header
from iran_russia_claims.describe.metadata import hub_layout, stale_files
from iran_russia_claims.describe.snapshot import read_snapshot
from iran_russia_claims.readers.collection import read_manifest
from iran_russia_claims.spec.rules import RULES
from iran_russia_claims.spec.vocab import (
    CLAIM_COLUMN_NAMES,
    CLAIM_COLUMNS,
    LINK_COLUMNS,
    Band,
    CodedBy,
    Ground,
    Kind,
    QuadClass,
    RelationType,
    Theme,
)

README = REPO / "README.md"
METADATA = REPO / "metadata"
CFF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "cff-schema-1.2.0.json"
#: The shipped collection's manifest: its version and release date are the package's.
MANIFEST = read_manifest(DATASET)
RELEASED = MANIFEST.released


def test_the_shipped_collection_is_versioned_with_the_package() -> None:
    assert MANIFEST.version == __version__
    assert RELEASED is not None


@pytest.fixture(scope="module")
def snapshot() -> Any:
    return read_snapshot(EXPORTS, DATASET)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# -- generated files are current ----------------------------------------------------------------
def test_readme_and_metadata_are_what_the_code_generates_now() -> None:
    stale = stale_files(EXPORTS, METADATA, README, DATASET, REPO / "CITATION.cff")
    assert not stale, f"out of date: {stale}; run `{REGENERATE}` and commit the result"


def test_check_mode_reports_a_stale_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "metadata"
    readme = tmp_path / "README.md"
    readme.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    assert (
        main(["metadata", "--exports", str(EXPORTS), "--out", str(out), "--readme", str(readme)])
        == 0
    )
    assert (
        main(
            [
                "metadata",
                "--check",
                "--exports",
                str(EXPORTS),
                "--out",
                str(out),
                "--readme",
                str(readme),
            ]
        )
        == 0
    )
    (out / "croissant.json").write_text("{}", encoding="utf-8")
    assert (
        main(
            [
                "metadata",
                "--check",
                "--exports",
                str(EXPORTS),
                "--out",
                str(out),
                "--readme",
                str(readme),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "croissant.json" in err
    assert REGENERATE in err


def test_sync_replaces_stale_blocks_and_refuses_missing_markers() -> None:
    text = "intro\n<!-- x:start -->\nold stuff\n<!-- x:end -->\noutro\n"
    synced = sync_blocks(text, {"x": "new stuff"})
    assert "old stuff" not in synced
    assert "new stuff" in synced
    assert synced.startswith("intro\n")
    assert synced.endswith("<!-- x:end -->\noutro\n")
    assert sync_blocks(synced, {"x": "new stuff"}) == synced  # idempotent
    with pytest.raises(ValueError, match="y:start"):
        sync_blocks(text, {"y": "anything"})
    with pytest.raises(ValueError, match="exactly one"):
        sync_blocks(text + text, {"x": "twice"})


def test_readme_has_every_generated_block(snapshot: Any) -> None:
    text = README.read_text(encoding="utf-8")
    for name in readme_blocks(snapshot):
        assert f"<!-- {name}:start -->" in text
        assert f"<!-- {name}:end -->" in text


# -- the data dictionary comes from the model ---------------------------------------------------
def test_data_dictionary_covers_every_column_value_and_rule() -> None:
    text = data_dictionary()
    claims_part, links_part = text.split("The link tables refer to the claims", 1)
    rows = re.findall(
        r"^\| `([a-z_0-9]+)` \| (?:string|integer|number|list of string) \|", claims_part, re.M
    )
    assert tuple(rows) == CLAIM_COLUMN_NAMES
    link_rows = re.findall(r"^\| `([a-z_0-9]+)` \| (?:string|boolean) \|", links_part, re.M)
    assert link_rows == [c.name for columns in LINK_COLUMNS.values() for c in columns]
    for value in [*QuadClass, *RelationType, *Ground, *CodedBy]:
        assert f"`{value.value}`" in links_part
    for column in CLAIM_COLUMNS:
        assert column.description.split("`")[0][:30] in text
    for value in [*Theme, *Kind, *Band]:
        assert f"`{value.value}`" in text
    for rule in RULES:
        assert f"| `{rule}` |" in text
    assert SCHEMA_VERSION in text


def test_data_dictionary_follows_a_changed_description(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    import iran_russia_claims.describe.card as card

    changed = (replace(CLAIM_COLUMNS[0], description="A brand-new meaning."), *CLAIM_COLUMNS[1:])
    monkeypatch.setattr(card, "CLAIM_COLUMNS", changed)
    assert "A brand-new meaning." in card.data_dictionary()
    assert card.data_dictionary() not in README.read_text(encoding="utf-8")


# -- Croissant ----------------------------------------------------------------------------------
def test_croissant_describes_the_model_and_the_files(snapshot: Any) -> None:
    doc = croissant(snapshot)
    claims = next(rs for rs in doc["recordSet"] if rs["@id"] == "claims")
    assert tuple(f["name"] for f in claims["field"]) == CLAIM_COLUMN_NAMES
    from iran_russia_claims.publish.tables import tables

    for table in tables():
        record_set = next(rs for rs in doc["recordSet"] if rs["@id"] == table.name)
        assert tuple(f["name"] for f in record_set["field"]) == table.field_names
        sources = {f["source"]["fileObject"]["@id"] for f in record_set["field"]}
        assert sources == {f"{table.name}.parquet"}
    listed = {obj["name"] for obj in doc["distribution"]}
    assert {f"{t.name}.{ext}" for t in tables() for ext in ("parquet", "csv", "json")} == listed
    for obj in doc["distribution"]:
        exported = snapshot.files[obj["name"]]
        assert obj["sha256"] == exported.sha256
        assert obj["contentSize"] == f"{exported.size} B"
        assert (METADATA / obj["contentUrl"]).resolve() == (EXPORTS / obj["name"]).resolve()
    assert doc["version"] == __version__
    assert doc["datePublished"] == RELEASED


def _load_all(jsonld: Path) -> dict[str, list[dict[str, Any]]]:
    mlc = pytest.importorskip("mlcroissant", reason="mlcroissant is not installed (test extra)")
    dataset = mlc.Dataset(jsonld=jsonld)
    issues = dataset.metadata.ctx.issues
    assert not issues.errors, issues.errors
    assert not issues.warnings, issues.warnings
    return {rs.id: list(dataset.records(rs.id)) for rs in dataset.metadata.record_sets}


def _text(value: Any) -> Any:
    return value.decode("utf-8") if isinstance(value, bytes) else value


RDFLIB_DEPRECATION = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"


@pytest.mark.filterwarnings(RDFLIB_DEPRECATION)
def test_mlcroissant_validates_and_loads_every_record_set(no_network: None) -> None:
    records = _load_all(METADATA / "croissant.json")
    expected = json.loads((EXPORTS / "claims.json").read_text(encoding="utf-8"))
    loaded = [{k.split("/", 1)[1]: v for k, v in r.items()} for r in records["claims"]]
    assert len(loaded) == len(expected)
    for got, want in zip(loaded, expected, strict=True):
        assert _text(got["id"]) == want["id"]
        assert [_text(a) for a in got["actors"]] == want["actors"]
        assert [_text(h) for h in got["hedges"]] == want["hedges"]
        assert got["confidence"] == want["confidence"]
    assert len(records["themes"]) == len(Theme)
    import pyarrow.parquet as pq

    from iran_russia_claims.publish.tables import tables

    for table in tables():  # every table, read from its Parquet file
        rows = pq.read_table(EXPORTS / f"{table.name}.parquet").to_pylist()
        got = [{k.split("/", 1)[1]: _text(v) for k, v in r.items()} for r in records[table.name]]
        assert len(got) == len(rows), table.name
        for name in table.field_names:
            if table.field(name).type == "string" and table.field(name).required:
                assert [r[name] for r in got] == [r[name] for r in rows], (table.name, name)


@pytest.mark.filterwarnings(RDFLIB_DEPRECATION)
def test_mlcroissant_rejects_a_file_that_does_not_match_its_hash(
    tmp_path: Path, no_network: None
) -> None:
    pytest.importorskip("mlcroissant", reason="mlcroissant is not installed (test extra)")
    shutil.copytree(EXPORTS, tmp_path / "exports")
    (tmp_path / "metadata").mkdir()
    shutil.copy(METADATA / "croissant.json", tmp_path / "metadata" / "croissant.json")
    with (tmp_path / "exports" / "actors.parquet").open("ab") as handle:
        handle.write(b"tampered")  # the record set reads the Parquet file
    with pytest.raises(Exception) as info:  # noqa: PT011 - mlcroissant wraps the cause
        _load_all(tmp_path / "metadata" / "croissant.json")
    chain, error = [], info.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__ or error.__context__
    assert any("Hash of downloaded file" in message for message in chain), chain


# -- Hugging Face-style card --------------------------------------------------------------------
def test_card_header_file_is_the_card_front_matter(snapshot: Any) -> None:
    card = (METADATA / "dataset_card.md").read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", card, re.S)
    assert match, "the card must start with a YAML front matter block"
    front = yaml.safe_load(match.group(1))
    assert front == yaml.safe_load((METADATA / "dataset_card.yaml").read_text(encoding="utf-8"))
    assert front == card_header(snapshot)


def test_card_header_agrees_with_the_data(snapshot: Any) -> None:
    from iran_russia_claims.publish.tables import tables

    header = card_header(snapshot)
    assert header["license"] == MANIFEST.license.id.lower() == "cc-by-4.0"
    assert header["pretty_name"] == MANIFEST.title
    names = [t.name for t in tables()]
    assert [c["config_name"] for c in header["configs"]] == names
    assert [c["config_name"] for c in header["configs"] if c.get("default")] == ["claims"]
    assert [i["config_name"] for i in header["dataset_info"]] == names
    layout = hub_layout(snapshot)  # every config reads a file of the Hub repository
    for config in header["configs"]:
        for files in config["data_files"]:
            assert files["path"] in layout, files["path"]
    for table, info in zip(tables(), header["dataset_info"], strict=True):
        assert tuple(f["name"] for f in info["features"]) == table.field_names
        rows = json.loads((EXPORTS / f"{table.name}.json").read_text(encoding="utf-8"))
        (split,) = info["splits"]
        assert split["num_examples"] == len(rows)
        assert split["num_bytes"] == info["dataset_size"] > 0
    claims = header["dataset_info"][0]
    assert [f["name"] for f in claims["features"]] == list(CLAIM_COLUMN_NAMES)
    assert claims["splits"][0]["num_examples"] == len(snapshot.claims)


# -- citation, changelog, licences --------------------------------------------------------------
def _cff() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))

    def dates_as_text(value: Any) -> Any:  # the CFF schema wants strings; YAML parses dates
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: dates_as_text(v) for k, v in value.items()}
        if isinstance(value, list):
            return [dates_as_text(v) for v in value]
        return value

    result: dict[str, Any] = dates_as_text(data)
    return result


def test_citation_cff_is_valid_against_the_cff_schema() -> None:
    import jsonschema

    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(_cff()), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_cff_check_can_fail() -> None:
    import jsonschema

    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    broken = {k: v for k, v in _cff().items() if k != "authors"}
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_citation_agrees_with_package_changelog_and_registry() -> None:
    cff = _cff()
    assert cff["version"] == __version__
    assert cff["date-released"] == RELEASED
    sources = yaml.safe_load((DATASET / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    assert len(cff["references"]) == len(sources)
    for source, article in zip(sources, cff["references"], strict=True):
        assert article["title"] == source["title"]
        assert article["authors"][0]["name"] == source["author"]
        assert source["sha256"] in article["notes"]


def test_citation_prefers_the_dataset_itself_with_its_url() -> None:
    from iran_russia_claims.readers.collection import read_manifest

    cff, manifest = _cff(), read_manifest(DATASET)
    preferred = cff["preferred-citation"]
    assert preferred["type"] == "data"
    assert preferred["title"] == cff["title"] == manifest.title
    assert preferred["authors"] == cff["authors"]
    assert preferred["version"] == cff["version"] == manifest.version
    assert preferred["year"] == int(RELEASED[:4])
    assert preferred["url"] == cff["url"] == manifest.homepage
    assert "*id" not in (REPO / "CITATION.cff").read_text(encoding="utf-8")  # no YAML aliases


def test_changelog_has_the_current_version_with_its_date() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.M)
    assert versions, "no released version in CHANGELOG.md"
    assert versions[0] == (__version__, RELEASED), "the newest entry must be the package version"
    assert "## [Unreleased]" in text
    assert text.index("## [Unreleased]") < text.index(f"## [{__version__}]")


def test_licence_files_exist_and_are_the_ones_named() -> None:
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY 4.0" in (REPO / "LICENSE-DATA").read_text(encoding="utf-8")
    readme = README.read_text(encoding="utf-8")
    assert "](LICENSE)" in readme
    assert "](LICENSE-DATA)" in readme
