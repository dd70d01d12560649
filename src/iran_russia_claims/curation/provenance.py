"""Checking the dataset against the article it was drawn from.

The project never stores the article's sentences, only offsets and hashes; these functions let
anyone who holds the article prove that every span is where the dataset says, and that every
sentence of it is either the anchor of a claim or a recorded filler decision.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from iran_russia_claims.curation.dataset import Dataset
from iran_russia_claims.readers.article import (
    MatchedArticle,
    match_articles,
    sentences,
    sha256_text,
)
from iran_russia_claims.spec.models import Source
from iran_russia_claims.spec.problem import DataError, Problem

_SPAN_MISMATCH = "span_sha256 is not the SHA-256 of text[start:end]"


@dataclass
class Verification:
    """Outcome of checking one article file against the dataset."""

    source: Source
    file_sha256: str
    path: str = ""
    spans_checked: int = 0
    filler_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def find_articles(
    dataset: Dataset, paths: Sequence[str | Path] = (), source_id: str | None = None
) -> list[MatchedArticle]:
    """The registered articles among ``paths`` (files or folders; default: the collection's
    articles folder), matched by SHA-256. Raise DataError when a file named is not a
    registered article (saying which hash it has and which was expected) or none is found."""
    looked = list(paths)
    if not looked and dataset.articles is not None:
        if not dataset.articles.is_dir():
            raise DataError(
                [
                    Problem(
                        "readable",
                        f"the articles folder that collection.yaml names ({dataset.articles}) "
                        "is not a folder here",
                        str(dataset.directory / "collection.yaml"),
                        column="articles",
                        hint="put the articles' text files there, fix `articles:` in "
                        "collection.yaml, or pass the article's file",
                    )
                ]
            )
        looked = [dataset.articles]
    if not looked:
        raise DataError(
            [
                Problem(
                    "readable",
                    "no article given, and the collection's manifest names no articles folder",
                    str(dataset.directory),
                    hint="pass the article's text file (or a folder of them), or set "
                    "`articles:` in collection.yaml",
                )
            ]
        )
    matched, problems = match_articles(looked, dataset.registry, source_id)
    if problems:
        raise DataError(problems)
    if not matched:
        wanted = f"source {source_id!r}" if source_id else "any registered source"
        raise DataError(
            [
                Problem(
                    "source_registered",
                    f"no file here has the SHA-256 of {wanted}",
                    ", ".join(str(p) for p in looked),
                    hint="the registry matches articles by hash: "
                    + "; ".join(f"{s.id} is {s.sha256}" for s in dataset.registry.sources.values()),
                )
            ]
        )
    return matched


def verify_source(dataset: Dataset, path: str | Path, source_id: str | None = None) -> Verification:
    """Find the article (by hash) and check it: see :func:`verify_article`."""
    article = find_articles(dataset, [path], source_id)[0]
    return verify_article(dataset, article)


def verify_article(dataset: Dataset, article: MatchedArticle) -> Verification:
    """Check every claim's and filler's span hash and section against one registered article."""
    source, text, where = article.source, article.text, str(article.path)
    result = Verification(source, source.sha256, path=where)
    if len(text) != source.length:
        result.problems.append(
            Problem(
                "source_length_matches",
                f"text has {len(text)} characters, the registry says {source.length}",
                where,
            )
        )
    for claim in dataset.claims:
        if claim.source_id != source.id:
            continue
        result.spans_checked += 1
        _check_span(result, text, claim.start, claim.end, claim.span_sha256, where, claim.id)
        section = source.section_at(claim.start)
        if section is None or section.slug != claim.section:
            result.problems.append(
                Problem(
                    "section_matches_offsets",
                    f"start {claim.start} lies in section {section.slug if section else None!r}",
                    where,
                    record_id=claim.id,
                    column="section",
                    value=claim.section,
                    hint="run `iran-russia-claims fill` to set every derived field",
                )
            )
    for entry in dataset.filler:
        if entry.source_id == source.id:
            result.filler_checked += 1
            label = f"filler [{entry.start}:{entry.end}]"
            _check_span(result, text, entry.start, entry.end, entry.span_sha256, where, label)
    return result


def _check_span(
    result: Verification, text: str, start: int, end: int, digest: str, where: str, label: str
) -> None:
    if sha256_text(text[start:end]) != digest:
        result.problems.append(
            Problem(
                "span_hash_matches",
                _SPAN_MISMATCH,
                where,
                record_id=label,
                column="span_sha256",
                value=f"[{start}:{end}]",
            )
        )


@dataclass(frozen=True)
class SentenceCoverage:
    """One sentence of the article and what accounts for it."""

    start: int
    end: int
    claim_ids: tuple[str, ...]
    filler_reason: str | None

    @property
    def status(self) -> str:
        if self.claim_ids and self.filler_reason:
            return "conflict"
        if self.claim_ids:
            return "claimed"
        if self.filler_reason:
            return "filler"
        return "unexplained"


def coverage(
    dataset: Dataset, text: str, source_id: str, where: str | None = None
) -> tuple[list[SentenceCoverage], list[Problem]]:
    """Each sentence with the claims anchored in it (their start lies inside) or its filler reason.

    Also returns problems: filler entries that match no sentence exactly, claims whose start lies
    in no sentence, sentences both claimed and declared filler, and unexplained sentences.
    """
    units = sentences(text)
    anchored: dict[int, list[str]] = {i: [] for i in range(len(units))}
    starts = [u.start for u in units]
    problems: list[Problem] = []
    for claim in sorted(dataset.claims, key=lambda c: (c.start, c.id)):
        if claim.source_id != source_id:
            continue
        i = bisect.bisect_right(starts, claim.start) - 1
        if i < 0 or claim.start >= units[i].end:
            problems.append(
                Problem(
                    "anchored_in_sentence",
                    f"the span starts outside every sentence of {source_id!r}",
                    where,
                    record_id=claim.id,
                    column="start",
                    value=claim.start,
                )
            )
            continue
        anchored[i].append(claim.id)
    by_offsets = {(u.start, u.end): i for i, u in enumerate(units)}
    filler: dict[int, str] = {}
    for entry in dataset.filler:
        if entry.source_id != source_id:
            continue
        i_or_none = by_offsets.get((entry.start, entry.end))
        if i_or_none is None:
            near = bisect.bisect_right(starts, entry.start) - 1
            hint = None
            if 0 <= near < len(units) and entry.start < units[near].end:
                unit = units[near]
                hint = f"the sentence there is [{unit.start}:{unit.end}]"
            problems.append(
                Problem(
                    "filler_is_sentence",
                    f"filler offsets match no sentence of {source_id!r} exactly",
                    where,
                    record_id=f"filler [{entry.start}:{entry.end}]",
                    hint=hint,
                )
            )
            continue
        filler[i_or_none] = entry.reason.value
    rows = [
        SentenceCoverage(u.start, u.end, tuple(anchored[i]), filler.get(i))
        for i, u in enumerate(units)
    ]
    for row in rows:
        if row.status == "conflict":
            problems.append(
                Problem(
                    "claimed_or_filler",
                    "sentence is both claimed and declared filler",
                    where,
                    record_id=f"sentence [{row.start}:{row.end}]",
                )
            )
        elif row.status == "unexplained":
            problems.append(
                Problem(
                    "sentence_explained",
                    "sentence has no claim and no filler decision",
                    where,
                    record_id=f"sentence [{row.start}:{row.end}]",
                )
            )
    return rows, problems
