"""The write-ahead journal behind :func:`~iran_russia_claims.publish.atomic.write_files`.

A write of a set of files passes through these states, and a kill may strike in any of them:

1. staging: in each target directory a staging folder, ``.iran-russia-claims-staging.*``, whose
   first file is a ``.gitignore`` holding ``*`` (so git never picks the folder up) and whose
   second names the folder that will hold the journal. Every new file, and a hard link to every
   file it will replace, is written and fsynced there. No target has been touched.
2. committed: the journal, ``journal.json`` (every staged file and its target), is written under
   a temporary name, fsynced and renamed into place: the commit point. From here on the new set
   is the outcome: the staged files are renamed over their targets, then the journal is
   deleted, then the staging folders.
3. undoing: when a rename raises (a full disk, not a kill), the journal is first rewritten to
   say so, then each replaced file is put back from its hard link: the old set is the outcome.

:mod:`.recovery` completes the renames (2) or the undoing (3) of a write that was killed, or
removes the staging folders of one that had not committed. Every step here checks before it
acts, so it may be repeated. Writers and recoveries lock each directory they touch (an
exclusive ``flock``, taken in one global order), so a recovery never mistakes a live write for
a dead one.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

#: Every staging folder's name starts so: recovery (and a .gitignore) recognise it by this.
STAGING_PREFIX: Final = ".iran-russia-claims-staging."
#: In each staging folder: the name of the folder holding the journal, relative to this one's
#: directory.
OWNER: Final = "journal-folder"
JOURNAL: Final = "journal.json"
_FORMAT: Final = 1

State = Literal["forward", "back"]


@dataclass(frozen=True)
class Move:
    """One file of a write: staged here, renamed to ``target``; ``backup`` is a hard link to
    the file it replaces (None when the target is new)."""

    staged: Path
    target: Path
    backup: Path | None


@dataclass(frozen=True)
class Journal:
    """A committed write: its moves, forward (to the new set) or back (to the old one)."""

    folder: Path  # the staging folder that holds the journal
    state: State
    moves: tuple[Move, ...]

    @property
    def folders(self) -> list[Path]:
        return list(dict.fromkeys([self.folder, *(m.staged.parent for m in self.moves)]))

    @property
    def directories(self) -> list[Path]:
        return list(dict.fromkeys(m.target.parent for m in self.moves))


# -- durable small steps -------------------------------------------------------------------------
def write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def sync_directory(directory: Path) -> None:
    """Make the names in ``directory`` durable (renames, new files); a no-op where directories
    cannot be opened (Windows) or synced."""
    if sys.platform == "win32":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def new_folder(directory: Path, journal_folder: Path | None) -> Path:
    """A new staging folder in ``directory``: its ``.gitignore`` first, then the name of the
    folder that will hold the journal (itself when ``journal_folder`` is None)."""
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory))
    write_synced(folder / ".gitignore", b"*\n")
    owner = os.path.relpath(journal_folder or folder, directory)
    write_synced(folder / OWNER, owner.encode("utf-8"))
    sync_directory(directory)
    return folder


def commit(journal: Journal) -> None:
    """Write the journal atomically: a reader finds the whole of it or none."""
    home = journal.folder.parent

    def rel(path: Path | None) -> str | None:
        return None if path is None else os.path.relpath(path, home)

    document = {
        "format": _FORMAT,
        "state": journal.state,
        "moves": [[rel(m.staged), rel(m.target), rel(m.backup)] for m in journal.moves],
    }
    temporary = journal.folder / f"{JOURNAL}.tmp"
    write_synced(temporary, json.dumps(document, indent=1).encode("utf-8"))
    os.replace(temporary, journal.folder / JOURNAL)
    sync_directory(journal.folder)


def read_journal(folder: Path) -> Journal | None:
    """The journal in staging folder ``folder``, or None if it has none."""
    path = folder / JOURNAL
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None

    def at(text: str) -> Path:
        return Path(os.path.normpath(folder.parent / text))

    try:
        document = json.loads(data)
        if document["format"] != _FORMAT:
            raise ValueError(document["format"])
        moves = tuple(
            Move(at(s), at(t), None if b is None else at(b)) for s, t, b in document["moves"]
        )
        state: State = "back" if document["state"] == "back" else "forward"
        for move in moves:
            _confined(move)
    except (KeyError, TypeError, ValueError):
        raise OSError(
            errno.EINVAL, "not a journal this version wrote (look, then delete it by hand)", path
        ) from None
    return Journal(folder, state, moves)


def _confined(move: Move) -> None:
    """Refuse a move that a write of ours could not have journalled: each file is staged (and
    its backup kept) in a staging folder of its target's own directory, and the target is a
    file there. A journal found in a stranger's folders can rename nothing anywhere else."""
    stage = move.staged.parent
    if not stage.name.startswith(STAGING_PREFIX) or stage.parent != move.target.parent:
        raise ValueError(f"{move.staged} is not staged beside {move.target}")
    if move.backup is not None and move.backup.parent != stage:
        raise ValueError(f"{move.backup} is not kept in {stage}")
    if move.target.name.startswith(STAGING_PREFIX) or move.target.name in ("", ".", ".."):
        raise ValueError(f"{move.target} is not a file a write produces")


# -- carrying a journal out ----------------------------------------------------------------------
def apply(journal: Journal) -> int:
    """Every rename the journal still needs (each is checked first, so this may be repeated);
    returns how many were carried out."""
    done = 0
    if journal.state == "forward":
        for move in journal.moves:
            if os.path.lexists(move.staged):
                os.replace(move.staged, move.target)
                done += 1
    else:
        for move in reversed(journal.moves):
            if move.backup is not None:
                if os.path.lexists(move.backup):
                    os.replace(move.backup, move.target)
                    done += 1
            elif not os.path.lexists(move.staged) and os.path.lexists(move.target):
                os.unlink(move.target)  # a new file that was moved in: gone again
                done += 1
    for directory in journal.directories:
        sync_directory(directory)
    return done


def finish(journal: Journal) -> None:
    """The set is whole: delete the journal first (so no later recovery replays it), then the
    staging folders."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal.folder / JOURNAL)
    sync_directory(journal.folder)
    remove(journal.folders)


def remove(folders: Iterable[Path]) -> None:
    """Delete staging folders, each one's ``.gitignore`` last: killed part-way, what is left
    stays out of git."""
    for folder in folders:
        with contextlib.suppress(FileNotFoundError):
            for entry in sorted(os.scandir(folder), key=lambda e: e.name == ".gitignore"):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
        shutil.rmtree(folder, ignore_errors=True)


# -- locks ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def locked(directories: Iterable[Path]) -> Iterator[None]:
    """An exclusive lock on each directory, taken in one global order (so two writers never
    wait on each other in a cycle). Where there are no locks (Windows, some network file
    systems) this does nothing. Not reentrant: a process must not lock a directory twice."""
    with contextlib.ExitStack() as stack:
        for directory in sorted({os.path.realpath(d) for d in directories}):
            stack.enter_context(_lock(directory))
        yield


@contextlib.contextmanager
def _lock(directory: str) -> Iterator[None]:
    if sys.platform == "win32":  # pragma: no cover
        yield
        return
    import fcntl

    try:
        fd = os.open(directory, os.O_RDONLY)
    except FileNotFoundError:
        fd = -1
    try:
        if fd >= 0:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fd >= 0:
            os.close(fd)  # releases the lock
