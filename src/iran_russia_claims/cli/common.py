"""What every command shares: exit codes, printing problems, the collection option."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from iran_russia_claims.validation.report import DataError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

#: Problems that mean "this input cannot be used" (exit 2) rather than "the data is invalid".
USAGE_RULES = frozenset(
    {"readable", "article_text", "source_registered", "source_hash_matches", "source_new",
     "quote_found"}
)  # fmt: skip


def print_problems(
    error: DataError, done: str = "nothing was written", refusal: bool = False
) -> int:
    """Every problem, on stderr; the exit code: 2 for a refusal (the curator's commands refuse
    what they are given) or unusable input, else 1."""
    print(f"error: {len(error.problems)} problem(s) found; {done}", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    usage = refusal or all(p.rule in USAGE_RULES for p in error.problems)
    return EXIT_USAGE if usage else EXIT_INVALID


def collection_option(
    p: argparse.ArgumentParser, default: Path | None, what: str = "the collection folder"
) -> None:
    """``--collection DIR`` (also spelt ``--dataset``, its name before 0.2)."""
    p.add_argument(
        "--collection",
        "--dataset",
        dest="dataset",
        type=Path,
        default=default,
        metavar="DIR",
        help=what,
    )


def count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, not {value}")
    return value


def working_collection(args: argparse.Namespace) -> Path:
    """The collection a command works on: ``--collection``, else the current folder if it holds
    collection.yaml, else ./dataset; never the copy inside the installed package."""
    from iran_russia_claims.readers.collection import INIT_HINT
    from iran_russia_claims.resources import local_collection
    from iran_russia_claims.spec.problem import Problem

    found = args.dataset or local_collection()
    if found is None:
        raise DataError(
            [
                Problem(
                    "readable",
                    "no collection here: neither this folder nor ./dataset holds collection.yaml",
                    str(Path.cwd()),
                    hint=f"pass --collection DIR; {INIT_HINT}",
                )
            ]
        )
    return Path(found)


def articles_option(p: argparse.ArgumentParser, what: str, flag: str = "--source") -> None:
    """An article's text file or a folder of them, repeatable (matched to the registry by hash)."""
    p.add_argument(
        flag, dest="source", type=Path, action="append", default=None, metavar="ARTICLE", help=what
    )


def recover_writes(args: argparse.Namespace) -> None:
    """Before a command reads or writes anything: complete (or remove) what an interrupted
    write left in the folders it uses, saying so in one line on stderr for each."""
    from iran_russia_claims.publish.atomic import recover

    for done in recover(_folders(args)):
        print(f"note: {done}", file=sys.stderr)


def _folders(args: argparse.Namespace) -> list[Path]:
    """The folders a command may read or write: its collection and the collection's output
    folders, and the folders of the paths it was given."""
    from iran_russia_claims.readers.collection import outputs_folder, read_manifest
    from iran_russia_claims.resources import local_collection

    folders: list[Path] = []
    if hasattr(args, "dataset"):  # a command on a collection
        collection = args.dataset or local_collection()
        if collection is not None and Path(collection).is_dir():
            folders.append(Path(collection))
            try:
                home = outputs_folder(collection, read_manifest(collection))
            except (DataError, OSError):  # the command itself will say what is wrong
                home = None
            if home is not None:
                folders += [home, home / "exports", home / "schemas", home / "metadata"]
    for name in ("out", "schemas", "exports"):  # a folder, or a file in one (synth --out)
        path = getattr(args, name, None)
        if isinstance(path, Path):
            folders += [path, path.parent]
    for name in ("readme", "citation"):
        path = getattr(args, name, None)
        if isinstance(path, Path):
            folders.append(path.parent)
    return folders
