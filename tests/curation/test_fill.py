"""fill: the derived fields of a curated collection computed in place, every other byte kept."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import DATASET
from iran_russia_claims.curation.fill import (
    Change,
    derive_claim,
    derive_filler,
    fill_collection,
    fill_text,
)
from iran_russia_claims.readers.registry import read_registry
from iran_russia_claims.spec.problem import DataError
from iran_russia_claims.spec.rules import band_for
from iran_russia_claims.validation import validate

ARTICLE = (
    "Iran and Russia\n\n"
    "Iran and Russia have grown closer. Trade between them rose sharply last year.\n\n"
    "Defence\n\n"
    "They may sign a defence treaty soon. Analysts doubt it will happen.\n"
)
DEFENCE = ARTICLE.index("Defence")


def span(text: str) -> tuple[int, int, str]:
    start = ARTICLE.index(text)
    end = start + len(text)
    return start, end, hashlib.sha256(text.encode("utf-8")).hexdigest()


S1, E1, H1 = span("Iran and Russia have grown closer.")
S2, E2, H2 = span("They may sign a defence treaty soon.")
S3, E3, H3 = span("Iran and Russia")
S4, E4, H4 = span("Defence")

CLAIMS = f"""\
# Claims of the test article.
#
# Offsets index the article's text.
claims:
  - id: TST-0001  # the first claim
    source_id: art
    section: intro
    start: {S1}
    end: {E1}
    span_sha256: {H1}
    theme: strategic_alignment
    actors: [IRN, RUS]
    kind: descriptive
    assertion: "Iran and Russia have become closer to each other."
    confidence: 0.9
    confidence_band: very_likely
    hedges: []

  # A hedged prediction.
  - id: TST-0002
    source_id: art
    section: defence
    start: {S2}
    end: {E2}
    span_sha256: {H2}
    theme: military_security
    actors: [IRN, RUS]
    kind: predictive
    assertion: 'Iran and Russia may sign a defence treaty soon.'
    confidence: 0.4
    confidence_band: {band_for(0.4).value}
    hedges: [may]
"""

FILLER = f"""\
# Units with no claim.
filler:
  - {{source_id: art, start: {S3}, end: {E3}, span_sha256: {H3}, reason: title, note: "Title."}}
  - {{source_id: art, start: {S4}, end: {E4}, span_sha256: {H4}, reason: heading, note: "Heading."}}
"""


def sub(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture
def coll(tmp_path: Path) -> Path:
    folder = tmp_path / "coll"
    folder.mkdir()
    manifest = yaml.safe_load((DATASET / "collection.yaml").read_text(encoding="utf-8"))
    manifest.update(name="test-coll", id_prefix="TST")
    manifest.pop("articles", None)
    (folder / "collection.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    (folder / "actors.yaml").write_text(
        "actors:\n"
        "  - {code: IRN, name: Iran, kind: state, iso3: IRN}\n"
        "  - {code: RUS, name: Russia, kind: state, iso3: RUS}\n",
        encoding="utf-8",
    )
    data = ARTICLE.encode("utf-8")
    (tmp_path / "art.txt").write_bytes(data)
    (folder / "sources.yaml").write_text(
        f"""sources:
  - id: art
    title: A test article
    author: Tester
    language: en
    filename: art.txt
    sha256: {hashlib.sha256(data).hexdigest()}
    length: {len(ARTICLE)}
    sections:
      - {{slug: intro, title: Introduction, start: 0, end: {DEFENCE}}}
      - {{slug: defence, title: Defence, start: {DEFENCE}, end: {len(ARTICLE)}}}
""",
        encoding="utf-8",
    )
    write(folder, CLAIMS, FILLER)
    return folder


def write(folder: Path, claims: str, filler: str | None = None) -> None:
    (folder / "claims.yaml").write_text(claims, encoding="utf-8", newline="")
    if filler is not None:
        (folder / "filler.yaml").write_text(filler, encoding="utf-8", newline="")


def read(folder: Path) -> tuple[str, str]:
    return (
        (folder / "claims.yaml").read_bytes().decode(),
        (folder / "filler.yaml").read_bytes().decode(),
    )


def article(coll: Path) -> list[Path]:
    return [coll.parent / "art.txt"]


def test_the_fixture_is_valid_and_already_filled(coll: Path) -> None:
    report = validate(coll / "claims.yaml", registry=read_registry(coll), source=article(coll))
    assert report.valid, [str(p) for p in report.problems]
    result = fill_collection(coll, article(coll))
    assert not result.changed
    assert not result.written
    assert result.articles == {"art": coll.parent / "art.txt"}
    assert read(coll) == (CLAIMS, FILLER)


def test_wrong_hash_section_and_band_are_replaced_in_place(coll: Path) -> None:
    claims = sub(CLAIMS, f"span_sha256: {H1}", "span_sha256: " + "0" * 64)
    claims = sub(claims, "section: defence", "section: intro-x")
    claims = sub(claims, f"confidence_band: {band_for(0.4).value}", "confidence_band: likely")
    filler = sub(FILLER, H4, "ab" * 32)
    write(coll, claims, filler)
    result = fill_collection(coll, article(coll))
    assert result.written
    assert read(coll) == (CLAIMS, FILLER)
    claims_fill, filler_fill = result.files
    assert {(c.index, c.record_id, c.field) for c in claims_fill.changes} == {
        (1, "TST-0001", "span_sha256"),
        (2, "TST-0002", "section"),
        (2, "TST-0002", "confidence_band"),
    }
    assert filler_fill.changes == [Change(2, None, "span_sha256", "ab" * 32, H4)]
    assert claims_fill.changes[0].old == 0  # 64 zeros read as a plain YAML integer


def test_missing_keys_are_inserted_in_block_and_flow_style(coll: Path) -> None:
    claims = sub(CLAIMS, "    section: intro\n", "")
    claims = sub(claims, f"    span_sha256: {H2}\n", "")
    claims = sub(claims, f"    confidence_band: {band_for(0.4).value}\n", "")
    filler = sub(FILLER, f" span_sha256: {H3},", "")
    write(coll, claims, filler)
    result = fill_collection(coll, article(coll))
    assert read(coll) == (CLAIMS, FILLER)
    assert [c.old for f in result.files for c in f.changes] == [None] * 4
    again = fill_collection(coll, article(coll))  # idempotent
    assert not again.changed
    assert read(coll) == (CLAIMS, FILLER)
    report = validate(coll / "claims.yaml", registry=read_registry(coll), source=article(coll))
    assert report.valid, [str(p) for p in report.problems]


def test_check_mode_writes_nothing(coll: Path) -> None:
    claims = sub(CLAIMS, "    section: intro\n", "")
    write(coll, claims, sub(FILLER, H3, "cd" * 32))
    before = read(coll)
    result = fill_collection(coll, article(coll), check=True)
    assert result.changed
    assert not result.written
    assert read(coll) == before
    assert [(c.field, c.new) for f in result.files for c in f.changes] == [
        ("section", "intro"),
        ("span_sha256", H3),
    ]


def test_records_with_bad_offsets_or_confidence_are_left_with_a_reason(coll: Path) -> None:
    claims = sub(CLAIMS, f"end: {E1}", "end: 99999")
    claims = sub(claims, f"start: {S2}", 'start: "x"')
    claims = sub(claims, "confidence: 0.4", "confidence: 1.5")
    claims = sub(claims, f"confidence_band: {band_for(0.4).value}", "confidence_band: likely")
    write(coll, claims)
    result = fill_collection(coll, article(coll))
    assert not result.changed
    assert read(coll)[0] == claims
    left = {(x.index, x.field): x.reason for x in result.files[0].left}
    assert set(left) == {
        (1, "span_sha256"),
        (2, "section"),
        (2, "span_sha256"),
        (2, "confidence_band"),
    }
    assert "99999" in left[1, "span_sha256"]
    assert "'x'" in left[2, "section"]
    assert "1.5" in left[2, "confidence_band"]


def test_without_an_article_hashes_are_left_and_the_rest_filled(coll: Path) -> None:
    write(coll, sub(CLAIMS, "section: intro\n", "section: introduction\n"))
    result = fill_collection(coll)
    assert [c.field for c in result.files[0].changes] == ["section"]
    assert result.notes
    assert "no article" in result.notes[0]
    assert result.articles == {}
    spans = [x for f in result.files for x in f.left if x.field == "span_sha256"]
    assert len(spans) == 4
    assert all("no article of source 'art'" in x.reason for x in spans)
    assert read(coll) == (CLAIMS, FILLER)


def test_odd_yaml_comments_quotes_empty_values(coll: Path) -> None:
    claims = sub(CLAIMS, f"span_sha256: {H1}", "span_sha256: wrong  # keep this comment")
    claims = sub(claims, f"span_sha256: {H2}", 'span_sha256: "abc"')
    claims = sub(claims, "section: intro\n", "section: 'intro'\n")  # right already: kept
    claims = sub(claims, "section: defence\n", "section:\n")  # empty
    write(coll, claims)
    fill_collection(coll, article(coll))
    expected = sub(CLAIMS, f"span_sha256: {H1}", f"span_sha256: {H1}  # keep this comment")
    expected = sub(expected, "section: intro\n", "section: 'intro'\n")
    assert read(coll)[0] == expected


def test_aliases_and_anchors_are_left_alone() -> None:
    text = sub(CLAIMS, "confidence_band: very_likely", "confidence_band: &b likely")
    text = sub(text, f"confidence_band: {band_for(0.4).value}", "confidence_band: *b")
    out, changes = fill_text(
        text, "claims", lambda r: {"confidence_band": band_for(r["confidence"]).value}
    )
    assert out == text
    assert [c.skipped is not None for c in changes] == [True, True]


def test_fill_text_without_changes_returns_the_same_text() -> None:
    out, changes = fill_text(CLAIMS, "claims", lambda record: {"section": record["section"]})
    assert (out, changes) == (CLAIMS, [])


def test_a_file_with_no_trailing_newline_gets_a_well_formed_line() -> None:
    text = "filler:\n  - source_id: art\n    start: 0\n    end: 3"
    out, _ = fill_text(text, "filler", lambda record: {"span_sha256": "ab" * 32})
    assert out == text + "\n    span_sha256: " + "ab" * 32


def test_derive_computes_only_what_it_can(coll: Path) -> None:
    registry = read_registry(coll)
    record = {"source_id": "art", "start": S2, "end": E2, "confidence": True}
    assert derive_claim(record, registry, {}) == {"section": "defence"}
    assert derive_claim(record, registry, {"art": ARTICLE})["span_sha256"] == H2
    assert derive_filler({**record, "confidence": 0.5}, registry, {"art": ARTICLE}) == {
        "span_sha256": H2
    }
    assert derive_claim({"source_id": "nope", "start": 0, "end": 1}, registry, {}) == {}


def test_a_claims_file_that_is_not_a_list_is_refused(coll: Path) -> None:
    write(coll, "claims: {id: TST-0001}\n")
    with pytest.raises(DataError) as info:
        fill_collection(coll, article(coll))
    (problem,) = info.value.problems
    assert problem.rule == "readable"
    assert problem.file == str(coll / "claims.yaml")
    assert problem.hint


def test_the_shipped_dataset_is_restored_byte_for_byte(tmp_path: Path, article_path: Path) -> None:
    copy = tmp_path / "dataset"
    shutil.copytree(DATASET, copy)
    claims = (copy / "claims.yaml").read_text(encoding="utf-8")
    filler = (copy / "filler.yaml").read_text(encoding="utf-8")
    lines = claims.splitlines(keepends=True)

    for field, deleted, corrupted in (
        ("span_sha256", (0, 7), {3: "f" * 64, 12: '"0123"'}),
        ("section", (1, 5), {9: "potential-futures-x"}),
        ("confidence_band", (2,), {4: "unlikely"}),
    ):
        at = [i for i, line in enumerate(lines) if line.startswith(f"    {field}:")]
        for n, value in corrupted.items():
            lines[at[n]] = f"    {field}: {value}\n"
        for n in deleted:
            lines[at[n]] = ""
    blanked = "".join(lines)
    entries = filler.splitlines(keepends=True)
    h3, h4 = (entries[n].split("span_sha256: ")[1][:64] for n in (4, 5))
    entries[4] = sub(entries[4], f" span_sha256: {h3},", "")
    entries[5] = sub(entries[5], h4, "e" * 64)
    (copy / "claims.yaml").write_text(blanked, encoding="utf-8")
    (copy / "filler.yaml").write_text("".join(entries), encoding="utf-8")
    result = fill_collection(copy, [article_path])
    assert (copy / "claims.yaml").read_bytes() == (DATASET / "claims.yaml").read_bytes()
    assert (copy / "filler.yaml").read_bytes() == (DATASET / "filler.yaml").read_bytes()
    assert sum(len(f.changes) for f in result.files) == 11
    assert not any(f.left for f in result.files)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # no `end` to follow: after the record's last line, past its nested list
            "claims:\n  - source_id: a\n    hedges:\n      - x\n\n  # next\n  - source_id: b\n",
            "claims:\n  - source_id: a\n    hedges:\n      - x\n    span_sha256: h\n\n"
            "  # next\n  - source_id: b\n    span_sha256: h\n",
        ),
        (  # empty values, block and flow
            "claims:\n  - end: 1\n    span_sha256:\n  - {end: 1, span_sha256: }\n",
            "claims:\n  - end: 1\n    span_sha256: h\n  - {end: 1, span_sha256: h }\n",
        ),
        (  # a block scalar keeps the line breaks after it
            "claims:\n  - span_sha256: |\n      old\n\n    end: 1\n",
            "claims:\n  - span_sha256: h\n\n    end: 1\n",
        ),
        (  # CRLF text gets CRLF lines
            "claims:\r\n  - end: 1\r\n    x: 2\r\n",
            "claims:\r\n  - end: 1\r\n    span_sha256: h\r\n    x: 2\r\n",
        ),
    ],
)
def test_fill_text_layouts(text: str, expected: str) -> None:
    out, changes = fill_text(text, "claims", lambda record: {"span_sha256": "h"})
    assert out == expected
    assert all(c.skipped is None for c in changes)


def test_both_files_are_written_in_one_all_or_nothing_call(coll: Path, monkeypatch) -> None:
    from iran_russia_claims.curation import fill

    calls = []
    monkeypatch.setattr(fill, "write_files", lambda files: calls.append(sorted(files)))
    write(coll, sub(CLAIMS, "    section: intro\n", ""), sub(FILLER, H3, "cd" * 32))
    fill_collection(coll, article(coll))
    assert calls == [[coll / "claims.yaml", coll / "filler.yaml"]]
