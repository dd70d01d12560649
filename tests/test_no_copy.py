"""The project paraphrases the article; it never stores its sentences."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

RUN = 8
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "build",
    "dist",
}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def project_text_files() -> list[Path]:
    files = []
    for path in REPO.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(REPO).parts) or path.is_symlink():
            continue
        if path.is_file() and path.stat().st_size < 5_000_000:
            files.append(path)
    return files


def test_no_run_of_eight_words_is_copied_from_the_article(article_text: str) -> None:
    art = words(article_text)
    grams = {" ".join(art[i : i + RUN]) for i in range(len(art) - RUN + 1)}
    copied = {}
    for path in project_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (Parquet, PNG) hold no prose
        w = words(text)
        n = sum(" ".join(w[i : i + RUN]) in grams for i in range(len(w) - RUN + 1))
        if n:
            copied[str(path.relative_to(REPO))] = n
    assert not copied, f"runs of {RUN} words copied from the article (paraphrase them): {copied}"


def test_the_check_catches_a_copy(article_text: str) -> None:
    art = words(article_text)
    sample = " ".join(art[100 : 100 + RUN])
    grams = {" ".join(art[i : i + RUN]) for i in range(len(art) - RUN + 1)}
    assert sample in grams
