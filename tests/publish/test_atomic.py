"""Atomic writes: a failure leaves the previous file, and no temporary file, behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from iran_russia_claims.publish.atomic import atomic_path, write_files


def test_atomic_path_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with atomic_path(target) as stage:
        assert stage.parent.parent == tmp_path  # same file system: the rename is atomic
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
