"""Atomic writes: a failure leaves the previous file, and no temporary file, behind; what a kill
leaves is completed or removed by recovery, and never shows in git."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import REPO
from iran_russia_claims.cli import main
from iran_russia_claims.publish import atomic as atomic_module
from iran_russia_claims.publish import journal
from iran_russia_claims.publish.atomic import STAGING_PREFIX, atomic_path, recover, write_files

EXAMPLE = REPO / "docs" / "example" / "kz-kg-water"


def test_atomic_path_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_path(target) as stage:
        assert stage.parent.parent == tmp_path  # same file system: the rename is atomic
        assert stage.parent.name.startswith(STAGING_PREFIX)  # a kill leaves it out of git
        assert (stage.parent / ".gitignore").read_text(encoding="utf-8") == "*\n"
        stage.write_text("new", encoding="utf-8")
        assert target.read_text(encoding="utf-8") == "old"  # not visible until the rename
    assert target.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_atomic_path_keeps_the_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def crashing_writer() -> None:
        with atomic_path(target) as stage:
            stage.write_text("half", encoding="utf-8")
            raise RuntimeError("writer crashed")

    with pytest.raises(RuntimeError, match="crashed"):
        crashing_writer()
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_write_files_writes_every_file_with_readable_permissions(tmp_path: Path) -> None:
    files = {tmp_path / "a.txt": b"a", tmp_path / "sub" / "b.txt": b"b"}
    assert sorted(write_files(files)) == sorted(files)
    assert (tmp_path / "sub" / "b.txt").read_bytes() == b"b"
    assert (tmp_path / "a.txt").stat().st_mode & 0o444 == 0o444


# -- the journal: what a kill leaves, and its recovery -------------------------------------------
def _two_folders(tmp_path: Path) -> tuple[dict[Path, bytes], dict[Path, bytes]]:
    """An old set of files in two directories, written; a new set over it, one file more."""
    old = {tmp_path / "a" / "x.txt": b"old x", tmp_path / "b" / "y.txt": b"old y"}
    write_files(old)
    new = {path: data.replace(b"old", b"new") for path, data in old.items()}
    new[tmp_path / "b" / "z.txt"] = b"new z"
    return old, new


def _files(tmp_path: Path) -> dict[str, bytes]:
    """Every file and staging folder under ``tmp_path``, by path."""
    found = {}
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file() or STAGING_PREFIX in path.name:
            found[str(path.relative_to(tmp_path))] = path.read_bytes() if path.is_file() else b""
    return found


def _as_names(files: dict[Path, bytes], root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): data for path, data in files.items()}


def test_a_set_with_a_file_in_a_folder_s_path_leaves_no_folder_behind(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    files = {tmp_path / "new" / "one.txt": b"1", tmp_path / "a-file" / "sub" / "two.txt": b"2"}
    with pytest.raises(NotADirectoryError):
        write_files(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_recovery_completes_a_write_killed_after_its_commit_point(tmp_path: Path) -> None:
    _, new = _two_folders(tmp_path)
    staged = atomic_module._stage(new)
    journal.commit(staged)
    first = staged.moves[0]
    os.replace(first.staged, first.target)  # killed after the first rename
    done = recover([tmp_path / "b"])  # the directory without the journal is enough
    assert [(r.kind, r.files, r.done) for r in done] == [("completed", 3, 2)]
    assert str(done[0]).startswith("completed a write interrupted after its commit point")
    assert _files(tmp_path) == _as_names(new, tmp_path)
    assert recover([tmp_path / "a", tmp_path / "b"]) == []


def test_recovery_removes_a_write_killed_before_its_commit_point(tmp_path: Path) -> None:
    old, new = _two_folders(tmp_path)
    atomic_module._stage(new)  # killed before the journal was written
    done = recover([tmp_path / "a", tmp_path / "b"])
    assert [(r.kind, r.files) for r in done] == [("removed", 0)]
    assert _files(tmp_path) == _as_names(old, tmp_path)


def test_recovery_finishes_undoing_a_write_killed_while_it_undid(tmp_path: Path) -> None:
    old, new = _two_folders(tmp_path)
    staged = atomic_module._stage(new)
    journal.commit(staged)
    for move in staged.moves:
        os.replace(move.staged, move.target)
    back = dataclasses.replace(staged, state="back")
    journal.commit(back)  # a rename failed; killed before anything was put back
    os.replace(back.moves[-1].target, tmp_path / "elsewhere")  # one step of the undo was done
    (tmp_path / "elsewhere").unlink()
    done = recover([tmp_path / "a"])
    assert [(r.kind, r.files) for r in done] == [("undone", 3)]
    assert _files(tmp_path) == _as_names(old, tmp_path)


def test_a_journal_this_version_did_not_write_is_reported_not_guessed(tmp_path: Path) -> None:
    _, new = _two_folders(tmp_path)
    staged = atomic_module._stage(new)
    (staged.folder / journal.JOURNAL).write_text("{not json", encoding="utf-8")
    with pytest.raises(OSError, match="not a journal") as caught:
        recover([tmp_path / "a"])
    assert caught.value.filename == staged.folder / journal.JOURNAL


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_never_sees_a_staging_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}

    def git(*args: str) -> str:
        config = ["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=0"]
        done = subprocess.run(
            ["git", *config, *args], cwd=tmp_path, env=env, capture_output=True, check=True
        )
        return done.stdout.decode()

    _, new = _two_folders(tmp_path)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "old")
    staged = atomic_module._stage(new)
    journal.commit(staged)  # killed at the commit point: staged files and the journal left
    assert git("status", "--porcelain", "--untracked-files=all") == ""
    assert len([p for p in tmp_path.rglob(f"{STAGING_PREFIX}*")]) == 2


def test_recovery_waits_for_a_live_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, new = _two_folders(tmp_path)
    staging, go = threading.Event(), threading.Event()
    real = atomic_module.write_synced

    def slow(path: Path, data: bytes) -> None:
        real(path, data)
        if path.name.endswith(".new"):
            staging.set()
            assert go.wait(10)

    monkeypatch.setattr(atomic_module, "write_synced", slow)
    writer = threading.Thread(target=write_files, args=(new,))
    writer.start()
    assert staging.wait(10)
    found: list[object] = []
    recovery = threading.Thread(target=lambda: found.extend(recover([tmp_path / "a"])))
    recovery.start()
    recovery.join(0.5)
    assert recovery.is_alive()  # the writer's staging folder is not taken for a dead one's
    go.set()
    writer.join(10)
    recovery.join(10)
    assert found == []
    assert _files(tmp_path) == _as_names(new, tmp_path)


@pytest.mark.parametrize(
    ("argv", "folder"),
    [
        (["export", "--check"], "metadata"),
        (["metadata", "--check"], "metadata"),
        (["export", "--check"], "."),
        (["fill", "--check"], "."),
        (["validate", "claims.yaml"], "."),
        (["summary"], "."),
    ],
)
def test_every_command_first_completes_a_killed_write(
    argv: list[str],
    folder: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A write killed after its commit point, in the collection's folder or an output folder:
    the next command completes it before anything else, and says so in one line."""
    coll = tmp_path / "coll"
    shutil.copytree(EXAMPLE, coll)
    target = coll / folder / "NOTES.txt"
    target.parent.mkdir(exist_ok=True)
    staged = atomic_module._stage({target: b"written by the killed write"})
    journal.commit(staged)
    monkeypatch.chdir(coll)
    main([*argv, "--collection", str(coll)])
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1
    assert notes[0].startswith("note: completed a write interrupted after its commit point")
    assert target.read_bytes() == b"written by the killed write"
    assert not list(coll.rglob(f"{STAGING_PREFIX}*"))


@pytest.mark.parametrize("state", ["forward", "back"])
def test_a_journal_that_reaches_outside_its_folder_is_refused_and_nothing_moves(
    tmp_path: Path, state: str
) -> None:
    """A staging folder committed in a stranger's repository (a pull request checked in CI)
    must not make recovery rename or delete anything outside the folder it sits in."""
    import json

    from iran_russia_claims.publish.atomic import recover
    from iran_russia_claims.publish.journal import JOURNAL, STAGING_PREFIX

    outside = tmp_path / "home" / ".bashrc"
    outside.parent.mkdir()
    outside.write_text("mine\n")
    folder = tmp_path / "repo" / "exports"
    stage = folder / f"{STAGING_PREFIX}evil"
    stage.mkdir(parents=True)
    (stage / "0.new").write_text("theirs\n")
    target = os.path.relpath(outside, folder)
    moves = [[f"{stage.name}/0.new", target, None]]
    (stage / JOURNAL).write_text(json.dumps({"format": 1, "state": state, "moves": moves}))
    with pytest.raises(OSError, match="not a journal this version wrote"):
        recover([folder])
    assert outside.read_text() == "mine\n"
