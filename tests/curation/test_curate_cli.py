"""The curator's commands as a user meets them: defaults, where files go, and the refusals a
new user runs into (an edited article, a README without markers, YAML dates and numbers)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from iran_russia_claims.cli import main
from iran_russia_claims.readers.collection import read_manifest

EXAMPLE = REPO / "docs" / "example" / "kz-kg-water"


@pytest.fixture
def coll(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example collection; the current folder is its parent."""
    folder = tmp_path / "coll"
    shutil.copytree(EXAMPLE, folder)
    monkeypatch.chdir(tmp_path)
    return folder


def said(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_edited_copy_of_an_article_in_the_articles_folder_is_refused(
    coll: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = coll / "articles" / "shared-rivers.txt"
    article.write_text(article.read_text("utf-8").replace("Naryn", "Narin", 1), "utf-8")
    for argv in (
        ["verify-source", "--collection", "coll"],
        ["coverage", "--collection", "coll"],
        ["validate", "coll/claims.yaml", "--collection", "coll", "--source", "coll/articles"],
        ["fill", "--collection", "coll", "--check"],
    ):
        assert main(argv) == 2, argv
        out = said(capsys)
        assert "source_hash_matches" in out
        assert "61e381a4e3040f45db7d6072269dde0a8eaaa65bba0e580be93ca2a9ae805e1c" in out


def test_export_writes_inside_the_collection_not_where_it_is_run(
    coll: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# not the collection's\n", encoding="utf-8")
    assert main(["export", "--collection", "coll", "-q"]) == 0
    assert (coll / "exports" / "datapackage.json").is_file()
    assert (coll / "schemas" / "claim.schema.json").is_file()
    assert (coll / "metadata" / "croissant.json").is_file()  # its README has the markers
    assert (coll / "CITATION.cff").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "coll"]
    assert main(["metadata", "--collection", "coll", "--check"]) == 0


def test_a_readme_without_markers_stops_export_before_anything_is_written(
    coll: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (coll / "README.md").write_text("# Our claims\n\nHand-written.\n", encoding="utf-8")
    before = tree(coll)
    assert main(["export", "--collection", "coll"]) == 2
    out = said(capsys)
    assert "coll/README.md" in out
    assert "<!-- at-a-glance:start -->" in out
    assert "--no-metadata" in out
    assert tree(coll) == before
    assert main(["export", "--collection", "coll", "--no-metadata", "-q"]) == 0


def test_metadata_refuses_exports_of_another_collection(
    coll: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["metadata", "--collection", "coll", "--exports", str(REPO / "exports")]) == 2
    out = said(capsys)
    assert "'iran-russia-claims'" in out
    assert "'kz-kg-water'" in out


def test_inside_a_collection_folder_every_command_uses_it(
    coll: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(coll)
    assert main(["validate", "claims.yaml", "--source", "articles"]) == 0
    assert "spans of shared-rivers: 25 of 25 spans checked" in said(capsys)
    assert main(["summary"]) == 0
    assert "25 claims from 1 source" in said(capsys)
    assert main(["sentences", "articles/shared-rivers.txt", "--skeleton", "claims"]) == 0
    assert "- id: KKW-NNNN" in said(capsys)


def test_validate_says_when_no_span_was_checked_and_refuses_a_folder_without_the_article(
    coll: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "coll/claims.yaml", "--collection", "coll"]) == 0
    assert "spans: not checked against any article" in said(capsys)
    (tmp_path / "empty").mkdir()
    argv = ["validate", "coll/claims.yaml", "--collection", "coll", "--source", "empty"]
    assert main(argv) == 2
    assert "no file here has the SHA-256 of a registered source" in said(capsys)


def test_missing_derived_columns_point_to_fill(
    coll: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (coll / "claims.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("    section: ")]
    (coll / "claims.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", "coll/claims.yaml", "--collection", "coll"]) == 1
    out = said(capsys)
    assert "column section: the column is missing" in out
    assert "`iran-russia-claims fill` computes it" in out
    assert main(["fill", "--collection", "coll"]) == 0
    assert (coll / "claims.yaml").read_bytes() == (EXAMPLE / "claims.yaml").read_bytes()


def test_a_wrong_id_prefix_names_the_collections(
    coll: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (coll / "claims.yaml").read_text(encoding="utf-8")
    (coll / "claims.yaml").write_text(text.replace("id: KKW-0001", "id: IRR-0001"), "utf-8")
    assert main(["validate", "coll/claims.yaml", "--collection", "coll"]) == 1
    assert "id is not KKW-NNNN" in said(capsys)


@pytest.mark.parametrize(
    ("line", "ok", "message"),
    [
        ("released: 2026-12-01", True, ""),
        ('released: "2026-02-29"', False, "is not a day of the calendar"),
        ("version: 1.0", False, "quote it"),
    ],
)
def test_yaml_dates_and_numbers_in_the_manifest(
    coll: Path, line: str, ok: bool, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key = line.split(":")[0]
    kept = [
        old
        for old in (coll / "collection.yaml").read_text(encoding="utf-8").splitlines()
        if not old.startswith(f"{key}:")
    ]
    (coll / "collection.yaml").write_text("\n".join([*kept, line]) + "\n", encoding="utf-8")
    if ok:
        assert read_manifest(coll).released == "2026-12-01"
    else:
        assert main(["summary", "--collection", "coll"]) == 1
        out = said(capsys)
        assert message in out
        assert "coll/collection.yaml" in out


def test_add_source_with_crlf_registers_the_text_as_it_is(
    coll: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dos = tmp_path / "dos.txt"
    dos.write_bytes(b"A Report\r\n\r\nIt says one thing. It says another.\r\n")
    argv = ["add-source", str(dos), "--author", "X", "--collection", "coll"]
    assert main(argv) == 2
    assert "--crlf" in said(capsys)
    assert main([*argv, "--crlf"]) == 0
    assert "registered 'dos'" in said(capsys)


def test_init_in_the_current_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    here = tmp_path / "my-claims"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["init", ".", "--id-prefix", "MYC"]) == 2  # who made it?
    assert "--creator" in said(capsys)
    assert main(["init", ".", "--id-prefix", "MYC", "--creator", "Ann van der Berg"]) == 0
    manifest = read_manifest(here)
    assert (manifest.name, manifest.title, manifest.id_prefix) == ("my-claims", "my-claims", "MYC")
    assert main(["init", ".", "--id-prefix", "MYC", "--creator", "X"]) == 2  # never overwrites
    assert "not empty" in said(capsys)


def test_coverage_works_before_any_claim_is_coded(
    coll: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (coll / "claims.yaml").write_text("claims: []\n", encoding="utf-8")
    (coll / "filler.yaml").write_text("filler: []\n", encoding="utf-8")
    assert main(["coverage", "--collection", "coll"]) == 1
    assert "24 sentences: 0 with claims, 0 filler, 24 unexplained" in said(capsys)
    assert main(["export", "--collection", "coll"]) == 1
    assert "the input holds no claims" in said(capsys)


def test_the_citation_file_names_people_as_given(
    coll: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = (coll / "collection.yaml").read_text(encoding="utf-8")
    person = "- {name: Ann van der Berg, given_names: Ann, family_names: van der Berg}"
    manifest = manifest.replace(
        "- name: iran-russia-claims contributors\n  kind: organization", person
    )
    (coll / "collection.yaml").write_text(manifest, encoding="utf-8")
    assert main(["export", "--collection", "coll", "-q"]) == 0
    citation = (coll / "CITATION.cff").read_text(encoding="utf-8")
    assert "family-names: van der Berg" in citation
    assert "given-names: Ann" in citation
    package = json.loads((coll / "exports" / "datapackage.json").read_text("utf-8"))
    assert package["contributors"] == [{"title": "Ann van der Berg", "role": "author"}]
