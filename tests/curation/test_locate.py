"""Locating a span: a quotation found exactly once, or refused saying where it is (not)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from iran_russia_claims.curation.locate import Span, locate, locate_offsets
from iran_russia_claims.readers.article import sentences, sha256_text
from iran_russia_claims.spec.models import Section, Source
from iran_russia_claims.spec.problem import DataError, Problem

# Our own made-up prose: the project never stores the real article's sentences.
TEXT = (
    "A Made-Up Report\n\n"
    "Rivers carry boats. Roads carry trucks. Rivers carry boats again.\n\n"
    "Trade\n\n"
    "Ports are busy\nin spring. They say “it’s quiet” in winter.\n"
)
TRADE = TEXT.index("Trade")
SOURCE = Source(
    id="made-up",
    title="A Made-Up Report",
    author="Test Author",
    language="en",
    filename="made-up.txt",
    sha256=sha256_text(TEXT),
    length=len(TEXT),
    sections=[
        Section(slug="introduction", title="Introduction", start=0, end=TRADE),
        Section(slug="trade", title="Trade", start=TRADE, end=len(TEXT)),
    ],
)


def refused(call: Callable[[], Any], rule: str = "quote_found") -> Problem:
    """The one problem ``call`` raises: its rule, that it names the file and gives a hint."""
    with pytest.raises(DataError) as caught:
        call()
    [problem] = caught.value.problems
    assert problem.rule == rule, problem
    assert problem.file == "made-up.txt"
    assert "made-up.txt" in str(caught.value)
    assert problem.hint
    return problem


def test_a_quotation_found_once() -> None:
    start = TEXT.index("Roads carry")
    span = locate(TEXT, SOURCE, "Roads carry trucks")
    assert span == Span(start, start + 18, sha256_text("Roads carry trucks"), "introduction", 3)
    assert locate(TEXT, None, "Ports are busy").section is None
    assert locate(TEXT, SOURCE, "Ports are busy").section == "trade"


def test_sentence_picks_one_of_several() -> None:
    span = locate(TEXT, SOURCE, "Rivers carry boats", sentence=4)
    assert span.start == TEXT.index("Rivers carry boats again")
    assert span.sentence == 4


def test_more_than_once_lists_offsets_and_sentences() -> None:
    problem = refused(lambda: locate(TEXT, SOURCE, "Rivers carry boats"))
    first, second = TEXT.index("Rivers"), TEXT.index("Rivers carry boats again")
    assert f"at offsets {first}, {second} (in sentence(s) 2, 4)" in problem.message
    assert "--sentence" in str(problem.hint)


def test_more_than_ten_are_counted() -> None:
    text = "ab " * 12 + "end."
    whole = Section(slug="all", title="All", start=0, end=len(text))
    source = SOURCE.model_copy(update={"length": len(text), "sections": [whole]})
    problem = refused(lambda: locate(text, source, "ab"))
    assert "12 times" in problem.message
    assert "and 2 more" in problem.message


def test_not_found_says_how_to_check() -> None:
    problem = refused(lambda: locate(TEXT, SOURCE, "Lakes carry"))
    assert "not found" in problem.message
    assert "normalised" not in problem.message
    assert "exactly" in str(problem.hint)


@pytest.mark.parametrize(
    ("quote", "words"),
    [
        ("Ports are busy in spring", "Ports are busy\nin spring"),
        ('say "it\'s quiet"', "say “it’s quiet”"),
    ],
)
def test_not_found_exactly_but_loosely_gives_the_offsets(quote: str, words: str) -> None:
    problem = refused(lambda: locate(TEXT, SOURCE, quote))
    start = TEXT.index(words)
    assert f"normalised, at START:END {start}:{start + len(words)}" in problem.message


def test_not_in_the_sentence_given_says_where_it_is() -> None:
    problem = refused(lambda: locate(TEXT, SOURCE, "Roads carry", sentence=2))
    assert "not found in sentence 2; it is in sentence(s) 3" in problem.message


def test_sentence_out_of_range_and_empty_quotation() -> None:
    count = len(sentences(TEXT))
    for number in (0, count + 1):
        problem = refused(lambda number=number: locate(TEXT, SOURCE, "Trade", sentence=number))
        assert f"sentences 1 to {count}" in problem.message
    assert "empty" in refused(lambda: locate(TEXT, SOURCE, " \n")).message


def test_a_text_that_is_not_the_source_is_refused() -> None:
    refused(lambda: locate(TEXT + "x", SOURCE, "Trade"), "source_length_matches")


def test_file_names_the_article_without_a_source() -> None:
    with pytest.raises(DataError) as caught:
        locate(TEXT, None, "Lakes", file="elsewhere/made-up.txt")
    assert caught.value.problems[0].file == "elsewhere/made-up.txt"


def test_offsets_given_directly() -> None:
    span = locate_offsets(TEXT, SOURCE, TRADE, TRADE + 5)
    assert span == Span(TRADE, TRADE + 5, sha256_text("Trade"), "trade", 5)
    assert locate_offsets(TEXT, None, TRADE - 1, TRADE).sentence is None  # a blank line


@pytest.mark.parametrize(
    ("start", "end", "rule"),
    [
        (-1, 3, "start_non_negative"),
        (5, 5, "offsets_ordered"),
        (6, 2, "offsets_ordered"),
        (0, len(TEXT) + 1, "end_within_source"),
    ],
)
def test_bad_offsets_are_refused(start: int, end: int, rule: str) -> None:
    refused(lambda: locate_offsets(TEXT, SOURCE, start, end), rule)


def test_every_sentence_of_the_shipped_article_locates_to_itself(
    article_text: str, article_path: Path
) -> None:
    units = sentences(article_text)
    for number, unit in enumerate(units, start=1):
        quote = article_text[unit.start : unit.end]
        if article_text.count(quote) == 1:
            span = locate(article_text, None, quote, file=str(article_path))
            assert (span.start, span.end, span.sentence) == (unit.start, unit.end, number)
        span = locate(article_text, None, quote, sentence=number)
        assert (span.start, span.end) == (unit.start, unit.end)
