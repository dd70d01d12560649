"""Registering an article: its text refused for each way offsets could differ, its sections
found or given, and its entry appended to sources.yaml byte for byte, read back."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATASET
from iran_russia_claims.curation import register
from iran_russia_claims.curation.register import (
    add_source,
    find_sections,
    inspect_article,
    new_source,
    parse_section_specs,
    sentence_rows,
    source_entry,
)
from iran_russia_claims.readers.article import sha256_file, sha256_text
from iran_russia_claims.readers.registry import read_registry
from iran_russia_claims.spec.problem import DataError, Problem

# Our own made-up prose: the project never stores the real article's sentences.
ARTICLE = (
    "A Made-Up Report: Rivers And Roads\n\n"
    "by Test Author\n\n"
    "Rivers carry boats. Roads carry trucks! Do canals carry both?\n\n"
    "Trade: A Quick Look\n\n"
    "Ports are busy\nin spring. They are quiet in winter.\n\n"
    "Outlook\n\n"
    "Nobody knows what comes next.\n"
)
ACTORS = "actors:\n  - {code: AAA, name: Aland, kind: bloc}\n"
OLD_ENTRY = """\
# Our sources, with a comment that must survive.
sources:
  # the first one
  - id: older
    title: "Older: a report"
    author: Someone
    language: en
    filename: older.txt
    sha256: {digest}
    length: 10
    sections:
      - {{slug: body, title: Body, start: 0, end: 10}}  # one section
"""


def refused(call: Callable[[], Any], rule: str, file: Path | str | None) -> Problem:
    """The one problem ``call`` raises: its rule, that it names the file and gives a hint."""
    with pytest.raises(DataError) as caught:
        call()
    [problem] = caught.value.problems
    assert problem.rule == rule, problem
    if file is not None:
        assert problem.file == str(file)
        assert str(file) in str(caught.value)
    assert problem.hint
    return problem


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def collection(tmp_path: Path, sources: str = "sources: []\n") -> Path:
    """A small collection folder: manifest (from the shipped one), actors and sources."""
    manifest = yaml.safe_load((DATASET / "collection.yaml").read_text(encoding="utf-8"))
    manifest.pop("articles", None)
    manifest.update(name="test-collection", id_prefix="TST")
    folder = tmp_path / "coll"
    folder.mkdir()
    (folder / "collection.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    write(folder / "actors.yaml", ACTORS)
    write(folder / "sources.yaml", sources)
    return folder


@pytest.fixture
def article(tmp_path: Path) -> Path:
    return write(tmp_path / "made_up.report.txt", ARTICLE)


# -- inspect_article --------------------------------------------------------------------------
def test_a_clean_article_is_its_text(article: Path) -> None:
    assert inspect_article(article) == ARTICLE


@pytest.mark.parametrize(
    ("data", "rule", "words"),
    [
        (b"caf\xe9 au lait.\n", "article_text", "byte 3"),
        (b"\xef\xbb\xbfText with a mark.\n", "article_text", "byte-order mark"),
        (b"%PDF\x00\x01binary", "article_text", "NUL byte at byte 4"),
        (b"A bell \x07 rings.\n", "article_text", "control character"),
        (b"One line.\r\nTwo lines.\r\n", "article_text", "CRLF"),
        (b"Old Mac.\rLine ends.\r", "article_text", "lone CR"),
        (b"", "article_text", "empty"),
        (b" \n\t\n", "article_text", "white space"),
    ],
)
def test_a_bad_text_is_refused(tmp_path: Path, data: bytes, rule: str, words: str) -> None:
    path = write(tmp_path / "bad.txt", data)
    problem = refused(lambda: inspect_article(path), rule, path)
    assert words in problem.message


def test_crlf_says_how_to_convert_or_keep(tmp_path: Path) -> None:
    path = write(tmp_path / "dos.txt", b"One line.\r\nTwo lines.\r\n")
    problem = refused(lambda: inspect_article(path), "article_text", path)
    assert "dos2unix" in str(problem.hint)
    assert "--crlf" in str(problem.hint)
    assert inspect_article(path, crlf=True) == "One line.\r\nTwo lines.\r\n"


def test_a_lone_cr_is_refused_even_with_crlf(tmp_path: Path) -> None:
    path = write(tmp_path / "mac.txt", b"One line.\r\nTwo\rlines.\n")
    problem = refused(lambda: inspect_article(path, crlf=True), "article_text", path)
    assert "offset 14" in problem.message
    assert "--crlf" not in str(problem.hint)


def test_bom_hint_says_save_without_it(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", b"\xef\xbb\xbfA text.\n")
    assert "without BOM" in str(refused(lambda: inspect_article(path), "article_text", path).hint)


def test_missing_directory_large_and_unreadable_files_are_refused(
    tmp_path: Path, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "missing.txt"
    assert "not found" in refused(lambda: inspect_article(missing), "readable", missing).message
    refused(lambda: inspect_article(tmp_path), "readable", tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(register, "MAX_ARTICLE_BYTES", 10)
        assert (
            "over 10 bytes"
            in refused(lambda: inspect_article(article), "readable", article).message
        )

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    assert (
        "Permission denied"
        in refused(lambda: inspect_article(article), "readable", article).message
    )


# -- sections -----------------------------------------------------------------------------------
def test_headings_after_the_first_prose_start_sections() -> None:
    sections = find_sections(ARTICLE)
    assert [(s.slug, s.title) for s in sections] == [
        ("introduction", "Introduction"),
        ("trade-a-quick-look", "Trade: A Quick Look"),
        ("outlook", "Outlook"),
    ]
    assert [s.start for s in sections] == [0, ARTICLE.index("Trade:"), ARTICLE.index("Outlook")]
    assert sections[-1].end == len(ARTICLE)
    assert all(a.end == b.start for a, b in itertools.pairwise(sections))


def test_no_heading_is_one_body_section() -> None:
    text = "Title Line\n\nJust prose. More prose.\n"
    [section] = find_sections(text)
    assert (section.slug, section.title, section.start, section.end) == (
        "body",
        "Body",
        0,
        len(text),
    )


def test_slugs_are_short_unique_and_never_empty() -> None:
    long = "Défense, Security; and What’s Next For Everyone Involved In The Long Run Of Things Here"
    text = f"Prose first.\n\n{long}\n\nMore.\n\n* * *\n\nEven more.\n\nIntroduction\n\nEnd.\n"
    sections = find_sections(text)
    assert [s.slug for s in sections] == [
        "introduction",
        "defense-security-and-whats-next",
        "section-3",
        "introduction-2",
    ]
    assert len(sections[1].title) <= 60
    assert long.startswith(sections[1].title)
    assert not sections[1].title.endswith(" ")


def test_sections_of_the_shipped_article(article_text: str) -> None:
    assert [s.start for s in find_sections(article_text)] == [0, 533, 2119, 3966, 5823, 7687]


def test_sections_given_by_hand() -> None:
    start = ARTICLE.index("Trade:")
    sections = parse_section_specs(ARTICLE, ["0:opening", f"{start}:trade-and-ports:Trade: ports"])
    assert [(s.slug, s.title, s.start, s.end) for s in sections] == [
        ("opening", "Opening", 0, start),
        ("trade-and-ports", "Trade: ports", start, len(ARTICLE)),
    ]


@pytest.mark.parametrize(
    ("specs", "rule"),
    [
        (["zero:intro"], "readable"),
        (["0"], "readable"),
        (["0:Intro"], "readable"),
        ([f"0:intro:{'x' * 61}"], "readable"),
        (["5:intro"], "sections_tile"),
        (["0:a", "50:b", "40:c"], "sections_tile"),
        (["0:a", f"{len(ARTICLE)}:b"], "sections_tile"),
        (["0:a", "50:a"], "sections_tile"),
        ([], "sections_tile"),
    ],
)
def test_bad_section_specs_are_refused(specs: list[str], rule: str) -> None:
    refused(lambda: parse_section_specs(ARTICLE, specs, file="a.txt"), rule, "a.txt")


# -- the registry entry -----------------------------------------------------------------------
def test_new_source_defaults(article: Path) -> None:
    source = new_source(ARTICLE, article, id=None, title=None, author="Test Author")
    assert source.id == "made-up-report"
    assert source.title == "A Made-Up Report: Rivers And Roads"
    assert source.sha256 == sha256_file(article) == sha256_text(ARTICLE)
    assert (source.filename, source.length, source.language) == (
        "made_up.report.txt",
        len(ARTICLE),
        "en",
    )
    assert source.sections == find_sections(ARTICLE)


@pytest.mark.parametrize(
    ("facts", "column", "fix"),
    [
        ({"id": "Not A Slug"}, "id", "--id"),
        ({"published": "12 May 2024"}, "published", "YYYY-MM-DD"),
        ({"language": "English"}, "language", "--language"),
        ({"author": ""}, "author", "--author"),
    ],
)
def test_bad_facts_are_refused_with_the_option_to_fix(
    article: Path, facts: dict[str, str], column: str, fix: str
) -> None:
    given: dict[str, Any] = {"id": None, "title": None, "author": "X", **facts}
    with pytest.raises(DataError) as caught:
        new_source(ARTICLE, article, **given)
    [problem] = caught.value.problems
    assert (problem.column, problem.file) == (column, str(article))
    assert fix in str(problem.hint)


def test_a_text_that_is_not_the_file_is_refused(article: Path) -> None:
    call = lambda: new_source(ARTICLE + "x", article, id=None, title=None, author="X")  # noqa: E731
    refused(call, "article_text", article)


def test_sentence_rows(article: Path) -> None:
    source = new_source(ARTICLE, article, id=None, title=None, author="X")
    rows = sentence_rows(ARTICLE, source)
    assert [r.number for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].text == "A Made-Up Report: Rivers And Roads"
    assert all(
        r.sha256 == sha256_text(ARTICLE[r.start : r.end]) == sha256_text(r.text) for r in rows
    )
    assert [r.section for r in rows].count("trade-a-quick-look") == 3
    assert {r.section for r in sentence_rows(ARTICLE, None)} == {None}


# -- add_source -------------------------------------------------------------------------------
def test_round_trip_keeps_the_file_byte_for_byte(tmp_path: Path, article: Path) -> None:
    old = OLD_ENTRY.format(digest="a" * 64) + "# trailing comment\n"
    folder = collection(tmp_path, old)
    source = add_source(folder, article, author="Test Author", published="2024-05-12")
    new = (folder / "sources.yaml").read_text(encoding="utf-8")
    entry = "\n".join(source_entry(source)) + "\n"
    assert new.replace(entry, "", 1) == old
    assert new.index(entry) < new.index("# trailing comment")
    found = read_registry(folder).sources
    assert list(found) == ["older", "made-up-report"]
    assert found["made-up-report"] == source
    assert source.sha256 == sha256_file(article)
    assert source.published == "2024-05-12"
    assert source.sections == find_sections(ARTICLE)
    assert '    published: "2024-05-12"\n' in new
    assert "      - {slug: introduction, title: Introduction, start: 0, end: " in new


@pytest.mark.parametrize(
    "sources",
    [
        "# none yet\nsources: []\n",
        "sources: []  # none yet\nother: 1\n",
        "sources: []",
        OLD_ENTRY.format(digest="b" * 64).rstrip("\n"),
        OLD_ENTRY.format(digest="c" * 64).replace("\n  ", "\n"),  # the list at column 0
    ],
)
def test_any_layout_of_sources_yaml_reads_back(tmp_path: Path, article: Path, sources: str) -> None:
    folder = collection(tmp_path, sources)
    source = add_source(folder, article, author="Test Author")
    new = (folder / "sources.yaml").read_text(encoding="utf-8")
    assert read_registry(folder).sources["made-up-report"] == source
    assert new.endswith("\n")
    assert "[]" not in new
    comments = re.findall(r"#.*", sources)
    assert comments == re.findall(r"#.*", new)


@pytest.mark.parametrize(
    "title", ['Ports: "busy" or not', "'Quoted' start", "#1 report", "yes", "2024-05-12", "Défense"]
)
def test_a_title_needing_quotes_reads_back(tmp_path: Path, article: Path, title: str) -> None:
    folder = collection(tmp_path)
    add_source(folder, article, author="A: B", title=title)
    [source] = read_registry(folder).sources.values()
    assert (source.title, source.author) == (title, "A: B")


def test_sections_by_hand_and_a_chosen_id(tmp_path: Path, article: Path) -> None:
    folder = collection(tmp_path)
    source = add_source(folder, article, author="X", id="rivers", section_specs=["0:all"])
    assert [s.slug for s in read_registry(folder).sources["rivers"].sections] == ["all"]
    assert source.id == "rivers"


def test_the_same_article_or_id_twice_is_refused(tmp_path: Path, article: Path) -> None:
    folder = collection(tmp_path)
    add_source(folder, article, author="X")
    before = (folder / "sources.yaml").read_bytes()
    problem = refused(
        lambda: add_source(folder, article, author="Y", id="again"), "source_new", article
    )
    assert "'made-up-report'" in problem.message
    other = write(tmp_path / "made-up-report.txt", ARTICLE.replace("busy", "full"))
    problem = refused(lambda: add_source(folder, other, author="Y"), "source_new", other)
    assert "--id" in str(problem.hint)
    assert (folder / "sources.yaml").read_bytes() == before


def test_crlf_articles_need_crlf(tmp_path: Path) -> None:
    folder = collection(tmp_path)
    dos = write(tmp_path / "dos.txt", ARTICLE.replace("\n", "\r\n"))
    refused(lambda: add_source(folder, dos, author="X"), "article_text", dos)
    source = add_source(folder, dos, author="X", crlf=True)
    assert read_registry(folder).sources["dos"].sha256 == sha256_file(dos) == source.sha256


def test_not_a_collection_is_refused(tmp_path: Path, article: Path) -> None:
    refused(lambda: add_source(tmp_path, article, author="X"), "readable", tmp_path)


def test_nothing_is_written_unless_it_reads_back(
    tmp_path: Path, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = collection(tmp_path)
    before = (folder / "sources.yaml").read_bytes()
    monkeypatch.setattr(register, "_read_back", lambda directory, text: None)
    sources = folder / "sources.yaml"
    problem = refused(lambda: add_source(folder, article, author="X"), "readable", sources)
    assert "- id: made-up-report" in str(problem.hint)
    assert sources.read_bytes() == before


def test_a_crlf_article_has_the_units_and_sections_of_its_lf_twin(tmp_path: Path) -> None:
    """With CRLF line ends, the same sentences and headings are found (offsets count each CR)."""
    from iran_russia_claims.readers.article import sentences

    dos = ARTICLE.replace("\n", "\r\n")
    unix_units = [ARTICLE[u.start : u.end] for u in sentences(ARTICLE)]
    dos_units = [dos[u.start : u.end].replace("\r\n", "\n") for u in sentences(dos)]
    assert dos_units == unix_units
    assert [s.slug for s in find_sections(dos)] == [s.slug for s in find_sections(ARTICLE)]
