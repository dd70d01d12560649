"""Where the shipped data lives: inside the installed package, found with importlib.resources.

The wheel carries the generated ``exports/`` and the curated ``dataset/`` under
``iran_russia_claims/data/``; in a source checkout the same names are links to the top-level
directories, so an editable install reads exactly what a wheel would ship.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from iran_russia_claims.spec.problem import DataError, Problem


def data_root() -> Traversable:
    return files("iran_russia_claims") / "data"


def exported(name: str) -> Traversable:
    """A file of the shipped exports, e.g. ``claims.parquet``."""
    path = data_root() / "exports" / name
    if not path.is_file():
        raise DataError(
            [
                Problem(
                    "readable",
                    f"the package's data file {name!r} is missing",
                    str(path),
                    hint="reinstall iran-russia-claims; "
                    "in a checkout, run `iran-russia-claims export`",
                )
            ]
        )
    return path


def exports_dir() -> Path:
    """The folder of the shipped exports, on the file system (an installed wheel unpacks its
    data files; a zipped or otherwise virtual install is refused with the remedy)."""
    folder = data_root() / "exports"
    path = Path(str(folder))
    if not path.is_dir():
        raise DataError(
            [
                Problem(
                    "readable",
                    "the package's exports are not a folder on the file system",
                    str(folder),
                    hint="install iran-russia-claims with pip into a virtual environment "
                    "(not as a zip); in a checkout, run `iran-russia-claims export`",
                )
            ]
        )
    return path


def shipped_dataset() -> Traversable:
    """The curated ``dataset/`` directory as shipped with the package."""
    return data_root() / "dataset"


def local_collection() -> Path | None:
    """The collection the curator is working on: the current folder if it holds a manifest
    (``collection.yaml``), else ``./dataset`` if that does (a checkout of this project)."""
    from iran_russia_claims.spec.manifest import MANIFEST_FILE

    for local in (Path("."), Path("dataset")):
        if (local / MANIFEST_FILE).is_file():
            return local
    return None


def default_dataset_dir() -> Path:
    """The local collection (see :func:`local_collection`), else the shipped one."""
    return local_collection() or Path(str(shipped_dataset()))
