"""A collection of two articles: the shipped one with the worked example's article added.

Every check runs per article, matched by hash: verify-source and coverage on a folder holding
both, validate with the folder as --source (the report says how many spans it checked against
which article), and export. The example's claims join the shipped collection under its id
prefix (KKW-0001 becomes IRR-1001), as a curator merging two collections would renumber them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import DATASET, REPO
from iran_russia_claims.cli import main
from iran_russia_claims.curation.dataset import read_dataset

EXAMPLE = REPO / "docs" / "example" / "kz-kg-water"


def _merged(tmp_path: Path, article_path: Path) -> tuple[Path, Path]:
    """The shipped collection plus the example's article, actors, claims and filler; and a
    folder holding both articles."""
    both = tmp_path / "articles"
    both.mkdir()
    shutil.copy(article_path, both / "iran-russia-relations.txt")
    shutil.copy(EXAMPLE / "articles" / "shared-rivers.txt", both / "shared-rivers.txt")
    merged = tmp_path / "collection"
    shutil.copytree(DATASET, merged)
    manifest = (merged / "collection.yaml").read_text(encoding="utf-8")
    (merged / "collection.yaml").write_text(
        re.sub(r"(?m)^articles: .*$", f"articles: {both}", manifest), encoding="utf-8"
    )
    shipped_actors = set(read_dataset(DATASET).registry.actors)
    extra_actors = [
        line
        for line in (EXAMPLE / "actors.yaml").read_text(encoding="utf-8").splitlines()
        if line.startswith("  - ") and yaml.safe_load(line[4:])["code"] not in shipped_actors
    ]
    for name, key, lines in (
        ("actors.yaml", "actors", extra_actors),
        ("sources.yaml", "sources", _items(EXAMPLE / "sources.yaml", "sources")),
        ("claims.yaml", "claims", _items(EXAMPLE / "claims.yaml", "claims")),
        ("filler.yaml", "filler", _items(EXAMPLE / "filler.yaml", "filler")),
    ):
        text = (merged / name).read_text(encoding="utf-8").rstrip("\n") + "\n"
        added = "\n".join(lines).replace("id: KKW-0", "id: IRR-1")
        (merged / name).write_text(text + added + "\n", encoding="utf-8")
    coding = merged / "claim_coding.yaml"  # every claim of a collection that codes them
    ids = [c["id"] for c in yaml.safe_load((merged / "claims.yaml").read_text("utf-8"))["claims"]]
    coded = {r["claim_id"] for r in yaml.safe_load(coding.read_text("utf-8"))["codings"]}
    rows = [f'- {{claim_id: {i}, coded_by: pass1, codebook_version: "1.0"}}' for i in ids]
    with coding.open("a", encoding="utf-8") as handle:
        handle.writelines(row + "\n" for row, i in zip(rows, ids, strict=True) if i not in coded)
    return merged, both


def _items(path: Path, key: str) -> list[str]:
    """The lines of the list under ``key`` (the records, comments left out)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"{key}:") + 1
    return [line for line in lines[start:] if line.startswith("  ")]


@pytest.fixture
def merged(tmp_path: Path, article_path: Path) -> tuple[Path, Path]:
    return _merged(tmp_path, article_path)


def test_the_merged_collection_is_valid_with_two_sources(merged: tuple[Path, Path]) -> None:
    collection, _ = merged
    dataset = read_dataset(collection)
    assert set(dataset.registry.sources) == {"iran-russia-relations", "shared-rivers"}
    by_source = {s: sum(c.source_id == s for c in dataset.claims) for s in dataset.registry.sources}
    assert by_source == {"iran-russia-relations": 111, "shared-rivers": 25}


def test_verify_source_and_coverage_check_each_article_of_a_folder(
    merged: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    collection, both = merged
    assert main(["verify-source", str(both), "--collection", str(collection)]) == 0
    out = capsys.readouterr().out
    assert "122 of 122 hashes match (111 claims, 11 filler)" in out
    assert "31 of 31 hashes match (25 claims, 6 filler)" in out
    assert main(["coverage", "--collection", str(collection)]) == 0  # the manifest's folder
    out = capsys.readouterr().out
    assert "iran-russia-relations: 74 sentences:" in out
    assert "shared-rivers: 24 sentences:" in out
    assert out.count(" 0 unexplained") == 2


def test_one_article_of_two_checks_that_one_and_says_which_was_not(
    merged: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    collection, both = merged
    one = both / "shared-rivers.txt"
    assert main(["verify-source", str(one), "--collection", str(collection)]) == 0
    out = capsys.readouterr().out
    assert "source shared-rivers" in out
    assert "not checked (no article given): iran-russia-relations" in out


def test_validate_tallies_the_spans_of_each_article(
    merged: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    collection, both = merged
    claims = str(collection / "claims.yaml")
    argv = ["validate", claims, "--collection", str(collection), "--source", str(both)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"iran-russia-relations: 111 of 111 spans checked against {both}" in out
    assert f"shared-rivers: 25 of 25 spans checked against {both}" in out
    # two --source options add up; neither replaces the other
    argv[-1] = str(both / "shared-rivers.txt")
    argv += ["--source", str(both / "iran-russia-relations.txt")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "111 of 111 spans checked" in out
    assert "25 of 25 spans checked" in out


def test_a_collection_of_two_articles_exports(
    merged: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection, _ = merged
    out = tmp_path / "exports"
    argv = ["export", "--collection", str(collection), "--out", str(out), "--no-schemas", "-q"]
    assert main(argv) == 0
    sources = (out / "sources.csv").read_text(encoding="utf-8").splitlines()
    assert len(sources) == 3
    assert "claims from" not in capsys.readouterr().out  # -q: no summary
    claims = (out / "claims.csv").read_text(encoding="utf-8").splitlines()
    assert len(claims) == 1 + 136
