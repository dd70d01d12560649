"""verify-source and coverage: the dataset against the article, and against doctored copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import DATASET, write_manifest
from iran_russia_claims.cli import main
from iran_russia_claims.curation.dataset import read_dataset
from iran_russia_claims.curation.provenance import coverage, verify_source
from iran_russia_claims.readers.article import read_source_text, sentences, sha256_file


@pytest.fixture(scope="module")
def dataset():
    return read_dataset(DATASET)


def test_every_span_and_the_file_hash_verify(dataset, article_path: Path) -> None:
    result = verify_source(dataset, article_path)
    assert result.ok, [str(p) for p in result.problems]
    ours = result.source.id
    assert result.spans_checked == sum(c.source_id == ours for c in dataset.claims) > 0
    assert result.filler_checked == sum(f.source_id == ours for f in dataset.filler) > 0


def test_every_sentence_is_a_claim_anchor_or_recorded_filler(dataset, article_text: str) -> None:
    rows, problems = coverage(dataset, article_text, "iran-russia-relations")
    assert problems == []
    assert len(rows) == len(sentences(article_text))
    assert {r.status for r in rows} == {"claimed", "filler"}
    assert sum(r.status == "claimed" for r in rows) > sum(r.status == "filler" for r in rows)


def test_cli_verify_and_coverage_pass(article_path: Path, capsys) -> None:
    assert main(["verify-source", str(article_path), "--dataset", str(DATASET)]) == 0
    assert main(["coverage", "--source", str(article_path), "--dataset", str(DATASET)]) == 0
    assert "0 unexplained" in capsys.readouterr().out


def test_a_doctored_article_is_refused_with_both_hashes(
    article_text: str, tmp_path: Path, capsys
) -> None:
    # One character changed: not the registered text, so nothing is checked against it (exit 2)
    path = tmp_path / "iran-russia-relations.txt"
    path.write_text("X" + article_text[1:], encoding="utf-8", newline="")
    assert main(["verify-source", str(path), "--dataset", str(DATASET)]) == 2
    err = capsys.readouterr().err
    assert "source_hash_matches" in err
    assert sha256_file(path) in err
    assert read_dataset(DATASET).registry.sources["iran-russia-relations"].sha256 in err
    assert main(["coverage", "--source", str(path), "--dataset", str(DATASET)]) == 2


def test_a_span_that_moved_fails_with_the_broken_spans(
    article_text: str, tmp_path: Path, capsys
) -> None:
    # Swap one character inside the first claim's span, and register the doctored text: the
    # hash matches, so its spans are checked, and that one breaks.
    copy = tmp_path / "dataset"
    shutil.copytree(DATASET, copy)
    data = read_dataset(copy)
    first = min(data.claims, key=lambda c: c.start)
    i = first.start + 1
    doctored = article_text[:i] + ("X" if article_text[i] != "X" else "Y") + article_text[i + 1 :]
    path = tmp_path / "iran-russia-relations.txt"
    path.write_text(doctored, encoding="utf-8", newline="")
    registry = (copy / "sources.yaml").read_text(encoding="utf-8")
    old = data.registry.sources["iran-russia-relations"].sha256
    (copy / "sources.yaml").write_text(registry.replace(old, sha256_file(path)), encoding="utf-8")
    result = verify_source(read_dataset(copy), path)
    rules = {(p.rule, p.record_id) for p in result.problems}
    assert ("span_hash_matches", first.id) in rules
    assert main(["verify-source", str(path), "--dataset", str(copy)]) == 1
    assert first.id in capsys.readouterr().err


def test_removing_a_filler_decision_leaves_an_unexplained_sentence(
    article_path: Path, tmp_path: Path, capsys
) -> None:
    copy = tmp_path / "dataset"
    shutil.copytree(DATASET, copy)
    filler = yaml.safe_load((copy / "filler.yaml").read_text(encoding="utf-8"))
    dropped = filler["filler"].pop(0)
    (copy / "filler.yaml").write_text(yaml.safe_dump(filler), encoding="utf-8")
    assert main(["coverage", "--source", str(article_path), "--dataset", str(copy)]) == 1
    captured = capsys.readouterr()
    assert f"sentence [{dropped['start']}:{dropped['end']}]" in captured.err
    assert "sentence_explained" in captured.err


def test_machinery_on_a_text_of_our_own(tmp_path: Path) -> None:
    """The same checks on a tiny source we write ourselves, so they run without the article."""
    from iran_russia_claims.readers.article import sha256_text

    text = "A Title\n\nIran sells oil. Russia buys it. Grab a coffee.\n"
    src = tmp_path / "mini.txt"
    src.write_text(text, encoding="utf-8", newline="")
    units = sentences(text)
    assert [text[u.start : u.end] for u in units] == [
        "A Title",
        "Iran sells oil.",
        "Russia buys it.",
        "Grab a coffee.",
    ]
    ds = tmp_path / "ds"
    write_manifest(ds)
    (ds / "actors.yaml").write_text(
        "actors:\n  - {code: IRN, name: Iran, kind: state, iso3: IRN}\n"
        "  - {code: RUS, name: Russia, kind: state, iso3: RUS}\n",
        encoding="utf-8",
    )
    (ds / "sources.yaml").write_text(
        yaml.safe_dump(
            {
                "sources": [
                    {
                        "id": "mini",
                        "title": "Mini",
                        "author": "Us",
                        "language": "en",
                        "filename": "mini.txt",
                        "sha256": sha256_file(src),
                        "length": len(text),
                        "sections": [{"slug": "all", "title": "All", "start": 0, "end": len(text)}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    u1, u2 = units[1], units[2]
    claim = {
        "source_id": "mini",
        "section": "all",
        "theme": "energy",
        "kind": "descriptive",
        "confidence": 0.9,
        "confidence_band": "very_likely",
        "hedges": [],
    }
    claims = [
        {
            "id": "IRR-0001",
            **claim,
            "start": u1.start,
            "end": u1.end,
            "span_sha256": sha256_text(text[u1.start : u1.end]),
            "actors": ["IRN"],
            "assertion": "Iran is an oil exporter.",
        },
        {
            "id": "IRR-0002",
            **claim,
            "start": u2.start,
            "end": u2.end,
            "span_sha256": sha256_text(text[u2.start : u2.end]),
            "actors": ["RUS", "IRN"],
            "assertion": "Russia purchases Iranian oil.",
        },
    ]
    (ds / "claims.yaml").write_text(yaml.safe_dump({"claims": claims}), encoding="utf-8")
    (ds / "filler.yaml").write_text(
        yaml.safe_dump(
            {
                "filler": [
                    {
                        "source_id": "mini",
                        "start": units[0].start,
                        "end": units[0].end,
                        "span_sha256": sha256_text("A Title"),
                        "reason": "title",
                        "note": "The title.",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    data = read_dataset(ds)
    assert verify_source(data, src).ok
    rows, problems = coverage(data, read_source_text(src), "mini")
    assert [r.status for r in rows] == ["filler", "claimed", "claimed", "unexplained"]
    assert [p.rule for p in problems] == ["sentence_explained"]
