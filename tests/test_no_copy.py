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


def copied_runs(article: str, files: list[Path], root: Path) -> dict[str, int]:
    """How many runs of RUN words each file shares with the article (files with none left out)."""
    art = words(article)
    grams = {" ".join(art[i : i + RUN]) for i in range(len(art) - RUN + 1)}
    copied = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (Parquet, PNG) hold no prose
        w = words(text)
        n = sum(" ".join(w[i : i + RUN]) in grams for i in range(len(w) - RUN + 1))
        if n:
            copied[str(path.relative_to(root))] = n
    return copied


def test_no_run_of_eight_words_is_copied_from_the_article(article_text: str) -> None:
    copied = copied_runs(article_text, project_text_files(), REPO)
    assert not copied, f"runs of {RUN} words copied from the article (paraphrase them): {copied}"


def test_the_check_catches_a_copy_and_passes_a_paraphrase(
    article_text: str, tmp_path: Path
) -> None:
    """The real check, on files of our own: a quoted run of the article is caught, in any case
    and punctuation; the same words reordered are not."""
    run = article_text.split()[100 : 100 + RUN + 2]
    quoted = tmp_path / "quoted.md"
    quoted.write_text("As the author puts it: " + " ".join(run).upper() + "!\n", encoding="utf-8")
    reordered = tmp_path / "reordered.md"
    reordered.write_text(" ".join(reversed(run)) + "\n", encoding="utf-8")
    found = copied_runs(article_text, [quoted, reordered], tmp_path)
    assert set(found) == {"quoted.md"}
    assert found["quoted.md"] >= 1
