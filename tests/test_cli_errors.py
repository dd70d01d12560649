"""One error path for every command: bad paths and a closed stdout never show a traceback.

Every subcommand of the parser is run, in a fresh process, on paths that do not exist and on
a folder where a file is wanted, and once more with good input but its stdout closed at once
(as ``| head`` does); stderr must never hold ``Traceback``, and the exit code must be the
documented one (0, 1, 2, or 141 for a closed pipe).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATASET, EXPORTS, REPO
from iran_russia_claims.cli import build_parser

EXAMPLE = REPO / "docs" / "example" / "kz-kg-water"
ARTICLE = EXAMPLE / "articles" / "shared-rivers.txt"


def bad_paths(missing: str, folder: str) -> dict[str, list[list[str]]]:
    """For each command, calls naming a missing path or a folder where a file is wanted."""
    return {
        "export": [["--collection", missing], ["--collection", folder]],
        "summary": [["--collection", missing]],
        "plot": [["--out", f"{folder}/img", "--collection", missing]],
        "metadata": [
            ["--collection", missing],
            ["--exports", missing],
            # the Hub repository under a file (README.md is current, so not rewritten)
            [
                *("--collection", str(DATASET), "--readme", str(REPO / "README.md")),
                *("--out", f"{folder}/m", "--citation", f"{folder}/c"),
                *("--hub", f"{folder}/inside.txt/hub"),
            ],
        ],
        "synth": [["--rows", "3", "--out", f"{missing}/x/y.parquet", "--registry", folder]],
        "validate": [[missing], [folder], [str(EXPORTS / "claims.csv"), "--source", missing]],
        "verify-source": [[missing], [folder]],
        "coverage": [["--source", missing], ["--source", folder]],
        "init": [[str(ARTICLE), "--id-prefix", "ABC", "--creator", "X"]],
        "add-source": [[missing, "--author", "X"], [folder, "--author", "X"]],
        "sentences": [[missing], [folder]],
        "locate": [[missing, "quote"], [folder, "quote"]],
        "fill": [["--collection", missing], ["--source", missing, "--collection", str(EXAMPLE)]],
        "browse": [["--exports", missing], ["--exports", folder]],
    }


def good(tmp: Path) -> dict[str, list[str]]:
    """For each command, a call that succeeds and prints something (to a closed stdout)."""
    return {
        "export": ["--collection", str(DATASET), "--out", str(tmp / "e"), "--no-schemas"],
        "summary": [],
        "plot": ["--out", str(tmp / "img")],
        "metadata": ["--check"],
        "synth": ["--rows", "3", "--out", str(tmp / "s.csv")],
        "validate": [str(EXPORTS / "claims.csv"), "--format", "json", "--max-problems", "0"],
        "verify-source": [str(ARTICLE), "--collection", str(EXAMPLE)],
        "coverage": ["--source", str(ARTICLE), "--collection", str(EXAMPLE)],
        "init": [str(tmp / "new"), "--id-prefix", "ABC", "--creator", "X"],
        "add-source": [str(ARTICLE), "--author", "X", "--collection", str(tmp / "new")],
        "sentences": [str(ARTICLE)],
        "locate": [str(ARTICLE), "Toktogul reservoir"],
        "fill": ["--collection", str(EXAMPLE), "--check"],
        # a server runs until stopped: the dry run prints its command and URL, starting nothing
        "browse": ["--dry-run"],
    }


def commands() -> list[str]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    return sorted(subparsers.choices)  # type: ignore[attr-defined]


def run(argv: list[str], cwd: Path, close_stdout: bool = False) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("IRAN_RUSSIA_CLAIMS_DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "iran_russia_claims", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    if close_stdout:
        process.stdout.close()  # the reader went away before the first byte
        out, err = b"", process.communicate(timeout=300)[1]
    else:
        out, err = process.communicate(timeout=300)
    # the report of `validate` goes to stdout; every other message to stderr
    return process.returncode, err.decode("utf-8", "replace") + out.decode("utf-8", "replace")


def test_every_command_is_covered() -> None:
    assert set(commands()) == set(bad_paths("m", "f")) == set(good(Path("t")))


@pytest.mark.parametrize("command", commands())
def test_bad_paths_exit_2_with_a_message_and_no_traceback(command: str, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("x\n", encoding="utf-8")
    for argv in bad_paths(str(tmp_path / "missing"), str(folder))[command]:
        code, err = run([command, *argv], tmp_path)
        assert "Traceback" not in err, (argv, err)
        assert code == 2, (argv, code, err)
        assert "error" in err.lower() or "UNREADABLE" in err, (argv, err)


@pytest.mark.parametrize("command", commands())
def test_a_closed_stdout_ends_quietly(command: str, tmp_path: Path) -> None:
    calls = good(tmp_path)
    if command == "add-source":  # needs the collection that init makes
        run(["init", *calls["init"]], tmp_path)
    if command == "plot":
        pytest.importorskip("matplotlib", reason="plot needs the plot extra")
    if command == "browse":
        pytest.importorskip("datasette", reason="browse needs the browse extra")
    code, err = run([command, *calls[command]], REPO if command == "metadata" else tmp_path, True)
    assert "Traceback" not in err, err
    assert "BrokenPipe" not in err, err
    assert code in (0, 141), (code, err)


def test_the_whole_output_and_the_exit_code_survive_the_quick_exit(tmp_path: Path) -> None:
    """The command leaves with ``os._exit`` once its output is flushed (native thread pools torn
    down at exit abort the process now and then): a report far larger than a pipe's buffer
    still arrives whole with its exit code, and a short one is not lost in Python's buffer."""
    import iran_russia_claims as irc
    from claims_files import write_claims

    rows = [{**r, "theme": "weather"} for r in irc.load(as_frame=False)] * 4
    bad = write_claims(rows, tmp_path / "bad.csv")  # an unknown theme on every row
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("PYTHONUNBUFFERED", None)  # stdout to a pipe is buffered, as for most users
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "iran_russia_claims",
            "validate",
            str(bad),
            "--format",
            "json",
            "--max-problems",
            "0",
        ],
        capture_output=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert len(done.stdout) > 65536  # more than a pipe holds: the rest was written after a wait
    report = json.loads(done.stdout)
    themes = [p for p in report["reports"][0]["problems"] if p["column"] == "theme"]
    assert len(themes) == len(rows)
    # print() to a pipe stays in Python's buffer until flushed: the summary shows it was
    done = subprocess.run(
        [sys.executable, "-m", "iran_russia_claims", "summary", "--format", "json"],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["claims"] == len(rows) // 4
