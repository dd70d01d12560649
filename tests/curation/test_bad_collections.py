"""Every command on a collection or an article it cannot use: a clear message naming the file
and the fix, the documented exit code (2: unusable input or usage; 1: invalid data), never a
traceback, and nothing written."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from iran_russia_claims.cli import main

EXAMPLE = REPO / "docs" / "example" / "kz-kg-water"
ARTICLE = "articles/shared-rivers.txt"


def commands(c: str) -> dict[str, list[str]]:
    """Each command that reads the collection ``c``, as a user would call it."""
    return {
        "export": ["export", "--collection", c, "--out", f"{c}/exports", "--schemas", f"{c}/s"],
        "validate": ["validate", f"{c}/claims.yaml", "--collection", c],
        "coverage": ["coverage", "--collection", c],
        "verify-source": ["verify-source", "--collection", c],
        "summary": ["summary", "--collection", c],
        "fill": ["fill", "--collection", c],
        "sentences": ["sentences", f"{EXAMPLE}/{ARTICLE}", "--collection", c],
        "locate": ["locate", f"{EXAMPLE}/{ARTICLE}", "Toktogul reservoir", "--collection", c],
        "metadata": ["metadata", "--collection", c, "--exports", f"{EXAMPLE}/no-exports"],
        "add-source": ["add-source", "other.txt", "--author", "X", "--collection", c],
    }


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and its hash: to prove that nothing was written."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit code and everything printed (validate's report goes to stdout)."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "other.txt").write_text("An Article\n\nIt says one thing.\n", encoding="utf-8")
    return tmp_path


def _unknown_key(c: Path) -> None:
    with (c / "collection.yaml").open("a", encoding="utf-8") as handle:
        handle.write("colour: blue\n")


def _bad_prefix(c: Path) -> None:
    text = (c / "collection.yaml").read_text(encoding="utf-8")
    (c / "collection.yaml").write_text(text.replace("id_prefix: KKW", "id_prefix: kkw-1"), "utf-8")


def _no_manifest(c: Path) -> None:
    (c / "collection.yaml").unlink()


#: (how the collection is broken, the exit code, what the message must name)
BROKEN: dict[str, tuple[Callable[[Path], None], int, str]] = {
    "unknown key": (_unknown_key, 1, "unknown key 'colour'"),
    "bad id prefix": (_bad_prefix, 1, "id_prefix_pattern"),
}


@pytest.mark.parametrize("command", list(commands("c")))
@pytest.mark.parametrize("broken", list(BROKEN))
def test_a_broken_manifest_is_refused_by_every_command(
    here: Path, command: str, broken: str, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = here / "c"
    shutil.copytree(EXAMPLE, collection)
    breaks, expected, named = BROKEN[broken]
    breaks(collection)
    before = snapshot(here)
    code, err = run(commands("c")[command], capsys)
    # the curator's commands refuse what they are given (2); the others find invalid data (1)
    assert code == (2 if command in ("add-source", "sentences", "locate") else expected), err
    assert named in err
    assert "c/collection.yaml" in err
    assert snapshot(here) == before


@pytest.mark.parametrize("command", list(commands("c")))
@pytest.mark.parametrize("where", ["missing", "a file", "no manifest"])
def test_a_path_that_is_no_collection_exits_2_naming_it(
    here: Path, command: str, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if where == "a file":
        (here / "c").write_text("not a folder\n", encoding="utf-8")
    elif where == "no manifest":
        shutil.copytree(EXAMPLE, here / "c")
        _no_manifest(here / "c")
    before = snapshot(here)
    code, err = run(commands("c")[command], capsys)
    if where == "no manifest" and command in ("validate", "sentences", "locate"):
        # a folder of registries alone (as `synth --registry` writes) is enough for these
        assert code in (0, 1), err
    else:
        assert code == 2, err
        assert "[rule: readable]" in err
        assert "\n  c: " in err or "\n  c/collection.yaml" in err or "\n  c/" in err  # named
    assert snapshot(here) == before


def test_registries_that_disagree_with_the_claims_are_invalid(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = here / "c"
    shutil.copytree(EXAMPLE, collection)
    actors = (collection / "actors.yaml").read_text(encoding="utf-8")
    (collection / "actors.yaml").write_text(actors.replace("code: CHN", "code: PRC"), "utf-8")
    before = snapshot(here)
    for command in ("export", "validate", "coverage", "verify-source", "summary"):
        code, err = run(commands("c")[command], capsys)
        assert code == 1, (command, err)
        assert "c/claims.yaml, row 22, record KKW-0022, column actors" in err
        assert "[rule: actors_registered]" in err
        assert "actors.yaml" in err  # the hint says where to add it
    assert snapshot(here) == before


def _binary(p: Path) -> None:
    p.write_bytes(b"A\x00B\n")


def _latin1(p: Path) -> None:
    p.write_bytes("Caf\u00e9 au lait.\n".encode("latin-1"))


def _crlf(p: Path) -> None:
    p.write_bytes(b"A Title\r\n\r\nIt says one thing.\r\n")


def _folder(p: Path) -> None:
    p.mkdir()


ARTICLES: dict[str, tuple[Callable[[Path], None] | None, str]] = {
    "missing": (None, "not found"),
    "a folder": (_folder, "not a regular file"),
    "binary": (_binary, "NUL"),
    "not UTF-8": (_latin1, "not UTF-8"),
    "CRLF": (_crlf, "CRLF"),
}


@pytest.mark.parametrize("command", ["add-source", "sentences", "locate"])
@pytest.mark.parametrize("article", list(ARTICLES))
def test_an_article_that_cannot_be_read_exactly_exits_2(
    here: Path, command: str, article: str, capsys: pytest.CaptureFixture[str]
) -> None:
    collection = here / "c"
    shutil.copytree(EXAMPLE, collection)
    make, said = ARTICLES[article]
    path = here / "bad.txt"
    if make is not None:
        make(path)
    before = snapshot(here)
    argv = {
        "add-source": ["add-source", "bad.txt", "--author", "X"],
        "sentences": ["sentences", "bad.txt"],
        "locate": ["locate", "bad.txt", "one thing"],
    }[command] + ["--collection", "c"]
    code, err = run(argv, capsys)
    if article == "CRLF" and command != "add-source":
        assert code in (0, 2), err  # read as it is; only registering needs --crlf
    else:
        assert code == 2, err
        assert "bad.txt" in err
        assert said in err
        assert "hint:" in err
    assert snapshot(here) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["verify-source", "bad.txt", "--collection", "c"],
        ["coverage", "--source", "bad.txt", "--collection", "c"],
        ["validate", "c/claims.yaml", "--source", "bad.txt", "--collection", "c"],
        ["fill", "--source", "bad.txt", "--collection", "c"],
    ],
    ids=lambda argv: argv[0],
)
@pytest.mark.parametrize("article", ["missing", "binary", "another text"])
def test_an_article_that_is_not_the_registered_text_exits_2(
    here: Path, argv: list[str], article: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(EXAMPLE, here / "c")
    if article == "binary":
        _binary(here / "bad.txt")
    elif article == "another text":  # named like nothing, one character off the article
        text = (EXAMPLE / ARTICLE).read_text(encoding="utf-8")
        (here / "bad.txt").write_text(text.replace("Naryn", "Narin", 1), encoding="utf-8")
    before = snapshot(here)
    code, err = run(argv, capsys)
    assert code == 2, err
    assert "bad.txt" in err
    if article != "missing":
        digest = hashlib.sha256((here / "bad.txt").read_bytes()).hexdigest()
        assert digest in err  # the hash it found ...
        assert "shared-rivers 61e381a4e304" in err  # ... and the one it expected
    assert snapshot(here) == before
