"""Recovery: before a command reads or writes, complete (or remove) what a killed write left.

A staging folder (see :mod:`.journal`) names the folder holding its write's journal. If that
journal exists, the write had committed: its remaining renames are carried out (or, if it was
undoing a failed write, the undoing is finished), then the journal and the staging folders are
deleted. Without a journal the write had replaced no file yet, or had replaced every one and
was cleaning up: the staging folders are deleted. Each step checks before it acts, so recovery
may itself be killed and run again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from iran_russia_claims.publish.journal import (
    OWNER,
    STAGING_PREFIX,
    apply,
    finish,
    locked,
    read_journal,
    remove,
)


@dataclass(frozen=True)
class Recovered:
    """What :func:`recover` did about an interrupted write."""

    kind: Literal["completed", "undone", "removed"]
    where: tuple[Path, ...]  # the directory of its journal; for "removed", of its staging
    files: int = 0  # files in the interrupted write (0 when there was no journal)
    done: int = 0  # renames carried out now

    def __str__(self) -> str:
        where = ", ".join(f"{path}/" for path in self.where)
        if self.kind == "completed":
            return (
                f"completed a write interrupted after its commit point ({where}): all "
                f"{self.files} files are the new ones now ({self.done} were still to be moved)"
            )
        if self.kind == "undone":
            return (
                f"finished undoing a write that failed part-way ({where}): all {self.files} "
                "files are the previous ones again"
            )
        return (
            f"removed the staging files of an interrupted write ({where}); it had replaced "
            "no file, or all of them"
        )


def _owner(folder: Path) -> Path:
    """The folder holding the journal of ``folder``'s write (itself if it does not say)."""
    try:
        text = (folder / OWNER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return folder  # killed before it said: no journal exists for it
    owner = Path(os.path.normpath(folder.parent / text))
    return owner if owner.name.startswith(STAGING_PREFIX) else folder  # only a staging folder


def _found(directories: list[Path]) -> dict[Path, list[Path]]:
    """Staging folders in ``directories``, by the folder holding their journal."""
    groups: dict[Path, list[Path]] = {}
    for directory in directories:
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(directory), key=lambda e: e.name):
                if entry.name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
                    folder = Path(entry.path)
                    groups.setdefault(_owner(folder), []).append(folder)
    return groups


def _touched(groups: dict[Path, list[Path]]) -> set[Path]:
    """Every directory that recovering ``groups`` may change."""
    touched = {folder.parent for folders in groups.values() for folder in folders}
    for owner in groups:
        touched.add(owner.parent)
        journal = read_journal(owner)
        if journal is not None:
            touched.update(journal.directories)
            touched.update(folder.parent for folder in journal.folders)
    return touched


def recover(directories: Iterable[str | Path]) -> list[Recovered]:
    """Complete or remove what interrupted writes left in ``directories``: one record for each
    write completed or undone, one for all staging folders removed.

    Call it before reading or writing files there: afterwards each set of files written
    together is whole, the old set or the new one, and no staging folder is left.
    """
    wanted = list(dict.fromkeys(Path(os.path.abspath(d)) for d in directories))
    if not _found(wanted):
        return []  # the usual case: nothing to do, and no lock taken
    held = set(wanted)
    while True:
        with locked(held):  # a live writer holds its directories: wait for it to finish
            groups = _found(wanted)
            touched = _touched(groups)
            if touched <= held:
                return _recover_all(groups)
        held |= touched  # a journal names other directories: lock them too, and look again


def _recover_all(groups: dict[Path, list[Path]]) -> list[Recovered]:
    done: list[Recovered] = []
    removed: list[Path] = []
    for owner, folders in groups.items():
        journal = read_journal(owner)
        if journal is None:
            remove(folders)
            removed += [folder.parent for folder in folders]
            continue
        moved = apply(journal)
        finish(journal)
        remove(folders)
        kind: Literal["completed", "undone"] = (
            "completed" if journal.state == "forward" else "undone"
        )
        done.append(Recovered(kind, (owner.parent,), len(journal.moves), moved))
    if removed:
        done.append(Recovered("removed", tuple(dict.fromkeys(removed))))
    return done
