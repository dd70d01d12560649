"""Checking the dataset against the article it was drawn from.

The project never stores the article's sentences, only offsets and hashes; these functions let
anyone who holds the article prove that every span is where the dataset says, and that every
sentence of it is either the anchor of a claim or a recorded filler decision.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from iran_russia_claims.curation.dataset import Dataset
from iran_russia_claims.readers.article import read_source_text, sentences, sha256_file, sha256_text
from iran_russia_claims.spec.models import Registry, Source
from iran_russia_claims.spec.problem import DataError, Problem

_SPAN_MISMATCH = "span_sha256 is not the SHA-256 of text[start:end]"


@dataclass
class Verification:
    """Outcome of checking one article file against the dataset."""

    source: Source
    file_sha256: str
    spans_checked: int = 0
    filler_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def find_source(registry: Registry, digest: str, filename: str) -> Source | None:
    """The registry entry for an article file: by hash, else by file name, else the only one."""
    return registry.find_source(digest, filename)


def match_source(dataset: Dataset, path: Path, source_id: str | None = None) -> tuple[Source, str]:
    """The registry entry for an article file (by id when given), and the file's SHA-256."""
    digest = sha256_file(path)
    sources = dataset.registry.sources
    if source_id is not None:
        if source_id not in sources:
            raise DataError(
                [
                    Problem(
                        "source_registered",
                        f"no source {source_id!r} in the registry",
                        str(path),
                        hint=f"known: {sorted(sources)}",
                    )
                ]
            )
        return sources[source_id], digest
    source = find_source(dataset.registry, digest, path.name)
    if source is None:
        raise DataError(
            [
                Problem(
                    "source_registered",
                    "this file matches no source of the registry by hash or by name",
                    str(path),
                    hint="pass --source-id to name the source it should be",
                )
            ]
        )
    return source, digest


def verify_source(dataset: Dataset, path: str | Path, source_id: str | None = None) -> Verification:
    """Check the file's hash, then every claim's and filler's span hash and section."""
    path = Path(path)
    source, digest = match_source(dataset, path, source_id)
    result = Verification(source, digest)
    where = str(path)
    if digest != source.sha256:
        result.problems.append(
            Problem(
                "source_hash_matches",
                f"file SHA-256 {digest} differs from the registry's {source.sha256}",
                where,
                hint="this is not the same article text; spans below may be off too",
            )
        )
    try:
        text = read_source_text(path)
    except UnicodeDecodeError as exc:
        result.problems.append(Problem("readable", f"not UTF-8 ({exc.reason})", where))
        return result
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
                    value=repr(claim.section),
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
    dataset: Dataset, text: str, source_id: str
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
                    "the span starts outside every sentence",
                    record_id=claim.id,
                    column="start",
                    value=str(claim.start),
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
            problems.append(
                Problem(
                    "filler_is_sentence",
                    "filler offsets match no sentence exactly",
                    record_id=f"filler [{entry.start}:{entry.end}]",
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
                    record_id=f"sentence [{row.start}:{row.end}]",
                )
            )
        elif row.status == "unexplained":
            problems.append(
                Problem(
                    "sentence_explained",
                    "sentence has no claim and no filler decision",
                    record_id=f"sentence [{row.start}:{row.end}]",
                )
            )
    return rows, problems
