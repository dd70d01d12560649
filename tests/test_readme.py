"""Every example in the README runs, so none of them rots.

Python blocks are executed, each in a fresh namespace, in an empty working directory outside
the checkout: they must work from a plain install (``tests/test_wheel.py`` runs them again with
the package installed from its wheel). Shell blocks: every ``iran-russia-claims`` line is
parsed by the real argument parser, and the cheap, read-only ones are run. A block preceded by
``<!-- readme-test: needs-article -->``
needs the article and is skipped, with the reason, when it is not available.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, SOURCE_ENV, source_path
from iran_russia_claims.cli import build_parser

README = REPO / "README.md"
TEXT = README.read_text(encoding="utf-8")
NEEDS_ARTICLE = "<!-- readme-test: needs-article -->"
FENCE = re.compile(
    r"(?P<marker><!-- readme-test: [a-z-]+ -->\n)?^(?P<indent> *)```(?P<lang>\w*)\n"
    r"(?P<body>.*?)^(?P=indent)```$",
    re.M | re.S,
)
#: The set-up commands, verbatim: the lead's CI runs the second one.
SETUP = (
    'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]" && '
    "iran-russia-claims export",
    "python -m pytest",
)
#: Commands cheap and read-only enough to run from the test suite.
RUNNABLE = ("summary", "validate", "verify-source", "coverage")
ARTICLE_PLACEHOLDER = "path/to/iran-russia-relations.txt"


def blocks(lang: str) -> list[tuple[int, str, bool]]:
    """(line number, body, needs the article) of every fenced block in ``lang``."""
    found = []
    for match in FENCE.finditer(TEXT):
        if match.group("lang") == lang:
            line = TEXT.count("\n", 0, match.start("body"))
            body = textwrap.dedent(match.group("body"))
            found.append((line, body, match.group("marker") == NEEDS_ARTICLE + "\n"))
    return found


def command_lines() -> list[str]:
    lines = []
    for _, body, _ in blocks("sh"):
        for raw in body.splitlines():
            line = raw.strip()
            if line.startswith("iran-russia-claims"):
                lines.append(line)
    return lines


PYTHON = blocks("python")
COMMANDS = list(dict.fromkeys(command_lines()))


def test_readme_has_examples_for_every_way_in() -> None:
    code = "\n".join(body for _, body, _ in PYTHON)
    for needle in (
        "irc.load()",
        'irc.load("actors")',
        'backend="polars"',
        'backend="pyarrow"',
        "irc.files()",
        "duckdb.sql",
        "pd.read_csv",
        "json.loads",
        "hashlib.sha256",
        "irc.validate(",
    ):
        assert needle in code, f"the README lost its {needle} example"
    assert any(c.startswith("iran-russia-claims summary") for c in COMMANDS)


def test_setup_section_is_exactly_the_two_commands() -> None:
    section = TEXT.split("\n## Set-up\n", 1)[1].split("\n## ", 1)[0]
    bodies = [m.group("body").strip() for m in FENCE.finditer(section)]
    assert tuple(bodies) == SETUP


@pytest.mark.parametrize(
    ("line", "body", "needs_article"), PYTHON, ids=[f"line{n}" for n, _, _ in PYTHON]
)
def test_python_example_runs(
    line: int, body: str, needs_article: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if needs_article:
        article = source_path()
        if article is None:
            pytest.skip(f"needs the article; set {SOURCE_ENV} to its path")
        monkeypatch.setenv(SOURCE_ENV, str(article))
    monkeypatch.chdir(tmp_path)
    code = compile(body, f"README.md:{line + 1}", "exec")
    exec(code, {"__name__": "__readme__"})


@pytest.mark.parametrize("command", COMMANDS)
def test_shell_command_is_accepted_by_the_parser(command: str) -> None:
    argv = shlex.split(command)[1:]
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on unknown commands or options
        pytest.fail(f"README command {command!r} is rejected by the CLI (exit {exc.code})")


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("iran-russia-claims")
    return [str(script)] if script.exists() else [sys.executable, "-m", "iran_russia_claims"]


@pytest.mark.parametrize("command", [c for c in COMMANDS if shlex.split(c)[1] in RUNNABLE])
def test_read_only_shell_command_runs(command: str) -> None:
    argv = shlex.split(command)[1:]
    if ARTICLE_PLACEHOLDER in argv:
        article = source_path()
        if article is None:
            pytest.skip(f"needs the article; set {SOURCE_ENV} to its path")
        argv = [str(article) if a == ARTICLE_PLACEHOLDER else a for a in argv]
    result = subprocess.run(
        [*_cli(), *argv],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_relative_links_and_images_exist() -> None:
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", TEXT)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert local, "no relative links found: the pattern is broken"
    missing = [t for t in local if not (REPO / t).exists()]
    assert not missing, f"README links to files that do not exist: {missing}"


def test_the_limits_the_readme_states_are_the_readers_limits() -> None:
    """Each limit in "A file from a stranger" is the constant the reader enforces."""
    from iran_russia_claims.readers import common, csv, parquet, parquet_pages, safe_yaml

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("### A file from a stranger", 1)[1].split("\n## ", 1)[0]
    mib = 1024 * 1024
    assert f"{common.MEMORY_ALLOWANCE // mib} MiB + {common.MEMORY_PER_INPUT_BYTE} × N" in section
    assert f"| {csv.MAX_CSV_ROW_BYTES // mib} MiB | `a row is longer than" in section
    assert f"longer than {common.HEAD_BYTES} bytes" in section
    assert f"longer than {common.MAX_RECORD_BYTES} characters" in section
    assert f"over the limit of {safe_yaml.MAX_YAML_BYTES} for YAML" in section
    assert f"| {safe_yaml.MAX_YAML_DEPTH} levels |" in section
    assert f"plus {safe_yaml.YAML_ALIAS_ALLOWANCE // 1024} KiB" in section
    assert (
        f"{parquet_pages.PARQUET_EXPANSION} × its size + "
        f"{parquet_pages.PARQUET_ALLOWANCE // mib} MiB" in section
    )
    assert f"plus 2^{parquet_pages.PARQUET_SPARE_ROWS.bit_length() - 1}" in section
    assert f"over the limit of {parquet.MAX_CELL_BYTES} for one cell" in section
    assert f"at most {parquet.MAX_CHUNK_TEXT_BYTES // mib} MiB at a time" in section
    assert f"{common.CHUNK_ROWS:,} at a time or {common.CHUNK_BYTES // mib} MiB" in section
    assert f"| {parquet.MAX_LIST_ITEMS:,} items |" in section
    assert f"over the limit of {parquet.MAX_LIST_ITEMS} for one cell" in section
    assert f"| {common.MAX_EXTRA_FIELDS} named |" in section
    assert f"| {common.MAX_EXTRA_FIELDS} named and read |" in section  # Parquet columns
    from iran_russia_claims.readers.links import MAX_LINK_BYTES

    assert f"| {MAX_LINK_BYTES // mib} MiB | `the file has N bytes; a link table" in section
    assert f"read whole, at most {MAX_LINK_BYTES}`" in section
    from iran_russia_claims.readers.links import LINK_SPARE_RECORDS

    assert f"plus 2^{LINK_SPARE_RECORDS.bit_length() - 1} |" in section
    assert f"(plus {LINK_SPARE_RECORDS}) for a link table" in section
    from iran_russia_claims.spec.problem import MAX_NAME_CHARS

    assert f"of more than\n{MAX_NAME_CHARS} characters (`MAX_NAME_CHARS`" in text
