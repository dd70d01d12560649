"""The spans against the article (``validate --source``): is each ``span_sha256`` the SHA-256
of ``text[start:end]``? The article must be a registered source, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.validation.report import Sink

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from iran_russia_claims.spec.models import Registry
    from iran_russia_claims.validation.normalise import Ids


@dataclass(slots=True)
class Article:
    """The article text for the span-hash check, and which source of the registry it is."""

    path: str
    source_id: str
    text: str


def load_article(path: Path, registry: Registry, sink: Sink) -> Article | None:
    """The article, if it is the registry's source byte for byte; otherwise a problem."""
    from iran_russia_claims.readers.article import read_source_text, sha256_file

    where = str(path)
    if not path.is_file():
        what = "is a directory" if path.is_dir() else "is not found"
        sink.report.add(
            Problem("readable", f"the article file {what}", where, hint="check --source")
        )
        return None
    digest = sha256_file(path)
    sources = list(registry.sources.values())
    source = registry.find_source(digest, path.name)
    if source is None:
        sink.report.add(
            Problem(
                "source_registered",
                "the article file matches no source of the registry by hash or by file name; "
                "spans were not checked",
                where,
                hint=f"registered: {', '.join(f'{s.id} ({s.filename})' for s in sources[:5])}",
            )
        )
        return None
    if digest != source.sha256:
        sink.report.add(
            Problem(
                "source_hash_matches",
                f"the file's SHA-256 is {digest}, the registry's for {source.id!r} is "
                f"{source.sha256}; spans were not checked against a different text",
                where,
            )
        )
        return None
    try:
        text = read_source_text(path)
    except (UnicodeDecodeError, OSError) as exc:
        sink.report.add(
            Problem("readable", f"the article cannot be read as UTF-8 text: {exc}", where)
        )
        return None
    return Article(where, source.id, text)


def check_spans(
    article: Article,
    typed: pd.DataFrame,
    rows: np.ndarray,
    ids: Ids,
    bad: dict[str, np.ndarray],
    flagged: dict[str, np.ndarray],
    sink: Sink,
) -> None:
    """span_hash_matches for rows of this article whose offsets and hash are otherwise fine."""
    import numpy as np

    from iran_russia_claims.readers.article import sha256_text

    reads = ("source_id", "start", "end", "span_sha256")
    skip = np.logical_or.reduce([bad[c] | flagged.get(c, False) for c in reads])
    ours = np.asarray(typed["source_id"].astype(object).to_numpy() == article.source_id, dtype=bool)
    start = np.asarray(typed["start"].to_numpy(), dtype=np.int64)
    end = np.asarray(typed["end"].to_numpy(), dtype=np.int64)
    text = article.text
    positions = np.flatnonzero(ours & ~skip & (start >= 0) & (start < end) & (end <= len(text)))
    given = typed["span_sha256"].to_numpy(dtype=object)
    wrong = [int(i) for i in positions if sha256_text(text[start[i] : end[i]]) != given[i]]
    sink.cells(
        "span_hash_matches",
        "span_sha256",
        np.asarray(wrong, dtype=np.int64),
        rows,
        ids,
        lambda i: f"span_sha256 is not the SHA-256 of text[{start[i]}:{end[i]}] of {article.path}",
        lambda i: given[i],
    )
