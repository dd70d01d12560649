"""docs/own-collection.md, run: every command of the walk-through, in an empty folder.

The steps are the guide's own text (blocks marked ``<!-- walkthrough -->``), so the guide
cannot rot: a changed command, option or output breaks this test. The curator's judgements
(the claims and filler, with offsets) are those of the finished example collection with the
derived fields taken out; ``fill`` must put them back byte for byte.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from iran_russia_claims.cli import main

GUIDE = REPO / "docs" / "own-collection.md"
EXAMPLE = REPO / "docs" / "example" / "kz-kg-water"
ARTICLE = EXAMPLE / "articles" / "shared-rivers.txt"
_STEP = re.compile(r"<!-- walkthrough(?:: ([^>]*?))? -->\n(?:```(\w+)\n(.*?)```)?", re.DOTALL)
#: The fields that ``fill`` derives: a curator leaves them out.
_DERIVED = re.compile(
    r"^    (section|span_sha256|confidence_band): .*\n|, span_sha256: [0-9a-f]{64}", re.M
)


def steps() -> list[tuple[str | None, str | None, str]]:
    """(what, language, body) of each marked step, in order."""
    text = GUIDE.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2), m.group(3) or "") for m in _STEP.finditer(text)]


def hand_written(name: str) -> str:
    """The example's file as the curator wrote it, before ``fill``."""
    return _DERIVED.sub("", (EXAMPLE / name).read_text(encoding="utf-8"))


def test_the_guide_has_the_steps_this_test_runs() -> None:
    found = steps()
    commands = [line for _, lang, body in found if lang == "console" for line in body.splitlines()]
    used = {line.split()[2] for line in commands if line.startswith("$ iran-russia-claims ")}
    curator = {"init", "add-source", "sentences", "locate", "fill", "coverage", "verify-source"}
    assert curator | {"validate", "export", "metadata"} <= used
    assert any(what == "actors.yaml" for what, _, _ in found)


def test_the_guide_shows_the_first_claim_as_the_curator_writes_it() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    shown = re.search(r"```yaml\n(claims:\n.*?)```", text, re.DOTALL)
    assert shown is not None
    assert shown.group(1) in hand_written("claims.yaml")


def test_the_walkthrough_runs_from_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ARTICLE, tmp_path / ARTICLE.name)
    monkeypatch.chdir(tmp_path)
    output = []
    for what, lang, body in steps():
        if lang == "yaml":
            Path(str(what)).write_text(body, encoding="utf-8")
        elif lang is None:  # the curator's coding: the example's, without the derived fields
            for name in ("claims.yaml", "filler.yaml"):
                Path(name).write_text(hand_written(name), encoding="utf-8")
        else:
            for line in body.splitlines():
                output.append(run(line, monkeypatch, capsys))
    collection = Path.cwd()
    assert collection == tmp_path / "kz-kg-water"
    # fill put back exactly what the finished example holds
    for name in ("claims.yaml", "filler.yaml", "sources.yaml", "actors.yaml", "collection.yaml"):
        assert (collection / name).read_bytes() == (EXAMPLE / name).read_bytes(), name
    said = "\n".join(output)
    assert "0 unexplained" in said
    assert (
        "spans of shared-rivers: 25 of 25 spans checked against articles/shared-rivers.txt" in said
    )
    assert "31 of 31 hashes match (25 claims, 6 filler)" in said
    package = json.loads((collection / "exports" / "datapackage.json").read_text("utf-8"))
    assert (package["name"], package["version"]) == ("kz-kg-water", "0.1.0")
    assert package["title"] == "Claims of an article on water between Kazakhstan and Kyrgyzstan"
    schema = json.loads((collection / "schemas" / "claim.schema.json").read_text("utf-8"))
    assert schema["properties"]["id"]["pattern"].startswith("^KKW-")
    citation = (collection / "CITATION.cff").read_text(encoding="utf-8")
    assert "Shared Rivers" in citation
    assert "iran-russia-claims contributors" in citation
    readme = (collection / "README.md").read_text(encoding="utf-8")
    assert "| claims | 25 |" in readme
    assert "^KKW-" in readme
    assert (collection / "metadata" / "croissant.json").is_file()


def run(line: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """One console line of the guide: ``cd``, ``cp`` or ``iran-russia-claims ...`` (exit 0)."""
    assert line.startswith("$ "), line
    words = shlex.split(line[2:])
    if words[0] == "cd":
        monkeypatch.chdir(words[1])
        return ""
    if words[0] == "cp":
        shutil.copy(words[1], words[2])
        return ""
    assert words[0] == "iran-russia-claims", line
    code = main(words[1:])
    captured = capsys.readouterr()
    assert code == 0, f"{line}\n{captured.out}\n{captured.err}"
    return captured.out
