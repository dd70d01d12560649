"""Reading a collection's manifest (``collection.yaml``), with every problem located.

See :mod:`iran_russia_claims.spec.manifest` for what a collection is. A folder without a
manifest, a manifest with an unknown key, a bad id prefix or a field of the wrong form is
refused with one :class:`~iran_russia_claims.spec.problem.DataError` naming the file, the field
and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from iran_russia_claims.readers.safe_yaml import read_yaml
from iran_russia_claims.spec.manifest import MANIFEST_FILE, Manifest
from iran_russia_claims.spec.problem import DataError, Problem
from iran_russia_claims.spec.rules import RULES

#: What to do when a folder is not a collection.
INIT_HINT = (
    "pass the folder that holds collection.yaml, or run `iran-russia-claims init DIR` to "
    "start a new collection"
)


def folder_problem(directory: Path) -> Problem | None:
    """Why ``directory`` cannot be a collection folder, or None when it may be one."""
    where = str(directory)
    if not directory.exists():
        return Problem("readable", "the collection folder is not found", where, hint=INIT_HINT)
    if not directory.is_dir():
        return Problem(
            "readable", "this is a file; a collection is a folder", where, hint=INIT_HINT
        )
    if not (directory / MANIFEST_FILE).is_file():
        return Problem(
            "readable",
            f"no {MANIFEST_FILE} here: a collection folder starts with its manifest",
            where,
            hint=INIT_HINT,
        )
    return None


def read_manifest(directory: str | Path) -> Manifest:
    """The manifest of a collection folder; raise DataError listing every problem."""
    directory = Path(directory)
    problem = folder_problem(directory)
    if problem is not None:
        raise DataError([problem])
    path = directory / MANIFEST_FILE
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataError(
            [Problem("readable", "expected a mapping of fields (name: ..., title: ...)", str(path))]
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise DataError(_problems(exc, str(path))) from None


def _problems(exc: ValidationError, where: str) -> list[Problem]:
    known = ", ".join(Manifest.model_fields)
    problems = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        kind = str(error["type"])
        message, hint = str(error["msg"]), None
        if kind in RULES:
            rule = kind
        elif kind == "missing":
            rule, message = "required", f"{field} is missing"
        elif kind == "extra_forbidden":
            rule, message = "no_extra_fields", f"unknown key {field!r}"
            hint = f"the manifest's keys are: {known}"
        else:
            rule, message = "manifest_value", f"{field}: {message}"
        value: Any = error.get("input")
        problems.append(
            Problem(
                rule,
                message,
                where,
                column=field or None,
                value=None if kind == "missing" else value,
                hint=hint,
            )
        )
    return problems


def outputs_folder(directory: str | Path, manifest: Manifest) -> Path:
    """Where the collection's generated files go (``outputs`` in the manifest)."""
    return Path(os.path.normpath(Path(directory) / manifest.outputs))


def articles_folder(directory: str | Path, manifest: Manifest) -> Path | None:
    """Where the collection's articles live (``articles`` in the manifest), if it says."""
    if manifest.articles is None:
        return None
    return Path(os.path.normpath(Path(directory) / manifest.articles))
