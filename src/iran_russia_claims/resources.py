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


def shipped_dataset() -> Traversable:
    """The curated ``dataset/`` directory as shipped with the package."""
    return data_root() / "dataset"


def default_dataset_dir() -> Path:
    """``./dataset`` when run from a checkout (the curator's copy), else the shipped one."""
    local = Path("dataset")
    if (local / "claims.yaml").is_file():
        return local
    return Path(str(shipped_dataset()))
