"""Every file this package writes goes through here: atomically, and all-or-nothing for sets.

A reader (or a crash) never sees a half-written file: data is staged in a temporary file in the
target's own directory (so the final rename is atomic) and renamed into place; a set of files
is restored to its previous state if any one of them fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE: Final = _file_mode()


def _keep_copy(target: Path, backup: Path) -> None:
    """A copy of the current target to restore on failure: a hard link where the disk has them."""
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)


def write_files(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every file or none: stage all, rename all, and restore the old files on failure.

    Each rename is atomic, so no reader ever sees a partly written file. Staging and backup
    copies live in a hidden directory inside each target directory (same file system, so the
    renames stay atomic) and are removed whatever happens.
    """
    work: dict[Path, Path] = {}  # target directory -> its hidden working directory
    created: list[Path] = []  # target directories that did not exist before
    replaced: list[tuple[Path, Path | None]] = []  # (target, backup or None if it was new)
    try:
        staged: list[tuple[Path, Path]] = []
        for number, (target, data) in enumerate(files.items()):
            directory = target.parent
            if directory not in work:
                if not directory.is_dir():
                    created.append(directory)
                directory.mkdir(parents=True, exist_ok=True)
                work[directory] = Path(tempfile.mkdtemp(prefix=".export-", dir=directory))
            stage = work[directory] / f"{number}.new"
            with stage.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(stage, _FILE_MODE)
            staged.append((stage, target))
        for number, (stage, target) in enumerate(staged):
            backup = None
            if target.exists():
                backup = work[target.parent] / f"{number}.old"
                _keep_copy(target, backup)
            os.replace(stage, target)
            replaced.append((target, backup))
    except BaseException:
        for target, backup in reversed(replaced):
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        for directory, hidden in work.items():
            shutil.rmtree(hidden, ignore_errors=True)
            if directory in created:
                with contextlib.suppress(OSError):  # empty again: leave no trace
                    directory.rmdir()
        raise
    finally:
        for hidden in work.values():
            shutil.rmtree(hidden, ignore_errors=True)
    return [target for target, _ in replaced]


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; renamed over ``target`` on success.

    For writers that want a path (matplotlib, pyarrow, streaming text). On any exception the
    temporary file is removed and ``target`` keeps its previous content.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    stage = Path(name)
    try:
        yield stage
        os.chmod(stage, _FILE_MODE)
        os.replace(stage, target)
    finally:
        stage.unlink(missing_ok=True)
