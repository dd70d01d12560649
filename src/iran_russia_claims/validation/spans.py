"""The spans against the articles (``validate --source``): is each ``span_sha256`` the SHA-256
of ``text[start:end]``? Each article must be a registered source, byte for byte; files are
matched to the registry by hash (:func:`~iran_russia_claims.readers.article.match_articles`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from iran_russia_claims.validation.report import Sink, SpanTally

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from iran_russia_claims.spec.models import Registry
    from iran_russia_claims.validation.normalise import Ids


@dataclass(slots=True)
class Article:
    """An article text for the span-hash check, and which source of the registry it is."""

    path: str
    source_id: str
    text: str


def load_articles(
    paths: Iterable[str | os.PathLike[str]], registry: Registry, sink: Sink
) -> dict[str, Article]:
    """The registered articles among ``paths`` (files or folders), by source id; a named file
    that is no registered article is a problem saying which hash it has and which was expected.
    The report tallies, per source, how many spans were checked against which file."""
    from iran_russia_claims.readers.article import match_articles

    matched, problems = match_articles(paths, registry)
    for problem in problems:
        sink.report.add(problem)
    articles = {m.source.id: Article(str(m.path), m.source.id, m.text) for m in matched}
    for source_id, article in articles.items():
        sink.report.spans[source_id] = SpanTally(article.path)
    return articles


def check_spans(
    articles: dict[str, Article],
    typed: pd.DataFrame,
    rows: np.ndarray,
    ids: Ids,
    bad: dict[str, np.ndarray],
    flagged: dict[str, np.ndarray],
    sink: Sink,
) -> None:
    """span_hash_matches for the rows of each given article whose offsets and hash are
    otherwise fine; rows of a source with no article given are counted as not checked."""
    import numpy as np

    from iran_russia_claims.readers.article import sha256_text

    reads = ("source_id", "start", "end", "span_sha256")
    skip = np.logical_or.reduce([bad[c] | flagged.get(c, False) for c in reads])
    source_ids = typed["source_id"].astype(object).to_numpy()
    start = np.asarray(typed["start"].to_numpy(), dtype=np.int64)
    end = np.asarray(typed["end"].to_numpy(), dtype=np.int64)
    given = typed["span_sha256"].to_numpy(dtype=object)
    tallies = sink.report.spans
    # every record counts, those with a problem that stops the check too (checked < total)
    known = ~bad["source_id"] & typed["source_id"].notna().to_numpy(dtype=bool)
    cited, counts = np.unique(source_ids[known].astype(str), return_counts=True)
    for source_id, n in zip(cited.tolist(), counts.tolist(), strict=True):
        tallies.setdefault(str(source_id), SpanTally(None)).total += int(n)
    for article in articles.values():
        text = article.text
        ours = np.asarray(source_ids == article.source_id, dtype=bool)
        positions = np.flatnonzero(ours & ~skip & (start >= 0) & (start < end) & (end <= len(text)))
        tallies[article.source_id].checked += len(positions)
        wrong = [int(i) for i in positions if sha256_text(text[start[i] : end[i]]) != given[i]]
        sink.cells(
            "span_hash_matches",
            "span_sha256",
            np.asarray(wrong, dtype=np.int64),
            rows,
            ids,
            _span_message(start, end, article.path),
            lambda i: given[i],
        )


def _span_message(start: np.ndarray, end: np.ndarray, path: str) -> Callable[[int], str]:
    return lambda i: f"span_sha256 is not the SHA-256 of text[{start[i]}:{end[i]}] of {path}"
