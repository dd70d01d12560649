"""Every file this package writes goes through here: atomically, and all-or-nothing for sets,
even when the process is killed (SIGKILL, a power cut after the commit point's fsync).

A set of files is written through a write-ahead journal (:mod:`.journal`): every new file is
staged and fsynced in a staging folder inside its target's directory (same file system, so
each rename is atomic; a ``.gitignore`` inside keeps the folder out of git), then a journal
listing every (staged file, target) pair is committed with one atomic rename, then the files
are renamed into place. A failure before the commit point changes nothing; an exception after
it puts the previous files back; a kill after it leaves the journal, and :func:`recover` (which
every command of the ``iran-russia-claims`` tool runs first) completes the renames. A reader
therefore sees the old set or the new set, never a mix, once recovery has run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

from iran_russia_claims.publish.journal import (
    JOURNAL,
    STAGING_PREFIX,
    Journal,
    Move,
    apply,
    commit,
    finish,
    locked,
    new_folder,
    remove,
    sync_directory,
    write_synced,
)
from iran_russia_claims.publish.recovery import Recovered, recover

__all__ = ["STAGING_PREFIX", "Recovered", "atomic_path", "recover", "write_files"]


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


def _make_directories(directories: list[Path]) -> list[Path]:
    """Create the missing directories; returns those created, outermost first. If one cannot
    be made (a file stands in its path), those made so far are removed again."""
    created: list[Path] = []
    try:
        for directory in directories:
            for missing in reversed([d for d in (directory, *directory.parents) if not d.exists()]):
                with contextlib.suppress(FileExistsError):
                    missing.mkdir()
                    created.append(missing)
                    sync_directory(missing.parent)
    except BaseException:
        _remove_empty(created)
        raise
    return created


def _remove_empty(created: list[Path]) -> None:
    for directory in reversed(created):
        with contextlib.suppress(OSError):  # empty again: leave no trace
            directory.rmdir()


def _stage(targets: Mapping[Path, bytes]) -> Journal:
    """Write every new file (and a hard link to every file it replaces) into staging folders,
    durably; nothing visible changes. The first folder will hold the journal."""
    folders: dict[Path, Path] = {}  # target directory -> its staging folder
    moves = []
    try:
        for number, (target, data) in enumerate(targets.items()):
            folder = folders.get(target.parent)
            if folder is None:
                first = next(iter(folders.values()), None)
                folder = folders[target.parent] = new_folder(target.parent, first)
            staged = folder / f"{number}.new"
            write_synced(staged, data)
            os.chmod(staged, _FILE_MODE)
            backup = None
            if target.exists():
                backup = folder / f"{number}.old"
                _keep_copy(target, backup)
            moves.append(Move(staged, target, backup))
        for folder in folders.values():
            sync_directory(folder)
    except BaseException:
        remove(folders.values())
        raise
    return Journal(next(iter(folders.values())), "forward", tuple(moves))


def write_files(files: Mapping[Path, bytes]) -> list[Path]:
    """Write every file or none, even if the process is killed part-way; returns the paths.

    Whatever an interrupted write left in the target directories is recovered first (see
    :func:`recover`). Each rename is atomic, so no reader ever sees a partly written file; on
    an exception every file is restored and no directory or staging folder is left behind.
    """
    if not files:
        return []
    targets = {Path(os.path.abspath(path)): data for path, data in files.items()}
    directories = list(dict.fromkeys(target.parent for target in targets))
    recover(directories)
    created = _make_directories(directories)
    try:
        with locked(directories):
            journal = _stage(targets)
            try:
                commit(journal)  # the commit point: from here on the new set is the outcome
                apply(journal)
            except BaseException:
                if (journal.folder / JOURNAL).exists():  # committed: put the old files back
                    undo = dataclasses.replace(journal, state="back")
                    commit(undo)
                    apply(undo)
                    finish(undo)
                else:
                    remove(journal.folders)
                raise
            finish(journal)
    except BaseException:
        _remove_empty(created)
        raise
    return list(files)


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """A temporary path to write to, renamed over ``target`` on success.

    For writers that want a path (matplotlib, pyarrow, streaming text). The path is in a
    staging folder in ``target``'s directory and has ``target``'s name; on any exception it is
    removed and ``target`` keeps its previous content. The directory is locked meanwhile, so
    do not write to it through this module inside the ``with`` block.
    """
    target = Path(os.path.abspath(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked([target.parent]):
        folder = new_folder(target.parent, None)
        stage = folder / target.name
        try:
            stage.touch()  # there, empty, as a temporary file would be
            yield stage
            os.chmod(stage, _FILE_MODE)
            with stage.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(stage, target)
            sync_directory(target.parent)
        finally:
            remove([folder])
